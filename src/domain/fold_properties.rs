//! Property tests of the record: any sequence of commands from both partners, across every
//! part of a space, applied as the app applies them (decide; seal what it accepts after the
//! head; fold it in), leaves a record that verifies and a state that is the fold of it.
//!
//! Commands are drawn as small abstract steps and turned into real ones against the space
//! as it is (an id is picked among those made so far, a date near today), so that many of
//! them are accepted; refusals are fine, they record nothing. What is checked after every
//! sequence:
//! - the sealed events verify, as events and as an export, to the state's head, and seq
//!   runs 1, 2, 3 … with no gap;
//! - each viewer's export, with what is sealed from them withheld, verifies too;
//! - folding all events at once equals folding them one command at a time, and equals
//!   folding any split of them in two steps (the state cache relies on that), and equals
//!   folding the second part onto a snapshot of the first (a cold load relies on that);
//! - every event `decide` made reads back as itself, and none is unreadable to the fold;
//! - `decide` is deterministic.
//!
//! `PROPTEST_CASES` runs more sequences than the default.

use jiff::civil::{Date, Weekday};
use proptest::prelude::*;
use proptest::strategy::ValueTree;

use super::calendar::{DAY_US, Zone, utc_date};
use super::checkins::{self, CheckIn, RawCheckIn, Rhythm};
use super::input::{DisplayName, SpaceName};
use super::ownup::{self, ApologyResponseKind, ApologySections, BreachKind, Text, limits};
use super::promises::{
    self, Note, Outcome, PromiseText, Reason, Repeat, TimeOfDay, Waiting, Weekdays,
};
use super::record::{self, Draft, GENESIS_PREV, RecordedEvent};
use super::repair::{self, Direction, Readiness, Topic, TopicText};
use super::snapshot;
use super::space::{self, Command, SpaceEvent, SpaceState};
use super::together::{self, Activity, AppreciationText, FeltNote, GoalText, IdeaText, Rating};
use super::{Ctx, EntryId, PersonId, agreements, progress, reports};
use crate::export::{self, Export};

/// 2026-11-02T08:00:00Z, where every sequence begins.
const START_US: i64 = 1_793_606_400_000_000;
const HOUR_US: i64 = 3_600_000_000;

/// Ids that are the same in every run, so a failing case replays exactly.
fn id<T: std::str::FromStr>(n: u64) -> T
where
    T::Err: std::fmt::Debug,
{
    format!("00000000-0000-4000-8000-{n:012x}")
        .parse()
        .expect("a canonical id")
}

/// One abstract step: who acts, how long after the last step, which command, and the
/// choices that fill it in.
#[derive(Debug, Clone)]
struct Step {
    by_second: bool,
    wait: u8,
    what: u8,
    picks: [u8; 3],
    text: u8,
    day: i8,
}

fn step() -> impl Strategy<Value = Step> {
    (
        any::<bool>(),
        0u8..8,
        any::<u8>(),
        any::<[u8; 3]>(),
        any::<u8>(),
        -3i8..=3,
    )
        .prop_map(|(by_second, wait, what, picks, text, day)| Step {
            by_second,
            wait,
            what,
            picks,
            text,
            day,
        })
}

const TEXTS: [&str; 6] = [
    "Walks after dinner",
    "I will tell you first.\nEvery time.",
    "  Zoë's note 🙂  ",
    "李雷 and me",
    "No phones at the table",
    "x",
];

/// What was made so far, to pick ids from.
#[derive(Default)]
struct Made {
    questions: Vec<EntryId>,
    apologies: Vec<EntryId>,
    plans: Vec<EntryId>,
    goals: Vec<EntryId>,
    promises: Vec<EntryId>,
    agreements: Vec<EntryId>,
    proposals: Vec<(EntryId, EntryId)>,
    reports: Vec<EntryId>,
    stages: Vec<(EntryId, EntryId)>,
    topics: Vec<EntryId>,
    /// Agreements both accepted, to amend, review or retire.
    active: Vec<EntryId>,
}

/// `items[pick]`, or an id nobody made when there is none (or now and then anyway).
fn pick<T: Copy>(items: &[T], pick: u8, unknown: T) -> T {
    if items.is_empty() || pick == u8::MAX {
        unknown
    } else {
        items[usize::from(pick) % items.len()]
    }
}

/// A space being used: the two partners, the clock, the record and the state folded from it.
struct Space {
    people: [PersonId; 2],
    now_us: i64,
    next_id: u64,
    events: Vec<RecordedEvent>,
    state: SpaceState,
    made: Made,
}

impl Space {
    fn new() -> Self {
        Self {
            people: [id(1), id(2)],
            now_us: START_US,
            next_id: 100,
            events: Vec::new(),
            state: SpaceState::empty(id(3)),
            made: Made::default(),
        }
    }

    fn fresh(&mut self) -> EntryId {
        self.next_id += 1;
        id(self.next_id)
    }

    /// Decides `command` as `actor` now, and records what is accepted as the app does.
    fn act(&mut self, actor: PersonId, command: Command) -> bool {
        let ctx = Ctx {
            actor,
            now_us: self.now_us,
        };
        let decided = space::decide(&self.state, command.clone(), &ctx);
        assert_eq!(
            decided,
            space::decide(&self.state, command, &ctx),
            "decide is not deterministic"
        );
        let Ok(events) = decided else {
            return false;
        };
        for event in &events {
            let read = SpaceEvent::parse(event.kind(), Some(&event.body()));
            assert_eq!(read.as_ref(), Some(event), "an event does not read back");
        }
        let drafts = events
            .iter()
            .map(|e| Draft {
                at_us: ctx.now_us,
                author: actor.to_string(),
                kind: e.kind().to_owned(),
                body: e.body(),
            })
            .collect();
        let mut salt = self.events.len() as u8;
        let sealed = record::seal_all((self.state.head_seq, self.state.head_hash), drafts, || {
            salt = salt.wrapping_add(1);
            [salt; 16]
        })
        .expect("short fields seal");
        self.state = space::fold(self.state.clone(), &sealed);
        self.events.extend(sealed);
        !events.is_empty()
    }

    /// A date `day` days from today (UTC).
    fn date(&self, day: i8) -> Date {
        let today = utc_date(self.now_us).expect("the clock is in range");
        super::calendar::add_days(today, i64::from(day)).expect("near today")
    }

    fn breach(&self, pick_: u8) -> EntryId {
        let breaches: Vec<EntryId> = self.state.own_up.breaches.iter().map(|b| b.id).collect();
        pick(&breaches, pick_, id(99))
    }

    /// Lets the time pass that `step` waits, then acts on its command.
    fn take(&mut self, step: &Step) {
        const WAITS: [i64; 8] = [
            0,
            60_000_000,
            HOUR_US,
            9 * HOUR_US,
            DAY_US,
            3 * DAY_US,
            8 * DAY_US,
            40 * DAY_US,
        ];
        self.now_us += WAITS[usize::from(step.wait)];
        let actor = self.people[usize::from(step.by_second)];
        // Now and then a break is taken (of any length, some refused) or ended, so that what
        // falls due in one is folded too.
        match step.picks[2] % 32 {
            7 => {
                let days = Some(u32::from(step.picks[0] % 45));
                self.act(actor, Command::Pause(super::pause::Command::Pause { days }));
            }
            8 => {
                self.act(actor, Command::Pause(super::pause::Command::Resume));
            }
            // Now and then a repair is closed (proposed, or by the hurt partner), answered,
            // reopened, or its follow-up answered, on any breach.
            9..=13 => {
                use super::closing::Command as C;
                let breach = self.breach(step.picks[0]);
                let months = super::closing::FOLLOW_UP_MONTHS
                    .into_iter()
                    .filter(|m| step.picks[1] & m != 0)
                    .collect();
                let zone = Zone::utc();
                let command = match step.picks[2] % 32 {
                    9 => C::Close {
                        breach,
                        months,
                        zone,
                    },
                    10 => C::Decline { breach },
                    11 => C::Withdraw { breach },
                    12 => C::Reopen { breach },
                    _ => C::AnswerFollowUp {
                        breach,
                        trust: checkins::Trust::parse("7", "4", "9").expect("in range"),
                    },
                };
                self.act(actor, Command::Closing(command));
            }
            _ => {}
        }
        if let Some(command) = self.command(step, actor)
            && self.act(actor, command.clone())
        {
            self.note(&command);
            // Now and then a question or a letter is taken back at once, as a slip is,
            // or (when its partner was shown it) refused.
            if let Command::OwnUp(
                ownup::Command::AskQuestion { id, .. } | ownup::Command::SendLetter { id, .. },
            ) = command
                && step.picks[2].is_multiple_of(8)
            {
                let shown = step.picks[1].is_multiple_of(2);
                self.act(
                    actor,
                    Command::OwnUp(ownup::Command::Withdraw { entry: id, shown }),
                );
            }
        }
    }

    /// Keeps what an accepted command made, for later steps to pick.
    fn note(&mut self, command: &Command) {
        use agreements::Command as A;
        use promises::Command as P;
        let made = &mut self.made;
        match *command {
            Command::OwnUp(ownup::Command::AskQuestion { id, .. }) => made.questions.push(id),
            Command::OwnUp(ownup::Command::SendApology { id, .. }) => made.apologies.push(id),
            Command::Together(together::Command::PlanTime { id, .. }) => made.plans.push(id),
            Command::Together(together::Command::SetGoal { id, .. }) => made.goals.push(id),
            Command::Repair(repair::Command::AddPaceTopic { id, .. }) => made.topics.push(id),
            Command::Repair(repair::Command::ProposeStage { breach, id, .. }) => {
                made.stages.push((breach, id));
            }
            Command::Promise(P::Make { id, .. }) => made.promises.push(id),
            Command::Agreement(A::Propose { id, proposal, .. }) => {
                made.agreements.push(id);
                made.proposals.push((id, proposal));
            }
            Command::Agreement(
                A::Counter { agreement, id, .. }
                | A::ProposeAmendment { agreement, id, .. }
                | A::ProposeRetire { agreement, id },
            ) => made.proposals.push((agreement, id)),
            Command::Agreement(A::Accept { agreement, .. }) => made.active.push(agreement),
            Command::Report(reports::Command::File { id, .. }) => made.reports.push(id),
            _ => {}
        }
    }

    /// The command `step` stands for, now; `None` where its text does not fit the field.
    fn command(&mut self, step: &Step, actor: PersonId) -> Option<Command> {
        let [a, b, c] = step.picks;
        let raw = TEXTS[usize::from(step.text) % TEXTS.len()];
        let line = raw.lines().next().unwrap_or(raw);
        let text = |max| Text::parse(raw, "The text", max).ok();
        let day = self.date(step.day);
        let past = self.date(-step.day.abs());
        let soon = self.date(step.day.abs() % 2);
        let m = &self.made;
        let unknown: EntryId = id(98);
        match step.what % 46 {
            // owning up
            0 | 1 => Some(Command::OwnUp(ownup::Command::RecordBreach {
                id: self.fresh(),
                title: Text::parse(line, "The title", limits::TITLE).ok()?,
                kind: BreachKind::ALL[usize::from(a) % BreachKind::ALL.len()],
                broke_trust: self.people[usize::from(b % 2)],
                discovered_on: past,
            })),
            2 => Some(Command::OwnUp(ownup::Command::AcknowledgeBreach {
                breach: self.breach(a),
                sees_differently: (b % 2 == 0).then(|| text(limits::ACCOUNT)).flatten(),
            })),
            3 => Some(Command::OwnUp(ownup::Command::AddDisclosure {
                breach: self.breach(a),
                id: self.fresh(),
                text: text(limits::DISCLOSURE)?,
                corrects: None,
            })),
            4 => {
                let question = self.fresh();
                Some(Command::OwnUp(ownup::Command::AskQuestion {
                    id: question,
                    breach: (b % 2 == 0).then(|| self.breach(a)),
                    text: text(limits::QUESTION)?,
                }))
            }
            5 => Some(Command::OwnUp(ownup::Command::AnswerQuestion {
                question: pick(&m.questions, a, unknown),
                text: text(limits::ANSWER)?,
            })),
            6 => Some(Command::OwnUp(ownup::Command::SettleQuestion {
                question: pick(&m.questions, a, unknown),
            })),
            7 => Some(Command::OwnUp(ownup::Command::AskAgain {
                question: pick(&m.questions, a, unknown),
                text: text(limits::QUESTION)?,
            })),
            8 => {
                let apology = self.fresh();
                let section = raw.trim().to_owned();
                Some(Command::OwnUp(ownup::Command::SendApology {
                    id: apology,
                    breach: self.breach(a),
                    sections: ApologySections {
                        what_i_did: section.clone(),
                        how_it_affected_you: section.clone(),
                        responsibility: section.clone(),
                        changing: section.clone(),
                        asking: section,
                    },
                }))
            }
            9 => Some(Command::OwnUp(ownup::Command::RespondToApology {
                apology: pick(&m.apologies, a, unknown),
                response: [
                    ApologyResponseKind::Received,
                    ApologyResponseKind::NotReady,
                    ApologyResponseKind::SomethingMissing,
                ][usize::from(b % 3)],
                missing: (b % 3 == 2).then(|| text(limits::MISSING)).flatten(),
            })),
            10 => Some(Command::OwnUp(ownup::Command::SendLetter {
                id: self.fresh(),
                text: text(limits::LETTER)?,
            })),
            // check-ins
            11 => {
                let rhythm = match a % 4 {
                    0 => Rhythm::EveryThreeDays { from: day },
                    1 => Rhythm::Weekly {
                        on: Weekday::from_monday_zero_offset((b % 7) as i8).ok()?,
                    },
                    2 => Rhythm::Fortnightly {
                        on: Weekday::from_monday_zero_offset((b % 7) as i8).ok()?,
                    },
                    _ => Rhythm::Monthly {
                        day: (b % 28) as i8 + 1,
                    },
                };
                let zone = ["UTC", "Europe/Berlin", "Pacific/Apia", "America/Santiago"]
                    [usize::from(c % 4)];
                // A waiting proposal is mostly answered (by either partner, so the refusals
                // are tried too), now and then met with another proposal.
                let waiting = self.state.check_ins.proposal().map(|p| p.id);
                let respond = |proposal| match c % 8 {
                    0..=4 => checkins::Command::AcceptCadence { proposal },
                    5 => checkins::Command::DeclineCadence { proposal },
                    6 => checkins::Command::WithdrawCadence { proposal },
                    _ => checkins::Command::AcceptCadence { proposal: unknown },
                };
                let command = match waiting {
                    Some(proposal) if b % 5 != 0 => respond(proposal),
                    _ => checkins::Command::ProposeCadence {
                        id: self.fresh(),
                        rhythm,
                        zone: Zone::parse(zone).ok()?,
                    },
                };
                Some(Command::CheckIn(command))
            }
            12..=14 => {
                let open = self.state.check_ins.answerable(actor, self.now_us);
                let period = match open.get(usize::from(a) % open.len().max(1)) {
                    Some((period, _)) if b != u8::MAX => period.starts_on,
                    _ => day,
                };
                let trust = (c % 11).to_string();
                let feelings = [("hope", "3"), ("doubt", "5")];
                let check_in = CheckIn::parse(&RawCheckIn {
                    predictability: &trust,
                    dependability: "7",
                    faith: "2",
                    feelings: &feelings[..usize::from(b % 3)],
                    helped: if b % 2 == 0 { raw } else { "" },
                    hurt: "",
                    need: line,
                })
                .ok()?;
                Some(Command::CheckIn(checkins::Command::Answer {
                    period,
                    check_in,
                }))
            }
            // together
            15 | 16 => Some(Command::Together(together::Command::WriteAppreciation {
                id: self.fresh(),
                text: AppreciationText::parse(raw).ok()?,
            })),
            17 => {
                let plan = self.fresh();
                Some(Command::Together(together::Command::PlanTime {
                    id: plan,
                    what: Activity::parse(line).ok()?,
                    when_us: self.now_us + i64::from(step.day) * 5 * HOUR_US,
                    phones_away: b % 2 == 0,
                }))
            }
            18 => Some(Command::Together(together::Command::LogTime {
                plan: pick(&m.plans, a, unknown),
            })),
            19 => Some(Command::Together(together::Command::SayHowItFelt {
                plan: pick(&m.plans, a, unknown),
                felt: Rating::try_from(b % 5 + 1).ok()?,
                note: FeltNote::parse_optional(if c % 2 == 0 { raw } else { "" }).ok()?,
            })),
            20 => Some(Command::Together(together::Command::AddIdea {
                id: self.fresh(),
                text: IdeaText::parse(line).ok()?,
            })),
            21 => {
                let goal = self.fresh();
                let target =
                    together::TargetDate::parse(&self.date(step.day.abs() * 20).to_string()).ok();
                Some(Command::Together(together::Command::SetGoal {
                    id: goal,
                    text: GoalText::parse(line).ok()?,
                    target: target.filter(|_| b % 2 == 0),
                }))
            }
            22 => Some(Command::Together(together::Command::MarkGoalReached {
                goal: pick(&m.goals, a, unknown),
            })),
            23 => Some(Command::Together(together::Command::ConfirmGoal {
                goal: pick(&m.goals, a, unknown),
            })),
            // repair
            24 => {
                let topics: Vec<Topic> = Topic::STANDARD
                    .into_iter()
                    .chain(m.topics.iter().map(|t| Topic::Custom(*t)))
                    .collect();
                Some(Command::Repair(repair::Command::SetPace {
                    breach: self.breach(a),
                    topic: topics[usize::from(b) % topics.len()],
                    readiness: Readiness::ALL[usize::from(c % 3)],
                }))
            }
            25 => {
                let topic = self.fresh();
                Some(Command::Repair(repair::Command::AddPaceTopic {
                    breach: self.breach(a),
                    id: topic,
                    text: TopicText::parse(line).ok()?,
                }))
            }
            26 => {
                let (breach, proposal) = (self.breach(a), self.fresh());
                Some(Command::Repair(repair::Command::ProposeStage {
                    breach,
                    id: proposal,
                    direction: if b % 3 == 0 {
                        Direction::Back
                    } else {
                        Direction::On
                    },
                }))
            }
            27..=29 => {
                let (breach, proposal) = pick(&m.stages, a, (unknown, unknown));
                Some(Command::Repair(match step.what % 46 {
                    27 => repair::Command::ConfirmStage { breach, proposal },
                    28 => repair::Command::DeclineStage { breach, proposal },
                    _ => repair::Command::WithdrawStage { breach, proposal },
                }))
            }
            // promises
            30 | 31 => {
                let promise = self.fresh();
                let repeat = match b % 3 {
                    // A promise looks ahead; now and then one starts in the past, refused.
                    0 => Repeat::Once { on: day },
                    1 => Repeat::Daily {
                        from: if c % 8 == 0 { past } else { soon },
                        until: (c % 2 == 0).then(|| self.date(5)),
                    },
                    _ => Repeat::OnWeekdays {
                        days: Weekdays::of([Weekday::Monday, Weekday::Thursday]),
                        from: soon,
                        until: None,
                    },
                };
                Some(Command::Promise(promises::Command::Make {
                    id: promise,
                    breach: (a % 3 == 0).then(|| self.breach(a)),
                    text: PromiseText::parse(raw, "The promise").ok()?,
                    repeat,
                    at: TimeOfDay::new((c % 24) as i8, 0)?,
                    zone: Zone::parse(if c % 2 == 0 { "UTC" } else { "Pacific/Apia" }).ok()?,
                }))
            }
            32..=39 => {
                let note = Note::parse(raw, "The note").ok();
                // Mostly what the promises' pages offer the actor now, as a person would.
                let waiting = self.state.promises.waiting_for(actor, self.now_us);
                if c % 4 != 0 && !waiting.is_empty() {
                    use promises::Command as P;
                    let outcome = if b % 3 == 0 {
                        Outcome::Missed
                    } else {
                        Outcome::Kept
                    };
                    return Some(Command::Promise(match pick(&waiting, a, waiting[0]) {
                        Waiting::Report { promise, on } => P::Report {
                            promise,
                            on,
                            outcome,
                            note: note.filter(|_| c % 2 == 0),
                        },
                        Waiting::Review { promise, on } if b % 3 == 0 => P::Dispute {
                            promise,
                            on,
                            message: note,
                        },
                        Waiting::Review { promise, on } => P::Confirm { promise, on },
                        Waiting::Dispute { promise, on } if b % 2 == 0 => P::AddDisputeMessage {
                            promise,
                            on,
                            text: note?,
                        },
                        Waiting::Dispute { promise, on } => P::SettleDispute { promise, on },
                        Waiting::AcceptRelease { promise } => P::AcceptRelease { promise },
                    }));
                }
                let (promise, on) = (
                    pick(&m.promises, a, unknown),
                    self.date(-(step.day.abs() % 2)),
                );
                let ahead = self.date(step.day.abs());
                let reason = Reason::parse(raw, "The reason").ok()?;
                Some(Command::Promise(match step.what % 46 {
                    32 | 33 => promises::Command::Report {
                        promise,
                        on,
                        outcome: if b % 3 == 0 {
                            Outcome::Missed
                        } else {
                            Outcome::Kept
                        },
                        note: note.filter(|_| c % 2 == 0),
                    },
                    34 => promises::Command::Confirm { promise, on },
                    35 => promises::Command::Dispute {
                        promise,
                        on,
                        message: note,
                    },
                    36 => promises::Command::AddDisputeMessage {
                        promise,
                        on,
                        text: note?,
                    },
                    37 => promises::Command::SettleDispute { promise, on },
                    38 if b % 2 == 0 => promises::Command::Renegotiate {
                        promise,
                        from: ahead,
                        text: PromiseText::parse(line, "The promise").ok()?,
                        at: TimeOfDay::new((c % 24) as i8, 30)?,
                        reason,
                    },
                    38 => promises::Command::Skip {
                        promise,
                        on: ahead,
                        reason,
                    },
                    _ if b % 2 == 0 => promises::Command::ProposeRelease { promise },
                    _ => promises::Command::AcceptRelease { promise },
                }))
            }
            // agreements
            40 => {
                let (agreement, proposal) = (self.fresh(), self.fresh());
                Some(Command::Agreement(agreements::Command::Propose {
                    id: agreement,
                    proposal,
                    text: agreements::AgreementText::parse(raw).ok()?,
                    revisit: agreements::RevisitDate::parse(
                        &self.date(step.day.abs() * 30).to_string(),
                    )
                    .ok()
                    .filter(|_| b % 2 == 0),
                }))
            }
            41 | 42 => {
                // Mostly what the agreements' pages ask of the actor now.
                let waiting = self.state.agreements.waiting_for(actor, self.now_us);
                if c % 4 != 0 && !waiting.is_empty() {
                    use agreements::{Command as A, Waiting as W};
                    return Some(Command::Agreement(match pick(&waiting, a, waiting[0]) {
                        W::AnswerProposal {
                            agreement,
                            proposal,
                        } if b % 4 == 0 => A::Decline {
                            agreement,
                            proposal,
                        },
                        W::AnswerProposal {
                            agreement,
                            proposal,
                        } => A::Accept {
                            agreement,
                            proposal,
                        },
                        W::Review(agreement) if b % 2 == 0 => A::KeepAsIs {
                            agreement,
                            next_revisit: None,
                        },
                        W::Review(agreement) => A::ProposeAmendment {
                            agreement,
                            id: self.fresh(),
                            text: agreements::AgreementText::parse(line).ok()?,
                            revisit: None,
                        },
                        W::AnswerRetire {
                            agreement,
                            proposal,
                        } if b % 2 == 0 => A::AcceptRetire {
                            agreement,
                            proposal,
                        },
                        W::AnswerRetire {
                            agreement,
                            proposal,
                        } => A::DeclineRetire {
                            agreement,
                            proposal,
                        },
                    }));
                }
                let (agreement, proposal) = pick(&m.proposals, a, (unknown, unknown));
                use agreements::Command as A;
                Some(Command::Agreement(match b % 6 {
                    0 | 1 => A::Accept {
                        agreement,
                        proposal,
                    },
                    2 => A::Decline {
                        agreement,
                        proposal,
                    },
                    3 => A::Withdraw {
                        agreement,
                        proposal,
                    },
                    4 => A::AcceptRetire {
                        agreement,
                        proposal,
                    },
                    _ if c % 2 == 0 => A::DeclineRetire {
                        agreement,
                        proposal,
                    },
                    _ => A::WithdrawRetire {
                        agreement,
                        proposal,
                    },
                }))
            }
            43 => {
                let agreement = if m.active.is_empty() || c % 4 == 0 {
                    pick(&m.agreements, a, unknown)
                } else {
                    pick(&m.active, a, unknown)
                };
                let (on_table, new) = (pick(&m.proposals, a, (unknown, unknown)).1, self.fresh());
                use agreements::Command as A;
                let text = agreements::AgreementText::parse(raw).ok()?;
                let command = match b % 5 {
                    0 => A::Counter {
                        agreement,
                        proposal: on_table,
                        id: new,
                        text,
                        revisit: None,
                    },
                    1 => A::ProposeAmendment {
                        agreement,
                        id: new,
                        text,
                        revisit: None,
                    },
                    2 => A::RequestReview { agreement },
                    3 => A::KeepAsIs {
                        agreement,
                        next_revisit: None,
                    },
                    _ => A::ProposeRetire { agreement, id: new },
                };
                Some(Command::Agreement(command))
            }
            // reports
            44 => {
                let report = self.fresh();
                Some(Command::Report(reports::Command::File {
                    id: report,
                    breach: self.breach(a),
                    text: reports::ReportText::parse(raw).ok()?,
                }))
            }
            _ if b % 2 == 0 => Some(Command::Report(reports::Command::Acknowledge {
                report: pick(&m.reports, a, unknown),
                response: reports::ResponseText::parse_optional(raw).ok()?,
            })),
            // milestones, as the app celebrates them
            _ => Some(Command::CelebrateMilestones(
                progress::reached_but_not_shown(&self.state, self.now_us),
            )),
        }
    }
}

/// The record of `space` checked every way the module's doc lists.
fn check_record(space: &Space, splits: &[usize]) {
    let events = &space.events;
    let head = events.last().map_or(GENESIS_PREV, |e| e.hash);
    for (i, e) in events.iter().enumerate() {
        assert_eq!(e.seq, i as u64 + 1, "seq has a gap");
    }
    assert_eq!(record::verify(events), Ok(head));
    assert_eq!(
        (space.state.head_seq, space.state.head_hash),
        (events.len() as u64, head),
        "the state's head is not the last event"
    );
    assert_eq!(
        space.state.unreadable.count, 0,
        "the fold could not read its own events"
    );

    let json = Export::new(space.state.id, events, space.now_us).to_json();
    let verified = export::verify(&json).expect("the export verifies");
    assert_eq!((verified.events, verified.head), (events.len(), head));
    for viewer in space.people {
        let seen: Vec<RecordedEvent> = events
            .iter()
            .cloned()
            .map(|mut e| {
                if space::withheld_from(&space.state, viewer, &e, space.now_us) {
                    e.body = None;
                    e.salt = None;
                }
                e
            })
            .collect();
        let json = Export::new(space.state.id, &seen, space.now_us).to_json();
        assert!(
            export::verify(&json).is_ok(),
            "a viewer's export does not verify"
        );
    }

    let empty = || SpaceState::empty(space.state.id);
    let all_at_once = space::fold(empty(), events);
    assert_eq!(
        all_at_once, space.state,
        "folding at once differs from step by step"
    );
    for &split in splits {
        let split = split % (events.len() + 1);
        let (before, after) = events.split_at(split);
        let in_two = space::fold(space::fold(empty(), before), after);
        assert_eq!(in_two, all_at_once, "folding split at {split} differs");
        // And through a snapshot taken at the split, as a cold load from one does.
        let bytes = snapshot::encode_snapshot(&space::fold(empty(), before));
        let read = snapshot::decode_snapshot(&bytes).expect("a snapshot reads back");
        assert_eq!(
            space::fold(read, after),
            all_at_once,
            "folding on from a snapshot at {split} differs"
        );
    }
}

fn config() -> ProptestConfig {
    ProptestConfig {
        failure_persistence: None,
        ..ProptestConfig::with_cases(
            std::env::var("PROPTEST_CASES")
                .ok()
                .and_then(|n| n.parse().ok())
                .unwrap_or(1024),
        )
    }
}

/// Creates the space and lets the second partner join, as the app does.
fn couple() -> Space {
    let mut space = Space::new();
    let [first, second] = space.people;
    let name = |n| DisplayName::parse(n).expect("a valid name");
    assert!(space.act(
        first,
        Command::Create {
            name: SpaceName::parse("Us").expect("valid"),
            display_name: name("Sam"),
        },
    ));
    assert!(space.act(
        second,
        Command::Join {
            display_name: name("Alex")
        }
    ));
    space
}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn any_sequence_of_commands_folds_to_a_record_that_verifies(
        steps in prop::collection::vec(step(), 1..120),
        splits in prop::collection::vec(any::<usize>(), 3),
    ) {
        let mut space = couple();
        for step in &steps {
            space.take(step);
        }
        check_record(&space, &splits);
    }

    /// Before the partner joins, and with a stranger trying: only the space's own commands
    /// are accepted, and the record still verifies.
    #[test]
    fn a_space_waiting_for_its_partner_keeps_a_record_that_verifies(
        steps in prop::collection::vec(step(), 1..20),
    ) {
        let mut space = Space::new();
        let [first, _] = space.people;
        space.act(first, Command::Create {
            name: SpaceName::parse("").expect("valid"),
            display_name: DisplayName::parse("Sam").expect("valid"),
        });
        let stranger: PersonId = id(7);
        for step in &steps {
            if step.what % 5 == 0 {
                space.act(stranger, Command::Join {
                    display_name: DisplayName::parse("Kim").expect("valid"),
                });
            }
            space.take(step);
        }
        check_record(&space, &[1, 2]);
    }
}

/// The sequences reach deep states rather than refusals only: across 64 of them, every
/// kind of event this version records is made, but for the few listed, which need a run of
/// steps too particular to come by chance (answering a retirement with anything but yes,
/// asking for a review before the revisit date). A new kind fails here until the steps
/// above can make it.
#[test]
fn the_sequences_reach_every_part() {
    // A rhythm is now proposed and accepted: `checkin.cadence_set` is only read, from
    // older records (checkins.rs tests that it still folds as before).
    const NOT_REACHED: [&str; 4] = [
        "checkin.cadence_set",
        "agreement.retire_declined",
        "agreement.retire_withdrawn",
        "agreement.review_requested",
    ];
    let mut runner = proptest::test_runner::TestRunner::deterministic();
    let (mut made, mut accepted) = (std::collections::BTreeSet::new(), 0);
    for _ in 0..64 {
        let steps = prop::collection::vec(step(), 60..80)
            .new_tree(&mut runner)
            .expect("a sequence")
            .current();
        let mut space = couple();
        for step in &steps {
            space.take(step);
        }
        accepted += space.events.len();
        made.extend(space.events.iter().map(|e| e.kind.clone()));
    }
    assert!(accepted > 64 * 25, "only {accepted} events in 64 sequences");
    let knows = [
        &["space.created", "partner.joined"][..],
        ownup::Event::KINDS,
        checkins::Event::KINDS,
        together::Event::KINDS,
        repair::Event::KINDS,
        promises::Event::KINDS,
        agreements::Event::KINDS,
        reports::Event::KINDS,
        super::milestones::Event::KINDS,
        super::pause::Event::KINDS,
        super::closing::Event::KINDS,
    ]
    .concat();
    for kind in knows {
        assert_eq!(
            made.contains(kind),
            !NOT_REACHED.contains(&kind),
            "{kind}: reached {made:?}"
        );
    }
}
