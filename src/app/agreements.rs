//! Agreements: the use case for every agreement action. The rules are in
//! `domain::agreements`.

use super::{App, AppError, Session};

part_action! {
    /// One agreement action in a space the viewer is a partner in.
    agreement(agreements) => Agreement
}
