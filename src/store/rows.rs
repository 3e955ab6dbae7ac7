//! Plain rows as the database holds them.

use crate::domain::record::{Hash, RecordedEvent};

use super::{StoreError, salt_from};

#[derive(Debug, Clone)]
pub struct NewPerson {
    pub id: crate::domain::PersonId,
    pub email_norm: String,
    pub email: String,
    pub display_name: String,
    pub password_hash: String,
    pub created_at: i64,
    pub time_zone: String,
}

#[derive(Clone, sqlx::FromRow)]
pub struct LoginRow {
    pub id: String,
    pub password_hash: String,
    /// When the operator switched the account off (`goldseam admin disable`), if they did.
    pub disabled_at: Option<i64>,
}

impl std::fmt::Debug for LoginRow {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("LoginRow")
            .field("id", &self.id)
            .finish_non_exhaustive()
    }
}

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct PersonRow {
    pub id: String,
    pub email: String,
    pub display_name: String,
}

#[derive(Clone, sqlx::FromRow)]
pub struct SessionRow {
    /// SHA-256 of the cookie's token: a copy of the database does not log anyone in.
    pub id_hash: String,
    pub person_id: String,
    pub csrf: String,
    pub created_at: i64,
    pub last_seen_at: i64,
    pub flash: Option<String>,
    /// The person's time zone (read with the session, so pages need no second query).
    #[sqlx(default)]
    pub time_zone: String,
    /// Where the person's quick exit goes (read with the session, for every page).
    #[sqlx(default)]
    pub exit_to: String,
    /// The person's data key, wrapped under a key from this session's token.
    #[sqlx(default)]
    pub data_key: Option<Vec<u8>>,
}

/// A session with, in the same row, the head of the space the request is for and the
/// marks the session's person made in it (`Store::session_in_space`). The space's columns
/// are empty when there is no such space.
#[derive(Clone, sqlx::FromRow)]
pub struct SessionInSpaceRow {
    #[sqlx(flatten)]
    pub session: SessionRow,
    pub head_seq: Option<i64>,
    pub head_hash: Option<Vec<u8>>,
    /// A JSON array of the marks, as `head_and_marks` reads them.
    pub marks: Option<String>,
}

/// A person's data key as stored: only wrapped.
#[derive(Clone, Default, sqlx::FromRow)]
pub struct VaultRow {
    pub data_key_salt: Option<Vec<u8>>,
    pub data_key_by_password: Option<Vec<u8>>,
    pub data_key_by_recovery: Option<Vec<u8>>,
    pub recovery_confirmed_at: Option<i64>,
}

/// A journal entry as stored: whose, and the sealed bytes.
#[derive(Clone, sqlx::FromRow)]
pub struct JournalRow {
    pub id: String,
    pub sealed: Vec<u8>,
}

impl std::fmt::Debug for SessionRow {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SessionRow")
            .field("person_id", &self.person_id)
            .finish_non_exhaustive()
    }
}

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct InviteRow {
    /// SHA-256 of the token in the link; the link itself is never stored.
    pub token_hash: String,
    pub space_id: String,
    pub created_by: String,
    pub created_at: i64,
    pub expires_at: i64,
    pub used_at: Option<i64>,
    pub used_by: Option<String>,
    pub revoked_at: Option<i64>,
}

/// A counsellor's invitation link: a partner's invite row, and the invitation's id in the
/// couple's record.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct CounsellorInviteRow {
    pub token_hash: String,
    pub space_id: String,
    pub engagement: String,
    pub created_by: String,
    pub created_at: i64,
    pub expires_at: i64,
    pub used_at: Option<i64>,
    pub used_by: Option<String>,
    pub revoked_at: Option<i64>,
}

/// A page a counsellor opened in a space.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct LookRow {
    pub person_id: String,
    pub at_us: i64,
    pub page: String,
}

/// A private draft, visible only to its author.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct DraftRow {
    pub id: String,
    pub person_id: String,
    pub space_id: String,
    pub kind: String,
    /// Empty once the draft is sealed; a draft from before sealing holds its text here
    /// until its author's next sign-in.
    pub body: String,
    /// 0 once sealed (the time is inside the sealed bytes).
    pub updated_at: i64,
    /// The text and time, sealed under the author's data key.
    pub sealed: Option<Vec<u8>>,
}

#[derive(sqlx::FromRow)]
pub(crate) struct EventRow {
    seq: i64,
    at_us: i64,
    author: String,
    kind: String,
    body: Option<String>,
    salt: Option<Vec<u8>>,
    digest: Vec<u8>,
    prev: Vec<u8>,
    hash: Vec<u8>,
}

fn hash_from(bytes: Vec<u8>, what: &'static str) -> Result<Hash, StoreError> {
    Hash::try_from(bytes.as_slice()).map_err(|_| StoreError::Corrupt(what))
}

impl TryFrom<EventRow> for RecordedEvent {
    type Error = StoreError;

    fn try_from(row: EventRow) -> Result<Self, Self::Error> {
        Ok(RecordedEvent {
            seq: u64::try_from(row.seq).map_err(|_| StoreError::Corrupt("negative seq"))?,
            at_us: row.at_us,
            author: row.author,
            kind: row.kind,
            body: row.body,
            salt: salt_from(row.salt)?,
            digest: hash_from(row.digest, "digest length")?,
            prev: hash_from(row.prev, "prev length")?,
            hash: hash_from(row.hash, "hash length")?,
        })
    }
}

/// A space's head as its row keeps it, and what its events say (see `Store::heads`).
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct HeadRow {
    pub space_id: String,
    pub head_seq: i64,
    pub head_hash: Vec<u8>,
    /// The hash of the event at `head_seq`, if there is one.
    pub hash_at_head: Option<Vec<u8>>,
    pub last_seq: Option<i64>,
    pub events: i64,
}

impl HeadRow {
    /// Whether the events end exactly where the row says: at `head_seq`, with its hash,
    /// with one event per seq before it.
    pub fn agrees(&self) -> bool {
        self.hash_at_head.as_deref() == Some(self.head_hash.as_slice())
            && self.last_seq == Some(self.head_seq)
            && self.events == self.head_seq
    }
}

/// A mail waiting in the outbox.
#[derive(Clone, sqlx::FromRow)]
pub struct OutboxRow {
    pub id: String,
    pub recipient: String,
    pub subject: String,
    pub body_text: String,
    pub created_at: i64,
    pub attempts: i64,
    pub next_attempt_at: i64,
    pub give_up_at: i64,
    /// Where one click stops the reminders this mail is (`List-Unsubscribe`); `None` for
    /// account mail.
    pub unsubscribe_url: Option<String>,
}

impl std::fmt::Debug for OutboxRow {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("OutboxRow")
            .field("id", &self.id)
            .field("attempts", &self.attempts)
            .finish_non_exhaustive()
    }
}

/// A single-use link sent by mail: only the hash of its token.
#[derive(Debug, Clone)]
pub struct LinkRow {
    pub token_hash: String,
    pub purpose: &'static str,
    pub created_at: i64,
    pub expires_at: i64,
}

/// What a sign-up waiting for its address found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PendingSignUp {
    /// A new person, waiting for the link.
    Created,
    /// A sign-up for this address that was still waiting is replaced by this one.
    Replaced,
    /// The address belongs to an account already: nothing was written.
    Exists,
}
