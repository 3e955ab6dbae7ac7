//! Endings: leaving a space alone, whenever a partner chooses and without the other's
//! agreement, and recording that the repair ends apart. Each page says what stays and what
//! goes, offers the download first, and asks once. Nobody is asked why.

use askama::Template;
use askama_web::WebTemplate;
use axum::Form;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use serde::Deserialize;

use super::context::InSpace;
use super::error::WebError;
use super::routes::Routes;
use super::view::{Chrome, confirmed, see_other};
use crate::app::AppError;
use crate::domain::SpaceId;

pub fn routes() -> Routes {
    Routes::new()
        .route("/spaces/{id}/leave", get(leave_page).post(leave))
        .route("/spaces/{id}/end-apart", get(apart_page).post(end_apart))
}

#[derive(Template, WebTemplate)]
#[template(path = "ending.html")]
struct EndingPage {
    chrome: Chrome,
    space: SpaceId,
    heading: &'static str,
    what_happens: Vec<String>,
    action: String,
    button: &'static str,
}

fn leave_words(page: &InSpace) -> EndingPage {
    let partner = &page.people.partner_name;
    EndingPage {
        chrome: page.chrome(),
        space: page.space(),
        heading: "Leave this space",
        what_happens: vec![
            "You can leave at any time, on your own. Nobody has to agree, and you do not have \
             to give a reason."
                .to_owned(),
            format!(
                "Once you leave, you no longer see this space. {partner} keeps it as it was: \
                 they can still read everything in it and download it, but nothing more can be \
                 added by either of you. The record keeps that you left, and when."
            ),
            "Nothing already written is removed. A counsellor who could see this space no \
             longer can. Your journal is not part of the space and stays yours."
                .to_owned(),
        ],
        action: format!("{}/leave", page.base()),
        button: "Leave this space",
    }
}

fn apart_words(page: &InSpace) -> EndingPage {
    let partner = &page.people.partner_name;
    EndingPage {
        chrome: page.chrome(),
        space: page.space(),
        heading: "End the repair apart",
        what_happens: vec![
            "Sometimes the honest outcome of this work is to go separate ways. Either of you \
             may record that, and nobody has to agree or explain."
                .to_owned(),
            format!(
                "{partner} is told calmly, on the space's home page. From then on the space is \
                 kept as it is, for both of you: everything stays readable and can be \
                 downloaded, nothing can be added, and nothing is deleted."
            ),
            "A counsellor who could see this space no longer can. Either of you can still \
             leave the space afterwards."
                .to_owned(),
        ],
        action: format!("{}/end-apart", page.base()),
        button: "End the repair apart",
    }
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub(super) struct EndingForm {
    confirmed: String,
}

async fn leave_page(page: InSpace) -> Result<Response, WebError> {
    Ok(leave_words(&page).into_response())
}

async fn apart_page(page: InSpace) -> Result<Response, WebError> {
    if page.state.is_closed() {
        return Err(AppError::Refused("This space has already been closed.".into()).into());
    }
    Ok(apart_words(&page).into_response())
}

async fn leave(page: InSpace, Form(form): Form<EndingForm>) -> Result<Response, WebError> {
    if !confirmed(&form.confirmed) {
        return Ok(leave_words(&page).into_response());
    }
    page.app.leave(&page.session, page.space()).await?;
    Ok(see_other("/?left=1"))
}

async fn end_apart(page: InSpace, Form(form): Form<EndingForm>) -> Result<Response, WebError> {
    if !confirmed(&form.confirmed) {
        return Ok(apart_words(&page).into_response());
    }
    page.app.end_apart(&page.session, page.space()).await?;
    Ok(see_other(&page.base()))
}
