//! Keeping one's word: promises, agreements and proactive reports.

use super::{App, AppError, Session};
use crate::domain::SpaceId;
use crate::domain::agreements::{self, AgreementsError};
use crate::domain::promises::{self, PromiseError};
use crate::domain::space::Command;

impl From<PromiseError> for AppError {
    fn from(err: PromiseError) -> Self {
        match err {
            PromiseError::NotFound => Self::NotFound,
            PromiseError::NotYours(message) => Self::Forbidden(message.to_owned()),
            PromiseError::NotNow(message) => Self::Refused(message.to_owned()),
            PromiseError::Invalid(message) => Self::Invalid { field: "", message },
        }
    }
}

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
