//! Agreements: the use case for every agreement action. The rules are in
//! `domain::agreements`.

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
