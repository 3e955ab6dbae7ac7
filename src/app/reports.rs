//! Proactive reports: the use case for filing and acknowledging one. The rules are in
//! `domain::reports`.

use super::{App, AppError, Session};
use crate::domain::SpaceId;
use crate::domain::reports;
use crate::domain::space::Command;

impl App {
    /// One proactive-report action in a space the viewer is a partner in.
    #[tracing::instrument(skip_all, fields(space = %space))]
    pub async fn report(
        &self,
        session: &Session,
        space: SpaceId,
        command: reports::Command,
    ) -> Result<(), AppError> {
        self.act(session, space, || Command::Report(command.clone()))
            .await
    }
}
