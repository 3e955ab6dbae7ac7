//! What each person has seen or marked in a space (see `domain::seen`): kept outside the
//! record, per person, only as facts.

use super::{App, AppError, Session};
use crate::domain::ownup::Command;
use crate::domain::seen::{Mark, Marks};
use crate::domain::space::SpaceState;
use crate::domain::{EntryId, PersonId};

impl App {
    /// The marks `of` has made in the space of `state`: the viewer's own, or their
    /// partner's (whose "read" is all the viewer may learn of them). Anyone else's are not
    /// found.
    pub async fn marks_of(
        &self,
        session: &Session,
        state: &SpaceState,
        of: PersonId,
    ) -> Result<Marks, AppError> {
        let partner = state.partner_of(session.person).map(|p| p.person);
        if !state.is_partner(session.person) || (of != session.person && Some(of) != partner) {
            return Err(AppError::NotFound);
        }
        let stored = self.store().marks(state.id, of).await?;
        Ok(stored.iter().filter_map(|m| Mark::parse(m)).collect())
    }

    /// The viewer's own marks in the space of `state`.
    pub async fn my_marks(&self, session: &Session, state: &SpaceState) -> Result<Marks, AppError> {
        self.marks_of(session, state, session.person).await
    }

    /// Stores the viewer's marks that `had` does not hold yet; nothing is written when
    /// there are none.
    pub async fn mark(
        &self,
        session: &Session,
        state: &SpaceState,
        had: &Marks,
        wanted: impl IntoIterator<Item = Mark>,
    ) -> Result<(), AppError> {
        if !state.is_partner(session.person) {
            return Err(AppError::NotFound);
        }
        let missing: Vec<String> = had.missing(wanted).iter().map(Mark::key).collect();
        self.store()
            .add_marks(state.id, session.person, &missing)
            .await?;
        Ok(())
    }

    /// Marks the partner's `entries` as shown to the viewer, on a page that showed them:
    /// from then on their writer can no longer withdraw them. Best effort: a page is not
    /// refused because the mark could not be stored (the failure is logged).
    pub async fn shown(&self, session: &Session, state: &SpaceState, entries: &[EntryId]) {
        if entries.is_empty() {
            return;
        }
        let marked = async {
            let had = self.my_marks(session, state).await?;
            self.mark(
                session,
                state,
                &had,
                entries.iter().map(|e| Mark::Shown(*e)),
            )
            .await
        };
        if let Err(err) = marked.await {
            tracing::warn!(error = %err, "entries shown not marked this time");
        }
    }

    /// The hurt partner marks every entry of a breach's account written so far as read.
    pub async fn mark_account_read(
        &self,
        session: &Session,
        state: &SpaceState,
        breach: EntryId,
    ) -> Result<(), AppError> {
        let b = state.own_up.breach(breach).ok_or(AppError::NotFound)?;
        if !state.is_partner(session.person) {
            return Err(AppError::NotFound);
        }
        if b.broke_trust == session.person {
            return Err(AppError::Refused(
                "Your partner marks your account as read, when they have read it.".into(),
            ));
        }
        let had = self.my_marks(session, state).await?;
        let entries = b.disclosure.iter().map(|e| e.id);
        self.mark(
            session,
            state,
            &had,
            entries
                .clone()
                .map(Mark::Read)
                .chain(entries.map(Mark::Shown)),
        )
        .await
    }
}

impl App {
    /// The writer takes back an entry of theirs soon after writing it: refused once their
    /// partner has been shown it (which only the partner's marks say), or after the window.
    pub async fn withdraw(
        &self,
        session: &Session,
        state: &SpaceState,
        entry: EntryId,
    ) -> Result<(), AppError> {
        let shown = match state.partner_of(session.person) {
            Some(partner) => self
                .marks_of(session, state, partner.person)
                .await?
                .shown(entry),
            None => false,
        };
        self.own_up(session, state.id, Command::Withdraw { entry, shown })
            .await
    }
}
