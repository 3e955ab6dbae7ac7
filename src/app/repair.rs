//! Repair: the use case for each breach's pace and stage. The rules are in
//! `domain::repair`.

use super::{App, AppError, Session};
use crate::domain::SpaceId;
use crate::domain::repair;
use crate::domain::space::Command;

impl App {
    /// One pace or stage action in a space the viewer is a partner in.
    #[tracing::instrument(skip_all, fields(space = %space))]
    pub async fn repair(
        &self,
        session: &Session,
        space: SpaceId,
        command: repair::Command,
    ) -> Result<(), AppError> {
        self.act(session, space, || Command::Repair(command.clone()))
            .await
    }
}
