//! Sign up, log in, log out.

use std::net::SocketAddr;

use askama::Template;
use askama_web::WebTemplate;
use axum::Form;
use axum::extract::{ConnectInfo, Query, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use serde::Deserialize;

use super::error::{WebError, status_of};
use super::guard::{
    DEVICE_COOKIE, INVITE_COOKIE, SESSION_COOKIE, SignedIn, Viewer, client_ip, cookie_value,
    is_local_path, set_cookie,
};
use super::routes::Routes;
use super::view::{Chrome, FormError, ZoneGroup, zone_groups};

pub fn routes() -> Routes {
    Routes::new()
        .route("/signup", get(signup_page).post(signup))
        .route("/signup/sent", get(signup_sent))
        .route("/signup/confirm/{token}", get(confirm_page).post(confirm))
        .route("/password/forgot", get(forgot_page).post(forgot))
        .route("/password/reset/{token}", get(reset_page).post(reset))
        .route("/login", get(login_page).post(login))
        .route("/logout", post(logout))
        .route("/logout/everywhere", post(logout_everywhere))
        .route("/account", get(account))
        .route("/account/time-zone", post(set_time_zone))
        .route("/account/password", post(change_password))
        .route("/account/quick-exit", post(set_exit_to))
}
use super::context::{TokenPath, plausible_token};
use crate::app::{App, AppError, LoginInput, NewSession, ResetView, SignUpInput, SignedUp};
use crate::domain::calendar::Zone;
use crate::domain::input::NewPassword;
use crate::domain::quick_exit::ExitTo;

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct Next {
    next: Option<String>,
}

impl Next {
    /// The page to go to afterwards: `next` if it is a local path, else home.
    pub(super) fn target(&self) -> String {
        self.next
            .as_deref()
            .filter(|p| is_local_path(p))
            .unwrap_or("/")
            .to_owned()
    }

    fn keep(&self) -> String {
        self.next
            .as_deref()
            .filter(|p| is_local_path(p))
            .unwrap_or("")
            .to_owned()
    }
}

#[derive(Template, WebTemplate)]
#[template(path = "signup.html")]
struct SignUpPage {
    chrome: Chrome,
    next: String,
    email: String,
    display_name: String,
    /// The zone the form shows chosen: UTC at first (the browser's own, with JavaScript),
    /// or what was sent when the form comes back refused.
    time_zone: String,
    zones: &'static [ZoneGroup],
    min_password: usize,
    error: Option<FormError>,
    /// This server sends mail: sign-up waits for the address to be confirmed.
    mail: bool,
}

#[derive(Template, WebTemplate)]
#[template(path = "login.html")]
struct LoginPage {
    chrome: Chrome,
    next: String,
    email: String,
    error: Option<FormError>,
    mail: bool,
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct SignUpForm {
    time_zone: String,
    email: String,
    display_name: String,
    password: String,
    next: Option<String>,
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct LoginForm {
    email: String,
    password: String,
    next: Option<String>,
}

/// The form error for a use-case error, or the error itself if it is not about the form.
fn form_error(err: AppError) -> Result<(StatusCode, FormError), WebError> {
    let status = status_of(&err);
    let (field, message) = match err {
        AppError::Invalid { field, message } => (field, message),
        AppError::EmailTaken => ("email", AppError::EmailTaken.to_string()),
        e @ (AppError::BadCredentials | AppError::AccountDisabled | AppError::Throttled { .. }) => {
            ("email", e.to_string())
        }
        other => return Err(WebError(other)),
    };
    Ok((status, FormError { field, message }))
}

/// Signed in: set the session cookie and go on.
fn signed_in(session: NewSession, to: &str, app: &App) -> Response {
    let max_age = i64::try_from(app.settings().session_max.as_secs()).unwrap_or(i64::MAX);
    let mut response = Redirect::to(to).into_response();
    let secure = app.settings().secure_cookies;
    if let Some(cookie) = set_cookie(SESSION_COOKIE, &session.token, max_age, secure) {
        response.headers_mut().append(header::SET_COOKIE, cookie);
    }
    if let Some(device) = &session.device
        && let Some(cookie) = set_cookie(DEVICE_COOKIE, device, DEVICE_MAX_AGE_SECS, secure)
    {
        response.headers_mut().append(header::SET_COOKIE, cookie);
    }
    response
}

/// How long a browser is remembered as one its owner logs in from.
const DEVICE_MAX_AGE_SECS: i64 = 365 * 24 * 3600;

async fn signup_page(State(app): State<App>, viewer: Viewer, Query(next): Query<Next>) -> Response {
    if viewer.session.is_some() {
        return Redirect::to(&next.target()).into_response();
    }
    SignUpPage {
        chrome: Chrome::of(&viewer),
        next: next.keep(),
        email: String::new(),
        display_name: String::new(),
        time_zone: Zone::utc().name().to_owned(),
        zones: zone_groups(),
        min_password: NewPassword::MIN,
        error: None,
        mail: app.sends_mail(),
    }
    .into_response()
}

async fn signup(
    State(app): State<App>,
    viewer: Viewer,
    ConnectInfo(connected): ConnectInfo<SocketAddr>,
    headers: axum::http::HeaderMap,
    Form(form): Form<SignUpForm>,
) -> Result<Response, WebError> {
    let client = client_ip(&headers, connected.ip(), app.settings().trust_forwarded_for);
    let next = Next {
        next: form.next.clone(),
    };
    let input = SignUpInput {
        email: &form.email,
        display_name: &form.display_name,
        password: &form.password,
        time_zone: &form.time_zone,
    };
    match app.sign_up(input, client, &next.keep()).await {
        Ok(SignedUp::Session(session)) => {
            if let Some(old) = &viewer.session {
                app.log_out(old).await?;
            }
            Ok(signed_in(session, &next.target(), &app))
        }
        // The same answer whether or not the address has an account.
        Ok(SignedUp::CheckMail) => Ok(Redirect::to("/signup/sent").into_response()),
        Err(err) => {
            let (status, error) = form_error(err)?;
            let page = SignUpPage {
                chrome: Chrome::of(&viewer),
                next: next.keep(),
                email: form.email,
                display_name: form.display_name,
                time_zone: form.time_zone,
                zones: zone_groups(),
                min_password: NewPassword::MIN,
                error: Some(error),
                mail: app.sends_mail(),
            };
            Ok((status, page).into_response())
        }
    }
}

async fn login_page(State(app): State<App>, viewer: Viewer, Query(next): Query<Next>) -> Response {
    if viewer.session.is_some() {
        return Redirect::to(&next.target()).into_response();
    }
    LoginPage {
        chrome: Chrome::of(&viewer),
        next: next.keep(),
        email: String::new(),
        error: None,
        mail: app.sends_mail(),
    }
    .into_response()
}

async fn login(
    State(app): State<App>,
    viewer: Viewer,
    ConnectInfo(connected): ConnectInfo<SocketAddr>,
    headers: axum::http::HeaderMap,
    Form(form): Form<LoginForm>,
) -> Result<Response, WebError> {
    let secure = app.settings().secure_cookies;
    let next = Next {
        next: form.next.clone(),
    };
    let input = LoginInput {
        email: &form.email,
        password: &form.password,
        client: client_ip(&headers, connected.ip(), app.settings().trust_forwarded_for),
        device: cookie_value(&headers, DEVICE_COOKIE, secure),
    };
    match app.log_in(input).await {
        Ok(session) => {
            // A new session id at every log-in; the one this browser had (if any) ends.
            if let Some(old) = &viewer.session {
                app.log_out(old).await?;
            }
            Ok(signed_in(session, &next.target(), &app))
        }
        Err(err) => {
            let throttled = matches!(err, AppError::Throttled { .. });
            let (status, error) = form_error(err)?;
            let page = LoginPage {
                chrome: Chrome::of(&viewer),
                next: next.keep(),
                email: form.email,
                error: Some(error),
                mail: app.sends_mail(),
            };
            let mut response = (status, page).into_response();
            if throttled {
                response
                    .headers_mut()
                    .insert(header::RETRY_AFTER, HeaderValue::from_static("60"));
            }
            Ok(response)
        }
    }
}

// ---- links sent by mail -------------------------------------------------------------------

/// After a sign-up when mail is configured: the same page whether or not the address had
/// an account. It carries no form, so no token differs between two of them.
#[derive(Template, WebTemplate)]
#[template(path = "signup_sent.html")]
struct SignUpSentPage {
    chrome: Chrome,
}

async fn signup_sent(viewer: Viewer) -> Response {
    SignUpSentPage {
        chrome: Chrome::of(&viewer),
    }
    .into_response()
}

#[derive(Template, WebTemplate)]
#[template(path = "signup_confirm.html")]
struct ConfirmPage {
    chrome: Chrome,
    token: String,
    next: String,
    error: Option<FormError>,
}

fn link_gone() -> WebError {
    WebError(AppError::LinkGone)
}

async fn confirm_page(
    State(app): State<App>,
    viewer: Viewer,
    TokenPath(token): TokenPath,
    Query(next): Query<Next>,
) -> Result<Response, WebError> {
    if !plausible_token(&token) || !app.link_is_live(&token, crate::store::LINK_CONFIRM).await? {
        return Err(link_gone());
    }
    Ok(ConfirmPage {
        chrome: Chrome::of(&viewer),
        token,
        next: next.keep(),
        error: None,
    }
    .into_response())
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub(super) struct ConfirmForm {
    password: String,
    next: Option<String>,
}

async fn confirm(
    State(app): State<App>,
    viewer: Viewer,
    TokenPath(token): TokenPath,
    Form(form): Form<ConfirmForm>,
) -> Result<Response, WebError> {
    if !plausible_token(&token) {
        return Err(link_gone());
    }
    let next = Next { next: form.next };
    match app.confirm_sign_up(&token, &form.password).await {
        Ok(session) => {
            if let Some(old) = &viewer.session {
                app.log_out(old).await?;
            }
            Ok(signed_in(session, &next.target(), &app))
        }
        Err(err @ (AppError::Invalid { .. } | AppError::Throttled { .. })) => {
            let status = status_of(&err);
            let page = ConfirmPage {
                chrome: Chrome::of(&viewer),
                token,
                next: next.keep(),
                error: Some(FormError {
                    field: "password",
                    message: err.to_string(),
                }),
            };
            Ok((status, page).into_response())
        }
        Err(err) => Err(WebError(err)),
    }
}

#[derive(Template, WebTemplate)]
#[template(path = "password_forgot.html")]
struct ForgotPage {
    chrome: Chrome,
    email: String,
    /// A request was just made: say what happens now.
    sent: bool,
    /// This server sends mail (without it, there is no reset by mail).
    mail: bool,
    error: Option<FormError>,
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub(super) struct SentQuery {
    sent: String,
}

async fn forgot_page(
    State(app): State<App>,
    viewer: Viewer,
    Query(query): Query<SentQuery>,
) -> Response {
    ForgotPage {
        chrome: Chrome::of(&viewer),
        email: String::new(),
        sent: !query.sent.is_empty(),
        mail: app.sends_mail(),
        error: None,
    }
    .into_response()
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub(super) struct ForgotForm {
    email: String,
}

async fn forgot(
    State(app): State<App>,
    viewer: Viewer,
    ConnectInfo(connected): ConnectInfo<SocketAddr>,
    headers: axum::http::HeaderMap,
    Form(form): Form<ForgotForm>,
) -> Result<Response, WebError> {
    let page = |error: FormError, email: String| ForgotPage {
        chrome: Chrome::of(&viewer),
        email,
        sent: false,
        mail: app.sends_mail(),
        error: Some(error),
    };
    if !app.sends_mail() {
        let error = FormError {
            field: "",
            message: NO_MAIL.to_owned(),
        };
        return Ok((StatusCode::CONFLICT, page(error, form.email)).into_response());
    }
    let client = client_ip(&headers, connected.ip(), app.settings().trust_forwarded_for);
    match app.forgot_password(&form.email, client).await {
        // The same answer whether or not the address has an account.
        Ok(()) => Ok(Redirect::to("/password/forgot?sent=1").into_response()),
        Err(err) => {
            let throttled = matches!(err, AppError::Throttled { .. });
            let (status, error) = form_error(err)?;
            let mut response = (status, page(error, form.email)).into_response();
            if throttled {
                response
                    .headers_mut()
                    .insert(header::RETRY_AFTER, HeaderValue::from_static("60"));
            }
            Ok(response)
        }
    }
}

/// Where mail would have been needed and this server sends none.
const NO_MAIL: &str = "This server isn't set up to send e-mail, so no reset link can be sent.      Whoever runs it can turn mail on; until then a forgotten password cannot be reset.";

#[derive(Template, WebTemplate)]
#[template(path = "password_reset.html")]
struct ResetPage {
    chrome: Chrome,
    token: String,
    view: ResetView,
    min_password: usize,
    error: Option<FormError>,
}

async fn reset_page(
    State(app): State<App>,
    viewer: Viewer,
    TokenPath(token): TokenPath,
) -> Result<Response, WebError> {
    if !plausible_token(&token) {
        return Err(link_gone());
    }
    let view = app.reset_view(&token).await?;
    Ok(ResetPage {
        chrome: Chrome::of(&viewer),
        token,
        view,
        min_password: NewPassword::MIN,
        error: None,
    }
    .into_response())
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub(super) struct ResetForm {
    new_password: String,
    recovery: String,
}

async fn reset(
    State(app): State<App>,
    viewer: Viewer,
    TokenPath(token): TokenPath,
    Form(form): Form<ResetForm>,
) -> Result<Response, WebError> {
    if !plausible_token(&token) {
        return Err(link_gone());
    }
    match app
        .reset_password(&token, &form.new_password, &form.recovery)
        .await
    {
        Ok(session) => {
            if let Some(old) = &viewer.session {
                app.log_out(old).await?;
            }
            Ok(signed_in(session, "/", &app))
        }
        Err(err @ (AppError::Invalid { .. } | AppError::Throttled { .. })) => {
            let status = status_of(&err);
            let error = match err {
                AppError::Invalid { field, message } => FormError { field, message },
                other => FormError {
                    field: "new_password",
                    message: other.to_string(),
                },
            };
            let view = app.reset_view(&token).await?;
            let page = ResetPage {
                chrome: Chrome::of(&viewer),
                token,
                view,
                min_password: NewPassword::MIN,
                error: Some(error),
            };
            Ok((status, page).into_response())
        }
        Err(err) => Err(WebError(err)),
    }
}

fn logged_out(secure: bool) -> Response {
    let mut response = Redirect::to("/login").into_response();
    for name in [SESSION_COOKIE, INVITE_COOKIE] {
        if let Some(cookie) = set_cookie(name, "", 0, secure) {
            response.headers_mut().append(header::SET_COOKIE, cookie);
        }
    }
    response
}

async fn logout(State(app): State<App>, user: SignedIn) -> Result<Response, WebError> {
    app.log_out(&user.session).await?;
    Ok(logged_out(user.secure_cookies))
}

async fn logout_everywhere(State(app): State<App>, user: SignedIn) -> Result<Response, WebError> {
    app.log_out_everywhere(&user.session).await?;
    Ok(logged_out(user.secure_cookies))
}

#[derive(Template, WebTemplate)]
#[template(path = "account.html")]
struct AccountPage {
    chrome: Chrome,
    name: String,
    email: String,
    time_zone: String,
    zones: &'static [ZoneGroup],
    now: String,
    min_password: usize,
    error: Option<FormError>,
    password_changed: bool,
    exit_choice: &'static str,
    exit_address: String,
    exit_saved: bool,
    /// Other capabilities' sections (`web::ON_ACCOUNT_PAGE`), drawn by their templates.
    sections: Vec<String>,
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub(super) struct AccountQuery {
    saved: String,
}

async fn account(
    State(app): State<App>,
    user: SignedIn,
    Query(query): Query<AccountQuery>,
) -> Result<Response, WebError> {
    let mut page = account_page(&app, &user, None, false).await?;
    page.exit_saved = query.saved == "quick-exit";
    Ok(page.into_response())
}

async fn account_page(
    app: &App,
    user: &SignedIn,
    error: Option<FormError>,
    password_changed: bool,
) -> Result<AccountPage, WebError> {
    account_page_with(app, user, error, password_changed, None).await
}

/// The account page as a capability's form answers it: its own section as it just drew it.
pub(super) fn page_with<'a>(
    app: &'a App,
    user: &'a SignedIn,
    drawn: (&'static str, String),
) -> std::pin::Pin<Box<dyn std::future::Future<Output = Result<Response, WebError>> + Send + 'a>> {
    Box::pin(async move {
        let page = account_page_with(app, user, None, false, Some(drawn)).await?;
        Ok(page.into_response())
    })
}

async fn account_page_with(
    app: &App,
    user: &SignedIn,
    error: Option<FormError>,
    password_changed: bool,
    drawn: Option<(&'static str, String)>,
) -> Result<AccountPage, WebError> {
    let me = app.whoami(&user.session).await?;
    let mut drawn = drawn;
    let mut sections = Vec::with_capacity(super::ON_ACCOUNT_PAGE.len());
    for (id, section) in super::ON_ACCOUNT_PAGE {
        let html = match drawn.take_if(|(drawn_id, _)| drawn_id == id) {
            Some((_, html)) => html,
            None => section(app, user).await?,
        };
        sections.push(html);
    }
    Ok(AccountPage {
        chrome: Chrome::signed_in(&user.session, &user.csrf),
        name: me.display_name,
        email: me.email,
        time_zone: user.session.time_zone.name().to_owned(),
        zones: zone_groups(),
        now: user.session.time_zone.local_text(app.clock().now_us()),
        min_password: NewPassword::MIN,
        error,
        password_changed,
        exit_choice: user.session.exit_to.choice(),
        exit_address: match &user.session.exit_to {
            ExitTo::Address(address) => address.clone(),
            _ => String::new(),
        },
        exit_saved: false,
        sections,
    })
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub(super) struct PasswordForm {
    current_password: String,
    new_password: String,
}

/// A refused change comes back with its message at its field (the passwords are never
/// sent back); a change made shows the page again, saying so.
async fn change_password(
    State(app): State<App>,
    user: SignedIn,
    Form(form): Form<PasswordForm>,
) -> Result<Response, WebError> {
    let changed = app
        .change_password(&user.session, &form.current_password, &form.new_password)
        .await;
    match changed {
        Ok(()) => Ok(account_page(&app, &user, None, true).await?.into_response()),
        Err(err) => {
            let error = FormError::on_form(err, &["current_password", "new_password"])?;
            let page = account_page(&app, &user, Some(error), false).await?;
            Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response())
        }
    }
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct TimeZoneForm {
    time_zone: String,
}

async fn set_time_zone(
    State(app): State<App>,
    user: SignedIn,
    Form(form): Form<TimeZoneForm>,
) -> Result<Response, WebError> {
    match app.set_time_zone(&user.session, &form.time_zone).await {
        Ok(()) => Ok(Redirect::to("/account").into_response()),
        Err(err) => {
            let error = FormError::on_form(err, &["time_zone"])?;
            let page = account_page(&app, &user, Some(error), false).await?;
            Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response())
        }
    }
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub(super) struct ExitToForm {
    exit_to: String,
    exit_address: String,
    exit_password: String,
}

async fn set_exit_to(
    State(app): State<App>,
    user: SignedIn,
    Form(form): Form<ExitToForm>,
) -> Result<Response, WebError> {
    match app
        .set_exit_to(
            &user.session,
            &form.exit_to,
            &form.exit_address,
            &form.exit_password,
        )
        .await
    {
        Ok(()) => Ok(Redirect::to("/account?saved=quick-exit#quick-exit").into_response()),
        Err(err) => {
            let error = FormError::on_form(err, &["exit_address", "exit_password"])?;
            let mut page = account_page(&app, &user, Some(error), false).await?;
            page.exit_choice = match form.exit_to.as_str() {
                "recipe" => "recipe",
                "address" => "address",
                _ => "weather",
            };
            page.exit_address = form.exit_address;
            Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response())
        }
    }
}
