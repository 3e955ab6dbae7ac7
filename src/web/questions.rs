//! Questions: the hurt partner asks, the other answers, as often as needed. Only the one
//! who asked settles a question or asks again; every round is kept.

use askama::Template;
use askama_web::WebTemplate;
use axum::Form;
use axum::extract::{Query, State};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use serde::Deserialize;

use super::context::{BreachHead, EntryPath, InSpace, OnBreach, optional_form_id};
use super::error::{WebError, not_found};
use super::events::Described;
use super::guard::SignedIn;
use super::routes::Routes;
use super::view::{
    Chrome, FormError, Name, People, age, answer_form, format_time, invalid, quoted, see_other,
};
use super::wording::{self, Checked, ReviewPage};
use crate::app::{App, AppError};
use crate::domain::ownup::{self, Command, Question, QuestionStatus, Text, Waiting, limits};
use crate::domain::seen::Marks;
use crate::domain::space::{SpaceEvent, SpaceState};
use crate::domain::{EntryId, PersonId, SpaceId};

pub fn routes() -> Routes {
    Routes::new()
        .route("/spaces/{id}/questions", get(questions).post(ask))
        .route("/spaces/{id}/questions/{entry}", get(question))
        .route("/spaces/{id}/questions/{entry}/answer", post(answer))
        .route("/spaces/{id}/questions/{entry}/settle", post(settle))
        .route("/spaces/{id}/questions/{entry}/again", post(ask_again))
}

/// Questions to answer, and answers to read.
pub fn waiting(state: &SpaceState, viewer: PersonId, _now_us: i64) -> Vec<(String, String)> {
    let base = format!("/spaces/{}", state.id);
    state
        .own_up
        .waiting_for(viewer)
        .into_iter()
        .filter_map(|w| {
            let (verb, id) = match w {
                Waiting::Answer(id) => ("Answer the question", id),
                Waiting::Decide(id) => ("Read the answer to", id),
                _ => return None,
            };
            let q = state.own_up.question(id)?;
            Some((
                format!("{verb} {}", quoted(q.title())),
                format!("{base}/questions/{id}"),
            ))
        })
        .collect()
}

/// Record-page wording for asking, answering and settling.
pub fn describe(_state: &SpaceState, base: &str, event: &SpaceEvent) -> Described {
    use ownup::Event as E;
    let SpaceEvent::OwnUp(event) = event else {
        return None;
    };
    let (what, question) = match event {
        E::QuestionAsked(e) => ("asked a question", e.question),
        E::QuestionAnswered(e) => ("answered a question", e.question),
        E::QuestionAskedAgain(e) => ("asked a question again", e.question),
        E::QuestionSettled(e) => ("marked a question settled", e.question),
        _ => return None,
    };
    Some((
        what.to_owned(),
        Some(format!("{base}/questions/{question}")),
    ))
}

pub struct QuestionLine {
    pub id: EntryId,
    pub title: String,
    pub asker: Name,
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

#[derive(Template)]
#[template(path = "breach_questions.html")]
struct BreachQuestions {
    breach: BreachHead,
    questions: Vec<QuestionLine>,
}

/// The hurt partner is invited to ask, until they have asked something.
pub fn first_steps(state: &SpaceState, viewer: PersonId, _marks: &Marks) -> Vec<(String, String)> {
    let own_up = &state.own_up;
    let Some(partner) = state.partner_of(viewer) else {
        return Vec::new();
    };
    let hurt = own_up.breaches.iter().any(|b| b.hurt == viewer);
    if !hurt || own_up.questions.iter().any(|q| q.asker == viewer) {
        return Vec::new();
    }
    vec![(
        format!(
            "Ask {} what you need to know, as often as you need",
            partner.display_name
        ),
        format!("/spaces/{}/questions", state.id),
    )]
}

/// The questions about a breach, as a section of its page.
pub fn on_breach(on: &OnBreach) -> Result<String, askama::Error> {
    BreachQuestions {
        breach: on.head(),
        questions: on
            .page
            .state
            .own_up
            .questions
            .iter()
            .filter(|q| q.breach == Some(on.breach.id))
            .map(|q| QuestionLine::of(q, &on.page.people, on.page.now_us))
            .collect(),
    }
    .render()
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
    /// The question as typed, when the form comes back with a refusal.
    typed: String,
    error: Option<FormError>,
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub(super) struct BreachQuery {
    breach: String,
}

async fn questions(page: InSpace, Query(query): Query<BreachQuery>) -> Result<Response, WebError> {
    let me = page.me();
    let theirs = page.state.own_up.questions.iter().filter(|q| q.asker != me);
    page.shown(theirs.map(|q| q.id)).await;
    Ok(questions_page(&page, query.breach, String::new(), None).into_response())
}

fn questions_page(
    page: &InSpace,
    selected_breach: String,
    typed: String,
    error: Option<FormError>,
) -> QuestionsPage {
    let people = &page.people;
    let mut questions: Vec<QuestionLine> = page
        .state
        .own_up
        .questions
        .iter()
        .map(|q| QuestionLine::of(q, people, page.now_us))
        .collect();
    // What needs the viewer first, then the oldest open questions.
    questions.sort_by_key(|q| (!q.my_turn, q.settled()));
    QuestionsPage {
        chrome: page.chrome(),
        space: page.space(),
        questions,
        my_breaches: page
            .state
            .own_up
            .breaches
            .iter()
            .filter(|b| b.hurt == people.me)
            .map(|b| (b.id, b.title.clone()))
            .collect(),
        selected_breach,
        has_partner: people.partner.is_some(),
        partner_name: people.partner_name.clone(),
        question_max: limits::QUESTION,
        typed,
        error,
    }
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub(super) struct AskForm {
    text: String,
    breach: String,
}

/// A refused question comes back to the form, beside the field, as it was typed.
async fn ask(page: InSpace, Form(form): Form<AskForm>) -> Result<Response, WebError> {
    let space = page.space();
    let breach = optional_form_id(&form.breach)?;
    let asked = match Text::parse(&form.text, "Your question", limits::QUESTION) {
        Ok(text) => {
            let question = EntryId::random();
            let command = Command::AskQuestion {
                id: question,
                breach,
                text,
            };
            page.app
                .own_up(&page.session, space, command)
                .await
                .map(|()| format!("/spaces/{space}/questions/{question}"))
        }
        Err(e) => Err(AppError::invalid("text", e)),
    };
    answer_form(asked, &["text", "breach"], |error| {
        questions_page(&page, form.breach.clone(), form.text.clone(), Some(error))
    })
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
    /// The asker may still take it back (just asked, not yet shown to the partner).
    withdrawable: bool,
    answerer: Name,
    answer_max: usize,
    question_max: usize,
}

async fn question(page: InSpace, EntryPath(_, id): EntryPath) -> Result<Response, WebError> {
    let zone = &page.zone;
    let people = &page.people;
    let q = page.state.own_up.question(id).ok_or_else(not_found)?;
    let i_asked = q.asker == people.me;
    if !i_asked {
        page.shown([q.id]).await;
    }
    let withdrawable = i_asked && page.may_withdraw(q.id).await?;
    let answerer = if i_asked {
        Name::Named(people.partner_name.clone())
    } else {
        Name::You
    };
    Ok(QuestionPage {
        chrome: page.chrome(),
        space: page.space(),
        question: QuestionLine::of(q, people, page.now_us),
        breach: q
            .breach
            .and_then(|b| page.state.own_up.breach(b))
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
        i_asked,
        withdrawable,
        answerer,
        answer_max: limits::ANSWER,
        question_max: limits::QUESTION,
    }
    .into_response())
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub(super) struct TextForm {
    text: String,
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub(super) struct AnswerForm {
    text: String,
    /// `send_anyway` sends whatever the accountability check says.
    action: String,
    /// Carried on from the warning before words of fear (see `warn`).
    safety: String,
}

/// An answer by the partner who broke trust in the question's breach (or, for a question
/// about no breach, in any) gets the accountability check first; see `wording`.
async fn answer(
    page: InSpace,
    EntryPath(space, question): EntryPath,
    Form(form): Form<AnswerForm>,
) -> Result<Response, WebError> {
    let text = Text::parse(&form.text, "Your answer", limits::ANSWER).map_err(invalid("text"))?;
    let own_up = &page.state.own_up;
    let q = own_up.question(question).ok_or_else(not_found)?;
    let me = page.people.me;
    let broke_trust = match q.breach.and_then(|b| own_up.breach(b)) {
        Some(breach) => breach.broke_trust == me,
        None => own_up.broke_trust_in_any(me),
    };
    if form.action != "send_anyway" && q.asker != me {
        let checked = Checked::run(wording::about_breach(broke_trust), &form.text);
        if !checked.is_empty() {
            let here = format!("/spaces/{space}/questions/{question}");
            return Ok(ReviewPage {
                chrome: page.chrome(),
                space,
                heading: "Before you send your answer",
                action: format!("{here}/answer"),
                back: here,
                label: "Your answer",
                max: limits::ANSWER,
                text: form.text,
                checked,
                understood: form.safety == "understood",
            }
            .into_response());
        }
    }
    page.app
        .own_up(
            &page.session,
            space,
            Command::AnswerQuestion { question, text },
        )
        .await?;
    Ok(see_other(&format!("/spaces/{space}/questions/{question}")))
}

async fn settle(
    State(app): State<App>,
    user: SignedIn,
    EntryPath(space, question): EntryPath,
) -> Result<Response, WebError> {
    app.own_up(&user.session, space, Command::SettleQuestion { question })
        .await?;
    Ok(see_other(&format!("/spaces/{space}/questions/{question}")))
}

async fn ask_again(
    page: InSpace,
    EntryPath(space, question): EntryPath,
    Form(form): Form<TextForm>,
) -> Result<Response, WebError> {
    let text =
        Text::parse(&form.text, "Your follow-up", limits::QUESTION).map_err(invalid("text"))?;
    page.app
        .own_up(&page.session, space, Command::AskAgain { question, text })
        .await?;
    Ok(see_other(&format!("/spaces/{space}/questions/{question}")))
}
