//! Proactive reports: what the partner who broke trust in a breach tells the other before
//! being asked, and the hurt partner's acknowledgment.
//!
//! This module owns reports and their rules. It reads breaches (and who broke trust and who
//! was hurt in each) from [`OwnUp`] and never changes them; agreements live in
//! `agreements`. Nothing here reads the clock or does I/O: the present arrives as `now_us`
//! in [`Ctx`].
//!
//! Why the rules are what they are:
//! - Proactive reports belong to a breach: only the partner who broke trust in it files
//!   them (openness offered, not extracted), and only the partner who was hurt in it
//!   acknowledges each one, once, with an optional response. Acknowledging is receiving,
//!   not grading, so there is no second answer to give.

use serde::{Deserialize, Serialize};

use super::input::{InputError, Lines};
use super::ownup::OwnUp;
use super::{Ctx, EntryId, PersonId, Refusal};

/// Limits for each kind of input. Shown on the pages beside each field.
pub mod limits {
    /// A proactive report, in characters.
    pub const REPORT: usize = 2_000;
    /// The hurt partner's response to a report, in characters.
    pub const RESPONSE: usize = 1_000;
}

// ---- validated input ---------------------------------------------------------------------

text_type!(
    /// What the partner who broke trust reports before being asked.
    ReportText,
    "Your report",
    limits::REPORT,
    Lines::Many
);
text_type!(
    /// The hurt partner's response when acknowledging a report.
    ResponseText,
    "Your response",
    limits::RESPONSE,
    Lines::Many
);

impl ResponseText {
    /// The response is optional: an empty field means none.
    pub fn parse_optional(raw: &str) -> Result<Option<Self>, InputError> {
        if raw.trim().is_empty() {
            Ok(None)
        } else {
            Self::parse(raw).map(Some)
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReportAcknowledgment {
    pub response: Option<String>,
    pub at_us: i64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Report {
    pub id: EntryId,
    pub breach: EntryId,
    /// The partner who broke trust in the breach.
    pub author: PersonId,
    /// The partner who was hurt in it.
    pub recipient: PersonId,
    pub text: String,
    pub filed_at_us: i64,
    pub acknowledged: Option<ReportAcknowledgment>,
}

// ---- the state ---------------------------------------------------------------------------

/// The proactive reports in one space, folded from its events, in record order (oldest
/// first); the queries give the orders pages want.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Reports {
    pub reports: Vec<Report>,
}

/// Something a partner is asked to act on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Waiting {
    /// A report about a breach in which this partner was hurt, not acknowledged yet.
    AcknowledgeReport(EntryId),
}

impl Reports {
    pub fn report(&self, id: EntryId) -> Option<&Report> {
        self.reports.iter().find(|r| r.id == id)
    }

    /// The reports about one breach, newest first.
    pub fn reports_on(&self, breach: EntryId) -> Vec<&Report> {
        self.reports
            .iter()
            .rev()
            .filter(|r| r.breach == breach)
            .collect()
    }

    /// The reports waiting for `person` to acknowledge, oldest first.
    pub fn waiting_for(&self, person: PersonId) -> Vec<Waiting> {
        self.reports
            .iter()
            .filter(|r| r.recipient == person && r.acknowledged.is_none())
            .map(|r| Waiting::AcknowledgeReport(r.id))
            .collect()
    }
}

// ---- events ------------------------------------------------------------------------------

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReportFiled {
    pub report: EntryId,
    pub breach: EntryId,
    pub text: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReportAcknowledged {
    pub report: EntryId,
    pub response: Option<String>,
}

/// The report events, by kind.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Event {
    ReportFiled(ReportFiled),
    ReportAcknowledged(ReportAcknowledged),
}

event_kinds!(
    ReportFiled => "report.filed",
    ReportAcknowledged => "report.acknowledged",
);

/// Folds one event, written by `author` (whose partner is `other`) at `at_us`. Events that
/// do not fit the state (which `decide` never produces) change nothing.
pub fn apply(
    state: &mut Reports,
    author: PersonId,
    other: Option<PersonId>,
    at_us: i64,
    event: Event,
) {
    match event {
        Event::ReportFiled(e) => {
            if let Some(recipient) = other
                && state.report(e.report).is_none()
            {
                state.reports.push(Report {
                    id: e.report,
                    breach: e.breach,
                    author,
                    recipient,
                    text: e.text,
                    filed_at_us: at_us,
                    acknowledged: None,
                });
            }
        }
        Event::ReportAcknowledged(e) => {
            if let Some(r) = state.reports.iter_mut().find(|r| r.id == e.report)
                && r.acknowledged.is_none()
            {
                r.acknowledged = Some(ReportAcknowledgment {
                    response: e.response,
                    at_us,
                });
            }
        }
    }
}

// ---- commands ----------------------------------------------------------------------------

/// What a partner asks to do. New entries carry their id, made by the caller.
#[derive(Debug, Clone)]
pub enum Command {
    File {
        id: EntryId,
        breach: EntryId,
        text: ReportText,
    },
    Acknowledge {
        report: EntryId,
        response: Option<ResponseText>,
    },
}

// Refusals, shown to the person as they are; public so pages and tests can match on them.
pub const NO_PARTNER: &str = "Your partner needs to join the space first.";
pub const ALREADY_RECORDED: &str = "This has already been recorded.";
pub const REPORT_NOT_YOURS: &str =
    "Reports about a breach are offered by the partner who broke trust in it.";
pub const ACKNOWLEDGE_NOT_YOURS: &str =
    "Only the partner who was hurt in this breach acknowledges reports about it.";
pub const ALREADY_ACKNOWLEDGED: &str = "This report has already been acknowledged.";

/// The events a command produces. `own_up` says which breaches exist and who broke trust
/// and who was hurt in each; `partner` is the other partner (who must have joined).
pub fn decide(
    state: &Reports,
    own_up: &OwnUp,
    partner: Option<PersonId>,
    command: Command,
    ctx: &Ctx,
) -> Result<Vec<Event>, Refusal> {
    partner.ok_or(Refusal::NotNow(NO_PARTNER))?;
    let me = ctx.actor;
    let event = match command {
        Command::File { id, breach, text } => {
            let b = own_up.breach(breach).ok_or(Refusal::NotFound)?;
            if b.broke_trust != me {
                return Err(Refusal::NotYours(REPORT_NOT_YOURS));
            }
            if state.report(id).is_some() {
                return Err(Refusal::NotNow(ALREADY_RECORDED));
            }
            Event::ReportFiled(ReportFiled {
                report: id,
                breach,
                text: text.0,
            })
        }
        Command::Acknowledge { report, response } => {
            let r = state.report(report).ok_or(Refusal::NotFound)?;
            if r.recipient != me {
                return Err(Refusal::NotYours(ACKNOWLEDGE_NOT_YOURS));
            }
            if r.acknowledged.is_some() {
                return Err(Refusal::NotNow(ALREADY_ACKNOWLEDGED));
            }
            Event::ReportAcknowledged(ReportAcknowledged {
                report,
                response: response.map(|r| r.0),
            })
        }
    };
    Ok(vec![event])
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Wednesday 2026-11-18, 10:00 UTC.
    const START_US: i64 = 1_794_996_000_000_000;
    const HOUR_US: i64 = 3_600_000_000;

    type Couple = crate::domain::part::Couple<Reports>;

    impl Couple {
        fn new() -> Self {
            Self::starting_at(START_US)
        }

        fn report(&mut self, actor: PersonId, breach: EntryId) -> Result<EntryId, Refusal> {
            let id = EntryId::random();
            self.when(
                actor,
                Command::File {
                    id,
                    breach,
                    text: ReportText::parse(
                        "She messaged me today. I did not reply and blocked the number.",
                    )
                    .expect("valid"),
                },
            )?;
            Ok(id)
        }

        fn acknowledge(
            &mut self,
            actor: PersonId,
            report: EntryId,
            response: Option<&str>,
        ) -> Result<Vec<Event>, Refusal> {
            self.when(
                actor,
                Command::Acknowledge {
                    report,
                    response: response.map(|r| ResponseText::parse(r).expect("valid")),
                },
            )
        }
    }

    #[test]
    fn unknown_things_are_not_found() {
        let mut c = Couple::new();
        let unknown = EntryId::random();
        assert_eq!(c.acknowledge(c.hurt, unknown, None), Err(Refusal::NotFound));
        assert_eq!(c.report(c.broke, unknown), Err(Refusal::NotFound));
    }

    #[test]
    fn nothing_is_done_before_the_partner_joins() {
        let c = Couple::new();
        let ctx = Ctx {
            actor: c.broke,
            now_us: c.now_us,
        };
        let command = Command::File {
            id: EntryId::random(),
            breach: c.breach,
            text: ReportText::parse("x").expect("valid"),
        };
        assert_eq!(
            decide(&c.state, &c.own_up, None, command, &ctx),
            Err(Refusal::NotNow(NO_PARTNER))
        );
    }

    #[test]
    fn a_report_is_filed_by_the_partner_who_broke_trust_and_acknowledged_by_the_hurt_partner() {
        let mut c = Couple::new();
        let r = c.report(c.broke, c.breach).expect("filed");
        assert_eq!(
            c.state.waiting_for(c.hurt),
            vec![Waiting::AcknowledgeReport(r)]
        );
        assert_eq!(c.state.waiting_for(c.broke), vec![]);
        c.now_us += HOUR_US;
        c.acknowledge(c.hurt, r, Some("Thank you for telling me straight away."))
            .expect("acknowledged");
        let report = c.state.report(r).expect("report");
        assert_eq!((report.author, report.recipient), (c.broke, c.hurt));
        assert_eq!(
            report.acknowledged,
            Some(ReportAcknowledgment {
                response: Some("Thank you for telling me straight away.".into()),
                at_us: START_US + HOUR_US
            })
        );
        assert_eq!(c.state.waiting_for(c.hurt), vec![]);
    }

    #[test]
    fn a_report_filed_by_the_wrong_partner_is_refused() {
        let mut c = Couple::new();
        assert_eq!(
            c.report(c.hurt, c.breach),
            Err(Refusal::NotYours(REPORT_NOT_YOURS))
        );
        assert!(c.state.reports.is_empty());
        // Roles belong to a breach: in another breach the roles are the other way round.
        let other = c.given_breach(c.hurt, c.broke);
        c.report(c.hurt, other)
            .expect("the partner who broke trust in that breach reports on it");
        assert_eq!(
            c.report(c.broke, other),
            Err(Refusal::NotYours(REPORT_NOT_YOURS))
        );
    }

    #[test]
    fn a_report_acknowledged_by_the_wrong_partner_is_refused() {
        let mut c = Couple::new();
        let r = c.report(c.broke, c.breach).expect("filed");
        assert_eq!(
            c.acknowledge(c.broke, r, None),
            Err(Refusal::NotYours(ACKNOWLEDGE_NOT_YOURS))
        );
        assert!(c.state.report(r).expect("report").acknowledged.is_none());
    }

    #[test]
    fn a_report_is_acknowledged_once() {
        let mut c = Couple::new();
        let r = c.report(c.broke, c.breach).expect("filed");
        c.acknowledge(c.hurt, r, None)
            .expect("acknowledged without a response");
        assert_eq!(
            c.acknowledge(c.hurt, r, Some("And one more thing")),
            Err(Refusal::NotNow(ALREADY_ACKNOWLEDGED))
        );
        assert_eq!(
            c.state.report(r).and_then(|r| r.acknowledged.clone()),
            Some(ReportAcknowledgment {
                response: None,
                at_us: START_US
            }),
            "the first acknowledgment stands"
        );
    }

    #[test]
    fn reports_are_listed_per_breach_newest_first() {
        let mut c = Couple::new();
        let other = c.given_breach(c.broke, c.hurt);
        let first = c.report(c.broke, c.breach).expect("first");
        c.now_us += HOUR_US;
        let elsewhere = c.report(c.broke, other).expect("other breach");
        c.now_us += HOUR_US;
        let second = c.report(c.broke, c.breach).expect("second");
        let ids = |b| {
            c.state
                .reports_on(b)
                .iter()
                .map(|r| r.id)
                .collect::<Vec<_>>()
        };
        assert_eq!(ids(c.breach), vec![second, first]);
        assert_eq!(ids(other), vec![elsewhere]);
        assert_eq!(ids(EntryId::random()), vec![]);
    }

    #[test]
    fn bad_report_input_is_refused() {
        assert!(ReportText::parse("").is_err());
        assert!(ReportText::parse(&"a".repeat(limits::REPORT + 1)).is_err());
        assert!(ReportText::parse(&"a".repeat(limits::REPORT)).is_ok());
        assert!(ReportText::parse("escape\u{1b}[2J").is_err());
        assert!(ResponseText::parse(&"a".repeat(limits::RESPONSE + 1)).is_err());
        assert!(ResponseText::parse("bell\u{7}").is_err());
        assert_eq!(ResponseText::parse_optional(" "), Ok(None));
        assert!(ResponseText::parse_optional("Thank you").is_ok_and(|r| r.is_some()));
    }

    #[test]
    fn events_survive_their_json_round_trip() {
        let (p, q) = (EntryId::random(), EntryId::random());
        let events = [
            Event::ReportFiled(ReportFiled {
                report: q,
                breach: p,
                text: "She called; I didn't answer.".into(),
            }),
            Event::ReportAcknowledged(ReportAcknowledged {
                report: q,
                response: Some("Thank you.".into()),
            }),
        ];
        for e in events {
            assert_eq!(Event::parse(e.kind(), &e.body()), Some(e));
        }
        assert_eq!(Event::parse("report.filed", "{\"nonsense\":1}"), None);
        assert_eq!(Event::parse("agreement.proposed", "{}"), None);
    }
}
