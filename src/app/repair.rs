//! Repair: the use case for each breach's pace and stage. The rules are in
//! `domain::repair`.

use super::{App, AppError, Session};
use crate::domain::SpaceId;
use crate::domain::repair::{self, RepairError};
use crate::domain::space::Command;

impl From<RepairError> for AppError {
    fn from(err: RepairError) -> Self {
        match err {
            RepairError::NotFound => Self::NotFound,
            RepairError::NotYours(message) => Self::Forbidden(message.to_owned()),
            RepairError::NotNow(message) => Self::Refused(message.to_owned()),
            RepairError::Invalid(message) => Self::Invalid { field: "", message },
        }
    }
}

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
