//! Owning up: breaches, disclosure, questions, apologies and letters.

use askama::Template;
use askama_web::WebTemplate;
use axum::Form;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;

use super::error::{WebError, status_of};
use super::guard::SignedIn;
use super::pages::{Chrome, Param, Segment, invalid, not_found, space_id};
use super::spaces::format_time;
use crate::app::{App, AppError, LetterDraft};
use crate::domain::checks::{self, Check, Flag};
use crate::domain::ownup::{
    self, Acknowledgment, Apology, ApologyResponseKind, ApologySections, Breach, BreachKind,
    Command, Question, QuestionStatus, Text, limits,
};
use crate::domain::space::SpaceState;
use crate::domain::{EntryId, PersonId, SpaceId};

fn ids(space: &str, entry: &str) -> Result<(SpaceId, EntryId), WebError> {
    Ok((
        space.parse().map_err(|_| not_found())?,
        entry.parse().map_err(|_| not_found())?,
    ))
}

fn back_to(path: String) -> Response {
    Redirect::to(&path).into_response()
}

/// The viewer and their partner, by name, for wording pages.
pub struct People {
    pub me: PersonId,
    pub partner: Option<PersonId>,
    pub partner_name: String,
}

impl People {
    fn of(state: &SpaceState, me: PersonId) -> Self {
        let partner = state.partner_of(me);
        Self {
            me,
            partner: partner.map(|p| p.person),
            partner_name: partner
                .map_or_else(|| "your partner".to_owned(), |p| p.display_name.clone()),
        }
    }

    /// "You" or the partner's name.
    pub fn name(&self, person: PersonId) -> String {
        if person == self.me {
            "You".to_owned()
        } else {
            self.partner_name.clone()
        }
    }
}

/// Human wording of an owning-up event for the record page, with a link to where it lives.
pub fn describe(state: &SpaceState, base: &str, event: &ownup::Event) -> (String, Option<String>) {
    use ownup::Event as E;
    let title = |breach: EntryId| {
        state
            .own_up
            .breach(breach)
            .map_or_else(String::new, |b| b.title.clone())
    };
    match event {
        E::BreachRecorded(e) => (
            format!("recorded a breach: “{}”", e.title),
            Some(format!("{base}/breaches/{}", e.breach)),
        ),
        E::BreachAcknowledged(e) => (
            if e.sees_differently.is_some() {
                format!("answered “{}”: sees it differently", title(e.breach))
            } else {
                format!("acknowledged “{}”", title(e.breach))
            },
            Some(format!("{base}/breaches/{}", e.breach)),
        ),
        E::DisclosureAdded(e) => (
            if e.corrects.is_some() {
                format!("corrected the account of “{}”", title(e.breach))
            } else {
                format!("added to the account of “{}”", title(e.breach))
            },
            Some(format!("{base}/breaches/{}#entry-{}", e.breach, e.entry)),
        ),
        E::QuestionAsked(e) => (
            "asked a question".to_owned(),
            Some(format!("{base}/questions/{}", e.question)),
        ),
        E::QuestionAnswered(e) => (
            "answered a question".to_owned(),
            Some(format!("{base}/questions/{}", e.question)),
        ),
        E::QuestionAskedAgain(e) => (
            "asked a question again".to_owned(),
            Some(format!("{base}/questions/{}", e.question)),
        ),
        E::QuestionSettled(e) => (
            "marked a question settled".to_owned(),
            Some(format!("{base}/questions/{}", e.question)),
        ),
        E::ApologySent(e) => (
            format!("sent an apology for “{}”", title(e.breach)),
            Some(format!("{base}/apologies/{}", e.apology)),
        ),
        E::ApologyResponded(e) => (
            format!("responded to an apology: {}", e.response.label()),
            Some(format!("{base}/apologies/{}", e.apology)),
        ),
        E::LetterSent(e) => (
            "sent a letter".to_owned(),
            Some(format!("{base}/letters/{}", e.letter)),
        ),
    }
}

/// "3 days" / "5 hours" / "a few minutes".
pub fn age(now_us: i64, then_us: i64) -> String {
    let minutes = (now_us - then_us).max(0) / 60_000_000;
    match minutes {
        0..=9 => "a few minutes".to_owned(),
        10..=119 => format!("{minutes} minutes"),
        120..=2879 => format!("{} hours", minutes / 60),
        _ => format!("{} days", minutes / 1440),
    }
}

// ---- breaches ----------------------------------------------------------------------------

pub struct BreachLine {
    pub id: EntryId,
    pub title: String,
    pub kind: &'static str,
    pub broke_trust: String,
    pub needs_my_answer: bool,
}

#[derive(Template, WebTemplate)]
#[template(path = "breaches.html")]
struct BreachesPage {
    chrome: Chrome,
    space: SpaceId,
    breaches: Vec<BreachLine>,
    partner_name: String,
    has_partner: bool,
    kinds: Vec<(&'static str, &'static str)>,
    today: String,
    title_max: usize,
}

pub async fn breaches(
    State(app): State<App>,
    user: SignedIn,
    Param(id): Segment,
) -> Result<Response, WebError> {
    let state = app.own_up_state(&user.session, space_id(&id)?).await?;
    let people = People::of(&state, user.session.person);
    let today = crate::domain::calendar::utc_date(app.clock().now_us())
        .map(|d| d.to_string())
        .unwrap_or_default();
    Ok(BreachesPage {
        chrome: Chrome::signed_in(&user.csrf),
        space: state.id,
        breaches: state
            .own_up
            .breaches
            .iter()
            .map(|b| BreachLine {
                id: b.id,
                title: b.title.clone(),
                kind: b.kind.label(),
                broke_trust: people.name(b.broke_trust),
                needs_my_answer: b.broke_trust == people.me
                    && b.acknowledgment == Acknowledgment::Pending,
            })
            .collect(),
        partner_name: people.partner_name.clone(),
        has_partner: people.partner.is_some(),
        kinds: BreachKind::ALL
            .iter()
            .map(|k| (k.as_str(), k.label()))
            .collect(),
        today,
        title_max: limits::TITLE,
    }
    .into_response())
}

#[derive(Deserialize)]
pub struct BreachForm {
    #[serde(default)]
    title: String,
    #[serde(default)]
    kind: String,
    #[serde(default)]
    broke_trust: String,
    #[serde(default)]
    discovered_on: String,
}

pub async fn record_breach(
    State(app): State<App>,
    user: SignedIn,
    Param(id): Segment,
    Form(form): Form<BreachForm>,
) -> Result<Response, WebError> {
    let space = space_id(&id)?;
    let state = app.own_up_state(&user.session, space).await?;
    let people = People::of(&state, user.session.person);
    let title = Text::parse(&form.title, "The title", limits::TITLE).map_err(invalid("title"))?;
    let kind = BreachKind::parse(&form.kind).map_err(invalid("kind"))?;
    let broke_trust = match (form.broke_trust.as_str(), people.partner) {
        ("me", _) => people.me,
        ("partner", Some(partner)) => partner,
        _ => {
            return Err(AppError::Invalid {
                field: "broke_trust",
                message: "Please choose who broke trust.".into(),
            }
            .into());
        }
    };
    let discovered_on =
        crate::domain::calendar::parse_date(form.discovered_on.trim()).ok_or_else(|| {
            AppError::Invalid {
                field: "discovered_on",
                message: "Please give the date it came to light, like 2026-10-02.".into(),
            }
        })?;
    let breach = EntryId::random();
    app.own_up(
        &user.session,
        space,
        Command::RecordBreach {
            id: breach,
            title,
            kind,
            broke_trust,
            discovered_on,
        },
    )
    .await?;
    Ok(back_to(format!("/spaces/{space}/breaches/{breach}")))
}

pub struct EntryView {
    pub id: EntryId,
    pub text: String,
    pub when: String,
    pub added_later: Option<i64>,
    pub corrects: Option<EntryId>,
    pub corrected_by: Vec<EntryId>,
}

pub struct ApologyLine {
    pub id: EntryId,
    pub when: String,
    pub latest_response: Option<&'static str>,
}

#[derive(Template, WebTemplate)]
#[template(path = "breach.html")]
struct BreachPage {
    chrome: Chrome,
    space: SpaceId,
    breach: Breach,
    kind: &'static str,
    broke_trust: String,
    hurt: String,
    i_broke_trust: bool,
    i_was_hurt: bool,
    recorded_by: String,
    entries: Vec<EntryView>,
    apologies: Vec<ApologyLine>,
    questions: Vec<QuestionLine>,
    disclosure_max: usize,
    account_max: usize,
    repair: super::reconnect::BreachRepair,
    reports: Vec<super::keepword::ReportView>,
}

pub async fn breach(
    State(app): State<App>,
    user: SignedIn,
    Param(id): Segment,
    Param(entry): Segment2,
) -> Result<Response, WebError> {
    let zone = &user.session.time_zone;
    let (space, breach_id) = ids(&id, &entry)?;
    let state = app.own_up_state(&user.session, space).await?;
    let people = People::of(&state, user.session.person);
    let breach = state
        .own_up
        .breach(breach_id)
        .ok_or_else(not_found)?
        .clone();
    let entries = breach
        .disclosure
        .iter()
        .map(|e| EntryView {
            id: e.id,
            text: e.text.clone(),
            when: format_time(e.at_us, zone),
            added_later: breach.days_after_first_account(e),
            corrects: e.corrects,
            corrected_by: breach.corrections_of(e.id).map(|c| c.id).collect(),
        })
        .collect();
    let apologies = state
        .own_up
        .apologies
        .iter()
        .filter(|a| a.breach == breach.id)
        .map(|a| ApologyLine {
            id: a.id,
            when: format_time(a.sent_at_us, zone),
            latest_response: a.responses.last().map(|r| r.kind.label()),
        })
        .collect();
    let now = app.clock().now_us();
    let questions = state
        .own_up
        .questions
        .iter()
        .filter(|q| q.breach == Some(breach.id))
        .map(|q| QuestionLine::of(q, &people, now))
        .collect();
    Ok(BreachPage {
        chrome: Chrome::signed_in(&user.csrf),
        space,
        kind: breach.kind.label(),
        broke_trust: people.name(breach.broke_trust),
        hurt: people.name(breach.hurt),
        i_broke_trust: breach.broke_trust == people.me,
        i_was_hurt: breach.hurt == people.me,
        recorded_by: people.name(breach.recorded_by),
        breach,
        entries,
        apologies,
        questions,
        disclosure_max: limits::DISCLOSURE,
        account_max: limits::ACCOUNT,
        repair: super::reconnect::breach_repair(&state, people.me, breach_id, zone),
        reports: super::keepword::reports_on(&state, breach_id, zone),
    }
    .into_response())
}

/// The second route parameter: the breach, question, apology or letter.
pub type Segment2 = Param<1>;

#[derive(Deserialize)]
pub struct AcknowledgeForm {
    #[serde(default)]
    response: String,
    #[serde(default)]
    account: String,
}

pub async fn acknowledge(
    State(app): State<App>,
    user: SignedIn,
    Param(id): Segment,
    Param(entry): Segment2,
    Form(form): Form<AcknowledgeForm>,
) -> Result<Response, WebError> {
    let (space, breach) = ids(&id, &entry)?;
    let sees_differently = match form.response.as_str() {
        "acknowledged" => None,
        "sees_differently" => Some(
            Text::parse(&form.account, "Your account", limits::ACCOUNT)
                .map_err(invalid("account"))?,
        ),
        _ => {
            return Err(AppError::Invalid {
                field: "response",
                message: "Please choose how you answer.".into(),
            }
            .into());
        }
    };
    app.own_up(
        &user.session,
        space,
        Command::AcknowledgeBreach {
            breach,
            sees_differently,
        },
    )
    .await?;
    Ok(back_to(format!("/spaces/{space}/breaches/{breach}")))
}

#[derive(Deserialize)]
pub struct DisclosureForm {
    #[serde(default)]
    text: String,
    #[serde(default)]
    corrects: String,
}

pub async fn add_disclosure(
    State(app): State<App>,
    user: SignedIn,
    Param(id): Segment,
    Param(entry): Segment2,
    Form(form): Form<DisclosureForm>,
) -> Result<Response, WebError> {
    let (space, breach) = ids(&id, &entry)?;
    let text =
        Text::parse(&form.text, "Your account", limits::DISCLOSURE).map_err(invalid("text"))?;
    let corrects = match form.corrects.trim() {
        "" => None,
        raw => Some(raw.parse().map_err(|_| not_found())?),
    };
    let id = EntryId::random();
    app.own_up(
        &user.session,
        space,
        Command::AddDisclosure {
            breach,
            id,
            text,
            corrects,
        },
    )
    .await?;
    Ok(back_to(format!(
        "/spaces/{space}/breaches/{breach}#entry-{id}"
    )))
}

// ---- questions ---------------------------------------------------------------------------

pub struct QuestionLine {
    pub id: EntryId,
    pub title: String,
    pub asker: String,
    pub age: String,
    pub rounds: usize,
    pub status: QuestionStatus,
    /// The viewer is the one who has to act next.
    pub my_turn: bool,
}

impl QuestionLine {
    fn of(q: &Question, people: &People, now_us: i64) -> Self {
        let status = q.status();
        let my_turn = match status {
            QuestionStatus::WaitingForAnswer => q.asker != people.me,
            QuestionStatus::Answered => q.asker == people.me,
            QuestionStatus::Settled => false,
        };
        Self {
            id: q.id,
            title: q.title().to_owned(),
            asker: people.name(q.asker),
            age: age(now_us, q.asked_at_us()),
            rounds: q.rounds.len(),
            status,
            my_turn,
        }
    }

    pub fn waiting(&self) -> bool {
        self.status == QuestionStatus::WaitingForAnswer
    }

    pub fn answered(&self) -> bool {
        self.status == QuestionStatus::Answered
    }

    pub fn settled(&self) -> bool {
        self.status == QuestionStatus::Settled
    }
}

#[derive(Template, WebTemplate)]
#[template(path = "questions.html")]
struct QuestionsPage {
    chrome: Chrome,
    space: SpaceId,
    questions: Vec<QuestionLine>,
    my_breaches: Vec<(EntryId, String)>,
    selected_breach: String,
    has_partner: bool,
    partner_name: String,
    question_max: usize,
}

#[derive(Deserialize, Default)]
pub struct BreachQuery {
    #[serde(default)]
    breach: String,
}

pub async fn questions(
    State(app): State<App>,
    user: SignedIn,
    Param(id): Segment,
    Query(query): Query<BreachQuery>,
) -> Result<Response, WebError> {
    let state = app.own_up_state(&user.session, space_id(&id)?).await?;
    let people = People::of(&state, user.session.person);
    let now = app.clock().now_us();
    let mut questions: Vec<QuestionLine> = state
        .own_up
        .questions
        .iter()
        .map(|q| QuestionLine::of(q, &people, now))
        .collect();
    // What needs the viewer first, then the oldest open questions.
    questions.sort_by_key(|q| (!q.my_turn, q.settled()));
    Ok(QuestionsPage {
        chrome: Chrome::signed_in(&user.csrf),
        space: state.id,
        questions,
        my_breaches: state
            .own_up
            .breaches
            .iter()
            .filter(|b| b.hurt == people.me)
            .map(|b| (b.id, b.title.clone()))
            .collect(),
        selected_breach: query.breach,
        has_partner: people.partner.is_some(),
        partner_name: people.partner_name,
        question_max: limits::QUESTION,
    }
    .into_response())
}

#[derive(Deserialize)]
pub struct AskForm {
    #[serde(default)]
    text: String,
    #[serde(default)]
    breach: String,
}

pub async fn ask(
    State(app): State<App>,
    user: SignedIn,
    Param(id): Segment,
    Form(form): Form<AskForm>,
) -> Result<Response, WebError> {
    let space = space_id(&id)?;
    let text =
        Text::parse(&form.text, "Your question", limits::QUESTION).map_err(invalid("text"))?;
    let breach = match form.breach.trim() {
        "" => None,
        raw => Some(raw.parse().map_err(|_| not_found())?),
    };
    let question = EntryId::random();
    app.own_up(
        &user.session,
        space,
        Command::AskQuestion {
            id: question,
            breach,
            text,
        },
    )
    .await?;
    Ok(back_to(format!("/spaces/{space}/questions/{question}")))
}

pub struct RoundView {
    pub number: usize,
    pub ask: String,
    pub asked: String,
    pub answer: Option<(String, String)>,
}

#[derive(Template, WebTemplate)]
#[template(path = "question.html")]
struct QuestionPage {
    chrome: Chrome,
    space: SpaceId,
    question: QuestionLine,
    breach: Option<(EntryId, String)>,
    rounds: Vec<RoundView>,
    i_asked: bool,
    answerer: String,
    answer_max: usize,
    question_max: usize,
}

pub async fn question(
    State(app): State<App>,
    user: SignedIn,
    Param(id): Segment,
    Param(entry): Segment2,
) -> Result<Response, WebError> {
    let zone = &user.session.time_zone;
    let (space, question_id) = ids(&id, &entry)?;
    let state = app.own_up_state(&user.session, space).await?;
    let people = People::of(&state, user.session.person);
    let q = state.own_up.question(question_id).ok_or_else(not_found)?;
    let answerer = if q.asker == people.me {
        people.partner_name.clone()
    } else {
        "You".to_owned()
    };
    Ok(QuestionPage {
        chrome: Chrome::signed_in(&user.csrf),
        space,
        question: QuestionLine::of(q, &people, app.clock().now_us()),
        breach: q
            .breach
            .and_then(|b| state.own_up.breach(b))
            .map(|b| (b.id, b.title.clone())),
        rounds: q
            .rounds
            .iter()
            .enumerate()
            .map(|(i, r)| RoundView {
                number: i + 1,
                ask: r.ask.clone(),
                asked: format_time(r.asked_at_us, zone),
                answer: r
                    .answer
                    .as_ref()
                    .map(|(text, at)| (text.clone(), format_time(*at, zone))),
            })
            .collect(),
        i_asked: q.asker == people.me,
        answerer,
        answer_max: limits::ANSWER,
        question_max: limits::QUESTION,
    }
    .into_response())
}

#[derive(Deserialize)]
pub struct TextForm {
    #[serde(default)]
    text: String,
}

pub async fn answer(
    State(app): State<App>,
    user: SignedIn,
    Param(id): Segment,
    Param(entry): Segment2,
    Form(form): Form<TextForm>,
) -> Result<Response, WebError> {
    let (space, question) = ids(&id, &entry)?;
    let text = Text::parse(&form.text, "Your answer", limits::ANSWER).map_err(invalid("text"))?;
    app.own_up(
        &user.session,
        space,
        Command::AnswerQuestion { question, text },
    )
    .await?;
    Ok(back_to(format!("/spaces/{space}/questions/{question}")))
}

pub async fn settle(
    State(app): State<App>,
    user: SignedIn,
    Param(id): Segment,
    Param(entry): Segment2,
) -> Result<Response, WebError> {
    let (space, question) = ids(&id, &entry)?;
    app.own_up(&user.session, space, Command::SettleQuestion { question })
        .await?;
    Ok(back_to(format!("/spaces/{space}/questions/{question}")))
}

pub async fn ask_again(
    State(app): State<App>,
    user: SignedIn,
    Param(id): Segment,
    Param(entry): Segment2,
    Form(form): Form<TextForm>,
) -> Result<Response, WebError> {
    let (space, question) = ids(&id, &entry)?;
    let text =
        Text::parse(&form.text, "Your follow-up", limits::QUESTION).map_err(invalid("text"))?;
    app.own_up(&user.session, space, Command::AskAgain { question, text })
        .await?;
    Ok(back_to(format!("/spaces/{space}/questions/{question}")))
}

// ---- apologies ---------------------------------------------------------------------------

/// One section of the apology form.
pub struct SectionField {
    pub name: &'static str,
    pub label: &'static str,
    pub hint: &'static str,
    pub value: String,
}

fn section_fields(values: &ApologyForm) -> Vec<SectionField> {
    vec![
        SectionField {
            name: "what_i_did",
            label: "What I did",
            hint: "Name it plainly and completely, without softening it.",
            value: values.what_i_did.clone(),
        },
        SectionField {
            name: "how_it_affected_you",
            label: "How it affected you",
            hint: "In your own words, the specific ways it hurt your partner.",
            value: values.how_it_affected_you.clone(),
        },
        SectionField {
            name: "responsibility",
            label: "What I take full responsibility for",
            hint: "Your part, all of it, with no reasons attached.",
            value: values.responsibility.clone(),
        },
        SectionField {
            name: "changing",
            label: "What I am changing so it does not happen again",
            hint: "Concrete steps your partner will be able to see.",
            value: values.changing.clone(),
        },
        SectionField {
            name: "asking",
            label: "What I ask of you",
            hint: "For example forgiveness, when and if you are ready. Your partner decides.",
            value: values.asking.clone(),
        },
    ]
}

#[derive(Template, WebTemplate)]
#[template(path = "apology_form.html")]
struct ApologyFormPage {
    chrome: Chrome,
    space: SpaceId,
    breach: (EntryId, String),
    partner_name: String,
    fields: Vec<SectionField>,
    section_max: usize,
    checked: bool,
    flags: Vec<Flag>,
    error: Option<String>,
}

#[derive(Deserialize, Default, Clone)]
pub struct ApologyForm {
    #[serde(default)]
    what_i_did: String,
    #[serde(default)]
    how_it_affected_you: String,
    #[serde(default)]
    responsibility: String,
    #[serde(default)]
    changing: String,
    #[serde(default)]
    asking: String,
    #[serde(default)]
    action: String,
}

impl ApologyForm {
    fn sections(&self) -> Result<ApologySections, crate::domain::input::InputError> {
        let section = |raw: &str, what| {
            Text::parse(raw, what, limits::APOLOGY_SECTION).map(|t| t.as_str().to_owned())
        };
        Ok(ApologySections {
            what_i_did: section(&self.what_i_did, "“What I did”")?,
            how_it_affected_you: section(&self.how_it_affected_you, "“How it affected you”")?,
            responsibility: section(
                &self.responsibility,
                "“What I take full responsibility for”",
            )?,
            changing: section(&self.changing, "“What I am changing”")?,
            asking: section(&self.asking, "“What I ask of you”")?,
        })
    }
}

/// The breach an apology is for, if the viewer is the partner who broke trust in it.
fn apology_breach(state: &SpaceState, me: PersonId, breach: EntryId) -> Result<&Breach, WebError> {
    let b = state.own_up.breach(breach).ok_or_else(not_found)?;
    if b.broke_trust != me {
        return Err(AppError::Forbidden(
            "The apology for a breach comes from the partner who broke trust.".into(),
        )
        .into());
    }
    Ok(b)
}

pub async fn apology_form(
    State(app): State<App>,
    user: SignedIn,
    Param(id): Segment,
    Param(entry): Segment2,
) -> Result<Response, WebError> {
    let (space, breach) = ids(&id, &entry)?;
    let state = app.own_up_state(&user.session, space).await?;
    let b = apology_breach(&state, user.session.person, breach)?;
    Ok(ApologyFormPage {
        chrome: Chrome::signed_in(&user.csrf),
        space,
        breach: (b.id, b.title.clone()),
        partner_name: People::of(&state, user.session.person).partner_name,
        fields: section_fields(&ApologyForm::default()),
        section_max: limits::APOLOGY_SECTION,
        checked: false,
        flags: Vec::new(),
        error: None,
    }
    .into_response())
}

/// `check` shows the accountability check; `send` sends if the check finds nothing;
/// `send_anyway` sends whatever the check says. Nothing is stored until it is sent.
pub async fn send_apology(
    State(app): State<App>,
    user: SignedIn,
    Param(id): Segment,
    Param(entry): Segment2,
    Form(form): Form<ApologyForm>,
) -> Result<Response, WebError> {
    let (space, breach) = ids(&id, &entry)?;
    let state = app.own_up_state(&user.session, space).await?;
    let b = apology_breach(&state, user.session.person, breach)?;
    let page = |status: StatusCode, checked: bool, flags: Vec<Flag>, error: Option<String>| {
        (
            status,
            ApologyFormPage {
                chrome: Chrome::signed_in(&user.csrf),
                space,
                breach: (b.id, b.title.clone()),
                partner_name: People::of(&state, user.session.person).partner_name,
                fields: section_fields(&form),
                section_max: limits::APOLOGY_SECTION,
                checked,
                flags,
                error,
            },
        )
            .into_response()
    };
    let sections = match form.sections() {
        Ok(sections) => sections,
        Err(e) => {
            return Ok(page(
                StatusCode::UNPROCESSABLE_ENTITY,
                false,
                Vec::new(),
                Some(e.0),
            ));
        }
    };
    let flags = checks::check(Check::Accountability, &sections.joined());
    let send = match form.action.as_str() {
        "send_anyway" => true,
        "send" => flags.is_empty(),
        _ => false,
    };
    if !send {
        return Ok(page(StatusCode::OK, true, flags, None));
    }
    let apology = EntryId::random();
    app.own_up(
        &user.session,
        space,
        Command::SendApology {
            id: apology,
            breach,
            sections,
        },
    )
    .await?;
    Ok(back_to(format!("/spaces/{space}/apologies/{apology}")))
}

pub struct ResponseView {
    pub label: &'static str,
    pub missing: Option<String>,
    pub when: String,
}

#[derive(Template, WebTemplate)]
#[template(path = "apology.html")]
struct ApologyPage {
    chrome: Chrome,
    space: SpaceId,
    apology: Apology,
    breach_title: String,
    author: String,
    sent: String,
    responses: Vec<ResponseView>,
    i_received_it: bool,
    missing_max: usize,
}

pub async fn apology(
    State(app): State<App>,
    user: SignedIn,
    Param(id): Segment,
    Param(entry): Segment2,
) -> Result<Response, WebError> {
    let zone = &user.session.time_zone;
    let (space, apology_id) = ids(&id, &entry)?;
    let state = app.own_up_state(&user.session, space).await?;
    let people = People::of(&state, user.session.person);
    let a = state
        .own_up
        .apology(apology_id)
        .ok_or_else(not_found)?
        .clone();
    Ok(ApologyPage {
        chrome: Chrome::signed_in(&user.csrf),
        space,
        breach_title: state
            .own_up
            .breach(a.breach)
            .map_or_else(String::new, |b| b.title.clone()),
        author: people.name(a.author),
        sent: format_time(a.sent_at_us, zone),
        responses: a
            .responses
            .iter()
            .map(|r| ResponseView {
                label: r.kind.label(),
                missing: r.missing.clone(),
                when: format_time(r.at_us, zone),
            })
            .collect(),
        i_received_it: a.recipient == people.me,
        apology: a,
        missing_max: limits::MISSING,
    }
    .into_response())
}

#[derive(Deserialize)]
pub struct RespondForm {
    #[serde(default)]
    response: String,
    #[serde(default)]
    missing: String,
}

pub async fn respond(
    State(app): State<App>,
    user: SignedIn,
    Param(id): Segment,
    Param(entry): Segment2,
    Form(form): Form<RespondForm>,
) -> Result<Response, WebError> {
    let (space, apology) = ids(&id, &entry)?;
    let response = ApologyResponseKind::parse(&form.response).map_err(invalid("response"))?;
    let missing = match (response, form.missing.trim()) {
        (ApologyResponseKind::SomethingMissing, raw) if !raw.is_empty() => {
            Some(Text::parse(raw, "What is missing", limits::MISSING).map_err(invalid("missing"))?)
        }
        _ => None,
    };
    app.own_up(
        &user.session,
        space,
        Command::RespondToApology {
            apology,
            response,
            missing,
        },
    )
    .await?;
    Ok(back_to(format!("/spaces/{space}/apologies/{apology}")))
}

// ---- letters -----------------------------------------------------------------------------

pub struct LetterLine {
    pub id: EntryId,
    pub from: String,
    pub to: String,
    pub when: String,
    pub opening: String,
}

#[derive(Template, WebTemplate)]
#[template(path = "letters.html")]
struct LettersPage {
    chrome: Chrome,
    space: SpaceId,
    letters: Vec<LetterLine>,
    drafts: Vec<(EntryId, String, String)>,
    has_partner: bool,
}

fn opening(text: &str) -> String {
    let first: String = text.lines().next().unwrap_or("").chars().take(80).collect();
    if first.chars().count() < text.chars().count() {
        format!("{first}…")
    } else {
        first
    }
}

pub async fn letters(
    State(app): State<App>,
    user: SignedIn,
    Param(id): Segment,
) -> Result<Response, WebError> {
    let zone = &user.session.time_zone;
    let space = space_id(&id)?;
    let state = app.own_up_state(&user.session, space).await?;
    let people = People::of(&state, user.session.person);
    let drafts = app.letter_drafts(&user.session, space).await?;
    Ok(LettersPage {
        chrome: Chrome::signed_in(&user.csrf),
        space,
        letters: state
            .own_up
            .letters
            .iter()
            .rev()
            .map(|l| LetterLine {
                id: l.id,
                from: people.name(l.author),
                to: people.name(l.recipient).replace("You", "you"),
                when: format_time(l.sent_at_us, zone),
                opening: opening(&l.text),
            })
            .collect(),
        drafts: drafts
            .iter()
            .map(|d| {
                (
                    d.id,
                    opening(&d.text),
                    format_time(d.updated_at * 1_000_000, zone),
                )
            })
            .collect(),
        has_partner: people.partner.is_some(),
    }
    .into_response())
}

#[derive(Template, WebTemplate)]
#[template(path = "letter_form.html")]
struct LetterFormPage {
    chrome: Chrome,
    space: SpaceId,
    partner_name: String,
    draft: Option<EntryId>,
    text: String,
    saved: Option<String>,
    checked: bool,
    flags: Vec<Flag>,
    error: Option<String>,
    letter_max: usize,
}

#[derive(Deserialize, Default)]
pub struct DraftQuery {
    #[serde(default)]
    draft: String,
}

pub async fn letter_form(
    State(app): State<App>,
    user: SignedIn,
    Param(id): Segment,
    Query(query): Query<DraftQuery>,
) -> Result<Response, WebError> {
    let zone = &user.session.time_zone;
    let space = space_id(&id)?;
    let state = app.own_up_state(&user.session, space).await?;
    let draft: Option<LetterDraft> = match query.draft.trim() {
        "" => None,
        raw => Some(
            app.letter_draft(&user.session, space, raw.parse().map_err(|_| not_found())?)
                .await?,
        ),
    };
    Ok(LetterFormPage {
        chrome: Chrome::signed_in(&user.csrf),
        space,
        partner_name: People::of(&state, user.session.person).partner_name,
        draft: draft.as_ref().map(|d| d.id),
        text: draft.as_ref().map(|d| d.text.clone()).unwrap_or_default(),
        saved: draft
            .as_ref()
            .map(|d| format_time(d.updated_at * 1_000_000, zone)),
        checked: false,
        flags: Vec::new(),
        error: None,
        letter_max: limits::LETTER,
    }
    .into_response())
}

#[derive(Deserialize)]
pub struct LetterForm {
    #[serde(default)]
    text: String,
    #[serde(default)]
    draft: String,
    #[serde(default)]
    action: String,
}

/// `save` keeps a private draft; `check` shows the gentleness check; `send` sends if the
/// check finds nothing; `send_anyway` sends whatever it says.
pub async fn write_letter(
    State(app): State<App>,
    user: SignedIn,
    Param(id): Segment,
    Form(form): Form<LetterForm>,
) -> Result<Response, WebError> {
    let space = space_id(&id)?;
    let state = app.own_up_state(&user.session, space).await?;
    let draft: Option<EntryId> = match form.draft.trim() {
        "" => None,
        raw => Some(raw.parse().map_err(|_| not_found())?),
    };
    let page = |status: StatusCode, checked: bool, flags: Vec<Flag>, error: Option<String>| {
        (
            status,
            LetterFormPage {
                chrome: Chrome::signed_in(&user.csrf),
                space,
                partner_name: People::of(&state, user.session.person).partner_name,
                draft,
                text: form.text.clone(),
                saved: None,
                checked,
                flags,
                error,
                letter_max: limits::LETTER,
            },
        )
            .into_response()
    };
    let result = match form.action.as_str() {
        "save" => app
            .save_letter_draft(&user.session, space, draft, &form.text)
            .await
            .map(|id| back_to(format!("/spaces/{space}/letters/new?draft={id}"))),
        action => {
            // Limits first: the check never reads more than a letter may hold.
            if let Err(e) = Text::parse(&form.text, "The letter", limits::LETTER) {
                return Ok(page(
                    StatusCode::UNPROCESSABLE_ENTITY,
                    false,
                    Vec::new(),
                    Some(e.0),
                ));
            }
            let flags = checks::check(Check::Gentleness, &form.text);
            let send = action == "send_anyway" || (action == "send" && flags.is_empty());
            if send {
                app.send_letter(&user.session, space, draft, &form.text)
                    .await
                    .map(|id| back_to(format!("/spaces/{space}/letters/{id}")))
            } else {
                Ok(page(StatusCode::OK, true, flags, None))
            }
        }
    };
    match result {
        Ok(response) => Ok(response),
        Err(err @ AppError::Invalid { .. }) => {
            let status = status_of(&err);
            Ok(page(status, false, Vec::new(), Some(err.to_string())))
        }
        Err(err) => Err(err.into()),
    }
}

#[derive(Template, WebTemplate)]
#[template(path = "letter.html")]
struct LetterPage {
    chrome: Chrome,
    space: SpaceId,
    from: String,
    to: String,
    when: String,
    text: String,
}

pub async fn letter(
    State(app): State<App>,
    user: SignedIn,
    Param(id): Segment,
    Param(entry): Segment2,
) -> Result<Response, WebError> {
    let zone = &user.session.time_zone;
    let (space, letter_id) = ids(&id, &entry)?;
    let state = app.own_up_state(&user.session, space).await?;
    let people = People::of(&state, user.session.person);
    let l = state.own_up.letter(letter_id).ok_or_else(not_found)?;
    Ok(LetterPage {
        chrome: Chrome::signed_in(&user.csrf),
        space,
        from: people.name(l.author),
        to: people.name(l.recipient).replace("You", "you"),
        when: format_time(l.sent_at_us, zone),
        text: l.text.clone(),
    }
    .into_response())
}
