//! The dashboard and the printable summary: the state they draw, with each milestone
//! recorded as shown the first time a partner sees it.

use std::sync::Arc;

use super::{App, AppError, Session};
use crate::domain::PersonId;
use crate::domain::progress;
use crate::domain::record::RecordedEvent;
use crate::domain::seen::{Mark, Marks};
use crate::domain::space::{self, Command, SpaceEvent, SpaceState};

/// How many of the newest events the dashboard lists.
pub const RECENT_EVENTS: usize = 8;

/// How far back the dashboard looks for recent events it may show; events the viewer may
/// not see yet (a sealed answer) and milestone markers are passed over.
const RECENT_WINDOW: u64 = 40;

/// What the dashboard draws, read at one instant (the newest events it lists are read
/// apart, by [`App::dashboard_recent`], and only when the page is drawn afresh).
pub struct Dashboard {
    pub state: Arc<SpaceState>,
    pub now_us: i64,
    /// What the viewer had seen or marked before this visit (a milestone is new to them
    /// only on the first visit that shows it).
    pub marks: Marks,
}

impl App {
    /// The newest events `viewer` may see, newest first. What they may not see yet (a
    /// partner's sealed answer) is left out, not shown as a line: for a counsellor the list
    /// must not change with what a partner keeps sealed.
    pub(super) async fn recent(
        &self,
        state: &SpaceState,
        viewer: PersonId,
        now_us: i64,
    ) -> Result<Vec<RecordedEvent>, AppError> {
        let after = state.head_seq.saturating_sub(RECENT_WINDOW);
        let mut recent: Vec<RecordedEvent> = self
            .store()
            .events_after(state.id, after)
            .await?
            .into_iter()
            .filter(|e| e.seq <= state.head_seq)
            .filter(|e| !space::withheld_from(state, viewer, e, now_us))
            .filter(|e| {
                !matches!(
                    SpaceEvent::parse(&e.kind, e.body.as_deref()),
                    Some(SpaceEvent::Milestone(_))
                )
            })
            .collect();
        recent.reverse();
        recent.truncate(RECENT_EVENTS);
        Ok(recent)
    }

    /// A space's dashboard for a partner, from the state the page context just loaded (no
    /// second read of the head). Milestones reached since anyone last looked are recorded
    /// as shown first, so each is celebrated once and its date never moves.
    #[tracing::instrument(skip_all, fields(space = %loaded.id))]
    pub async fn dashboard(
        &self,
        session: &Session,
        loaded: Arc<SpaceState>,
    ) -> Result<Dashboard, AppError> {
        if !loaded.is_partner(session.person) {
            return Err(AppError::NotFound);
        }
        let space = loaded.id;
        let mut state = loaded;
        let now_us = self.clock().now_us();
        let reached = progress::reached_but_not_shown(&state, now_us);
        // Milestones wait until the hurt partner says they are open to them.
        let welcome = state.repair.open_to_appreciation(&state.own_up);
        if state.is_full() && welcome && !reached.is_empty() {
            // Best effort: a busy record must not keep anyone from their page; the next
            // visit records what this one could not.
            match self
                .record(
                    space,
                    session.person,
                    || Command::CelebrateMilestones(reached.clone()),
                    &[],
                )
                .await
            {
                Ok(()) => state = self.space_for(session.person, space).await?,
                Err(err) => tracing::warn!(error = %err, "milestones not recorded this time"),
            }
        }
        let marks = self.my_marks(session, &state).await?;
        if welcome {
            let seen = state
                .milestones
                .shown
                .iter()
                .map(|c| Mark::Milestone(c.milestone.kind.key().to_owned()));
            // Best effort, like the milestones themselves: the page is shown either way.
            if let Err(err) = self.mark(session, &state, &marks, seen).await {
                tracing::warn!(error = %err, "milestones seen not marked this time");
            }
        }
        Ok(Dashboard {
            state,
            now_us,
            marks,
        })
    }

    /// The newest events a partner's dashboard lists, newest first.
    pub async fn dashboard_recent(
        &self,
        session: &Session,
        dashboard: &Dashboard,
    ) -> Result<Vec<RecordedEvent>, AppError> {
        if !dashboard.state.is_partner(session.person) {
            return Err(AppError::NotFound);
        }
        self.recent(&dashboard.state, session.person, dashboard.now_us)
            .await
    }
}
