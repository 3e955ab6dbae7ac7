//! Promises: the use case for every promise action (make, report, confirm, dispute, skip,
//! release). The rules are in `domain::promises`.

use super::{App, AppError, Session};

part_action! {
    /// One promise action in a space the viewer is a partner in.
    promise(promises) => Promise
}
