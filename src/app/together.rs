//! Together: the use case for appreciations, time together, ideas and shared goals. The
//! rules are in `domain::together`.

use super::{App, AppError, Session};

part_action! {
    /// One appreciation, time-together or goal action in a space the viewer is a partner in.
    together(together) => Together
}
