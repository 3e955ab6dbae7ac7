//! A form sent twice records once: where the first answer to a form went, per session.
//!
//! Each rendering of a form carries a fresh token (`web::once`). The first time a token
//! comes back and the form is saved (it answers `303 See Other`), the session remembers
//! where that answer went; the same token again in the same session is answered with the
//! same place and reaches no use case. Sends of one token take turns, so a double click's
//! second request waits for the first one's answer instead of racing it.

use std::hash::{Hash as _, Hasher as _};

use super::{App, AppError, Session};

/// A form's first answer is remembered this long: long enough for any double click, Back and
/// send again, or reload of a slow answer.
const REMEMBER_SECS: i64 = 24 * 3600;

/// Sends of one form token take turns (striped by the token).
pub(super) struct FormTurns {
    stripes: Vec<tokio::sync::Mutex<()>>,
}

impl FormTurns {
    const STRIPES: usize = 64;

    pub(super) fn new() -> Self {
        Self {
            stripes: (0..Self::STRIPES)
                .map(|_| tokio::sync::Mutex::new(()))
                .collect(),
        }
    }
}

impl App {
    /// Waits for this form token's turn; the turn lasts as long as the guard is held.
    pub async fn form_turn(&self, token: &str) -> tokio::sync::MutexGuard<'_, ()> {
        let mut hasher = std::collections::hash_map::DefaultHasher::new();
        token.hash(&mut hasher);
        let stripe = usize::try_from(hasher.finish() % FormTurns::STRIPES as u64).unwrap_or(0);
        self.inner.forms.stripes[stripe].lock().await
    }

    /// Where the first answer to this form went, if it was already saved in this session.
    #[tracing::instrument(skip_all)]
    pub async fn form_answered(
        &self,
        session: &Session,
        token: &str,
    ) -> Result<Option<String>, AppError> {
        Ok(self.store().form_answer(&session.id_hash, token).await?)
    }

    /// Remembers that this form was saved and its answer sent the browser to `location`.
    #[tracing::instrument(skip_all)]
    pub async fn remember_form(
        &self,
        session: &Session,
        token: &str,
        location: &str,
    ) -> Result<(), AppError> {
        let now = self.clock().now_secs();
        self.store()
            .remember_form_answer(&session.id_hash, token, location, now, now - REMEMBER_SECS)
            .await?;
        Ok(())
    }
}
