//! Reconnecting: appreciations, time together, pace, stages of repair, and goals.

use super::{App, AppError, Session};
use crate::domain::SpaceId;
use crate::domain::reconnect::{self, ReconnectError};
use crate::domain::space::Command;

impl From<ReconnectError> for AppError {
    fn from(err: ReconnectError) -> Self {
        match err {
            ReconnectError::NotFound => Self::NotFound,
            ReconnectError::NotYours(message) => Self::Forbidden(message.to_owned()),
            ReconnectError::NotNow(message) => Self::Refused(message.to_owned()),
            ReconnectError::Invalid(message) => Self::Invalid { field: "", message },
        }
    }
}

impl App {
    /// One reconnecting action in a space the viewer is a partner in.
    #[tracing::instrument(skip_all, fields(space = %space))]
    pub async fn reconnect(
        &self,
        session: &Session,
        space: SpaceId,
        command: reconnect::Command,
    ) -> Result<(), AppError> {
        self.act(session, space, || Command::Reconnect(command.clone()))
            .await
    }
}
