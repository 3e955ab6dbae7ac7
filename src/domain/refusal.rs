//! Why a part of a space refuses a command: the one refusal type every capability's
//! `decide` returns, so the app maps it to a response in one place and a refusal about what
//! was typed reaches the form at its field.
//!
//! Messages are shown to the person as they are. This module knows no capability.

use super::input::InputError;

/// Why a command was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Refusal {
    /// The breach, promise, agreement, check-in … named is not in this space. Shown as the
    /// same "not found" as something in another space, so existence is not revealed.
    #[error("That isn't in this space.")]
    NotFound,
    /// The actor's role does not allow this (the thing itself is theirs to see).
    #[error("{0}")]
    NotYours(&'static str),
    /// The thing is in a state that does not allow this now.
    #[error("{0}")]
    NotNow(&'static str),
    /// What was typed or chosen does not fit the rules. `field` is the form's name for the
    /// input it concerns, or "" when it concerns no one field.
    #[error("{message}")]
    Invalid {
        field: &'static str,
        message: String,
    },
}

impl Refusal {
    /// A refusal of what was typed in the form field `field` (its form name).
    pub fn invalid(field: &'static str, message: impl Into<String>) -> Self {
        Self::Invalid {
            field,
            message: message.into(),
        }
    }

    /// A refusal that concerns no one field, such as a clock out of range.
    pub fn invalid_input(message: impl Into<String>) -> Self {
        Self::invalid("", message)
    }
}

impl From<InputError> for Refusal {
    fn from(e: InputError) -> Self {
        Self::invalid_input(e.0)
    }
}
