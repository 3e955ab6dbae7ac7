//! Endings: leaving a space alone, and recording that the repair ends apart. Both close the
//! space (see `domain::ending`).

use super::{App, AppError, Session};
use crate::domain::SpaceId;
use crate::domain::space::Command;
use crate::store::Effect;

impl App {
    /// The viewer leaves the space, without anyone's agreement: `partner.left` is
    /// recorded, and the space is no longer among theirs. The partner who stays keeps it
    /// as it was, to read and download; nothing more can be added.
    pub async fn leave(&self, session: &Session, space: SpaceId) -> Result<(), AppError> {
        self.space_for(session.person, space).await?;
        let effects = [Effect::RemoveMember {
            person: session.person,
        }];
        self.record(space, session.person, || Command::Leave, &effects)
            .await?;
        tracing::info!(%space, "a partner left a space");
        Ok(())
    }

    /// The viewer records that the repair ends apart: the space is kept, read-only, for
    /// both.
    pub async fn end_apart(&self, session: &Session, space: SpaceId) -> Result<(), AppError> {
        self.space_for(session.person, space).await?;
        self.record(space, session.person, || Command::EndApart, &[])
            .await
    }
}
