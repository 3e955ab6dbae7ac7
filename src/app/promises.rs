//! Promises: the use case for every promise action (make, report, confirm, dispute, skip,
//! release). The rules are in `domain::promises`.

use super::{App, AppError, Session};
use crate::domain::SpaceId;
use crate::domain::promises;
use crate::domain::space::Command;

impl App {
    /// One promise action in a space the viewer is a partner in.
    #[tracing::instrument(skip_all, fields(space = %space))]
    pub async fn promise(
        &self,
        session: &Session,
        space: SpaceId,
        command: promises::Command,
    ) -> Result<(), AppError> {
        self.act(session, space, || Command::Promise(command.clone()))
            .await
    }
}
