//! The pure core: identifiers, validated input, the record chain, and the rules of a space.
//!
//! Nothing in here does I/O, awaits, touches SQL or HTTP, or reads the clock: time,
//! randomness and the acting person arrive through [`Ctx`].

pub mod checkin;
pub mod checks;
pub mod ids;
pub mod input;
pub mod ownup;
pub mod passwords;
pub mod reconnect;
pub mod record;
pub mod space;

pub use ids::{EntryId, PersonId, SpaceId};
pub use record::{Hash, RecordedEvent};

/// What a decision needs from the outside world, handed in so decisions stay deterministic.
#[derive(Debug, Clone, Copy)]
pub struct Ctx {
    pub actor: PersonId,
    /// Microseconds since the Unix epoch, UTC.
    pub now_us: i64,
}
