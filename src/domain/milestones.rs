//! Milestones: what is worth celebrating, and the record that each was shown once.
//!
//! This module owns the kinds of milestone with their wording, the `milestone.shown` event
//! and the fold of celebrations. It does not read the rest of a space: when a milestone was
//! reached is worked out by [`super::progress`] from a finished `SpaceState` and handed to
//! [`decide`], so `space` can hold the celebrations without a circle of imports.

use serde::{Deserialize, Serialize};

/// Check-ins in a row, both partners answering each, for the milestone of that name.
pub const CHECK_INS_IN_A_ROW: usize = 4;
/// Days of promise occurrences kept, with none missed in between.
pub const DAYS_KEPT: i64 = 30;

/// Something worth celebrating. The key is stable: the app records it in the event that
/// marks a milestone as shown.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum MilestoneKind {
    FirstCheckIn,
    CheckInsInARow,
    PromisesKept,
    QuestionsSettled,
    StageMovedOn,
    GoalReached,
    SixMonths,
    TwelveMonths,
}

impl MilestoneKind {
    pub const ALL: [Self; 8] = [
        Self::FirstCheckIn,
        Self::CheckInsInARow,
        Self::PromisesKept,
        Self::QuestionsSettled,
        Self::StageMovedOn,
        Self::GoalReached,
        Self::SixMonths,
        Self::TwelveMonths,
    ];

    pub fn key(self) -> &'static str {
        match self {
            Self::FirstCheckIn => "first-checkin",
            Self::CheckInsInARow => "four-checkins-in-a-row",
            Self::PromisesKept => "thirty-days-kept",
            Self::QuestionsSettled => "questions-settled",
            Self::StageMovedOn => "stage-moved-on",
            Self::GoalReached => "goal-reached",
            Self::SixMonths => "six-months",
            Self::TwelveMonths => "twelve-months",
        }
    }

    pub fn from_key(key: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.key() == key)
    }

    pub fn title(self) -> &'static str {
        match self {
            Self::FirstCheckIn => "Your first check-in together",
            Self::CheckInsInARow => "Four check-ins in a row",
            Self::PromisesKept => "A month of promises kept",
            Self::QuestionsSettled => "Every question settled",
            Self::StageMovedOn => "A new stage",
            Self::GoalReached => "A goal reached together",
            Self::SixMonths => "Six months",
            Self::TwelveMonths => "One year",
        }
    }

    /// One celebratory line.
    pub fn text(self) -> &'static str {
        match self {
            Self::FirstCheckIn => {
                "You both answered a check-in: you have started listening to each other on purpose."
            }
            Self::CheckInsInARow => {
                "Four check-ins in a row, both of you every time. This is becoming a habit you share."
            }
            Self::PromisesKept => {
                "Thirty days of promises kept without a miss. Small things done reliably are how trust grows back."
            }
            Self::QuestionsSettled => {
                "Every question asked so far was answered until it felt settled. That took patience from both of you."
            }
            Self::StageMovedOn => {
                "The repair has reached a new stage, at the pace of the partner who was hurt."
            }
            Self::GoalReached => "You both agree: a goal you set yourselves is reached.",
            Self::SixMonths => {
                "Six months since you began this space. Whatever they held, you kept showing up."
            }
            Self::TwelveMonths => {
                "A year since you began this space, and all of the repair is there to look back on."
            }
        }
    }
}

/// A milestone and the instant the record first made it true.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Milestone {
    pub kind: MilestoneKind,
    pub reached_at_us: i64,
}

impl Milestone {
    pub fn key(&self) -> &'static str {
        self.kind.key()
    }

    pub fn title(&self) -> &'static str {
        self.kind.title()
    }

    pub fn text(&self) -> &'static str {
        self.kind.text()
    }
}

// ---- celebrating once ----------------------------------------------------------------

/// A milestone as the record keeps it once it has been shown: which, and when it was reached
/// when first shown, so the date shown never moves afterwards.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MilestoneShown {
    pub milestone: String,
    pub reached_at_us: i64,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Event {
    Shown(MilestoneShown),
}

event_kinds! {
    Shown => "milestone.shown",
}

/// A milestone that has been shown, and when.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Celebrated {
    pub milestone: Milestone,
    pub shown_at_us: i64,
}

/// The milestones a space has celebrated, in the order they were first shown.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Celebrations {
    pub shown: Vec<Celebrated>,
}

impl Celebrations {
    pub fn has(&self, kind: MilestoneKind) -> bool {
        self.shown.iter().any(|c| c.milestone.kind == kind)
    }
}

/// Folds a milestone event. A kind this version does not know, or one shown before (both
/// partners may open the page at the same moment), changes nothing.
pub fn apply(state: &mut Celebrations, at_us: i64, event: Event) {
    let Event::Shown(e) = event;
    if let Some(kind) = MilestoneKind::from_key(&e.milestone)
        && !state.has(kind)
    {
        state.shown.push(Celebrated {
            milestone: Milestone {
                kind,
                reached_at_us: e.reached_at_us,
            },
            shown_at_us: at_us,
        });
    }
}

/// The events that mark as shown each of `reached` not shown before.
pub fn decide(state: &Celebrations, reached: &[Milestone]) -> Vec<Event> {
    reached
        .iter()
        .filter(|m| !state.has(m.kind))
        .map(|m| {
            Event::Shown(MilestoneShown {
                milestone: m.key().to_owned(),
                reached_at_us: m.reached_at_us,
            })
        })
        .collect()
}
