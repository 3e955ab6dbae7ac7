//! Agreements: the use case for every agreement action. The rules are in
//! `domain::agreements`.

use super::{App, AppError, Session};
use crate::domain::SpaceId;
use crate::domain::agreements;
use crate::domain::space::Command;

impl App {
    /// One agreement action in a space the viewer is a partner in.
    #[tracing::instrument(skip_all, fields(space = %space))]
    pub async fn agreement(
        &self,
        session: &Session,
        space: SpaceId,
        command: agreements::Command,
    ) -> Result<(), AppError> {
        self.act(session, space, || Command::Agreement(command.clone()))
            .await
    }
}
