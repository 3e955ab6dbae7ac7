//! Taking back a slip: the writer of a part of their account, a question no one has
//! answered yet, or a letter may withdraw it in the first minutes after writing it, while
//! their partner has not been shown it. The withdrawal is itself an entry of the record;
//! the page the entry lived on no longer shows it, to either partner.

use axum::response::Response;
use axum::routing::post;

use super::context::{EntryPath, InSpace};
use super::error::WebError;
use super::events::Described;
use super::routes::Routes;
use super::view::see_other;
use crate::domain::ownup::{self, Withdrawable};
use crate::domain::space::{SpaceEvent, SpaceState};

pub fn routes() -> Routes {
    Routes::new().route("/spaces/{id}/entries/{entry}/withdraw", post(withdraw))
}

/// Record-page wording: the withdrawal says what kind of entry was taken back, never what
/// it said.
pub fn describe(_state: &SpaceState, _base: &str, event: &SpaceEvent) -> Described {
    let SpaceEvent::OwnUp(ownup::Event::EntryWithdrawn(_)) = event else {
        return None;
    };
    Some(("withdrew an entry soon after writing it".to_owned(), None))
}

async fn withdraw(page: InSpace, EntryPath(space, entry): EntryPath) -> Result<Response, WebError> {
    // Where the entry lived, to go back there once it is gone.
    let back = match page.state.own_up.withdrawable(entry, page.me()) {
        Some(Withdrawable::Disclosure { breach, .. }) => {
            format!("/spaces/{space}/breaches/{breach}#account")
        }
        Some(Withdrawable::Question { .. }) => format!("/spaces/{space}/questions"),
        Some(Withdrawable::Letter { .. }) => format!("/spaces/{space}/letters"),
        None => format!("/spaces/{space}"),
    };
    page.app.withdraw(&page.session, &page.state, entry).await?;
    Ok(see_other(&back))
}
