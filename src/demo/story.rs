//! A demo space: two partners, Sam and Alex, and years of their daily use of Goldseam,
//! generated so that a new user (or a benchmark) can see what a lived-in space looks like.
//!
//! This module owns the story and its texts. Every event is made the way the app makes it:
//! a command is decided by [`space::decide`] against the state folded so far, sealed with
//! [`record::seal_all`] and folded with [`space::fold`]. A step the rules refuse is skipped
//! and counted in [`Demo::refused`], never forced into the record, so a demo can only ever
//! hold what two people could have recorded. Nothing here does I/O or reads the clock: the
//! end of the history comes in as `end_us`, and all randomness comes from the seed, so one
//! seed (with the same people and space) gives the same record, salts included. Writing the
//! events and creating the two accounts is the app's part (`App::create_demo`).
//!
//! The story, in brief: Sam found out about Alex's affair a couple of weeks before the space
//! begins. Alex owns up, answers questions, apologizes (once not quite well enough), keeps a
//! daily promise and reports before being asked; Sam keeps a weekly promise of their own.
//! They check in every Sunday week in Europe/Berlin, agree on boundaries and revisit them,
//! spend time together and write appreciations most days. Trust climbs slowly, dips when a
//! correction to the account comes out a few months in, and the hard feelings ease. In the
//! last six weeks the former affair partner gets in touch: Alex reports it at once, but Sam's
//! anxiety comes back and one question gets asked again and again, so the end of the record
//! shows signals that suggest a counsellor, beside the milestones reached along the way.

use jiff::civil::{Date, Time, Weekday};
use jiff::tz::{TimeZone, TimeZoneDatabase};
use jiff::{Span, Timestamp};
use rand::rngs::StdRng;
use rand::{Rng, RngCore, SeedableRng};

use crate::domain::agreements::{self, AgreementText, RevisitDate};
use crate::domain::calendar::Zone;
use crate::domain::checkins::{self, CheckIn, Feeling, Felt, Intensity, Rhythm, Trust, TrustLevel};
use crate::domain::input::{DisplayName, SpaceName};
use crate::domain::ownup::{self, ApologyResponseKind, ApologySections, BreachKind, limits};
use crate::domain::promises::{
    self, Note, Outcome, PromiseText, Reason, Repeat, TimeOfDay, Weekdays,
};
use crate::domain::record::{self, Draft, RecordedEvent, SealError};
use crate::domain::repair::{self, Direction, Readiness, Topic, TopicText};
use crate::domain::reports::{self, ReportText, ResponseText};
use crate::domain::space::{self, Command, SpaceState};
use crate::domain::together::{
    self, Activity, AppreciationText, FeltNote, GoalText, IdeaText, Rating, TargetDate,
};
use crate::domain::{Ctx, EntryId, PersonId, SpaceId};

/// The partner who was hurt, who creates the space.
pub const HURT_NAME: &str = "Sam";
/// The partner who broke trust, who joins it.
pub const BROKE_NAME: &str = "Alex";
/// The space's name.
pub const SPACE_NAME: &str = "Sam and Alex";
/// The zone the couple lives by: check-ins and promises follow its calendar.
pub const TIME_ZONE: &str = "Europe/Berlin";
/// The longest history a demo covers.
pub const MAX_YEARS: u32 = 20;

const MINUTE_US: i64 = 60_000_000;
const DAY_US: i64 = 86_400_000_000;
/// The last stretch, in days, in which things get hard again.
const FINAL_DAYS: i64 = 42;
/// Keeps the salts' random stream apart from the story's.
const SALT_STREAM: u64 = 0x5a17_5a17_5a17_5a17;
/// Keeps the ids of [`Cast::from_seed`] apart from the story's.
const CAST_STREAM: u64 = 0xca57_ca57_ca57_ca57;

/// Who is in the demo: the space and the two people, as ids.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Cast {
    pub space: SpaceId,
    pub hurt: PersonId,
    pub broke: PersonId,
}

impl Cast {
    /// Ids drawn from the seed, for a demo that no account needs to log in to (tests,
    /// benchmarks).
    pub fn from_seed(seed: u64) -> Self {
        let mut rng = StdRng::seed_from_u64(seed ^ CAST_STREAM);
        Self {
            space: id_from(&mut rng).unwrap_or_else(SpaceId::random),
            hurt: id_from(&mut rng).unwrap_or_else(PersonId::random),
            broke: id_from(&mut rng).unwrap_or_else(PersonId::random),
        }
    }
}

/// A generated space: its whole sealed record, in order, and the state folded from it.
#[derive(Debug, Clone)]
pub struct Demo {
    pub space: SpaceId,
    /// The partner who was hurt (Sam), who created the space.
    pub hurt: PersonId,
    /// The partner who broke trust (Alex), who joined it.
    pub broke: PersonId,
    pub hurt_name: String,
    pub broke_name: String,
    /// The whole chain from seq 1, ready to append.
    pub events: Vec<RecordedEvent>,
    /// The fold of `events`.
    pub state: SpaceState,
    /// Steps of the story the rules refused and that were therefore left out; 0 for a story
    /// that fits the rules throughout.
    pub refused: usize,
}

/// Why no demo could be generated.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DemoError {
    #[error("a demo covers from 1 to {MAX_YEARS} years of history")]
    Years,
    #[error("the demo's history must lie between the years 2000 and 2099")]
    OutOfRange,
    #[error("sealing an event: {0}")]
    Seal(#[from] SealError),
}

/// `years` of history ending at `end_us`, for people and a space drawn from the seed.
pub fn generate(years: u32, seed: u64, end_us: i64) -> Result<Demo, DemoError> {
    generate_for(Cast::from_seed(seed), years, seed, end_us)
}

/// `years` of history (of 365 days) ending at `end_us` (microseconds since the Unix epoch,
/// UTC), for the given people and space. Every event lies after `end_us - years * 365 days`
/// and at or before `end_us`.
pub fn generate_for(cast: Cast, years: u32, seed: u64, end_us: i64) -> Result<Demo, DemoError> {
    if !(1..=MAX_YEARS).contains(&years) {
        return Err(DemoError::Years);
    }
    let start_us = end_us.saturating_sub(i64::from(years) * 365 * DAY_US);
    let mut script = Script::new(cast, seed, start_us, end_us).ok_or(DemoError::OutOfRange)?;
    script.write();
    run(cast, script, seed)
}

/// Decides, seals and folds every step of the script, in time order.
fn run(cast: Cast, script: Script, seed: u64) -> Result<Demo, DemoError> {
    let Script {
        mut items, unbuilt, ..
    } = script;
    items.sort_by_key(|i| (i.at_us, i.order));
    let mut salts = StdRng::seed_from_u64(seed ^ SALT_STREAM);
    let mut state = SpaceState::empty(cast.space);
    let mut events = Vec::with_capacity(items.len() + items.len() / 16);
    let mut refused = unbuilt;
    for item in items {
        let ctx = Ctx {
            actor: item.actor,
            now_us: item.at_us,
        };
        let Ok(decided) = space::decide(&state, item.command, &ctx) else {
            refused += 1;
            continue;
        };
        let author = item.actor.to_string();
        let drafts = decided
            .iter()
            .map(|e| Draft {
                at_us: item.at_us,
                author: author.clone(),
                kind: e.kind().to_owned(),
                body: e.body(),
            })
            .collect();
        let head = (state.head_seq, state.head_hash);
        let sealed = record::seal_all(head, drafts, || {
            let mut salt = [0u8; 16];
            salts.fill_bytes(&mut salt);
            salt
        })?;
        state = space::fold(state, &sealed);
        events.extend(sealed);
    }
    Ok(Demo {
        space: cast.space,
        hurt: cast.hurt,
        broke: cast.broke,
        hurt_name: HURT_NAME.to_owned(),
        broke_name: BROKE_NAME.to_owned(),
        events,
        state,
        refused,
    })
}

// ---- the script --------------------------------------------------------------------------

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Who {
    Hurt,
    Broke,
}

impl Who {
    fn other(self) -> Self {
        match self {
            Self::Hurt => Self::Broke,
            Self::Broke => Self::Hurt,
        }
    }
}

/// One step: who does what, when.
struct Item {
    at_us: i64,
    /// The order it was written in, so steps at the same instant keep their order.
    order: usize,
    actor: PersonId,
    command: Command,
}

/// The story as a list of steps with their times, written before any is decided. Days are
/// counted from day 0, the local date the space is created on.
struct Script {
    rng: StdRng,
    tz: TimeZone,
    zone: Zone,
    /// Day 0.
    first: Date,
    /// The day `end_us` falls on.
    last: i64,
    end_us: i64,
    hurt: PersonId,
    broke: PersonId,
    breach: EntryId,
    items: Vec<Item>,
    /// Steps whose command could not even be built (a text over its limit): a mistake here.
    unbuilt: usize,
}

impl Script {
    fn new(cast: Cast, seed: u64, start_us: i64, end_us: i64) -> Option<Self> {
        let tz = TimeZoneDatabase::bundled().get(TIME_ZONE).ok()?;
        let zone = Zone::parse(TIME_ZONE).ok()?;
        let date_at = |us: i64| -> Option<Date> {
            let ts = Timestamp::from_microsecond(us).ok()?;
            Some(tz.to_datetime(ts).date())
        };
        // The first whole day after the start, so the first event lies after it.
        let first = date_at(start_us)?.tomorrow().ok()?;
        let end = date_at(end_us)?;
        if first.year() < 2000 || end.year() > 2099 {
            return None;
        }
        let last = first.until(end).ok()?.get_days().into();
        let mut rng = StdRng::seed_from_u64(seed);
        let breach = id_from(&mut rng)?;
        Some(Self {
            rng,
            tz,
            zone,
            first,
            last,
            end_us,
            hurt: cast.hurt,
            broke: cast.broke,
            breach,
            items: Vec::new(),
            unbuilt: 0,
        })
    }

    fn write(&mut self) {
        self.opening();
        self.owning_up();
        self.questions();
        self.agreements();
        self.reports();
        self.daily_promise();
        self.weekly_promise();
        self.check_ins();
        self.appreciations();
        self.time_together();
        self.pace_and_stages();
        self.goals();
        self.final_stretch();
    }

    // ---- helpers ----

    fn person(&self, who: Who) -> PersonId {
        match who {
            Who::Hurt => self.hurt,
            Who::Broke => self.broke,
        }
    }

    fn id(&mut self) -> EntryId {
        id_from(&mut self.rng).unwrap_or_else(EntryId::random)
    }

    fn day(&self, n: i64) -> Option<Date> {
        add_days(self.first, n)
    }

    /// The day the last, harder stretch begins.
    fn final_from(&self) -> i64 {
        self.last - FINAL_DAYS
    }

    fn chance(&mut self, p: f64) -> bool {
        self.rng.gen_bool(p.clamp(0.0, 1.0))
    }

    fn between(&mut self, lo: i64, hi: i64) -> i64 {
        if hi <= lo {
            lo
        } else {
            self.rng.gen_range(lo..=hi)
        }
    }

    fn pick(&mut self, pool: &[&'static str]) -> &'static str {
        if pool.is_empty() {
            return "";
        }
        pool[self.rng.gen_range(0..pool.len())]
    }

    fn noise(&mut self, spread: f64) -> f64 {
        self.rng.gen_range(-spread..=spread)
    }

    /// Local time `minute` (may run past midnight) on day `n`, with a few random seconds.
    fn at(&mut self, n: i64, minute: i64) -> Option<i64> {
        let exact = self.exact(n, minute)?;
        Some(exact + self.rng.gen_range(0..60) * 1_000_000)
    }

    /// Local time `minute` on day `n`, on the minute.
    fn exact(&self, n: i64, minute: i64) -> Option<i64> {
        let date = add_days(self.first, n.checked_add(minute.div_euclid(1440))?)?;
        local_us(&self.tz, date, minute.rem_euclid(1440))
    }

    /// The same on a date.
    fn on(&mut self, date: Date, minute: i64) -> Option<i64> {
        let date = add_days(date, minute.div_euclid(1440))?;
        let exact = local_us(&self.tz, date, minute.rem_euclid(1440))?;
        Some(exact + self.rng.gen_range(0..60) * 1_000_000)
    }

    /// `minutes` after `at`, moved to the next morning if that would be in the night.
    fn later(&mut self, at: Option<i64>, minutes: i64) -> Option<i64> {
        let t = at?.checked_add(minutes.checked_mul(MINUTE_US)?)?;
        let local = self.tz.to_datetime(Timestamp::from_microsecond(t).ok()?);
        let hour = local.hour();
        if (7..23).contains(&hour) {
            return Some(t);
        }
        let date = if hour >= 23 {
            local.date().tomorrow().ok()?
        } else {
            local.date()
        };
        let minute = self.between(7 * 60, 8 * 60 + 30);
        self.on(date, minute).map(|m| m.max(t))
    }

    /// Adds a step. Steps after the end are left out, as the future is; a step whose command
    /// could not be built is counted. Returns the time, for chaining.
    fn push(&mut self, at: Option<i64>, who: Who, command: Option<Command>) -> Option<i64> {
        let at = at?;
        if at > self.end_us {
            return Some(at);
        }
        match command {
            Some(command) => {
                let order = self.items.len();
                let actor = self.person(who);
                self.items.push(Item {
                    at_us: at,
                    order,
                    actor,
                    command,
                });
            }
            None => self.unbuilt += 1,
        }
        Some(at)
    }

    // ---- the beginning ----

    fn opening(&mut self) {
        let t = self.at(0, 19 * 60 + 30);
        let create = SpaceName::parse(SPACE_NAME)
            .ok()
            .zip(DisplayName::parse(HURT_NAME).ok())
            .map(|(name, display_name)| Command::Create { name, display_name });
        self.push(t, Who::Hurt, create);
        let t = self.at(0, 21 * 60 + 5);
        let join = DisplayName::parse(BROKE_NAME)
            .ok()
            .map(|display_name| Command::Join { display_name });
        self.push(t, Who::Broke, join);

        let t = self.at(0, 21 * 60 + 40);
        let discovered = self.day(-16);
        let record =
            discovered
                .zip(own_text(BREACH_TITLE, limits::TITLE))
                .map(|(discovered_on, title)| {
                    Command::OwnUp(ownup::Command::RecordBreach {
                        id: self.breach,
                        title,
                        kind: BreachKind::Affair,
                        broke_trust: self.broke,
                        discovered_on,
                    })
                });
        self.push(t, Who::Hurt, record);
        let t = self.at(1, 8 * 60 + 10);
        let breach = self.breach;
        self.push(
            t,
            Who::Broke,
            Some(Command::OwnUp(ownup::Command::AcknowledgeBreach {
                breach,
                sees_differently: None,
            })),
        );
    }

    // ---- disclosure, apologies, letters ----

    fn owning_up(&mut self) {
        let breach = self.breach;
        let mut entries = Vec::new();
        for (i, (day, minute)) in [(1, 22 * 60), (2, 21 * 60 + 15), (3, 21 * 60), (5, 20 * 60)]
            .into_iter()
            .enumerate()
        {
            let id = self.id();
            entries.push(id);
            let t = self.at(day, minute);
            let cmd = disclosure(breach, id, DISCLOSURE[i], None);
            self.push(t, Who::Broke, cmd);
        }
        // A few months in, the account of how it ended turns out to be wrong.
        let id = self.id();
        let t = self.at(70, 21 * 60 + 20);
        let cmd = disclosure(breach, id, CORRECTION, entries.last().copied());
        self.push(t, Who::Broke, cmd);

        // The first apology is not ready to be answered, then misses something; the second
        // is received.
        let first = self.id();
        let t = self.at(6, 21 * 60 + 30);
        self.push(t, Who::Broke, Some(apology(breach, first, &APOLOGIES[0])));
        let t = self.at(8, 20 * 60);
        self.push(
            t,
            Who::Hurt,
            respond(first, ApologyResponseKind::NotReady, None),
        );
        let t = self.at(21, 21 * 60 + 45);
        self.push(
            t,
            Who::Hurt,
            respond(first, ApologyResponseKind::SomethingMissing, Some(MISSING)),
        );
        let second = self.id();
        let t = self.at(33, 20 * 60 + 30);
        self.push(t, Who::Broke, Some(apology(breach, second, &APOLOGIES[1])));
        let t = self.at(36, 19 * 60 + 10);
        self.push(
            t,
            Who::Hurt,
            respond(second, ApologyResponseKind::Received, None),
        );

        for (day, minute, who, text) in [
            (18, 22 * 60 + 10, Who::Hurt, LETTERS[0]),
            (19, 21 * 60 + 30, Who::Broke, LETTERS[1]),
            (122, 20 * 60 + 40, Who::Broke, LETTERS[2]),
        ] {
            self.letter(day, minute, who, text);
        }
        // A letter on each anniversary of the space.
        let mut year = 1;
        while year * 365 <= self.last {
            let text = ANNIVERSARY_LETTERS[(year as usize - 1) % ANNIVERSARY_LETTERS.len()];
            self.letter(year * 365, 20 * 60 + 15, Who::Broke, text);
            year += 1;
        }
    }

    fn letter(&mut self, day: i64, minute: i64, who: Who, text: &str) {
        let id = self.id();
        let t = self.at(day, minute);
        let cmd = own_text(text, limits::LETTER)
            .map(|text| Command::OwnUp(ownup::Command::SendLetter { id, text }));
        self.push(t, who, cmd);
    }

    // ---- questions ----

    fn questions(&mut self) {
        let breach = Some(self.breach);
        // The first question is settled before the next is asked: "every question settled".
        let q = self.id();
        let t = self.at(2, 7 * 60 + 45);
        self.push(t, Who::Hurt, ask(q, breach, FIRST_QUESTION.0));
        let t = self.at(2, 19 * 60 + 10);
        self.push(t, Who::Broke, answer(q, FIRST_QUESTION.1));
        let t = self.at(3, 8 * 60 + 30);
        self.push(t, Who::Hurt, settle(q));

        // The first months: a question every few days, some asked again.
        let mut day = 4;
        let mut i = 0;
        while day < 90 && day < self.final_from() {
            let again = match self.rng.gen_range(0..10) {
                0..=5 => 0,
                6..=8 => 1,
                _ => 2,
            };
            let (question, reply) = EARLY_QUESTIONS[i % EARLY_QUESTIONS.len()];
            let minute = self.between(19 * 60, 22 * 60);
            let t = self.at(day, minute);
            self.thread(Who::Hurt, breach, t, question, reply, again);
            i += 1;
            day += self.between(2, 5);
        }
        // Then fewer, and further apart.
        let mut i = 0;
        while day < self.final_from() - 10 {
            let again = usize::from(self.chance(0.3));
            let (question, reply) = LATER_QUESTIONS[i % LATER_QUESTIONS.len()];
            let minute = self.between(19 * 60, 22 * 60);
            let t = self.at(day, minute);
            self.thread(Who::Hurt, breach, t, question, reply, again);
            i += 1;
            day += self.between(20, (30 + day / 20).min(60));
        }
        // Alex asks too: both partners have work to do.
        for (n, (question, reply)) in PARTNER_QUESTIONS.iter().enumerate() {
            let day = 50 + 110 * n as i64;
            if day >= self.final_from() - 10 {
                break;
            }
            let t = self.at(day, 20 * 60 + 50);
            self.thread(Who::Broke, None, t, question, reply, 0);
        }
    }

    /// A question asked at `at`, answered, asked again `again` times, then settled.
    fn thread(
        &mut self,
        asker: Who,
        breach: Option<EntryId>,
        at: Option<i64>,
        question: &str,
        reply: &str,
        again: usize,
    ) {
        let q = self.id();
        let mut t = self.push(at, asker, ask(q, breach, question));
        for round in 0..=again {
            if round > 0 {
                let wait = self.between(24 * 60, 5 * 24 * 60);
                t = self.later(t, wait);
                let prompt = self.pick(ASK_AGAIN);
                t = self.push(t, asker, ask_again(q, prompt));
            }
            let wait = self.between(90, 30 * 60);
            t = self.later(t, wait);
            let text = if round == 0 {
                reply.to_owned()
            } else {
                format!("{} {reply}", self.pick(ANSWER_AGAIN))
            };
            t = self.push(t, asker.other(), answer(q, &text));
        }
        let wait = self.between(3 * 60, 3 * 24 * 60);
        let t = self.later(t, wait);
        self.push(t, asker, settle(q));
    }

    // ---- agreements ----

    fn agreements(&mut self) {
        // No contact: proposed by Sam, accepted the same evening.
        let contact = self.agreed(
            Who::Hurt,
            AGREEMENTS[0],
            (10, 19 * 60 + 40),
            (10, 22 * 60 + 5),
            Some(100),
        );
        self.reviews(contact, 100, false);

        // Sunday evenings: proposed by Alex, answered with a change, accepted.
        let sundays = self.id();
        let first = self.id();
        let counter = self.id();
        let t = self.at(14, 20 * 60 + 10);
        let revisit = self.revisit(134);
        self.push(
            t,
            Who::Broke,
            propose(sundays, first, AGREEMENTS[1], revisit),
        );
        let t = self.at(15, 21 * 60);
        let countered = agreement_text(AGREEMENTS[2]).map(|text| {
            Command::Agreement(agreements::Command::Counter {
                agreement: sundays,
                proposal: first,
                id: counter,
                text,
                revisit,
            })
        });
        self.push(t, Who::Hurt, countered);
        let t = self.at(16, 8 * 60 + 20);
        self.push(t, Who::Broke, Some(accept(sundays, counter)));
        // Its first review is answered with an amendment instead of a keep.
        self.reviews(sundays, 134, true);

        // Pausing hard conversations.
        let pause = self.agreed(
            Who::Hurt,
            AGREEMENTS[4],
            (25, 21 * 60 + 30),
            (26, 7 * 60 + 50),
            Some(205),
        );
        self.reviews(pause, 205, false);

        // Seeing a counsellor together: no revisit date.
        self.agreed(
            Who::Hurt,
            AGREEMENTS[5],
            (90, 20 * 60),
            (91, 19 * 60 + 15),
            None,
        );
    }

    /// An agreement `by` proposes at `proposed` (day, minute of the day) and the other partner
    /// accepts at `accepted`, to be revisited on day `revisit` if given.
    fn agreed(
        &mut self,
        by: Who,
        text: &str,
        proposed: (i64, i64),
        accepted: (i64, i64),
        revisit: Option<i64>,
    ) -> EntryId {
        let agreement = self.id();
        let proposal = self.id();
        let t = self.at(proposed.0, proposed.1);
        let revisit = revisit.and_then(|day| self.revisit(day));
        self.push(t, by, propose(agreement, proposal, text, revisit));
        let t = self.at(accepted.0, accepted.1);
        self.push(t, by.other(), Some(accept(agreement, proposal)));
        agreement
    }

    fn revisit(&self, day: i64) -> Option<RevisitDate> {
        self.day(day)
            .and_then(|d| RevisitDate::parse(&d.to_string()).ok())
    }

    /// Every review of an agreement from its first revisit day: both keep it as is, the
    /// second naming the next revisit date (half a year on at first, then a year). With
    /// `amend_first`, the first review is an amendment proposed by Alex and accepted by Sam.
    fn reviews(&mut self, agreement: EntryId, first_due: i64, amend_first: bool) {
        let mut due = first_due;
        let mut round = 0;
        while due <= self.last {
            let gap = if due < 730 { 182 } else { 365 };
            let next = due + gap;
            let next_revisit = self.revisit(next);
            if round == 0 && amend_first {
                let id = self.id();
                let t = self.at(due, 19 * 60 + 30);
                let amend = agreement_text(AGREEMENTS[3]).map(|text| {
                    Command::Agreement(agreements::Command::ProposeAmendment {
                        agreement,
                        id,
                        text,
                        revisit: next_revisit,
                    })
                });
                self.push(t, Who::Broke, amend);
                let t = self.at(due + 1, 20 * 60 + 40);
                self.push(t, Who::Hurt, Some(accept(agreement, id)));
            } else {
                let first = if self.chance(0.5) {
                    Who::Hurt
                } else {
                    Who::Broke
                };
                let minute = self.between(19 * 60, 21 * 60);
                let t = self.at(due, minute);
                self.push(t, first, Some(keep(agreement, None)));
                let day = due + self.between(1, 3);
                let minute = self.between(19 * 60, 21 * 60);
                let t = self.at(day, minute);
                self.push(t, first.other(), Some(keep(agreement, next_revisit)));
            }
            due = next;
            round += 1;
        }
    }

    // ---- proactive reports ----

    fn reports(&mut self) {
        let final_from = self.final_from();
        let mut day = 3;
        while day <= self.last {
            if (final_from - 3..=final_from + 3).contains(&day) {
                day += 4;
                continue;
            }
            let text = self.pick(REPORTS);
            let minute = self.between(12 * 60, 21 * 60);
            let t = self.at(day, minute);
            self.report(t, text);
            day += (5 + day / 15).min(40) + self.between(0, 5);
        }
    }

    /// Alex files a report at `at`; Sam acknowledges it, usually within a day.
    fn report(&mut self, at: Option<i64>, text: &str) -> Option<i64> {
        let id = self.id();
        let breach = self.breach;
        let filed = report_text(text)
            .map(|text| Command::Report(reports::Command::File { id, breach, text }));
        let t = self.push(at, Who::Broke, filed);
        let wait = self.between(45, 26 * 60);
        let t = self.later(t, wait);
        let response = if self.chance(0.4) {
            Some(self.pick(ACKNOWLEDGEMENTS))
        } else {
            None
        };
        self.push(t, Who::Hurt, acknowledge(id, response))
    }

    // ---- promises ----

    /// Alex's daily promise: home by seven, or a call first. Kept almost always, sometimes
    /// skipped or its time changed ahead, now and then missed, rarely disputed.
    fn daily_promise(&mut self) {
        let promise = self.id();
        let start = 4;
        let Some(from) = self.day(start) else {
            return;
        };
        let mut minute = 19 * 60;
        let t = self.at(start, 10 * 60);
        let made = promise_text(DAILY_PROMISE[0])
            .zip(TimeOfDay::new(19, 0))
            .map(|(text, at)| {
                Command::Promise(promises::Command::Make {
                    id: promise,
                    breach: Some(self.breach),
                    text,
                    repeat: Repeat::Daily { from, until: None },
                    at,
                    zone: self.zone.clone(),
                })
            });
        self.push(t, Who::Broke, made);

        let final_from = self.final_from();
        let mut version = 0;
        let mut next_change = 150 + self.between(0, 60);
        let mut changes_on: Option<(i64, i64)> = None;
        let mut last_dispute = -100;
        for d in start..=self.last {
            if d == next_change {
                // New terms from the day after tomorrow, agreed in good time.
                version += 1;
                let new_minute = if version % 2 == 1 {
                    19 * 60 + 30
                } else {
                    19 * 60
                };
                let terms = DAILY_PROMISE[version % DAILY_PROMISE.len()];
                let reason = DAILY_REASONS[(version - 1) % DAILY_REASONS.len()];
                let t = self.at(d, 12 * 60 + 30);
                let cmd = self
                    .day(d + 2)
                    .zip(promise_text(terms))
                    .zip(time_of_day(new_minute))
                    .zip(reason_text(reason))
                    .map(|(((from, text), at), reason)| {
                        Command::Promise(promises::Command::Renegotiate {
                            promise,
                            from,
                            text,
                            at,
                            reason,
                        })
                    });
                self.push(t, Who::Broke, cmd);
                changes_on = Some((d + 2, new_minute));
                next_change += self.between(120, 240);
            }
            if let Some((on, new_minute)) = changes_on
                && on == d
            {
                minute = new_minute;
                changes_on = None;
            }
            let Some(date) = self.day(d) else {
                break;
            };
            if d >= 30 && self.chance(0.025) {
                let reason = self.pick(SKIP_REASONS);
                let when = self.between(8 * 60, 11 * 60);
                let t = self.at(d, when);
                self.push(t, Who::Broke, skip(promise, date, reason));
                continue;
            }
            if d >= 60 && self.chance(0.006) {
                // Forgotten: it shows as not reported, to both.
                continue;
            }
            let p_missed = if d < 200 { 0.07 } else { 0.035 };
            let outcome = if d >= 40 && self.chance(p_missed) {
                Outcome::Missed
            } else {
                Outcome::Kept
            };
            let note = match outcome {
                Outcome::Missed => Some(self.pick(MISSED_NOTES)),
                Outcome::Kept if self.chance(0.08) => Some(self.pick(KEPT_NOTES)),
                Outcome::Kept => None,
            };
            let t = if self.chance(0.9) {
                let after = self.between(5, 150);
                self.at(d, minute + after)
            } else {
                let next_morning = self.between(24 * 60 + 7 * 60, 24 * 60 + 9 * 60);
                self.at(d, next_morning)
            };
            let t = self.push(t, Who::Broke, report_on(promise, date, outcome, note));

            // Sam's review.
            let may_dispute =
                outcome == Outcome::Kept && d >= 45 && d < final_from - 5 && d - last_dispute > 40;
            if may_dispute && self.chance(0.012) {
                last_dispute = d;
                let wait = self.between(60, 5 * 60);
                let t = self.later(t, wait);
                let message = self.pick(DISPUTES);
                let t = self.push(t, Who::Hurt, dispute(promise, date, message));
                let wait = self.between(10 * 60, 20 * 60);
                let t = self.later(t, wait);
                let reply = self.pick(DISPUTE_REPLIES);
                let t = self.push(t, Who::Broke, dispute_message(promise, date, reply));
                let wait = self.between(20 * 60, 2 * 24 * 60);
                let t = self.later(t, wait);
                self.push(t, Who::Hurt, settle_dispute(promise, date));
            } else {
                // Confirmed, since a report waits until it is: mostly within the day,
                // sometimes a few at once a day or two later.
                let wait = if self.chance(0.85) {
                    self.between(20, 14 * 60)
                } else {
                    self.between(24 * 60, 3 * 24 * 60)
                };
                let t = self.later(t, wait);
                self.push(t, Who::Hurt, Some(confirm(promise, date)));
            }
        }
    }

    /// Sam's weekly promise: saying how the week is going, on Wednesday evenings.
    fn weekly_promise(&mut self) {
        let promise = self.id();
        let start = 9;
        let Some(from) = self.day(start) else {
            return;
        };
        let t = self.at(start, 11 * 60);
        let made = promise_text(WEEKLY_PROMISE)
            .zip(TimeOfDay::new(21, 0))
            .map(|(text, at)| {
                Command::Promise(promises::Command::Make {
                    id: promise,
                    breach: None,
                    text,
                    repeat: Repeat::OnWeekdays {
                        days: Weekdays::of([Weekday::Wednesday]),
                        from,
                        until: None,
                    },
                    at,
                    zone: self.zone.clone(),
                })
            });
        self.push(t, Who::Hurt, made);
        let offset = i64::from(Weekday::Wednesday.since(from.weekday()));
        let mut d = start + offset;
        while d <= self.last {
            let Some(date) = self.day(d) else {
                break;
            };
            let settled_in = d < 45;
            if !settled_in && self.chance(0.04) {
                let t = self.at(d, 9 * 60 + 15);
                let reason = self.pick(WEEKLY_SKIP_REASONS);
                self.push(t, Who::Hurt, skip(promise, date, reason));
            } else {
                let outcome = if !settled_in && self.chance(0.07) {
                    Outcome::Missed
                } else {
                    Outcome::Kept
                };
                let note = (outcome == Outcome::Missed).then(|| self.pick(WEEKLY_MISSED_NOTES));
                let after = self.between(21 * 60 + 20, 22 * 60 + 50);
                let t = self.at(d, after);
                let t = self.push(t, Who::Hurt, report_on(promise, date, outcome, note));
                let wait = self.between(30, 30 * 60);
                let t = self.later(t, wait);
                self.push(t, Who::Broke, Some(confirm(promise, date)));
            }
            d += 7;
        }
    }

    // ---- check-ins ----

    /// Weekly check-ins, from Sunday, in the couple's zone. Both answer most weeks, now and
    /// then late, rarely not at all (and never two weeks running).
    fn check_ins(&mut self) {
        let t = self.at(1, 20 * 60);
        // The proposal's id comes from a side generator, so that the story's own draws (and
        // with them everything after this point) stay as they were before rhythms needed
        // both partners.
        let mut side = StdRng::seed_from_u64(self.rng.clone().next_u64() ^ 0x0c4e_c1e5);
        let proposal: EntryId = id_from(&mut side).unwrap_or_else(EntryId::random);
        let propose = Some(Command::CheckIn(checkins::Command::ProposeCadence {
            id: proposal,
            rhythm: Rhythm::Weekly {
                on: Weekday::Sunday,
            },
            zone: self.zone.clone(),
        }));
        let t = self.push(t, Who::Hurt, propose);
        let t = t.and_then(|t| t.checked_add(25 * MINUTE_US));
        let accept = Some(Command::CheckIn(checkins::Command::AcceptCadence {
            proposal,
        }));
        let Some(set_at) = self.push(t, Who::Broke, accept) else {
            return;
        };
        let Some(day1) = self.day(1) else {
            return;
        };
        let back = i64::from(day1.weekday().since(Weekday::Sunday));
        let final_from = self.final_from();
        let mut start = 1 - back;
        let mut week = 0;
        let mut missed_before = false;
        while start <= self.last {
            let Some(period) = self.day(start) else {
                break;
            };
            let steady = week < 8 || start >= final_from - 7;
            let mut missed_now = false;
            for who in [Who::Hurt, Who::Broke] {
                let roll: f64 = self.rng.r#gen();
                let (late, missed) = if steady || missed_before {
                    (false, false)
                } else {
                    ((0.06..0.14).contains(&roll), roll < 0.06)
                };
                if missed {
                    missed_now = true;
                    continue;
                }
                let day = if late {
                    start + 7 + self.between(0, 2)
                } else {
                    start + self.between(0, 6)
                };
                let minute = self.between(18 * 60, 22 * 60 + 45);
                let t = self.at(day, minute).map(|t| t.max(set_at + 20 * MINUTE_US));
                let hard = start >= final_from;
                let cmd = self.answer(who, day, hard).map(|check_in| {
                    Command::CheckIn(checkins::Command::Answer { period, check_in })
                });
                self.push(t, who, cmd);
            }
            missed_before = missed_now;
            start += 7;
            week += 1;
        }
    }

    /// One partner's check-in on day `d`. `hard` is the last stretch.
    fn answer(&mut self, who: Who, d: i64, hard: bool) -> Option<CheckIn> {
        let days = d.max(0) as f64;
        let (trust, feelings, notes) = match who {
            Who::Hurt => {
                let base = 2.0 + 6.2 * (1.0 - (-days / 260.0).exp());
                let dip = if d >= 70 {
                    1.8 * (-(days - 70.0) / 35.0).exp()
                } else {
                    0.0
                };
                let slip = if hard { 1.6 } else { 0.0 };
                let faith_gain = 0.6 * (1.0 - (-days / 500.0).exp());
                let p = base + 0.3 - dip - slip + self.noise(0.9);
                let dep = base - 0.2 - 1.2 * dip - slip + self.noise(0.9);
                let faith = base - 0.8 + faith_gain - dip - 1.2 * slip + self.noise(0.9);
                let trust = trust_of(p, dep, faith);
                let bump = if (70..130).contains(&d) {
                    1.5 * (-(days - 70.0) / 30.0).exp()
                } else {
                    0.0
                };
                let heavy = 4.8 * (-days / 170.0).exp() + bump;
                let light = 1.0 + 3.5 * (1.0 - (-days / 300.0).exp());
                let feelings = if hard {
                    let anxiety = if self.chance(0.5) { 5 } else { 4 };
                    let mut named = vec![felt(Feeling::Anxiety, anxiety)];
                    if self.chance(0.6) {
                        named.push(felt(Feeling::Sadness, 3));
                    }
                    if self.chance(0.5) {
                        named.push(felt(Feeling::Hope, 2));
                    }
                    named.into_iter().flatten().collect()
                } else {
                    self.feelings(HURT_HEAVY, heavy, HURT_LIGHT, light)
                };
                let notes = if hard {
                    (HURT_HELPED_LATE, HURT_HURT_FINAL, HURT_NEED_FINAL)
                } else if d < 120 {
                    (HURT_HELPED_EARLY, HURT_HURT_EARLY, HURT_NEED_EARLY)
                } else {
                    (HURT_HELPED_LATE, HURT_HURT_LATE, HURT_NEED_LATE)
                };
                (trust, feelings, notes)
            }
            Who::Broke => {
                let base = 6.0 + 2.2 * (1.0 - (-days / 300.0).exp());
                let p = base + self.noise(0.9);
                let dep = base + 0.3 + self.noise(0.9);
                let faith = base - 0.5 + self.noise(0.9);
                let trust = trust_of(p, dep, faith);
                let heavy = 4.2 * (-days / 250.0).exp() + if hard { 1.0 } else { 0.0 };
                let light = 1.5 + 3.0 * (1.0 - (-days / 250.0).exp());
                let feelings = self.feelings(BROKE_HEAVY, heavy, BROKE_LIGHT, light);
                (trust, feelings, (BROKE_HELPED, BROKE_HURT, BROKE_NEED))
            }
        };
        let (helped, hurt, need) = notes;
        Some(CheckIn {
            trust: trust?,
            feelings,
            helped: self.chance(0.6).then(|| self.pick(helped).to_owned()),
            hurt: self.chance(0.5).then(|| self.pick(hurt).to_owned()),
            need: self.chance(0.55).then(|| self.pick(need).to_owned()),
        })
    }

    /// Hard feelings at about `heavy` (of 5) and easier ones at about `light`, more of each
    /// the stronger they are.
    fn feelings(
        &mut self,
        heavy_pool: &[Feeling],
        heavy: f64,
        light_pool: &[Feeling],
        light: f64,
    ) -> Vec<Felt> {
        let mut out: Vec<Felt> = Vec::new();
        let heavy_count = match heavy {
            h if h > 3.5 => 3,
            h if h > 2.0 => 2,
            h if h > 1.2 => 1,
            _ => usize::from(self.chance(0.3)),
        };
        let light_count = match light {
            l if l > 3.5 => 2,
            l if l > 2.0 => 1 + usize::from(self.chance(0.4)),
            _ => usize::from(self.chance(0.5)),
        };
        for (pool, level, count) in [
            (heavy_pool, heavy, heavy_count),
            (light_pool, light, light_count),
        ] {
            for _ in 0..count {
                let Some(&feeling) = pool.get(self.rng.gen_range(0..pool.len().max(1))) else {
                    continue;
                };
                if out.iter().any(|f| f.feeling == feeling) {
                    continue;
                }
                let intensity = (level + self.noise(0.8)).round().clamp(1.0, 5.0) as u8;
                if let Some(f) = felt(feeling, intensity) {
                    out.push(f);
                }
            }
        }
        out
    }

    // ---- together and repair ----

    fn appreciations(&mut self) {
        for d in 3..=self.last {
            let days = d as f64;
            let sam = 0.25 + 0.5 * (1.0 - (-days / 200.0).exp());
            for (who, p, pool) in [(Who::Broke, 0.72, FROM_ALEX), (Who::Hurt, sam, FROM_SAM)] {
                let count = if self.chance(p) {
                    1 + usize::from(self.chance(0.08))
                } else {
                    0
                };
                let mut minute = self.between(17 * 60 + 30, 21 * 60 + 30);
                for _ in 0..count {
                    let id = self.id();
                    let text = self.pick(pool);
                    let t = self.at(d, minute);
                    let cmd = AppreciationText::parse(text).ok().map(|text| {
                        Command::Together(together::Command::WriteAppreciation { id, text })
                    });
                    self.push(t, who, cmd);
                    minute += self.between(20, 80);
                }
            }
        }
    }

    /// Planned each Wednesday for the weekend, logged, and rated by both.
    fn time_together(&mut self) {
        let Some(day10) = self.day(10) else {
            return;
        };
        let mut d = 10 + i64::from(Weekday::Wednesday.since(day10.weekday()));
        for (day, who, idea) in [(40, Who::Hurt, IDEAS[0]), (120, Who::Broke, IDEAS[1])] {
            let id = self.id();
            let t = self.at(day, 21 * 60 + 35);
            let cmd = IdeaText::parse(idea)
                .ok()
                .map(|text| Command::Together(together::Command::AddIdea { id, text }));
            self.push(t, who, cmd);
        }
        let final_from = self.final_from();
        while d <= self.last {
            let planner = if self.chance(0.5) {
                Who::Hurt
            } else {
                Who::Broke
            };
            let plan = self.id();
            let minute = self.between(19 * 60 + 30, 21 * 60 + 30);
            let planned = self.at(d, minute);
            let saturday = self.chance(0.7);
            let (when_day, when_minute) = if saturday {
                (d + 3, 60 * self.between(13, 16))
            } else {
                (d + 4, 60 * self.between(10, 11))
            };
            let when = self.exact(when_day, when_minute);
            let pool = if d < 100 { AT_HOME } else { OUT_AND_ABOUT };
            let what = self.pick(pool);
            let phones_away = self.chance(0.85);
            let cmd = when.zip(Activity::parse(what).ok()).map(|(when_us, what)| {
                Command::Together(together::Command::PlanTime {
                    id: plan,
                    what,
                    when_us,
                    phones_away,
                })
            });
            self.push(planned, planner, cmd);
            if self.chance(0.92) {
                let after = self.between(150, 240);
                let logger = if self.chance(0.5) {
                    Who::Hurt
                } else {
                    Who::Broke
                };
                let logged = self.later(when, after);
                let logged = self.push(
                    logged,
                    logger,
                    Some(Command::Together(together::Command::LogTime { plan })),
                );
                let days = d as f64;
                for (who, wait) in [(logger, (5, 120)), (logger.other(), (60, 25 * 60))] {
                    let base = 2.6 + 1.9 * (1.0 - (-days / 300.0).exp());
                    let slip = if d >= final_from { 0.6 } else { 0.0 };
                    let rating = (base - slip + self.noise(1.0)).round().clamp(1.0, 5.0) as u8;
                    let note = self.chance(0.3).then(|| self.pick(FELT_NOTES));
                    let wait = self.between(wait.0, wait.1);
                    let t = self.later(logged, wait);
                    self.push(t, who, rated(plan, rating, note));
                }
            }
            d += 7;
        }
    }

    /// Sam's pace, moving over the first year, and the stages moving on.
    fn pace_and_stages(&mut self) {
        let breach = self.breach;
        let custom = self.id();
        let steps = [
            (1, Topic::PhysicalIntimacy, Readiness::NotYet),
            (1, Topic::Outings, Readiness::NotYet),
            (1, Topic::TellingOthers, Readiness::NotYet),
            (1, Topic::Future, Readiness::OpenToTalk),
            (20, Topic::Appreciation, Readiness::OpenToTalk),
            (46, Topic::Custom(custom), Readiness::NotYet),
            (60, Topic::Outings, Readiness::OpenToTalk),
            (100, Topic::Outings, Readiness::Ready),
            (100, Topic::TellingOthers, Readiness::OpenToTalk),
            (150, Topic::PhysicalIntimacy, Readiness::OpenToTalk),
            (210, Topic::Custom(custom), Readiness::OpenToTalk),
            (240, Topic::PhysicalIntimacy, Readiness::Ready),
            (240, Topic::Future, Readiness::Ready),
            (300, Topic::TellingOthers, Readiness::Ready),
            (400, Topic::Custom(custom), Readiness::Ready),
        ];
        let t = self.at(45, 21 * 60 + 10);
        let added = TopicText::parse(CUSTOM_TOPIC).ok().map(|text| {
            Command::Repair(repair::Command::AddPaceTopic {
                breach,
                id: custom,
                text,
            })
        });
        self.push(t, Who::Broke, added);
        let mut minute = 20 * 60 + 20;
        let mut previous = 0;
        for (day, topic, readiness) in steps {
            if day != previous {
                minute = 20 * 60 + 20;
                previous = day;
            }
            let t = self.at(day, minute);
            self.push(
                t,
                Who::Hurt,
                Some(Command::Repair(repair::Command::SetPace {
                    breach,
                    topic,
                    readiness,
                })),
            );
            minute += 4;
        }

        // Atone to attune: proposed by Alex, confirmed by Sam a few days later.
        let proposal = self.id();
        let t = self.at(150, 21 * 60);
        self.push(
            t,
            Who::Broke,
            Some(Command::Repair(repair::Command::ProposeStage {
                breach,
                id: proposal,
                direction: Direction::On,
            })),
        );
        let t = self.at(153, 19 * 60 + 45);
        self.push(
            t,
            Who::Hurt,
            Some(Command::Repair(repair::Command::ConfirmStage {
                breach,
                proposal,
            })),
        );
        // Attune to attach: Sam's own word, which takes effect at once.
        let proposal = self.id();
        let t = self.at(430, 20 * 60 + 30);
        self.push(
            t,
            Who::Hurt,
            Some(Command::Repair(repair::Command::ProposeStage {
                breach,
                id: proposal,
                direction: Direction::On,
            })),
        );
    }

    fn goals(&mut self) {
        let mut plan: Vec<(i64, Who, &'static str, Option<i64>, i64)> = vec![
            (30, Who::Hurt, GOALS[0], Some(270), 215),
            (120, Who::Broke, GOALS[1], None, 320),
        ];
        let mut year = 1;
        while year * 365 + 20 <= self.last {
            let text = GOALS[2 + (year as usize - 1) % (GOALS.len() - 2)];
            let start = year * 365 + 20;
            plan.push((start, Who::Hurt, text, Some(start + 300), start + 180));
            year += 1;
        }
        for (set, who, text, target, reached) in plan {
            let goal = self.id();
            let t = self.at(set, 21 * 60 + 10);
            let target = target
                .and_then(|d| self.day(d))
                .and_then(|d| TargetDate::parse(&d.to_string()).ok());
            let cmd = GoalText::parse(text).ok().map(|text| {
                Command::Together(together::Command::SetGoal {
                    id: goal,
                    text,
                    target,
                })
            });
            self.push(t, who, cmd);
            if reached < self.final_from() {
                let marker = who.other();
                let t = self.at(reached, 20 * 60 + 5);
                self.push(
                    t,
                    marker,
                    Some(Command::Together(together::Command::MarkGoalReached {
                        goal,
                    })),
                );
                let t = self.at(reached + 1, 8 * 60 + 40);
                self.push(
                    t,
                    who,
                    Some(Command::Together(together::Command::ConfirmGoal { goal })),
                );
            }
        }
    }

    // ---- the last six weeks ----

    /// Jordan gets in touch. Alex tells Sam the same morning; Sam's anxiety comes back (see
    /// [`Script::answer`]) and one question is asked again and again, the last time still
    /// waiting for its answer at the end.
    fn final_stretch(&mut self) {
        let f = self.final_from();
        let t = self.at(f, 8 * 60 + 30);
        self.report(t, FINAL_REPORT);
        self.letter(f + 5, 22 * 60, Who::Hurt, FINAL_LETTER);

        let q = self.id();
        let breach = Some(self.breach);
        let t = self.at(f + 1, 21 * 60 + 10);
        self.push(t, Who::Hurt, ask(q, breach, FINAL_QUESTION[0].0));
        let t = self.at(f + 2, 19 * 60 + 30);
        self.push(t, Who::Broke, answer(q, FINAL_QUESTION[0].1));
        for (round, (day, answered)) in [(f + 9, f + 10), (f + 20, f + 21), (self.last - 2, -1)]
            .into_iter()
            .enumerate()
        {
            let (again, reply) = FINAL_QUESTION[round + 1];
            let t = self.at(day, 21 * 60 + 15);
            self.push(t, Who::Hurt, ask_again(q, again));
            if answered >= 0 {
                let t = self.at(answered, 19 * 60 + 40);
                self.push(t, Who::Broke, answer(q, reply));
            }
        }
        // An open goal to end on.
        let goal = self.id();
        let t = self.at(self.last - 12, 21 * 60 + 20);
        let cmd = GoalText::parse(OPEN_GOAL).ok().map(|text| {
            Command::Together(together::Command::SetGoal {
                id: goal,
                text,
                target: None,
            })
        });
        self.push(t, Who::Broke, cmd);
    }
}

// ---- building commands -------------------------------------------------------------------

/// A UUID from the seeded stream, in the canonical text the id types parse.
fn id_from<T: std::str::FromStr>(rng: &mut StdRng) -> Option<T> {
    let mut bytes = [0u8; 16];
    rng.fill_bytes(&mut bytes);
    uuid::Builder::from_random_bytes(bytes)
        .into_uuid()
        .hyphenated()
        .to_string()
        .parse()
        .ok()
}

fn add_days(date: Date, n: i64) -> Option<Date> {
    date.checked_add(Span::new().try_days(n).ok()?).ok()
}

/// The instant of a local time (minutes after midnight) on a date. A time the clocks skip
/// resolves to the next valid instant, like everywhere in Goldseam.
fn local_us(tz: &TimeZone, date: Date, minute: i64) -> Option<i64> {
    let time = time_of(minute)?;
    let ts = tz
        .to_ambiguous_timestamp(date.to_datetime(time))
        .compatible()
        .ok()?;
    Some(ts.as_microsecond())
}

fn time_of(minute: i64) -> Option<Time> {
    let hour = i8::try_from(minute / 60).ok()?;
    let minute = i8::try_from(minute % 60).ok()?;
    Time::new(hour, minute, 0, 0).ok()
}

fn time_of_day(minute: i64) -> Option<TimeOfDay> {
    let t = time_of(minute)?;
    TimeOfDay::new(t.hour(), t.minute())
}

fn trust_of(predictability: f64, dependability: f64, faith: f64) -> Option<Trust> {
    let level = |x: f64| TrustLevel::try_from(x.round().clamp(0.0, 10.0) as u8).ok();
    Some(Trust {
        predictability: level(predictability)?,
        dependability: level(dependability)?,
        faith: level(faith)?,
    })
}

fn felt(feeling: Feeling, intensity: u8) -> Option<Felt> {
    Intensity::try_from(intensity)
        .ok()
        .map(|intensity| Felt { feeling, intensity })
}

fn own_text(s: &str, max: usize) -> Option<ownup::Text> {
    ownup::Text::parse(s, "Text", max).ok()
}

fn disclosure(
    breach: EntryId,
    id: EntryId,
    text: &str,
    corrects: Option<EntryId>,
) -> Option<Command> {
    let text = own_text(text, limits::DISCLOSURE)?;
    Some(Command::OwnUp(ownup::Command::AddDisclosure {
        breach,
        id,
        text,
        corrects,
    }))
}

fn apology(breach: EntryId, id: EntryId, sections: &[&str; 5]) -> Command {
    let [
        what_i_did,
        how_it_affected_you,
        responsibility,
        changing,
        asking,
    ] = sections.map(str::to_owned);
    Command::OwnUp(ownup::Command::SendApology {
        id,
        breach,
        sections: ApologySections {
            what_i_did,
            how_it_affected_you,
            responsibility,
            changing,
            asking,
        },
    })
}

fn respond(
    apology: EntryId,
    response: ApologyResponseKind,
    missing: Option<&str>,
) -> Option<Command> {
    let missing = match missing {
        Some(text) => Some(own_text(text, limits::MISSING)?),
        None => None,
    };
    Some(Command::OwnUp(ownup::Command::RespondToApology {
        apology,
        response,
        missing,
    }))
}

fn ask(id: EntryId, breach: Option<EntryId>, text: &str) -> Option<Command> {
    let text = own_text(text, limits::QUESTION)?;
    Some(Command::OwnUp(ownup::Command::AskQuestion {
        id,
        breach,
        text,
    }))
}

fn ask_again(question: EntryId, text: &str) -> Option<Command> {
    let text = own_text(text, limits::QUESTION)?;
    Some(Command::OwnUp(ownup::Command::AskAgain { question, text }))
}

fn answer(question: EntryId, text: &str) -> Option<Command> {
    let text = own_text(text, limits::ANSWER)?;
    Some(Command::OwnUp(ownup::Command::AnswerQuestion {
        question,
        text,
    }))
}

fn settle(question: EntryId) -> Option<Command> {
    Some(Command::OwnUp(ownup::Command::SettleQuestion { question }))
}

fn agreement_text(text: &str) -> Option<AgreementText> {
    AgreementText::parse(text).ok()
}

fn propose(
    id: EntryId,
    proposal: EntryId,
    text: &str,
    revisit: Option<RevisitDate>,
) -> Option<Command> {
    let text = agreement_text(text)?;
    Some(Command::Agreement(agreements::Command::Propose {
        id,
        proposal,
        text,
        revisit,
    }))
}

fn accept(agreement: EntryId, proposal: EntryId) -> Command {
    Command::Agreement(agreements::Command::Accept {
        agreement,
        proposal,
    })
}

fn keep(agreement: EntryId, next_revisit: Option<RevisitDate>) -> Command {
    Command::Agreement(agreements::Command::KeepAsIs {
        agreement,
        next_revisit,
    })
}

fn report_text(text: &str) -> Option<ReportText> {
    ReportText::parse(text).ok()
}

fn acknowledge(report: EntryId, response: Option<&str>) -> Option<Command> {
    let response = match response {
        Some(text) => Some(ResponseText::parse(text).ok()?),
        None => None,
    };
    Some(Command::Report(reports::Command::Acknowledge {
        report,
        response,
    }))
}

fn promise_text(text: &str) -> Option<PromiseText> {
    PromiseText::parse(text, "The promise").ok()
}

fn reason_text(text: &str) -> Option<Reason> {
    Reason::parse(text, "The reason").ok()
}

fn note_text(text: &str) -> Option<Note> {
    Note::parse(text, "The note").ok()
}

fn report_on(promise: EntryId, on: Date, outcome: Outcome, note: Option<&str>) -> Option<Command> {
    let note = match note {
        Some(text) => Some(note_text(text)?),
        None => None,
    };
    Some(Command::Promise(promises::Command::Report {
        promise,
        on,
        outcome,
        note,
    }))
}

fn confirm(promise: EntryId, on: Date) -> Command {
    Command::Promise(promises::Command::Confirm { promise, on })
}

fn dispute(promise: EntryId, on: Date, message: &str) -> Option<Command> {
    let message = Some(note_text(message)?);
    Some(Command::Promise(promises::Command::Dispute {
        promise,
        on,
        message,
    }))
}

fn dispute_message(promise: EntryId, on: Date, text: &str) -> Option<Command> {
    let text = note_text(text)?;
    Some(Command::Promise(promises::Command::AddDisputeMessage {
        promise,
        on,
        text,
    }))
}

fn settle_dispute(promise: EntryId, on: Date) -> Option<Command> {
    Some(Command::Promise(promises::Command::SettleDispute {
        promise,
        on,
    }))
}

fn skip(promise: EntryId, on: Date, reason: &str) -> Option<Command> {
    let reason = reason_text(reason)?;
    Some(Command::Promise(promises::Command::Skip {
        promise,
        on,
        reason,
    }))
}

fn rated(plan: EntryId, rating: u8, note: Option<&str>) -> Option<Command> {
    let felt = Rating::try_from(rating).ok()?;
    let note = match note {
        Some(text) => Some(FeltNote::parse(text).ok()?),
        None => None,
    };
    Some(Command::Together(together::Command::SayHowItFelt {
        plan,
        felt,
        note,
    }))
}

// ---- the words ---------------------------------------------------------------------------

const BREACH_TITLE: &str = "The affair with Jordan";

const DISCLOSURE: [&str; 4] = [
    "It began in February last year, with Jordan, a colleague from the Hamburg project. At first it was long messages late at night. I told myself it was only talking.",
    "From April we met in person, mostly at Jordan's flat on Tuesday and Thursday evenings, when I told you I was at the climbing gym.",
    "I used a second messaging app and deleted it after every conversation. Twice I told you a work trip ran a day longer than it did, and spent that day with Jordan.",
    "It ended in August. I told Jordan I wouldn't go on, and we haven't met since.",
];

const CORRECTION: &str = "I need to correct what I wrote about the ending. It didn't end in August: I saw Jordan twice more in September, the last time on the 24th. I was afraid that telling you would undo everything we've started. It's here now so that the account is true.";

const APOLOGIES: [[&str; 5]; 2] = [
    [
        "I had an affair with Jordan for seven months and lied to you about where I was, again and again.",
        "You stopped trusting your own sense of what was real. You've lost sleep, and you've said you feel foolish for believing me, which you never were.",
        "All of it: the choice to start, the choice to keep going, and every lie I told to cover it.",
        "I have ended all contact, I tell you where I am without being asked, and I've started seeing a therapist on my own.",
        "I'm not asking you to forgive me. I'm asking for the chance to show you, over time, that I can be trusted.",
    ],
    [
        "I lied to your face, many times, and kept going even when I could see you were worried.",
        "Every time you asked if something was wrong and I said no, I taught you to doubt yourself. That is a harm of its own, beyond the affair.",
        "I chose my own comfort over honesty with you. Each lie came with a flicker of shame that I pushed away, and pushing it away was a choice too.",
        "When I feel that flicker now, I say it out loud, even when it's uncomfortable for both of us.",
        "Only that you keep telling me what you need, and what is still missing.",
    ],
];

const MISSING: &str = "What you felt each time you came home and lied to my face. You've said what you did; I need to know you understand what it was like to be lied to.";

const LETTERS: [&str; 3] = [
    "I feel scared when your phone lights up late in the evening, and I need you to tell me who it is without me having to ask. I'm not trying to catch you out. I'm trying to breathe.",
    "Thank you for writing to me instead of holding it in. From tonight I'll tell you who is messaging me, every time, before you need to ask. I want you to be able to breathe in our home.",
    "I've been thinking about the evenings I spent pretending. I don't want to be that person again, and writing this down helps me remember why.",
];

const ANNIVERSARY_LETTERS: [&str; 4] = [
    "A year ago today you opened this space. I know how much it cost you. Thank you for every question, every check-in and every hard Sunday. I'm still here and I'm not going anywhere.",
    "Another year. I read back through our record tonight, from the first account to last week's walk. We are not who we were, and I think I like who we are becoming.",
    "Three years of this. Some weeks it feels like a long time, some weeks like no time at all. Thank you for staying curious about us.",
    "I was looking at the early check-ins today. Your trust was at two. I don't take a single point of what it is now for granted.",
];

const FIRST_QUESTION: (&str, &str) = (
    "Did you ever bring Jordan to our home?",
    "No. Never. Not once, and not to anywhere else that is ours.",
);

const EARLY_QUESTIONS: [(&str, &str); 14] = [
    (
        "When did it start, really? Not when it became serious: when it started.",
        "The first time I noticed I was looking forward to Jordan's messages more than I should was in January, after the Christmas party. Nothing happened then, but that's when it started for me.",
    ),
    (
        "Who else knew while it was going on?",
        "Nobody knew for certain. I think Chris suspected, because he saw us leave together once. He asked me about it and I lied to him as well.",
    ),
    (
        "Were you with Jordan on the weekend you said you were at the conference in Leipzig?",
        "Yes, for the Saturday. The conference was real, but I left after the first day.",
    ),
    (
        "Did you love Jordan?",
        "I told myself I did at the time. Looking back, I loved how I felt about myself when I was with someone who didn't know my faults. That isn't the same thing.",
    ),
    (
        "What did you tell yourself each time you came home?",
        "That I'd stop soon, and that what you didn't know couldn't hurt you. Both were lies I told myself so I didn't have to look at what I was doing.",
    ),
    (
        "Why did you stop when you did?",
        "Jordan wanted more than I was willing to give, and I was scared of being found out. I'm ashamed that it wasn't because of you.",
    ),
    (
        "Have you deleted anything since I found out?",
        "No. The second messaging app was already gone. Since you found out I haven't deleted anything, and I won't.",
    ),
    (
        "Did you ever think about leaving?",
        "Once, for an evening, in May. I knew by the next morning that I didn't want that, and I'm sorry it ever crossed my mind.",
    ),
    (
        "What did you and Jordan say about me?",
        "Very little. When your name came up I changed the subject. I didn't want you in that part of my life, which says a lot about what I knew it was.",
    ),
    (
        "Where did you go when you said you were working late?",
        "Mostly to Jordan's flat. Twice to a hotel near the office. A few times I really was working late, which made the other times easier to hide.",
    ),
    (
        "Is there anything you still haven't told me?",
        "Not that I know of. If something comes back to me, I'll tell you the same day, even if it's small.",
    ),
    (
        "What was missing for you, that you went looking for it there?",
        "I felt invisible at home that year, and I never said so. Instead of telling you, I let someone else see me. That was my failure, not yours.",
    ),
    (
        "Did you spend money on Jordan that I don't know about?",
        "Dinners, the hotel twice, and a book for Jordan's birthday. About four hundred euros altogether, from my own account. I should have told you that too.",
    ),
    (
        "Why didn't you tell me yourself, before I found the messages?",
        "Because I was a coward. I kept waiting for a moment when it wouldn't hurt you, and there was never going to be one.",
    ),
];

const LATER_QUESTIONS: [(&str, &str); 8] = [
    (
        "What do you do now when you feel the pull to keep something to yourself?",
        "I notice it, and I tell you that evening, even if it's only that I felt it. Saying it out loud takes away most of its pull.",
    ),
    (
        "Do you still think about Jordan?",
        "Sometimes, when something reminds me. Not with longing. Mostly with regret about what it did to us.",
    ),
    (
        "What would you do if Jordan turned up at your work?",
        "Say that I have nothing to talk about, walk away, and call you straight after.",
    ),
    (
        "What have you learned about yourself this year?",
        "That I go quiet when I feel ashamed, and that going quiet is where the lying starts. I'm learning to speak up before that.",
    ),
    (
        "When you're quiet in the evenings, what is going on for you?",
        "Usually I'm tired, and sometimes I'm thinking about what I put you through. I'll tell you which it is when you ask, and I'll try to say it before you need to.",
    ),
    (
        "What do you need from me when I bring it up again?",
        "Just to know that you're bringing it up because you need to, not to punish me. I can hold it either way, but knowing helps.",
    ),
    (
        "Is there a place that still reminds you of it?",
        "The station at Hauptbahnhof, where I used to meet Jordan. I take the other entrance now.",
    ),
    (
        "Why do you think you couldn't talk to me back then?",
        "I was afraid that if I told you I was unhappy, you'd be disappointed in me. So I chose something far worse than disappointment.",
    ),
];

const PARTNER_QUESTIONS: [(&str, &str); 3] = [
    (
        "What helps most on the days when it all comes back?",
        "When you stay in the room with me, even when I'm angry. Leaving makes it worse.",
    ),
    (
        "Is there something I do without noticing that makes it harder?",
        "When your phone buzzes and you turn it face down. I know it's a habit, but it stops my breath every time.",
    ),
    (
        "What would you like our Sundays to look like?",
        "Slow. Breakfast together, a walk, and no plans after four.",
    ),
];

const ASK_AGAIN: &[&str] = &[
    "I know you answered this already. I need to hear it again.",
    "Can you say more about that part?",
    "I keep coming back to this. Can you tell me once more?",
    "I read your answer again last night. Can we go over it one more time?",
];

const ANSWER_AGAIN: &[&str] = &[
    "Of course.",
    "I'll say it again, as often as you need:",
    "Yes. Thank you for asking rather than carrying it alone.",
];

const FINAL_QUESTION: [(&str, &str); 4] = [
    (
        "If Jordan writes again, how do I know you'll tell me?",
        "Because I told you this time, the same morning, before you could hear it any other way. I'll do that every time.",
    ),
    (
        "I know I asked before. I still wake up thinking about that message.",
        "I understand. I blocked the number and told you within the hour. If anything else comes, you'll hear it from me first, the same day.",
    ),
    (
        "Can you tell me again? I need to hear it once more.",
        "Yes. Anything from Jordan, in any form, you hear about from me the same day. That's our agreement and I'm keeping it.",
    ),
    ("I'm sorry to ask again. It's still on my mind tonight.", ""),
];

const AGREEMENTS: [&str; 6] = [
    "No contact with Jordan, in any form. If Jordan gets in touch, you tell me the same day.",
    "Sunday evenings are ours: phones in the drawer from seven.",
    "Sunday evenings are ours: phones in the drawer from seven, and no talk about work.",
    "Sunday evenings and one weekday evening are ours: phones in the drawer from seven, and no talk about work.",
    "When one of us needs a pause in a hard conversation, we say so, and we come back to it within a day.",
    "We see a couples counsellor together once a month for as long as it helps.",
];

const REPORTS: &[&str] = &[
    "Jordan's name came up in a team meeting today. I kept it to the agenda and didn't join the conversation afterwards.",
    "I was asked to join a project that Jordan's team is also on. I said no and told my manager I'd rather work on something else.",
    "I went for a drink after work with Chris and Maya. I was home by nine, as I said.",
    "I found an old photo from the Hamburg trip in a cloud folder and deleted it. I wanted you to know rather than find it.",
    "A colleague asked how things are at home. I said we're working on things together, and left it there.",
    "I ran into someone from Jordan's office at the station. We said hello and nothing more.",
    "I had lunch on my own in the park today, because Jordan was visiting our floor.",
    "My old phone turned up in a drawer. I've wiped it and put it in the recycling box.",
    "I spent sixty euros on a birthday present for my brother today. I'm mentioning it because I used to hide what I spent.",
    "A friend from the climbing gym invited me back. I said I'd only go if you'd like to come too.",
    "I had a hard moment today and wanted to go quiet. I'm telling you instead: I felt ashamed, and it passed.",
    "The quarterly review on Thursday runs until eight. I'll message you when I leave the office.",
];

const ACKNOWLEDGEMENTS: &[&str] = &[
    "Thank you for telling me.",
    "Thanks. That helps.",
    "I appreciate you saying so before I asked.",
    "Thank you. That one was hard to read, and I'm glad you told me.",
    "Noted, and thank you.",
];

const FINAL_REPORT: &str = "Jordan sent me a message this morning asking to meet for coffee. I haven't replied, and I've blocked the number. I wanted you to hear it from me first.";

const FINAL_LETTER: &str = "I feel shaken since Jordan's message, more than I expected, and I need you to be patient with me while I ask the same things again. It isn't that I don't believe you. It's that my body hasn't caught up yet.";

const DAILY_PROMISE: [&str; 2] = [
    "I'm home by seven, or I call you before then to say where I am.",
    "I'm home by half past seven, or I call you before then to say where I am.",
];

const DAILY_REASONS: [&str; 2] = [
    "My team moves to the later shift for the next few months, so seven isn't realistic any more.",
    "The later shift has ended, so I can be home by seven again.",
];

const SKIP_REASONS: &[&str] = &[
    "I'm staying at my sister's overnight for her birthday. I'll call you at seven instead.",
    "The team dinner is tonight. I'll be home by ten and message when I leave.",
    "I'm at the training in Munich until tomorrow. I'll call you from the hotel.",
    "I'm driving my dad to the hospital in Dresden and staying the night. I'll call you when we're settled.",
];

const MISSED_NOTES: &[&str] = &[
    "The train was cancelled and my phone had died. I called from the station at half past. I'm sorry.",
    "A meeting ran over and I didn't call in time. No excuse: I should have stepped out.",
    "I was home at twenty past and forgot to call first. I know the call is the point.",
    "I got caught up helping a colleague and lost track of time. I messaged at ten past, not before.",
    "Traffic on the ring road. I should have left earlier, knowing it was Friday.",
];

const KEPT_NOTES: &[&str] = &[
    "Home at twenty to seven.",
    "Called at half six from the office; home by seven.",
    "Home early today, in time to cook.",
    "Home by seven, with the shopping.",
];

const DISPUTES: &[&str] = &[
    "You messaged at ten past seven, not before. I'd like us to talk about what 'before' means.",
    "You said you were home by seven, but you came in at quarter past. It's small, and that's why it matters to me.",
    "I don't think this one was kept: you called at seven, not before. Can we talk about it?",
];

const DISPUTE_REPLIES: &[&str] = &[
    "You're right, I cut it too close. I'll call earlier when a meeting runs late.",
    "I thought I was on time, but I see why it didn't feel that way. Let's agree that 'before' means before, not at.",
    "I hear you. I'll leave ten minutes earlier on days like that.",
];

const WEEKLY_PROMISE: &str =
    "On Wednesday evenings I tell you how the week is going for me, even when it's hard to say.";

const WEEKLY_SKIP_REASONS: &[&str] = &[
    "I'm at my parents' tonight. Can we do it on Thursday instead?",
    "I'm on the late shift this Wednesday. I'll tell you over breakfast tomorrow.",
];

const WEEKLY_MISSED_NOTES: &[&str] = &[
    "I went quiet this week. I'm sorry; I'll try again on Sunday.",
    "I didn't manage it tonight. I was too tired to find the words.",
];

const HURT_HEAVY: &[Feeling] = &[
    Feeling::Anger,
    Feeling::Sadness,
    Feeling::Anxiety,
    Feeling::Doubt,
    Feeling::Jealousy,
    Feeling::Loneliness,
];
const HURT_LIGHT: &[Feeling] = &[
    Feeling::Hope,
    Feeling::Relief,
    Feeling::Closeness,
    Feeling::Calm,
    Feeling::Gratitude,
];
const BROKE_HEAVY: &[Feeling] = &[Feeling::Guilt, Feeling::Shame, Feeling::Doubt];
const BROKE_LIGHT: &[Feeling] = &[
    Feeling::Hope,
    Feeling::Closeness,
    Feeling::Gratitude,
    Feeling::Calm,
];

const HURT_HELPED_EARLY: &[&str] = &[
    "You answered my questions without getting defensive.",
    "You told me about the lunch meeting before I asked.",
    "The walk on Saturday, even though we hardly talked.",
    "You let me be angry without leaving the room.",
];
const HURT_HURT_EARLY: &[&str] = &[
    "Driving past the café where you used to meet.",
    "Finding out about September.",
    "Lying awake on Tuesday and Thursday nights, the old evenings.",
    "Your phone buzzing at dinner.",
];
const HURT_NEED_EARLY: &[&str] = &[
    "Patience when I ask the same thing twice.",
    "Time, and for you not to hurry me.",
    "A hug before we talk about the hard things.",
];
const HURT_HELPED_LATE: &[&str] = &[
    "Our Sunday evening.",
    "You came home when you said you would, every day.",
    "Laughing at dinner on Friday.",
    "Feeling like a team when your mum visited.",
    "The counselling session on Tuesday.",
];
const HURT_HURT_LATE: &[&str] = &[
    "A song on the radio in the car.",
    "When you were quiet on Thursday, my mind went straight back there.",
    "Seeing a couple from your office at the market.",
];
const HURT_NEED_LATE: &[&str] = &[
    "More evenings like Sunday.",
    "To plan something for the summer together.",
    "To keep talking, even when things are good.",
];
const HURT_HURT_FINAL: &[&str] = &[
    "Jordan's message. I thought we were past the worst of it.",
    "Checking your phone in my head, even though I don't want to.",
];
const HURT_NEED_FINAL: &[&str] = &[
    "To hear that you'll tell me, again, even if I've heard it before.",
    "Some quiet evenings at home, just us.",
];
const BROKE_HELPED: &[&str] = &[
    "You told me when it got hard instead of going quiet.",
    "Our walk on Saturday.",
    "Hearing you laugh again.",
    "Talking it through on Tuesday without it turning into a fight.",
];
const BROKE_HURT: &[&str] = &[
    "Seeing how tired you looked on Tuesday, and knowing why.",
    "Remembering how easily I lied back then.",
    "Feeling that one mistake this week undid a month.",
];
const BROKE_NEED: &[&str] = &[
    "To know it's all right to say when I'm struggling too.",
    "An evening out together, just us.",
    "To hear what is going well, now and then.",
];

const FROM_ALEX: &[&str] = &[
    "Thank you for making coffee this morning, even though it was my turn.",
    "I loved hearing you sing in the kitchen tonight.",
    "You were so patient with my mum on the phone. Thank you.",
    "Thank you for telling me how you really felt today. I know it wasn't easy.",
    "The way you laughed at dinner made my whole week.",
    "Thank you for giving me another chance to listen properly.",
    "I noticed you fixed the bike light. Thank you.",
    "You looked happy in the garden this afternoon. It made me happy too.",
    "Thank you for staying with the hard conversation last night.",
    "I'm grateful for our Sunday evenings.",
    "Thank you for reminding me to call my brother.",
    "Your soup tonight was the best thing I've eaten all week.",
    "I admire how you handled that meeting today.",
    "Thank you for holding my hand on the walk.",
    "You always know when I need a cup of tea.",
    "Thank you for asking me about my day and really listening to the answer.",
    "I saw how hard you worked this week. I'm proud of you.",
    "Thank you for planning the weekend.",
    "I love the way you read the news out loud to me at breakfast.",
    "Thank you for being honest with me today, even when it hurt.",
];

const FROM_SAM: &[&str] = &[
    "Thank you for calling before seven today.",
    "You made dinner without being asked. Thank you.",
    "Thank you for answering my question again without sighing.",
    "I liked our walk this morning.",
    "Thank you for putting your phone away at dinner.",
    "You were kind to me when I was short with you. Thank you.",
    "Thank you for telling me about the meeting before I asked.",
    "I noticed you took the bins out. Thank you.",
    "It felt good to laugh with you tonight.",
    "Thank you for sitting with me when I couldn't sleep.",
    "Thank you for the flowers. They made the kitchen brighter.",
    "I appreciated how you spoke to my sister today.",
    "Thank you for being on time, every day this week.",
    "Your hug this morning helped.",
    "Thank you for planning Saturday.",
    "I'm glad we went to the market together.",
];

const IDEAS: [&str; 2] = [
    "Dinner at the Greek place where we had our first date",
    "A swim in the lake at sunrise",
];

const AT_HOME: &[&str] = &[
    "Cooking dinner together, something neither of us has made before",
    "A board game evening at home",
    "A walk around the park after lunch",
    "Reading together on the balcony",
    "Baking bread together",
    "Sorting through old photos",
];

const OUT_AND_ABOUT: &[&str] = &[
    "A walk along the river, phones left at home",
    "A bike ride out to the lake",
    "The Sunday market, then coffee",
    "A film at the little cinema on the corner",
    "The botanical garden",
    "A day trip to Potsdam",
    "Breakfast at the bakery by the canal",
    "A concert in the park",
    "Cooking dinner together, something neither of us has made before",
    "A long walk in the Grunewald",
];

const FELT_NOTES: &[&str] = &[
    "It felt like us again, for a few hours.",
    "Hard to relax at first, easier after the first hour.",
    "I liked that you put your phone away without me asking.",
    "A quiet afternoon. Quiet was good.",
    "We laughed more than we have in a long time.",
    "I was distracted, and I'm sorry. I'd like to do it again.",
];

const CUSTOM_TOPIC: &str = "Seeing the friends who knew";

const GOALS: [&str; 6] = [
    "A weekend away together, just the two of us",
    "Tell our closest friends together what we have been working on",
    "Learn to dance together, properly",
    "Plan and take a summer holiday without our phones",
    "Finish the garden we always talked about",
    "Cook our way through the Greek cookbook",
];

const OPEN_GOAL: &str = "Plan something for our next anniversary, just the two of us";

#[cfg(test)]
mod tests {
    use std::sync::OnceLock;

    use super::*;
    use crate::domain::milestones::MilestoneKind;
    use crate::domain::ownup::QuestionStatus;
    use crate::domain::progress;

    /// 1 June 2026, 20:30 in Berlin.
    fn end() -> i64 {
        "2026-06-01T18:30:00Z"
            .parse::<Timestamp>()
            .expect("valid timestamp")
            .as_microsecond()
    }

    fn two_years() -> &'static Demo {
        static DEMO: OnceLock<Demo> = OnceLock::new();
        DEMO.get_or_init(|| generate(2, 7, end()).expect("generates"))
    }

    #[test]
    fn two_years_end_with_a_signal_and_its_evidence() {
        let demo = two_years();
        let signals = progress::signals(&demo.state, end());
        assert!(!signals.is_empty(), "no signal at the end");
        assert!(
            signals
                .iter()
                .all(|s| s.findings.iter().all(|f| !f.evidence.is_empty()))
        );
    }

    #[test]
    fn two_years_reach_the_milestones() {
        let demo = two_years();
        let reached: Vec<MilestoneKind> = progress::reached(&demo.state, end())
            .into_iter()
            .map(|m| m.kind)
            .collect();
        assert!(reached.len() >= 3, "{reached:?}");
        for kind in MilestoneKind::ALL {
            assert!(reached.contains(&kind), "{kind:?} not reached: {reached:?}");
        }
    }

    #[test]
    fn every_step_of_the_story_fits_the_rules() {
        assert_eq!(two_years().refused, 0);
    }

    #[test]
    fn the_record_verifies_and_lies_within_the_years() {
        let demo = two_years();
        assert_eq!(record::verify(&demo.events), Ok(demo.state.head_hash));
        assert_eq!(demo.state.head_seq, demo.events.len() as u64);
        let first = demo.events.first().expect("events");
        let last = demo.events.last().expect("events");
        assert!(first.at_us > end() - 2 * 365 * DAY_US);
        assert!(last.at_us <= end());
        assert!(
            demo.events.windows(2).all(|w| w[0].at_us <= w[1].at_us),
            "events out of time order"
        );
    }

    #[test]
    fn daily_use_is_a_few_events_a_day() {
        let per_day = two_years().events.len() as f64 / (2.0 * 365.0);
        assert!((3.0..=6.0).contains(&per_day), "{per_day} events a day");
    }

    #[test]
    fn something_is_waiting_at_the_end() {
        let demo = two_years();
        assert!(
            demo.state
                .own_up
                .questions
                .iter()
                .any(|q| q.status() == QuestionStatus::WaitingForAnswer)
        );
        assert_eq!(demo.state.partners.len(), 2);
        assert_eq!(demo.state.name, SPACE_NAME);
    }

    #[test]
    fn the_same_seed_tells_the_same_story() {
        let a = generate(1, 42, end()).expect("generates");
        let b = generate(1, 42, end()).expect("generates");
        let c = generate(1, 43, end()).expect("generates");
        let content = |d: &Demo| -> Vec<(String, Option<String>)> {
            d.events
                .iter()
                .map(|e| (e.kind.clone(), e.body.clone()))
                .collect()
        };
        assert_eq!(content(&a), content(&b));
        assert_eq!(a.state.head_hash, b.state.head_hash);
        assert_ne!(content(&a), content(&c));
    }

    #[test]
    fn the_given_people_are_the_ones_in_the_record() {
        let cast = Cast {
            space: SpaceId::random(),
            hurt: PersonId::random(),
            broke: PersonId::random(),
        };
        let demo = generate_for(cast, 1, 3, end()).expect("generates");
        assert_eq!(demo.state.id, cast.space);
        assert!(demo.state.is_partner(cast.hurt) && demo.state.is_partner(cast.broke));
        assert_eq!(demo.events[0].author, cast.hurt.to_string());
        assert_eq!(demo.refused, 0);
    }

    #[test]
    fn years_out_of_range_are_refused() {
        assert_eq!(generate(0, 1, end()).err(), Some(DemoError::Years));
        assert_eq!(
            generate(MAX_YEARS + 1, 1, end()).err(),
            Some(DemoError::Years)
        );
        assert_eq!(generate(1, 1, 0).err(), Some(DemoError::OutOfRange));
    }

    /// Ten years hold together as well as two: every step fits the rules, and the end still
    /// shows signals and every milestone. (How long it takes: `time goldseam demo --years 10`.)
    #[test]
    fn ten_years_fit_the_rules_and_end_with_signals_and_milestones() {
        let demo = generate(10, 7, end()).expect("generates");
        assert_eq!(demo.refused, 0);
        assert!(
            (10 * 365 * 3..10 * 365 * 7).contains(&demo.events.len()),
            "{} events",
            demo.events.len()
        );
        assert!(!progress::signals(&demo.state, end()).is_empty());
        assert_eq!(progress::reached(&demo.state, end()).len(), 8);
    }
}
