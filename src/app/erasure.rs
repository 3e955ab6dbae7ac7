//! Erasing an account: the person's words leave every record they wrote in, they leave
//! every space (or step away as a counsellor), and then everything outside the records that
//! is theirs is deleted (see `domain::redaction::ERASED` and `Store::erase_person`).
//!
//! Each record is changed by an append of its own, so its chain, its turn-taking and its
//! retries are the ones every other change goes through; the account goes last, in one
//! transaction, once nothing of the person's is left in any record. An erasure stopped
//! half-way (a full disk) can be asked for again: what was done is not done twice.

use std::collections::BTreeMap;

use super::accounts::{account_key, password_key};
use super::{App, AppError, Session};
use crate::domain::input::Email;
use crate::domain::redaction::{self, Target};
use crate::domain::space::Command;
use crate::domain::{PersonId, SpaceId};
use crate::store::Effect;

/// Why nothing was erased when the box was not ticked.
pub const NOT_CONFIRMED: &str = "Nothing has been erased. If you want to go ahead, please tick the \
     box to say you understand that erasing cannot be undone.";

/// How many times the records are gone through: the second time finds nothing, unless
/// another tab of the same browser wrote something while the first went on.
const PASSES: usize = 2;

impl App {
    /// The viewer erases their account, with their password typed again and the step
    /// confirmed. Refused with nothing changed when either is missing or the password is
    /// wrong (a wrong one is counted, as every password check is, so a borrowed session
    /// cannot guess it here).
    #[tracing::instrument(skip_all)]
    pub async fn erase_account(
        &self,
        session: &Session,
        password: &str,
        confirmed: bool,
    ) -> Result<(), AppError> {
        if !confirmed {
            return Err(AppError::Invalid {
                field: "confirmed",
                message: NOT_CONFIRMED.to_owned(),
            });
        }
        let me = self.whoami(session).await?;
        {
            let _permit = self.hashing_permit().await?;
            self.confirm_password(session, password, "password").await?;
        }
        let person = session.person;
        // Nobody else holding a session of theirs writes anything from now on.
        self.store()
            .delete_other_sessions(person, &session.id_hash)
            .await?;
        self.erase_everywhere(person, &me.email).await
    }

    /// The operator erases the account with `email` (`goldseam admin erase`), by the same
    /// path as its owner would: their words leave every record, they leave every space,
    /// and the account goes. `Ok(false)` when no account has that e-mail.
    #[tracing::instrument(skip_all)]
    pub async fn erase_account_by_operator(&self, email: &str) -> Result<bool, AppError> {
        let email = Email::parse(email).map_err(|e| AppError::invalid("email", e))?;
        let Some(login) = self.store().login_by_email(&email.normalized()).await? else {
            return Ok(false);
        };
        let person: PersonId = login
            .id
            .parse()
            .map_err(|_| AppError::Internal(anyhow::anyhow!("a person id that does not parse")))?;
        self.store().delete_sessions_of(person).await?;
        self.erase_everywhere(person, email.as_str()).await?;
        Ok(true)
    }

    /// What erasing does once it is decided: every record gone through (twice, for a tab
    /// still writing), then the account and everything keyed to it in one transaction.
    async fn erase_everywhere(&self, person: PersonId, email: &str) -> Result<(), AppError> {
        let mut spaces = 0;
        for _ in 0..PASSES {
            spaces = spaces.max(self.erase_from_records(person).await?);
        }
        let mut keys = vec![password_key(person)];
        if let Ok(email) = Email::parse(email) {
            keys.push(account_key(&email.normalized()));
        }
        self.store().erase_person(person, &keys).await?;
        self.store().forget_removed_words().await;
        tracing::info!(spaces, "an account was erased");
        Ok(())
    }

    /// Removes `person`'s words from every record they wrote in, and has them leave every
    /// space they are still in (or step away as its counsellor). Returns how many spaces
    /// were gone through.
    async fn erase_from_records(&self, person: PersonId) -> Result<usize, AppError> {
        let mut by_space: BTreeMap<SpaceId, Vec<Target>> = BTreeMap::new();
        for (space, target) in self.store().authored_by(person).await? {
            by_space.entry(space).or_default().push(target);
        }
        for space in self.store().spaces_of(person).await? {
            by_space.entry(space).or_default();
        }
        for space in self.store().counselled_by(person).await? {
            by_space.entry(space).or_default();
        }
        let spaces = by_space.len();
        for (space, targets) in by_space {
            let targets = redaction::to_erase(person, targets);
            let effects: Vec<Effect> = targets
                .iter()
                .map(|t| Effect::Redact { seq: t.seq })
                .chain([Effect::RemoveMember { person }])
                .collect();
            self.record(space, person, || Command::Erase(targets.clone()), &effects)
                .await?;
            // Folded again now, so no state kept in memory holds the words or the name.
            self.load_state(space).await?;
        }
        Ok(spaces)
    }
}
