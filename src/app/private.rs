//! Private data: each person's data key through its life (made at sign-up, unwrapped at
//! log-in, wrapped for the session, re-wrapped when the password changes, recovered with
//! the recovery key), and the journal sealed under it. `docs/private-data.md` has the
//! scheme and its limits.

use anyhow::Context as _;
use rand::RngCore as _;
use zeroize::Zeroizing;

use super::{App, AppError, Session, token_hash};
use crate::domain::journal::{self, Entry, EntryText, Parts};
use crate::domain::vault::{self, DataKey, RecoveryKey, Wrap};
use crate::domain::{EntryId, PersonId, SpaceId};
use crate::store::VaultRow;

/// Why private things cannot be read in this session.
pub const LOCKED: &str = "Your journal and drafts are locked in this session. Open your journal \
     and unlock them with your password.";
/// A recovery key that does not unlock.
pub const WRONG_RECOVERY: &str = "That recovery key doesn't unlock this journal. Please check it \
     against what you wrote down; letters and digits may be mixed up (0 and O read the same).";

fn random<const N: usize>() -> [u8; N] {
    let mut bytes = [0u8; N];
    rand::rngs::OsRng.fill_bytes(&mut bytes);
    bytes
}

/// A journal entry as its author reads it.
#[derive(Debug, Clone)]
pub struct JournalEntry {
    pub id: EntryId,
    pub entry: Entry,
}

/// Where the viewer's journal stands in this session.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum JournalState {
    /// This session holds no key: unlock with the password (or the recovery key).
    Locked,
    /// Open, but the recovery key has not been made (or not confirmed as written down).
    NeedsRecovery,
    Open,
}

impl App {
    /// The data key derived from `password` for `person` (argon2id: run off the async
    /// threads), or a new one if they have none yet. `None` when a key exists that this
    /// password does not unwrap (after a reset: the recovery key is then needed).
    async fn data_key_from_password(
        &self,
        person: PersonId,
        password: &str,
        vault_row: &VaultRow,
    ) -> Result<Option<DataKey>, AppError> {
        let owner = person.to_string();
        match (&vault_row.data_key_salt, &vault_row.data_key_by_password) {
            (Some(salt), Some(wrapped)) => {
                let salt: [u8; vault::SALT] = salt
                    .as_slice()
                    .try_into()
                    .map_err(|_| anyhow::anyhow!("stored data key salt"))?;
                let password = Zeroizing::new(password.to_owned());
                let wrapped = wrapped.clone();
                let key = tokio::task::spawn_blocking(move || {
                    let kek = password_key(&password, &salt)?;
                    Ok::<_, vault::VaultError>(
                        vault::unwrap(&kek, &wrapped, Wrap::Password, &owner).ok(),
                    )
                })
                .await
                .context("data key task")?
                .map_err(anyhow::Error::new)?;
                Ok(key)
            }
            _ => {
                let key = DataKey::from_bytes(random());
                self.wrap_under_password(person, password, &key).await?;
                tracing::info!("data key made");
                Ok(Some(key))
            }
        }
    }

    /// Stores `key` wrapped under a key from `password`, with a new salt.
    pub(super) async fn wrap_under_password(
        &self,
        person: PersonId,
        password: &str,
        key: &DataKey,
    ) -> Result<(), AppError> {
        let salt: [u8; vault::SALT] = random();
        let password = Zeroizing::new(password.to_owned());
        let kek = tokio::task::spawn_blocking(move || password_key(&password, &salt))
            .await
            .context("data key task")?
            .map_err(anyhow::Error::new)?;
        let wrapped = vault::wrap(&kek, key, Wrap::Password, &person.to_string(), random())
            .map_err(anyhow::Error::new)?;
        self.store()
            .set_password_wrap(person, &salt, &wrapped)
            .await?;
        Ok(())
    }

    /// Keeps `key` for the session whose cookie token is `token`: wrapped under a key from
    /// the token, in the session's row. Clear drafts of the person are sealed now.
    pub(super) async fn keep_for_session(
        &self,
        person: PersonId,
        token: &str,
        key: &DataKey,
    ) -> Result<(), AppError> {
        let kek = vault::session_key(token);
        let wrapped = vault::wrap(&kek, key, Wrap::Session, &person.to_string(), random())
            .map_err(anyhow::Error::new)?;
        self.store()
            .set_session_key(&token_hash(token), &wrapped)
            .await?;
        self.seal_clear_drafts(person, key).await
    }

    /// After sign-up or log-in with `password`: the data key unwrapped (or made) and kept
    /// for the new session. Best effort: a failure leaves the session locked, never the
    /// person out of their account; the journal page offers to unlock.
    pub(super) async fn open_private(&self, person: PersonId, token: &str, password: &str) {
        let opened = async {
            let row = self.store().vault(person).await?;
            match self.data_key_from_password(person, password, &row).await? {
                Some(key) => self.keep_for_session(person, token, &key).await,
                None => {
                    tracing::info!("the password does not unwrap the data key: journal locked");
                    Ok(())
                }
            }
        };
        if let Err(err) = opened.await {
            tracing::warn!(error = %err, "private data not opened for this session");
        }
    }

    /// This session's data key, or why there is none.
    pub(super) fn data_key(&self, session: &Session) -> Result<DataKey, AppError> {
        let wrapped = session
            .data_key
            .as_deref()
            .ok_or_else(|| AppError::Refused(LOCKED.into()))?;
        let kek = vault::session_key(&session.token);
        vault::unwrap(&kek, wrapped, Wrap::Session, &session.person.to_string())
            .map_err(|_| AppError::Refused(LOCKED.into()))
    }

    /// Unlocks this session's private data with the password (a session from before, or
    /// one whose key was lost). Wrong passwords are throttled like log-ins.
    pub async fn unlock_with_password(
        &self,
        session: &Session,
        password: &str,
    ) -> Result<(), AppError> {
        let _permit = self.hashing_permit().await?;
        self.confirm_password(session, password, "password").await?;
        let row = self.store().vault(session.person).await?;
        let key = self
            .data_key_from_password(session.person, password, &row)
            .await?
            .ok_or_else(|| AppError::Invalid {
                field: "password",
                message: "Your password no longer unlocks this journal (it was set anew). \
                          Please use your recovery key below."
                    .into(),
            })?;
        self.keep_for_session(session.person, &session.token, &key)
            .await
    }

    /// With the recovery key (and the current password, to set a new wrapping under it):
    /// the journal is readable again, in this session and at every log-in after.
    pub async fn recover_private(
        &self,
        session: &Session,
        recovery: &str,
        password: &str,
    ) -> Result<(), AppError> {
        let typed = RecoveryKey::parse(recovery).ok_or_else(|| AppError::Invalid {
            field: "recovery",
            message: WRONG_RECOVERY.into(),
        })?;
        let _permit = self.hashing_permit().await?;
        self.confirm_password(session, password, "password").await?;
        let row = self.store().vault(session.person).await?;
        let wrapped = row.data_key_by_recovery.ok_or_else(|| AppError::Invalid {
            field: "recovery",
            message: "No recovery key was ever made for this journal.".into(),
        })?;
        let key = vault::unwrap(
            &vault::recovery_key(&typed),
            &wrapped,
            Wrap::Recovery,
            &session.person.to_string(),
        )
        .map_err(|_| AppError::Invalid {
            field: "recovery",
            message: WRONG_RECOVERY.into(),
        })?;
        self.wrap_under_password(session.person, password, &key)
            .await?;
        tracing::info!("data key recovered with the recovery key");
        self.keep_for_session(session.person, &session.token, &key)
            .await
    }

    /// After a password change: the data key wrapped under the new password (no entry is
    /// sealed again). From the session's key, or else from the old password.
    pub(super) async fn rewrap_for_password(
        &self,
        session: &Session,
        old: &str,
        new: &str,
    ) -> Result<(), AppError> {
        let key = match self.data_key(session) {
            Ok(key) => Some(key),
            Err(_) => {
                let row = self.store().vault(session.person).await?;
                self.data_key_from_password(session.person, old, &row)
                    .await?
            }
        };
        match key {
            Some(key) => {
                self.wrap_under_password(session.person, new, &key).await?;
                self.keep_for_session(session.person, &session.token, &key)
                    .await
            }
            None => Ok(()),
        }
    }

    /// Where the viewer's journal stands.
    pub async fn journal_state(&self, session: &Session) -> Result<JournalState, AppError> {
        if self.data_key(session).is_err() {
            return Ok(JournalState::Locked);
        }
        let row = self.store().vault(session.person).await?;
        Ok(
            match (row.data_key_by_recovery, row.recovery_confirmed_at) {
                (Some(_), Some(_)) => JournalState::Open,
                _ => JournalState::NeedsRecovery,
            },
        )
    }

    /// A new recovery key, to be shown exactly once: the data key is wrapped under it, and
    /// any earlier recovery key stops working.
    pub async fn new_recovery_key(&self, session: &Session) -> Result<Zeroizing<String>, AppError> {
        let key = self.data_key(session)?;
        let recovery = RecoveryKey::from_bytes(random());
        let wrapped = vault::wrap(
            &vault::recovery_key(&recovery),
            &key,
            Wrap::Recovery,
            &session.person.to_string(),
            random(),
        )
        .map_err(anyhow::Error::new)?;
        self.store()
            .set_recovery_wrap(session.person, &wrapped)
            .await?;
        tracing::info!("recovery key made");
        Ok(recovery.to_words())
    }

    /// The person says they have written the recovery key down.
    pub async fn confirm_recovery_key(&self, session: &Session) -> Result<(), AppError> {
        self.data_key(session)?;
        self.store()
            .confirm_recovery(session.person, self.clock().now_secs())
            .await?;
        Ok(())
    }

    // ---- the journal ---------------------------------------------------------------------

    fn open_entry(
        key: &DataKey,
        person: PersonId,
        id: &str,
        sealed: &[u8],
    ) -> Option<JournalEntry> {
        let entry = journal::open_entry(key, &person.to_string(), id, sealed)?;
        Some(JournalEntry {
            id: id.parse().ok()?,
            entry,
        })
    }

    /// The viewer's journal entries holding `search` (all when empty), newest day first.
    /// Decrypted in memory: nothing is searchable where it is stored.
    pub async fn journal(
        &self,
        session: &Session,
        search: &str,
    ) -> Result<Vec<JournalEntry>, AppError> {
        let key = self.data_key(session)?;
        let needle = search.trim().to_lowercase();
        let rows = self.store().journal(session.person).await?;
        let mut entries: Vec<JournalEntry> = rows
            .iter()
            .filter_map(|row| Self::open_entry(&key, session.person, &row.id, &row.sealed))
            .filter(|e| e.entry.matches(&needle))
            .collect();
        entries.sort_by(|a, b| {
            (b.entry.date.as_str(), b.entry.written_us)
                .cmp(&(a.entry.date.as_str(), a.entry.written_us))
        });
        Ok(entries)
    }

    /// One of the viewer's entries; anyone else's is not found.
    pub async fn journal_entry(
        &self,
        session: &Session,
        id: EntryId,
    ) -> Result<JournalEntry, AppError> {
        let key = self.data_key(session)?;
        let row = self
            .store()
            .journal_entry(session.person, &id.to_string())
            .await?
            .ok_or(AppError::NotFound)?;
        Self::open_entry(&key, session.person, &row.id, &row.sealed).ok_or(AppError::NotFound)
    }

    /// Writes an entry (new when `id` is `None`) and returns its id.
    pub async fn write_journal(
        &self,
        session: &Session,
        id: Option<EntryId>,
        date: &str,
        text: &str,
        prompt: &str,
    ) -> Result<EntryId, AppError> {
        let key = self.data_key(session)?;
        let date = journal::entry_date(date).map_err(|e| AppError::invalid("date", e))?;
        let text = EntryText::parse(text).map_err(|e| AppError::invalid("text", e))?;
        let prompt = journal::chosen_prompt(prompt).map_err(|e| AppError::invalid("prompt", e))?;
        let now = self.clock().now_us();
        let (id, written_us, edited_us) = match id {
            Some(id) => {
                let before = self.journal_entry(session, id).await?;
                (id, before.entry.written_us, Some(now))
            }
            None => (EntryId::random(), now, None),
        };
        let entry = Entry {
            date: date.to_string(),
            text: text.as_str().to_owned(),
            prompt: prompt.map(str::to_owned),
            written_us,
            edited_us,
        };
        let sealed = journal::seal_entry(
            &key,
            &session.person.to_string(),
            &id.to_string(),
            &entry,
            random(),
        )
        .map_err(anyhow::Error::new)?;
        match self
            .store()
            .save_journal_entry(session.person, &id.to_string(), &sealed)
            .await
        {
            Ok(()) => Ok(id),
            Err(crate::store::StoreError::Duplicate) => Err(AppError::NotFound),
            Err(e) => Err(e.into()),
        }
    }

    /// Deletes one of the viewer's entries: the row itself goes.
    pub async fn delete_journal_entry(
        &self,
        session: &Session,
        id: EntryId,
    ) -> Result<(), AppError> {
        self.data_key(session)?;
        if self
            .store()
            .delete_journal_entry(session.person, &id.to_string())
            .await?
        {
            Ok(())
        } else {
            Err(AppError::NotFound)
        }
    }

    /// An entry turned into a letter draft in one of the viewer's spaces.
    pub async fn journal_to_letter(
        &self,
        session: &Session,
        id: EntryId,
        space: SpaceId,
    ) -> Result<EntryId, AppError> {
        let entry = self.journal_entry(session, id).await?;
        self.save_letter_draft(session, space, None, &entry.entry.text)
            .await
    }

    /// Which prompts fit the viewer: their parts in the breaches of their spaces.
    pub async fn journal_parts(&self, session: &Session) -> Result<Parts, AppError> {
        let mut parts = Parts::default();
        for id in self.store().spaces_of(session.person).await? {
            if let Some(state) = self.load_state(id).await? {
                for b in &state.own_up.breaches {
                    parts.broke_trust |= b.broke_trust == session.person;
                    parts.was_hurt |= b.hurt == session.person;
                }
            }
        }
        Ok(parts)
    }

    // ---- drafts --------------------------------------------------------------------------

    /// Seals `text` (and its time) as a draft of `person`'s.
    pub(super) fn seal_draft_text(
        key: &DataKey,
        person: PersonId,
        id: &str,
        text: &str,
        at: i64,
    ) -> Result<Vec<u8>, AppError> {
        let plain = Zeroizing::new(
            serde_json::to_vec(&DraftPlain {
                text: text.to_owned(),
                updated_at: at,
            })
            .context("draft json")?,
        );
        let ad = vault::item_ad("draft", &person.to_string(), id);
        Ok(vault::seal(key, &plain, &ad, random()).map_err(anyhow::Error::new)?)
    }

    /// A sealed draft's text and time.
    pub(super) fn open_draft(
        key: &DataKey,
        person: PersonId,
        id: &str,
        sealed: &[u8],
    ) -> Option<(String, i64)> {
        let ad = vault::item_ad("draft", &person.to_string(), id);
        let plain = vault::open(key, sealed, &ad).ok()?;
        let draft: DraftPlain = serde_json::from_slice(&plain).ok()?;
        Some((draft.text, draft.updated_at))
    }

    /// Seals the drafts `person` wrote before drafts were sealed, and empties their clear
    /// text.
    async fn seal_clear_drafts(&self, person: PersonId, key: &DataKey) -> Result<(), AppError> {
        for row in self.store().clear_drafts_of(person).await? {
            let sealed = Self::seal_draft_text(key, person, &row.id, &row.body, row.updated_at)?;
            self.store().seal_draft(person, &row.id, &sealed).await?;
        }
        Ok(())
    }
}

/// A draft as it is sealed.
#[derive(serde::Serialize, serde::Deserialize)]
struct DraftPlain {
    text: String,
    updated_at: i64,
}

/// The key from a password, in argon2 memory kept between hashes (see `hashing`).
fn password_key(
    password: &str,
    salt: &[u8; vault::SALT],
) -> Result<vault::WrappingKey, vault::VaultError> {
    let blocks = vault::password_params()?.block_count();
    super::hashing::with_memory(blocks, |memory| {
        vault::password_key_in(password, salt, memory)
    })
}
