//! Taking a break: the use case for pausing the space and ending the break. The rules are in
//! `domain::pause`.

use super::{App, AppError, Session};

part_action! {
    /// Pausing the space, or ending the break, for a partner of it.
    pause(pause) => Pause
}
