//! A counsellor in the room: invited by either partner, seeing only what both partners
//! agreed to show, for as long as both keep agreeing.
//!
//! Nothing here reads the clock or does I/O: the present arrives in [`Ctx`].
//!
//! Why the rules are what they are:
//! - Each invitation is an engagement of its own. Re-inviting (after an ending, or to
//!   replace a link nobody used) starts again from nothing: no consent carries over.
//! - Nothing is visible until **both** partners have consented, and access covers the
//!   lesser of the two scopes they named: a partner may agree to less, and the lesser
//!   stands until both change it. One consent alone grants nothing.
//! - Either partner ends access alone, at once, and is never asked why; the counsellor may
//!   step away. An ended engagement grants nothing, ever again.
//! - A counsellor adds notes and suggested practices that both partners see. They never act
//!   as a partner: every partner command refuses anyone who is not one (`space::decide`).

use serde::{Deserialize, Serialize};

use super::input::Lines;
use super::{Ctx, EntryId, PersonId, Refusal};

/// Limits for each kind of input. Shown on the pages beside each field.
pub mod limits {
    /// The name the inviting partner gives the counsellor, in characters.
    pub const NAME: usize = 80;
    /// A counsellor's note or suggestion, in characters.
    pub const NOTE: usize = 2_000;
}

text_type!(
    /// What the inviting partner calls the counsellor ("Dr Okafor").
    CounsellorName,
    "Their name",
    limits::NAME,
    Lines::One
);
text_type!(
    /// A counsellor's note to the couple, or the words of a suggested practice.
    NoteText,
    "Your note",
    limits::NOTE,
    Lines::Many
);

/// What a counsellor may see, as both partners name it. Ordered: the lesser scope is the
/// smaller one.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Scope {
    /// The dashboard's trends, signals with their evidence, milestones, the printable
    /// summary, and the stage and pace of each breach.
    Progress,
    /// All of that, and the shared record: everything the two partners have shared.
    Record,
}

impl Scope {
    pub const ALL: [Self; 2] = [Self::Progress, Self::Record];

    /// The form's value.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Progress => "progress",
            Self::Record => "record",
        }
    }

    pub fn parse(raw: &str) -> Result<Self, Refusal> {
        Self::ALL
            .into_iter()
            .find(|s| s.as_str() == raw.trim())
            .ok_or_else(|| Refusal::invalid("scope", SCOPE_UNKNOWN))
    }
}

/// A practice the app has, which a counsellor's suggestion may point at.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Practice {
    Letter,
    CheckIn,
    TimeTogether,
    Question,
}

impl Practice {
    pub const ALL: [Self; 4] = [
        Self::Letter,
        Self::CheckIn,
        Self::TimeTogether,
        Self::Question,
    ];

    /// The form's value.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Letter => "letter",
            Self::CheckIn => "check_in",
            Self::TimeTogether => "time_together",
            Self::Question => "question",
        }
    }

    /// An empty choice is a plain note.
    pub fn parse_optional(raw: &str) -> Result<Option<Self>, Refusal> {
        match raw.trim() {
            "" => Ok(None),
            raw => Self::ALL
                .into_iter()
                .find(|p| p.as_str() == raw)
                .map(Some)
                .ok_or_else(|| Refusal::invalid("practice", PRACTICE_UNKNOWN)),
        }
    }
}

// ---- the state ---------------------------------------------------------------------------

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Counsellor {
    pub person: PersonId,
    /// Their account's display name, as it was when they opened the link.
    pub display_name: String,
    pub joined_at_us: i64,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Consent {
    pub partner: PersonId,
    pub scope: Scope,
    pub at_us: i64,
}

/// How an engagement ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Ending {
    /// A partner ended the counsellor's access.
    Ended,
    /// The counsellor stepped away.
    SteppedAway,
    /// A newer invitation replaced a link nobody had used.
    Replaced,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Ended {
    pub by: PersonId,
    pub at_us: i64,
    pub how: Ending,
}

/// One invitation of a counsellor, from the link to its end.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Engagement {
    pub id: EntryId,
    /// What the inviting partner called them.
    pub name: String,
    pub invited_by: PersonId,
    pub invited_at_us: i64,
    /// Who opened the link, once someone has.
    pub counsellor: Option<Counsellor>,
    /// Each partner's current consent (at most one each; a newer one replaces theirs).
    pub consents: Vec<Consent>,
    pub ended: Option<Ended>,
}

impl Engagement {
    pub fn consent_of(&self, partner: PersonId) -> Option<Scope> {
        self.consents
            .iter()
            .find(|c| c.partner == partner)
            .map(|c| c.scope)
    }

    /// What the counsellor may see: the lesser of both partners' consents, once both have
    /// given one. `None` while either has not, and after the end.
    pub fn granted(&self, partners: &[PersonId]) -> Option<Scope> {
        if self.ended.is_some() || self.counsellor.is_none() || partners.len() != 2 {
            return None;
        }
        partners
            .iter()
            .map(|p| self.consent_of(*p))
            .collect::<Option<Vec<_>>>()?
            .into_iter()
            .min()
    }

    pub fn is_counsellor(&self, person: PersonId) -> bool {
        self.counsellor.as_ref().is_some_and(|c| c.person == person)
    }
}

/// A note a counsellor left for both partners, or a practice they suggest.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Note {
    pub id: EntryId,
    pub engagement: EntryId,
    pub author: PersonId,
    pub at_us: i64,
    pub text: String,
    pub practice: Option<Practice>,
}

/// Where a person stands with a space as its counsellor.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Access<'a> {
    /// Not this space's counsellor (never were, or no longer are).
    None,
    /// They opened the link; both partners have not (yet) agreed. Nothing is visible.
    Pending(&'a Engagement),
    /// Both agreed: they may see `Scope`.
    Active(&'a Engagement, Scope),
}

/// Every engagement of one space, oldest first, and the counsellors' notes.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Counsel {
    pub engagements: Vec<Engagement>,
    pub notes: Vec<Note>,
}

impl Counsel {
    pub fn engagement(&self, id: EntryId) -> Option<&Engagement> {
        self.engagements.iter().find(|e| e.id == id)
    }

    /// The engagement not ended yet (invited, pending or active), if there is one.
    pub fn open(&self) -> Option<&Engagement> {
        self.engagements.iter().rev().find(|e| e.ended.is_none())
    }

    /// Where `person` stands as counsellor of the space whose partners are `partners`.
    pub fn access(&self, person: PersonId, partners: &[PersonId]) -> Access<'_> {
        match self.open() {
            Some(e) if e.is_counsellor(person) => match e.granted(partners) {
                Some(scope) => Access::Active(e, scope),
                None => Access::Pending(e),
            },
            _ => Access::None,
        }
    }

    /// The counsellor with access now, and what they may see.
    pub fn active(&self, partners: &[PersonId]) -> Option<(&Engagement, Scope)> {
        let e = self.open()?;
        e.granted(partners).map(|scope| (e, scope))
    }

    /// The notes of one engagement, newest first.
    pub fn notes_of(&self, engagement: EntryId) -> Vec<&Note> {
        self.notes
            .iter()
            .rev()
            .filter(|n| n.engagement == engagement)
            .collect()
    }

    fn open_mut(&mut self) -> Option<&mut Engagement> {
        self.engagements
            .iter_mut()
            .rev()
            .find(|e| e.ended.is_none())
    }
}

// ---- events ------------------------------------------------------------------------------

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CounsellorInvited {
    pub engagement: EntryId,
    pub name: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CounsellorJoined {
    pub engagement: EntryId,
    pub display_name: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ConsentGiven {
    pub engagement: EntryId,
    pub scope: Scope,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AccessEnded {
    pub engagement: EntryId,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NoteAdded {
    pub note: EntryId,
    pub engagement: EntryId,
    pub text: String,
    pub practice: Option<Practice>,
}

/// The counsellor events, by kind.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Event {
    CounsellorInvited(CounsellorInvited),
    CounsellorJoined(CounsellorJoined),
    ConsentGiven(ConsentGiven),
    AccessEnded(AccessEnded),
    SteppedAway(AccessEnded),
    NoteAdded(NoteAdded),
}

event_kinds!(
    CounsellorInvited => "counsellor.invited",
    CounsellorJoined => "counsellor.joined",
    ConsentGiven => "counsellor.consented",
    AccessEnded => "counsellor.access_ended",
    SteppedAway => "counsellor.stepped_away",
    NoteAdded => "counsellor.noted",
);

// ---- commands ----------------------------------------------------------------------------

#[derive(Debug, Clone)]
pub enum Command {
    /// A partner invites a counsellor (`engagement` is the new invitation's id).
    Invite {
        engagement: EntryId,
        name: CounsellorName,
    },
    /// Someone opens the invitation's link: they become its counsellor, pending.
    Join {
        engagement: EntryId,
        display_name: String,
    },
    /// A partner agrees to what the counsellor may see (or changes what they agreed to).
    Consent { engagement: EntryId, scope: Scope },
    /// A partner ends the counsellor's access (or withdraws an unused invitation).
    End { engagement: EntryId },
    /// The counsellor steps away.
    StepAway { engagement: EntryId },
    /// The counsellor leaves a note for both partners, perhaps suggesting a practice.
    Note {
        id: EntryId,
        text: NoteText,
        practice: Option<Practice>,
    },
}

// Refusals, shown to the person as they are.
pub const SCOPE_UNKNOWN: &str =
    "Please choose one of the two choices: progress only, or progress and the shared record.";
pub const PRACTICE_UNKNOWN: &str = "Please choose one of the practices listed, or none.";
pub const NEEDS_BOTH: &str = "A counsellor can start only once both of you have agreed, so your \
     partner needs to join this space first.";
pub const ALREADY_HERE: &str = "A counsellor is already with you. If you want to invite someone \
     else, end their access first.";
pub const PARTNER_CANNOT_COUNSEL: &str = "You are one of the partners in this space, so you \
     can't also be its counsellor. Please send the link to the counsellor you chose.";
pub const LINK_GONE: &str = "This invitation has already been used or was withdrawn. Please ask \
     the couple for a new link.";
pub const NOT_OPENED: &str = "The counsellor hasn't opened the link yet. You can choose what they \
     may see once they have.";
pub const ALREADY_AGREED: &str = "You have already agreed to exactly this, so nothing changed.";
pub const ALREADY_ENDED: &str = "This counsellor's access has already ended.";
pub const PARTNERS_ONLY: &str = "Only the two partners can do this.";

/// The events `command` produces, or why not. `partners` are the space's partners.
pub fn decide(
    state: &Counsel,
    partners: &[PersonId],
    command: Command,
    ctx: &Ctx,
) -> Result<Vec<Event>, Refusal> {
    let me = ctx.actor;
    let is_partner = partners.contains(&me);
    let open_with = |id: EntryId| state.open().filter(|e| e.id == id);
    let event = match command {
        Command::Invite { engagement, name } => {
            if !is_partner {
                return Err(Refusal::NotFound);
            }
            if partners.len() < 2 {
                return Err(Refusal::NotNow(NEEDS_BOTH));
            }
            if state.open().is_some_and(|e| e.counsellor.is_some()) {
                return Err(Refusal::NotNow(ALREADY_HERE));
            }
            if state.engagement(engagement).is_some() {
                return Err(Refusal::NotNow(LINK_GONE));
            }
            Event::CounsellorInvited(CounsellorInvited {
                engagement,
                name: name.0,
            })
        }
        Command::Join {
            engagement,
            display_name,
        } => {
            if is_partner {
                return Err(Refusal::NotYours(PARTNER_CANNOT_COUNSEL));
            }
            match open_with(engagement) {
                Some(e) if e.counsellor.is_none() => {}
                _ => return Err(Refusal::NotNow(LINK_GONE)),
            }
            Event::CounsellorJoined(CounsellorJoined {
                engagement,
                display_name,
            })
        }
        Command::Consent { engagement, scope } => {
            if !is_partner {
                return Err(Refusal::NotYours(PARTNERS_ONLY));
            }
            let e = open_with(engagement).ok_or(Refusal::NotNow(ALREADY_ENDED))?;
            if e.counsellor.is_none() {
                return Err(Refusal::NotNow(NOT_OPENED));
            }
            if e.consent_of(me) == Some(scope) {
                return Err(Refusal::NotNow(ALREADY_AGREED));
            }
            Event::ConsentGiven(ConsentGiven { engagement, scope })
        }
        Command::End { engagement } => {
            if !is_partner {
                return Err(Refusal::NotYours(PARTNERS_ONLY));
            }
            open_with(engagement).ok_or(Refusal::NotNow(ALREADY_ENDED))?;
            Event::AccessEnded(AccessEnded { engagement })
        }
        Command::StepAway { engagement } => {
            match open_with(engagement) {
                Some(e) if e.is_counsellor(me) => {}
                _ => return Err(Refusal::NotFound),
            }
            Event::SteppedAway(AccessEnded { engagement })
        }
        Command::Note { id, text, practice } => {
            let Access::Active(e, _) = state.access(me, partners) else {
                return Err(Refusal::NotFound);
            };
            if state.notes.iter().any(|n| n.id == id) {
                return Err(Refusal::NotNow("This note has already been saved."));
            }
            Event::NoteAdded(NoteAdded {
                note: id,
                engagement: e.id,
                text: text.0,
                practice,
            })
        }
    };
    Ok(vec![event])
}

/// Folds one event by `author` in, at `at_us`. Events that do not fit the state (which
/// `decide` never produces: a join by a partner, a consent by a stranger) change nothing.
pub fn apply(
    state: &mut Counsel,
    author: PersonId,
    partners: &[PersonId],
    at_us: i64,
    event: Event,
) {
    let is_partner = partners.contains(&author);
    match event {
        Event::CounsellorInvited(e) if is_partner => {
            if state.engagement(e.engagement).is_some() {
                return;
            }
            if let Some(unused) = state.open_mut().filter(|o| o.counsellor.is_none()) {
                unused.ended = Some(Ended {
                    by: author,
                    at_us,
                    how: Ending::Replaced,
                });
            }
            // An invitation while a counsellor is with the couple is never decided; if one
            // is in the record anyway, the counsellor already there keeps their place.
            if state.open().is_some() {
                return;
            }
            state.engagements.push(Engagement {
                id: e.engagement,
                name: e.name,
                invited_by: author,
                invited_at_us: at_us,
                counsellor: None,
                consents: Vec::new(),
                ended: None,
            });
        }
        Event::CounsellorJoined(e) if !is_partner => {
            if let Some(open) = state
                .open_mut()
                .filter(|o| o.id == e.engagement && o.counsellor.is_none())
            {
                open.counsellor = Some(Counsellor {
                    person: author,
                    display_name: e.display_name,
                    joined_at_us: at_us,
                });
            }
        }
        Event::ConsentGiven(e) if is_partner => {
            if let Some(open) = state
                .open_mut()
                .filter(|o| o.id == e.engagement && o.counsellor.is_some())
            {
                open.consents.retain(|c| c.partner != author);
                open.consents.push(Consent {
                    partner: author,
                    scope: e.scope,
                    at_us,
                });
            }
        }
        Event::AccessEnded(e) if is_partner => {
            end(state, e.engagement, author, at_us, Ending::Ended)
        }
        Event::SteppedAway(e)
            if state
                .open()
                .is_some_and(|o| o.id == e.engagement && o.is_counsellor(author)) =>
        {
            end(state, e.engagement, author, at_us, Ending::SteppedAway);
        }
        Event::NoteAdded(e) => {
            let active = matches!(state.access(author, partners), Access::Active(o, _) if o.id == e.engagement);
            if active && !state.notes.iter().any(|n| n.id == e.note) {
                state.notes.push(Note {
                    id: e.note,
                    engagement: e.engagement,
                    author,
                    at_us,
                    text: e.text,
                    practice: e.practice,
                });
            }
        }
        _ => {}
    }
}

/// How the record names a counsellor whose name went with their account.
pub const NAME_ERASED: &str = "A counsellor who has left";
/// [`NAME_ERASED`], inside a sentence.
pub const NAME_ERASED_INSIDE: &str = "a counsellor who has left";

/// A `counsellor.joined` by `author` whose body was removed (they erased their account):
/// the engagement it joined is the one still open without a counsellor (a join is decided
/// for no other), so they are its counsellor still, under [`NAME_ERASED`], and a later
/// `counsellor.stepped_away` of theirs ends it as it did.
pub fn apply_erased_join(state: &mut Counsel, author: PersonId, partners: &[PersonId], at_us: i64) {
    if partners.contains(&author) {
        return;
    }
    if let Some(open) = state.open_mut().filter(|o| o.counsellor.is_none()) {
        open.counsellor = Some(Counsellor {
            person: author,
            display_name: NAME_ERASED.to_owned(),
            joined_at_us: at_us,
        });
    }
}

fn end(state: &mut Counsel, engagement: EntryId, by: PersonId, at_us: i64, how: Ending) {
    if let Some(open) = state.open_mut().filter(|o| o.id == engagement) {
        open.ended = Some(Ended { by, at_us, how });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A couple (`sam`, `alex`), a counsellor-to-be (`kim`), a stranger (`lee`), the state
    /// and a clock. `when` decides and applies, as the app does.
    struct Room {
        sam: PersonId,
        alex: PersonId,
        kim: PersonId,
        lee: PersonId,
        state: Counsel,
        now_us: i64,
    }

    impl Room {
        fn new() -> Self {
            Self {
                sam: PersonId::random(),
                alex: PersonId::random(),
                kim: PersonId::random(),
                lee: PersonId::random(),
                state: Counsel::default(),
                now_us: 1_000,
            }
        }

        fn partners(&self) -> [PersonId; 2] {
            [self.sam, self.alex]
        }

        fn when(&mut self, actor: PersonId, command: Command) -> Result<(), Refusal> {
            self.now_us += 1_000;
            let ctx = Ctx {
                actor,
                now_us: self.now_us,
            };
            let partners = self.partners();
            for event in decide(&self.state, &partners, command, &ctx)? {
                apply(&mut self.state, actor, &partners, self.now_us, event);
            }
            Ok(())
        }

        /// given: Sam invited a counsellor and Kim opened the link.
        fn with_kim_pending() -> (Self, EntryId) {
            let mut room = Self::new();
            let engagement = EntryId::random();
            room.when(room.sam, invite(engagement)).expect("invites");
            room.when(room.kim, join(engagement)).expect("joins");
            (room, engagement)
        }

        fn access(&self, person: PersonId) -> Access<'_> {
            self.state.access(person, &self.partners())
        }

        fn scope_of(&self, person: PersonId) -> Option<Scope> {
            match self.access(person) {
                Access::Active(_, scope) => Some(scope),
                _ => None,
            }
        }
    }

    fn invite(engagement: EntryId) -> Command {
        Command::Invite {
            engagement,
            name: CounsellorName::parse("Dr Okafor").expect("valid"),
        }
    }

    fn join(engagement: EntryId) -> Command {
        Command::Join {
            engagement,
            display_name: "Kim".into(),
        }
    }

    fn consent(engagement: EntryId, scope: Scope) -> Command {
        Command::Consent { engagement, scope }
    }

    fn note(text: &str) -> Command {
        Command::Note {
            id: EntryId::random(),
            text: NoteText::parse(text).expect("valid"),
            practice: None,
        }
    }

    #[test]
    fn a_counsellor_who_opened_the_link_is_pending_and_sees_nothing() {
        let (room, _) = Room::with_kim_pending();
        assert!(matches!(room.access(room.kim), Access::Pending(_)));
        assert_eq!(room.scope_of(room.kim), None);
    }

    #[test]
    fn one_consent_alone_grants_nothing() {
        let (mut room, e) = Room::with_kim_pending();
        room.when(room.sam, consent(e, Scope::Record))
            .expect("consents");
        assert_eq!(room.scope_of(room.kim), None);
        assert!(matches!(room.access(room.kim), Access::Pending(_)));
    }

    #[test]
    fn both_consents_to_the_same_scope_grant_it() {
        let (mut room, e) = Room::with_kim_pending();
        room.when(room.sam, consent(e, Scope::Record))
            .expect("consents");
        room.when(room.alex, consent(e, Scope::Record))
            .expect("consents");
        assert_eq!(room.scope_of(room.kim), Some(Scope::Record));
    }

    #[test]
    fn mismatched_scopes_grant_the_lesser_until_both_change() {
        let (mut room, e) = Room::with_kim_pending();
        room.when(room.sam, consent(e, Scope::Record))
            .expect("consents");
        room.when(room.alex, consent(e, Scope::Progress))
            .expect("consents");
        assert_eq!(room.scope_of(room.kim), Some(Scope::Progress));
        // Sam lowering to match changes nothing; Alex raising brings both to the record.
        room.when(room.sam, consent(e, Scope::Progress))
            .expect("changes");
        assert_eq!(room.scope_of(room.kim), Some(Scope::Progress));
        room.when(room.alex, consent(e, Scope::Record))
            .expect("changes");
        assert_eq!(room.scope_of(room.kim), Some(Scope::Progress));
        room.when(room.sam, consent(e, Scope::Record))
            .expect("changes");
        assert_eq!(room.scope_of(room.kim), Some(Scope::Record));
    }

    #[test]
    fn either_partner_lowers_the_scope_alone() {
        let (mut room, e) = Room::with_kim_pending();
        room.when(room.sam, consent(e, Scope::Record))
            .expect("consents");
        room.when(room.alex, consent(e, Scope::Record))
            .expect("consents");
        room.when(room.alex, consent(e, Scope::Progress))
            .expect("lowers");
        assert_eq!(room.scope_of(room.kim), Some(Scope::Progress));
    }

    #[test]
    fn the_same_consent_again_is_refused_and_changes_nothing() {
        let (mut room, e) = Room::with_kim_pending();
        room.when(room.sam, consent(e, Scope::Progress))
            .expect("consents");
        let before = room.state.clone();
        assert_eq!(
            room.when(room.sam, consent(e, Scope::Progress)),
            Err(Refusal::NotNow(ALREADY_AGREED))
        );
        assert_eq!(room.state, before);
    }

    #[test]
    fn only_partners_consent_and_nobody_consents_before_the_link_is_opened() {
        let mut room = Room::new();
        let e = EntryId::random();
        room.when(room.sam, invite(e)).expect("invites");
        assert_eq!(
            room.when(room.sam, consent(e, Scope::Record)),
            Err(Refusal::NotNow(NOT_OPENED))
        );
        room.when(room.kim, join(e)).expect("joins");
        for outsider in [room.kim, room.lee] {
            assert_eq!(
                room.when(outsider, consent(e, Scope::Record)),
                Err(Refusal::NotYours(PARTNERS_ONLY))
            );
        }
    }

    #[test]
    fn either_partner_ends_access_alone_and_at_once() {
        let (mut room, e) = Room::with_kim_pending();
        room.when(room.sam, consent(e, Scope::Record))
            .expect("consents");
        room.when(room.alex, consent(e, Scope::Record))
            .expect("consents");
        room.when(room.alex, Command::End { engagement: e })
            .expect("ends");
        assert_eq!(room.access(room.kim), Access::None);
        assert_eq!(
            room.when(room.kim, note("Still here?")),
            Err(Refusal::NotFound)
        );
        assert_eq!(
            room.when(room.sam, Command::End { engagement: e }),
            Err(Refusal::NotNow(ALREADY_ENDED))
        );
    }

    #[test]
    fn a_counsellor_may_step_away_and_nobody_else_can_do_it_for_them() {
        let (mut room, e) = Room::with_kim_pending();
        assert_eq!(
            room.when(room.lee, Command::StepAway { engagement: e }),
            Err(Refusal::NotFound)
        );
        room.when(room.kim, Command::StepAway { engagement: e })
            .expect("steps away");
        assert_eq!(room.access(room.kim), Access::None);
        let ended = room.state.engagement(e).and_then(|e| e.ended);
        assert_eq!(ended.map(|e| e.how), Some(Ending::SteppedAway));
    }

    #[test]
    fn re_inviting_after_an_ending_starts_again_from_pending() {
        let (mut room, e) = Room::with_kim_pending();
        room.when(room.sam, consent(e, Scope::Record))
            .expect("consents");
        room.when(room.alex, consent(e, Scope::Record))
            .expect("consents");
        room.when(room.sam, Command::End { engagement: e })
            .expect("ends");
        let again = EntryId::random();
        room.when(room.alex, invite(again)).expect("invites again");
        room.when(room.kim, join(again)).expect("joins again");
        assert!(matches!(room.access(room.kim), Access::Pending(x) if x.id == again));
        // The old engagement's link cannot be used again.
        assert_eq!(
            room.when(room.lee, join(e)),
            Err(Refusal::NotNow(LINK_GONE))
        );
    }

    #[test]
    fn a_new_link_replaces_an_unused_one_but_not_a_counsellor_who_is_here() {
        let mut room = Room::new();
        let (first, second) = (EntryId::random(), EntryId::random());
        room.when(room.sam, invite(first)).expect("invites");
        room.when(room.alex, invite(second)).expect("replaces");
        assert_eq!(
            room.when(room.kim, join(first)),
            Err(Refusal::NotNow(LINK_GONE))
        );
        room.when(room.kim, join(second))
            .expect("joins the newer one");
        assert_eq!(
            room.when(room.sam, invite(EntryId::random())),
            Err(Refusal::NotNow(ALREADY_HERE))
        );
    }

    #[test]
    fn a_partner_cannot_open_the_counsellor_link_and_a_second_person_cannot_either() {
        let mut room = Room::new();
        let e = EntryId::random();
        room.when(room.sam, invite(e)).expect("invites");
        for partner in room.partners() {
            assert_eq!(
                room.when(partner, join(e)),
                Err(Refusal::NotYours(PARTNER_CANNOT_COUNSEL))
            );
        }
        room.when(room.kim, join(e)).expect("joins");
        assert_eq!(
            room.when(room.lee, join(e)),
            Err(Refusal::NotNow(LINK_GONE))
        );
    }

    #[test]
    fn only_an_active_counsellor_leaves_notes() {
        let (mut room, e) = Room::with_kim_pending();
        assert_eq!(room.when(room.kim, note("Hello")), Err(Refusal::NotFound));
        room.when(room.sam, consent(e, Scope::Progress))
            .expect("consents");
        room.when(room.alex, consent(e, Scope::Progress))
            .expect("consents");
        room.when(room.kim, note("Hello to you both"))
            .expect("notes");
        for outsider in [room.lee, room.sam] {
            assert_eq!(room.when(outsider, note("Hi")), Err(Refusal::NotFound));
        }
        assert_eq!(room.state.notes_of(e).len(), 1);
        assert_eq!(room.state.notes_of(e)[0].author, room.kim);
    }

    #[test]
    fn an_invitation_needs_both_partners_in_the_space() {
        let mut room = Room::new();
        let ctx = Ctx {
            actor: room.sam,
            now_us: 1,
        };
        assert_eq!(
            decide(&room.state, &[room.sam], invite(EntryId::random()), &ctx),
            Err(Refusal::NotNow(NEEDS_BOTH))
        );
        assert_eq!(
            room.when(room.kim, invite(EntryId::random())),
            Err(Refusal::NotFound)
        );
    }

    #[test]
    fn scopes_and_practices_parse_only_from_their_lists() {
        assert_eq!(Scope::parse("record"), Ok(Scope::Record));
        assert!(matches!(
            Scope::parse("everything"),
            Err(Refusal::Invalid { field: "scope", .. })
        ));
        assert_eq!(Practice::parse_optional(""), Ok(None));
        assert_eq!(
            Practice::parse_optional("letter"),
            Ok(Some(Practice::Letter))
        );
        assert!(Practice::parse_optional("journal").is_err());
        assert!(NoteText::parse("   ").is_err());
        assert!(NoteText::parse(&"x".repeat(limits::NOTE + 1)).is_err());
    }
}
