//! Agreements and proactive reports: the use case for every agreement or report action. The
//! rules are in `domain::agreements` (reports share its events and state for now).

use super::{App, AppError, Session};
use crate::domain::SpaceId;
use crate::domain::agreements::{self, AgreementsError};
use crate::domain::space::Command;

impl From<AgreementsError> for AppError {
    fn from(err: AgreementsError) -> Self {
        match err {
            AgreementsError::NotFound => Self::NotFound,
            AgreementsError::NotYours(message) => Self::Forbidden(message.to_owned()),
            AgreementsError::NotNow(message) => Self::Refused(message.to_owned()),
            AgreementsError::Invalid(message) => Self::Invalid { field: "", message },
        }
    }
}

impl App {
    /// One agreement or proactive-report action in a space the viewer is a partner in.
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
