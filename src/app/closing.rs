//! Closing a repair together: the use case for proposing, closing, answering, reopening and
//! the follow-up check-ins. The rules are in `domain::closing`.

use super::{App, AppError, Session};

part_action! {
    /// One closing action, or a follow-up answer, in a space the viewer is a partner in.
    closing(closing) => Closing
}
