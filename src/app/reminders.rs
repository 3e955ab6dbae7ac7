//! Reminders with no content: each person's choice, the worker's look at each person, and
//! the one-click way out.
//!
//! What waits comes from the web layer's lists (the same ones the home page shows), handed
//! in as a function and reduced at once to fingerprints of the chosen topics: the worker
//! never keeps, and a reminder never carries, what is waiting, whose it is, or where.
//! Spaces on a break or closed are left out, so they send nothing.

use std::collections::BTreeSet;
use std::time::Duration;

use super::{App, AppError, Session, token_hash};
use crate::domain::calendar::Zone;
use crate::domain::reminders::{self, Decision, How, LocalNow, Memory, Settings, Topic};
use crate::domain::space::SpaceState;
use crate::domain::{PersonId, calendar};
use crate::mail::Mail;
use crate::store::{DueReminder, LINK_UNSUBSCRIBE, ReminderLook, ReminderRow};

/// Where something waits for a person in a space, by topic: (topic, where).
pub type WaitingItems = fn(&SpaceState, PersonId, i64) -> Vec<(Topic, String)>;

/// How often the worker looks at each person with reminders on.
pub const LOOK_EVERY_SECS: i64 = 300;
/// How many people are read from the database at a time (a round reads until none is due).
const BATCH: i64 = 200;
/// Batches in one round at most, so a round always ends (50 × 200 = 10,000 people).
const BATCHES: usize = 50;
/// How long an unsubscribe link in a reminder keeps working.
const UNSUBSCRIBE_LASTS: Duration = Duration::from_secs(90 * 24 * 3600);

/// A person's choice, as the account page shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReminderChoice {
    pub settings: Settings,
    /// Saved at least once (otherwise `settings` are what is offered at first).
    pub saved: bool,
}

/// The settings as stored.
fn settings_of(row: &ReminderRow) -> Settings {
    let minute = |m: i64| u16::try_from(m.clamp(0, 24 * 60 - 1)).unwrap_or(0);
    Settings {
        how: How::from_name(&row.how).unwrap_or_default(),
        topics: Settings::topics_from_text(&row.topics),
        quiet_from: minute(row.quiet_from),
        quiet_until: minute(row.quiet_until),
        digest_at: minute(row.digest_at),
    }
}

fn memory_of(row: &ReminderRow) -> Memory {
    Memory {
        reminded: row
            .reminded
            .as_deref()
            .map(|text| text.split_whitespace().map(str::to_owned).collect()),
        last_sent_secs: row.last_sent_at,
        digest_day: row.digest_day,
    }
}

/// How long from `now_us` until the person's quiet hours next begin, on their wall clock
/// (a day when they have none, or the time cannot be worked out).
fn until_quiet(zone: &Zone, settings: &Settings, now_us: i64) -> Duration {
    const DAY: Duration = Duration::from_secs(24 * 3600);
    if settings.quiet_from == settings.quiet_until {
        return DAY;
    }
    let Some(today) = zone.date_at(now_us) else {
        return DAY;
    };
    let (hour, minute) = (settings.quiet_from / 60, settings.quiet_from % 60);
    let begins = [Some(today), today.tomorrow().ok()]
        .into_iter()
        .flatten()
        .filter_map(|date| zone.instant_of_local(&format!("{date}T{hour:02}:{minute:02}")))
        .find(|at| *at > now_us);
    begins
        .and_then(|at| u64::try_from(at - now_us).ok())
        .map_or(DAY, Duration::from_micros)
}

/// The form a reminder setting arrives in.
pub struct ReminderInput<'a> {
    pub how: &'a str,
    pub topics: &'a [String],
    pub quiet_from: &'a str,
    pub quiet_until: &'a str,
    pub digest_at: &'a str,
}

impl App {
    /// What reminds the signed-in person, and how.
    pub async fn reminder_choice(&self, session: &Session) -> Result<ReminderChoice, AppError> {
        let row = self
            .store()
            .reminder_settings(&session.person.to_string())
            .await?;
        Ok(match row {
            Some(row) => ReminderChoice {
                settings: settings_of(&row),
                saved: true,
            },
            None => ReminderChoice {
                settings: Settings::default(),
                saved: false,
            },
        })
    }

    /// Saves the signed-in person's choice. A refused form writes nothing.
    #[tracing::instrument(skip_all)]
    pub async fn set_reminders(
        &self,
        session: &Session,
        input: ReminderInput<'_>,
    ) -> Result<(), AppError> {
        let settings = Settings::parse(
            input.how,
            input.topics,
            input.quiet_from,
            input.quiet_until,
            input.digest_at,
        )
        .map_err(|(field, err)| AppError::invalid(field, err))?;
        let row = ReminderRow {
            person_id: session.person.to_string(),
            how: settings.how.name().to_owned(),
            topics: settings.topics_text(),
            quiet_from: i64::from(settings.quiet_from),
            quiet_until: i64::from(settings.quiet_until),
            digest_at: i64::from(settings.digest_at),
            reminded: None,
            last_sent_at: None,
            digest_day: None,
            next_check_at: 0,
        };
        self.store().save_reminder_settings(&row).await?;
        tracing::info!(how = settings.how.name(), "reminder settings saved");
        Ok(())
    }

    /// Whether an unsubscribe link (from a reminder) still works.
    pub async fn unsubscribe_link_is_live(&self, token: &str) -> Result<bool, AppError> {
        self.link_is_live(token, LINK_UNSUBSCRIBE).await
    }

    /// One click from a reminder: reminders stop for the link's person. `false` when the
    /// link is unknown or expired. Stopping twice is stopping once.
    #[tracing::instrument(skip_all)]
    pub async fn unsubscribe(&self, token: &str) -> Result<bool, AppError> {
        let now = self.clock().now_secs();
        let Some(person) = self
            .store()
            .link_owner(&token_hash(token), LINK_UNSUBSCRIBE, now)
            .await?
        else {
            return Ok(false);
        };
        if self.store().stop_reminders(&person.id).await? {
            tracing::info!("reminders stopped from a reminder's link");
        }
        Ok(true)
    }

    /// One round of the reminder worker: every person whose look is due, a reminder put in
    /// the outbox for each one it is time for. How many reminders went into the outbox.
    pub async fn remind_due(&self, items_of: WaitingItems) -> usize {
        if !self.sends_mail() {
            return 0;
        }
        let now = self.clock().now_secs();
        // Unsubscribe links of old reminders (and any other expired link) are swept here.
        if let Err(err) = self.store().forget_expired_links(now).await {
            tracing::warn!(error = %err, "expired links could not be swept this time");
        }
        let mut sent = 0;
        for _ in 0..BATCHES {
            let due = match self.store().due_reminders(now, BATCH).await {
                Ok(due) => due,
                Err(err) => {
                    tracing::warn!(error = %err, "reminders could not be read this time");
                    break;
                }
            };
            let full = i64::try_from(due.len()).unwrap_or(i64::MAX) >= BATCH;
            for person in due {
                let lease = super::random_token();
                let until = now + LOOK_EVERY_SECS;
                match self
                    .store()
                    .lease_reminder(&person.settings, until, &lease)
                    .await
                {
                    Ok(true) => {}
                    Ok(false) => continue,
                    Err(err) => {
                        tracing::warn!(error = %err, "a person's reminders could not be taken");
                        continue;
                    }
                }
                match self.look_at(&person, &lease, items_of).await {
                    Ok(true) => sent += 1,
                    Ok(false) => {}
                    // The next look, in a few minutes, tries again.
                    Err(err) => {
                        tracing::warn!(error = %err, "a person's reminders were not looked at");
                    }
                }
            }
            // Everyone looked at is leased past now: the next batch holds only others.
            if !full {
                break;
            }
        }
        if sent > 0 {
            self.wake_outbox();
        }
        sent
    }

    /// What waits for `person` in the chosen topics, as fingerprints.
    async fn waiting_for(
        &self,
        person: PersonId,
        topics: &BTreeSet<Topic>,
        items_of: WaitingItems,
    ) -> Result<BTreeSet<String>, AppError> {
        let now_us = self.clock().now_us();
        let mut waiting = BTreeSet::new();
        for space in self.store().spaces_of(person).await? {
            let Some(state) = self.load_state(space).await? else {
                continue;
            };
            if !state.is_partner(person)
                || state.is_closed()
                || state.pause.paused_at(now_us).is_some()
            {
                continue;
            }
            let id = space.to_string();
            for (topic, at) in items_of(&state, person, now_us) {
                if topics.contains(&topic) {
                    waiting.insert(reminders::fingerprint(&id, topic, &at));
                }
            }
        }
        Ok(waiting)
    }

    /// Looks at one person: true if a reminder went into the outbox.
    async fn look_at(
        &self,
        due: &DueReminder,
        lease: &str,
        items_of: WaitingItems,
    ) -> Result<bool, AppError> {
        let settings = settings_of(&due.settings);
        let person: PersonId =
            due.settings.person_id.parse().map_err(|_| {
                AppError::Internal(anyhow::anyhow!("a stored person id is unreadable"))
            })?;
        let zone = Zone::parse(&due.time_zone).unwrap_or_else(|_| Zone::utc());
        let now_us = self.clock().now_us();
        let (minute, day) = zone
            .minute_and_day_at(now_us)
            .unwrap_or((0, calendar::day_of(now_us)));
        let now = LocalNow {
            minute,
            day,
            secs: self.clock().now_secs(),
        };
        let waiting = self.waiting_for(person, &settings.topics, items_of).await?;
        let Decision { send, memory } =
            reminders::decide(&settings, now, &memory_of(&due.settings), &waiting);
        let look = ReminderLook {
            reminded: memory
                .reminded
                .unwrap_or_default()
                .into_iter()
                .collect::<Vec<_>>()
                .join(" "),
            last_sent_at: memory.last_sent_secs,
            digest_day: memory.digest_day,
        };
        if !send {
            self.store()
                .keep_reminder_look(&due.settings.person_id, lease, &look, None)
                .await?;
            return Ok(false);
        }
        let (token, link) = self.link(LINK_UNSUBSCRIBE, UNSUBSCRIBE_LASTS);
        let base = &self.settings().base_url;
        let mail = Mail::reminder(
            base,
            &format!("{base}/reminders/unsubscribe/{token}"),
            settings.how == How::Digest,
        )
        .map_err(|e| AppError::Internal(anyhow::Error::new(e)))?;
        // A reminder not delivered before the quiet hours begin is dropped rather than
        // arrive at night; what waits is still on the home page.
        let lasts = until_quiet(&zone, &settings, now_us);
        let row = self.outbox_row(&due.email, mail, lasts);
        self.store()
            .keep_reminder_look(&due.settings.person_id, lease, &look, Some((&link, &row)))
            .await?;
        tracing::info!(how = settings.how.name(), "a reminder went into the outbox");
        Ok(true)
    }
}
