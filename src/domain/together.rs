//! Together: appreciations, time together (planned, logged, and how it felt), ideas for it,
//! and shared goals.
//!
//! This module owns those practices and their rules; pace and stages of repair live in
//! `repair`, check-ins in `checkins`. Nothing here reads the clock or does I/O: the present
//! arrives as `now_us` in [`Ctx`].
//!
//! Why the rules are what they are:
//! - Appreciations are capped at a few a day so they stay a daily habit of noticing, not a
//!   flood meant to make up for something. Days are UTC calendar days for now; a later change
//!   will count them in the author's own time zone, so that "today" ends at the person's
//!   midnight rather than Greenwich's.
//! - How a moment together felt is said once by each partner and then stands, like everything
//!   else in the record; each partner's rating is their own and neither can speak for both.
//! - A goal is reached only when both say so: one marks it, the other confirms.

use jiff::civil::Date;
use serde::{Deserialize, Serialize};

use super::calendar::{DAY_US, date_of_day, day_of, parse_date};
use super::input::{InputError, Lines, same_words};
use super::{Ctx, EntryId, PersonId, Refusal};

/// Limits for each kind of input. Shown on the pages beside each field.
pub mod limits {
    /// An appreciation, in characters.
    pub const APPRECIATION: usize = 500;
    /// Appreciations one partner may write in one (UTC) day.
    pub const APPRECIATIONS_PER_DAY: usize = 3;
    /// What a couple plans to do together, in characters.
    pub const ACTIVITY: usize = 200;
    /// The note beside how a moment together felt, in characters.
    pub const FELT_NOTE: usize = 1_000;
    /// An idea for time together, in characters.
    pub const IDEA: usize = 200;
    /// A shared goal, in characters.
    pub const GOAL: usize = 300;
    /// How it felt: 1 (hard) to 5 (really good).
    pub const RATING_MIN: u8 = 1;
    pub const RATING_MAX: u8 = 5;
    /// How far back a plan may be made: a walk that happened before anyone thought to plan
    /// it can still be recorded, but the record is not for rewriting last month.
    pub const PLAN_PAST_DAYS: i64 = 7;
    /// How far ahead a plan may be made; anything further is a goal rather than a plan.
    pub const PLAN_AHEAD_DAYS: i64 = 366;
    /// How far ahead a goal's target date may be.
    pub const TARGET_AHEAD_YEARS: i32 = 50;
    /// The most weeks a weekly count covers (ten years), so a query cannot ask for millions.
    pub const WEEKS_MAX: usize = 520;
}

// ---- validated input ---------------------------------------------------------------------

text_type!(
    /// A short note of appreciation for the other partner.
    AppreciationText,
    "Your appreciation",
    limits::APPRECIATION,
    Lines::Many
);
text_type!(
    /// What the couple plans to do together.
    Activity,
    "What you plan to do",
    limits::ACTIVITY,
    Lines::One
);
text_type!(
    /// A partner's note about how a moment together felt.
    FeltNote,
    "Your note",
    limits::FELT_NOTE,
    Lines::Many
);
text_type!(
    /// An idea for time together, in the couple's own words.
    IdeaText,
    "The idea",
    limits::IDEA,
    Lines::One
);
text_type!(
    /// A shared goal for the relationship.
    GoalText,
    "The goal",
    limits::GOAL,
    Lines::One
);

impl FeltNote {
    /// The note is optional: an empty field means no note.
    pub fn parse_optional(raw: &str) -> Result<Option<Self>, InputError> {
        if raw.trim().is_empty() {
            Ok(None)
        } else {
            Self::parse(raw).map(Some)
        }
    }
}

/// How a moment together felt for one partner, 1 to 5.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "u8", into = "u8")]
pub struct Rating(u8);

impl Rating {
    pub fn parse(raw: &str) -> Result<Self, InputError> {
        let refused = || {
            InputError(format!(
                "Please choose how it felt, from {} to {}.",
                limits::RATING_MIN,
                limits::RATING_MAX
            ))
        };
        raw.trim()
            .parse::<u8>()
            .ok()
            .and_then(|n| Self::try_from(n).ok())
            .ok_or_else(refused)
    }

    pub fn get(self) -> u8 {
        self.0
    }

    pub fn label(self) -> &'static str {
        match self.0 {
            1 => "It was hard",
            2 => "Not easy",
            3 => "Okay",
            4 => "Good",
            _ => "Really good",
        }
    }
}

impl TryFrom<u8> for Rating {
    type Error = &'static str;

    fn try_from(n: u8) -> Result<Self, Self::Error> {
        if (limits::RATING_MIN..=limits::RATING_MAX).contains(&n) {
            Ok(Self(n))
        } else {
            Err("a rating is from 1 to 5")
        }
    }
}

impl From<Rating> for u8 {
    fn from(rating: Rating) -> Self {
        rating.0
    }
}

/// A goal's target date, as `YYYY-MM-DD` (what a date field sends, and how it is recorded).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct TargetDate(Date);

impl TargetDate {
    pub fn parse(raw: &str) -> Result<Self, InputError> {
        let raw = raw.trim();
        parse_date(raw).map(Self).ok_or_else(|| {
            InputError(
                "Please give the target date as year, month and day, e.g. 2027-05-01.".into(),
            )
        })
    }

    /// The target date is optional: an empty field means none.
    pub fn parse_optional(raw: &str) -> Result<Option<Self>, InputError> {
        if raw.trim().is_empty() {
            Ok(None)
        } else {
            Self::parse(raw).map(Some)
        }
    }

    pub fn date(self) -> Date {
        self.0
    }
}

impl std::fmt::Display for TargetDate {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}", self.0)
    }
}

impl Serialize for TargetDate {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(&self.0)
    }
}

impl<'de> Deserialize<'de> for TargetDate {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let text = String::deserialize(d)?;
        parse_date(&text)
            .map(Self)
            .ok_or_else(|| serde::de::Error::custom("not a date"))
    }
}

// ---- time together -----------------------------------------------------------------------

/// Ideas for time together, to pick from or to spark the couple's own.
pub const IDEAS: &[&str] = &[
    "A walk together, with nowhere in particular to be",
    "Cook a meal together, from choosing the recipe to the washing-up",
    "A tech-free evening: phones in a drawer, just the two of you",
    "Go back to a place that matters to you both",
    "An early breakfast somewhere new, before the day gets busy",
    "Look through old photos and tell each other what you remember",
    "Learn something side by side: a class, a dance, a craft",
    "Read to each other, a chapter or a poem at a time",
    "Plant something together and look after it",
    "Watch the sunset or the stars, and let the quiet be enough",
    "A picnic, even if it is on the living-room floor",
    "Play a game you both enjoy, just for the fun of it",
    "Make each other a playlist and listen to it together",
    "A small day trip, taking turns to choose what comes next",
];

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Appreciation {
    pub id: EntryId,
    pub author: PersonId,
    pub recipient: PersonId,
    pub text: String,
    pub at_us: i64,
}

/// How many appreciations were written in one ISO week (Monday to Sunday, UTC).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct WeekCount {
    pub iso_year: i32,
    pub iso_week: u8,
    pub monday: Date,
    pub count: usize,
}

/// Something the couple plans to do together, and what came of it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TimeTogether {
    pub id: EntryId,
    pub what: String,
    /// When it is planned for, microseconds since the Unix epoch, UTC.
    pub when_us: i64,
    pub phones_away: bool,
    pub planned_by: PersonId,
    pub planned_at_us: i64,
    pub logged: Option<Logged>,
    /// How it felt, at most one per partner, in the order they were given.
    pub felt: Vec<Felt>,
}

impl TimeTogether {
    pub fn felt_by(&self, person: PersonId) -> Option<&Felt> {
        self.felt.iter().find(|f| f.by == person)
    }
}

/// That a planned moment together happened, and who said so.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Logged {
    pub by: PersonId,
    pub at_us: i64,
}

/// How a moment together felt for one partner.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Felt {
    pub by: PersonId,
    pub rating: Rating,
    pub note: Option<String>,
    pub at_us: i64,
}

/// An idea for time together that the couple added themselves.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OwnIdea {
    pub id: EntryId,
    pub text: String,
    pub added_by: PersonId,
    pub at_us: i64,
}

// ---- goals -------------------------------------------------------------------------------

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum GoalStatus {
    Open,
    /// One partner marked it reached; waiting for the other to confirm.
    Marked,
    Reached,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Mark {
    pub by: PersonId,
    pub at_us: i64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Goal {
    pub id: EntryId,
    pub text: String,
    pub target: Option<TargetDate>,
    pub set_by: PersonId,
    pub set_at_us: i64,
    pub marked: Option<Mark>,
    pub reached_at_us: Option<i64>,
}

impl Goal {
    pub fn status(&self) -> GoalStatus {
        match (self.reached_at_us, self.marked) {
            (Some(_), _) => GoalStatus::Reached,
            (None, Some(_)) => GoalStatus::Marked,
            (None, None) => GoalStatus::Open,
        }
    }
}

// ---- the state ---------------------------------------------------------------------------

/// Appreciations, time together, ideas and goals in one space, folded from its events.
/// Lists are in record order (oldest first); the queries give the orders pages want.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Together {
    pub appreciations: Vec<Appreciation>,
    pub time_together: Vec<TimeTogether>,
    pub own_ideas: Vec<OwnIdea>,
    pub goals: Vec<Goal>,
}

/// Something a partner is asked to act on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Waiting {
    /// A goal the other partner marked reached.
    ConfirmGoal(EntryId),
    /// Time together that happened and that this partner hasn't said how it felt yet.
    SayHowItFelt(EntryId),
}

impl Together {
    /// Appreciations, newest first.
    pub fn appreciations_newest_first(&self) -> impl Iterator<Item = &Appreciation> {
        self.appreciations.iter().rev()
    }

    /// How many appreciations `person` wrote on the UTC day of `now_us`.
    pub fn appreciations_today(&self, person: PersonId, now_us: i64) -> usize {
        let today = day_of(now_us);
        // The record appends in time order, so today's are at the end: the count costs the
        // same after ten years as on the first day.
        self.appreciations
            .iter()
            .rev()
            .take_while(|a| day_of(a.at_us) >= today)
            .filter(|a| a.author == person && day_of(a.at_us) == today)
            .count()
    }

    /// Whether `person` has written an appreciation today, for the gentle daily prompt.
    pub fn wrote_appreciation_today(&self, person: PersonId, now_us: i64) -> bool {
        self.appreciations_today(person, now_us) > 0
    }

    /// Appreciations per ISO week for the last `weeks` weeks (the current one included),
    /// oldest first, by both partners or only by `by`. Weeks run Monday to Sunday in UTC.
    pub fn weekly_appreciations(
        &self,
        now_us: i64,
        weeks: usize,
        by: Option<PersonId>,
    ) -> Vec<WeekCount> {
        let weeks = weeks.min(limits::WEEKS_MAX);
        let Ok(span) = i64::try_from(weeks) else {
            return Vec::new();
        };
        let this_week = week_of(day_of(now_us));
        let first = this_week - span + 1;
        let mut counts = vec![0usize; weeks];
        for a in self
            .appreciations
            .iter()
            .rev()
            .take_while(|a| week_of(day_of(a.at_us)) >= first)
        {
            let slot = usize::try_from(week_of(day_of(a.at_us)) - first).ok();
            if by.is_none_or(|p| p == a.author)
                && let Some(count) = slot.and_then(|i| counts.get_mut(i))
            {
                *count += 1;
            }
        }
        (first..=this_week)
            .zip(counts)
            .filter_map(|(week, count)| {
                let monday = date_of_day(week * 7 - 3)?;
                let iso = monday.iso_week_date();
                Some(WeekCount {
                    iso_year: i32::from(iso.year()),
                    iso_week: u8::try_from(iso.week()).ok()?,
                    monday,
                    count,
                })
            })
            .collect()
    }

    pub fn plan(&self, id: EntryId) -> Option<&TimeTogether> {
        self.time_together.iter().find(|t| t.id == id)
    }

    /// Plans that have not happened yet, soonest first.
    pub fn upcoming(&self, now_us: i64) -> Vec<&TimeTogether> {
        let mut plans: Vec<_> = self
            .time_together
            .iter()
            .filter(|t| t.logged.is_none() && t.when_us >= now_us)
            .collect();
        plans.sort_by_key(|t| t.when_us);
        plans
    }

    /// Plans whose time has come and that nobody has logged yet, most recent first.
    pub fn to_log(&self, now_us: i64) -> Vec<&TimeTogether> {
        let mut plans: Vec<_> = self
            .time_together
            .iter()
            .filter(|t| t.logged.is_none() && t.when_us < now_us)
            .collect();
        plans.sort_by_key(|t| std::cmp::Reverse(t.when_us));
        plans
    }

    /// Time together that happened, most recent first.
    pub fn happened(&self) -> Vec<&TimeTogether> {
        let mut plans: Vec<_> = self
            .time_together
            .iter()
            .filter(|t| t.logged.is_some())
            .collect();
        plans.sort_by_key(|t| std::cmp::Reverse(t.when_us));
        plans
    }

    pub fn goal(&self, id: EntryId) -> Option<&Goal> {
        self.goals.iter().find(|g| g.id == id)
    }

    /// Goals not reached yet (marked ones included), in the order they were set.
    pub fn open_goals(&self) -> impl Iterator<Item = &Goal> {
        self.goals
            .iter()
            .filter(|g| g.status() != GoalStatus::Reached)
    }

    /// Reached goals, most recently reached first, for celebrating on the home page.
    pub fn reached_goals(&self) -> Vec<&Goal> {
        let mut goals: Vec<_> = self
            .goals
            .iter()
            .filter(|g| g.reached_at_us.is_some())
            .collect();
        goals.sort_by_key(|g| std::cmp::Reverse(g.reached_at_us));
        goals
    }

    /// What is waiting for `person` to act on: goals to confirm, then time together to say
    /// how it felt.
    pub fn waiting_for(&self, person: PersonId) -> Vec<Waiting> {
        let goals = self
            .goals
            .iter()
            .filter(|g| g.reached_at_us.is_none() && g.marked.is_some_and(|m| m.by != person))
            .map(|g| Waiting::ConfirmGoal(g.id));
        let felt = self
            .time_together
            .iter()
            .filter(|t| t.logged.is_some() && t.felt_by(person).is_none())
            .map(|t| Waiting::SayHowItFelt(t.id));
        goals.chain(felt).collect()
    }

    fn plan_mut(&mut self, id: EntryId) -> Option<&mut TimeTogether> {
        self.time_together.iter_mut().find(|t| t.id == id)
    }

    fn goal_mut(&mut self, id: EntryId) -> Option<&mut Goal> {
        self.goals.iter_mut().find(|g| g.id == id)
    }
}

/// The Monday-to-Sunday week of a day, counted so that week 0 holds 1970-01-01 (a Thursday).
fn week_of(day: i64) -> i64 {
    (day + 3).div_euclid(7)
}

// ---- events ------------------------------------------------------------------------------

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AppreciationWritten {
    pub appreciation: EntryId,
    pub text: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TimePlanned {
    pub plan: EntryId,
    pub what: String,
    pub when_us: i64,
    pub phones_away: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TimeLogged {
    pub plan: EntryId,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TimeRated {
    pub plan: EntryId,
    pub felt: Rating,
    pub note: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct IdeaAdded {
    pub idea: EntryId,
    pub text: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct GoalSet {
    pub goal: EntryId,
    pub text: String,
    pub target: Option<TargetDate>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct GoalNamed {
    pub goal: EntryId,
}

/// The events of time together and goals, by kind.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Event {
    AppreciationWritten(AppreciationWritten),
    TimePlanned(TimePlanned),
    TimeLogged(TimeLogged),
    TimeRated(TimeRated),
    IdeaAdded(IdeaAdded),
    GoalSet(GoalSet),
    GoalMarkedReached(GoalNamed),
    GoalConfirmed(GoalNamed),
}

event_kinds!(
    AppreciationWritten => "appreciation.written",
    TimePlanned => "time.planned",
    TimeLogged => "time.logged",
    TimeRated => "time.rated",
    IdeaAdded => "idea.added",
    GoalSet => "goal.set",
    GoalMarkedReached => "goal.marked_reached",
    GoalConfirmed => "goal.confirmed",
);

/// Folds one event, written by `author` (whose partner is `other`) at `at_us`. Events that
/// do not fit the state (which `decide` never produces) change nothing.
pub fn apply(
    state: &mut Together,
    author: PersonId,
    other: Option<PersonId>,
    at_us: i64,
    event: Event,
) {
    match event {
        Event::AppreciationWritten(e) => {
            if let Some(recipient) = other {
                state.appreciations.push(Appreciation {
                    id: e.appreciation,
                    author,
                    recipient,
                    text: e.text,
                    at_us,
                });
            }
        }
        Event::TimePlanned(e) => {
            if state.plan(e.plan).is_none() {
                state.time_together.push(TimeTogether {
                    id: e.plan,
                    what: e.what,
                    when_us: e.when_us,
                    phones_away: e.phones_away,
                    planned_by: author,
                    planned_at_us: at_us,
                    logged: None,
                    felt: Vec::new(),
                });
            }
        }
        Event::TimeLogged(e) => {
            if let Some(t) = state.plan_mut(e.plan)
                && t.logged.is_none()
            {
                t.logged = Some(Logged { by: author, at_us });
            }
        }
        Event::TimeRated(e) => {
            if let Some(t) = state.plan_mut(e.plan)
                && t.logged.is_some()
                && t.felt_by(author).is_none()
            {
                t.felt.push(Felt {
                    by: author,
                    rating: e.felt,
                    note: e.note,
                    at_us,
                });
            }
        }
        Event::IdeaAdded(e) => {
            if !state.own_ideas.iter().any(|i| i.id == e.idea) {
                state.own_ideas.push(OwnIdea {
                    id: e.idea,
                    text: e.text,
                    added_by: author,
                    at_us,
                });
            }
        }
        Event::GoalSet(e) => {
            if state.goal(e.goal).is_none() {
                state.goals.push(Goal {
                    id: e.goal,
                    text: e.text,
                    target: e.target,
                    set_by: author,
                    set_at_us: at_us,
                    marked: None,
                    reached_at_us: None,
                });
            }
        }
        Event::GoalMarkedReached(e) => {
            if let Some(g) = state.goal_mut(e.goal)
                && g.status() == GoalStatus::Open
            {
                g.marked = Some(Mark { by: author, at_us });
            }
        }
        Event::GoalConfirmed(e) => {
            if let Some(g) = state.goal_mut(e.goal)
                && g.reached_at_us.is_none()
                && g.marked.is_some_and(|m| m.by != author)
            {
                g.reached_at_us = Some(at_us);
            }
        }
    }
}

// ---- commands ----------------------------------------------------------------------------

/// What a partner asks to do. New entries carry their id, made by the caller.
#[derive(Debug, Clone)]
pub enum Command {
    WriteAppreciation {
        id: EntryId,
        text: AppreciationText,
    },
    /// `when_us` is the planned start, microseconds since the Unix epoch, UTC (the page
    /// converts from the person's local time).
    PlanTime {
        id: EntryId,
        what: Activity,
        when_us: i64,
        phones_away: bool,
    },
    LogTime {
        plan: EntryId,
    },
    SayHowItFelt {
        plan: EntryId,
        felt: Rating,
        note: Option<FeltNote>,
    },
    AddIdea {
        id: EntryId,
        text: IdeaText,
    },
    SetGoal {
        id: EntryId,
        text: GoalText,
        target: Option<TargetDate>,
    },
    MarkGoalReached {
        goal: EntryId,
    },
    ConfirmGoal {
        goal: EntryId,
    },
}

// Refusals, shown to the person as they are; public so pages and tests can match on them.
pub const NO_PARTNER: &str = "Your partner needs to join the space first.";
pub const ALREADY_RECORDED: &str = "This has already been recorded.";
pub const DAILY_LIMIT: &str = "You've written three appreciations today, which is plenty. There is always tomorrow: a few heartfelt words each day mean more than many at once.";
pub const NOT_YET_HAPPENED: &str = "This is planned for later, so it can be logged once it has happened. If you did it sooner, plan it for the time it happened and log that.";
pub const ALREADY_LOGGED: &str = "This has already been logged as happened.";
pub const NOT_LOGGED: &str = "You can say how it felt once it has been logged as happened.";
pub const ALREADY_FELT: &str =
    "You've already said how this felt. What you said stays as you said it.";
pub const IDEA_ON_LIST: &str = "That idea is already on your list.";
pub const GOAL_REACHED: &str = "This goal has already been reached.";
pub const GOAL_MARKED: &str = "This goal is already marked as reached and waits for confirmation.";
pub const GOAL_NOT_MARKED: &str =
    "This goal hasn't been marked as reached yet. Either of you can mark it.";
pub const OWN_MARK: &str = "You marked this goal as reached, so your partner confirms it: a goal is reached when you both say so.";

/// The events a command produces. `partner` is the other partner (who must have joined).
pub fn decide(
    state: &Together,
    partner: Option<PersonId>,
    command: Command,
    ctx: &Ctx,
) -> Result<Vec<Event>, Refusal> {
    partner.ok_or(Refusal::NotNow(NO_PARTNER))?;
    let me = ctx.actor;
    let event = match command {
        Command::WriteAppreciation { id, text } => {
            if state.appreciations.iter().rev().any(|a| a.id == id) {
                return Err(Refusal::NotNow(ALREADY_RECORDED));
            }
            if state.appreciations_today(me, ctx.now_us) >= limits::APPRECIATIONS_PER_DAY {
                return Err(Refusal::NotNow(DAILY_LIMIT));
            }
            Event::AppreciationWritten(AppreciationWritten {
                appreciation: id,
                text: text.0,
            })
        }
        Command::PlanTime {
            id,
            what,
            when_us,
            phones_away,
        } => {
            if state.plan(id).is_some() {
                return Err(Refusal::NotNow(ALREADY_RECORDED));
            }
            let earliest = ctx.now_us.saturating_sub(limits::PLAN_PAST_DAYS * DAY_US);
            let latest = ctx.now_us.saturating_add(limits::PLAN_AHEAD_DAYS * DAY_US);
            if when_us < earliest {
                return Err(Refusal::invalid(
                    "when",
                    "That time is more than a week ago. Please choose a time from the last few days or ahead.",
                ));
            }
            if when_us > latest {
                return Err(Refusal::invalid(
                    "when",
                    "That time is more than a year ahead. Something that far off may fit better as a shared goal.",
                ));
            }
            Event::TimePlanned(TimePlanned {
                plan: id,
                what: what.0,
                when_us,
                phones_away,
            })
        }
        Command::LogTime { plan } => {
            let t = state.plan(plan).ok_or(Refusal::NotFound)?;
            if t.logged.is_some() {
                return Err(Refusal::NotNow(ALREADY_LOGGED));
            }
            if ctx.now_us < t.when_us {
                return Err(Refusal::NotNow(NOT_YET_HAPPENED));
            }
            Event::TimeLogged(TimeLogged { plan })
        }
        Command::SayHowItFelt { plan, felt, note } => {
            let t = state.plan(plan).ok_or(Refusal::NotFound)?;
            if t.logged.is_none() {
                return Err(Refusal::NotNow(NOT_LOGGED));
            }
            if t.felt_by(me).is_some() {
                return Err(Refusal::NotNow(ALREADY_FELT));
            }
            Event::TimeRated(TimeRated {
                plan,
                felt,
                note: note.map(|n| n.0),
            })
        }
        Command::AddIdea { id, text } => {
            if state.own_ideas.iter().any(|i| i.id == id) {
                return Err(Refusal::NotNow(ALREADY_RECORDED));
            }
            let known = IDEAS
                .iter()
                .copied()
                .chain(state.own_ideas.iter().map(|i| i.text.as_str()));
            if known.into_iter().any(|idea| same_words(idea, &text.0)) {
                return Err(Refusal::NotNow(IDEA_ON_LIST));
            }
            Event::IdeaAdded(IdeaAdded {
                idea: id,
                text: text.0,
            })
        }
        Command::SetGoal { id, text, target } => {
            if state.goal(id).is_some() {
                return Err(Refusal::NotNow(ALREADY_RECORDED));
            }
            if let Some(target) = target {
                check_target(target, ctx.now_us)?;
            }
            Event::GoalSet(GoalSet {
                goal: id,
                text: text.0,
                target,
            })
        }
        Command::MarkGoalReached { goal } => {
            let g = state.goal(goal).ok_or(Refusal::NotFound)?;
            match g.status() {
                GoalStatus::Reached => return Err(Refusal::NotNow(GOAL_REACHED)),
                GoalStatus::Marked => return Err(Refusal::NotNow(GOAL_MARKED)),
                GoalStatus::Open => {}
            }
            Event::GoalMarkedReached(GoalNamed { goal })
        }
        Command::ConfirmGoal { goal } => {
            let g = state.goal(goal).ok_or(Refusal::NotFound)?;
            let mark = match (g.status(), g.marked) {
                (GoalStatus::Reached, _) => return Err(Refusal::NotNow(GOAL_REACHED)),
                (_, None) => return Err(Refusal::NotNow(GOAL_NOT_MARKED)),
                (_, Some(mark)) => mark,
            };
            if mark.by == me {
                return Err(Refusal::NotYours(OWN_MARK));
            }
            Event::GoalConfirmed(GoalNamed { goal })
        }
    };
    Ok(vec![event])
}

/// A target date may not lie in the past. "Yesterday" in UTC is still allowed, because the
/// person's own today can be UTC's yesterday (in the Americas, in the evening).
fn check_target(target: TargetDate, now_us: i64) -> Result<(), Refusal> {
    let today = date_of_day(day_of(now_us))
        .ok_or_else(|| Refusal::invalid_input("The clock is out of range."))?;
    if target.date() < today.yesterday().unwrap_or(today) {
        return Err(Refusal::invalid(
            "target",
            "That target date has already passed. Please choose a date from today on.",
        ));
    }
    if i32::from(target.date().year()) > i32::from(today.year()) + limits::TARGET_AHEAD_YEARS {
        return Err(Refusal::invalid(
            "target",
            "Please check the year of the target date.",
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Wednesday 2026-11-18, 10:00 UTC.
    const START_US: i64 = 1_794_996_000_000_000;
    const HOUR_US: i64 = 3_600_000_000;

    type Couple = crate::domain::part::Couple<Together>;

    impl Couple {
        fn new() -> Self {
            Self::starting_at(START_US)
        }

        fn appreciate(&mut self, actor: PersonId) -> Result<Vec<Event>, Refusal> {
            self.when(
                actor,
                Command::WriteAppreciation {
                    id: EntryId::random(),
                    text: AppreciationText::parse("You made tea without being asked.")
                        .expect("valid"),
                },
            )
        }

        fn plan(&mut self, when_us: i64) -> EntryId {
            let id = EntryId::random();
            self.when(
                self.broke,
                Command::PlanTime {
                    id,
                    what: Activity::parse("A walk by the river").expect("valid"),
                    when_us,
                    phones_away: true,
                },
            )
            .expect("planned");
            id
        }

        fn felt(
            &mut self,
            actor: PersonId,
            plan: EntryId,
            rating: &str,
        ) -> Result<Vec<Event>, Refusal> {
            self.when(
                actor,
                Command::SayHowItFelt {
                    plan,
                    felt: Rating::parse(rating).expect("valid"),
                    note: FeltNote::parse_optional("It was easy to talk.").expect("valid"),
                },
            )
        }

        fn goal(&mut self, target: Option<&str>) -> Result<EntryId, Refusal> {
            let id = EntryId::random();
            self.when(
                self.hurt,
                Command::SetGoal {
                    id,
                    text: GoalText::parse("A weekend away, just us").expect("valid"),
                    target: target.map(|t| TargetDate::parse(t).expect("valid date")),
                },
            )?;
            Ok(id)
        }
    }

    // ---- appreciations ----

    #[test]
    fn the_third_appreciation_of_a_day_is_welcome_the_fourth_waits_for_tomorrow() {
        let mut c = Couple::new();
        for _ in 0..3 {
            c.appreciate(c.broke).expect("within the daily limit");
            c.now_us += HOUR_US;
        }
        assert_eq!(c.appreciate(c.broke), Err(Refusal::NotNow(DAILY_LIMIT)));
        assert_eq!(c.state.appreciations.len(), 3, "nothing is written");
        c.appreciate(c.hurt)
            .expect("each partner has their own limit");
        c.now_us = START_US + DAY_US;
        c.appreciate(c.broke).expect("a new day");
    }

    #[test]
    fn the_daily_limit_follows_the_utc_calendar_day() {
        let mut c = Couple::new();
        c.now_us = START_US - 10 * HOUR_US + DAY_US - 1; // 23:59:59.999999 UTC
        for _ in 0..3 {
            c.appreciate(c.hurt).expect("ok");
        }
        c.now_us += 1; // midnight UTC
        c.appreciate(c.hurt)
            .expect("midnight UTC begins a new day (the author's own zone comes later)");
    }

    #[test]
    fn appreciations_go_to_the_other_partner_and_read_newest_first() {
        let mut c = Couple::new();
        c.appreciate(c.broke).expect("first");
        c.now_us += HOUR_US;
        c.appreciate(c.hurt).expect("second");
        let stream: Vec<_> = c
            .state
            .appreciations_newest_first()
            .map(|a| (a.author, a.recipient))
            .collect();
        assert_eq!(stream, vec![(c.hurt, c.broke), (c.broke, c.hurt)]);
    }

    #[test]
    fn the_daily_prompt_shows_until_a_partner_has_written_today() {
        let mut c = Couple::new();
        assert!(!c.state.wrote_appreciation_today(c.hurt, c.now_us));
        c.appreciate(c.hurt).expect("written");
        assert!(c.state.wrote_appreciation_today(c.hurt, c.now_us));
        assert!(
            !c.state.wrote_appreciation_today(c.broke, c.now_us),
            "the partner's prompt is their own"
        );
        assert!(!c.state.wrote_appreciation_today(c.hurt, c.now_us + DAY_US));
    }

    #[test]
    fn appreciations_are_counted_per_iso_week() {
        let mut c = Couple::new();
        // Two weeks back (Wednesday 2026-11-04), last week, and twice this week.
        for (days_ago, who) in [(14, c.hurt), (7, c.broke), (1, c.hurt), (0, c.broke)] {
            c.now_us = START_US - days_ago * DAY_US;
            c.appreciate(who).expect("written");
        }
        let weeks = c.state.weekly_appreciations(c.now_us, 4, None);
        let labels: Vec<_> = weeks
            .iter()
            .map(|w| (w.iso_year, w.iso_week, w.monday.to_string(), w.count))
            .collect();
        assert_eq!(
            labels,
            vec![
                (2026, 44, "2026-10-26".to_owned(), 0),
                (2026, 45, "2026-11-02".to_owned(), 1),
                (2026, 46, "2026-11-09".to_owned(), 1),
                (2026, 47, "2026-11-16".to_owned(), 2),
            ]
        );
        let hurt_only: Vec<_> = c
            .state
            .weekly_appreciations(c.now_us, 4, Some(c.hurt))
            .iter()
            .map(|w| w.count)
            .collect();
        assert_eq!(hurt_only, vec![0, 1, 0, 1]);
        assert!(c.state.weekly_appreciations(c.now_us, 0, None).is_empty());
        assert_eq!(
            c.state
                .weekly_appreciations(c.now_us, usize::MAX, None)
                .len(),
            limits::WEEKS_MAX
        );
    }

    #[test]
    fn iso_weeks_cross_the_new_year_correctly() {
        // Friday 2027-01-01 belongs to ISO week 53 of 2026, which began on Monday 2026-12-28.
        let new_year_us = 1_798_761_600_000_000;
        let weeks = Together::default().weekly_appreciations(new_year_us, 2, None);
        let labels: Vec<_> = weeks
            .iter()
            .map(|w| (w.iso_year, w.iso_week, w.monday.to_string()))
            .collect();
        assert_eq!(
            labels,
            vec![
                (2026, 52, "2026-12-21".to_owned()),
                (2026, 53, "2026-12-28".to_owned())
            ]
        );
    }

    // ---- time together ----

    #[test]
    fn time_together_is_planned_logged_once_it_happened_and_felt_by_each() {
        let mut c = Couple::new();
        let evening = START_US + 9 * HOUR_US;
        let plan = c.plan(evening);
        assert_eq!(
            c.state
                .upcoming(c.now_us)
                .iter()
                .map(|t| t.id)
                .collect::<Vec<_>>(),
            vec![plan]
        );
        assert_eq!(
            c.when(c.hurt, Command::LogTime { plan }),
            Err(Refusal::NotNow(NOT_YET_HAPPENED))
        );
        assert_eq!(c.felt(c.hurt, plan, "4"), Err(Refusal::NotNow(NOT_LOGGED)));
        c.now_us = evening + 2 * HOUR_US;
        assert_eq!(
            c.state
                .to_log(c.now_us)
                .iter()
                .map(|t| t.id)
                .collect::<Vec<_>>(),
            vec![plan]
        );
        c.when(c.hurt, Command::LogTime { plan })
            .expect("either partner logs, not only the planner");
        assert_eq!(
            c.when(c.broke, Command::LogTime { plan }),
            Err(Refusal::NotNow(ALREADY_LOGGED))
        );
        assert_eq!(
            c.state.waiting_for(c.broke),
            vec![Waiting::SayHowItFelt(plan)]
        );
        c.felt(c.hurt, plan, "4").expect("hurt partner's rating");
        c.felt(c.broke, plan, "5")
            .expect("the other partner's rating");
        let t = c.state.plan(plan).expect("plan");
        assert_eq!(t.logged.map(|l| l.by), Some(c.hurt));
        assert!(t.phones_away);
        assert_eq!(t.felt_by(c.hurt).map(|f| f.rating.get()), Some(4));
        assert_eq!(
            t.felt_by(c.broke).and_then(|f| f.note.as_deref()),
            Some("It was easy to talk.")
        );
        assert_eq!(c.state.happened().len(), 1);
        assert!(c.state.upcoming(c.now_us).is_empty());
    }

    #[test]
    fn how_it_felt_is_said_once_by_each_partner() {
        let mut c = Couple::new();
        let plan = c.plan(START_US);
        c.when(c.broke, Command::LogTime { plan }).expect("logged");
        c.felt(c.hurt, plan, "2").expect("first");
        assert_eq!(
            c.felt(c.hurt, plan, "5"),
            Err(Refusal::NotNow(ALREADY_FELT))
        );
        let t = c.state.plan(plan).expect("plan");
        assert_eq!(t.felt.len(), 1);
        assert_eq!(t.felt[0].rating.get(), 2, "the first answer stands");
    }

    #[test]
    fn an_unknown_plan_is_not_found() {
        let mut c = Couple::new();
        let unknown = EntryId::random();
        assert_eq!(
            c.when(c.hurt, Command::LogTime { plan: unknown }),
            Err(Refusal::NotFound)
        );
        assert_eq!(c.felt(c.hurt, unknown, "3"), Err(Refusal::NotFound));
    }

    #[test]
    fn plans_are_for_the_last_few_days_or_the_coming_year() {
        let mut c = Couple::new();
        let plan = |when_us| Command::PlanTime {
            id: EntryId::random(),
            what: Activity::parse("Dinner").expect("valid"),
            when_us,
            phones_away: false,
        };
        assert!(matches!(
            c.when(c.hurt, plan(START_US - 8 * DAY_US)),
            Err(Refusal::Invalid { .. })
        ));
        assert!(matches!(
            c.when(c.hurt, plan(START_US + 400 * DAY_US)),
            Err(Refusal::Invalid { .. })
        ));
        assert!(matches!(
            c.when(c.hurt, plan(i64::MIN)),
            Err(Refusal::Invalid { .. })
        ));
        assert!(c.state.time_together.is_empty());
        c.when(c.hurt, plan(START_US - 2 * HOUR_US))
            .expect("a walk that already happened can still be recorded");
        c.when(c.hurt, plan(START_US + 30 * DAY_US))
            .expect("next month");
    }

    #[test]
    fn there_are_plenty_of_ideas_and_the_couple_adds_their_own() {
        assert!(IDEAS.len() >= 10);
        for idea in IDEAS {
            assert!(IdeaText::parse(idea).is_ok(), "{idea} fits the limits");
        }
        let mut c = Couple::new();
        let add = |text: &str| Command::AddIdea {
            id: EntryId::random(),
            text: IdeaText::parse(text).expect("valid"),
        };
        c.when(c.hurt, add("Pancakes on Sunday morning"))
            .expect("own idea");
        assert_eq!(c.state.own_ideas[0].text, "Pancakes on Sunday morning");
        assert_eq!(c.state.own_ideas[0].added_by, c.hurt);
        assert_eq!(
            c.when(c.broke, add("pancakes on sunday MORNING")),
            Err(Refusal::NotNow(IDEA_ON_LIST))
        );
        assert_eq!(
            c.when(c.broke, add(IDEAS[0])),
            Err(Refusal::NotNow(IDEA_ON_LIST))
        );
    }

    // ---- goals ----

    #[test]
    fn a_goal_is_reached_when_the_other_partner_confirms_the_mark() {
        let mut c = Couple::new();
        let g = c.goal(Some("2027-06-01")).expect("set");
        assert_eq!(
            c.when(c.hurt, Command::ConfirmGoal { goal: g }),
            Err(Refusal::NotNow(GOAL_NOT_MARKED))
        );
        c.when(c.hurt, Command::MarkGoalReached { goal: g })
            .expect("marked");
        assert_eq!(
            c.when(c.hurt, Command::MarkGoalReached { goal: g }),
            Err(Refusal::NotNow(GOAL_MARKED))
        );
        assert_eq!(
            c.when(c.hurt, Command::ConfirmGoal { goal: g }),
            Err(Refusal::NotYours(OWN_MARK))
        );
        assert!(c.state.reached_goals().is_empty());
        assert_eq!(c.state.waiting_for(c.broke), vec![Waiting::ConfirmGoal(g)]);
        c.now_us += DAY_US;
        c.when(c.broke, Command::ConfirmGoal { goal: g })
            .expect("confirmed");
        let reached = c.state.reached_goals();
        assert_eq!(reached.len(), 1);
        assert_eq!(reached[0].reached_at_us, Some(START_US + DAY_US));
        assert_eq!(
            reached[0].target.map(|t| t.to_string()),
            Some("2027-06-01".to_owned())
        );
        assert_eq!(c.state.open_goals().count(), 0);
        assert_eq!(
            c.when(c.broke, Command::MarkGoalReached { goal: g }),
            Err(Refusal::NotNow(GOAL_REACHED))
        );
    }

    #[test]
    fn reached_goals_are_listed_most_recent_first() {
        let mut c = Couple::new();
        let first = c.goal(None).expect("first");
        let second = c.goal(None).expect("second");
        for g in [first, second] {
            c.when(c.broke, Command::MarkGoalReached { goal: g })
                .expect("marked");
            c.when(c.hurt, Command::ConfirmGoal { goal: g })
                .expect("confirmed");
            c.now_us += HOUR_US;
        }
        let ids: Vec<_> = c.state.reached_goals().iter().map(|g| g.id).collect();
        assert_eq!(ids, vec![second, first]);
    }

    #[test]
    fn an_unknown_goal_is_not_found() {
        let mut c = Couple::new();
        for command in [
            Command::MarkGoalReached {
                goal: EntryId::random(),
            },
            Command::ConfirmGoal {
                goal: EntryId::random(),
            },
        ] {
            assert_eq!(c.when(c.hurt, command), Err(Refusal::NotFound));
        }
    }

    #[test]
    fn target_dates_are_checked() {
        for bad in [
            "2027-13-01",
            "2027-02-30",
            "27-06-01",
            "2027-6-1",
            "01/06/2027",
            "tomorrow",
            "2027-06-01T00:00",
        ] {
            assert!(TargetDate::parse(bad).is_err(), "{bad}");
        }
        assert_eq!(TargetDate::parse_optional("  "), Ok(None));
        assert!(TargetDate::parse_optional("2027-06-01").is_ok_and(|d| d.is_some()));
        let mut c = Couple::new();
        assert!(matches!(
            c.goal(Some("2026-11-01")),
            Err(Refusal::Invalid { .. })
        ));
        assert!(matches!(
            c.goal(Some("2099-01-01")),
            Err(Refusal::Invalid { .. })
        ));
        assert!(c.state.goals.is_empty());
        c.goal(Some("2026-11-17"))
            .expect("UTC's yesterday can be the person's today");
    }

    #[test]
    fn nothing_is_done_before_the_partner_joins() {
        let c = Couple::new();
        let ctx = Ctx {
            actor: c.hurt,
            now_us: c.now_us,
        };
        let commands = [
            Command::WriteAppreciation {
                id: EntryId::random(),
                text: AppreciationText::parse("x").expect("valid"),
            },
            Command::SetGoal {
                id: EntryId::random(),
                text: GoalText::parse("x").expect("valid"),
                target: None,
            },
        ];
        for command in commands {
            assert_eq!(
                decide(&c.state, None, command, &ctx),
                Err(Refusal::NotNow(NO_PARTNER))
            );
        }
    }

    // ---- input ----

    #[test]
    fn texts_are_refused_when_empty_too_long_or_holding_control_characters() {
        type Parse = fn(&str) -> bool;
        let fields: [(Parse, usize); 5] = [
            (
                |s| AppreciationText::parse(s).is_ok(),
                AppreciationText::MAX,
            ),
            (|s| Activity::parse(s).is_ok(), Activity::MAX),
            (|s| FeltNote::parse(s).is_ok(), FeltNote::MAX),
            (|s| IdeaText::parse(s).is_ok(), IdeaText::MAX),
            (|s| GoalText::parse(s).is_ok(), GoalText::MAX),
        ];
        for (ok, max) in fields {
            assert!(ok(&"é".repeat(max)), "the limit counts characters");
            assert!(!ok(&"x".repeat(max + 1)), "over {max}");
            assert!(!ok("   "), "empty");
            assert!(!ok("bell\u{7}"), "control character");
        }
        assert_eq!(
            (AppreciationText::MAX, Activity::MAX, FeltNote::MAX),
            (500, 200, 1_000)
        );
        assert_eq!((IdeaText::MAX, GoalText::MAX), (200, 300));
        assert!(AppreciationText::parse("Thank you\nfor listening").is_ok());
        assert!(Activity::parse("Dinner\nand a film").is_err(), "one line");
        assert_eq!(FeltNote::parse_optional(" "), Ok(None));
    }

    #[test]
    fn ratings_outside_one_to_five_are_refused() {
        for bad in ["", "0", "6", "-1", "three", "3.5"] {
            assert!(Rating::parse(bad).is_err(), "{bad}");
        }
        assert_eq!(Rating::parse(" 5 ").map(Rating::get), Ok(5));
    }

    // ---- the record ----

    #[test]
    fn events_survive_their_json_round_trip() {
        let id = EntryId::random();
        let events = [
            Event::AppreciationWritten(AppreciationWritten {
                appreciation: id,
                text: "Thank you".into(),
            }),
            Event::TimePlanned(TimePlanned {
                plan: id,
                what: "A walk".into(),
                when_us: START_US,
                phones_away: true,
            }),
            Event::TimeLogged(TimeLogged { plan: id }),
            Event::TimeRated(TimeRated {
                plan: id,
                felt: Rating(4),
                note: None,
            }),
            Event::IdeaAdded(IdeaAdded {
                idea: id,
                text: "Pancakes".into(),
            }),
            Event::GoalSet(GoalSet {
                goal: id,
                text: "A weekend away".into(),
                target: Some(TargetDate::parse("2027-06-01").expect("date")),
            }),
            Event::GoalMarkedReached(GoalNamed { goal: id }),
            Event::GoalConfirmed(GoalNamed { goal: id }),
        ];
        for e in events {
            assert_eq!(
                Event::parse(e.kind(), &e.body()),
                Some(e.clone()),
                "{}",
                e.kind()
            );
        }
        let rated = format!("{{\"plan\":\"{id}\",\"felt\":9,\"note\":null}}");
        assert_eq!(Event::parse("time.rated", &rated), None);
        let goal = format!("{{\"goal\":\"{id}\",\"text\":\"x\",\"target\":\"2027-02-30\"}}");
        assert_eq!(Event::parse("goal.set", &goal), None);
        assert_eq!(Event::parse("pace.set", "{}"), None, "pace is repair's");
    }

    #[test]
    fn events_that_do_not_fit_change_nothing() {
        let mut c = Couple::new();
        let before = c.state.clone();
        apply(
            &mut c.state,
            c.hurt,
            Some(c.broke),
            START_US,
            Event::TimeLogged(TimeLogged {
                plan: EntryId::random(),
            }),
        );
        assert_eq!(c.state, before);
        let g = c.goal(None).expect("goal");
        c.when(c.hurt, Command::MarkGoalReached { goal: g })
            .expect("marked");
        apply(
            &mut c.state,
            c.hurt,
            Some(c.broke),
            START_US,
            Event::GoalConfirmed(GoalNamed { goal: g }),
        );
        assert!(
            c.state.reached_goals().is_empty(),
            "a partner's confirmation of their own mark does not fold"
        );
    }
}
