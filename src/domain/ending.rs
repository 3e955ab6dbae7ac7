//! Endings of a space: a partner leaving it alone, or either partner recording that the
//! repair ends apart. Either one closes the space for good: everything in it stays as it
//! was, readable and downloadable by whoever may still see it, and nothing more can be
//! added. Nobody needs the other's agreement to leave, and nobody is asked why.

use serde::{Deserialize, Serialize};

use super::{PersonId, Refusal};

/// `partner.left`: its author no longer sees the space.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct PartnerLeft {}

/// `space.ended_apart`: its author records that the repair ends, apart.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct EndedApart {}

/// How a space was closed, and by whom.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Closed {
    /// `by` left the space on their own.
    Left { by: PersonId, at_us: i64 },
    /// `by` recorded that the repair ends apart.
    Apart { by: PersonId, at_us: i64 },
}

/// The endings of one space, as folded from its record.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Endings {
    /// Who left, in the order they did.
    pub left: Vec<(PersonId, i64)>,
    /// The repair recorded as ending apart, if it was.
    pub apart: Option<(PersonId, i64)>,
}

/// What every later change of a closed space is answered with.
pub const CLOSED: &str = "This space has been closed, so nothing more can be added to it. \
     Everything in it stays as it was, and can still be read and downloaded.";

impl Endings {
    pub fn has_left(&self, person: PersonId) -> bool {
        self.left.iter().any(|(p, _)| *p == person)
    }

    /// How the space was first closed, if it was.
    pub fn closed(&self) -> Option<Closed> {
        let left = self
            .left
            .first()
            .map(|&(by, at_us)| Closed::Left { by, at_us });
        let apart = self.apart.map(|(by, at_us)| Closed::Apart { by, at_us });
        match (left, apart) {
            (Some(l @ Closed::Left { at_us: a, .. }), Some(Closed::Apart { at_us: b, .. }))
                if a < b =>
            {
                Some(l)
            }
            (_, Some(apart)) => Some(apart),
            (left, None) => left,
        }
    }

    pub fn is_closed(&self) -> bool {
        !self.left.is_empty() || self.apart.is_some()
    }

    pub fn note_left(&mut self, by: PersonId, at_us: i64) {
        if !self.has_left(by) {
            self.left.push((by, at_us));
        }
    }

    pub fn note_apart(&mut self, by: PersonId, at_us: i64) {
        self.apart.get_or_insert((by, at_us));
    }

    /// Whether `actor`, a partner who has not left, may record that the repair ends apart.
    pub fn may_end_apart(&self, partner_joined: bool) -> Result<(), Refusal> {
        if self.is_closed() {
            return Err(Refusal::NotNow("This space has already been closed."));
        }
        if !partner_joined {
            return Err(Refusal::NotNow(
                "Your partner has not joined, so there is no repair to end together or \
                 apart. You can leave the space instead.",
            ));
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_first_ending_is_how_the_space_was_closed() {
        let (sam, alex) = (PersonId::random(), PersonId::random());
        let mut e = Endings::default();
        assert_eq!(e.closed(), None);
        assert!(e.may_end_apart(true).is_ok());
        assert!(
            e.may_end_apart(false).is_err(),
            "no partner, no repair to end"
        );
        e.note_apart(sam, 10);
        e.note_left(alex, 20);
        e.note_left(alex, 30);
        assert_eq!(e.left, vec![(alex, 20)], "leaving is noted once");
        assert_eq!(e.closed(), Some(Closed::Apart { by: sam, at_us: 10 }));
        assert_eq!(
            e.may_end_apart(true),
            Err(Refusal::NotNow("This space has already been closed."))
        );
        let mut e = Endings::default();
        e.note_left(alex, 5);
        e.note_apart(sam, 9);
        assert_eq!(e.closed(), Some(Closed::Left { by: alex, at_us: 5 }));
    }
}
