//! Reminders that say nothing: what a person chose to be reminded of, how (a mail as soon
//! as something new waits, one digest a day, or none), their quiet hours, and the decision,
//! at one moment, whether a reminder goes now.
//!
//! A reminder only ever says that something is waiting. What waits is known here only as a
//! fingerprint (a short hash of where it waits), so the settings row that remembers what a
//! reminder already covered holds no record content, no name and no address.
//!
//! Time arrives as the person's local minute of the day and local day, worked out by the
//! caller in the person's own zone, so quiet hours keep to the clock on their wall across
//! a change to or from daylight saving time.

use std::collections::BTreeSet;

use sha2::{Digest, Sha256};

use super::input::InputError;

/// What a reminder can be about: the kinds of things that wait on the home page.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Topic {
    /// A check-in is due (including a follow-up after a repair was closed).
    CheckIn,
    /// A question waits for an answer, or an answer waits to be read.
    Question,
    /// A promise's occurrence waits to be reported or confirmed.
    Promise,
    /// An agreement waits to be revisited.
    Agreement,
    /// A letter arrived.
    Letter,
    /// Anything else on the home page (a daily appreciation, a step of a repair).
    Other,
}

impl Topic {
    pub const ALL: [Topic; 6] = [
        Topic::CheckIn,
        Topic::Question,
        Topic::Promise,
        Topic::Agreement,
        Topic::Letter,
        Topic::Other,
    ];

    /// Its name in forms and in the settings row.
    pub fn name(self) -> &'static str {
        match self {
            Topic::CheckIn => "checkin",
            Topic::Question => "question",
            Topic::Promise => "promise",
            Topic::Agreement => "agreement",
            Topic::Letter => "letter",
            Topic::Other => "other",
        }
    }

    pub fn from_name(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|t| t.name() == name)
    }

    /// What the account page calls it.
    pub fn label(self) -> &'static str {
        match self {
            Topic::CheckIn => "A check-in is due",
            Topic::Question => "A question or an answer is waiting for you",
            Topic::Promise => "A promise is ready to report on or confirm",
            Topic::Agreement => "An agreement is due to be revisited",
            Topic::Letter => "A letter has arrived",
            Topic::Other => "Anything else waiting on your home page, such as today's appreciation",
        }
    }

    /// Chosen when a person first turns reminders on: the five kinds the person is asked
    /// about; the daily appreciation and the rest only if they ask for them.
    pub fn on_by_default(self) -> bool {
        self != Topic::Other
    }
}

/// How reminders reach a person.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum How {
    /// No reminders: the default.
    #[default]
    None,
    /// A mail soon after something new is waiting (at most one an hour).
    Email,
    /// At most one mail a day, at the hour they chose.
    Digest,
}

impl How {
    pub fn name(self) -> &'static str {
        match self {
            How::None => "none",
            How::Email => "email",
            How::Digest => "digest",
        }
    }

    pub fn from_name(name: &str) -> Option<Self> {
        [How::None, How::Email, How::Digest]
            .into_iter()
            .find(|h| h.name() == name)
    }
}

/// Minutes after local midnight.
pub type Minute = u16;

/// Quiet hours at first: ten at night until eight in the morning.
pub const QUIET_FROM: Minute = 22 * 60;
pub const QUIET_UNTIL: Minute = 8 * 60;
/// The digest at first: nine in the morning.
pub const DIGEST_AT: Minute = 9 * 60;
/// Between two mails sent as soon as something waits, at least this long: a partner who
/// answers five questions in a row sends one reminder, not five.
pub const EMAIL_GAP_SECS: i64 = 3600;

/// What one person chose.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Settings {
    pub how: How,
    pub topics: BTreeSet<Topic>,
    /// Quiet from this minute until `quiet_until` (across midnight when it is earlier).
    /// Equal minutes mean no quiet hours.
    pub quiet_from: Minute,
    pub quiet_until: Minute,
    pub digest_at: Minute,
}

impl Default for Settings {
    fn default() -> Self {
        Self {
            how: How::None,
            topics: Topic::ALL
                .into_iter()
                .filter(|t| t.on_by_default())
                .collect(),
            quiet_from: QUIET_FROM,
            quiet_until: QUIET_UNTIL,
            digest_at: DIGEST_AT,
        }
    }
}

impl Settings {
    /// Settings from a form: how, the ticked topics, and hours (0 to 23) for the quiet
    /// hours and the digest.
    pub fn parse(
        how: &str,
        topics: &[String],
        quiet_from: &str,
        quiet_until: &str,
        digest_at: &str,
    ) -> Result<Self, (&'static str, InputError)> {
        let how = How::from_name(how.trim()).ok_or_else(|| {
            (
                "how",
                InputError::new("Please choose how you would like to be reminded."),
            )
        })?;
        let mut chosen = BTreeSet::new();
        for name in topics {
            let topic = Topic::from_name(name.trim()).ok_or_else(|| {
                (
                    "topics",
                    InputError::new(
                        "One of the choices isn't one we offer. Please tick them again.",
                    ),
                )
            })?;
            chosen.insert(topic);
        }
        if how != How::None && chosen.is_empty() {
            return Err((
                "topics",
                InputError::new(
                    "Please tick at least one thing to be reminded of, or choose no reminders.",
                ),
            ));
        }
        let hour = |field: &'static str, raw: &str| {
            raw.trim()
                .parse::<u16>()
                .ok()
                .filter(|h| *h < 24)
                .map(|h| h * 60)
                .ok_or_else(|| {
                    (
                        field,
                        InputError::new("Please choose an hour from the list."),
                    )
                })
        };
        let settings = Self {
            how,
            topics: chosen,
            quiet_from: hour("quiet_from", quiet_from)?,
            quiet_until: hour("quiet_until", quiet_until)?,
            digest_at: hour("digest_at", digest_at)?,
        };
        // A digest due in quiet hours could never be sent: said now, not discovered later.
        if how == How::Digest && settings.is_quiet_at(settings.digest_at) {
            return Err((
                "digest_at",
                InputError::new(
                    "The daily e-mail can't come during your quiet hours. Please choose another time, or change the quiet hours.",
                ),
            ));
        }
        Ok(settings)
    }

    /// The topics as stored: their names, comma-separated.
    pub fn topics_text(&self) -> String {
        self.topics
            .iter()
            .map(|t| t.name())
            .collect::<Vec<_>>()
            .join(",")
    }

    /// Topics as stored; names this version does not know are dropped.
    pub fn topics_from_text(text: &str) -> BTreeSet<Topic> {
        text.split(',').filter_map(Topic::from_name).collect()
    }

    pub fn is_quiet_at(&self, minute: Minute) -> bool {
        is_quiet(self.quiet_from, self.quiet_until, minute)
    }
}

/// Whether `minute` falls in the quiet hours from `from` until `until` (not including
/// `until` itself). Equal bounds mean there are none.
pub fn is_quiet(from: Minute, until: Minute, minute: Minute) -> bool {
    match from.cmp(&until) {
        std::cmp::Ordering::Equal => false,
        std::cmp::Ordering::Less => (from..until).contains(&minute),
        std::cmp::Ordering::Greater => minute >= from || minute < until,
    }
}

/// Where something waits, as a fingerprint: a reminder remembers having covered it
/// without holding what it is. Only the place counts, not the words the home page uses for
/// it (they change with a name, or when something falls late, and are not news then).
pub fn fingerprint(space: &str, topic: Topic, at: &str) -> String {
    let mut hash = Sha256::new();
    for part in [space, topic.name(), at] {
        hash.update(part.as_bytes());
        hash.update([0]);
    }
    hex::encode(&hash.finalize()[..8])
}

/// The person's moment, on their own clock.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LocalNow {
    pub minute: Minute,
    /// The local date as a day number (see `calendar::day_index`).
    pub day: i64,
    /// The instant, in seconds since the epoch.
    pub secs: i64,
}

/// What a person's reminders remember between two looks.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Memory {
    /// What the last reminder covered and still waits. `None` before the first look since
    /// the settings were saved: whatever waits then was there when they chose, and is not
    /// news.
    pub reminded: Option<BTreeSet<String>>,
    pub last_sent_secs: Option<i64>,
    /// The local day a digest was last considered.
    pub digest_day: Option<i64>,
}

/// The decision at one look.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Decision {
    pub send: bool,
    pub memory: Memory,
}

/// Whether a reminder goes now, given what waits (as fingerprints, only of the chosen
/// topics, in spaces that are neither paused nor closed) and what earlier reminders covered.
pub fn decide(
    settings: &Settings,
    now: LocalNow,
    memory: &Memory,
    waiting: &BTreeSet<String>,
) -> Decision {
    let stay = |memory: Memory| Decision {
        send: false,
        memory,
    };
    let Some(reminded) = &memory.reminded else {
        // The first look: what waits now is where the person started.
        return stay(Memory {
            reminded: Some(waiting.clone()),
            ..memory.clone()
        });
    };
    // What was reminded of and is done no longer counts: when it comes back (the next
    // check-in), it is news again.
    let kept: BTreeSet<String> = reminded.intersection(waiting).cloned().collect();
    let news = waiting.len() > kept.len();
    let sent = Decision {
        send: true,
        memory: Memory {
            reminded: Some(waiting.clone()),
            last_sent_secs: Some(now.secs),
            digest_day: memory.digest_day,
        },
    };
    let unchanged = Memory {
        reminded: Some(kept),
        ..memory.clone()
    };
    if settings.how == How::None || settings.is_quiet_at(now.minute) {
        return stay(unchanged);
    }
    match settings.how {
        How::None => stay(unchanged),
        How::Email => {
            let rested = memory
                .last_sent_secs
                .is_none_or(|last| now.secs.saturating_sub(last) >= EMAIL_GAP_SECS);
            if news && rested {
                sent
            } else {
                stay(unchanged)
            }
        }
        How::Digest => {
            let due = now.minute >= settings.digest_at && memory.digest_day != Some(now.day);
            if !due {
                return stay(unchanged);
            }
            if news {
                Decision {
                    memory: Memory {
                        digest_day: Some(now.day),
                        ..sent.memory
                    },
                    ..sent
                }
            } else {
                stay(Memory {
                    digest_day: Some(now.day),
                    ..unchanged
                })
            }
        }
    }
}

/// The neutral subject every reminder carries.
pub const SUBJECT: &str = "Something is waiting for you";

#[cfg(test)]
mod tests {
    use super::*;

    fn set(items: &[&str]) -> BTreeSet<String> {
        items.iter().map(|s| (*s).to_owned()).collect()
    }

    fn at(hour: u16, minute: u16, day: i64, secs: i64) -> LocalNow {
        LocalNow {
            minute: hour * 60 + minute,
            day,
            secs,
        }
    }

    fn email() -> Settings {
        Settings {
            how: How::Email,
            ..Settings::default()
        }
    }

    fn started(items: &[&str]) -> Memory {
        Memory {
            reminded: Some(set(items)),
            ..Memory::default()
        }
    }

    #[test]
    fn quiet_hours_across_midnight_within_a_day_and_none() {
        assert!(is_quiet(22 * 60, 8 * 60, 23 * 60));
        assert!(is_quiet(22 * 60, 8 * 60, 0));
        assert!(is_quiet(22 * 60, 8 * 60, 7 * 60 + 59));
        assert!(!is_quiet(22 * 60, 8 * 60, 8 * 60));
        assert!(!is_quiet(22 * 60, 8 * 60, 12 * 60));
        assert!(is_quiet(13 * 60, 14 * 60, 13 * 60 + 30));
        assert!(!is_quiet(13 * 60, 14 * 60, 14 * 60));
        assert!(!is_quiet(9 * 60, 9 * 60, 9 * 60));
    }

    #[test]
    fn what_waits_when_reminders_are_chosen_is_not_news() {
        let first = decide(&email(), at(12, 0, 1, 0), &Memory::default(), &set(&["a"]));
        assert!(!first.send);
        assert_eq!(first.memory.reminded, Some(set(&["a"])));
        let next = decide(&email(), at(12, 5, 1, 300), &first.memory, &set(&["a"]));
        assert!(!next.send);
        let news = decide(
            &email(),
            at(12, 10, 1, 600),
            &next.memory,
            &set(&["a", "b"]),
        );
        assert!(news.send);
        assert_eq!(news.memory.reminded, Some(set(&["a", "b"])));
        assert_eq!(news.memory.last_sent_secs, Some(600));
    }

    #[test]
    fn nothing_is_sent_in_quiet_hours_and_the_news_keeps_until_they_end() {
        let memory = started(&[]);
        let night = decide(&email(), at(23, 0, 1, 0), &memory, &set(&["a"]));
        assert!(!night.send);
        assert_eq!(night.memory.reminded, Some(set(&[])));
        let morning = decide(&email(), at(8, 0, 2, 9 * 3600), &night.memory, &set(&["a"]));
        assert!(morning.send);
    }

    #[test]
    fn at_most_one_mail_an_hour_and_news_waits_for_the_next() {
        let sent = decide(&email(), at(12, 0, 1, 0), &started(&[]), &set(&["a"]));
        assert!(sent.send);
        let soon = decide(
            &email(),
            at(12, 30, 1, 1800),
            &sent.memory,
            &set(&["a", "b"]),
        );
        assert!(!soon.send);
        let later = decide(
            &email(),
            at(13, 0, 1, 3600),
            &soon.memory,
            &set(&["a", "b"]),
        );
        assert!(later.send);
    }

    #[test]
    fn something_done_and_back_again_is_news_again() {
        let sent = decide(&email(), at(12, 0, 1, 0), &started(&[]), &set(&["checkin"]));
        assert!(sent.send);
        let done = decide(&email(), at(13, 0, 1, 3600), &sent.memory, &set(&[]));
        assert!(!done.send);
        assert_eq!(done.memory.reminded, Some(set(&[])));
        let back = decide(
            &email(),
            at(13, 0, 8, 8 * 86400),
            &done.memory,
            &set(&["checkin"]),
        );
        assert!(back.send);
    }

    #[test]
    fn a_digest_goes_once_a_day_at_its_hour_and_only_with_news() {
        let digest = Settings {
            how: How::Digest,
            ..Settings::default()
        };
        let early = decide(&digest, at(8, 30, 1, 0), &started(&[]), &set(&["a"]));
        assert!(!early.send);
        let due = decide(&digest, at(9, 0, 1, 1800), &early.memory, &set(&["a"]));
        assert!(due.send);
        assert_eq!(due.memory.digest_day, Some(1));
        let again = decide(
            &digest,
            at(15, 0, 1, 6 * 3600),
            &due.memory,
            &set(&["a", "b"]),
        );
        assert!(!again.send, "one digest a day");
        let next_day = decide(
            &digest,
            at(9, 0, 2, 86400),
            &again.memory,
            &set(&["a", "b"]),
        );
        assert!(next_day.send);
        let quiet_day = decide(
            &digest,
            at(9, 0, 3, 2 * 86400),
            &next_day.memory,
            &set(&["a", "b"]),
        );
        assert!(!quiet_day.send, "nothing new, no digest");
        assert_eq!(quiet_day.memory.digest_day, Some(3));
    }

    #[test]
    fn no_reminders_sends_nothing_whatever_waits() {
        let none = Settings::default();
        let d = decide(&none, at(12, 0, 1, 0), &started(&[]), &set(&["a", "b"]));
        assert!(!d.send);
    }

    #[test]
    fn settings_from_a_form_and_its_refusals() {
        let topics = vec!["question".to_owned(), "letter".to_owned()];
        let s = Settings::parse("email", &topics, "22", "7", "9").expect("valid");
        assert_eq!(s.how, How::Email);
        assert_eq!(s.quiet_from, 22 * 60);
        assert_eq!(s.quiet_until, 7 * 60);
        assert_eq!(s.topics_text(), "question,letter");
        assert_eq!(Settings::topics_from_text("question,letter,gone"), s.topics);
        assert_eq!(
            Settings::parse("loud", &topics, "22", "7", "9")
                .unwrap_err()
                .0,
            "how"
        );
        assert_eq!(
            Settings::parse("email", &[], "22", "7", "9").unwrap_err().0,
            "topics"
        );
        assert!(Settings::parse("none", &[], "22", "7", "9").is_ok());
        let bad = vec!["secrets".to_owned()];
        assert_eq!(
            Settings::parse("email", &bad, "22", "7", "9")
                .unwrap_err()
                .0,
            "topics"
        );
        assert_eq!(
            Settings::parse("email", &topics, "24", "7", "9")
                .unwrap_err()
                .0,
            "quiet_from"
        );
        assert_eq!(
            Settings::parse("email", &topics, "22", "-1", "9")
                .unwrap_err()
                .0,
            "quiet_until"
        );
        assert_eq!(
            Settings::parse("digest", &topics, "22", "7", "x")
                .unwrap_err()
                .0,
            "digest_at"
        );
    }

    #[test]
    fn a_digest_in_quiet_hours_is_refused_when_chosen() {
        let topics = vec!["letter".to_owned()];
        let refused = Settings::parse("digest", &topics, "22", "8", "23").unwrap_err();
        assert_eq!(refused.0, "digest_at");
        assert_eq!(
            Settings::parse("digest", &topics, "22", "8", "7")
                .unwrap_err()
                .0,
            "digest_at"
        );
        assert!(Settings::parse("digest", &topics, "22", "8", "8").is_ok());
        // Only a digest has an hour to keep.
        assert!(Settings::parse("email", &topics, "22", "8", "23").is_ok());
    }

    #[test]
    fn fingerprints_differ_by_place_and_hold_none_of_it() {
        let a = fingerprint("space-1", Topic::Question, "/q/1");
        let b = fingerprint("space-1", Topic::Question, "/q/2");
        assert_ne!(a, b);
        assert_eq!(a.len(), 16);
        assert!(!a.contains("space"));
    }
}
