//! Proactive reports: the use case for filing and acknowledging one. The rules are in
//! `domain::reports`.

use super::{App, AppError, Session};
use crate::domain::SpaceId;
use crate::domain::reports::{self, ReportsError};
use crate::domain::space::Command;

impl From<ReportsError> for AppError {
    fn from(err: ReportsError) -> Self {
        match err {
            ReportsError::NotFound => Self::NotFound,
            ReportsError::NotYours(message) => Self::Forbidden(message.to_owned()),
            ReportsError::NotNow(message) => Self::Refused(message.to_owned()),
            ReportsError::Invalid(message) => Self::Invalid { field: "", message },
        }
    }
}

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
