//! A person's calendar feed: a secret address a calendar app subscribes to, holding the
//! dated items of the spaces they are a partner in (see `domain::calendar_feed` for what it
//! holds and how little it says).
//!
//! The address carries a token of 256 random bits, and only its SHA-256 is stored: the
//! address is shown once, when it is made, and cannot be shown again. Making a new one
//! replaces it, so the old address stops at once; turning the feed off deletes it. The
//! address is the only key (a calendar app has no session), so anything that does not
//! lead to a feed of an account that can log in (an unknown, replaced or deleted token, a
//! switched-off or erased account) answers not found, as any unknown page does.
//!
//! Fetching a feed is not throttled: a token cannot be guessed, and a fetch writes nothing.

use super::{App, AppError, Session, random_token, token_hash};
use crate::domain::PersonId;
use crate::domain::calendar_feed::{self, Horizon};
use crate::store::CalendarFeedRow;

/// Where a feed is served: `{base}/calendar/{token}/reminders.ics`.
pub fn feed_path(token: &str) -> String {
    format!("/calendar/{token}/reminders.ics")
}

impl App {
    /// The signed-in person's feed, if they have one.
    #[tracing::instrument(skip_all)]
    pub async fn calendar_feed(
        &self,
        session: &Session,
    ) -> Result<Option<CalendarFeedRow>, AppError> {
        Ok(self.store().calendar_feed_of(session.person).await?)
    }

    /// Makes the person's feed, replacing any they had (whose address stops at once), and
    /// returns its full address (the only time it is known outside the person's calendar)
    /// with whether it replaced one.
    #[tracing::instrument(skip_all)]
    pub async fn start_calendar_feed(
        &self,
        session: &Session,
        detailed: bool,
    ) -> Result<(String, bool), AppError> {
        let replaced = self
            .store()
            .calendar_feed_of(session.person)
            .await?
            .is_some();
        let token = random_token();
        self.store()
            .put_calendar_feed(
                session.person,
                &token_hash(&token),
                detailed,
                self.clock().now_secs(),
            )
            .await?;
        tracing::info!("a calendar feed was made");
        let url = format!("{}{}", self.settings().base_url, feed_path(&token));
        Ok((url, replaced))
    }

    /// Turns the person's feed off: its address stops at once.
    #[tracing::instrument(skip_all)]
    pub async fn stop_calendar_feed(&self, session: &Session) -> Result<(), AppError> {
        self.store().delete_calendar_feed(session.person).await?;
        tracing::info!("a calendar feed was turned off");
        Ok(())
    }

    /// The feed behind `token` as iCalendar text, or not found.
    #[tracing::instrument(skip_all)]
    pub async fn calendar_feed_text(&self, token: &str) -> Result<String, AppError> {
        let Some((person, detailed)) = self
            .store()
            .calendar_feed_by_token(&token_hash(token))
            .await?
        else {
            return Err(AppError::NotFound);
        };
        let now_us = self.clock().now_us();
        let items = self.calendar_items(person, now_us).await?;
        Ok(calendar_feed::render(&items, detailed, now_us))
    }

    /// The items of every space `person` is a member of. Spaces they counsel are not among
    /// them (a counsellor is no member), and the domain leaves out spaces they left, closed
    /// or paused ones.
    async fn calendar_items(
        &self,
        person: PersonId,
        now_us: i64,
    ) -> Result<Vec<calendar_feed::Item>, AppError> {
        let horizon = Horizon::around(now_us);
        let mut items = Vec::new();
        for space in self.store().spaces_of(person).await? {
            if let Some(state) = self.load_state(space).await? {
                items.extend(calendar_feed::items(&state, person, &horizon, now_us));
            }
        }
        Ok(items)
    }
}
