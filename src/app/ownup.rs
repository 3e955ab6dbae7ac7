//! Owning up: one entry point for every breach, disclosure, question, apology and letter
//! action, plus the private letter drafts that are not part of the record.

use super::{App, AppError, Session};
use crate::domain::ownup::{self, Text, limits};
use crate::domain::{EntryId, SpaceId};
use crate::store::{DraftRow, StoreError};

const LETTER_DRAFT: &str = "letter";

/// A private draft of a letter, as its author sees it.
#[derive(Debug, Clone)]
pub struct LetterDraft {
    pub id: EntryId,
    pub text: String,
    pub updated_at: i64,
}

part_action! {
    /// Does one owning-up action in a space the viewer is a partner in.
    own_up(ownup) => OwnUp
}

impl App {
    /// The viewer's letter drafts in a space: never anyone else's.
    pub async fn letter_drafts(
        &self,
        session: &Session,
        space: SpaceId,
    ) -> Result<Vec<LetterDraft>, AppError> {
        self.space_for(session.person, space).await?;
        let rows = self
            .store()
            .drafts(session.person, space, LETTER_DRAFT)
            .await?;
        Ok(rows.into_iter().filter_map(to_draft).collect())
    }

    /// One of the viewer's own drafts; anyone else's is simply not found.
    pub async fn letter_draft(
        &self,
        session: &Session,
        space: SpaceId,
        id: EntryId,
    ) -> Result<LetterDraft, AppError> {
        self.space_for(session.person, space).await?;
        let row = self
            .store()
            .draft(session.person, space, &id.to_string())
            .await?;
        row.and_then(to_draft).ok_or(AppError::NotFound)
    }

    /// Saves a letter draft (new when `id` is `None`) and returns its id.
    pub async fn save_letter_draft(
        &self,
        session: &Session,
        space: SpaceId,
        id: Option<EntryId>,
        text: &str,
    ) -> Result<EntryId, AppError> {
        self.space_for(session.person, space).await?;
        let text = Text::parse(text, "The letter", limits::LETTER)
            .map_err(|e| AppError::invalid("text", e))?;
        let id = id.unwrap_or_else(EntryId::random);
        let row = DraftRow {
            id: id.to_string(),
            person_id: session.person.to_string(),
            space_id: space.to_string(),
            kind: LETTER_DRAFT.to_owned(),
            body: text.as_str().to_owned(),
            updated_at: self.clock().now_secs(),
        };
        match self.store().save_draft(&row).await {
            Ok(()) => Ok(id),
            Err(StoreError::Duplicate) => Err(AppError::NotFound),
            Err(e) => Err(e.into()),
        }
    }

    /// Sends a letter to the other partner, and removes the draft it came from.
    pub async fn send_letter(
        &self,
        session: &Session,
        space: SpaceId,
        draft: Option<EntryId>,
        text: &str,
    ) -> Result<EntryId, AppError> {
        let text = Text::parse(text, "The letter", limits::LETTER)
            .map_err(|e| AppError::invalid("text", e))?;
        let id = EntryId::random();
        self.own_up(session, space, ownup::Command::SendLetter { id, text })
            .await?;
        if let Some(draft) = draft {
            self.store()
                .delete_draft(session.person, space, &draft.to_string())
                .await?;
        }
        Ok(id)
    }
}

fn to_draft(row: DraftRow) -> Option<LetterDraft> {
    Some(LetterDraft {
        id: row.id.parse().ok()?,
        text: row.body,
        updated_at: row.updated_at,
    })
}
