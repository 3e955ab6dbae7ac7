//! Repair: the hurt partner's pace on each breach, topic by topic, and the stages each
//! breach's repair moves through (atone, attune, attach).
//!
//! This module owns pace and stages and their rules. It reads breaches (and who was hurt in
//! each) from [`OwnUp`] and never changes them. Nothing here reads the clock or does I/O: the
//! present arrives as `now_us` in [`Ctx`].
//!
//! Why the rules are what they are:
//! - Pace belongs to the hurt partner of each breach. Only they say how ready they are; the
//!   other partner sees it plainly and may suggest a topic, never set one.
//! - Either partner may propose moving on or back a stage, but only the hurt partner says a
//!   stage feels complete. So a proposal by the hurt partner takes effect at once (recorded as
//!   proposed and confirmed, so the history reads the same either way). Going back is not a
//!   failure: it is allowed and recorded like any other change.

use serde::{Deserialize, Serialize};

use super::input::{InputError, Lines, same_words};
use super::ownup::OwnUp;
use super::{Ctx, EntryId, PersonId, Refusal};

/// Limits for each kind of input. Shown on the pages beside each field.
pub mod limits {
    /// A topic the couple adds to a breach's pace, in characters.
    pub const TOPIC: usize = 80;
}

// ---- validated input ---------------------------------------------------------------------

text_type!(
    /// A topic the couple adds to a breach's pace.
    TopicText,
    "The topic",
    limits::TOPIC,
    Lines::One
);

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
    /// Hearing appreciation and marking progress together: until the hurt partner is open
    /// to it, the app neither asks for appreciations nor celebrates milestones.
    Appreciation,
    Custom(EntryId),
}

impl Topic {
    /// The topics every breach has, in the order they are shown.
    pub const STANDARD: [Self; 5] = [
        Self::Appreciation,
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
            Self::Appreciation => "appreciation".into(),
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
            Self::Appreciation => Some("Hearing appreciation and marking progress"),
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
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CustomTopic {
    pub id: EntryId,
    pub text: String,
    pub added_by: PersonId,
    pub at_us: i64,
}

/// One change of readiness, kept so both can see how the pace moved.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct PaceChange {
    pub topic: Topic,
    /// `None` the first time it is set.
    pub from: Option<Readiness>,
    pub to: Readiness,
    pub by: PersonId,
    pub at_us: i64,
}

/// The pace of one breach: its added topics and every change of readiness, oldest first.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
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
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum OutcomeKind {
    Confirmed,
    Declined,
    Withdrawn,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Outcome {
    pub kind: OutcomeKind,
    pub by: PersonId,
    pub at_us: i64,
}

/// A proposal to change a breach's stage; a confirmed one is a stage change.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
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
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
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

// ---- the state ---------------------------------------------------------------------------

/// The pace and stage of every breach in one space, folded from its events. Lists are in
/// record order (oldest first); the queries give the orders pages want.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Repair {
    pub paces: Vec<Pace>,
    pub stages: Vec<StageTrack>,
}

/// Something a partner is asked to act on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Waiting {
    /// A stage change the other partner proposed, for the hurt partner to answer.
    ConfirmStage { breach: EntryId, proposal: EntryId },
}

impl Repair {
    pub fn pace(&self, breach: EntryId) -> Option<&Pace> {
        self.paces.iter().find(|p| p.breach == breach)
    }

    /// The hurt partner's readiness on one topic of one breach; `None` if not said yet.
    pub fn readiness(&self, breach: EntryId, topic: Topic) -> Option<Readiness> {
        self.pace(breach).and_then(|p| p.readiness(topic))
    }

    /// Whether appreciation and milestones are welcome yet: every breach's hurt partner
    /// has said they are open to them (or ready). Before any breach is recorded there is
    /// no one to say so, and the app waits too.
    pub fn open_to_appreciation(&self, own_up: &OwnUp) -> bool {
        !own_up.breaches.is_empty()
            && own_up.breaches.iter().all(|b| {
                matches!(
                    self.readiness(b.id, Topic::Appreciation),
                    Some(Readiness::OpenToTalk | Readiness::Ready)
                )
            })
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
        stages.collect()
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
}

// ---- events ------------------------------------------------------------------------------

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

/// The pace and stage events, by kind.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Event {
    PaceSet(PaceSet),
    PaceTopicAdded(PaceTopicAdded),
    StageProposed(StageProposed),
    StageConfirmed(StageAnswered),
    StageDeclined(StageAnswered),
    StageWithdrawn(StageAnswered),
}

event_kinds!(
    PaceSet => "pace.set",
    PaceTopicAdded => "pace.topic_added",
    StageProposed => "stage.proposed",
    StageConfirmed => "stage.confirmed",
    StageDeclined => "stage.declined",
    StageWithdrawn => "stage.withdrawn",
);

/// Folds one event, written by `author` at `at_us`. Events that do not fit the state (which
/// `decide` never produces) change nothing.
pub fn apply(state: &mut Repair, author: PersonId, at_us: i64, event: Event) {
    match event {
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
    }
}

fn answer_stage(
    state: &mut Repair,
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
}

// Refusals, shown to the person as they are; public so pages and tests can match on them.
pub const NO_PARTNER: &str = "Your partner needs to join the space first.";
pub const ALREADY_RECORDED: &str = "This has already been recorded.";
pub const PACE_NOT_YOURS: &str = "How ready your partner feels is theirs to set. You can see it here, and add a topic you'd like them to think about.";
pub const PACE_UNCHANGED: &str = "That is already how it's set.";
pub const TOPIC_ON_LIST: &str = "That topic is already on the list for this breach.";
pub const PROPOSAL_WAITING: &str = "A proposal for this breach is already waiting. It needs an answer, or to be withdrawn, before there can be another.";
pub const LAST_STAGE: &str = "Attach is the last stage, so there is no stage to move on to.";
pub const FIRST_STAGE: &str = "Atone is the first stage, so there is no stage to go back to.";
pub const PROPOSAL_CLOSED: &str = "This proposal has already been answered or withdrawn.";
pub const STAGE_NOT_YOURS: &str = "Only the partner who was hurt by this breach says when a stage feels complete. Your proposal waits for them.";
pub const WITHDRAW_NOT_YOURS: &str = "Only the partner who made a proposal can withdraw it.";

/// The events a command produces. `own_up` says which breaches exist and who was hurt in
/// each; `partner` is the other partner (who must have joined).
pub fn decide(
    state: &Repair,
    own_up: &OwnUp,
    partner: Option<PersonId>,
    command: Command,
    ctx: &Ctx,
) -> Result<Vec<Event>, Refusal> {
    partner.ok_or(Refusal::NotNow(NO_PARTNER))?;
    let me = ctx.actor;
    let event = match command {
        Command::SetPace {
            breach,
            topic,
            readiness,
        } => {
            let b = own_up.breach(breach).ok_or(Refusal::NotFound)?;
            let pace = state.pace(breach);
            if let Topic::Custom(id) = topic
                && pace.and_then(|p| p.custom_topic(id)).is_none()
            {
                return Err(Refusal::NotFound);
            }
            if b.hurt != me {
                return Err(Refusal::NotYours(PACE_NOT_YOURS));
            }
            if pace.and_then(|p| p.readiness(topic)) == Some(readiness) {
                return Err(Refusal::NotNow(PACE_UNCHANGED));
            }
            Event::PaceSet(PaceSet {
                breach,
                topic,
                readiness,
            })
        }
        Command::AddPaceTopic { breach, id, text } => {
            own_up.breach(breach).ok_or(Refusal::NotFound)?;
            let topics = state.pace_topics(breach);
            if topics.iter().any(|t| t.topic == Topic::Custom(id)) {
                return Err(Refusal::NotNow(ALREADY_RECORDED));
            }
            if topics.iter().any(|t| same_words(t.label, &text.0)) {
                return Err(Refusal::NotNow(TOPIC_ON_LIST));
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
            let b = own_up.breach(breach).ok_or(Refusal::NotFound)?;
            if state.pending_stage(breach).is_some() {
                return Err(Refusal::NotNow(PROPOSAL_WAITING));
            }
            let track = state.stage_track(breach);
            if track.is_some_and(|t| t.proposals.iter().any(|p| p.id == id)) {
                return Err(Refusal::NotNow(ALREADY_RECORDED));
            }
            let from = state.stage(breach);
            let to = match direction {
                Direction::On => from.next().ok_or(Refusal::NotNow(LAST_STAGE))?,
                Direction::Back => from.previous().ok_or(Refusal::NotNow(FIRST_STAGE))?,
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
            let b = own_up.breach(breach).ok_or(Refusal::NotFound)?;
            pending_proposal(state, breach, proposal)?;
            if b.hurt != me {
                return Err(Refusal::NotYours(STAGE_NOT_YOURS));
            }
            Event::StageConfirmed(StageAnswered { breach, proposal })
        }
        Command::DeclineStage { breach, proposal } => {
            let b = own_up.breach(breach).ok_or(Refusal::NotFound)?;
            pending_proposal(state, breach, proposal)?;
            if b.hurt != me {
                return Err(Refusal::NotYours(STAGE_NOT_YOURS));
            }
            Event::StageDeclined(StageAnswered { breach, proposal })
        }
        Command::WithdrawStage { breach, proposal } => {
            own_up.breach(breach).ok_or(Refusal::NotFound)?;
            let p = pending_proposal(state, breach, proposal)?;
            if p.by != me {
                return Err(Refusal::NotYours(WITHDRAW_NOT_YOURS));
            }
            Event::StageWithdrawn(StageAnswered { breach, proposal })
        }
    };
    Ok(vec![event])
}

/// The waiting proposal with this id: `NotFound` if there never was one, `NotNow` if it has
/// already been answered (a page opened before the answer).
fn pending_proposal(
    state: &Repair,
    breach: EntryId,
    proposal: EntryId,
) -> Result<&Proposal, Refusal> {
    let track = state.stage_track(breach).ok_or(Refusal::NotFound)?;
    let p = track
        .proposals
        .iter()
        .find(|p| p.id == proposal)
        .ok_or(Refusal::NotFound)?;
    if p.outcome.is_some() {
        return Err(Refusal::NotNow(PROPOSAL_CLOSED));
    }
    Ok(p)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::calendar::DAY_US;

    /// Wednesday 2026-11-18, 10:00 UTC.
    const START_US: i64 = 1_794_996_000_000_000;
    const HOUR_US: i64 = 3_600_000_000;

    type Couple = crate::domain::part::Couple<Repair>;

    impl Couple {
        fn new() -> Self {
            Self::starting_at(START_US)
        }

        fn propose(&mut self, actor: PersonId, direction: Direction) -> Result<EntryId, Refusal> {
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

        fn confirm(&mut self, actor: PersonId, proposal: EntryId) -> Result<Vec<Event>, Refusal> {
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
        ) -> Result<Vec<Event>, Refusal> {
            self.when(
                actor,
                Command::SetPace {
                    breach: self.breach,
                    topic,
                    readiness,
                },
            )
        }
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
            Err(Refusal::NotNow(PACE_UNCHANGED))
        );
    }

    #[test]
    fn the_other_partner_cannot_change_the_pace() {
        let mut c = Couple::new();
        assert_eq!(
            c.set_pace(c.broke, Topic::Outings, Readiness::Ready),
            Err(Refusal::NotYours(PACE_NOT_YOURS))
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
            Err(Refusal::NotYours(_))
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
            Err(Refusal::NotFound)
        );
        assert_eq!(
            c.set_pace(c.hurt, Topic::Custom(EntryId::random()), Readiness::Ready),
            Err(Refusal::NotFound)
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
            Err(Refusal::NotFound)
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
            Err(Refusal::NotNow(TOPIC_ON_LIST))
        );
        assert_eq!(
            c.when(c.hurt, add(EntryId::random(), "Physical intimacy")),
            Err(Refusal::NotNow(TOPIC_ON_LIST))
        );
        assert!(matches!(
            c.set_pace(c.broke, Topic::Custom(topic), Readiness::Ready),
            Err(Refusal::NotYours(_))
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
                ("Hearing appreciation and marking progress".to_owned(), None),
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
            Err(Refusal::NotYours(STAGE_NOT_YOURS))
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
        assert_eq!(c.confirm(c.hurt, p), Err(Refusal::NotNow(PROPOSAL_CLOSED)));
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
            Err(Refusal::NotNow(FIRST_STAGE))
        );
        c.propose(c.hurt, Direction::On).expect("attune");
        c.propose(c.hurt, Direction::On).expect("attach");
        assert_eq!(
            c.propose(c.broke, Direction::On),
            Err(Refusal::NotNow(LAST_STAGE))
        );
    }

    #[test]
    fn a_declined_proposal_changes_nothing_and_one_waits_at_a_time() {
        let mut c = Couple::new();
        let p = c.propose(c.broke, Direction::On).expect("proposed");
        assert_eq!(
            c.propose(c.broke, Direction::On),
            Err(Refusal::NotNow(PROPOSAL_WAITING))
        );
        assert_eq!(
            c.when(
                c.broke,
                Command::DeclineStage {
                    breach: c.breach,
                    proposal: p
                }
            ),
            Err(Refusal::NotYours(STAGE_NOT_YOURS))
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
            Err(Refusal::NotYours(WITHDRAW_NOT_YOURS))
        );
        c.when(c.broke, withdraw(p)).expect("withdrawn");
        assert!(c.state.pending_stage(c.breach).is_none());
        assert_eq!(c.confirm(c.hurt, p), Err(Refusal::NotNow(PROPOSAL_CLOSED)));
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
            Err(Refusal::NotFound)
        );
        assert_eq!(c.confirm(c.hurt, EntryId::random()), Err(Refusal::NotFound));
        c.propose(c.broke, Direction::On).expect("proposed");
        assert_eq!(c.confirm(c.hurt, EntryId::random()), Err(Refusal::NotFound));
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

    #[test]
    fn nothing_is_done_before_the_partner_joins() {
        let c = Couple::new();
        let ctx = Ctx {
            actor: c.hurt,
            now_us: c.now_us,
        };
        let command = Command::SetPace {
            breach: c.breach,
            topic: Topic::Future,
            readiness: Readiness::Ready,
        };
        assert_eq!(
            decide(&c.state, &c.own_up, None, command, &ctx),
            Err(Refusal::NotNow(NO_PARTNER))
        );
    }

    // ---- input ----

    #[test]
    fn topics_are_refused_when_empty_too_long_or_holding_control_characters() {
        let ok = |s: &str| TopicText::parse(s).is_ok();
        let max = TopicText::MAX;
        assert!(ok(&"é".repeat(max)), "the limit counts characters");
        assert!(!ok(&"x".repeat(max + 1)), "over {max}");
        assert!(!ok("   "), "empty");
        assert!(!ok("bell\u{7}"), "control character");
        assert_eq!(TopicText::MAX, 80);
    }

    #[test]
    fn choices_outside_the_lists_are_refused() {
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
        assert_eq!(Event::parse("stage.skipped", "{}"), None);
        assert_eq!(Event::parse("goal.set", "{}"), None, "goals are together's");
    }

    #[test]
    fn events_that_do_not_fit_change_nothing() {
        let mut c = Couple::new();
        let before = c.state.clone();
        let stray = StageAnswered {
            breach: c.breach,
            proposal: EntryId::random(),
        };
        apply(&mut c.state, c.hurt, START_US, Event::StageConfirmed(stray));
        assert_eq!(c.state, before);
        let p = c.propose(c.broke, Direction::On).expect("proposed");
        apply(
            &mut c.state,
            c.hurt,
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
