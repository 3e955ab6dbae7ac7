//! The one error type of the use cases. Each variant a person can cause carries a calm,
//! specific message; `Unavailable` (a storage fault) is shown as a calm 503 that says nothing
//! was saved; `Internal` is logged once by `web` and shown as an opaque 500.

use crate::domain::Refusal;
use crate::domain::input::InputError;
use crate::domain::space::SpaceError;
use crate::store::StoreError;

#[derive(Debug, thiserror::Error)]
pub enum AppError {
    /// Unknown, or not yours: the two look the same so existence is not revealed.
    #[error("not found")]
    NotFound,
    /// A form field is invalid. `field` names the input it belongs to.
    #[error("{message}")]
    Invalid {
        field: &'static str,
        message: String,
    },
    /// The request is fine but the rules of the space refuse it now.
    #[error("{0}")]
    Refused(String),
    /// The viewer's role does not allow this (the thing itself is visible to them).
    #[error("{0}")]
    Forbidden(String),
    /// Log-in failed; the same for an unknown email and a wrong password.
    #[error("That email and password don't match an account. Please check them and try again.")]
    BadCredentials,
    /// The right password for an account the operator switched off. Said only after the
    /// password matched, so it tells nobody without it that the account exists.
    #[error(
        "This account is switched off on this server, so it cannot log in. Nothing in it was \
         changed. Whoever runs the server can switch it on again."
    )]
    AccountDisabled,
    /// Sign-up with an email that already has an account.
    #[error(
        "We couldn't create an account with that email. If you already have one, please log in instead."
    )]
    EmailTaken,
    /// Too many failed log-ins recently: wait, then try again. Never a lock-out.
    #[error("Too many attempts in a short time. Please wait {wait_secs} seconds, then try again.")]
    Throttled { wait_secs: u64 },
    #[error("{0}")]
    Invite(InviteProblem),
    /// A link sent by mail that is unknown, used or expired: the three read the same.
    #[error(
        "This link has expired or has already been used. You can ask for a new one: links sent by e-mail work once, for a short time."
    )]
    LinkGone,
    /// The database cannot keep anything right now (a full or read-only disk, an I/O
    /// error, a lock held too long). Nothing was saved; the same request may work in a
    /// moment. Logged by `web` and shown as a calm 503.
    #[error("the database is unavailable")]
    Unavailable(#[source] StoreError),
    /// So many changes to one space are waiting their turn that this one gave up waiting.
    /// Nothing was saved; shown as a calm 503.
    #[error(
        "Many changes arrived at once, so this one was not saved. Please try again in a moment."
    )]
    Busy,
    #[error(transparent)]
    Internal(#[from] anyhow::Error),
}

/// Why an invite link cannot be used.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum InviteProblem {
    #[error("This invite link isn't valid. Please check that you copied all of it.")]
    Unknown,
    #[error(
        "This invite link has already been used. If you were expecting to join, ask your partner for a new link."
    )]
    Used,
    #[error(
        "This invite link has been replaced by a newer one. Please ask your partner for the latest link."
    )]
    Replaced,
    #[error(
        "This invite link has expired (links last 7 days). Please ask your partner for a new one."
    )]
    Expired,
    #[error("This space already has two partners, so nobody else can join it.")]
    Full,
    #[error(
        "This counsellor's link has already been used, or the couple withdrew it. If you expected to use it, please ask them for a new one."
    )]
    CounsellorLinkUsed,
    #[error(
        "This counsellor's link has expired (links last 7 days). Please ask the couple for a new one."
    )]
    CounsellorLinkExpired,
}

impl AppError {
    pub fn invalid(field: &'static str, err: InputError) -> Self {
        Self::Invalid {
            field,
            message: err.0,
        }
    }
}

impl From<StoreError> for AppError {
    fn from(err: StoreError) -> Self {
        match err {
            StoreError::Unavailable(_) => Self::Unavailable(err),
            other => Self::Internal(anyhow::Error::new(other)),
        }
    }
}

/// Every part of a space refuses the same way, so this is the one place a refusal becomes a
/// response: not found stays a 404 that reveals nothing, and an invalid input keeps its field
/// so the form shows the message there.
impl From<Refusal> for AppError {
    fn from(refusal: Refusal) -> Self {
        match refusal {
            Refusal::NotFound => Self::NotFound,
            Refusal::NotYours(message) => Self::Forbidden(message.to_owned()),
            Refusal::NotNow(message) => Self::Refused(message.to_owned()),
            Refusal::Invalid { field, message } => Self::Invalid { field, message },
        }
    }
}

impl From<SpaceError> for AppError {
    fn from(err: SpaceError) -> Self {
        match err {
            SpaceError::Full => Self::Invite(InviteProblem::Full),
            SpaceError::Refused(refusal) => refusal.into(),
            other => Self::Refused(other.to_string()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_refusal_keeps_its_kind_and_its_field_on_the_way_to_the_form() {
        let app = |refusal: Refusal| AppError::from(SpaceError::from(refusal));
        assert!(matches!(app(Refusal::NotFound), AppError::NotFound));
        assert!(
            matches!(app(Refusal::NotYours("theirs")), AppError::Forbidden(m) if m == "theirs")
        );
        assert!(matches!(app(Refusal::NotNow("later")), AppError::Refused(m) if m == "later"));
        assert!(matches!(
            app(Refusal::invalid("when", "Too long ago.")),
            AppError::Invalid { field: "when", message } if message == "Too long ago."
        ));
        assert!(matches!(
            AppError::from(SpaceError::Full),
            AppError::Invite(InviteProblem::Full)
        ));
        assert!(matches!(
            AppError::from(SpaceError::NotCreated),
            AppError::Refused(m) if m == "This space doesn't exist yet."
        ));
    }
}
