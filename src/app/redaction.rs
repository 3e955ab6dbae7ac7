//! Removing your own words from a space's record (see `domain::redaction`).

use super::{App, AppError, Session};
use crate::domain::SpaceId;
use crate::domain::redaction::Target;
use crate::domain::space::Command;
use crate::store::Effect;

impl App {
    /// The entry at `seq`, as the one who may remove its words looks at it: the viewer's
    /// own or not, whether its words are already gone. Not found outside the space.
    pub async fn redaction_target(
        &self,
        session: &Session,
        space: SpaceId,
        seq: u64,
    ) -> Result<Target, AppError> {
        self.space_for(session.person, space).await?;
        let event = self
            .store()
            .event_at(space, seq)
            .await?
            .ok_or(AppError::NotFound)?;
        Ok(Target {
            seq,
            author: event.author,
            kind: event.kind,
            redacted: event.body.is_none(),
        })
    }

    /// The viewer removes the words of their entry at `seq`: the removal is recorded and
    /// the body and salt blanked in one transaction; the chain still verifies.
    pub async fn redact(
        &self,
        session: &Session,
        space: SpaceId,
        seq: u64,
    ) -> Result<(), AppError> {
        let target = self.redaction_target(session, space, seq).await?;
        self.record(
            space,
            session.person,
            || Command::Redact(target.clone()),
            &[Effect::Redact { seq }],
        )
        .await?;
        self.store().forget_removed_words().await;
        tracing::info!(%space, "words removed from an entry");
        Ok(())
    }
}
