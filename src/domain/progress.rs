//! Progress: signals that suggest seeing a counsellor, and milestones worth celebrating, both
//! read from a space's record as it stands at `now_us`.
//!
//! This module owns those rules, their thresholds and their wording. It reads [`SpaceState`]
//! and never changes it or the modules it reads. Nothing here does I/O, reads the clock or
//! keeps anything between calls: signals are computed on every read (there is no background
//! job), and recording a milestone as an event when it is first shown is the app's part.
//!
//! Why the rules are what they are:
//! - A signal is a suggestion, never a diagnosis. Each one names the rule that raised it, with
//!   every number taken from the one table [`Thresholds::DEFAULT`], and carries the items that
//!   triggered it and their dates, so a couple can see exactly why and judge for themselves.
//! - Signals speak about now. Disputes count for 30 days and a safety concern for 90, as the
//!   rules say; the other rules need their latest piece of evidence to fall within the last
//!   [`Thresholds::recent_days`]. A hard stretch that has passed stops being shown instead of
//!   hanging over a couple for years, and a run that began earlier still counts in full.
//! - Both partners see the same signals, so they rest only on what both can already see. A
//!   check-in answer counts once it is revealed ([`CheckIns::is_revealed`]); a check-in counts
//!   as missed only once it can no longer be answered, even late. A sealed answer can neither
//!   raise a signal nor quiet one, so a signal never hints at what it says.
//! - Milestones are about the past: each is reached at the first instant the record made it
//!   true, and a later event does not take it back (a new question does not undo "every
//!   question settled" having happened), so showing and recording one is idempotent. The one
//!   exception is a promise report disputed after the fact, which can move "a month of
//!   promises kept" later; the app records the first showing, so nothing flickers.

use jiff::civil::{Date, DateTime};
use jiff::tz::TimeZone;
use jiff::{Span, Timestamp};

use super::checkins::{Answer, CheckIns, Feeling, Felt, Own, Period, Trust};
use super::milestones::{CHECK_INS_IN_A_ROW, DAYS_KEPT, Event, Milestone, MilestoneKind};
use super::ownup::{ApologyResponseKind, BreachKind};
use super::promises::{Occurrence, Promises, Review, Status};
use super::repair::Stage;
use super::space::SpaceState;
use super::{EntryId, PersonId};

const DAY_US: i64 = 86_400_000_000;

// ---- the thresholds ----------------------------------------------------------------------

/// Every number the signal rules use, in one place, so the rules shown to a couple and the
/// rules applied are the same and can be tuned together.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Thresholds {
    /// Times the same question is asked again (follow-up rounds after the first).
    pub asked_again: usize,
    /// Disputed promise reports within [`Thresholds::disputes_within_days`].
    pub disputes: usize,
    pub disputes_within_days: i64,
    /// Apology responses of "something is missing", across all apologies.
    pub something_missing: usize,
    /// The feelings that weigh most when they stay strong.
    pub hard_feelings: [Feeling; 4],
    /// The intensity (of 5) from which a hard feeling counts.
    pub hard_intensity: u8,
    /// Check-ins in a row in which one partner names a hard feeling that strongly.
    pub hard_check_ins_in_a_row: usize,
    /// Check-ins averaged for each point of the hurt partner's trust.
    pub moving_average_of: usize,
    /// How far back the latest average is compared.
    pub stall_weeks: i64,
    /// Trust averaging this much or more on every dimension is holding, not stalled: trust
    /// near the top of the scale has little room left to rise.
    pub trust_steady_at: u8,
    /// Check-in periods in a row in which at least one partner's answer is missing.
    pub missed_in_a_row: usize,
    /// How long a breach of the kind "threats or anger" keeps the safety signal up.
    pub safety_within_days: i64,
    /// How recent the latest evidence of the other rules must be.
    pub recent_days: i64,
}

impl Thresholds {
    pub const DEFAULT: Self = Self {
        asked_again: 3,
        disputes: 2,
        disputes_within_days: 30,
        something_missing: 2,
        hard_feelings: [
            Feeling::Anger,
            Feeling::Anxiety,
            Feeling::Sadness,
            Feeling::Numbness,
        ],
        hard_intensity: 4,
        hard_check_ins_in_a_row: 3,
        moving_average_of: 4,
        stall_weeks: 8,
        trust_steady_at: 8,
        missed_in_a_row: 3,
        safety_within_days: 90,
        recent_days: 90,
    };
}

impl Default for Thresholds {
    fn default() -> Self {
        Self::DEFAULT
    }
}

// ---- signals -----------------------------------------------------------------------------

/// The page the safety signal links to: in-our-own-words guidance on abuse and on reaching
/// support and emergency services wherever the person lives. The web layer serves it.
pub const SAFETY_HELP_PATH: &str = "/help/safety";

/// Said beside every signal.
pub const NOT_A_DIAGNOSIS: &str = "This is a suggestion drawn from what you have both recorded, not a diagnosis. You know your situation better than any rule does.";

/// What a signal is about, in the order they are shown: safety first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum SignalKind {
    Safety,
    Communication,
    Distress,
    Stalled,
}

/// In place of [`COUNSELLOR_STEPS`] while a safety signal is up: no joint session, no
/// summary to share, help for each of you on your own first.
const BESIDE_SAFETY_STEPS: [&str; 2] = [
    "While safety is in question, look for a counsellor for yourself, on your own, before seeing anyone together.",
    "What you share with your own counsellor stays between you and them; you don't need to bring anything from here.",
];

const COUNSELLOR_STEPS: [&str; 2] = [
    "Look for a couples counsellor together, ideally one who has helped couples rebuild trust. A first conversation commits you to nothing.",
    "Print your progress summary and bring it to the first session: it shows a counsellor in a few minutes what has happened and what you have already tried.",
];

/// For anyone who may be at risk: confidential help, on their own.
const SAFETY_STEPS: [&str; 3] = [
    "Read our page on finding help. It explains in plain words what abuse can look like, and how to reach confidential support and emergency services where you live.",
    "If anyone is in danger right now, contact your local emergency services.",
    "Talk with someone on your side alone: a helpline or an individual counsellor. Couples counselling is not advised while one of you is afraid of the other, and nothing here needs to be shared with anyone to get that help.",
];

/// For the partner every such breach names as the one whose threats or anger it records:
/// help with the anger itself, on their own. Nothing here tells them what the other
/// partner is advised, so the card cannot be turned against the one at risk.
const SAFETY_STEPS_NAMED: [&str; 4] = [
    "Talk with an individual counsellor, or a service that helps people with anger and with how they treat a partner. It is confidential, and asking for it is a strong step.",
    "If you feel you may hurt someone, step away now, and contact your local emergency services if anyone is in danger.",
    "Read our page on finding help: it explains how to find confidential support where you live.",
    "If you are the one who is afraid, whatever the record says, your safety comes first: the same page says how to find help for yourself.",
];

/// Whom a safety card speaks to. Both partners see the breach behind it, but each sees only
/// the advice meant for them (docs/safety.md): the one at risk is never shown advice the
/// other could read over their shoulder as "what you were told to do".
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SafetyAudience {
    /// Anyone the breaches do not all name, including someone named in one and threatened in
    /// another: the safety of the viewer comes first.
    MayBeAtRisk,
    /// Named in every breach behind the signal as the one whose threats or anger it records.
    Named,
}

impl SafetyAudience {
    /// Whom `signal` (a safety signal) speaks to when `viewer` reads it.
    pub fn of(signal: &Signal, state: &SpaceState, viewer: PersonId) -> Self {
        let mut evidence = signal.findings.iter().flat_map(|f| &f.evidence).peekable();
        // With nothing to go on, the viewer may be at risk: that is the safe default.
        if evidence.peek().is_none() {
            return Self::MayBeAtRisk;
        }
        let named_in_all = evidence.all(|e| match e {
            Evidence::Breach { breach, .. } => state
                .own_up
                .breach(*breach)
                .is_some_and(|b| b.broke_trust == viewer),
            _ => false,
        });
        if named_in_all {
            Self::Named
        } else {
            Self::MayBeAtRisk
        }
    }

    pub fn explanation(self) -> &'static str {
        match self {
            Self::MayBeAtRisk => SignalKind::Safety.explanation(),
            Self::Named => {
                "A breach recorded recently says your threats or anger broke trust. Feeling safe comes before any repair, for both of you. Anger can be worked on, and it is worked on best with help of your own."
            }
        }
    }

    pub fn next_steps(self) -> &'static [&'static str] {
        match self {
            Self::MayBeAtRisk => &SAFETY_STEPS,
            Self::Named => &SAFETY_STEPS_NAMED,
        }
    }
}

impl SignalKind {
    pub const ALL: [Self; 4] = [
        Self::Safety,
        Self::Communication,
        Self::Distress,
        Self::Stalled,
    ];

    /// A stable name for anchors and styles.
    pub fn key(self) -> &'static str {
        match self {
            Self::Safety => "safety",
            Self::Communication => "communication",
            Self::Distress => "distress",
            Self::Stalled => "stalled",
        }
    }

    pub fn title(self) -> &'static str {
        match self {
            Self::Safety => "Your safety comes first",
            Self::Communication => "Talking it through keeps getting stuck",
            Self::Distress => "Some feelings have stayed very strong",
            Self::Stalled => "Things seem to have stopped moving",
        }
    }

    /// A short explanation, in our own words. Numbers live in the rules, not here, so the
    /// text never disagrees with the table.
    pub fn explanation(self) -> &'static str {
        match self {
            Self::Safety => {
                "A breach involving threats or anger was recorded recently. Feeling safe comes before any repair: if either of you is afraid of the other, please put that first. You don't need to be sure something is abuse to ask for help."
            }
            Self::Communication => {
                "Some conversations keep coming back without landing: the same question asked again and again, reports you see differently, or apologies that still feel incomplete. That happens to many couples, and it is where a third person can help most, by slowing things down so each of you feels heard."
            }
            Self::Distress => {
                "One of you has named a hard feeling at its strongest in several check-ins in a row. Feelings like these make sense after trust is broken, and they are a lot to carry with only each other to lean on. A counsellor can help you hold them without the repair wearing you out."
            }
            Self::Stalled => {
                "Trust has not risen for a while, or check-ins have been slipping. Repair has slow stretches, and a slow stretch is not a failure. A counsellor can help you both see what is in the way and find a next step."
            }
        }
    }

    /// Concrete next steps, in the order to read them.
    pub fn next_steps(self) -> &'static [&'static str] {
        match self {
            Self::Safety => &SAFETY_STEPS,
            Self::Communication | Self::Distress | Self::Stalled => &COUNSELLOR_STEPS,
        }
    }

    /// The next steps while a safety signal is also up: the safety card's advice holds for
    /// every card on the page, so no card then suggests a joint session or the summary.
    pub fn next_steps_beside_safety(self) -> &'static [&'static str] {
        match self {
            Self::Safety => &SAFETY_STEPS,
            Self::Communication | Self::Distress | Self::Stalled => &BESIDE_SAFETY_STEPS,
        }
    }

    /// The page on finding help, for the signal that needs it.
    pub fn help_page(self) -> Option<&'static str> {
        (self == Self::Safety).then_some(SAFETY_HELP_PATH)
    }
}

/// One transparent rule; several can raise the same kind of signal.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Rule {
    ThreatsOrAnger,
    QuestionAskedAgain,
    DisputedReports,
    SomethingMissing,
    HardFeelings,
    TrustNotRising,
    CheckInsMissed,
}

impl Rule {
    pub const ALL: [Self; 7] = [
        Self::ThreatsOrAnger,
        Self::QuestionAskedAgain,
        Self::DisputedReports,
        Self::SomethingMissing,
        Self::HardFeelings,
        Self::TrustNotRising,
        Self::CheckInsMissed,
    ];

    pub fn kind(self) -> SignalKind {
        match self {
            Self::ThreatsOrAnger => SignalKind::Safety,
            Self::QuestionAskedAgain | Self::DisputedReports | Self::SomethingMissing => {
                SignalKind::Communication
            }
            Self::HardFeelings => SignalKind::Distress,
            Self::TrustNotRising | Self::CheckInsMissed => SignalKind::Stalled,
        }
    }

    /// The rule in plain words, with its numbers from `t`, shown beside its evidence.
    pub fn describe(self, t: &Thresholds) -> String {
        match self {
            Self::ThreatsOrAnger => format!(
                "A breach of the kind \"threats or anger\" recorded in the last {} days.",
                t.safety_within_days
            ),
            Self::QuestionAskedAgain => format!(
                "The same question asked again {} or more times, the latest time in the last {} days.",
                t.asked_again, t.recent_days
            ),
            Self::DisputedReports => format!(
                "{} or more reports on promises disputed in the last {} days.",
                t.disputes, t.disputes_within_days
            ),
            Self::SomethingMissing => format!(
                "Apologies answered \"something is missing\" {} or more times, the latest in the last {} days.",
                t.something_missing, t.recent_days
            ),
            Self::HardFeelings => format!(
                "One of you naming {} at {} or more (of 5) in {} check-ins in a row, the latest in the last {} days.",
                or_list(&t.hard_feelings.map(Feeling::as_str)),
                t.hard_intensity,
                t.hard_check_ins_in_a_row,
                t.recent_days
            ),
            Self::TrustNotRising => format!(
                "Over {} weeks of check-ins, the trust of the partner who was hurt has not grown in any of its three parts (how predictable, how dependable, how much faith), looking at {} check-ins at a time so that one hard day does not decide it. This is not said while all three are at {} or more.",
                t.stall_weeks, t.moving_average_of, t.trust_steady_at
            ),
            Self::CheckInsMissed => format!(
                "A check-in missed by at least one of you in {} periods in a row, the latest in the last {} days.",
                t.missed_in_a_row, t.recent_days
            ),
        }
    }
}

/// The hurt partner's trust averaged over a few check-ins.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TrustAverage {
    /// The first and the last period averaged, by the local dates they begin on.
    pub from: Date,
    pub to: Date,
    /// Per dimension, in the order of [`Trust::DIMENSIONS`], in hundredths (625 is 6.25).
    /// Whole numbers keep comparisons exact: an average of four answers is a multiple of 25.
    pub hundredths: [u32; 3],
}

impl TrustAverage {
    /// Each dimension's name with its average as people read it ("6.25").
    pub fn shown(&self) -> [(&'static str, String); 3] {
        let [p, d, f] = Trust::DIMENSIONS.map(|(name, _)| name);
        let text = |h: u32| format!("{}.{:02}", h / 100, h % 100);
        [
            (p, text(self.hundredths[0])),
            (d, text(self.hundredths[1])),
            (f, text(self.hundredths[2])),
        ]
    }
}

/// A concrete item that triggered a rule.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Evidence {
    Breach {
        breach: EntryId,
        title: String,
        recorded_at_us: i64,
    },
    Question {
        question: EntryId,
        title: String,
        /// Follow-up rounds after the first asking.
        asked_again: usize,
        first_asked_us: i64,
        last_asked_us: i64,
    },
    DisputedReport {
        promise: EntryId,
        title: String,
        /// The occurrence, by the local date it fell on.
        on: Date,
        disputed_at_us: i64,
    },
    SomethingMissing {
        apology: EntryId,
        breach: EntryId,
        at_us: i64,
    },
    /// A revealed check-in in which `person` named hard feelings strongly; only those
    /// feelings are listed.
    HardFeelings {
        person: PersonId,
        period: Period,
        felt: Vec<Felt>,
    },
    TrustHeld {
        person: PersonId,
        earlier: TrustAverage,
        latest: TrustAverage,
    },
    /// A check-in that closed without an answer from `missed_by`.
    MissedCheckIn {
        period: Period,
        missed_by: Vec<PersonId>,
    },
}

/// A rule that fired, what made it fire, and the time it covers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Finding {
    pub rule: Rule,
    /// Oldest first.
    pub evidence: Vec<Evidence>,
    pub from_us: i64,
    pub to_us: i64,
}

/// A suggestion to seek a counsellor, with every rule behind it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Signal {
    pub kind: SignalKind,
    /// In the order of [`Rule::ALL`].
    pub findings: Vec<Finding>,
    /// The span of all its findings.
    pub from_us: i64,
    pub to_us: i64,
}

impl Signal {
    pub fn title(&self) -> &'static str {
        self.kind.title()
    }

    pub fn explanation(&self) -> &'static str {
        self.kind.explanation()
    }

    pub fn next_steps(&self) -> &'static [&'static str] {
        self.kind.next_steps()
    }

    pub fn help_page(&self) -> Option<&'static str> {
        self.kind.help_page()
    }
}

/// The signals a space's record raises at `now_us`, with the default thresholds.
pub fn signals(state: &SpaceState, now_us: i64) -> Vec<Signal> {
    signals_with(state, now_us, &Thresholds::DEFAULT)
}

/// The signals under other thresholds (for tests, and for tuning the table).
pub fn signals_with(state: &SpaceState, now_us: i64, t: &Thresholds) -> Vec<Signal> {
    let findings: Vec<Finding> = [
        threats_or_anger(state, now_us, t),
        question_asked_again(state, now_us, t),
        disputed_reports(&state.promises, now_us, t),
        something_missing(state, now_us, t),
        hard_feelings(state, now_us, t),
        trust_not_rising(state, now_us, t),
        check_ins_missed(state, now_us, t),
    ]
    .into_iter()
    .flatten()
    .collect();
    // During a break the signals stop for both, but the safety signal: safety never pauses.
    let paused = state.pause.paused_at(now_us).is_some();
    SignalKind::ALL
        .into_iter()
        .filter(|kind| !paused || *kind == SignalKind::Safety)
        .filter_map(|kind| {
            let findings: Vec<Finding> = findings
                .iter()
                .filter(|f| f.rule.kind() == kind)
                .cloned()
                .collect();
            let from_us = findings.iter().map(|f| f.from_us).min()?;
            let to_us = findings.iter().map(|f| f.to_us).max()?;
            Some(Signal {
                kind,
                findings,
                from_us,
                to_us,
            })
        })
        .collect()
}

fn days(n: i64) -> i64 {
    n.saturating_mul(DAY_US)
}

/// A finding for `rule` from evidence with the instants each covers; `None` without evidence.
fn finding(rule: Rule, mut items: Vec<(Evidence, i64, i64)>) -> Option<Finding> {
    // Stable, so one partner's run stays in order beside the other's.
    items.sort_by_key(|i| i.1);
    let from_us = items.iter().map(|i| i.1).min()?;
    let to_us = items.iter().map(|i| i.2).max()?;
    Some(Finding {
        rule,
        evidence: items.into_iter().map(|i| i.0).collect(),
        from_us,
        to_us,
    })
}

fn threats_or_anger(state: &SpaceState, now_us: i64, t: &Thresholds) -> Option<Finding> {
    let since = now_us.saturating_sub(days(t.safety_within_days));
    let items = state
        .own_up
        .breaches
        .iter()
        .filter(|b| b.kind == BreachKind::ThreatsOrAnger)
        .filter(|b| b.recorded_at_us > since && b.recorded_at_us <= now_us)
        .map(|b| {
            let at = b.recorded_at_us;
            let evidence = Evidence::Breach {
                breach: b.id,
                title: b.title.clone(),
                recorded_at_us: at,
            };
            (evidence, at, at)
        })
        .collect();
    finding(Rule::ThreatsOrAnger, items)
}

fn question_asked_again(state: &SpaceState, now_us: i64, t: &Thresholds) -> Option<Finding> {
    let since = now_us.saturating_sub(days(t.recent_days));
    let items = state
        .own_up
        .questions
        .iter()
        .filter_map(|q| {
            let asked_again = q.rounds.len().saturating_sub(1);
            let last = q.rounds.last()?.asked_at_us;
            let first = q.asked_at_us();
            let counts = asked_again >= t.asked_again.max(1) && last > since && last <= now_us;
            counts.then(|| {
                let evidence = Evidence::Question {
                    question: q.id,
                    title: q.title().to_owned(),
                    asked_again,
                    first_asked_us: first,
                    last_asked_us: last,
                };
                (evidence, first, last)
            })
        })
        .collect();
    finding(Rule::QuestionAskedAgain, items)
}

fn disputed_reports(promises: &Promises, now_us: i64, t: &Thresholds) -> Option<Finding> {
    let since = now_us.saturating_sub(days(t.disputes_within_days));
    // Disputes are kept in the order they were made, so the walk stops at the first one
    // older than the window: it costs the same after years of daily promises. A dispute
    // talked through (settled) still counts, so every mark stands.
    let items: Vec<(Evidence, i64, i64)> = promises
        .disputes
        .iter()
        .rev()
        .take_while(|d| d.at_us > since)
        .filter(|d| d.at_us <= now_us)
        .filter_map(|d| {
            let p = promises.promise(d.promise)?;
            let evidence = Evidence::DisputedReport {
                promise: p.id,
                title: p.title().to_owned(),
                on: d.on,
                disputed_at_us: d.at_us,
            };
            Some((evidence, d.at_us, d.at_us))
        })
        .collect();
    if items.len() < t.disputes.max(1) {
        return None;
    }
    finding(Rule::DisputedReports, items)
}

fn something_missing(state: &SpaceState, now_us: i64, t: &Thresholds) -> Option<Finding> {
    let items: Vec<(Evidence, i64, i64)> = state
        .own_up
        .apologies
        .iter()
        .flat_map(|a| {
            a.responses
                .iter()
                .filter(|r| r.kind == ApologyResponseKind::SomethingMissing && r.at_us <= now_us)
                .map(|r| {
                    let evidence = Evidence::SomethingMissing {
                        apology: a.id,
                        breach: a.breach,
                        at_us: r.at_us,
                    };
                    (evidence, r.at_us, r.at_us)
                })
        })
        .collect();
    let since = now_us.saturating_sub(days(t.recent_days));
    let recent = items.iter().any(|i| i.1 > since);
    // "Twice in total": responses to different apologies add up, because feeling that an
    // apology misses something, again, is the pattern whichever apology it was.
    if items.len() < t.something_missing.max(1) || !recent {
        return None;
    }
    finding(Rule::SomethingMissing, items)
}

/// `person`'s answer for `period`, only if both partners may see it now.
fn revealed<'a>(
    check_ins: &'a CheckIns,
    period: &Period,
    person: PersonId,
    now_us: i64,
) -> Option<&'a Answer> {
    if !check_ins.is_revealed(period, now_us) {
        return None;
    }
    match check_ins.period_view(period, person, now_us).own {
        Own::Answered(answer) => Some(answer),
        Own::NotYet | Own::Missed => None,
    }
}

/// The most recent run of at least `n` periods in a row for which `hit` gives something,
/// whose newest period began after `since`, oldest first. `periods` runs newest first, so the
/// walk stops as soon as no run could still qualify: it never reads all of a long history.
fn latest_run<T>(
    periods: impl Iterator<Item = Period>,
    n: usize,
    since: i64,
    mut hit: impl FnMut(&Period) -> Option<T>,
) -> Option<Vec<(Period, T)>> {
    let n = n.max(1);
    let mut run = Vec::new();
    for p in periods {
        if run.is_empty() && p.start_us <= since {
            break;
        }
        match hit(&p) {
            Some(x) => run.push((p, x)),
            None if run.len() >= n => break,
            None => run.clear(),
        }
    }
    (run.len() >= n).then(|| {
        run.reverse();
        run
    })
}

fn hard_feelings(state: &SpaceState, now_us: i64, t: &Thresholds) -> Option<Finding> {
    let check_ins = &state.check_ins;
    let since = now_us.saturating_sub(days(t.recent_days));
    let mut items = Vec::new();
    // Each partner's own answers only: one partner's hard week and the other's do not make
    // a run between them.
    for person in state.partners.iter().map(|p| p.person) {
        let periods = check_ins
            .history(now_us)
            .filter(|p| check_ins.is_revealed(p, now_us));
        let run = latest_run(periods, t.hard_check_ins_in_a_row, since, |p| {
            let answer = revealed(check_ins, p, person, now_us)?;
            let felt: Vec<Felt> = answer
                .check_in
                .feelings
                .iter()
                .filter(|f| {
                    t.hard_feelings.contains(&f.feeling) && f.intensity.get() >= t.hard_intensity
                })
                .copied()
                .collect();
            (!felt.is_empty()).then_some(felt)
        });
        for (period, felt) in run.into_iter().flatten() {
            let evidence = Evidence::HardFeelings {
                person,
                period,
                felt,
            };
            items.push((evidence, period.start_us, period.end_us));
        }
    }
    finding(Rule::HardFeelings, items)
}

/// The people hurt in at least one breach, in the order their breaches were recorded.
fn hurt_partners(state: &SpaceState) -> Vec<PersonId> {
    let mut hurt = Vec::new();
    for b in &state.own_up.breaches {
        if !hurt.contains(&b.hurt) {
            hurt.push(b.hurt);
        }
    }
    hurt
}

/// The average of `answers` (newest first), or `None` if empty.
fn average(answers: &[(Period, Trust)]) -> Option<TrustAverage> {
    let (newest, oldest) = (answers.first()?, answers.last()?);
    let n = u32::try_from(answers.len()).ok()?;
    let sum = |level: fn(&Trust) -> u8| -> u32 {
        answers
            .iter()
            .map(|(_, t)| u32::from(level(t)))
            .sum::<u32>()
            * 100
            / n
    };
    Some(TrustAverage {
        from: oldest.0.starts_on,
        to: newest.0.starts_on,
        hundredths: [
            sum(|t| t.predictability.get()),
            sum(|t| t.dependability.get()),
            sum(|t| t.faith.get()),
        ],
    })
}

fn trust_not_rising(state: &SpaceState, now_us: i64, t: &Thresholds) -> Option<Finding> {
    let check_ins = &state.check_ins;
    let since = now_us.saturating_sub(days(t.recent_days));
    let k = t.moving_average_of.max(1);
    let steady = u32::from(t.trust_steady_at) * 100;
    let mut items = Vec::new();
    for person in hurt_partners(state) {
        // The hurt partner's revealed answers, newest first, read only as far back as the
        // earlier average needs.
        let mut answers: Vec<(Period, Trust)> = Vec::new();
        let mut cutoff: Option<Date> = None;
        let mut earlier_at: Option<usize> = None;
        for p in check_ins.history(now_us) {
            // Trust last heard of long ago says nothing about now (the missed check-ins rule
            // speaks to that instead).
            if answers.is_empty() && p.start_us <= since {
                break;
            }
            let Some(answer) = revealed(check_ins, &p, person, now_us) else {
                continue;
            };
            if answers.is_empty() {
                let back = Span::new().try_days(t.stall_weeks.saturating_mul(7)).ok();
                cutoff = back.and_then(|span| p.starts_on.checked_sub(span).ok());
            }
            if earlier_at.is_none() && cutoff.is_some_and(|c| p.starts_on <= c) {
                earlier_at = Some(answers.len());
            }
            answers.push((p, answer.check_in.trust));
            if earlier_at.is_some_and(|at| answers.len() >= at + k) {
                break;
            }
        }
        let Some(at) = earlier_at.filter(|at| answers.len() >= at + k) else {
            continue;
        };
        let (Some(latest), Some(earlier)) = (average(&answers[..k]), average(&answers[at..at + k]))
        else {
            continue;
        };
        let rose = (0..3).any(|d| latest.hundredths[d] > earlier.hundredths[d]);
        let holding = latest.hundredths.iter().all(|&h| h >= steady);
        if rose || holding {
            continue;
        }
        let from_us = answers[at + k - 1].0.start_us;
        let to_us = answers[0].0.end_us;
        let evidence = Evidence::TrustHeld {
            person,
            earlier,
            latest,
        };
        items.push((evidence, from_us, to_us));
    }
    finding(Rule::TrustNotRising, items)
}

fn check_ins_missed(state: &SpaceState, now_us: i64, t: &Thresholds) -> Option<Finding> {
    let check_ins = &state.check_ins;
    let partners: Vec<PersonId> = state.partners.iter().map(|p| p.person).collect();
    if partners.len() < 2 {
        return None;
    }
    let since = now_us.saturating_sub(days(t.recent_days));
    // Only periods that can no longer be answered, even late: a check-in answered a day
    // after its period ended was not missed. Whether someone answered is visible to both
    // from the start (only what they said is sealed), so this reveals nothing.
    let closed = check_ins
        .history(now_us)
        .filter(|p| p.late_until_us <= now_us);
    let run = latest_run(closed, t.missed_in_a_row, since, |p| {
        let missed_by: Vec<PersonId> = partners
            .iter()
            .copied()
            .filter(|&person| {
                !matches!(
                    check_ins.period_view(p, person, now_us).own,
                    Own::Answered(_)
                )
            })
            .collect();
        (!missed_by.is_empty()).then_some(missed_by)
    })?;
    let items = run
        .into_iter()
        .map(|(period, missed_by)| {
            let (from, to) = (period.start_us, period.end_us);
            (Evidence::MissedCheckIn { period, missed_by }, from, to)
        })
        .collect();
    finding(Rule::CheckInsMissed, items)
}

/// "a, b, c or d".
fn or_list(words: &[&str]) -> String {
    match words.split_last() {
        None => String::new(),
        Some((last, [])) => (*last).to_owned(),
        Some((last, rest)) => format!("{} or {last}", rest.join(", ")),
    }
}

// ---- milestones --------------------------------------------------------------------------
//
// What a milestone is and how its celebration is recorded live in `milestones`; when each was
// reached is read here, from a finished `SpaceState`, like the signals.

/// The events that mark as shown every milestone reached by now and not shown before.
pub fn decide(state: &SpaceState, now_us: i64) -> Vec<Event> {
    super::milestones::decide(&state.milestones, &reached_but_not_shown(state, now_us))
}

/// Milestones reached by `now_us` that the record does not yet show as celebrated. Only the
/// kinds not yet celebrated are computed, so once a space has celebrated them all this
/// costs nothing however long its history.
pub fn reached_but_not_shown(state: &SpaceState, now_us: i64) -> Vec<Milestone> {
    let missing = MilestoneKind::ALL
        .into_iter()
        .filter(|k| !state.milestones.has(*k));
    reached_of(state, now_us, missing)
}

/// Every milestone reached by `now_us`, in the order they were reached.
pub fn reached(state: &SpaceState, now_us: i64) -> Vec<Milestone> {
    reached_of(state, now_us, MilestoneKind::ALL)
}

/// Those of `kinds` reached by `now_us`, in the order they were reached. Each kind is
/// computed only when asked for.
fn reached_of(
    state: &SpaceState,
    now_us: i64,
    kinds: impl IntoIterator<Item = MilestoneKind>,
) -> Vec<Milestone> {
    // Both check-in milestones come from one walk; it is taken at most once.
    let mut check_ins = None;
    let mut all: Vec<Milestone> = kinds
        .into_iter()
        .filter_map(|kind| {
            let mut walk = || *check_ins.get_or_insert_with(|| check_in_milestones(state, now_us));
            let at = match kind {
                MilestoneKind::FirstCheckIn => walk().0,
                MilestoneKind::CheckInsInARow => walk().1,
                MilestoneKind::PromisesKept => promises_kept(&state.promises, now_us),
                MilestoneKind::QuestionsSettled => questions_settled(state),
                MilestoneKind::StageMovedOn => stage_moved_on(state),
                MilestoneKind::GoalReached => state
                    .together
                    .goals
                    .iter()
                    .filter_map(|g| g.reached_at_us)
                    .min(),
                MilestoneKind::SixMonths => months_after(state, 6),
                MilestoneKind::TwelveMonths => months_after(state, 12),
            };
            at.filter(|&at| at <= now_us)
                .map(|reached_at_us| Milestone {
                    kind,
                    reached_at_us,
                })
        })
        .collect();
    all.sort_by_key(|m| (m.reached_at_us, m.kind));
    all
}

/// When the first check-in both answered was complete, and when the first run of
/// [`CHECK_INS_IN_A_ROW`] was. A late answer can complete an older period after a newer
/// one, so each is the earliest completion, not the first period in the calendar.
fn check_in_milestones(state: &SpaceState, now_us: i64) -> (Option<i64>, Option<i64>) {
    let [a, b] = match state.partners.as_slice() {
        [a, b, ..] => [a.person, b.person],
        _ => return (None, None),
    };
    let check_ins = &state.check_ins;
    // Two answers reveal a period at once, so both are seen by both from that instant.
    let mut completed: Vec<Option<i64>> = check_ins
        .history(now_us)
        .map(|p| {
            let first = revealed(check_ins, &p, a, now_us)?;
            let second = revealed(check_ins, &p, b, now_us)?;
            Some(first.at_us.max(second.at_us))
        })
        .collect();
    completed.reverse();
    let first = completed.iter().flatten().copied().min();
    let in_a_row = completed
        .windows(CHECK_INS_IN_A_ROW)
        .filter_map(|w| w.iter().copied().collect::<Option<Vec<i64>>>())
        .filter_map(|w| w.into_iter().max())
        .min();
    (first, in_a_row)
}

/// When occurrences of the couple's promises (both partners') had been kept for
/// [`DAYS_KEPT`] days with none missed in between: from the due time of the first kept one
/// to the due time of a kept one at least that long after, reached when the last report
/// needed was given. Renegotiating in advance is not a miss; a missed, unreported or
/// (still) disputed occurrence starts the count again.
fn promises_kept(promises: &Promises, now_us: i64) -> Option<i64> {
    // Every promise's calendar, merged in order of due time, stopping at the first run long
    // enough: a run reached early is found without walking years of history.
    let mut calendars: Vec<_> = promises
        .promises
        .iter()
        .map(|p| {
            p.calendar(now_us)
                .filter(move |o| o.due_us <= now_us)
                .peekable()
        })
        .collect();
    let mut start: Option<i64> = None;
    let mut decided = i64::MIN;
    loop {
        let (_, i) = calendars
            .iter_mut()
            .enumerate()
            .filter_map(|(i, c)| c.peek().map(|o| (o.due_us, i)))
            .min()?;
        let o = calendars.get_mut(i)?.next()?;
        match o.status {
            Status::Kept => {
                let began = *start.get_or_insert(o.due_us);
                decided = decided.max(decided_at(&o));
                if o.due_us.saturating_sub(began) >= days(DAYS_KEPT) {
                    return Some(decided);
                }
            }
            // A break is passed over like saying so in time: it neither counts nor breaks a run.
            Status::Renegotiated | Status::InBreak => {}
            Status::Missed | Status::NotReported | Status::Disputed => {
                start = None;
                decided = i64::MIN;
            }
            // Not decided yet: whatever follows waits on it.
            Status::AwaitingReport | Status::Upcoming => return None,
        }
    }
}

/// When a kept occurrence came to stand as kept: its report, or the end of its dispute.
fn decided_at(o: &Occurrence<'_>) -> i64 {
    o.report.map_or(o.due_us, |r| match r.review {
        Review::Settled { settled_at_us, .. } => settled_at_us.max(r.at_us),
        Review::Unconfirmed | Review::Confirmed { .. } | Review::Disputed { .. } => r.at_us,
    })
}

/// The first instant at which every question asked so far was settled (and there was at
/// least one).
fn questions_settled(state: &SpaceState) -> Option<i64> {
    let mut questions: Vec<_> = state.own_up.questions.iter().collect();
    questions.sort_by_key(|q| q.asked_at_us());
    let mut settled_by = i64::MIN;
    for (i, q) in questions.iter().enumerate() {
        // An open question stays in every later set of "asked so far".
        settled_by = settled_by.max(q.settled_at_us?);
        let next_asked = questions.get(i + 1).map(|n| n.asked_at_us());
        if next_asked.is_none_or(|n| n > settled_by) {
            return Some(settled_by);
        }
    }
    None
}

/// The first time any breach moved forward to Attune or Attach.
fn stage_moved_on(state: &SpaceState) -> Option<i64> {
    state
        .repair
        .stages
        .iter()
        .flat_map(|track| track.changes())
        .filter(|p| !p.is_back() && p.to >= Stage::Attune)
        .filter_map(|p| p.outcome.map(|o| o.at_us))
        .min()
}

/// `months` calendar months after the space was created. In UTC: the space has no time
/// zone of its own, and a few hours either way do not change a celebration.
fn months_after(state: &SpaceState, months: i64) -> Option<i64> {
    if state.partners.is_empty() {
        return None;
    }
    let created = Timestamp::from_microsecond(state.created_at_us).ok()?;
    let began: DateTime = TimeZone::UTC.to_datetime(created);
    let later = began
        .checked_add(Span::new().try_months(months).ok()?)
        .ok()?;
    Some(TimeZone::UTC.to_timestamp(later).ok()?.as_microsecond())
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::domain::calendar::Zone;
    use crate::domain::checkins::{self, CheckIn, Intensity, Rhythm, TrustLevel};
    use crate::domain::input::{DisplayName, SpaceName};
    use crate::domain::ownup::{self, ApologySections, Text};
    use crate::domain::promises::{self, Outcome, PromiseText, Repeat, TimeOfDay};
    use crate::domain::record::{Draft, seal_all};
    use crate::domain::repair::{self, Direction};
    use crate::domain::space::{self, Command, SpaceEvent};
    use crate::domain::together::{self, GoalText};
    use crate::domain::{Ctx, SpaceId};
    use jiff::civil::{Weekday, date};

    pub(crate) const HOUR: i64 = 3_600_000_000;
    pub(crate) const DAY: i64 = 24 * HOUR;
    pub(crate) const WEEK: i64 = 7 * DAY;
    /// Monday 5 January 2026, 00:00 UTC: the first weekly check-in period begins here.
    pub(crate) const START: i64 = 1_767_571_200_000_000;

    /// A couple with a clock. `when` decides and records like the app does, so each test's
    /// "given" is a real record folded into a real state.
    pub(crate) struct Couple {
        pub(crate) hurt: PersonId,
        pub(crate) broke: PersonId,
        pub(crate) state: SpaceState,
        pub(crate) now_us: i64,
    }

    impl Couple {
        /// given: a space the hurt partner created at 09:00 on 5 January 2026, joined by the
        /// other partner straight away.
        pub(crate) fn new() -> Self {
            let mut c = Self {
                hurt: PersonId::random(),
                broke: PersonId::random(),
                state: SpaceState::empty(SpaceId::random()),
                now_us: START + 9 * HOUR,
            };
            c.when(
                c.hurt,
                Command::Create {
                    name: SpaceName::parse("Us").expect("valid"),
                    display_name: DisplayName::parse("Sam").expect("valid"),
                },
            );
            c.when(
                c.broke,
                Command::Join {
                    display_name: DisplayName::parse("Alex").expect("valid"),
                },
            );
            c
        }

        /// given: a couple who check in weekly from Monday 5 January, in UTC.
        pub(crate) fn weekly() -> Self {
            let mut c = Self::new();
            let proposal = EntryId::random();
            c.when(
                c.hurt,
                Command::CheckIn(checkins::Command::ProposeCadence {
                    id: proposal,
                    rhythm: Rhythm::Weekly {
                        on: Weekday::Monday,
                    },
                    zone: Zone::utc(),
                }),
            );
            c.when(
                c.broke,
                Command::CheckIn(checkins::Command::AcceptCadence { proposal }),
            );
            c
        }

        pub(crate) fn when(&mut self, actor: PersonId, command: Command) {
            let ctx = Ctx {
                actor,
                now_us: self.now_us,
            };
            let events = space::decide(&self.state, command, &ctx).expect("decided");
            self.record(actor, &events);
        }

        pub(crate) fn record(&mut self, actor: PersonId, events: &[SpaceEvent]) {
            let drafts = events
                .iter()
                .map(|e| Draft {
                    at_us: self.now_us,
                    author: actor.to_string(),
                    kind: e.kind().into(),
                    body: e.body(),
                })
                .collect();
            let head = (self.state.head_seq, self.state.head_hash);
            let recorded = seal_all(head, drafts, || [0; 16]).expect("seals");
            let state = std::mem::replace(&mut self.state, SpaceState::empty(SpaceId::random()));
            self.state = space::fold(state, &recorded);
        }

        pub(crate) fn signals(&self) -> Vec<Signal> {
            signals(&self.state, self.now_us)
        }

        pub(crate) fn signal(&self, kind: SignalKind) -> Option<Signal> {
            self.signals().into_iter().find(|s| s.kind == kind)
        }

        pub(crate) fn milestone(&self, kind: MilestoneKind) -> Option<i64> {
            reached(&self.state, self.now_us)
                .into_iter()
                .find(|m| m.kind == kind)
                .map(|m| m.reached_at_us)
        }

        // ---- owning up ----

        pub(crate) fn own_up(&mut self, actor: PersonId, command: ownup::Command) {
            self.when(actor, Command::OwnUp(command));
        }

        pub(crate) fn breach(&mut self, kind: BreachKind) -> EntryId {
            let id = EntryId::random();
            self.own_up(
                self.hurt,
                ownup::Command::RecordBreach {
                    id,
                    title: text("What happened in October"),
                    kind,
                    broke_trust: self.broke,
                    discovered_on: date(2025, 12, 1),
                },
            );
            id
        }

        /// A question the hurt partner asks, answered, then asked again `times` times, each
        /// round answered, an hour apart.
        pub(crate) fn question_asked_again(&mut self, times: usize) -> EntryId {
            let question = EntryId::random();
            self.own_up(
                self.hurt,
                ownup::Command::AskQuestion {
                    id: question,
                    breach: None,
                    text: text("Why did you hide it?"),
                },
            );
            for round in 0..=times {
                if round > 0 {
                    self.own_up(
                        self.hurt,
                        ownup::Command::AskAgain {
                            question,
                            text: text("I need to hear it again."),
                        },
                    );
                }
                self.now_us += HOUR;
                self.own_up(
                    self.broke,
                    ownup::Command::AnswerQuestion {
                        question,
                        text: text("Because I was afraid."),
                    },
                );
                self.now_us += HOUR;
            }
            question
        }

        pub(crate) fn apology(&mut self, breach: EntryId) -> EntryId {
            let id = EntryId::random();
            self.own_up(
                self.broke,
                ownup::Command::SendApology {
                    id,
                    breach,
                    sections: ApologySections {
                        what_i_did: "I hid the messages.".into(),
                        how_it_affected_you: "You stopped feeling safe.".into(),
                        responsibility: "All of it.".into(),
                        changing: "I show you my phone when you ask.".into(),
                        asking: "Time, if you can give it.".into(),
                    },
                },
            );
            id
        }

        pub(crate) fn something_missing(&mut self, apology: EntryId) {
            self.own_up(
                self.hurt,
                ownup::Command::RespondToApology {
                    apology,
                    response: ApologyResponseKind::SomethingMissing,
                    missing: Some(text("What you felt when you lied.")),
                },
            );
        }

        // ---- check-ins ----

        /// `actor` answers week `n` ten hours into it (or now, if later).
        pub(crate) fn answer(&mut self, actor: PersonId, n: i64, check_in: CheckIn) {
            self.now_us = self.now_us.max(START + n * WEEK + 10 * HOUR);
            self.when(
                actor,
                Command::CheckIn(checkins::Command::Answer {
                    period: week(n),
                    check_in,
                }),
            );
            self.now_us += HOUR;
        }

        pub(crate) fn both_answer(&mut self, n: i64, hurt: CheckIn, broke: CheckIn) {
            self.answer(self.hurt, n, hurt);
            self.answer(self.broke, n, broke);
        }

        // ---- promises ----

        /// The other partner promises something every day at 20:00 UTC from 5 January.
        pub(crate) fn daily_promise(&mut self) -> EntryId {
            let id = EntryId::random();
            self.when(
                self.broke,
                Command::Promise(promises::Command::Make {
                    id,
                    breach: None,
                    text: PromiseText::parse("Home by eight, or I call.", "The promise")
                        .expect("valid"),
                    repeat: Repeat::Daily {
                        from: date(2026, 1, 5),
                        until: None,
                    },
                    at: TimeOfDay::new(20, 0).expect("valid"),
                    zone: Zone::utc(),
                }),
            );
            id
        }

        /// The promiser reports day `d` (0 is 5 January) an hour after it fell due.
        pub(crate) fn report(&mut self, promise: EntryId, d: i64, outcome: Outcome) {
            self.now_us = START + d * DAY + 21 * HOUR;
            self.when(
                self.broke,
                Command::Promise(promises::Command::Report {
                    promise,
                    on: day(d),
                    outcome,
                    note: None,
                }),
            );
        }

        pub(crate) fn dispute(&mut self, promise: EntryId, d: i64) {
            self.now_us += HOUR;
            self.when(
                self.hurt,
                Command::Promise(promises::Command::Dispute {
                    promise,
                    on: day(d),
                    message: None,
                }),
            );
        }

        // ---- together and repair ----

        pub(crate) fn together(&mut self, actor: PersonId, command: together::Command) {
            self.when(actor, Command::Together(command));
        }

        pub(crate) fn repair(&mut self, actor: PersonId, command: repair::Command) {
            self.when(actor, Command::Repair(command));
        }
    }

    pub(crate) fn text(s: &str) -> Text {
        Text::parse(s, "Text", 10_000).expect("valid text")
    }

    pub(crate) fn day(d: i64) -> Date {
        date(2026, 1, 5)
            .checked_add(Span::new().days(d))
            .expect("in range")
    }

    pub(crate) fn week(n: i64) -> Date {
        day(7 * n)
    }

    pub(crate) fn check_in(trust: [u8; 3], felt: &[(Feeling, u8)]) -> CheckIn {
        let level = |n: u8| TrustLevel::try_from(n).expect("trust 0 to 10");
        CheckIn {
            trust: Trust {
                predictability: level(trust[0]),
                dependability: level(trust[1]),
                faith: level(trust[2]),
            },
            feelings: felt
                .iter()
                .map(|&(feeling, n)| Felt {
                    feeling,
                    intensity: Intensity::try_from(n).expect("intensity 1 to 5"),
                })
                .collect(),
            helped: None,
            hurt: None,
            need: None,
        }
    }

    pub(crate) fn calm() -> CheckIn {
        check_in([5, 5, 5], &[(Feeling::Hope, 3)])
    }

    pub(crate) fn angry(intensity: u8) -> CheckIn {
        check_in(
            [3, 3, 3],
            &[(Feeling::Anger, intensity), (Feeling::Hope, 2)],
        )
    }

    pub(crate) fn rules(signal: &Signal) -> Vec<Rule> {
        signal.findings.iter().map(|f| f.rule).collect()
    }

    // ---- communication -------------------------------------------------------------------

    #[test]
    fn a_question_asked_again_three_times_suggests_a_counsellor_and_twice_does_not() {
        let mut c = Couple::new();
        let twice = c.question_asked_again(2);
        assert_eq!(c.signal(SignalKind::Communication), None, "two follow-ups");

        let thrice = c.question_asked_again(3);
        let signal = c.signal(SignalKind::Communication).expect("signal");
        assert_eq!(rules(&signal), [Rule::QuestionAskedAgain]);
        let finding = &signal.findings[0];
        let [
            Evidence::Question {
                question,
                title,
                asked_again,
                first_asked_us,
                last_asked_us,
            },
        ] = finding.evidence.as_slice()
        else {
            panic!("one question as evidence: {:?}", finding.evidence);
        };
        assert_eq!((*question, *asked_again), (thrice, 3));
        assert_ne!(*question, twice);
        assert_eq!(title, "Why did you hide it?");
        assert_eq!(
            (finding.from_us, finding.to_us),
            (*first_asked_us, *last_asked_us)
        );
        assert!(first_asked_us < last_asked_us);
    }

    #[test]
    fn a_question_asked_again_long_ago_no_longer_raises_a_signal() {
        let mut c = Couple::new();
        let q = c.question_asked_again(3);
        let last = c
            .state
            .own_up
            .question(q)
            .and_then(|q| q.rounds.last())
            .expect("round");
        let last_asked = last.asked_at_us;

        c.now_us = last_asked + 90 * DAY - HOUR;
        assert!(
            c.signal(SignalKind::Communication).is_some(),
            "within 90 days"
        );
        c.now_us = last_asked + 90 * DAY + HOUR;
        assert_eq!(c.signal(SignalKind::Communication), None, "after 90 days");
    }

    #[test]
    fn two_disputed_reports_within_thirty_days_suggest_a_counsellor_and_one_does_not() {
        let mut c = Couple::new();
        let p = c.daily_promise();
        c.report(p, 0, Outcome::Kept);
        c.dispute(p, 0);
        c.report(p, 1, Outcome::Kept);
        assert_eq!(c.signal(SignalKind::Communication), None, "one dispute");

        c.dispute(p, 1);
        let signal = c.signal(SignalKind::Communication).expect("signal");
        assert_eq!(rules(&signal), [Rule::DisputedReports]);
        let days: Vec<Date> = signal.findings[0]
            .evidence
            .iter()
            .map(|e| match e {
                Evidence::DisputedReport { promise, on, .. } => {
                    assert_eq!(*promise, p);
                    *on
                }
                other => panic!("unexpected evidence {other:?}"),
            })
            .collect();
        assert_eq!(days, [day(0), day(1)]);
    }

    #[test]
    fn a_dispute_talked_through_still_counts_as_disputed() {
        let mut c = Couple::new();
        let p = c.daily_promise();
        for d in 0..2 {
            c.report(p, d, Outcome::Kept);
            c.dispute(p, d);
            c.when(
                c.broke,
                Command::Promise(promises::Command::SettleDispute {
                    promise: p,
                    on: day(d),
                }),
            );
        }
        let signal = c.signal(SignalKind::Communication).expect("signal");
        assert_eq!(signal.findings[0].evidence.len(), 2);
    }

    #[test]
    fn disputes_further_apart_than_thirty_days_do_not_add_up() {
        let mut c = Couple::new();
        let p = c.daily_promise();
        c.report(p, 0, Outcome::Kept);
        c.dispute(p, 0);
        c.report(p, 31, Outcome::Kept);
        c.dispute(p, 31);
        assert_eq!(c.signal(SignalKind::Communication), None);

        // A third dispute brings two within the window again.
        c.report(p, 32, Outcome::Missed);
        c.dispute(p, 32);
        let signal = c.signal(SignalKind::Communication).expect("signal");
        assert_eq!(signal.findings[0].evidence.len(), 2, "only the recent two");
    }

    #[test]
    fn apologies_answered_something_is_missing_twice_suggest_a_counsellor_and_once_does_not() {
        let mut c = Couple::new();
        let b = c.breach(BreachKind::Lying);
        let first = c.apology(b);
        c.something_missing(first);
        assert_eq!(c.signal(SignalKind::Communication), None, "once");

        c.now_us += DAY;
        let second = c.apology(b);
        c.something_missing(second);
        let signal = c.signal(SignalKind::Communication).expect("signal");
        assert_eq!(rules(&signal), [Rule::SomethingMissing]);
        let apologies: Vec<EntryId> = signal.findings[0]
            .evidence
            .iter()
            .filter_map(|e| match e {
                Evidence::SomethingMissing {
                    apology, breach, ..
                } if *breach == b => Some(*apology),
                _ => None,
            })
            .collect();
        assert_eq!(apologies, [first, second], "both apologies, oldest first");
    }

    #[test]
    fn apologies_found_wanting_long_ago_no_longer_raise_a_signal() {
        let mut c = Couple::new();
        let b = c.breach(BreachKind::Lying);
        let first = c.apology(b);
        c.something_missing(first);
        let second = c.apology(b);
        c.something_missing(second);
        let latest = c.now_us;
        c.now_us = latest + 90 * DAY - HOUR;
        assert!(
            c.signal(SignalKind::Communication).is_some(),
            "within 90 days"
        );
        c.now_us = latest + 90 * DAY + HOUR;
        assert_eq!(c.signal(SignalKind::Communication), None, "after 90 days");
    }

    // ---- distress ------------------------------------------------------------------------

    #[test]
    fn strong_hard_feelings_in_three_check_ins_in_a_row_suggest_a_counsellor() {
        let mut c = Couple::weekly();
        c.both_answer(0, angry(4), calm());
        c.both_answer(1, check_in([3, 3, 3], &[(Feeling::Numbness, 5)]), calm());
        assert_eq!(c.signal(SignalKind::Distress), None, "two in a row");

        c.both_answer(2, angry(5), calm());
        let signal = c.signal(SignalKind::Distress).expect("signal");
        assert_eq!(rules(&signal), [Rule::HardFeelings]);
        let finding = &signal.findings[0];
        let periods: Vec<Date> = finding
            .evidence
            .iter()
            .map(|e| match e {
                Evidence::HardFeelings {
                    person,
                    period,
                    felt,
                } => {
                    assert_eq!(*person, c.hurt, "only the partner who felt it");
                    assert!(felt.iter().all(|f| f.feeling != Feeling::Hope));
                    period.starts_on
                }
                other => panic!("unexpected evidence {other:?}"),
            })
            .collect();
        assert_eq!(periods, [week(0), week(1), week(2)]);
        assert_eq!(finding.from_us, START);
        assert_eq!(finding.to_us, START + 3 * WEEK);
    }

    #[test]
    fn hard_feelings_below_intensity_four_or_other_feelings_do_not_count() {
        let mut c = Couple::weekly();
        c.both_answer(0, angry(3), calm());
        c.both_answer(1, angry(3), calm());
        c.both_answer(2, angry(3), calm());
        assert_eq!(c.signal(SignalKind::Distress), None, "intensity 3");

        let mut c = Couple::weekly();
        let jealous = check_in([3, 3, 3], &[(Feeling::Jealousy, 5), (Feeling::Doubt, 5)]);
        c.both_answer(0, angry(4), calm());
        c.both_answer(1, jealous, calm());
        c.both_answer(2, angry(4), calm());
        assert_eq!(c.signal(SignalKind::Distress), None, "the run is broken");
    }

    #[test]
    fn each_partner_s_run_is_their_own() {
        let mut c = Couple::weekly();
        c.both_answer(0, angry(5), calm());
        c.both_answer(1, calm(), angry(5));
        c.both_answer(2, angry(5), calm());
        assert_eq!(c.signal(SignalKind::Distress), None);

        c.both_answer(3, calm(), angry(5));
        c.both_answer(4, calm(), angry(5));
        assert_eq!(c.signal(SignalKind::Distress), None);
        c.both_answer(5, calm(), angry(5));
        let signal = c
            .signal(SignalKind::Distress)
            .expect("the other partner's run");
        assert!(signal.findings[0].evidence.iter().all(|e| matches!(
            e,
            Evidence::HardFeelings { person, .. } if *person == c.broke
        )));
    }

    #[test]
    fn a_sealed_answer_neither_raises_the_signal_nor_shows_in_it() {
        let mut c = Couple::weekly();
        c.both_answer(0, angry(5), calm());
        c.both_answer(1, angry(5), calm());
        // when: the hurt partner answers week 2 and the other hasn't yet, so it is sealed.
        c.answer(c.hurt, 2, angry(5));
        assert_eq!(c.signal(SignalKind::Distress), None, "sealed");

        // then: once both have answered, both see the answers, and the signal with them.
        c.answer(c.broke, 2, calm());
        assert!(c.signal(SignalKind::Distress).is_some(), "revealed");
    }

    #[test]
    fn a_sealed_answer_is_counted_once_its_period_ends() {
        let mut c = Couple::weekly();
        c.both_answer(0, angry(5), calm());
        c.both_answer(1, angry(5), calm());
        c.answer(c.hurt, 2, angry(5));
        c.now_us = START + 3 * WEEK - 1;
        assert_eq!(c.signal(SignalKind::Distress), None, "still sealed");
        c.now_us = START + 3 * WEEK;
        assert!(
            c.signal(SignalKind::Distress).is_some(),
            "ended, so revealed"
        );
    }

    #[test]
    fn distress_long_past_no_longer_raises_a_signal() {
        let mut c = Couple::weekly();
        c.both_answer(0, angry(5), calm());
        c.both_answer(1, angry(5), calm());
        c.both_answer(2, angry(5), calm());
        c.now_us = START + 2 * WEEK + 90 * DAY - HOUR;
        assert!(
            c.signal(SignalKind::Distress).is_some(),
            "latest within 90 days"
        );
        c.now_us = START + 2 * WEEK + 90 * DAY + HOUR;
        assert_eq!(
            c.signal(SignalKind::Distress),
            None,
            "latest over 90 days ago"
        );
    }

    // ---- stalled -------------------------------------------------------------------------

    /// given: a breach (so one partner is the hurt one) and `weeks` weekly check-ins, in which
    /// the hurt partner's trust is `trust(n)` in week `n`.
    fn with_trust(weeks: i64, trust: impl Fn(i64) -> [u8; 3]) -> Couple {
        let mut c = Couple::weekly();
        c.breach(BreachKind::Affair);
        for n in 0..weeks {
            c.both_answer(n, check_in(trust(n), &[]), calm());
        }
        c
    }

    #[test]
    fn trust_that_has_not_risen_over_eight_weeks_suggests_a_counsellor() {
        let c = with_trust(12, |_| [5, 6, 4]);
        let signal = c.signal(SignalKind::Stalled).expect("signal");
        assert_eq!(rules(&signal), [Rule::TrustNotRising]);
        let finding = &signal.findings[0];
        let [
            Evidence::TrustHeld {
                person,
                earlier,
                latest,
            },
        ] = finding.evidence.as_slice()
        else {
            panic!("one comparison as evidence: {:?}", finding.evidence);
        };
        assert_eq!(*person, c.hurt);
        assert_eq!((earlier.from, earlier.to), (week(0), week(3)));
        assert_eq!((latest.from, latest.to), (week(8), week(11)));
        assert_eq!(latest.hundredths, [500, 600, 400]);
        assert_eq!(latest.shown()[1], ("Dependability", "6.00".to_owned()));
        assert_eq!((finding.from_us, finding.to_us), (START, START + 12 * WEEK));
    }

    #[test]
    fn the_averages_are_of_the_hurt_partner_s_answers_passing_over_a_missed_week() {
        let mut c = Couple::weekly();
        c.breach(BreachKind::Affair);
        for n in 0..14 {
            if n == 9 {
                c.answer(c.broke, n, calm());
            } else {
                c.both_answer(n, check_in([4, 4, 4], &[]), calm());
            }
        }
        let signal = c.signal(SignalKind::Stalled).expect("signal");
        assert_eq!(
            rules(&signal),
            [Rule::TrustNotRising],
            "one missed week is not a run"
        );
        let Evidence::TrustHeld {
            earlier, latest, ..
        } = &signal.findings[0].evidence[0]
        else {
            panic!("a comparison");
        };
        // Eight weeks before week 13 is week 5; week 9 has no answer from the hurt partner.
        assert_eq!((latest.from, latest.to), (week(10), week(13)));
        assert_eq!((earlier.from, earlier.to), (week(2), week(5)));
    }

    #[test]
    fn trust_last_heard_of_long_ago_is_not_compared() {
        let mut c = with_trust(12, |_| [5, 5, 5]);
        c.now_us = START + 11 * WEEK + 90 * DAY - HOUR;
        let stalled = c.signal(SignalKind::Stalled).expect("signal");
        assert!(rules(&stalled).contains(&Rule::TrustNotRising));
        c.now_us = START + 11 * WEEK + 90 * DAY + HOUR;
        let stalled = c
            .signal(SignalKind::Stalled)
            .expect("check-ins missed since");
        assert_eq!(rules(&stalled), [Rule::CheckInsMissed]);
    }

    #[test]
    fn fewer_than_eight_weeks_of_check_ins_cannot_show_a_stall() {
        let c = with_trust(11, |_| [5, 5, 5]);
        assert_eq!(c.signal(SignalKind::Stalled), None);
    }

    #[test]
    fn a_rise_on_any_one_dimension_is_progress() {
        let c = with_trust(12, |n| if n == 11 { [5, 5, 6] } else { [5, 5, 5] });
        assert_eq!(c.signal(SignalKind::Stalled), None);

        // A fall on one dimension with no rise elsewhere is no progress.
        let c = with_trust(12, |n| if n == 11 { [5, 5, 4] } else { [5, 5, 5] });
        assert!(c.signal(SignalKind::Stalled).is_some());
    }

    #[test]
    fn the_averages_smooth_out_a_single_week() {
        // A good week eight weeks ago lifts the earlier average, so a flat latest one is
        // not a rise; a good week now lifts the latest one, which is.
        let c = with_trust(12, |n| if n == 3 { [9, 9, 9] } else { [5, 5, 5] });
        assert!(c.signal(SignalKind::Stalled).is_some());
        let c = with_trust(12, |n| if n == 8 { [6, 5, 5] } else { [5, 5, 5] });
        assert_eq!(c.signal(SignalKind::Stalled), None);
    }

    #[test]
    fn trust_holding_high_on_every_dimension_is_not_a_stall() {
        let c = with_trust(12, |_| [8, 8, 8]);
        assert_eq!(c.signal(SignalKind::Stalled), None, "all at 8");
        let c = with_trust(12, |_| [7, 8, 8]);
        assert!(c.signal(SignalKind::Stalled).is_some(), "one below 8");
    }

    #[test]
    fn only_the_hurt_partner_s_trust_counts() {
        let mut c = Couple::weekly();
        c.breach(BreachKind::Affair);
        for n in 0..12 {
            // The partner who broke trust feels it rising; the hurt partner doesn't.
            let rising = u8::try_from(n / 2).expect("small");
            c.both_answer(n, calm(), check_in([rising; 3], &[]));
        }
        assert!(c.signal(SignalKind::Stalled).is_some());

        // Without a breach nobody is the hurt partner, and there is no trust rule to apply.
        let mut c = Couple::weekly();
        for n in 0..12 {
            c.both_answer(n, calm(), calm());
        }
        assert_eq!(c.signal(SignalKind::Stalled), None);
    }

    #[test]
    fn check_ins_missed_in_three_periods_in_a_row_suggest_a_counsellor() {
        let mut c = Couple::weekly();
        // Weeks 0 and 1 can no longer be answered; week 2 still can, late.
        c.now_us = START + 3 * WEEK + HOUR;
        assert_eq!(c.signal(SignalKind::Stalled), None, "two closed");

        c.now_us = START + 4 * WEEK + HOUR;
        let signal = c.signal(SignalKind::Stalled).expect("signal");
        assert_eq!(rules(&signal), [Rule::CheckInsMissed]);
        let missed: Vec<(Date, usize)> = signal.findings[0]
            .evidence
            .iter()
            .map(|e| match e {
                Evidence::MissedCheckIn { period, missed_by } => {
                    (period.starts_on, missed_by.len())
                }
                other => panic!("unexpected evidence {other:?}"),
            })
            .collect();
        assert_eq!(missed, [(week(0), 2), (week(1), 2), (week(2), 2)]);
    }

    #[test]
    fn a_check_in_missed_by_either_partner_counts_and_one_answered_by_both_breaks_the_run() {
        let mut c = Couple::weekly();
        c.answer(c.hurt, 0, calm());
        c.answer(c.broke, 1, calm());
        c.answer(c.hurt, 2, calm());
        c.now_us = START + 4 * WEEK + HOUR;
        let signal = c
            .signal(SignalKind::Stalled)
            .expect("missed by one each time");
        let missed_by: Vec<Vec<PersonId>> = signal.findings[0]
            .evidence
            .iter()
            .filter_map(|e| match e {
                Evidence::MissedCheckIn { missed_by, .. } => Some(missed_by.clone()),
                _ => None,
            })
            .collect();
        assert_eq!(missed_by, [vec![c.broke], vec![c.hurt], vec![c.broke]]);

        let mut c = Couple::weekly();
        c.both_answer(1, calm(), calm());
        c.now_us = START + 4 * WEEK + HOUR;
        assert_eq!(
            c.signal(SignalKind::Stalled),
            None,
            "week 1 was answered by both"
        );
    }

    #[test]
    fn a_late_answer_is_not_a_missed_check_in() {
        let mut c = Couple::weekly();
        // Each week is answered by both, late, during the week after it.
        for n in 0..3 {
            c.now_us = START + (n + 1) * WEEK + HOUR;
            c.both_answer(n, calm(), calm());
        }
        c.now_us = START + 5 * WEEK + HOUR;
        assert_eq!(c.signal(SignalKind::Stalled), None);
    }

    // ---- safety --------------------------------------------------------------------------

    #[test]
    fn a_threats_or_anger_breach_in_the_last_90_days_raises_the_safety_signal() {
        let mut c = Couple::new();
        let recorded = c.now_us;
        let b = c.breach(BreachKind::ThreatsOrAnger);
        c.now_us = recorded + 90 * DAY - HOUR;
        let signal = c.signal(SignalKind::Safety).expect("signal");
        assert_eq!(rules(&signal), [Rule::ThreatsOrAnger]);
        assert_eq!(
            signal.findings[0].evidence,
            [Evidence::Breach {
                breach: b,
                title: "What happened in October".into(),
                recorded_at_us: recorded,
            }]
        );
        assert_eq!(signal.help_page(), Some(SAFETY_HELP_PATH));
        assert_eq!(c.signals()[0].kind, SignalKind::Safety, "shown first");

        c.now_us = recorded + 90 * DAY + HOUR;
        assert_eq!(c.signal(SignalKind::Safety), None);
    }

    #[test]
    fn each_partner_reads_the_safety_card_meant_for_them() {
        // Given a threats breach that names the partner who broke trust,
        let mut c = Couple::new();
        c.breach(BreachKind::ThreatsOrAnger);
        let signal = c.signal(SignalKind::Safety).expect("signal");
        // then the one it names reads about help with anger, the other about their safety,
        let named = SafetyAudience::of(&signal, &c.state, c.broke);
        let other = SafetyAudience::of(&signal, &c.state, c.hurt);
        assert_eq!(named, SafetyAudience::Named);
        assert_eq!(other, SafetyAudience::MayBeAtRisk);
        let to_named = named.next_steps().join(" ");
        assert!(to_named.contains("anger"));
        // and nothing of what the one at risk is advised reaches the one named.
        for step in other.next_steps() {
            assert!(!to_named.contains(step));
        }
        assert!(!named.explanation().contains("afraid of the other"));

        // Given one more such breach, naming the other partner, then both may be at risk.
        c.own_up(
            c.broke,
            ownup::Command::RecordBreach {
                id: EntryId::random(),
                title: text("The shouting"),
                kind: BreachKind::ThreatsOrAnger,
                broke_trust: c.hurt,
                discovered_on: date(2025, 12, 2),
            },
        );
        let signal = c.signal(SignalKind::Safety).expect("signal");
        for person in [c.broke, c.hurt] {
            assert_eq!(
                SafetyAudience::of(&signal, &c.state, person),
                SafetyAudience::MayBeAtRisk
            );
        }
    }

    #[test]
    fn breaches_of_other_kinds_raise_no_safety_signal() {
        let mut c = Couple::new();
        for kind in BreachKind::ALL {
            if kind != BreachKind::ThreatsOrAnger {
                c.breach(kind);
            }
        }
        assert_eq!(c.signals(), []);
    }

    // ---- the table and the words ---------------------------------------------------------

    #[test]
    fn the_rules_follow_the_table() {
        let mut c = Couple::new();
        c.question_asked_again(2);
        let stricter = Thresholds {
            asked_again: 2,
            ..Thresholds::DEFAULT
        };
        assert_eq!(signals(&c.state, c.now_us), []);
        assert_eq!(signals_with(&c.state, c.now_us, &stricter).len(), 1);
        assert!(
            Rule::QuestionAskedAgain
                .describe(&stricter)
                .contains(" 2 or more")
        );
        assert_eq!(Thresholds::default(), Thresholds::DEFAULT);
    }

    #[test]
    fn every_signal_is_worded_as_a_calm_suggestion_with_next_steps() {
        let t = Thresholds::DEFAULT;
        assert!(
            Rule::HardFeelings
                .describe(&t)
                .contains("anger, anxiety, sadness or numbness at 4 or more (of 5) in 3")
        );
        for rule in Rule::ALL {
            assert!(!rule.describe(&t).is_empty());
        }
        for kind in SignalKind::ALL {
            let steps = kind.next_steps().join(" ");
            let words = [kind.title(), kind.explanation(), &steps].join(" ");
            assert!(!words.contains('!'), "{kind:?} stays calm");
            // No phone number of one country presented as everyone's.
            assert!(!words.chars().any(|ch| ch.is_ascii_digit()), "{kind:?}");
            assert!(!words.to_lowercase().contains("diagnos"));
            if kind == SignalKind::Safety {
                assert!(steps.contains("local emergency services"));
                assert!(steps.contains("page on finding help"));
                for audience in [SafetyAudience::MayBeAtRisk, SafetyAudience::Named] {
                    let words = [audience.explanation(), &audience.next_steps().join(" ")]
                        .join(" ")
                        .to_lowercase();
                    // Individual, confidential help; never a joint session or a printout.
                    assert!(words.contains("confidential"), "{audience:?}");
                    assert!(!words.contains("summary") && !words.contains("print"));
                    assert!(!words.contains("couples counsellor"), "{audience:?}");
                    assert!(!words.chars().any(|ch| ch.is_ascii_digit()));
                }
                // Beside a safety card, no other card suggests a joint session or the summary.
            } else {
                let beside = kind.next_steps_beside_safety().join(" ").to_lowercase();
                assert!(
                    !beside.contains("couples counsellor together") && !beside.contains("summary")
                );
                assert!(beside.contains("on your own"), "{kind:?}");
                assert!(steps.contains("couples counsellor"), "{kind:?}");
                assert!(steps.contains("summary"), "{kind:?}");
                assert_eq!(kind.help_page(), None);
            }
        }
        assert!(NOT_A_DIAGNOSIS.contains("not a diagnosis"));
    }

    #[test]
    fn a_quiet_new_space_raises_no_signal_and_has_no_milestone() {
        let c = Couple::weekly();
        assert_eq!(c.signals(), []);
        assert_eq!(reached(&c.state, c.now_us), []);
        assert_eq!(reached(&SpaceState::empty(SpaceId::random()), START), []);
    }

    // ---- milestones ----------------------------------------------------------------------

    #[test]
    fn the_first_check_in_both_answered_is_a_milestone() {
        let mut c = Couple::weekly();
        c.answer(c.hurt, 0, calm());
        assert_eq!(c.milestone(MilestoneKind::FirstCheckIn), None, "one answer");

        c.now_us += DAY;
        let second = c.now_us.max(START + 10 * HOUR);
        c.answer(c.broke, 0, calm());
        assert_eq!(c.milestone(MilestoneKind::FirstCheckIn), Some(second));
    }

    #[test]
    fn four_check_ins_in_a_row_both_answered_is_a_milestone() {
        let mut c = Couple::weekly();
        for n in 0..3 {
            c.both_answer(n, calm(), calm());
        }
        assert_eq!(c.milestone(MilestoneKind::CheckInsInARow), None, "three");
        c.both_answer(3, calm(), calm());
        assert_eq!(
            c.milestone(MilestoneKind::CheckInsInARow),
            Some(START + 3 * WEEK + 11 * HOUR),
            "when the fourth was complete"
        );
    }

    #[test]
    fn a_check_in_answered_by_only_one_starts_the_row_again() {
        let mut c = Couple::weekly();
        c.both_answer(0, calm(), calm());
        c.both_answer(1, calm(), calm());
        c.answer(c.hurt, 2, calm());
        for n in 3..6 {
            c.both_answer(n, calm(), calm());
        }
        assert_eq!(c.milestone(MilestoneKind::CheckInsInARow), None);
        c.both_answer(6, calm(), calm());
        assert_eq!(
            c.milestone(MilestoneKind::CheckInsInARow),
            Some(START + 6 * WEEK + 11 * HOUR)
        );
    }

    #[test]
    fn thirty_days_of_promises_kept_is_a_milestone() {
        let mut c = Couple::new();
        let p = c.daily_promise();
        for d in 0..30 {
            c.report(p, d, Outcome::Kept);
        }
        assert_eq!(c.milestone(MilestoneKind::PromisesKept), None, "29 days");
        c.report(p, 30, Outcome::Kept);
        assert_eq!(
            c.milestone(MilestoneKind::PromisesKept),
            Some(START + 30 * DAY + 21 * HOUR),
            "when day 30 was reported kept"
        );
    }

    #[test]
    fn a_missed_promise_starts_the_thirty_days_again() {
        let mut c = Couple::new();
        let p = c.daily_promise();
        for d in 0..41 {
            let outcome = if d == 10 {
                Outcome::Missed
            } else {
                Outcome::Kept
            };
            c.report(p, d, outcome);
        }
        assert_eq!(
            c.milestone(MilestoneKind::PromisesKept),
            None,
            "days 11 to 40"
        );
        c.report(p, 41, Outcome::Kept);
        assert_eq!(
            c.milestone(MilestoneKind::PromisesKept),
            Some(START + 41 * DAY + 21 * HOUR)
        );
    }

    #[test]
    fn an_unreported_or_disputed_occurrence_is_not_kept() {
        let mut c = Couple::new();
        let p = c.daily_promise();
        for d in 0..31 {
            if d != 5 {
                c.report(p, d, Outcome::Kept);
            }
        }
        assert_eq!(
            c.milestone(MilestoneKind::PromisesKept),
            None,
            "day 5 unreported"
        );

        let mut c = Couple::new();
        let p = c.daily_promise();
        for d in 0..31 {
            c.report(p, d, Outcome::Kept);
            if d == 5 {
                c.dispute(p, d);
            }
        }
        assert_eq!(
            c.milestone(MilestoneKind::PromisesKept),
            None,
            "day 5 disputed"
        );
    }

    #[test]
    fn every_question_settled_is_a_milestone_once_there_is_one() {
        let mut c = Couple::new();
        assert_eq!(
            c.milestone(MilestoneKind::QuestionsSettled),
            None,
            "none asked"
        );
        let first = c.question_asked_again(0);
        let second = c.question_asked_again(0);
        c.own_up(c.hurt, ownup::Command::SettleQuestion { question: first });
        assert_eq!(
            c.milestone(MilestoneKind::QuestionsSettled),
            None,
            "one open"
        );

        c.now_us += HOUR;
        let settled = c.now_us;
        c.own_up(c.hurt, ownup::Command::SettleQuestion { question: second });
        assert_eq!(c.milestone(MilestoneKind::QuestionsSettled), Some(settled));

        // A new question later does not take back what was reached.
        c.now_us += DAY;
        c.question_asked_again(1);
        assert_eq!(c.milestone(MilestoneKind::QuestionsSettled), Some(settled));
    }

    #[test]
    fn a_stage_moved_on_is_a_milestone_once_the_hurt_partner_confirms_it() {
        let mut c = Couple::new();
        let breach = c.breach(BreachKind::Lying);
        let proposal = EntryId::random();
        c.repair(
            c.broke,
            repair::Command::ProposeStage {
                breach,
                id: proposal,
                direction: Direction::On,
            },
        );
        assert_eq!(c.milestone(MilestoneKind::StageMovedOn), None, "proposed");

        c.now_us += DAY;
        c.repair(c.hurt, repair::Command::ConfirmStage { breach, proposal });
        assert_eq!(c.milestone(MilestoneKind::StageMovedOn), Some(c.now_us));
    }

    #[test]
    fn a_goal_both_say_is_reached_is_a_milestone() {
        let mut c = Couple::new();
        let goal = EntryId::random();
        c.together(
            c.hurt,
            together::Command::SetGoal {
                id: goal,
                text: GoalText::parse("A weekend away, just us").expect("valid"),
                target: None,
            },
        );
        c.together(c.hurt, together::Command::MarkGoalReached { goal });
        assert_eq!(
            c.milestone(MilestoneKind::GoalReached),
            None,
            "marked by one"
        );

        c.now_us += HOUR;
        c.together(c.broke, together::Command::ConfirmGoal { goal });
        assert_eq!(c.milestone(MilestoneKind::GoalReached), Some(c.now_us));
    }

    #[test]
    fn six_and_twelve_months_since_the_space_began() {
        let mut c = Couple::new();
        // The space began on 5 January 2026 at 09:00 UTC.
        let six = 1_783_242_000_000_000; // 5 July 2026, 09:00 UTC
        let twelve = 1_799_139_600_000_000; // 5 January 2027, 09:00 UTC
        c.now_us = six - 1;
        assert_eq!(c.milestone(MilestoneKind::SixMonths), None);
        c.now_us = six;
        assert_eq!(c.milestone(MilestoneKind::SixMonths), Some(six));
        assert_eq!(c.milestone(MilestoneKind::TwelveMonths), None);
        c.now_us = twelve;
        let keys: Vec<&str> = reached(&c.state, c.now_us)
            .iter()
            .map(Milestone::key)
            .collect();
        assert_eq!(
            keys,
            ["six-months", "twelve-months"],
            "in the order reached"
        );
    }

    #[test]
    fn milestones_have_stable_distinct_keys_and_words() {
        for kind in MilestoneKind::ALL {
            assert_eq!(MilestoneKind::from_key(kind.key()), Some(kind));
            assert!(!kind.title().is_empty() && !kind.text().is_empty());
            let same = MilestoneKind::ALL.iter().filter(|k| k.key() == kind.key());
            assert_eq!(same.count(), 1);
        }
        assert_eq!(MilestoneKind::FirstCheckIn.key(), "first-checkin");
        assert_eq!(MilestoneKind::from_key("unknown"), None);
    }

    #[test]
    fn a_milestone_is_recorded_as_shown_once_and_keeps_its_date() {
        let mut c = Couple::new();
        c.now_us = START + 200 * DAY;
        let events = decide(&c.state, c.now_us);
        assert_eq!(events.len(), 1, "six months, nothing else yet");
        let reached = reached_but_not_shown(&c.state, c.now_us);
        c.when(c.hurt, Command::CelebrateMilestones(reached));
        assert!(decide(&c.state, c.now_us).is_empty(), "shown once");
        // The other partner opening the page at the same moment adds nothing either.
        c.record(
            c.broke,
            &events
                .into_iter()
                .map(SpaceEvent::Milestone)
                .collect::<Vec<_>>(),
        );
        assert_eq!(c.state.milestones.shown.len(), 1);
        let shown = c.state.milestones.shown[0];
        assert_eq!(shown.milestone.kind, MilestoneKind::SixMonths);
        assert_eq!(shown.shown_at_us, START + 200 * DAY);
        assert!(shown.milestone.reached_at_us < shown.shown_at_us);
        c.now_us = START + 400 * DAY;
        let later = reached_but_not_shown(&c.state, c.now_us);
        assert_eq!(
            later.iter().map(|m| m.kind).collect::<Vec<_>>(),
            vec![MilestoneKind::TwelveMonths],
            "only what was not shown before"
        );
    }
}
