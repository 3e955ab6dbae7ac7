//! Proactive reports: the use case for filing and acknowledging one. The rules are in
//! `domain::reports`.

use super::{App, AppError, Session};

part_action! {
    /// One proactive-report action in a space the viewer is a partner in.
    report(reports) => Report
}
