//! Owning up: breaches, disclosure, questions and answers, apologies, and letters.
//!
//! Roles belong to a breach: the partner who broke trust owns up, discloses and apologizes;
//! the hurt partner asks, settles and responds. Every action is an event; nothing here is
//! edited in place (a correction is a new disclosure entry that points to the old one).

use jiff::civil::Date;
use serde::{Deserialize, Serialize};

use super::calendar::{day_index, utc_date};
use super::input::{InputError, Lines, clean_text};
use super::{Ctx, EntryId, PersonId, Refusal};

/// Limits, in characters, for each kind of text. Shown on the pages beside each field.
pub mod limits {
    pub const TITLE: usize = 120;
    pub const DISCLOSURE: usize = 8_000;
    pub const QUESTION: usize = 1_000;
    pub const ANSWER: usize = 4_000;
    pub const ACCOUNT: usize = 4_000;
    pub const APOLOGY_SECTION: usize = 2_000;
    pub const MISSING: usize = 2_000;
    pub const LETTER: usize = 8_000;
}

/// A checked piece of text for one of the fields above.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Text(String);

impl Text {
    pub fn parse(raw: &str, what: &str, max: usize) -> Result<Self, InputError> {
        clean_text(raw, what, 1, max, Lines::Many).map(Self)
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// What kind of breach of trust it was.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum BreachKind {
    Affair,
    Lying,
    SecretSpending,
    BrokenConfidence,
    ThreatsOrAnger,
    Other,
}

impl BreachKind {
    pub const ALL: [Self; 6] = [
        Self::Affair,
        Self::Lying,
        Self::SecretSpending,
        Self::BrokenConfidence,
        Self::ThreatsOrAnger,
        Self::Other,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Affair => "affair",
            Self::Lying => "lying",
            Self::SecretSpending => "secret_spending",
            Self::BrokenConfidence => "broken_confidence",
            Self::ThreatsOrAnger => "threats_or_anger",
            Self::Other => "other",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Self::Affair => "An affair",
            Self::Lying => "Lying",
            Self::SecretSpending => "Secret spending",
            Self::BrokenConfidence => "A broken confidence",
            Self::ThreatsOrAnger => "Threats or anger",
            Self::Other => "Something else",
        }
    }

    pub fn parse(raw: &str) -> Result<Self, InputError> {
        Self::ALL
            .into_iter()
            .find(|k| k.as_str() == raw)
            .ok_or_else(|| InputError("Please choose what kind of breach this was.".into()))
    }
}

/// How the partner who broke trust answered a breach the hurt partner recorded.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum Acknowledgment {
    /// They recorded it themselves.
    NotNeeded,
    Pending,
    Acknowledged {
        at_us: i64,
    },
    SeesDifferently {
        account: String,
        at_us: i64,
    },
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DisclosureEntry {
    pub id: EntryId,
    pub text: String,
    pub at_us: i64,
    pub corrects: Option<EntryId>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Breach {
    pub id: EntryId,
    pub title: String,
    pub kind: BreachKind,
    pub broke_trust: PersonId,
    pub hurt: PersonId,
    pub discovered_on: String,
    pub recorded_by: PersonId,
    pub recorded_at_us: i64,
    pub acknowledgment: Acknowledgment,
    pub disclosure: Vec<DisclosureEntry>,
}

impl Breach {
    /// Whole UTC calendar days between the first disclosure entry and `entry`; `Some` only
    /// for entries written on a later day than the first account.
    pub fn days_after_first_account(&self, entry: &DisclosureEntry) -> Option<i64> {
        let first = self.disclosure.first()?;
        let days = day_index(utc_date(entry.at_us)?) - day_index(utc_date(first.at_us)?);
        (days > 0).then_some(days)
    }

    /// The entries that correct `entry`.
    pub fn corrections_of(&self, entry: EntryId) -> impl Iterator<Item = &DisclosureEntry> {
        self.disclosure
            .iter()
            .filter(move |e| e.corrects == Some(entry))
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Round {
    pub ask: String,
    pub asked_at_us: i64,
    pub answer: Option<(String, i64)>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum QuestionStatus {
    /// Waiting for the other partner to answer the latest round.
    WaitingForAnswer,
    /// Answered; the asker may settle it or ask again.
    Answered,
    Settled,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Question {
    pub id: EntryId,
    pub breach: Option<EntryId>,
    pub asker: PersonId,
    pub rounds: Vec<Round>,
    pub settled_at_us: Option<i64>,
}

impl Question {
    pub fn status(&self) -> QuestionStatus {
        if self.settled_at_us.is_some() {
            QuestionStatus::Settled
        } else if self.rounds.last().is_some_and(|r| r.answer.is_none()) {
            QuestionStatus::WaitingForAnswer
        } else {
            QuestionStatus::Answered
        }
    }

    pub fn asked_at_us(&self) -> i64 {
        self.rounds.first().map_or(0, |r| r.asked_at_us)
    }

    /// The first round's question, which names the thread.
    pub fn title(&self) -> &str {
        self.rounds.first().map_or("", |r| r.ask.as_str())
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ApologySections {
    pub what_i_did: String,
    pub how_it_affected_you: String,
    pub responsibility: String,
    pub changing: String,
    pub asking: String,
}

impl ApologySections {
    /// The sections with their headings, in the order they are written and read.
    pub fn labelled(&self) -> [(&'static str, &str); 5] {
        [
            ("What I did", &self.what_i_did),
            ("How it affected you", &self.how_it_affected_you),
            ("What I take full responsibility for", &self.responsibility),
            (
                "What I am changing so it does not happen again",
                &self.changing,
            ),
            ("What I ask of you", &self.asking),
        ]
    }

    /// All sections as one text, for the accountability check.
    pub fn joined(&self) -> String {
        self.labelled()
            .iter()
            .map(|(_, t)| *t)
            .collect::<Vec<_>>()
            .join("\n\n")
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ApologyResponseKind {
    Received,
    NotReady,
    SomethingMissing,
}

impl ApologyResponseKind {
    pub fn parse(raw: &str) -> Result<Self, InputError> {
        match raw {
            "received" => Ok(Self::Received),
            "not_ready" => Ok(Self::NotReady),
            "something_missing" => Ok(Self::SomethingMissing),
            _ => Err(InputError("Please choose one of the responses.".into())),
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Self::Received => "Thank you, I received it",
            Self::NotReady => "I'm not ready to respond yet",
            Self::SomethingMissing => "Something is missing",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ApologyResponse {
    pub kind: ApologyResponseKind,
    pub missing: Option<String>,
    pub at_us: i64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Apology {
    pub id: EntryId,
    pub breach: EntryId,
    pub author: PersonId,
    pub recipient: PersonId,
    pub sections: ApologySections,
    pub sent_at_us: i64,
    pub responses: Vec<ApologyResponse>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Letter {
    pub id: EntryId,
    pub author: PersonId,
    pub recipient: PersonId,
    pub text: String,
    pub sent_at_us: i64,
}

/// Everything about owning up in one space, folded from its events.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct OwnUp {
    pub breaches: Vec<Breach>,
    pub questions: Vec<Question>,
    pub apologies: Vec<Apology>,
    pub letters: Vec<Letter>,
}

impl OwnUp {
    pub fn breach(&self, id: EntryId) -> Option<&Breach> {
        self.breaches.iter().find(|b| b.id == id)
    }

    /// Whether `person` is the one who broke trust in any breach recorded here.
    pub fn broke_trust_in_any(&self, person: PersonId) -> bool {
        self.breaches.iter().any(|b| b.broke_trust == person)
    }

    pub fn question(&self, id: EntryId) -> Option<&Question> {
        self.questions.iter().find(|q| q.id == id)
    }

    pub fn apology(&self, id: EntryId) -> Option<&Apology> {
        self.apologies.iter().find(|a| a.id == id)
    }

    pub fn letter(&self, id: EntryId) -> Option<&Letter> {
        self.letters.iter().find(|l| l.id == id)
    }

    /// What is waiting for `person` to act on, oldest first.
    pub fn waiting_for(&self, person: PersonId) -> Vec<Waiting> {
        let acknowledge = self
            .breaches
            .iter()
            .filter(|b| b.broke_trust == person && b.acknowledgment == Acknowledgment::Pending)
            .map(|b| Waiting::Acknowledge(b.id));
        let questions = self.questions.iter().filter_map(|q| match q.status() {
            QuestionStatus::WaitingForAnswer if q.asker != person => Some(Waiting::Answer(q.id)),
            QuestionStatus::Answered if q.asker == person => Some(Waiting::Decide(q.id)),
            _ => None,
        });
        let apologies = self
            .apologies
            .iter()
            .filter(|a| a.recipient == person && a.responses.is_empty())
            .map(|a| Waiting::RespondToApology(a.id));
        acknowledge.chain(questions).chain(apologies).collect()
    }

    fn breach_mut(&mut self, id: EntryId) -> Option<&mut Breach> {
        self.breaches.iter_mut().find(|b| b.id == id)
    }

    fn question_mut(&mut self, id: EntryId) -> Option<&mut Question> {
        self.questions.iter_mut().find(|q| q.id == id)
    }
}

/// Something a partner is asked to act on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Waiting {
    /// A breach the other partner recorded, waiting to be acknowledged.
    Acknowledge(EntryId),
    /// A question waiting for an answer.
    Answer(EntryId),
    /// An answered question: settle it, or ask again.
    Decide(EntryId),
    /// An apology with no response yet (there is no rush; it is listed, not pressed).
    RespondToApology(EntryId),
}

// ---- events ------------------------------------------------------------------------------

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BreachRecorded {
    pub breach: EntryId,
    pub title: String,
    pub kind: BreachKind,
    pub broke_trust: PersonId,
    pub hurt: PersonId,
    pub discovered_on: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BreachAcknowledged {
    pub breach: EntryId,
    /// `Some` when the partner sees it differently, with their account.
    pub sees_differently: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DisclosureAdded {
    pub breach: EntryId,
    pub entry: EntryId,
    pub text: String,
    pub corrects: Option<EntryId>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct QuestionAsked {
    pub question: EntryId,
    pub breach: Option<EntryId>,
    pub text: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct QuestionAnswered {
    pub question: EntryId,
    /// 1-based round this answers.
    pub round: usize,
    pub text: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct QuestionSettled {
    pub question: EntryId,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct QuestionAskedAgain {
    pub question: EntryId,
    pub text: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ApologySent {
    pub apology: EntryId,
    pub breach: EntryId,
    #[serde(flatten)]
    pub sections: ApologySections,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ApologyResponded {
    pub apology: EntryId,
    pub response: ApologyResponseKind,
    pub missing: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LetterSent {
    pub letter: EntryId,
    pub text: String,
}

/// An entry taken back by its writer soon after writing it, before their partner saw it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EntryWithdrawn {
    pub entry: EntryId,
}

/// The owning-up events, by kind.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Event {
    BreachRecorded(BreachRecorded),
    BreachAcknowledged(BreachAcknowledged),
    DisclosureAdded(DisclosureAdded),
    QuestionAsked(QuestionAsked),
    QuestionAnswered(QuestionAnswered),
    QuestionSettled(QuestionSettled),
    QuestionAskedAgain(QuestionAskedAgain),
    ApologySent(ApologySent),
    ApologyResponded(ApologyResponded),
    LetterSent(LetterSent),
    EntryWithdrawn(EntryWithdrawn),
}

event_kinds!(
    BreachRecorded => "breach.recorded",
    BreachAcknowledged => "breach.acknowledged",
    DisclosureAdded => "disclosure.added",
    QuestionAsked => "question.asked",
    QuestionAnswered => "question.answered",
    QuestionSettled => "question.settled",
    QuestionAskedAgain => "question.asked_again",
    ApologySent => "apology.sent",
    ApologyResponded => "apology.responded",
    LetterSent => "letter.sent",
    EntryWithdrawn => "entry.withdrawn",
);

/// Folds one event, written by `author` (whose partner is `other`) at `at_us`. Events that
/// do not fit the state (which `decide` never produces) change nothing.
pub fn apply(
    state: &mut OwnUp,
    author: PersonId,
    other: Option<PersonId>,
    at_us: i64,
    event: Event,
) {
    match event {
        Event::BreachRecorded(e) => {
            if state.breach(e.breach).is_some() {
                return;
            }
            let acknowledgment = if author == e.broke_trust {
                Acknowledgment::NotNeeded
            } else {
                Acknowledgment::Pending
            };
            state.breaches.push(Breach {
                id: e.breach,
                title: e.title,
                kind: e.kind,
                broke_trust: e.broke_trust,
                hurt: e.hurt,
                discovered_on: e.discovered_on,
                recorded_by: author,
                recorded_at_us: at_us,
                acknowledgment,
                disclosure: Vec::new(),
            });
        }
        Event::BreachAcknowledged(e) => {
            if let Some(b) = state.breach_mut(e.breach) {
                b.acknowledgment = match e.sees_differently {
                    Some(account) => Acknowledgment::SeesDifferently { account, at_us },
                    None => Acknowledgment::Acknowledged { at_us },
                };
            }
        }
        Event::DisclosureAdded(e) => {
            if let Some(b) = state.breach_mut(e.breach) {
                b.disclosure.push(DisclosureEntry {
                    id: e.entry,
                    text: e.text,
                    at_us,
                    corrects: e.corrects,
                });
            }
        }
        Event::QuestionAsked(e) => {
            if state.question(e.question).is_none() {
                state.questions.push(Question {
                    id: e.question,
                    breach: e.breach,
                    asker: author,
                    rounds: vec![Round {
                        ask: e.text,
                        asked_at_us: at_us,
                        answer: None,
                    }],
                    settled_at_us: None,
                });
            }
        }
        Event::QuestionAnswered(e) => {
            if let Some(round) = state
                .question_mut(e.question)
                .and_then(|q| q.rounds.get_mut(e.round.wrapping_sub(1)))
            {
                round.answer = Some((e.text, at_us));
            }
        }
        Event::QuestionSettled(e) => {
            if let Some(q) = state.question_mut(e.question) {
                q.settled_at_us = Some(at_us);
            }
        }
        Event::QuestionAskedAgain(e) => {
            if let Some(q) = state.question_mut(e.question) {
                q.rounds.push(Round {
                    ask: e.text,
                    asked_at_us: at_us,
                    answer: None,
                });
            }
        }
        Event::ApologySent(e) => {
            if let Some(b) = state.breach(e.breach) {
                let recipient = b.hurt;
                state.apologies.push(Apology {
                    id: e.apology,
                    breach: e.breach,
                    author,
                    recipient,
                    sections: e.sections,
                    sent_at_us: at_us,
                    responses: Vec::new(),
                });
            }
        }
        Event::ApologyResponded(e) => {
            if let Some(a) = state.apologies.iter_mut().find(|a| a.id == e.apology) {
                a.responses.push(ApologyResponse {
                    kind: e.response,
                    missing: e.missing,
                    at_us,
                });
            }
        }
        Event::LetterSent(e) => {
            if let Some(recipient) = other {
                state.letters.push(Letter {
                    id: e.letter,
                    author,
                    recipient,
                    text: e.text,
                    sent_at_us: at_us,
                });
            }
        }
        Event::EntryWithdrawn(e) => {
            if let Some(found) = state.withdrawable(e.entry, author) {
                state.take_back(e.entry, found);
            }
        }
    }
}

// ---- commands ----------------------------------------------------------------------------

/// What a partner asks to do. New entries carry their id, made by the caller.
#[derive(Debug, Clone)]
pub enum Command {
    RecordBreach {
        id: EntryId,
        title: Text,
        kind: BreachKind,
        broke_trust: PersonId,
        discovered_on: Date,
    },
    AcknowledgeBreach {
        breach: EntryId,
        sees_differently: Option<Text>,
    },
    AddDisclosure {
        breach: EntryId,
        id: EntryId,
        text: Text,
        corrects: Option<EntryId>,
    },
    AskQuestion {
        id: EntryId,
        breach: Option<EntryId>,
        text: Text,
    },
    AnswerQuestion {
        question: EntryId,
        text: Text,
    },
    SettleQuestion {
        question: EntryId,
    },
    AskAgain {
        question: EntryId,
        text: Text,
    },
    SendApology {
        id: EntryId,
        breach: EntryId,
        sections: ApologySections,
    },
    RespondToApology {
        apology: EntryId,
        response: ApologyResponseKind,
        missing: Option<Text>,
    },
    SendLetter {
        id: EntryId,
        text: Text,
    },
    /// Takes back an entry of the actor's own: a part of their account, a question no one
    /// has answered, or a letter. `shown` says whether the partner has been shown it (kept
    /// outside the record, so the caller looks it up).
    Withdraw {
        entry: EntryId,
        shown: bool,
    },
}

/// The events a command produces. `partner` is the other partner (who must have joined).
pub fn decide(
    state: &OwnUp,
    partner: Option<PersonId>,
    command: Command,
    ctx: &Ctx,
) -> Result<Vec<Event>, Refusal> {
    let me = ctx.actor;
    let needs_partner = || {
        partner.ok_or(Refusal::NotNow(
            "Your partner needs to join the space first.",
        ))
    };
    let event = match command {
        Command::RecordBreach {
            id,
            title,
            kind,
            broke_trust,
            discovered_on,
        } => {
            let other = needs_partner()?;
            let hurt = if broke_trust == me {
                other
            } else if broke_trust == other {
                me
            } else {
                return Err(Refusal::invalid(
                    "broke_trust",
                    "Please choose who broke trust.",
                ));
            };
            let today =
                utc_date(ctx.now_us).ok_or(Refusal::invalid_input("The clock is out of range."))?;
            if discovered_on > today {
                return Err(Refusal::invalid(
                    "discovered_on",
                    "The date it came to light can't be in the future.",
                ));
            }
            if discovered_on.year() < 1900 {
                return Err(Refusal::invalid(
                    "discovered_on",
                    "Please check the year of the date it came to light.",
                ));
            }
            Event::BreachRecorded(BreachRecorded {
                breach: id,
                title: title.0,
                kind,
                broke_trust,
                hurt,
                discovered_on: discovered_on.to_string(),
            })
        }
        Command::AcknowledgeBreach {
            breach,
            sees_differently,
        } => {
            let b = state.breach(breach).ok_or(Refusal::NotFound)?;
            if b.broke_trust != me {
                return Err(Refusal::NotYours(
                    "Only the partner who is said to have broken trust answers this.",
                ));
            }
            if b.acknowledgment != Acknowledgment::Pending {
                return Err(Refusal::NotNow("This has already been answered."));
            }
            Event::BreachAcknowledged(BreachAcknowledged {
                breach,
                sees_differently: sees_differently.map(|t| t.0),
            })
        }
        Command::AddDisclosure {
            breach,
            id,
            text,
            corrects,
        } => {
            let b = state.breach(breach).ok_or(Refusal::NotFound)?;
            if b.broke_trust != me {
                return Err(Refusal::NotYours(
                    "Only the partner who broke trust writes the account of it.",
                ));
            }
            if let Some(old) = corrects
                && !b.disclosure.iter().any(|e| e.id == old)
            {
                return Err(Refusal::NotFound);
            }
            Event::DisclosureAdded(DisclosureAdded {
                breach,
                entry: id,
                text: text.0,
                corrects,
            })
        }
        Command::AskQuestion { id, breach, text } => {
            needs_partner()?;
            if let Some(breach) = breach {
                let b = state.breach(breach).ok_or(Refusal::NotFound)?;
                if b.hurt != me {
                    return Err(Refusal::NotYours(
                        "Questions about a breach are asked by the partner who was hurt.",
                    ));
                }
            }
            Event::QuestionAsked(QuestionAsked {
                question: id,
                breach,
                text: text.0,
            })
        }
        Command::AnswerQuestion { question, text } => {
            let q = state.question(question).ok_or(Refusal::NotFound)?;
            if q.asker == me {
                return Err(Refusal::NotYours(
                    "Your partner answers the questions you ask.",
                ));
            }
            match q.status() {
                QuestionStatus::Settled => {
                    return Err(Refusal::NotNow(
                        "This question is settled, so it takes no more answers.",
                    ));
                }
                QuestionStatus::Answered => {
                    return Err(Refusal::NotNow("This round is already answered."));
                }
                QuestionStatus::WaitingForAnswer => {}
            }
            Event::QuestionAnswered(QuestionAnswered {
                question,
                round: q.rounds.len(),
                text: text.0,
            })
        }
        Command::SettleQuestion { question } => {
            let q = state.question(question).ok_or(Refusal::NotFound)?;
            if q.asker != me {
                return Err(Refusal::NotYours(
                    "Only the partner who asked can say a question is settled.",
                ));
            }
            if q.status() == QuestionStatus::Settled {
                return Err(Refusal::NotNow("This question is already settled."));
            }
            Event::QuestionSettled(QuestionSettled { question })
        }
        Command::AskAgain { question, text } => {
            let q = state.question(question).ok_or(Refusal::NotFound)?;
            if q.asker != me {
                return Err(Refusal::NotYours(
                    "Only the partner who asked can ask again.",
                ));
            }
            match q.status() {
                QuestionStatus::Settled => {
                    return Err(Refusal::NotNow(
                        "This question is settled. You can ask a new one at any time.",
                    ));
                }
                QuestionStatus::WaitingForAnswer => {
                    return Err(Refusal::NotNow("This round hasn't been answered yet."));
                }
                QuestionStatus::Answered => {}
            }
            Event::QuestionAskedAgain(QuestionAskedAgain {
                question,
                text: text.0,
            })
        }
        Command::SendApology {
            id,
            breach,
            sections,
        } => {
            let b = state.breach(breach).ok_or(Refusal::NotFound)?;
            if b.broke_trust != me {
                return Err(Refusal::NotYours(
                    "The apology for a breach comes from the partner who broke trust.",
                ));
            }
            Event::ApologySent(ApologySent {
                apology: id,
                breach,
                sections,
            })
        }
        Command::RespondToApology {
            apology,
            response,
            missing,
        } => {
            let a = state.apology(apology).ok_or(Refusal::NotFound)?;
            if a.recipient != me {
                return Err(Refusal::NotYours(
                    "Only the partner the apology was written to can respond to it.",
                ));
            }
            let missing = match (response, missing) {
                (ApologyResponseKind::SomethingMissing, Some(text)) => Some(text.0),
                (ApologyResponseKind::SomethingMissing, None) => {
                    return Err(Refusal::invalid(
                        "missing",
                        "Please say what feels missing, so your partner can understand.",
                    ));
                }
                (_, _) => None,
            };
            Event::ApologyResponded(ApologyResponded {
                apology,
                response,
                missing,
            })
        }
        Command::SendLetter { id, text } => {
            needs_partner()?;
            Event::LetterSent(LetterSent {
                letter: id,
                text: text.0,
            })
        }
        Command::Withdraw { entry, shown } => {
            let found = state.withdrawable(entry, me).ok_or(Refusal::NotFound)?;
            if let Withdrawable::Disclosure { breach, .. } = found
                && state
                    .breach(breach)
                    .is_some_and(|b| b.corrections_of(entry).next().is_some())
            {
                return Err(Refusal::NotNow(
                    "A later entry corrects this one, so both stay as they are.",
                ));
            }
            if ctx.now_us.saturating_sub(found.written_at_us()) > WITHDRAW_WINDOW_US {
                return Err(Refusal::NotNow(
                    "An entry can be withdrawn only in the first 10 minutes after writing it. \
                     You can add a correction or a new entry instead.",
                ));
            }
            if shown {
                return Err(Refusal::NotNow(
                    "Your partner has already been shown this entry, so it stays. You can add \
                     a correction or a new entry instead.",
                ));
            }
            Event::EntryWithdrawn(EntryWithdrawn { entry })
        }
    };
    Ok(vec![event])
}

/// How long after writing an entry its writer may still withdraw it (if their partner has
/// not been shown it yet).
pub const WITHDRAW_WINDOW_US: i64 = 10 * 60 * 1_000_000;

/// An entry its writer could withdraw, and where it is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Withdrawable {
    Disclosure { breach: EntryId, at_us: i64 },
    Question { at_us: i64 },
    Letter { at_us: i64 },
}

impl Withdrawable {
    pub fn written_at_us(self) -> i64 {
        match self {
            Self::Disclosure { at_us, .. } | Self::Question { at_us } | Self::Letter { at_us } => {
                at_us
            }
        }
    }
}

impl OwnUp {
    /// `entry`, if it is one `writer` wrote that a withdrawal could take back: a part of
    /// their account, a question of theirs with one round and no answer, a letter of theirs.
    /// (The window and whether the partner saw it are for `decide`.)
    pub fn withdrawable(&self, entry: EntryId, writer: PersonId) -> Option<Withdrawable> {
        let disclosure = self.breaches.iter().find_map(|b| {
            let e = b.disclosure.iter().find(|e| e.id == entry)?;
            (b.broke_trust == writer).then_some(Withdrawable::Disclosure {
                breach: b.id,
                at_us: e.at_us,
            })
        });
        let question = || {
            let q = self.question(entry)?;
            let untouched = q.rounds.len() == 1
                && q.rounds.iter().all(|r| r.answer.is_none())
                && q.settled_at_us.is_none();
            (q.asker == writer && untouched).then(|| Withdrawable::Question {
                at_us: q.asked_at_us(),
            })
        };
        let letter = || {
            let l = self.letter(entry)?;
            (l.author == writer).then_some(Withdrawable::Letter {
                at_us: l.sent_at_us,
            })
        };
        disclosure.or_else(question).or_else(letter)
    }

    /// Whether `writer` may still withdraw `entry` at `now_us`, as far as the record alone
    /// says (the page also asks whether the partner was shown it).
    pub fn may_withdraw(&self, entry: EntryId, writer: PersonId, now_us: i64) -> bool {
        self.withdrawable(entry, writer).is_some_and(|w| {
            now_us.saturating_sub(w.written_at_us()) <= WITHDRAW_WINDOW_US
                && !matches!(w, Withdrawable::Disclosure { breach, .. }
                    if self.breach(breach).is_some_and(|b| b.corrections_of(entry).next().is_some()))
        })
    }

    fn take_back(&mut self, entry: EntryId, found: Withdrawable) {
        match found {
            Withdrawable::Disclosure { breach, .. } => {
                if let Some(b) = self.breach_mut(breach) {
                    b.disclosure.retain(|e| e.id != entry);
                }
            }
            Withdrawable::Question { .. } => self.questions.retain(|q| q.id != entry),
            Withdrawable::Letter { .. } => self.letters.retain(|l| l.id != entry),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    type Couple = crate::domain::part::Couple<OwnUp>;

    const DAY_US: i64 = 86_400_000_000;

    impl Couple {
        fn new() -> Self {
            Self::starting_at(1_795_000_000_000_000)
        }

        fn breach_by(&mut self, recorder: PersonId) -> EntryId {
            let id = EntryId::random();
            self.when(
                recorder,
                Command::RecordBreach {
                    id,
                    title: text("The messages"),
                    kind: BreachKind::Lying,
                    broke_trust: self.broke,
                    discovered_on: jiff::civil::date(2026, 10, 2),
                },
            )
            .expect("recorded");
            id
        }

        fn question(&mut self, breach: Option<EntryId>) -> EntryId {
            let id = EntryId::random();
            self.when(
                self.hurt,
                Command::AskQuestion {
                    id,
                    breach,
                    text: text("Where were you?"),
                },
            )
            .expect("asked");
            id
        }
    }

    fn text(s: &str) -> Text {
        Text::parse(s, "Text", 10_000).expect("valid text")
    }

    #[test]
    fn a_breach_recorded_by_the_hurt_partner_awaits_acknowledgment() {
        let mut c = Couple::new();
        let b = c.breach_by(c.hurt);
        assert_eq!(
            c.state.breach(b).map(|b| &b.acknowledgment),
            Some(&Acknowledgment::Pending)
        );
        c.when(
            c.broke,
            Command::AcknowledgeBreach {
                breach: b,
                sees_differently: Some(text("It began later.")),
            },
        )
        .expect("answered");
        assert!(
            matches!(c.state.breach(b).map(|b| &b.acknowledgment), Some(Acknowledgment::SeesDifferently { account, .. }) if account == "It began later.")
        );
        assert_eq!(
            c.when(
                c.broke,
                Command::AcknowledgeBreach {
                    breach: b,
                    sees_differently: None
                }
            ),
            Err(Refusal::NotNow("This has already been answered."))
        );
    }

    fn account_entry(c: &mut Couple, b: EntryId, words: &str) -> EntryId {
        let id = EntryId::random();
        c.when(
            c.broke,
            Command::AddDisclosure {
                breach: b,
                id,
                text: text(words),
                corrects: None,
            },
        )
        .expect("written");
        id
    }

    #[test]
    fn a_slip_in_the_account_can_be_withdrawn_within_ten_minutes_by_its_writer_only() {
        let mut c = Couple::new();
        let b = c.breach_by(c.hurt);
        let entry = account_entry(&mut c, b, "Sent to the wrong breach.");
        let withdraw = |shown| Command::Withdraw { entry, shown };
        assert_eq!(c.when(c.hurt, withdraw(false)), Err(Refusal::NotFound));
        assert!(matches!(
            c.when(c.broke, withdraw(true)),
            Err(Refusal::NotNow(m)) if m.contains("already been shown")
        ));
        c.now_us += WITHDRAW_WINDOW_US;
        assert_eq!(
            c.when(c.broke, withdraw(false)),
            Ok(vec![Event::EntryWithdrawn(EntryWithdrawn { entry })])
        );
        assert!(c.state.breach(b).is_some_and(|b| b.disclosure.is_empty()));
        assert_eq!(
            c.when(c.broke, withdraw(false)),
            Err(Refusal::NotFound),
            "once withdrawn it is gone"
        );
    }

    #[test]
    fn after_ten_minutes_or_once_corrected_an_entry_stays() {
        let mut c = Couple::new();
        let b = c.breach_by(c.hurt);
        let old = account_entry(&mut c, b, "The first part.");
        c.now_us += WITHDRAW_WINDOW_US + 1;
        assert!(matches!(
            c.when(c.broke, Command::Withdraw { entry: old, shown: false }),
            Err(Refusal::NotNow(m)) if m.contains("first 10 minutes")
        ));
        let fresh = account_entry(&mut c, b, "A second part.");
        c.when(
            c.broke,
            Command::AddDisclosure {
                breach: b,
                id: EntryId::random(),
                text: text("A correction of the second part."),
                corrects: Some(fresh),
            },
        )
        .expect("corrected");
        assert!(matches!(
            c.when(c.broke, Command::Withdraw { entry: fresh, shown: false }),
            Err(Refusal::NotNow(m)) if m.contains("corrects this one")
        ));
        assert!(!c.state.may_withdraw(fresh, c.broke, c.now_us));
    }

    #[test]
    fn an_unanswered_question_and_a_letter_can_be_withdrawn_an_answered_one_cannot() {
        let mut c = Couple::new();
        let (q, answered, letter) = (EntryId::random(), EntryId::random(), EntryId::random());
        for id in [q, answered] {
            c.when(
                c.hurt,
                Command::AskQuestion {
                    id,
                    breach: None,
                    text: text("When did it start?"),
                },
            )
            .expect("asked");
        }
        c.when(
            c.broke,
            Command::AnswerQuestion {
                question: answered,
                text: text("In May."),
            },
        )
        .expect("answered");
        c.when(
            c.hurt,
            Command::SendLetter {
                id: letter,
                text: text("Dear you."),
            },
        )
        .expect("sent");
        assert!(c.state.may_withdraw(q, c.hurt, c.now_us));
        assert!(!c.state.may_withdraw(answered, c.hurt, c.now_us));
        assert!(
            !c.state.may_withdraw(letter, c.broke, c.now_us),
            "not theirs"
        );
        for entry in [q, letter] {
            c.when(
                c.hurt,
                Command::Withdraw {
                    entry,
                    shown: false,
                },
            )
            .expect("withdrawn");
        }
        assert!(c.state.question(q).is_none() && c.state.letter(letter).is_none());
        assert!(c.state.question(answered).is_some());
    }

    #[test]
    fn a_breach_recorded_by_the_partner_who_broke_trust_needs_no_acknowledgment() {
        let mut c = Couple::new();
        let b = c.breach_by(c.broke);
        let breach = c.state.breach(b).expect("breach");
        assert_eq!(
            (breach.acknowledgment.clone(), breach.hurt),
            (Acknowledgment::NotNeeded, c.hurt)
        );
        assert!(
            c.when(
                c.hurt,
                Command::AcknowledgeBreach {
                    breach: b,
                    sees_differently: None
                }
            )
            .is_err()
        );
    }

    #[test]
    fn only_the_partner_who_broke_trust_acknowledges() {
        let mut c = Couple::new();
        let b = c.breach_by(c.hurt);
        assert!(matches!(
            c.when(
                c.hurt,
                Command::AcknowledgeBreach {
                    breach: b,
                    sees_differently: None
                }
            ),
            Err(Refusal::NotYours(_))
        ));
    }

    #[test]
    fn a_discovery_date_in_the_future_is_refused() {
        let mut c = Couple::new();
        let result = c.when(
            c.hurt,
            Command::RecordBreach {
                id: EntryId::random(),
                title: text("x"),
                kind: BreachKind::Other,
                broke_trust: c.broke,
                discovered_on: jiff::civil::date(2027, 1, 1),
            },
        );
        assert!(matches!(result, Err(Refusal::Invalid { .. })));
        assert!(c.state.breaches.is_empty());
    }

    #[test]
    fn nothing_can_be_recorded_before_the_partner_joins() {
        let c = Couple::new();
        let ctx = Ctx {
            actor: c.hurt,
            now_us: c.now_us,
        };
        let cmd = Command::SendLetter {
            id: EntryId::random(),
            text: text("hi"),
        };
        assert!(matches!(
            decide(&c.state, None, cmd, &ctx),
            Err(Refusal::NotNow(_))
        ));
    }

    #[test]
    fn disclosure_is_written_only_by_the_partner_who_broke_trust_and_later_days_are_marked() {
        let mut c = Couple::new();
        let b = c.breach_by(c.hurt);
        let first = EntryId::random();
        c.when(
            c.broke,
            Command::AddDisclosure {
                breach: b,
                id: first,
                text: text("It started in May."),
                corrects: None,
            },
        )
        .expect("first entry");
        assert!(matches!(
            c.when(
                c.hurt,
                Command::AddDisclosure {
                    breach: b,
                    id: EntryId::random(),
                    text: text("x"),
                    corrects: None
                }
            ),
            Err(Refusal::NotYours(_))
        ));
        c.now_us += 2 * DAY_US;
        let second = EntryId::random();
        c.when(
            c.broke,
            Command::AddDisclosure {
                breach: b,
                id: second,
                text: text("It started in April."),
                corrects: Some(first),
            },
        )
        .expect("correction");
        let breach = c.state.breach(b).expect("breach");
        assert_eq!(breach.days_after_first_account(&breach.disclosure[0]), None);
        assert_eq!(
            breach.days_after_first_account(&breach.disclosure[1]),
            Some(2)
        );
        assert_eq!(
            breach
                .corrections_of(first)
                .map(|e| e.id)
                .collect::<Vec<_>>(),
            vec![second]
        );
        assert_eq!(
            breach.disclosure[0].text, "It started in May.",
            "the corrected entry is kept as written"
        );
        assert_eq!(
            c.when(
                c.broke,
                Command::AddDisclosure {
                    breach: b,
                    id: EntryId::random(),
                    text: text("x"),
                    corrects: Some(EntryId::random())
                }
            ),
            Err(Refusal::NotFound)
        );
    }

    #[test]
    fn a_question_goes_round_until_the_asker_settles_it() {
        let mut c = Couple::new();
        let b = c.breach_by(c.hurt);
        let q = c.question(Some(b));
        assert_eq!(
            c.state.question(q).map(Question::status),
            Some(QuestionStatus::WaitingForAnswer)
        );
        for round in 1..=3 {
            c.when(
                c.broke,
                Command::AnswerQuestion {
                    question: q,
                    text: text(&format!("Answer {round}")),
                },
            )
            .expect("answer");
            assert_eq!(
                c.state.question(q).map(Question::status),
                Some(QuestionStatus::Answered)
            );
            if round < 3 {
                c.when(
                    c.hurt,
                    Command::AskAgain {
                        question: q,
                        text: text("I need to hear it again."),
                    },
                )
                .expect("again");
            }
        }
        c.when(c.hurt, Command::SettleQuestion { question: q })
            .expect("settled");
        let question = c.state.question(q).expect("question");
        assert_eq!(question.status(), QuestionStatus::Settled);
        assert_eq!(question.rounds.len(), 3, "every round is kept");
        assert!(question.rounds.iter().all(|r| r.answer.is_some()));
    }

    #[test]
    fn only_the_asker_settles_or_asks_again_and_only_the_other_answers() {
        let mut c = Couple::new();
        let b = c.breach_by(c.hurt);
        let q = c.question(Some(b));
        assert!(matches!(
            c.when(
                c.hurt,
                Command::AnswerQuestion {
                    question: q,
                    text: text("me")
                }
            ),
            Err(Refusal::NotYours(_))
        ));
        assert!(matches!(
            c.when(c.broke, Command::SettleQuestion { question: q }),
            Err(Refusal::NotYours(_))
        ));
        c.when(
            c.broke,
            Command::AnswerQuestion {
                question: q,
                text: text("a"),
            },
        )
        .expect("answer");
        assert!(matches!(
            c.when(
                c.broke,
                Command::AskAgain {
                    question: q,
                    text: text("b")
                }
            ),
            Err(Refusal::NotYours(_))
        ));
    }

    #[test]
    fn questions_about_a_breach_are_asked_by_its_hurt_partner() {
        let mut c = Couple::new();
        let b = c.breach_by(c.hurt);
        let result = c.when(
            c.broke,
            Command::AskQuestion {
                id: EntryId::random(),
                breach: Some(b),
                text: text("?"),
            },
        );
        assert!(matches!(result, Err(Refusal::NotYours(_))));
        let unknown = c.when(
            c.hurt,
            Command::AskQuestion {
                id: EntryId::random(),
                breach: Some(EntryId::random()),
                text: text("?"),
            },
        );
        assert_eq!(unknown, Err(Refusal::NotFound));
    }

    #[test]
    fn a_settled_question_takes_no_answer_and_no_new_round() {
        let mut c = Couple::new();
        let q = c.question(None);
        c.when(c.hurt, Command::SettleQuestion { question: q })
            .expect("settle");
        assert!(matches!(
            c.when(
                c.broke,
                Command::AnswerQuestion {
                    question: q,
                    text: text("late")
                }
            ),
            Err(Refusal::NotNow(_))
        ));
        assert!(matches!(
            c.when(
                c.hurt,
                Command::AskAgain {
                    question: q,
                    text: text("more")
                }
            ),
            Err(Refusal::NotNow(_))
        ));
        assert!(matches!(
            c.when(c.hurt, Command::SettleQuestion { question: q }),
            Err(Refusal::NotNow(_))
        ));
    }

    #[test]
    fn an_unanswered_round_cannot_be_asked_again_or_answered_twice() {
        let mut c = Couple::new();
        let q = c.question(None);
        assert!(matches!(
            c.when(
                c.hurt,
                Command::AskAgain {
                    question: q,
                    text: text("?")
                }
            ),
            Err(Refusal::NotNow(_))
        ));
        c.when(
            c.broke,
            Command::AnswerQuestion {
                question: q,
                text: text("a"),
            },
        )
        .expect("answer");
        assert!(matches!(
            c.when(
                c.broke,
                Command::AnswerQuestion {
                    question: q,
                    text: text("b")
                }
            ),
            Err(Refusal::NotNow(_))
        ));
    }

    fn sections() -> ApologySections {
        ApologySections {
            what_i_did: "I lied about where I was.".into(),
            how_it_affected_you: "You stopped trusting what I say.".into(),
            responsibility: "All of it.".into(),
            changing: "I share my calendar.".into(),
            asking: "Forgiveness, when and if you are ready.".into(),
        }
    }

    #[test]
    fn an_apology_comes_from_the_partner_who_broke_trust_and_only_the_hurt_partner_responds() {
        let mut c = Couple::new();
        let b = c.breach_by(c.hurt);
        assert!(matches!(
            c.when(
                c.hurt,
                Command::SendApology {
                    id: EntryId::random(),
                    breach: b,
                    sections: sections()
                }
            ),
            Err(Refusal::NotYours(_))
        ));
        let a = EntryId::random();
        c.when(
            c.broke,
            Command::SendApology {
                id: a,
                breach: b,
                sections: sections(),
            },
        )
        .expect("sent");
        assert_eq!(c.state.apology(a).map(|a| a.recipient), Some(c.hurt));
        let respond = |kind, missing: Option<&str>| Command::RespondToApology {
            apology: a,
            response: kind,
            missing: missing.map(text),
        };
        assert!(matches!(
            c.when(c.broke, respond(ApologyResponseKind::Received, None)),
            Err(Refusal::NotYours(_))
        ));
        assert!(matches!(
            c.when(c.hurt, respond(ApologyResponseKind::SomethingMissing, None)),
            Err(Refusal::Invalid { .. })
        ));
        c.when(c.hurt, respond(ApologyResponseKind::NotReady, None))
            .expect("not ready");
        c.when(
            c.hurt,
            respond(
                ApologyResponseKind::SomethingMissing,
                Some("How it affected the kids."),
            ),
        )
        .expect("missing");
        let responses = &c.state.apology(a).expect("apology").responses;
        assert_eq!(responses.len(), 2);
        assert_eq!(
            responses[1].missing.as_deref(),
            Some("How it affected the kids.")
        );
    }

    #[test]
    fn each_partner_sees_what_waits_for_them() {
        let mut c = Couple::new();
        let b = c.breach_by(c.hurt);
        let q = c.question(Some(b));
        assert_eq!(
            c.state.waiting_for(c.broke),
            vec![Waiting::Acknowledge(b), Waiting::Answer(q)]
        );
        assert_eq!(c.state.waiting_for(c.hurt), vec![]);
        c.when(
            c.broke,
            Command::AnswerQuestion {
                question: q,
                text: text("a"),
            },
        )
        .expect("answer");
        let a = EntryId::random();
        c.when(
            c.broke,
            Command::SendApology {
                id: a,
                breach: b,
                sections: sections(),
            },
        )
        .expect("sent");
        assert_eq!(
            c.state.waiting_for(c.hurt),
            vec![Waiting::Decide(q), Waiting::RespondToApology(a)]
        );
    }

    #[test]
    fn events_survive_their_json_round_trip() {
        let e = Event::ApologySent(ApologySent {
            apology: EntryId::random(),
            breach: EntryId::random(),
            sections: sections(),
        });
        assert_eq!(Event::parse(e.kind(), &e.body()), Some(e));
        assert_eq!(Event::parse("apology.sent", "{\"nonsense\":1}"), None);
    }
}
