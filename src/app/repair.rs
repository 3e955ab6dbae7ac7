//! Repair: the use case for each breach's pace and stage. The rules are in
//! `domain::repair`.

use super::{App, AppError, Session};

part_action! {
    /// One pace or stage action in a space the viewer is a partner in.
    repair(repair) => Repair
}
