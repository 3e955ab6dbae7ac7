//! The one shape every part of a space has (owning up, check-ins, together, repair,
//! promises, agreements, reports): it decides on its commands and applies its events, both
//! pure. `space::decide` and `space::apply` reach every part through this trait, and the
//! tests of every part use one given/when/then fixture ([`Couple`], in tests only).
//!
//! A part reads nothing of the space but what [`Around`] hands it, so what one part may
//! know of another (a stage or a report belongs to a breach) is written down here.

use super::agreements::{self, Agreements};
use super::checkins::{self, CheckIns};
use super::closing::{self, Closing};
use super::ownup::{self, OwnUp};
use super::pause::{self, Pause};
use super::promises::{self, Promises};
use super::repair::{self, Repair};
use super::reports::{self, Reports};
use super::together::{self, Together};
use super::{Ctx, PersonId, Refusal};

/// What a part is told about the space around it when it decides.
pub struct Around<'a> {
    /// The acting partner's partner, once they have joined.
    pub partner: Option<PersonId>,
    /// The breaches, for the parts whose entries belong to one.
    pub own_up: &'a OwnUp,
}

/// A part of a space: its state is a fold of its events.
pub trait Part {
    type Command;
    type Event: Clone;

    /// given this state, when `ctx.actor` asks for `command`: the events it produces, or why
    /// not. Deterministic: time and the actor come in `ctx`.
    fn decide(
        &self,
        around: &Around<'_>,
        command: Self::Command,
        ctx: &Ctx,
    ) -> Result<Vec<Self::Event>, Refusal>;

    /// Folds one recorded event by `author` (whose partner is `other`) in at `at_us`.
    fn apply(&mut self, author: PersonId, other: Option<PersonId>, at_us: i64, event: Self::Event);
}

/// `impl Part` for a part whose module has `decide(state, <from around…>, command, ctx)`
/// and `apply(state, <author, other…>, at_us, event)`: each line below says what its two
/// functions take besides.
macro_rules! part {
    (
        $state:ty, $module:ident,
        $around:ident => [$($d:expr),*],
        $author:ident, $other:ident => [$($a:expr),*]
    ) => {
        impl Part for $state {
            type Command = $module::Command;
            type Event = $module::Event;

            #[allow(unused_variables)]
            fn decide(
                &self,
                $around: &Around<'_>,
                command: Self::Command,
                ctx: &Ctx,
            ) -> Result<Vec<Self::Event>, Refusal> {
                $module::decide(self, $($d,)* command, ctx)
            }

            #[allow(unused_variables)]
            fn apply(
                &mut self,
                $author: PersonId,
                $other: Option<PersonId>,
                at_us: i64,
                event: Self::Event,
            ) {
                $module::apply(self, $($a,)* at_us, event);
            }
        }
    };
}

part!(OwnUp, ownup, around => [around.partner], author, other => [author, other]);
part!(CheckIns, checkins, around => [around.partner], author, other => [author]);
part!(Together, together, around => [around.partner], author, other => [author, other]);
part!(Repair, repair, around => [around.own_up, around.partner], author, other => [author]);
part!(Promises, promises, around => [around.own_up, around.partner], author, other => [author, other]);
part!(Agreements, agreements, around => [around.partner], author, other => [author]);
part!(Reports, reports, around => [around.own_up, around.partner], author, other => [author, other]);
part!(Pause, pause, around => [], author, other => [author]);
part!(Closing, closing, around => [around.own_up, around.partner], author, other => [author]);

#[cfg(test)]
pub(crate) use fixture::Couple;

#[cfg(test)]
mod fixture {
    use super::{Around, Part};
    use crate::domain::ownup::{self, BreachKind, BreachRecorded, OwnUp};
    use crate::domain::{Ctx, EntryId, PersonId, Refusal};

    /// The one given/when/then fixture of every part: a couple (`hurt` was hurt by `broke`
    /// in `breach`), the breaches, the part's state and a clock. `when` decides and applies,
    /// as the app does.
    pub(crate) struct Couple<P> {
        pub hurt: PersonId,
        pub broke: PersonId,
        /// A breach recorded at the start, for the parts whose entries belong to one.
        pub breach: EntryId,
        pub own_up: OwnUp,
        pub state: P,
        pub now_us: i64,
        /// Where the couple lives, for parts that keep local time (IANA name).
        pub zone: &'static str,
    }

    impl<P: Part + Default> Couple<P> {
        /// given: a couple with one breach, at `now_us`.
        pub fn starting_at(now_us: i64) -> Self {
            let (hurt, broke) = (PersonId::random(), PersonId::random());
            let mut c = Self {
                hurt,
                broke,
                breach: EntryId::random(),
                own_up: OwnUp::default(),
                state: P::default(),
                now_us,
                zone: "UTC",
            };
            c.breach = c.given_breach(broke, hurt);
            c
        }

        /// given: a breach in which `hurt` was hurt by `broke`.
        pub fn given_breach(&mut self, broke: PersonId, hurt: PersonId) -> EntryId {
            let id = EntryId::random();
            ownup::apply(
                &mut self.own_up,
                hurt,
                Some(broke),
                self.now_us,
                ownup::Event::BreachRecorded(BreachRecorded {
                    breach: id,
                    title: "The messages".into(),
                    kind: BreachKind::Lying,
                    broke_trust: broke,
                    hurt,
                    discovered_on: "2026-10-02".into(),
                }),
            );
            id
        }

        pub fn partner_of(&self, actor: PersonId) -> PersonId {
            if actor == self.hurt {
                self.broke
            } else {
                self.hurt
            }
        }

        /// when: `actor` issues `command`; the events it produces are applied (so later
        /// steps see them), and returned for the then.
        pub fn when(
            &mut self,
            actor: PersonId,
            command: P::Command,
        ) -> Result<Vec<P::Event>, Refusal> {
            let ctx = Ctx {
                actor,
                now_us: self.now_us,
            };
            let partner = Some(self.partner_of(actor));
            let around = Around {
                partner,
                own_up: &self.own_up,
            };
            let events = self.state.decide(&around, command, &ctx)?;
            for e in &events {
                self.state.apply(actor, partner, self.now_us, e.clone());
            }
            Ok(events)
        }
    }
}
