//! Erasing your account: the page that says exactly what goes and what stays and offers
//! each copy first, and the form that asks for the password again and a box ticked. Once
//! done, the browser keeps nothing of the account either: its cookies are cleared.

use askama::Template;
use askama_web::WebTemplate;
use axum::Form;
use axum::extract::State;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use serde::Deserialize;

use super::error::WebError;
use super::guard::{DEVICE_COOKIE, INVITE_COOKIE, SESSION_COOKIE, SignedIn, set_cookie};
use super::routes::Routes;
use super::view::{Chrome, FormError, confirmed, see_other};
use crate::app::{App, SpaceSummary};

pub fn routes() -> Routes {
    Routes::new().route("/account/erase", get(erase_page).post(erase))
}

#[derive(Template, WebTemplate)]
#[template(path = "erase.html")]
struct ErasePage {
    chrome: Chrome,
    /// The spaces the viewer is in, each with its download.
    spaces: Vec<SpaceSummary>,
    /// The viewer counsels a couple: the page says what happens to that.
    counsels: bool,
    error: Option<FormError>,
}

async fn page(app: &App, user: &SignedIn, error: Option<FormError>) -> Result<ErasePage, WebError> {
    Ok(ErasePage {
        chrome: Chrome::signed_in(&user.session, &user.csrf),
        spaces: app.spaces_of(&user.session).await?,
        counsels: !app.counselled(&user.session).await?.is_empty(),
        error,
    })
}

async fn erase_page(State(app): State<App>, user: SignedIn) -> Result<Response, WebError> {
    Ok(page(&app, &user, None).await?.into_response())
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub(super) struct EraseForm {
    password: String,
    confirmed: String,
}

/// Erased: home, said once, with every cookie of the account gone from this browser. A
/// refusal (no tick, no or a wrong password) comes back on the page with nothing changed;
/// the password is never sent back.
async fn erase(
    State(app): State<App>,
    user: SignedIn,
    Form(form): Form<EraseForm>,
) -> Result<Response, WebError> {
    let erased = app
        .erase_account(&user.session, &form.password, confirmed(&form.confirmed))
        .await;
    match erased {
        Ok(()) => {
            let mut response = see_other("/?erased=1");
            for name in [SESSION_COOKIE, INVITE_COOKIE, DEVICE_COOKIE] {
                if let Some(cookie) = set_cookie(name, "", 0, user.secure_cookies) {
                    response.headers_mut().append(header::SET_COOKIE, cookie);
                }
            }
            Ok(response)
        }
        Err(err) => {
            let error = FormError::on_form(err, &["password", "confirmed"])?;
            let page = page(&app, &user, Some(error)).await?;
            Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response())
        }
    }
}
