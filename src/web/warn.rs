//! A plain warning before words about fear, threats or safety reach the other partner.
//!
//! DESIGN: anything about threats, fear or safety is never sent to the other partner
//! without the author being told first. A breach of the kind "threats or anger" has its own
//! warning (`breaches`); this covers what people write. Every form a signed-in person sends
//! inside a space is read by `domain::fear` before it reaches any handler; if a field speaks
//! of being afraid of the partner, of threats or of violence, nothing is written yet: the
//! person sees who will be able to read it, the Help & safety page one click away, what
//! they wrote (still editable), and the choice to send it, to keep a letter as a private
//! draft instead, or to leave without sending. Sending from that page carries
//! `safety=understood`, and only that passes.
//!
//! Private forms pass untouched: a letter saved as a draft (`action=save`) reaches no one.

use askama::Template;
use askama_web::WebTemplate;
use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::Method;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use super::error::{WebError, is_prose, not_saved_keeping};
use super::guard::{CSRF_FIELD, Viewer};
use super::view::{Chrome, FORM_FIELD};
use crate::app::{App, AppError};
use crate::domain::SpaceId;
use crate::domain::fear;

/// The field and value a form sent from the warning carries.
pub const UNDERSTOOD: (&str, &str) = ("safety", "understood");

#[derive(Template, WebTemplate)]
#[template(path = "safety_gate.html")]
struct Gate {
    chrome: Chrome,
    space: SpaceId,
    partner_name: String,
    action: String,
    /// Sent back as they came: ids, choices.
    hidden: Vec<(String, String)>,
    /// What the person wrote, in boxes they can change.
    written: Vec<(String, String)>,
    /// A letter can be kept as a private draft instead.
    can_keep_draft: bool,
    /// The form's own `action` (which button was pressed), sent again by "Send it".
    sent_action: Option<String>,
}

pub async fn before_fear_reaches_the_partner(
    State(app): State<App>,
    request: Request,
    next: Next,
) -> Response {
    if request.method() != Method::POST {
        return next.run(request).await;
    }
    let viewer = request.extensions().get::<Viewer>().cloned();
    let space = space_of(request.uri().path());
    let (Some(viewer), Some(space), true) = (viewer, space, request.method() == Method::POST)
    else {
        return next.run(request).await;
    };
    let Some(session) = viewer.session.clone() else {
        return next.run(request).await;
    };
    // The guard has already read the whole body into memory; reading it again is a copy.
    let (parts, body) = request.into_parts();
    let Ok(bytes) = axum::body::to_bytes(body, super::BODY_LIMIT).await else {
        return next.run(Request::from_parts(parts, Body::empty())).await;
    };
    let fields: Vec<(String, String)> = form_urlencoded::parse(&bytes)
        .map(|(k, v)| (k.into_owned(), v.into_owned()))
        .collect();
    let has = |name: &str, value: &str| fields.iter().any(|(k, v)| k == name && v == value);
    // A draft kept or a check asked for reaches no one.
    let private = has("action", "save") || has("action", "check");
    let understood = has(UNDERSTOOD.0, UNDERSTOOD.1);
    let speaks = fields
        .iter()
        .any(|(k, v)| k != CSRF_FIELD && k != FORM_FIELD && fear::speaks_of_fear(v));
    if private || understood || !speaks {
        return next
            .run(Request::from_parts(parts, Body::from(bytes)))
            .await;
    }
    let state = match app.state_now(&session, space).await {
        Ok((state, _)) => state,
        // Someone not in the space gets what the route would give them: the same 404.
        Err(AppError::NotFound) => {
            return next
                .run(Request::from_parts(parts, Body::from(bytes)))
                .await;
        }
        // Never let it through unwarned because the space could not be read just now:
        // nothing is saved, and what was typed comes back, ready to send again.
        Err(err) => {
            let path = parts.uri.path().to_owned();
            return not_saved_keeping(WebError(err).into_response(), &path, &bytes);
        }
    };
    let partner_name = state
        .partner_of(session.person)
        .map_or_else(|| "Your partner".to_owned(), |p| p.display_name.clone());
    let action = parts.uri.path().to_owned();
    let (mut hidden, mut written) = (Vec::new(), Vec::new());
    let mut sent_action = None;
    for (name, value) in fields {
        // The gate's own form carries a fresh rendering's token (the `csrf` macro).
        if name == CSRF_FIELD || name == FORM_FIELD || name == UNDERSTOOD.0 {
            continue;
        }
        if name == "action" {
            sent_action = Some(value);
            continue;
        }
        if fear::speaks_of_fear(&value) || is_prose(&value) {
            written.push((name, value));
        } else {
            hidden.push((name, value));
        }
    }
    Gate {
        chrome: Chrome::of(&viewer),
        space,
        partner_name,
        can_keep_draft: action.ends_with("/letters"),
        sent_action,
        action,
        hidden,
        written,
    }
    .into_response()
}

/// `/spaces/{id}/…`: the space a form is sent in. A path with dot segments or empty ones is
/// left to the router (which matches none of them), so the warning never posts elsewhere.
fn space_of(path: &str) -> Option<SpaceId> {
    if path
        .split('/')
        .skip(1)
        .any(|s| s.is_empty() || s == "." || s == "..")
    {
        return None;
    }
    let rest = path.strip_prefix("/spaces/")?;
    let (id, more) = rest.split_once('/')?;
    (!more.is_empty()).then_some(())?;
    id.parse().ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_forms_inside_a_space_are_read() {
        let id = SpaceId::random();
        assert_eq!(space_of(&format!("/spaces/{id}/letters")), Some(id));
        assert_eq!(space_of(&format!("/spaces/{id}")), None);
        assert_eq!(space_of("/spaces"), None);
        assert_eq!(space_of("/account/password"), None);
        assert_eq!(space_of("/spaces/not-an-id/letters"), None);
        assert_eq!(space_of(&format!("/spaces/{id}/../../account")), None);
        assert_eq!(space_of(&format!("/spaces/{id}//letters")), None);
    }
}
