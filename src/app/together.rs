//! Together: the use case for appreciations, time together, ideas and shared goals. The
//! rules are in `domain::together`.

use super::{App, AppError, Session};
use crate::domain::SpaceId;
use crate::domain::space::Command;
use crate::domain::together;

impl App {
    /// One appreciation, time-together or goal action in a space the viewer is a partner in.
    #[tracing::instrument(skip_all, fields(space = %space))]
    pub async fn together(
        &self,
        session: &Session,
        space: SpaceId,
        command: together::Command,
    ) -> Result<(), AppError> {
        self.act(session, space, || Command::Together(command.clone()))
            .await
    }
}
