//! Owning up: one entry point for every breach, disclosure, question, apology and letter
//! action, plus the private letter drafts that are not part of the record.

use super::{App, AppError, Session};
use crate::domain::ownup::{self, Text, limits};
use crate::domain::vault::DataKey;
use crate::domain::{EntryId, PersonId, SpaceId};
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
        // Locked: the drafts are there, but cannot be read in this session.
        let Ok(key) = self.data_key(session) else {
            return Ok(Vec::new());
        };
        let mut drafts: Vec<LetterDraft> = rows
            .into_iter()
            .filter_map(|row| to_draft(&key, session.person, row))
            .collect();
        drafts.sort_by(|a, b| b.updated_at.cmp(&a.updated_at).then(a.id.cmp(&b.id)));
        Ok(drafts)
    }

    /// One of the viewer's own drafts; anyone else's is simply not found.
    pub async fn letter_draft(
        &self,
        session: &Session,
        space: SpaceId,
        id: EntryId,
    ) -> Result<LetterDraft, AppError> {
        self.space_for(session.person, space).await?;
        let key = self.data_key(session)?;
        let row = self
            .store()
            .draft(session.person, space, &id.to_string())
            .await?;
        row.and_then(|row| to_draft(&key, session.person, row))
            .ok_or(AppError::NotFound)
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
        let key = self.data_key(session)?;
        let id = id.unwrap_or_else(EntryId::random);
        // Only sealed: the text and its time are inside the sealed bytes.
        let sealed = Self::seal_draft_text(
            &key,
            session.person,
            &id.to_string(),
            text.as_str(),
            self.clock().now_secs(),
        )?;
        let row = DraftRow {
            id: id.to_string(),
            person_id: session.person.to_string(),
            space_id: space.to_string(),
            kind: LETTER_DRAFT.to_owned(),
            body: String::new(),
            updated_at: 0,
            sealed: Some(sealed),
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

/// A draft as its author reads it: opened with their key (a draft still in clear, from
/// before drafts were sealed, as it is until their next sign-in seals it).
fn to_draft(key: &DataKey, person: PersonId, row: DraftRow) -> Option<LetterDraft> {
    let (text, updated_at) = match &row.sealed {
        Some(sealed) => App::open_draft(key, person, &row.id, sealed)?,
        None => (row.body, row.updated_at),
    };
    Some(LetterDraft {
        id: row.id.parse().ok()?,
        text,
        updated_at,
    })
}
