//! Check-ins: the couple's rhythm and each partner's sealed answers.

use std::sync::Arc;

use super::{App, AppError, Session};
use crate::domain::SpaceId;
use crate::domain::space::SpaceState;

part_action! {
    /// Sets the rhythm, or answers a check-in, in a space the viewer is a partner in.
    check_in(checkins) => CheckIn
}

impl App {
    /// The space's state with "now", for pages that read the state at one instant (check-ins,
    /// the printable summary, single charts). Nothing is recorded.
    pub async fn state_now(
        &self,
        session: &Session,
        space: SpaceId,
    ) -> Result<(Arc<SpaceState>, i64), AppError> {
        let state = self.space_for(session.person, space).await?;
        Ok((state, self.clock().now_us()))
    }
}
