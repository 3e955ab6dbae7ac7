//! The pure core: identifiers, validated input, the record chain, and the rules of a space.
//!
//! Nothing in here does I/O, awaits, touches SQL or HTTP, or reads the clock: time,
//! randomness and the acting person arrive through [`Ctx`].

/// Gives a module's `Event` enum (one variant per event struct) its record kind strings
/// and its JSON body, both ways. Defined once here; each module lists its kinds.
macro_rules! event_kinds {
    ($($variant:ident => $kind:literal),* $(,)?) => {
        impl Event {
            /// Every kind this module records: what this version can read (and a test
            /// checks no two modules share one).
            pub const KINDS: &'static [&'static str] = &[$($kind),*];

            pub fn kind(&self) -> &'static str {
                match self { $(Self::$variant(_) => $kind,)* }
            }

            pub fn body(&self) -> String {
                let json = match self { $(Self::$variant(e) => serde_json::to_string(e),)* };
                // Serializing plain structs of strings and numbers cannot fail.
                json.unwrap_or_else(|_| "{}".to_owned())
            }

            pub fn parse(kind: &str, body: &str) -> Option<Self> {
                match kind {
                    $($kind => serde_json::from_str(body).ok().map(Self::$variant),)*
                    _ => None,
                }
            }
        }
    };
}

/// Gives a module a validated text type: trimmed, 1 to `$max` characters, no control
/// characters (and one line, or many). `$what` names the field in refusals.
macro_rules! text_type {
    ($(#[$doc:meta])* $name:ident, $what:literal, $max:expr, $lines:expr) => {
        $(#[$doc])*
        #[derive(Debug, Clone, PartialEq, Eq)]
        pub struct $name(String);

        impl $name {
            pub const MAX: usize = $max;

            pub fn parse(raw: &str) -> Result<Self, $crate::domain::input::InputError> {
                $crate::domain::input::clean_text(raw, $what, 1, Self::MAX, $lines).map(Self)
            }

            pub fn as_str(&self) -> &str {
                &self.0
            }
        }
    };
}

pub mod agreements;
pub mod calendar;
pub mod calendar_feed;
pub mod checkins;
pub mod checks;
pub mod closing;
pub mod counsel;
pub mod crisis;
#[cfg(test)]
mod detector_corpus;
pub mod ending;
pub mod fear;
#[cfg(test)]
mod fold_properties;
pub mod ids;
pub mod input;
pub mod journal;
pub mod milestones;
pub mod ownup;
pub mod part;
pub mod passwords;
pub mod pause;
pub mod progress;
pub mod promises;
pub mod quick_exit;
pub mod record;
pub mod redaction;
pub mod refusal;
pub mod reminders;
pub mod repair;
pub mod reports;
pub mod seen;
pub mod snapshot;
pub mod space;
pub mod together;
pub mod trends;
pub mod vault;

pub use ids::{EntryId, PersonId, SpaceId};
pub use record::{Hash, RecordedEvent};
pub use refusal::Refusal;

/// What a decision needs from the outside world, handed in so decisions stay deterministic.
#[derive(Debug, Clone, Copy)]
pub struct Ctx {
    pub actor: PersonId,
    /// Microseconds since the Unix epoch, UTC.
    pub now_us: i64,
}
