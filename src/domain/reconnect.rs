//! Reconnecting: appreciations, time together, the hurt partner's pace, the stages of repair,
//! and shared goals.
//!
//! This module owns those five practices and their rules. It reads breaches (and who was hurt
//! in each) from [`OwnUp`] and never changes them; check-ins live in `checkin`. Nothing here
//! reads the clock or does I/O: the present arrives as `now_us` in [`Ctx`].
//!
//! Why the rules are what they are:
//! - Appreciations are capped at a few a day so they stay a daily habit of noticing, not a
//!   flood meant to make up for something. Days are UTC calendar days for now; a later change
//!   will count them in the author's own time zone, so that "today" ends at the person's
//!   midnight rather than Greenwich's.
//! - How a moment together felt is said once by each partner and then stands, like everything
//!   else in the record; each partner's rating is their own and neither can speak for both.
//! - Pace belongs to the hurt partner of each breach. Only they say how ready they are; the
//!   other partner sees it plainly and may suggest a topic, never set one.
//! - Either partner may propose moving on or back a stage, but only the hurt partner says a
//!   stage feels complete. So a proposal by the hurt partner takes effect at once (recorded as
//!   proposed and confirmed, so the history reads the same either way). Going back is not a
//!   failure: it is allowed and recorded like any other change.
//! - A goal is reached only when both say so: one marks it, the other confirms.

use jiff::civil::Date;
use serde::{Deserialize, Serialize};

use super::calendar::{DAY_US, date_of_day, day_of, parse_date};
use super::input::{InputError, Lines, clean_text};
use super::ownup::OwnUp;
use super::{Ctx, EntryId, PersonId};

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
    /// A topic the couple adds to a breach's pace, in characters.
    pub const TOPIC: usize = 80;
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

macro_rules! text_type {
    ($(#[$doc:meta])* $name:ident, $what:literal, $max:expr, $lines:expr) => {
        $(#[$doc])*
        #[derive(Debug, Clone, PartialEq, Eq)]
        pub struct $name(String);

        impl $name {
            pub const MAX: usize = $max;

            pub fn parse(raw: &str) -> Result<Self, InputError> {
                clean_text(raw, $what, 1, Self::MAX, $lines).map(Self)
            }

            pub fn as_str(&self) -> &str {
                &self.0
            }
        }
    };
}

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
    /// A topic the couple adds to a breach's pace.
    TopicText,
    "The topic",
    limits::TOPIC,
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

#[derive(Debug, Clone, PartialEq, Eq)]
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
#[derive(Debug, Clone, PartialEq, Eq)]
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
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Logged {
    pub by: PersonId,
    pub at_us: i64,
}

/// How a moment together felt for one partner.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Felt {
    pub by: PersonId,
    pub rating: Rating,
    pub note: Option<String>,
    pub at_us: i64,
}

/// An idea for time together that the couple added themselves.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OwnIdea {
    pub id: EntryId,
    pub text: String,
    pub added_by: PersonId,
    pub at_us: i64,
}

// ---- pace --------------------------------------------------------------------------------

/// How ready the hurt partner feels for something.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Readiness {
    NotYet,
    OpenToTalk,
    Ready,
}

impl Readiness {
    pub const ALL: [Self; 3] = [Self::NotYet, Self::OpenToTalk, Self::Ready];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::NotYet => "not_yet",
            Self::OpenToTalk => "open_to_talk",
            Self::Ready => "ready",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Self::NotYet => "Not yet",
            Self::OpenToTalk => "Open to talking about it",
            Self::Ready => "Ready",
        }
    }

    pub fn parse(raw: &str) -> Result<Self, InputError> {
        Self::ALL
            .into_iter()
            .find(|r| r.as_str() == raw.trim())
            .ok_or_else(|| {
                InputError("Please choose not yet, open to talking about it, or ready.".into())
            })
    }
}

/// Something the hurt partner's readiness is set for: one of the topics every breach has,
/// or one the couple added to it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Topic {
    PhysicalIntimacy,
    Outings,
    TellingOthers,
    Future,
    Custom(EntryId),
}

impl Topic {
    /// The topics every breach has, in the order they are shown.
    pub const STANDARD: [Self; 4] = [
        Self::PhysicalIntimacy,
        Self::Outings,
        Self::TellingOthers,
        Self::Future,
    ];

    /// How the topic is named in forms and links: a standard name, or an added topic's id.
    pub fn key(self) -> String {
        match self {
            Self::PhysicalIntimacy => "physical_intimacy".into(),
            Self::Outings => "outings".into(),
            Self::TellingOthers => "telling_others".into(),
            Self::Future => "future".into(),
            Self::Custom(id) => id.to_string(),
        }
    }

    /// The label of a standard topic; added topics are labelled by their own text.
    pub fn standard_label(self) -> Option<&'static str> {
        match self {
            Self::PhysicalIntimacy => Some("Physical intimacy"),
            Self::Outings => Some("Going out as a couple"),
            Self::TellingOthers => Some("Telling family or friends"),
            Self::Future => Some("Talking about our future"),
            Self::Custom(_) => None,
        }
    }

    pub fn parse(raw: &str) -> Result<Self, InputError> {
        let raw = raw.trim();
        Self::STANDARD
            .into_iter()
            .find(|t| t.key() == raw)
            .or_else(|| raw.parse().ok().map(Self::Custom))
            .ok_or_else(|| InputError("Please choose one of the topics.".into()))
    }
}

/// A topic the couple added to one breach's pace.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CustomTopic {
    pub id: EntryId,
    pub text: String,
    pub added_by: PersonId,
    pub at_us: i64,
}

/// One change of readiness, kept so both can see how the pace moved.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PaceChange {
    pub topic: Topic,
    /// `None` the first time it is set.
    pub from: Option<Readiness>,
    pub to: Readiness,
    pub by: PersonId,
    pub at_us: i64,
}

/// The pace of one breach: its added topics and every change of readiness, oldest first.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Pace {
    pub breach: EntryId,
    pub custom_topics: Vec<CustomTopic>,
    pub changes: Vec<PaceChange>,
}

impl Pace {
    fn new(breach: EntryId) -> Self {
        Self {
            breach,
            custom_topics: Vec::new(),
            changes: Vec::new(),
        }
    }

    /// `None` until the hurt partner has said anything; pages show that as "not said yet",
    /// which is to be read as not yet.
    pub fn readiness(&self, topic: Topic) -> Option<Readiness> {
        self.changes
            .iter()
            .rev()
            .find(|c| c.topic == topic)
            .map(|c| c.to)
    }

    pub fn custom_topic(&self, id: EntryId) -> Option<&CustomTopic> {
        self.custom_topics.iter().find(|t| t.id == id)
    }

    /// Every change to one topic, oldest first.
    pub fn history_of(&self, topic: Topic) -> impl Iterator<Item = &PaceChange> {
        self.changes.iter().filter(move |c| c.topic == topic)
    }
}

/// A topic as a pace page shows it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TopicView<'a> {
    pub topic: Topic,
    pub label: &'a str,
    pub readiness: Option<Readiness>,
}

// ---- stages ------------------------------------------------------------------------------

/// The stages a breach's repair moves through.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Stage {
    #[default]
    Atone,
    Attune,
    Attach,
}

/// A feature that fits a stage: `feature` is a stable key the pages link by.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Practice {
    pub feature: &'static str,
    pub label: &'static str,
}

impl Stage {
    pub const ALL: [Self; 3] = [Self::Atone, Self::Attune, Self::Attach];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Atone => "atone",
            Self::Attune => "attune",
            Self::Attach => "attach",
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            Self::Atone => "Atone",
            Self::Attune => "Attune",
            Self::Attach => "Attach",
        }
    }

    /// A few words under the name.
    pub fn tagline(self) -> &'static str {
        match self {
            Self::Atone => "Owning what happened",
            Self::Attune => "Understanding each other again",
            Self::Attach => "Growing close again",
        }
    }

    /// What the stage is about, in our own words.
    pub fn about(self) -> &'static str {
        match self {
            Self::Atone => {
                "The partner who broke trust tells the whole of it, answers questions as often \
                 as they come, and apologizes without excuses. Nothing more stays hidden. The \
                 hurt partner is heard, and nobody is hurried towards forgiving."
            }
            Self::Attune => {
                "Together you look at what led here, without using it as an excuse, and find \
                 new ways of talking and listening. When something brings the hurt back, it is \
                 met with care rather than defence."
            }
            Self::Attach => {
                "With trust returning, you build a relationship that is new rather than the old \
                 one patched up: time together, affection, closeness and intimacy when the hurt \
                 partner is ready, and goals and rituals that are yours."
            }
        }
    }

    /// The features that fit the stage, most central first.
    pub fn practices(self) -> &'static [Practice] {
        match self {
            Self::Atone => &[
                Practice {
                    feature: "disclosure",
                    label: "Telling the whole story",
                },
                Practice {
                    feature: "questions",
                    label: "Answering questions, as often as needed",
                },
                Practice {
                    feature: "apology",
                    label: "Apologizing, specifically and without excuses",
                },
                Practice {
                    feature: "reports",
                    label: "Being open before being asked",
                },
            ],
            Self::Attune => &[
                Practice {
                    feature: "letters",
                    label: "Writing it out when talking is too hard",
                },
                Practice {
                    feature: "checkins",
                    label: "Checking in on how it is going",
                },
                Practice {
                    feature: "agreements",
                    label: "Agreeing on boundaries, and revisiting them",
                },
                Practice {
                    feature: "promises",
                    label: "Making promises and keeping them",
                },
            ],
            Self::Attach => &[
                Practice {
                    feature: "time_together",
                    label: "Time together, fully present",
                },
                Practice {
                    feature: "appreciations",
                    label: "Noticing and saying what you value",
                },
                Practice {
                    feature: "pace",
                    label: "Closeness at the hurt partner's pace",
                },
                Practice {
                    feature: "goals",
                    label: "Shared goals, and celebrating them",
                },
            ],
        }
    }

    pub fn next(self) -> Option<Self> {
        match self {
            Self::Atone => Some(Self::Attune),
            Self::Attune => Some(Self::Attach),
            Self::Attach => None,
        }
    }

    pub fn previous(self) -> Option<Self> {
        match self {
            Self::Atone => None,
            Self::Attune => Some(Self::Atone),
            Self::Attach => Some(Self::Attune),
        }
    }

    pub fn parse(raw: &str) -> Result<Self, InputError> {
        Self::ALL
            .into_iter()
            .find(|s| s.as_str() == raw.trim())
            .ok_or_else(|| InputError("Please choose atone, attune or attach.".into()))
    }
}

/// Which way a proposal moves a breach's stage.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Direction {
    On,
    Back,
}

impl Direction {
    pub fn parse(raw: &str) -> Result<Self, InputError> {
        match raw.trim() {
            "on" => Ok(Self::On),
            "back" => Ok(Self::Back),
            _ => Err(InputError(
                "Please choose whether to move on or go back a stage.".into(),
            )),
        }
    }
}

/// How a stage proposal ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OutcomeKind {
    Confirmed,
    Declined,
    Withdrawn,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Outcome {
    pub kind: OutcomeKind,
    pub by: PersonId,
    pub at_us: i64,
}

/// A proposal to change a breach's stage; a confirmed one is a stage change.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Proposal {
    pub id: EntryId,
    pub from: Stage,
    pub to: Stage,
    pub by: PersonId,
    pub at_us: i64,
    /// `None` while it waits for the hurt partner.
    pub outcome: Option<Outcome>,
}

impl Proposal {
    pub fn is_back(&self) -> bool {
        self.to < self.from
    }
}

/// One breach's stage and every proposal about it, oldest first.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StageTrack {
    pub breach: EntryId,
    pub stage: Stage,
    pub proposals: Vec<Proposal>,
}

impl StageTrack {
    fn new(breach: EntryId) -> Self {
        Self {
            breach,
            stage: Stage::default(),
            proposals: Vec::new(),
        }
    }

    pub fn pending(&self) -> Option<&Proposal> {
        self.proposals.last().filter(|p| p.outcome.is_none())
    }

    /// The stage changes that took effect, oldest first (forwards and back).
    pub fn changes(&self) -> impl Iterator<Item = &Proposal> {
        self.proposals
            .iter()
            .filter(|p| p.outcome.is_some_and(|o| o.kind == OutcomeKind::Confirmed))
    }

    fn pending_mut(&mut self) -> Option<&mut Proposal> {
        self.proposals.last_mut().filter(|p| p.outcome.is_none())
    }
}

// ---- goals -------------------------------------------------------------------------------

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum GoalStatus {
    Open,
    /// One partner marked it reached; waiting for the other to confirm.
    Marked,
    Reached,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Mark {
    pub by: PersonId,
    pub at_us: i64,
}

#[derive(Debug, Clone, PartialEq, Eq)]
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

/// Everything about reconnecting in one space, folded from its events. Lists are in record
/// order (oldest first); the queries give the orders pages want.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Reconnect {
    pub appreciations: Vec<Appreciation>,
    pub time_together: Vec<TimeTogether>,
    pub own_ideas: Vec<OwnIdea>,
    pub paces: Vec<Pace>,
    pub stages: Vec<StageTrack>,
    pub goals: Vec<Goal>,
}

/// Something a partner is asked to act on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Waiting {
    /// A stage change the other partner proposed, for the hurt partner to answer.
    ConfirmStage { breach: EntryId, proposal: EntryId },
    /// A goal the other partner marked reached.
    ConfirmGoal(EntryId),
    /// Time together that happened and that this partner hasn't said how it felt yet.
    SayHowItFelt(EntryId),
}

impl Reconnect {
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

    pub fn pace(&self, breach: EntryId) -> Option<&Pace> {
        self.paces.iter().find(|p| p.breach == breach)
    }

    /// The hurt partner's readiness on one topic of one breach; `None` if not said yet.
    pub fn readiness(&self, breach: EntryId, topic: Topic) -> Option<Readiness> {
        self.pace(breach).and_then(|p| p.readiness(topic))
    }

    /// Every topic of a breach's pace, the standard ones first, then the added ones.
    pub fn pace_topics(&self, breach: EntryId) -> Vec<TopicView<'_>> {
        let pace = self.pace(breach);
        let readiness = |topic| pace.and_then(|p| p.readiness(topic));
        let standard = Topic::STANDARD.into_iter().map(|topic| TopicView {
            topic,
            label: topic.standard_label().unwrap_or_default(),
            readiness: readiness(topic),
        });
        let custom = pace
            .into_iter()
            .flat_map(|p| &p.custom_topics)
            .map(|t| TopicView {
                topic: Topic::Custom(t.id),
                label: &t.text,
                readiness: readiness(Topic::Custom(t.id)),
            });
        standard.chain(custom).collect()
    }

    /// A breach's current stage; every breach begins at atone.
    pub fn stage(&self, breach: EntryId) -> Stage {
        self.stage_track(breach)
            .map_or(Stage::default(), |t| t.stage)
    }

    pub fn stage_track(&self, breach: EntryId) -> Option<&StageTrack> {
        self.stages.iter().find(|t| t.breach == breach)
    }

    pub fn pending_stage(&self, breach: EntryId) -> Option<&Proposal> {
        self.stage_track(breach).and_then(StageTrack::pending)
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

    /// What is waiting for `person` to act on. `own_up` says who was hurt in each breach.
    pub fn waiting_for(&self, person: PersonId, own_up: &OwnUp) -> Vec<Waiting> {
        let stages = self.stages.iter().filter_map(|t| {
            let p = t.pending()?;
            let hurt = own_up.breach(t.breach)?.hurt;
            (hurt == person && p.by != person).then_some(Waiting::ConfirmStage {
                breach: t.breach,
                proposal: p.id,
            })
        });
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
        stages.chain(goals).chain(felt).collect()
    }

    fn plan_mut(&mut self, id: EntryId) -> Option<&mut TimeTogether> {
        self.time_together.iter_mut().find(|t| t.id == id)
    }

    fn pace_entry(&mut self, breach: EntryId) -> &mut Pace {
        // Index first, then borrow: a pace is created on its breach's first pace event.
        let at = match self.paces.iter().position(|p| p.breach == breach) {
            Some(at) => at,
            None => {
                self.paces.push(Pace::new(breach));
                self.paces.len() - 1
            }
        };
        &mut self.paces[at]
    }

    fn stage_entry(&mut self, breach: EntryId) -> &mut StageTrack {
        let at = match self.stages.iter().position(|t| t.breach == breach) {
            Some(at) => at,
            None => {
                self.stages.push(StageTrack::new(breach));
                self.stages.len() - 1
            }
        };
        &mut self.stages[at]
    }

    fn stage_mut(&mut self, breach: EntryId) -> Option<&mut StageTrack> {
        self.stages.iter_mut().find(|t| t.breach == breach)
    }

    fn goal_mut(&mut self, id: EntryId) -> Option<&mut Goal> {
        self.goals.iter_mut().find(|g| g.id == id)
    }
}

/// The Monday-to-Sunday week of a day, counted so that week 0 holds 1970-01-01 (a Thursday).
fn week_of(day: i64) -> i64 {
    (day + 3).div_euclid(7)
}

/// Compares texts the way a person would: "Walks" and " walks " are the same idea.
fn same_words(a: &str, b: &str) -> bool {
    a.trim().to_lowercase() == b.trim().to_lowercase()
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
pub struct PaceSet {
    pub breach: EntryId,
    pub topic: Topic,
    pub readiness: Readiness,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PaceTopicAdded {
    pub breach: EntryId,
    pub topic: EntryId,
    pub text: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StageProposed {
    pub breach: EntryId,
    pub proposal: EntryId,
    /// Recorded so the record reads on its own, and so a proposal made against a stage that
    /// has since changed does not fold.
    pub from: Stage,
    pub to: Stage,
}

/// The answer to a stage proposal: confirmed, declined or withdrawn, by the event's kind.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StageAnswered {
    pub breach: EntryId,
    pub proposal: EntryId,
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

/// The reconnecting events, by kind.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Event {
    AppreciationWritten(AppreciationWritten),
    TimePlanned(TimePlanned),
    TimeLogged(TimeLogged),
    TimeRated(TimeRated),
    IdeaAdded(IdeaAdded),
    PaceSet(PaceSet),
    PaceTopicAdded(PaceTopicAdded),
    StageProposed(StageProposed),
    StageConfirmed(StageAnswered),
    StageDeclined(StageAnswered),
    StageWithdrawn(StageAnswered),
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
    PaceSet => "pace.set",
    PaceTopicAdded => "pace.topic_added",
    StageProposed => "stage.proposed",
    StageConfirmed => "stage.confirmed",
    StageDeclined => "stage.declined",
    StageWithdrawn => "stage.withdrawn",
    GoalSet => "goal.set",
    GoalMarkedReached => "goal.marked_reached",
    GoalConfirmed => "goal.confirmed",
);

/// Folds one event, written by `author` (whose partner is `other`) at `at_us`. Events that
/// do not fit the state (which `decide` never produces) change nothing.
pub fn apply(
    state: &mut Reconnect,
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
        Event::PaceSet(e) => {
            let pace = state.pace_entry(e.breach);
            if let Topic::Custom(id) = e.topic
                && pace.custom_topic(id).is_none()
            {
                return;
            }
            let from = pace.readiness(e.topic);
            pace.changes.push(PaceChange {
                topic: e.topic,
                from,
                to: e.readiness,
                by: author,
                at_us,
            });
        }
        Event::PaceTopicAdded(e) => {
            let pace = state.pace_entry(e.breach);
            if pace.custom_topic(e.topic).is_none() {
                pace.custom_topics.push(CustomTopic {
                    id: e.topic,
                    text: e.text,
                    added_by: author,
                    at_us,
                });
            }
        }
        Event::StageProposed(e) => {
            let track = state.stage_entry(e.breach);
            if track.pending().is_none() && track.stage == e.from {
                track.proposals.push(Proposal {
                    id: e.proposal,
                    from: e.from,
                    to: e.to,
                    by: author,
                    at_us,
                    outcome: None,
                });
            }
        }
        Event::StageConfirmed(e) => {
            answer_stage(state, &e, OutcomeKind::Confirmed, author, at_us);
        }
        Event::StageDeclined(e) => {
            answer_stage(state, &e, OutcomeKind::Declined, author, at_us);
        }
        Event::StageWithdrawn(e) => {
            answer_stage(state, &e, OutcomeKind::Withdrawn, author, at_us);
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

fn answer_stage(
    state: &mut Reconnect,
    e: &StageAnswered,
    kind: OutcomeKind,
    author: PersonId,
    at_us: i64,
) {
    let Some(track) = state.stage_mut(e.breach) else {
        return;
    };
    // Who may confirm or decline depends on the breach, which `decide` checked against
    // `OwnUp`; who may withdraw needs only the proposal, so the fold checks that itself.
    let Some(p) = track
        .pending_mut()
        .filter(|p| p.id == e.proposal && (kind != OutcomeKind::Withdrawn || p.by == author))
    else {
        return;
    };
    p.outcome = Some(Outcome {
        kind,
        by: author,
        at_us,
    });
    if kind == OutcomeKind::Confirmed {
        track.stage = p.to;
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
    SetPace {
        breach: EntryId,
        topic: Topic,
        readiness: Readiness,
    },
    AddPaceTopic {
        breach: EntryId,
        id: EntryId,
        text: TopicText,
    },
    ProposeStage {
        breach: EntryId,
        id: EntryId,
        direction: Direction,
    },
    /// The proposal is named, not inferred, so a page opened before the proposal changed
    /// cannot confirm a different one.
    ConfirmStage {
        breach: EntryId,
        proposal: EntryId,
    },
    DeclineStage {
        breach: EntryId,
        proposal: EntryId,
    },
    WithdrawStage {
        breach: EntryId,
        proposal: EntryId,
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

/// Why a command was refused. Messages are shown to the person as they are.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ReconnectError {
    /// The breach, plan, topic, proposal or goal is not in this space.
    #[error("That isn't in this space.")]
    NotFound,
    /// The actor's role does not allow this.
    #[error("{0}")]
    NotYours(&'static str),
    /// The thing is in a state that does not allow this now.
    #[error("{0}")]
    NotNow(&'static str),
    #[error("{0}")]
    Invalid(String),
}

impl From<InputError> for ReconnectError {
    fn from(e: InputError) -> Self {
        Self::Invalid(e.0)
    }
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
pub const PACE_NOT_YOURS: &str = "How ready your partner feels is theirs to set. You can see it here, and add a topic you'd like them to think about.";
pub const PACE_UNCHANGED: &str = "That is already how it's set.";
pub const TOPIC_ON_LIST: &str = "That topic is already on the list for this breach.";
pub const PROPOSAL_WAITING: &str = "A proposal for this breach is already waiting. It needs an answer, or to be withdrawn, before there can be another.";
pub const LAST_STAGE: &str = "Attach is the last stage, so there is no stage to move on to.";
pub const FIRST_STAGE: &str = "Atone is the first stage, so there is no stage to go back to.";
pub const PROPOSAL_CLOSED: &str = "This proposal has already been answered or withdrawn.";
pub const STAGE_NOT_YOURS: &str = "Only the partner who was hurt by this breach says when a stage feels complete. Your proposal waits for them.";
pub const WITHDRAW_NOT_YOURS: &str = "Only the partner who made a proposal can withdraw it.";
pub const GOAL_REACHED: &str = "This goal has already been reached.";
pub const GOAL_MARKED: &str = "This goal is already marked as reached and waits for confirmation.";
pub const GOAL_NOT_MARKED: &str =
    "This goal hasn't been marked as reached yet. Either of you can mark it.";
pub const OWN_MARK: &str = "You marked this goal as reached, so your partner confirms it: a goal is reached when you both say so.";

/// The events a command produces. `own_up` says which breaches exist and who was hurt in
/// each; `partner` is the other partner (who must have joined).
pub fn decide(
    state: &Reconnect,
    own_up: &OwnUp,
    partner: Option<PersonId>,
    command: Command,
    ctx: &Ctx,
) -> Result<Vec<Event>, ReconnectError> {
    partner.ok_or(ReconnectError::NotNow(NO_PARTNER))?;
    let me = ctx.actor;
    let event = match command {
        Command::WriteAppreciation { id, text } => {
            if state.appreciations.iter().rev().any(|a| a.id == id) {
                return Err(ReconnectError::NotNow(ALREADY_RECORDED));
            }
            if state.appreciations_today(me, ctx.now_us) >= limits::APPRECIATIONS_PER_DAY {
                return Err(ReconnectError::NotNow(DAILY_LIMIT));
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
                return Err(ReconnectError::NotNow(ALREADY_RECORDED));
            }
            let earliest = ctx.now_us.saturating_sub(limits::PLAN_PAST_DAYS * DAY_US);
            let latest = ctx.now_us.saturating_add(limits::PLAN_AHEAD_DAYS * DAY_US);
            if when_us < earliest {
                return Err(ReconnectError::Invalid(
                    "That time is more than a week ago. Please choose a time from the last few days or ahead.".into(),
                ));
            }
            if when_us > latest {
                return Err(ReconnectError::Invalid(
                    "That time is more than a year ahead. Something that far off may fit better as a shared goal.".into(),
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
            let t = state.plan(plan).ok_or(ReconnectError::NotFound)?;
            if t.logged.is_some() {
                return Err(ReconnectError::NotNow(ALREADY_LOGGED));
            }
            if ctx.now_us < t.when_us {
                return Err(ReconnectError::NotNow(NOT_YET_HAPPENED));
            }
            Event::TimeLogged(TimeLogged { plan })
        }
        Command::SayHowItFelt { plan, felt, note } => {
            let t = state.plan(plan).ok_or(ReconnectError::NotFound)?;
            if t.logged.is_none() {
                return Err(ReconnectError::NotNow(NOT_LOGGED));
            }
            if t.felt_by(me).is_some() {
                return Err(ReconnectError::NotNow(ALREADY_FELT));
            }
            Event::TimeRated(TimeRated {
                plan,
                felt,
                note: note.map(|n| n.0),
            })
        }
        Command::AddIdea { id, text } => {
            if state.own_ideas.iter().any(|i| i.id == id) {
                return Err(ReconnectError::NotNow(ALREADY_RECORDED));
            }
            let known = IDEAS
                .iter()
                .copied()
                .chain(state.own_ideas.iter().map(|i| i.text.as_str()));
            if known.into_iter().any(|idea| same_words(idea, &text.0)) {
                return Err(ReconnectError::NotNow(IDEA_ON_LIST));
            }
            Event::IdeaAdded(IdeaAdded {
                idea: id,
                text: text.0,
            })
        }
        Command::SetPace {
            breach,
            topic,
            readiness,
        } => {
            let b = own_up.breach(breach).ok_or(ReconnectError::NotFound)?;
            let pace = state.pace(breach);
            if let Topic::Custom(id) = topic
                && pace.and_then(|p| p.custom_topic(id)).is_none()
            {
                return Err(ReconnectError::NotFound);
            }
            if b.hurt != me {
                return Err(ReconnectError::NotYours(PACE_NOT_YOURS));
            }
            if pace.and_then(|p| p.readiness(topic)) == Some(readiness) {
                return Err(ReconnectError::NotNow(PACE_UNCHANGED));
            }
            Event::PaceSet(PaceSet {
                breach,
                topic,
                readiness,
            })
        }
        Command::AddPaceTopic { breach, id, text } => {
            own_up.breach(breach).ok_or(ReconnectError::NotFound)?;
            let topics = state.pace_topics(breach);
            if topics.iter().any(|t| t.topic == Topic::Custom(id)) {
                return Err(ReconnectError::NotNow(ALREADY_RECORDED));
            }
            if topics.iter().any(|t| same_words(t.label, &text.0)) {
                return Err(ReconnectError::NotNow(TOPIC_ON_LIST));
            }
            Event::PaceTopicAdded(PaceTopicAdded {
                breach,
                topic: id,
                text: text.0,
            })
        }
        Command::ProposeStage {
            breach,
            id,
            direction,
        } => {
            let b = own_up.breach(breach).ok_or(ReconnectError::NotFound)?;
            if state.pending_stage(breach).is_some() {
                return Err(ReconnectError::NotNow(PROPOSAL_WAITING));
            }
            let track = state.stage_track(breach);
            if track.is_some_and(|t| t.proposals.iter().any(|p| p.id == id)) {
                return Err(ReconnectError::NotNow(ALREADY_RECORDED));
            }
            let from = state.stage(breach);
            let to = match direction {
                Direction::On => from.next().ok_or(ReconnectError::NotNow(LAST_STAGE))?,
                Direction::Back => from.previous().ok_or(ReconnectError::NotNow(FIRST_STAGE))?,
            };
            let proposed = Event::StageProposed(StageProposed {
                breach,
                proposal: id,
                from,
                to,
            });
            // The hurt partner's word is the confirmation, so their proposal takes effect now.
            return Ok(if b.hurt == me {
                vec![
                    proposed,
                    Event::StageConfirmed(StageAnswered {
                        breach,
                        proposal: id,
                    }),
                ]
            } else {
                vec![proposed]
            });
        }
        Command::ConfirmStage { breach, proposal } => {
            let b = own_up.breach(breach).ok_or(ReconnectError::NotFound)?;
            pending_proposal(state, breach, proposal)?;
            if b.hurt != me {
                return Err(ReconnectError::NotYours(STAGE_NOT_YOURS));
            }
            Event::StageConfirmed(StageAnswered { breach, proposal })
        }
        Command::DeclineStage { breach, proposal } => {
            let b = own_up.breach(breach).ok_or(ReconnectError::NotFound)?;
            pending_proposal(state, breach, proposal)?;
            if b.hurt != me {
                return Err(ReconnectError::NotYours(STAGE_NOT_YOURS));
            }
            Event::StageDeclined(StageAnswered { breach, proposal })
        }
        Command::WithdrawStage { breach, proposal } => {
            own_up.breach(breach).ok_or(ReconnectError::NotFound)?;
            let p = pending_proposal(state, breach, proposal)?;
            if p.by != me {
                return Err(ReconnectError::NotYours(WITHDRAW_NOT_YOURS));
            }
            Event::StageWithdrawn(StageAnswered { breach, proposal })
        }
        Command::SetGoal { id, text, target } => {
            if state.goal(id).is_some() {
                return Err(ReconnectError::NotNow(ALREADY_RECORDED));
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
            let g = state.goal(goal).ok_or(ReconnectError::NotFound)?;
            match g.status() {
                GoalStatus::Reached => return Err(ReconnectError::NotNow(GOAL_REACHED)),
                GoalStatus::Marked => return Err(ReconnectError::NotNow(GOAL_MARKED)),
                GoalStatus::Open => {}
            }
            Event::GoalMarkedReached(GoalNamed { goal })
        }
        Command::ConfirmGoal { goal } => {
            let g = state.goal(goal).ok_or(ReconnectError::NotFound)?;
            let mark = match (g.status(), g.marked) {
                (GoalStatus::Reached, _) => return Err(ReconnectError::NotNow(GOAL_REACHED)),
                (_, None) => return Err(ReconnectError::NotNow(GOAL_NOT_MARKED)),
                (_, Some(mark)) => mark,
            };
            if mark.by == me {
                return Err(ReconnectError::NotYours(OWN_MARK));
            }
            Event::GoalConfirmed(GoalNamed { goal })
        }
    };
    Ok(vec![event])
}

/// The waiting proposal with this id: `NotFound` if there never was one, `NotNow` if it has
/// already been answered (a page opened before the answer).
fn pending_proposal(
    state: &Reconnect,
    breach: EntryId,
    proposal: EntryId,
) -> Result<&Proposal, ReconnectError> {
    let track = state.stage_track(breach).ok_or(ReconnectError::NotFound)?;
    let p = track
        .proposals
        .iter()
        .find(|p| p.id == proposal)
        .ok_or(ReconnectError::NotFound)?;
    if p.outcome.is_some() {
        return Err(ReconnectError::NotNow(PROPOSAL_CLOSED));
    }
    Ok(p)
}

/// A target date may not lie in the past. "Yesterday" in UTC is still allowed, because the
/// person's own today can be UTC's yesterday (in the Americas, in the evening).
fn check_target(target: TargetDate, now_us: i64) -> Result<(), ReconnectError> {
    let today = date_of_day(day_of(now_us))
        .ok_or_else(|| ReconnectError::Invalid("The clock is out of range.".into()))?;
    if target.date() < today.yesterday().unwrap_or(today) {
        return Err(ReconnectError::Invalid(
            "That target date has already passed. Please choose a date from today on.".into(),
        ));
    }
    if i32::from(target.date().year()) > i32::from(today.year()) + limits::TARGET_AHEAD_YEARS {
        return Err(ReconnectError::Invalid(
            "Please check the year of the target date.".into(),
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::ownup::{self, BreachKind, BreachRecorded};

    /// Wednesday 2026-11-18, 10:00 UTC.
    const START_US: i64 = 1_794_996_000_000_000;
    const HOUR_US: i64 = 3_600_000_000;

    /// A couple with one breach, in which `hurt` was hurt by `broke`.
    struct Couple {
        hurt: PersonId,
        broke: PersonId,
        breach: EntryId,
        own_up: OwnUp,
        state: Reconnect,
        now_us: i64,
    }

    impl Couple {
        fn new() -> Self {
            let hurt = PersonId::random();
            let broke = PersonId::random();
            let mut c = Self {
                hurt,
                broke,
                breach: EntryId::random(),
                own_up: OwnUp::default(),
                state: Reconnect::default(),
                now_us: START_US,
            };
            c.breach = c.given_breach(broke, hurt);
            c
        }

        /// given: a breach in which `hurt` was hurt by `broke`.
        fn given_breach(&mut self, broke: PersonId, hurt: PersonId) -> EntryId {
            let id = EntryId::random();
            ownup::apply(
                &mut self.own_up,
                hurt,
                Some(broke),
                self.now_us,
                ownup::Event::BreachRecorded(BreachRecorded {
                    breach: id,
                    title: "The messages".into(),
                    kind: BreachKind::Lying,
                    broke_trust: broke,
                    hurt,
                    discovered_on: "2026-10-02".into(),
                }),
            );
            id
        }

        fn partner_of(&self, actor: PersonId) -> PersonId {
            if actor == self.hurt {
                self.broke
            } else {
                self.hurt
            }
        }

        /// when: `actor` issues `command`; the produced events are applied (so later steps see them).
        fn when(
            &mut self,
            actor: PersonId,
            command: Command,
        ) -> Result<Vec<Event>, ReconnectError> {
            let ctx = Ctx {
                actor,
                now_us: self.now_us,
            };
            let partner = self.partner_of(actor);
            let events = decide(&self.state, &self.own_up, Some(partner), command, &ctx)?;
            for e in &events {
                apply(
                    &mut self.state,
                    actor,
                    Some(partner),
                    self.now_us,
                    e.clone(),
                );
            }
            Ok(events)
        }

        fn appreciate(&mut self, actor: PersonId) -> Result<Vec<Event>, ReconnectError> {
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
        ) -> Result<Vec<Event>, ReconnectError> {
            self.when(
                actor,
                Command::SayHowItFelt {
                    plan,
                    felt: Rating::parse(rating).expect("valid"),
                    note: FeltNote::parse_optional("It was easy to talk.").expect("valid"),
                },
            )
        }

        fn propose(
            &mut self,
            actor: PersonId,
            direction: Direction,
        ) -> Result<EntryId, ReconnectError> {
            let id = EntryId::random();
            self.when(
                actor,
                Command::ProposeStage {
                    breach: self.breach,
                    id,
                    direction,
                },
            )?;
            Ok(id)
        }

        fn confirm(
            &mut self,
            actor: PersonId,
            proposal: EntryId,
        ) -> Result<Vec<Event>, ReconnectError> {
            self.when(
                actor,
                Command::ConfirmStage {
                    breach: self.breach,
                    proposal,
                },
            )
        }

        fn set_pace(
            &mut self,
            actor: PersonId,
            topic: Topic,
            readiness: Readiness,
        ) -> Result<Vec<Event>, ReconnectError> {
            self.when(
                actor,
                Command::SetPace {
                    breach: self.breach,
                    topic,
                    readiness,
                },
            )
        }

        fn goal(&mut self, target: Option<&str>) -> Result<EntryId, ReconnectError> {
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
        assert_eq!(
            c.appreciate(c.broke),
            Err(ReconnectError::NotNow(DAILY_LIMIT))
        );
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
        let weeks = Reconnect::default().weekly_appreciations(new_year_us, 2, None);
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
            Command::SetPace {
                breach: c.breach,
                topic: Topic::Future,
                readiness: Readiness::Ready,
            },
        ];
        for command in commands {
            assert_eq!(
                decide(&c.state, &c.own_up, None, command, &ctx),
                Err(ReconnectError::NotNow(NO_PARTNER))
            );
        }
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
            Err(ReconnectError::NotNow(NOT_YET_HAPPENED))
        );
        assert_eq!(
            c.felt(c.hurt, plan, "4"),
            Err(ReconnectError::NotNow(NOT_LOGGED))
        );
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
            Err(ReconnectError::NotNow(ALREADY_LOGGED))
        );
        assert_eq!(
            c.state.waiting_for(c.broke, &c.own_up),
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
            Err(ReconnectError::NotNow(ALREADY_FELT))
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
            Err(ReconnectError::NotFound)
        );
        assert_eq!(c.felt(c.hurt, unknown, "3"), Err(ReconnectError::NotFound));
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
            Err(ReconnectError::Invalid(_))
        ));
        assert!(matches!(
            c.when(c.hurt, plan(START_US + 400 * DAY_US)),
            Err(ReconnectError::Invalid(_))
        ));
        assert!(matches!(
            c.when(c.hurt, plan(i64::MIN)),
            Err(ReconnectError::Invalid(_))
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
            Err(ReconnectError::NotNow(IDEA_ON_LIST))
        );
        assert_eq!(
            c.when(c.broke, add(IDEAS[0])),
            Err(ReconnectError::NotNow(IDEA_ON_LIST))
        );
    }

    // ---- pace ----

    #[test]
    fn the_hurt_partner_sets_the_pace_and_every_change_is_kept() {
        let mut c = Couple::new();
        assert_eq!(c.state.readiness(c.breach, Topic::PhysicalIntimacy), None);
        c.set_pace(c.hurt, Topic::PhysicalIntimacy, Readiness::NotYet)
            .expect("set");
        c.now_us += DAY_US;
        c.set_pace(c.hurt, Topic::PhysicalIntimacy, Readiness::OpenToTalk)
            .expect("changed");
        assert_eq!(
            c.state.readiness(c.breach, Topic::PhysicalIntimacy),
            Some(Readiness::OpenToTalk)
        );
        let history: Vec<_> = c
            .state
            .pace(c.breach)
            .expect("pace")
            .history_of(Topic::PhysicalIntimacy)
            .map(|ch| (ch.from, ch.to, ch.by, ch.at_us))
            .collect();
        assert_eq!(
            history,
            vec![
                (None, Readiness::NotYet, c.hurt, START_US),
                (
                    Some(Readiness::NotYet),
                    Readiness::OpenToTalk,
                    c.hurt,
                    START_US + DAY_US
                ),
            ]
        );
        assert_eq!(
            c.set_pace(c.hurt, Topic::PhysicalIntimacy, Readiness::OpenToTalk),
            Err(ReconnectError::NotNow(PACE_UNCHANGED))
        );
    }

    #[test]
    fn the_other_partner_cannot_change_the_pace() {
        let mut c = Couple::new();
        assert_eq!(
            c.set_pace(c.broke, Topic::Outings, Readiness::Ready),
            Err(ReconnectError::NotYours(PACE_NOT_YOURS))
        );
        assert_eq!(c.state.readiness(c.breach, Topic::Outings), None);
        assert!(c.state.paces.is_empty(), "nothing is written");
    }

    #[test]
    fn pace_belongs_to_the_hurt_partner_of_each_breach() {
        let mut c = Couple::new();
        // In a second breach the roles are the other way round.
        let other = c.given_breach(c.hurt, c.broke);
        let set = |breach, readiness| Command::SetPace {
            breach,
            topic: Topic::TellingOthers,
            readiness,
        };
        c.when(c.broke, set(other, Readiness::Ready))
            .expect("hurt in the second breach");
        assert!(matches!(
            c.when(c.hurt, set(other, Readiness::NotYet)),
            Err(ReconnectError::NotYours(_))
        ));
        assert_eq!(
            c.state.readiness(c.breach, Topic::TellingOthers),
            None,
            "each breach has its own pace"
        );
    }

    #[test]
    fn pace_for_an_unknown_breach_or_topic_is_not_found() {
        let mut c = Couple::new();
        assert_eq!(
            c.when(
                c.hurt,
                Command::SetPace {
                    breach: EntryId::random(),
                    topic: Topic::Future,
                    readiness: Readiness::Ready
                }
            ),
            Err(ReconnectError::NotFound)
        );
        assert_eq!(
            c.set_pace(c.hurt, Topic::Custom(EntryId::random()), Readiness::Ready),
            Err(ReconnectError::NotFound)
        );
        assert_eq!(
            c.when(
                c.broke,
                Command::AddPaceTopic {
                    breach: EntryId::random(),
                    id: EntryId::random(),
                    text: TopicText::parse("Holidays").expect("valid"),
                }
            ),
            Err(ReconnectError::NotFound)
        );
    }

    #[test]
    fn either_partner_adds_a_topic_and_only_the_hurt_partner_sets_it() {
        let mut c = Couple::new();
        let topic = EntryId::random();
        let breach = c.breach;
        let add = |id, text: &str| Command::AddPaceTopic {
            breach,
            id,
            text: TopicText::parse(text).expect("valid"),
        };
        c.when(c.broke, add(topic, "Visiting my parents together"))
            .expect("the repairing partner may suggest a topic");
        assert_eq!(
            c.when(
                c.hurt,
                add(EntryId::random(), "visiting my parents together ")
            ),
            Err(ReconnectError::NotNow(TOPIC_ON_LIST))
        );
        assert_eq!(
            c.when(c.hurt, add(EntryId::random(), "Physical intimacy")),
            Err(ReconnectError::NotNow(TOPIC_ON_LIST))
        );
        assert!(matches!(
            c.set_pace(c.broke, Topic::Custom(topic), Readiness::Ready),
            Err(ReconnectError::NotYours(_))
        ));
        c.set_pace(c.hurt, Topic::Custom(topic), Readiness::OpenToTalk)
            .expect("set");
        let topics: Vec<_> = c
            .state
            .pace_topics(c.breach)
            .iter()
            .map(|t| (t.label.to_owned(), t.readiness))
            .collect();
        assert_eq!(
            topics,
            vec![
                ("Physical intimacy".to_owned(), None),
                ("Going out as a couple".to_owned(), None),
                ("Telling family or friends".to_owned(), None),
                ("Talking about our future".to_owned(), None),
                (
                    "Visiting my parents together".to_owned(),
                    Some(Readiness::OpenToTalk)
                ),
            ]
        );
    }

    // ---- stages ----

    #[test]
    fn a_proposal_to_move_on_waits_for_the_hurt_partner() {
        let mut c = Couple::new();
        assert_eq!(c.state.stage(c.breach), Stage::Atone);
        let p = c.propose(c.broke, Direction::On).expect("proposed");
        assert_eq!(c.state.stage(c.breach), Stage::Atone, "not yet confirmed");
        assert_eq!(
            c.state.waiting_for(c.hurt, &c.own_up),
            vec![Waiting::ConfirmStage {
                breach: c.breach,
                proposal: p
            }]
        );
        assert_eq!(
            c.confirm(c.broke, p),
            Err(ReconnectError::NotYours(STAGE_NOT_YOURS))
        );
        assert_eq!(c.state.stage(c.breach), Stage::Atone);
        c.now_us += HOUR_US;
        c.confirm(c.hurt, p).expect("confirmed");
        assert_eq!(c.state.stage(c.breach), Stage::Attune);
        let track = c.state.stage_track(c.breach).expect("track");
        let change = track.changes().next().expect("a change");
        assert_eq!(
            (change.from, change.to, change.by),
            (Stage::Atone, Stage::Attune, c.broke)
        );
        assert_eq!(
            change.outcome,
            Some(Outcome {
                kind: OutcomeKind::Confirmed,
                by: c.hurt,
                at_us: START_US + HOUR_US
            })
        );
        assert_eq!(
            c.confirm(c.hurt, p),
            Err(ReconnectError::NotNow(PROPOSAL_CLOSED))
        );
    }

    #[test]
    fn the_hurt_partners_own_proposal_takes_effect_at_once() {
        let mut c = Couple::new();
        let id = EntryId::random();
        let events = c
            .when(
                c.hurt,
                Command::ProposeStage {
                    breach: c.breach,
                    id,
                    direction: Direction::On,
                },
            )
            .expect("moved on");
        assert_eq!(
            events.iter().map(Event::kind).collect::<Vec<_>>(),
            vec!["stage.proposed", "stage.confirmed"]
        );
        assert_eq!(c.state.stage(c.breach), Stage::Attune);
        assert!(c.state.pending_stage(c.breach).is_none());
    }

    #[test]
    fn going_back_a_stage_is_allowed_and_recorded() {
        let mut c = Couple::new();
        c.propose(c.hurt, Direction::On).expect("to attune");
        c.propose(c.hurt, Direction::On).expect("to attach");
        let back = c.propose(c.broke, Direction::Back).expect("proposed back");
        c.confirm(c.hurt, back).expect("back confirmed");
        assert_eq!(c.state.stage(c.breach), Stage::Attune);
        let changes: Vec<_> = c
            .state
            .stage_track(c.breach)
            .expect("track")
            .changes()
            .map(|p| (p.from, p.to, p.is_back()))
            .collect();
        assert_eq!(
            changes,
            vec![
                (Stage::Atone, Stage::Attune, false),
                (Stage::Attune, Stage::Attach, false),
                (Stage::Attach, Stage::Attune, true),
            ]
        );
    }

    #[test]
    fn there_is_no_stage_before_atone_or_after_attach() {
        let mut c = Couple::new();
        assert_eq!(
            c.propose(c.broke, Direction::Back),
            Err(ReconnectError::NotNow(FIRST_STAGE))
        );
        c.propose(c.hurt, Direction::On).expect("attune");
        c.propose(c.hurt, Direction::On).expect("attach");
        assert_eq!(
            c.propose(c.broke, Direction::On),
            Err(ReconnectError::NotNow(LAST_STAGE))
        );
    }

    #[test]
    fn a_declined_proposal_changes_nothing_and_one_waits_at_a_time() {
        let mut c = Couple::new();
        let p = c.propose(c.broke, Direction::On).expect("proposed");
        assert_eq!(
            c.propose(c.broke, Direction::On),
            Err(ReconnectError::NotNow(PROPOSAL_WAITING))
        );
        assert_eq!(
            c.when(
                c.broke,
                Command::DeclineStage {
                    breach: c.breach,
                    proposal: p
                }
            ),
            Err(ReconnectError::NotYours(STAGE_NOT_YOURS))
        );
        c.when(
            c.hurt,
            Command::DeclineStage {
                breach: c.breach,
                proposal: p,
            },
        )
        .expect("declined");
        assert_eq!(c.state.stage(c.breach), Stage::Atone);
        let track = c.state.stage_track(c.breach).expect("track");
        assert_eq!(track.changes().count(), 0);
        assert_eq!(
            track.proposals[0].outcome.map(|o| o.kind),
            Some(OutcomeKind::Declined)
        );
        c.propose(c.broke, Direction::On)
            .expect("a new proposal later");
    }

    #[test]
    fn only_the_proposer_withdraws_and_a_withdrawn_proposal_cannot_be_confirmed() {
        let mut c = Couple::new();
        let p = c.propose(c.broke, Direction::On).expect("proposed");
        let breach = c.breach;
        let withdraw = |proposal| Command::WithdrawStage { breach, proposal };
        assert_eq!(
            c.when(c.hurt, withdraw(p)),
            Err(ReconnectError::NotYours(WITHDRAW_NOT_YOURS))
        );
        c.when(c.broke, withdraw(p)).expect("withdrawn");
        assert!(c.state.pending_stage(c.breach).is_none());
        assert_eq!(
            c.confirm(c.hurt, p),
            Err(ReconnectError::NotNow(PROPOSAL_CLOSED))
        );
        assert_eq!(c.state.stage(c.breach), Stage::Atone);
    }

    #[test]
    fn stages_of_an_unknown_breach_or_proposal_are_not_found() {
        let mut c = Couple::new();
        assert_eq!(
            c.when(
                c.hurt,
                Command::ProposeStage {
                    breach: EntryId::random(),
                    id: EntryId::random(),
                    direction: Direction::On
                }
            ),
            Err(ReconnectError::NotFound)
        );
        assert_eq!(
            c.confirm(c.hurt, EntryId::random()),
            Err(ReconnectError::NotFound)
        );
        c.propose(c.broke, Direction::On).expect("proposed");
        assert_eq!(
            c.confirm(c.hurt, EntryId::random()),
            Err(ReconnectError::NotFound)
        );
    }

    #[test]
    fn every_stage_says_what_it_is_about_and_what_fits_it() {
        for stage in Stage::ALL {
            assert!(!stage.about().is_empty());
            assert!(!stage.tagline().is_empty());
            assert!(stage.practices().len() >= 3, "{}", stage.name());
            assert_eq!(Stage::parse(stage.as_str()), Ok(stage));
        }
        assert_eq!(Stage::Atone.next(), Some(Stage::Attune));
        assert_eq!(Stage::Attach.previous(), Some(Stage::Attune));
    }

    // ---- goals ----

    #[test]
    fn a_goal_is_reached_when_the_other_partner_confirms_the_mark() {
        let mut c = Couple::new();
        let g = c.goal(Some("2027-06-01")).expect("set");
        assert_eq!(
            c.when(c.hurt, Command::ConfirmGoal { goal: g }),
            Err(ReconnectError::NotNow(GOAL_NOT_MARKED))
        );
        c.when(c.hurt, Command::MarkGoalReached { goal: g })
            .expect("marked");
        assert_eq!(
            c.when(c.hurt, Command::MarkGoalReached { goal: g }),
            Err(ReconnectError::NotNow(GOAL_MARKED))
        );
        assert_eq!(
            c.when(c.hurt, Command::ConfirmGoal { goal: g }),
            Err(ReconnectError::NotYours(OWN_MARK))
        );
        assert!(c.state.reached_goals().is_empty());
        assert_eq!(
            c.state.waiting_for(c.broke, &c.own_up),
            vec![Waiting::ConfirmGoal(g)]
        );
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
            Err(ReconnectError::NotNow(GOAL_REACHED))
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
            assert_eq!(c.when(c.hurt, command), Err(ReconnectError::NotFound));
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
            Err(ReconnectError::Invalid(_))
        ));
        assert!(matches!(
            c.goal(Some("2099-01-01")),
            Err(ReconnectError::Invalid(_))
        ));
        assert!(c.state.goals.is_empty());
        c.goal(Some("2026-11-17"))
            .expect("UTC's yesterday can be the person's today");
    }

    // ---- input ----

    #[test]
    fn texts_are_refused_when_empty_too_long_or_holding_control_characters() {
        type Parse = fn(&str) -> bool;
        let fields: [(Parse, usize); 6] = [
            (
                |s| AppreciationText::parse(s).is_ok(),
                AppreciationText::MAX,
            ),
            (|s| Activity::parse(s).is_ok(), Activity::MAX),
            (|s| FeltNote::parse(s).is_ok(), FeltNote::MAX),
            (|s| IdeaText::parse(s).is_ok(), IdeaText::MAX),
            (|s| TopicText::parse(s).is_ok(), TopicText::MAX),
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
        assert_eq!(
            (IdeaText::MAX, TopicText::MAX, GoalText::MAX),
            (200, 80, 300)
        );
        assert!(AppreciationText::parse("Thank you\nfor listening").is_ok());
        assert!(Activity::parse("Dinner\nand a film").is_err(), "one line");
        assert_eq!(FeltNote::parse_optional(" "), Ok(None));
    }

    #[test]
    fn choices_outside_the_lists_are_refused() {
        for bad in ["", "0", "6", "-1", "three", "3.5"] {
            assert!(Rating::parse(bad).is_err(), "{bad}");
        }
        assert_eq!(Rating::parse(" 5 ").map(Rating::get), Ok(5));
        for bad in ["", "maybe", "Ready", "not yet"] {
            assert!(Readiness::parse(bad).is_err(), "{bad}");
        }
        assert_eq!(Readiness::parse("open_to_talk"), Ok(Readiness::OpenToTalk));
        assert!(Topic::parse("holidays").is_err());
        assert_eq!(Topic::parse("future"), Ok(Topic::Future));
        let custom = EntryId::random();
        assert_eq!(
            Topic::parse(&Topic::Custom(custom).key()),
            Ok(Topic::Custom(custom))
        );
        assert!(Direction::parse("sideways").is_err());
        assert!(Stage::parse("forgive").is_err());
    }

    // ---- the record ----

    #[test]
    fn events_survive_their_json_round_trip() {
        let (b, id) = (EntryId::random(), EntryId::random());
        let answered = StageAnswered {
            breach: b,
            proposal: id,
        };
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
            Event::PaceSet(PaceSet {
                breach: b,
                topic: Topic::Custom(id),
                readiness: Readiness::OpenToTalk,
            }),
            Event::PaceSet(PaceSet {
                breach: b,
                topic: Topic::PhysicalIntimacy,
                readiness: Readiness::NotYet,
            }),
            Event::PaceTopicAdded(PaceTopicAdded {
                breach: b,
                topic: id,
                text: "Holidays".into(),
            }),
            Event::StageProposed(StageProposed {
                breach: b,
                proposal: id,
                from: Stage::Attach,
                to: Stage::Attune,
            }),
            Event::StageConfirmed(answered.clone()),
            Event::StageDeclined(answered.clone()),
            Event::StageWithdrawn(answered),
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
        let pace = Event::PaceSet(PaceSet {
            breach: b,
            topic: Topic::Future,
            readiness: Readiness::Ready,
        })
        .body();
        assert!(pace.contains("\"readiness\":\"ready\""), "{pace}");
        assert_eq!(
            Event::parse("pace.set", &pace.replace("\"ready\"", "\"maybe\"")),
            None
        );
        let rated = format!("{{\"plan\":\"{id}\",\"felt\":9,\"note\":null}}");
        assert_eq!(Event::parse("time.rated", &rated), None);
        let goal = format!("{{\"goal\":\"{id}\",\"text\":\"x\",\"target\":\"2027-02-30\"}}");
        assert_eq!(Event::parse("goal.set", &goal), None);
        assert_eq!(Event::parse("stage.skipped", "{}"), None);
    }

    #[test]
    fn events_that_do_not_fit_change_nothing() {
        let mut c = Couple::new();
        let before = c.state.clone();
        let stray = StageAnswered {
            breach: c.breach,
            proposal: EntryId::random(),
        };
        apply(
            &mut c.state,
            c.hurt,
            Some(c.broke),
            START_US,
            Event::StageConfirmed(stray),
        );
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
        let p = c.propose(c.broke, Direction::On).expect("proposed");
        apply(
            &mut c.state,
            c.hurt,
            Some(c.broke),
            START_US,
            Event::StageWithdrawn(StageAnswered {
                breach: c.breach,
                proposal: p,
            }),
        );
        assert!(
            c.state.pending_stage(c.breach).is_some(),
            "only the proposer's withdrawal folds"
        );
    }
}
