//! A couple's space: the events that shape it, the state folded from them, and the rules
//! for who may join.
//!
//! `decide(&state, command, &ctx)` returns the events a command produces (or why it may
//! not), and `apply(state, &event)` folds one recorded event into the state. Both are pure.

use serde::{Deserialize, Serialize};

use super::agreements::{self, Agreements};
use super::checkins::{self, CheckIns};
use super::closing::{self, Closing};
use super::counsel::{self, Counsel};
use super::ending::{self, EndedApart, Endings, PartnerLeft};
use super::input::{DisplayName, SpaceName};
use super::milestones::{self, Celebrations, Milestone};
use super::ownup::{self, OwnUp};
use super::part::{Around, Part};
use super::pause::{self, Pause};
use super::promises::{self, Promises};
use super::record::{self, ChainFault, GENESIS_PREV, Hash, RecordedEvent};
use super::redaction::{self, EntryRedacted, Gap, Gaps, Redactions};
use super::repair::{self, Repair};
use super::reports::{self, Reports};
use super::together::{self, Together};
use super::{Ctx, PersonId, Refusal, SpaceId};

/// How many partners a space holds.
pub const PARTNERS: usize = 2;

/// How the record names a partner whose name went with their account (`space.created` or
/// `partner.joined` without its body): at the start of a sentence. Pages put it inside one
/// as [`NAME_ERASED_INSIDE`].
pub const NAME_ERASED: &str = "A partner who has left";
/// [`NAME_ERASED`], inside a sentence.
pub const NAME_ERASED_INSIDE: &str = "a partner who has left";
/// What a space is called once the name its creator gave it went with their account: what
/// a space created without a name is called.
pub const SPACE_NAME_ERASED: &str = "Our space";

/// The content of an event, by kind. The kind string is stored beside the body.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SpaceEvent {
    SpaceCreated(SpaceCreated),
    PartnerJoined(PartnerJoined),
    OwnUp(ownup::Event),
    CheckIn(checkins::Event),
    Together(together::Event),
    Repair(repair::Event),
    Promise(promises::Event),
    Agreement(agreements::Event),
    Report(reports::Event),
    Milestone(milestones::Event),
    Counsel(counsel::Event),
    PartnerLeft(PartnerLeft),
    EndedApart(EndedApart),
    EntryRedacted(EntryRedacted),
    /// A break taken or ended.
    Pause(pause::Event),
    /// A repair closed together (proposed, closed, reopened), and its follow-ups.
    Closing(closing::Event),
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SpaceCreated {
    pub name: String,
    pub display_name: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PartnerJoined {
    pub display_name: String,
}

impl SpaceEvent {
    pub fn kind(&self) -> &'static str {
        match self {
            Self::SpaceCreated(_) => "space.created",
            Self::PartnerJoined(_) => "partner.joined",
            Self::OwnUp(e) => e.kind(),
            Self::CheckIn(e) => e.kind(),
            Self::Together(e) => e.kind(),
            Self::Repair(e) => e.kind(),
            Self::Promise(e) => e.kind(),
            Self::Agreement(e) => e.kind(),
            Self::Report(e) => e.kind(),
            Self::Milestone(e) => e.kind(),
            Self::Counsel(e) => e.kind(),
            Self::PartnerLeft(_) => "partner.left",
            Self::EndedApart(_) => "space.ended_apart",
            Self::EntryRedacted(_) => "entry.redacted",
            Self::Pause(e) => e.kind(),
            Self::Closing(e) => e.kind(),
        }
    }

    /// The JSON body, as it will be hashed.
    pub fn body(&self) -> String {
        let json = match self {
            Self::SpaceCreated(e) => serde_json::to_string(e),
            Self::PartnerJoined(e) => serde_json::to_string(e),
            Self::OwnUp(e) => return e.body(),
            Self::CheckIn(e) => return e.body(),
            Self::Together(e) => return e.body(),
            Self::Repair(e) => return e.body(),
            Self::Promise(e) => return e.body(),
            Self::Agreement(e) => return e.body(),
            Self::Report(e) => return e.body(),
            Self::Milestone(e) => return e.body(),
            Self::Counsel(e) => return e.body(),
            Self::PartnerLeft(e) => serde_json::to_string(e),
            Self::EndedApart(e) => serde_json::to_string(e),
            Self::EntryRedacted(e) => serde_json::to_string(e),
            Self::Pause(e) => return e.body(),
            Self::Closing(e) => return e.body(),
        };
        // Serializing plain structs of strings cannot fail.
        json.unwrap_or_else(|_| "{}".to_owned())
    }

    /// Reads a recorded event back. `None` for a kind this version does not know, a
    /// redacted body, or a body that does not parse: the fold skips those.
    pub fn parse(kind: &str, body: Option<&str>) -> Option<Self> {
        let body = body?;
        match kind {
            "space.created" => serde_json::from_str(body).ok().map(Self::SpaceCreated),
            "partner.joined" => serde_json::from_str(body).ok().map(Self::PartnerJoined),
            "partner.left" => serde_json::from_str(body).ok().map(Self::PartnerLeft),
            "space.ended_apart" => serde_json::from_str(body).ok().map(Self::EndedApart),
            "entry.redacted" => serde_json::from_str(body).ok().map(Self::EntryRedacted),
            other => ownup::Event::parse(other, body)
                .map(Self::OwnUp)
                .or_else(|| checkins::Event::parse(other, body).map(Self::CheckIn))
                .or_else(|| together::Event::parse(other, body).map(Self::Together))
                .or_else(|| repair::Event::parse(other, body).map(Self::Repair))
                .or_else(|| promises::Event::parse(other, body).map(Self::Promise))
                .or_else(|| agreements::Event::parse(other, body).map(Self::Agreement))
                .or_else(|| reports::Event::parse(other, body).map(Self::Report))
                .or_else(|| milestones::Event::parse(other, body).map(Self::Milestone))
                .or_else(|| counsel::Event::parse(other, body).map(Self::Counsel))
                .or_else(|| pause::Event::parse(other, body).map(Self::Pause))
                .or_else(|| closing::Event::parse(other, body).map(Self::Closing)),
        }
    }
}

/// A partner as the record knows them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Partner {
    pub person: PersonId,
    pub display_name: String,
    pub joined_at_us: i64,
}

/// A space as folded from its record.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SpaceState {
    pub id: SpaceId,
    pub head_seq: u64,
    pub head_hash: Hash,
    pub name: String,
    pub created_at_us: i64,
    pub partners: Vec<Partner>,
    pub own_up: OwnUp,
    pub check_ins: CheckIns,
    pub together: Together,
    pub repair: Repair,
    pub promises: Promises,
    pub agreements: Agreements,
    pub reports: Reports,
    /// Milestones already shown, so each is celebrated once.
    pub milestones: Celebrations,
    /// The counsellors the couple invited, and their notes.
    pub counsel: Counsel,
    /// Who left, and whether the repair ended apart: either closes the space.
    pub endings: Endings,
    /// Entries whose words their authors removed. A cached state that sees a new one is
    /// folded again from the start, so nothing drawn from it keeps the words.
    pub redactions: Redactions,
    /// The entries whose words are gone (their body removed), for pages to show the gap.
    pub gaps: Gaps,
    /// When the newest event other than a check-in answer was recorded: a counsellor's
    /// "last activity".
    pub last_at_us: i64,
    /// Events this version could not read: kept in the chain, folded past, reported.
    pub unreadable: Unreadable,
    /// Where the stored record stops checking out, if it does.
    pub damage: Damage,
    /// The breaks the couple took.
    pub pause: Pause,
    /// Repairs closed together, and their follow-ups.
    pub closing: Closing,
}

impl SpaceState {
    /// The state before any event.
    pub fn empty(id: SpaceId) -> Self {
        Self {
            id,
            head_seq: 0,
            head_hash: GENESIS_PREV,
            name: String::new(),
            created_at_us: 0,
            partners: Vec::new(),
            own_up: OwnUp::default(),
            check_ins: CheckIns::default(),
            together: Together::default(),
            repair: Repair::default(),
            promises: Promises::default(),
            agreements: Agreements::default(),
            reports: Reports::default(),
            milestones: Celebrations::default(),
            counsel: Counsel::default(),
            endings: Endings::default(),
            redactions: Redactions::default(),
            gaps: Gaps::default(),
            last_at_us: 0,
            unreadable: Unreadable::default(),
            damage: Damage::default(),
            pause: Pause::default(),
            closing: Closing::default(),
        }
    }

    /// Whether `person` is a partner here now: joined, and not left. (A partner who left
    /// keeps their place in `partners`, so the record still names them.)
    pub fn is_partner(&self, person: PersonId) -> bool {
        self.partners.iter().any(|p| p.person == person) && !self.endings.has_left(person)
    }

    /// Closed for good: a partner left, or the repair ended apart. Read-only from then on.
    pub fn is_closed(&self) -> bool {
        self.endings.is_closed()
    }

    /// The partners, as people.
    pub fn partner_ids(&self) -> Vec<PersonId> {
        self.partners.iter().map(|p| p.person).collect()
    }

    /// Where `person` stands as this space's counsellor.
    /// A closed space has no counsellor any more.
    pub fn counsellor_access(&self, person: PersonId) -> counsel::Access<'_> {
        if self.is_closed() {
            return counsel::Access::None;
        }
        self.counsel.access(person, &self.partner_ids())
    }

    pub fn is_full(&self) -> bool {
        self.partners.len() >= PARTNERS
    }

    /// The other partner, once they have joined.
    pub fn partner_of(&self, person: PersonId) -> Option<&Partner> {
        self.partners.iter().find(|p| p.person != person)
    }

    /// The display name recorded for `author` (a person id's text), if they are a partner
    /// or were a counsellor here.
    pub fn name_of(&self, author: &str) -> Option<&str> {
        self.partners
            .iter()
            .find(|p| p.person.to_string() == author)
            .map(|p| p.display_name.as_str())
            .or_else(|| {
                self.counsel
                    .engagements
                    .iter()
                    .rev()
                    .filter_map(|e| e.counsellor.as_ref())
                    .find(|c| c.person.to_string() == author)
                    .map(|c| c.display_name.as_str())
            })
    }
}

/// Folds one recorded event into the state.
pub fn apply(mut state: SpaceState, event: &RecordedEvent) -> SpaceState {
    apply_in_place(&mut state, event);
    state
}

/// [`apply`], on a state held in place: a state is a large struct, and moving it in and
/// out of every event's fold was a tenth of what a fold cost.
fn apply_in_place(state: &mut SpaceState, event: &RecordedEvent) {
    let read = Read::of((state.head_seq, state.head_hash), event);
    apply_read(state, event, read);
}

/// What folding an event needs that does not depend on the state: whether it follows the
/// event before it (two SHA-256s), and its body parsed. Together most of what a fold
/// costs, so a long fold works them out ahead, on another thread (see [`fold`]).
struct Read {
    follows: Result<(), ChainFault>,
    /// Not parsed when the event does not follow: its content is not trusted.
    parsed: Result<SpaceEvent, Unread>,
    author: Option<PersonId>,
}

impl Read {
    /// `event`, read as the one after the event whose seq and hash are `after`.
    fn of(after: (u64, Hash), event: &RecordedEvent) -> Self {
        let follows = record::check_link(after, event);
        let parsed = if follows.is_ok() {
            SpaceEvent::read(&event.kind, event.body.as_deref())
        } else {
            Err(Unread::NotReadable)
        };
        Self {
            follows,
            parsed,
            author: event.author.parse::<PersonId>().ok(),
        }
    }
}

fn apply_read(state: &mut SpaceState, event: &RecordedEvent, read: Read) {
    let Read {
        follows,
        parsed,
        author,
    } = read;
    state.head_seq = event.seq;
    state.head_hash = event.hash;
    if let Err(fault) = follows {
        // Its content cannot be trusted, so none of it is folded in: fail closed.
        state.damage.note(event.seq, fault);
        return;
    }
    // A sealed check-in answer is nobody's activity yet: a counsellor's list of couples
    // must not move with what a partner keeps sealed.
    if event.kind != "checkin.answered" {
        state.last_at_us = event.at_us;
    }
    if let Err(Unread::UnknownKind | Unread::NotReadable) = &parsed {
        state.unreadable.note(event.seq);
    }
    let event_at = event.at_us;
    // A stored event has no body only once its author removed its words.
    if event.body.is_none()
        && let Some(author) = author
    {
        state.gaps.note(Gap {
            seq: event.seq,
            kind: event.kind.clone(),
            author,
            at_us: event.at_us,
        });
        erased_presence(state, &event.kind, author, event_at);
    }
    match (parsed.ok(), author) {
        (Some(SpaceEvent::SpaceCreated(e)), Some(person)) => {
            state.name = e.name;
            state.created_at_us = event.at_us;
            state.partners.push(Partner {
                person,
                display_name: e.display_name,
                joined_at_us: event.at_us,
            });
        }
        (Some(SpaceEvent::PartnerJoined(e)), Some(person)) if !state.is_partner(person) => {
            state.partners.push(Partner {
                person,
                display_name: e.display_name,
                joined_at_us: event.at_us,
            });
        }
        (Some(SpaceEvent::PartnerLeft(_)), Some(person)) if state.is_partner(person) => {
            state.endings.note_left(person, event_at);
        }
        (Some(SpaceEvent::EndedApart(_)), Some(person)) if state.is_partner(person) => {
            state.endings.note_apart(person, event_at);
        }
        (Some(SpaceEvent::EntryRedacted(e)), Some(person)) => {
            state.redactions.note(e.seq, person, event_at);
        }
        // Counsellors write too (joining, notes, stepping away): the part checks who may.
        (Some(SpaceEvent::Counsel(e)), Some(person)) => {
            let partners = state.partner_ids();
            counsel::apply(&mut state.counsel, person, &partners, event_at, e);
        }
        (Some(event), Some(person)) if state.is_partner(person) => {
            let other = state.partner_of(person).map(|p| p.person);
            let at = event_at;
            match event {
                SpaceEvent::OwnUp(e) => state.own_up.apply(person, other, at, e),
                SpaceEvent::CheckIn(e) => state.check_ins.apply(person, other, at, e),
                SpaceEvent::Together(e) => state.together.apply(person, other, at, e),
                SpaceEvent::Repair(e) => state.repair.apply(person, other, at, e),
                SpaceEvent::Promise(e) => state.promises.apply(person, other, at, e),
                SpaceEvent::Agreement(e) => state.agreements.apply(person, other, at, e),
                SpaceEvent::Report(e) => state.reports.apply(person, other, at, e),
                SpaceEvent::Milestone(e) => milestones::apply(&mut state.milestones, at, e),
                SpaceEvent::Closing(e) => state.closing.apply(person, other, at, e),
                SpaceEvent::Pause(e) => {
                    state.pause.apply(person, other, at, e);
                    // What falls due in a break is not asked of anyone: the parts that
                    // count what was missed are told when the breaks are.
                    let spans = state.pause.spans();
                    state.promises.set_breaks(&spans);
                    state.check_ins.set_breaks(&spans);
                }
                SpaceEvent::SpaceCreated(_)
                | SpaceEvent::PartnerJoined(_)
                | SpaceEvent::Counsel(_)
                | SpaceEvent::PartnerLeft(_)
                | SpaceEvent::EndedApart(_)
                | SpaceEvent::EntryRedacted(_) => {}
            }
        }
        _ => {}
    }
}

/// An entry of someone's arrival whose words were removed (its author erased their
/// account) still says they were here: a partner, named as one who has left, in a space
/// named as unnamed spaces are; or the counsellor who opened the link of the invitation
/// still open (the only one a join can be for), named likewise.
fn erased_presence(state: &mut SpaceState, kind: &str, person: PersonId, at_us: i64) {
    match kind {
        "space.created" if state.partners.is_empty() => {
            state.name = SPACE_NAME_ERASED.to_owned();
            state.created_at_us = at_us;
            state.partners.push(Partner {
                person,
                display_name: NAME_ERASED.to_owned(),
                joined_at_us: at_us,
            });
        }
        "partner.joined" if !state.partners.is_empty() && !state.is_partner(person) => {
            state.partners.push(Partner {
                person,
                display_name: NAME_ERASED.to_owned(),
                joined_at_us: at_us,
            });
        }
        "counsellor.joined" => {
            let partners = state.partner_ids();
            counsel::apply_erased_join(&mut state.counsel, person, &partners, at_us);
        }
        _ => {}
    }
}

/// Folds a run of events onto `state`.
///
/// A long run (a first view of years of history with no snapshot) is read ahead on a
/// second thread: it checks each event's link and parses its body (which needs nothing of
/// the state) a batch ahead, while this thread applies the batch before. The state is the
/// same as folding one event after the other (a test holds them to it).
pub fn fold(mut state: SpaceState, events: &[RecordedEvent]) -> SpaceState {
    if events.len() < READ_AHEAD_FROM
        || std::thread::available_parallelism().map_or(true, |n| n.get() < 2)
    {
        for event in events {
            apply_in_place(&mut state, event);
        }
        return state;
    }
    let first = (state.head_seq, state.head_hash);
    std::thread::scope(|scope| {
        let (batches, arriving) = std::sync::mpsc::sync_channel::<Vec<Read>>(BATCHES_AHEAD);
        let reader = std::thread::Builder::new()
            .name("fold-read-ahead".to_owned())
            .spawn_scoped(scope, move || {
                let mut after = first;
                for batch in events.chunks(READ_BATCH) {
                    let read = batch
                        .iter()
                        .map(|event| {
                            let read = Read::of(after, event);
                            after = (event.seq, event.hash);
                            read
                        })
                        .collect();
                    if batches.send(read).is_err() {
                        return;
                    }
                }
            });
        match reader {
            // Should the reader panic, its batches stop and the scope passes the panic on,
            // as a panic in a fold one event after the other would be.
            Ok(_) => {
                for (batch, read) in events.chunks(READ_BATCH).zip(arriving.iter()) {
                    for (event, read) in batch.iter().zip(read) {
                        apply_read(&mut state, event, read);
                    }
                }
            }
            // No thread to be had: one event after the other, here.
            Err(_) => {
                for event in events {
                    apply_in_place(&mut state, event);
                }
            }
        }
    });
    state
}

/// How long a run must be before it is read ahead on a second thread: starting one costs
/// tens of microseconds, a few dozen events' worth.
const READ_AHEAD_FROM: usize = 1_000;
/// Events per batch handed from the reading thread to the folding one.
const READ_BATCH: usize = 256;
/// Batches the reading thread may be ahead by.
const BATCHES_AHEAD: usize = 8;

/// Whether `viewer` must not see the content of `event` now: a partner's check-in answer
/// that is still sealed. Pages and exports then carry the event without its body and salt
/// (its digest still chains). Unreadable check-in content is withheld too: fail closed.
pub fn withheld_from(
    state: &SpaceState,
    viewer: PersonId,
    event: &RecordedEvent,
    now_us: i64,
) -> bool {
    if !event.kind.starts_with("checkin.") {
        return false;
    }
    let Some(body) = event.body.as_deref() else {
        return false;
    };
    let (Some(parsed), Ok(author)) = (
        checkins::Event::parse(&event.kind, body),
        event.author.parse::<PersonId>(),
    ) else {
        return true;
    };
    checkins::is_sealed_for(&state.check_ins, author, &parsed, viewer, now_us)
}

/// What a person asks of a space.
#[derive(Debug, Clone)]
pub enum Command {
    Create {
        name: SpaceName,
        display_name: DisplayName,
    },
    Join {
        display_name: DisplayName,
    },
    OwnUp(ownup::Command),
    CheckIn(checkins::Command),
    Together(together::Command),
    Repair(repair::Command),
    Promise(promises::Command),
    Agreement(agreements::Command),
    Report(reports::Command),
    /// Inviting a counsellor, consenting, ending; or the counsellor joining, stepping away
    /// and leaving notes: the part decides who may.
    Counsel(counsel::Command),
    /// Marks as shown those of the milestones reached (as `progress` reads them from the
    /// state) that are not yet celebrated.
    CelebrateMilestones(Vec<Milestone>),
    /// The actor leaves the space, alone, whenever they choose.
    Leave,
    /// The actor records that the repair ends apart.
    EndApart,
    /// The actor removes the words of an entry of theirs (looked up by the caller).
    Redact(redaction::Target),
    /// The actor erases their account: the words of each of these entries of theirs are
    /// removed (see `redaction::ERASED`), then they leave the space if they are a partner,
    /// or step away if they are its counsellor. Open to a partner who already left too.
    Erase(Vec<redaction::Target>),
    /// Taking a break, or ending it.
    Pause(pause::Command),
    /// Closing a repair together, reopening it, answering its follow-ups.
    Closing(closing::Command),
}

/// Why a command was refused. Messages are shown to the person as they are.
///
/// The first four are about the space itself, and `Full` has its own page (the invite
/// link's), so they stay variants of their own; every part of the space refuses with the
/// shared [`Refusal`].
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SpaceError {
    #[error("This space has already been created.")]
    AlreadyCreated,
    #[error("This space doesn't exist yet.")]
    NotCreated,
    #[error("You are already a partner in this space.")]
    AlreadyPartner,
    #[error("This space already has two partners, so nobody else can join it.")]
    Full,
    #[error(transparent)]
    Refused(#[from] Refusal),
}

/// The events `command` produces in `state`, or why it is refused.
/// A part's command, for a partner of the space: the part decides, told only what
/// [`Around`] says of the rest of the space.
fn decide_part<P: Part>(
    state: &SpaceState,
    part: &P,
    command: P::Command,
    ctx: &Ctx,
    wrap: fn(P::Event) -> SpaceEvent,
) -> Result<Vec<SpaceEvent>, SpaceError> {
    if !state.is_partner(ctx.actor) {
        return Err(SpaceError::NotCreated);
    }
    let around = Around {
        partner: state.partner_of(ctx.actor).map(|p| p.person),
        own_up: &state.own_up,
    };
    Ok(part
        .decide(&around, command, ctx)?
        .into_iter()
        .map(wrap)
        .collect())
}

pub fn decide(
    state: &SpaceState,
    command: Command,
    ctx: &Ctx,
) -> Result<Vec<SpaceEvent>, SpaceError> {
    // A closed space takes nothing more, but a partner who stays may still leave it, and
    // milestones are quietly not celebrated.
    if state.is_closed() {
        match command {
            // Taking your own words back stays possible after the end.
            Command::Leave | Command::Redact(_) | Command::Erase(_) => {}
            Command::CelebrateMilestones(_) => return Ok(Vec::new()),
            Command::Create { .. } => return Err(SpaceError::AlreadyCreated),
            Command::Join { .. } => {
                return Err(
                    Refusal::NotNow("This space has been closed, so nobody can join it.").into(),
                );
            }
            _ if !state.is_partner(ctx.actor) => return Err(SpaceError::NotCreated),
            _ => return Err(Refusal::NotNow(ending::CLOSED).into()),
        }
    }
    match command {
        Command::Create { name, display_name } => {
            if state.head_seq > 0 {
                return Err(SpaceError::AlreadyCreated);
            }
            Ok(vec![SpaceEvent::SpaceCreated(SpaceCreated {
                name: name.as_str().to_owned(),
                display_name: display_name.as_str().to_owned(),
            })])
        }
        Command::Join { display_name } => {
            if state.head_seq == 0 {
                return Err(SpaceError::NotCreated);
            }
            if state.is_partner(ctx.actor) {
                return Err(SpaceError::AlreadyPartner);
            }
            if state.is_full() {
                return Err(SpaceError::Full);
            }
            Ok(vec![SpaceEvent::PartnerJoined(PartnerJoined {
                display_name: display_name.as_str().to_owned(),
            })])
        }
        Command::OwnUp(command) => {
            decide_part(state, &state.own_up, command, ctx, SpaceEvent::OwnUp)
        }
        Command::CheckIn(command) => {
            decide_part(state, &state.check_ins, command, ctx, SpaceEvent::CheckIn)
        }
        Command::Together(command) => {
            decide_part(state, &state.together, command, ctx, SpaceEvent::Together)
        }
        Command::Repair(command) => {
            decide_part(state, &state.repair, command, ctx, SpaceEvent::Repair)
        }
        Command::Promise(command) => {
            decide_part(state, &state.promises, command, ctx, SpaceEvent::Promise)
        }
        Command::Agreement(command) => decide_part(
            state,
            &state.agreements,
            command,
            ctx,
            SpaceEvent::Agreement,
        ),
        Command::Report(command) => {
            decide_part(state, &state.reports, command, ctx, SpaceEvent::Report)
        }
        Command::Counsel(command) => {
            if state.head_seq == 0 {
                return Err(SpaceError::NotCreated);
            }
            let events = counsel::decide(&state.counsel, &state.partner_ids(), command, ctx)?;
            Ok(events.into_iter().map(SpaceEvent::Counsel).collect())
        }
        Command::Leave => {
            if !state.is_partner(ctx.actor) {
                return Err(SpaceError::NotCreated);
            }
            Ok(vec![SpaceEvent::PartnerLeft(PartnerLeft {})])
        }
        Command::Redact(target) => {
            if !state.is_partner(ctx.actor) {
                return Err(SpaceError::NotCreated);
            }
            if target.seq == 0 || target.seq > state.head_seq {
                return Err(Refusal::NotFound.into());
            }
            let event = redaction::decide(ctx.actor, &target)?;
            Ok(vec![SpaceEvent::EntryRedacted(event)])
        }
        Command::Erase(targets) => erase(state, &targets, ctx),
        Command::EndApart => {
            if !state.is_partner(ctx.actor) {
                return Err(SpaceError::NotCreated);
            }
            state.endings.may_end_apart(state.is_full())?;
            Ok(vec![SpaceEvent::EndedApart(EndedApart {})])
        }
        Command::CelebrateMilestones(reached) => {
            if !state.is_partner(ctx.actor) {
                return Err(SpaceError::NotCreated);
            }
            let events = milestones::decide(&state.milestones, &reached);
            Ok(events.into_iter().map(SpaceEvent::Milestone).collect())
        }
        Command::Pause(command) => {
            decide_part(state, &state.pause, command, ctx, SpaceEvent::Pause)
        }
        Command::Closing(command) => {
            decide_part(state, &state.closing, command, ctx, SpaceEvent::Closing)
        }
    }
}

/// What erasing the actor's account records in this space: one removal per entry of theirs
/// in `targets` (each checked as the record stands, and none twice, so the store's blanking
/// of exactly these bodies matches the events), then their leaving, as a partner, or their
/// stepping away, as the counsellor of a space still open. Nothing, for someone who was
/// never here and wrote nothing.
fn erase(
    state: &SpaceState,
    targets: &[redaction::Target],
    ctx: &Ctx,
) -> Result<Vec<SpaceEvent>, SpaceError> {
    let mut events = Vec::with_capacity(targets.len() + 1);
    let mut seqs = std::collections::BTreeSet::new();
    for target in targets {
        if target.seq == 0 || target.seq > state.head_seq || !seqs.insert(target.seq) {
            return Err(Refusal::NotFound.into());
        }
        if state.redactions.of(target.seq).is_some() {
            return Err(
                Refusal::NotNow("The words of this entry have already been removed.").into(),
            );
        }
        events.push(SpaceEvent::EntryRedacted(redaction::decide_at_erasure(
            ctx.actor, target,
        )?));
    }
    if state.is_partner(ctx.actor) {
        events.push(SpaceEvent::PartnerLeft(PartnerLeft {}));
    } else if !state.is_closed()
        && let Some(open) = state.counsel.open().filter(|e| e.is_counsellor(ctx.actor))
    {
        let step_away = counsel::Command::StepAway {
            engagement: open.id,
        };
        let stepped = counsel::decide(&state.counsel, &state.partner_ids(), step_away, ctx)?;
        events.extend(stepped.into_iter().map(SpaceEvent::Counsel));
    }
    Ok(events)
}

/// The kinds of the space itself, beside those each part lists.
const SPACE_KINDS: &[&str] = &[
    "space.created",
    "partner.joined",
    "partner.left",
    "space.ended_apart",
    "entry.redacted",
];

/// Every kind this version records, list by list: the space's own, then each part's.
fn kind_lists() -> [&'static [&'static str]; 12] {
    [
        SPACE_KINDS,
        ownup::Event::KINDS,
        checkins::Event::KINDS,
        together::Event::KINDS,
        repair::Event::KINDS,
        promises::Event::KINDS,
        agreements::Event::KINDS,
        reports::Event::KINDS,
        milestones::Event::KINDS,
        counsel::Event::KINDS,
        pause::Event::KINDS,
        closing::Event::KINDS,
    ]
}

/// Every kind this version records, of every part.
pub fn every_kind() -> Vec<&'static str> {
    kind_lists().concat()
}

// ---- events this version cannot read ---------------------------------------------------

/// Why a recorded event did not become a [`SpaceEvent`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Unread {
    /// Its body is not here: redacted by its author, or withheld from this viewer (a
    /// sealed check-in answer). Expected; nothing to report.
    ContentRemoved,
    /// A kind this version does not know, e.g. written by a newer version.
    UnknownKind,
    /// A known kind whose body this version cannot read.
    NotReadable,
}

impl SpaceEvent {
    /// Every kind this version can read.
    pub fn knows(kind: &str) -> bool {
        kind_lists().iter().any(|kinds| kinds.contains(&kind))
    }

    /// Reads a recorded event back, or says why it cannot.
    pub fn read(kind: &str, body: Option<&str>) -> Result<Self, Unread> {
        if body.is_none() {
            return Err(Unread::ContentRemoved);
        }
        match Self::parse(kind, body) {
            Some(event) => Ok(event),
            None if Self::knows(kind) => Err(Unread::NotReadable),
            None => Err(Unread::UnknownKind),
        }
    }
}

/// Where a space's stored record stops checking out: events that do not follow the one
/// before them (a changed body or header, a missing or reordered event), or a head the
/// database keeps that its events do not reach. Found while folding, at the cost of two
/// hashes per event; pages say so and the log says it once. The fold goes past a damaged
/// event without taking anything from it.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Damage {
    /// How many events did not follow the one before them.
    pub count: u64,
    /// The first of them, and what is wrong with it.
    pub first: Option<(u64, ChainFault)>,
    /// The seq the record is known to have reached (by the database's own row for the
    /// space, or by what was seen committed), when its stored events stop short of it.
    pub stored_head: Option<u64>,
}

impl Damage {
    fn note(&mut self, seq: u64, fault: ChainFault) {
        self.count += 1;
        if self.first.is_none() {
            self.first = Some((seq, fault));
        }
    }

    /// The record is known to have reached `stored`, but its events end elsewhere.
    pub fn note_stored_head(&mut self, stored: u64) {
        self.stored_head = Some(stored);
    }

    pub fn is_damaged(&self) -> bool {
        self.count > 0 || self.stored_head.is_some()
    }
}

/// The events of a space that this version could not read. The fold goes past them (the
/// rest of the state stays right, the chain is checked on the stored bytes) and pages say
/// so; they are never dropped from the record or the export.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Unreadable {
    /// How many there are.
    pub count: u64,
    /// The first [`Unreadable::KEPT`] of them by seq, so a record full of them costs little.
    pub seqs: Vec<u64>,
}

impl Unreadable {
    pub const KEPT: usize = 100;

    fn note(&mut self, seq: u64) {
        self.count += 1;
        if self.seqs.len() < Self::KEPT {
            self.seqs.push(seq);
        }
    }

    /// The seqs noted after the first `before` of them: what a fold just met.
    pub fn since(&self, before: u64) -> impl Iterator<Item = u64> + '_ {
        let skip = usize::try_from(before).unwrap_or(usize::MAX);
        self.seqs.iter().skip(skip).copied()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::record::{Draft, seal_all};

    /// Records `events` as `authors` did, in order, and folds them: the "given" of a test.
    fn given(events: &[(PersonId, SpaceEvent)]) -> SpaceState {
        let drafts = events
            .iter()
            .enumerate()
            .map(|(i, (author, e))| Draft {
                at_us: 1_000 + i as i64,
                author: author.to_string(),
                kind: e.kind().into(),
                body: e.body(),
            })
            .collect();
        let recorded = seal_all((0, GENESIS_PREV), drafts, || [0; 16]).expect("seals");
        fold(SpaceState::empty(SpaceId::random()), &recorded)
    }

    fn created(name: &str) -> SpaceEvent {
        SpaceEvent::SpaceCreated(SpaceCreated {
            name: "Us".into(),
            display_name: name.into(),
        })
    }

    fn joined(name: &str) -> SpaceEvent {
        SpaceEvent::PartnerJoined(PartnerJoined {
            display_name: name.into(),
        })
    }

    fn ctx(actor: PersonId) -> Ctx {
        Ctx {
            actor,
            now_us: 5_000,
        }
    }

    fn join_as(name: &str) -> Command {
        Command::Join {
            display_name: DisplayName::parse(name).expect("valid name"),
        }
    }

    /// Every kind of thing a partner could still ask of a space, for "nothing more".
    fn asks() -> Vec<Command> {
        use crate::domain::ownup::{Command as O, Text};
        vec![
            Command::OwnUp(O::SendLetter {
                id: crate::domain::EntryId::random(),
                text: Text::parse("Still here.", "Text", 100).expect("valid"),
            }),
            Command::EndApart,
            join_as("Kim"),
        ]
    }

    #[test]
    fn a_partner_leaves_alone_and_the_space_takes_nothing_more() {
        let (sam, alex) = (PersonId::random(), PersonId::random());
        let state = given(&[
            (sam, created("Sam")),
            (alex, joined("Alex")),
            (alex, SpaceEvent::PartnerLeft(PartnerLeft {})),
        ]);
        assert!(!state.is_partner(alex), "Alex no longer sees the space");
        assert!(state.is_partner(sam), "Sam keeps it");
        assert_eq!(
            state.partner_of(sam).map(|p| p.display_name.as_str()),
            Some("Alex")
        );
        assert!(state.is_closed());
        for ask in asks() {
            let refused = decide(&state, ask, &ctx(sam));
            assert!(
                matches!(&refused, Err(SpaceError::Refused(Refusal::NotNow(_)))),
                "{refused:?}"
            );
        }
        assert_eq!(
            decide(&state, Command::Leave, &ctx(alex)),
            Err(SpaceError::NotCreated),
            "leaving twice finds nothing to leave"
        );
        assert_eq!(
            decide(&state, Command::Leave, &ctx(sam)),
            Ok(vec![SpaceEvent::PartnerLeft(PartnerLeft {})]),
            "the one who stays may leave too"
        );
        assert!(
            decide(&state, Command::CelebrateMilestones(Vec::new()), &ctx(sam))
                .is_ok_and(|events| events.is_empty())
        );
    }

    #[test]
    fn either_partner_ends_apart_and_the_space_is_kept_read_only() {
        let (sam, alex) = (PersonId::random(), PersonId::random());
        let alone = given(&[(sam, created("Sam"))]);
        assert!(matches!(
            decide(&alone, Command::EndApart, &ctx(sam)),
            Err(SpaceError::Refused(Refusal::NotNow(_)))
        ));
        let state = given(&[
            (sam, created("Sam")),
            (alex, joined("Alex")),
            (sam, SpaceEvent::EndedApart(EndedApart {})),
        ]);
        assert!(
            state.is_partner(sam) && state.is_partner(alex),
            "both still read it"
        );
        assert_eq!(
            state.endings.closed(),
            Some(ending::Closed::Apart {
                by: sam,
                at_us: 1_002
            })
        );
        for who in [sam, alex] {
            for ask in asks() {
                assert!(decide(&state, ask, &ctx(who)).is_err());
            }
        }
        let stranger = PersonId::random();
        assert!(matches!(
            state.counsellor_access(stranger),
            counsel::Access::None
        ));
    }

    #[test]
    fn creating_a_space_makes_its_creator_the_first_partner() {
        let sam = PersonId::random();
        let state = given(&[(sam, created("Sam"))]);
        assert!(state.is_partner(sam));
        assert_eq!(state.partners.len(), 1);
        assert_eq!(state.name, "Us");
        assert_eq!(state.head_seq, 1);
    }

    #[test]
    fn a_space_cannot_be_created_twice() {
        let sam = PersonId::random();
        let state = given(&[(sam, created("Sam"))]);
        let cmd = Command::Create {
            name: SpaceName::parse("Again").expect("valid"),
            display_name: DisplayName::parse("Sam").expect("valid"),
        };
        assert_eq!(
            decide(&state, cmd, &ctx(sam)),
            Err(SpaceError::AlreadyCreated)
        );
    }

    #[test]
    fn a_second_person_joins_as_partner() {
        let (sam, alex) = (PersonId::random(), PersonId::random());
        let state = given(&[(sam, created("Sam"))]);
        assert_eq!(
            decide(&state, join_as("Alex"), &ctx(alex)),
            Ok(vec![joined("Alex")])
        );
        let state = given(&[(sam, created("Sam")), (alex, joined("Alex"))]);
        assert!(state.is_full());
        assert_eq!(state.partner_of(sam).map(|p| p.person), Some(alex));
        assert_eq!(state.name_of(&alex.to_string()), Some("Alex"));
    }

    #[test]
    fn a_third_person_cannot_join() {
        let (sam, alex, kim) = (PersonId::random(), PersonId::random(), PersonId::random());
        let state = given(&[(sam, created("Sam")), (alex, joined("Alex"))]);
        assert_eq!(
            decide(&state, join_as("Kim"), &ctx(kim)),
            Err(SpaceError::Full)
        );
    }

    #[test]
    fn a_partner_cannot_join_their_own_space_again() {
        let sam = PersonId::random();
        let state = given(&[(sam, created("Sam"))]);
        assert_eq!(
            decide(&state, join_as("Sam"), &ctx(sam)),
            Err(SpaceError::AlreadyPartner)
        );
    }

    #[test]
    fn nobody_joins_a_space_that_was_never_created() {
        let state = SpaceState::empty(SpaceId::random());
        assert_eq!(
            decide(&state, join_as("Kim"), &ctx(PersonId::random())),
            Err(SpaceError::NotCreated)
        );
    }

    #[test]
    fn a_duplicate_join_in_the_record_does_not_add_a_partner_twice() {
        let (sam, alex) = (PersonId::random(), PersonId::random());
        let state = given(&[
            (sam, created("Sam")),
            (alex, joined("Alex")),
            (alex, joined("Alex")),
        ]);
        assert_eq!(state.partners.len(), 2);
        assert_eq!(state.head_seq, 3);
    }

    #[test]
    fn every_kind_belongs_to_exactly_one_module() {
        let kinds = [
            &["space.created", "partner.joined"][..],
            ownup::Event::KINDS,
            checkins::Event::KINDS,
            together::Event::KINDS,
            repair::Event::KINDS,
            promises::Event::KINDS,
            agreements::Event::KINDS,
            reports::Event::KINDS,
            milestones::Event::KINDS,
            counsel::Event::KINDS,
            pause::Event::KINDS,
        ]
        .concat();
        let mut seen = std::collections::HashSet::new();
        for kind in &kinds {
            assert!(seen.insert(kind), "{kind} is read by two modules");
        }
        // The kinds that moved when `reconnect` split and reports left `agreements`: each is
        // still read, by the module that now owns it.
        for (kind, module) in [
            ("appreciation.written", together::Event::KINDS),
            ("goal.confirmed", together::Event::KINDS),
            ("pace.set", repair::Event::KINDS),
            ("stage.withdrawn", repair::Event::KINDS),
            ("report.filed", reports::Event::KINDS),
            ("report.acknowledged", reports::Event::KINDS),
        ] {
            assert!(module.contains(&kind), "{kind}");
        }
    }

    /// Records `events` as `authors` did, in order: the chain as the store keeps it.
    fn recorded(events: &[(PersonId, SpaceEvent)]) -> Vec<RecordedEvent> {
        let drafts = events
            .iter()
            .enumerate()
            .map(|(i, (author, e))| Draft {
                at_us: 1_000 + i as i64,
                author: author.to_string(),
                kind: e.kind().into(),
                body: e.body(),
            })
            .collect();
        seal_all((0, GENESIS_PREV), drafts, || [0; 16]).expect("seals")
    }

    /// The record after `actor` erased their account: the events `decide` gave appended,
    /// and the bodies they name blanked, as the store does in one transaction.
    fn after_erasure(
        mut record: Vec<RecordedEvent>,
        actor: PersonId,
    ) -> (Vec<SpaceEvent>, Vec<RecordedEvent>) {
        let state = fold(SpaceState::empty(SpaceId::random()), &record);
        let targets = redaction::to_erase(
            actor,
            record.iter().map(|e| redaction::Target {
                seq: e.seq,
                author: e.author.clone(),
                kind: e.kind.clone(),
                redacted: e.body.is_none(),
            }),
        );
        let events = decide(&state, Command::Erase(targets), &ctx(actor)).expect("decided");
        let last = record.last().expect("a record");
        let drafts = events
            .iter()
            .map(|e| Draft {
                at_us: 9_000,
                author: actor.to_string(),
                kind: e.kind().into(),
                body: e.body(),
            })
            .collect();
        let appended = seal_all((last.seq, last.hash), drafts, || [0; 16]).expect("seals");
        for event in &events {
            if let SpaceEvent::EntryRedacted(r) = event {
                let blanked = &mut record[usize::try_from(r.seq - 1).expect("seq")];
                blanked.body = None;
                blanked.salt = None;
            }
        }
        record.extend(appended);
        (events, record)
    }

    fn letter(text: &str) -> SpaceEvent {
        use crate::domain::ownup::{Event, LetterSent};
        SpaceEvent::OwnUp(Event::LetterSent(LetterSent {
            letter: crate::domain::EntryId::random(),
            text: text.into(),
        }))
    }

    /// given: Sam made the space and wrote a letter, Alex joined and wrote one; when: Sam
    /// erases their account; then: Sam's words are gone, Sam is still the first partner,
    /// named as one who has left, the space is closed, and Alex's letter stays.
    #[test]
    fn erasing_removes_the_words_and_leaves_a_partner_who_has_left() {
        let (sam, alex) = (PersonId::random(), PersonId::random());
        let record = recorded(&[
            (sam, created("Sam")),
            (alex, joined("Alex")),
            (sam, letter("Sam's words")),
            (alex, letter("Alex's words")),
            (
                sam,
                SpaceEvent::Pause(pause::Event::Resumed(pause::Resumed {})),
            ),
        ]);
        let (events, record) = after_erasure(record, sam);
        assert_eq!(
            events,
            vec![
                SpaceEvent::EntryRedacted(EntryRedacted { seq: 1 }),
                SpaceEvent::EntryRedacted(EntryRedacted { seq: 3 }),
                SpaceEvent::PartnerLeft(PartnerLeft {}),
            ],
            "the words, not the break, and then leaving"
        );
        assert!(crate::domain::record::verify(&record).is_ok());
        let state = fold(SpaceState::empty(SpaceId::random()), &record);
        assert_eq!(state.damage, Damage::default());
        assert_eq!(state.name, SPACE_NAME_ERASED);
        assert_eq!(state.partners.len(), 2);
        assert_eq!(state.partners[0].person, sam);
        assert_eq!(state.partners[0].display_name, NAME_ERASED);
        assert_eq!(state.name_of(&sam.to_string()), Some(NAME_ERASED));
        assert!(!state.is_partner(sam) && state.is_partner(alex));
        assert!(state.is_closed());
        let letters: Vec<_> = state
            .own_up
            .letters
            .iter()
            .map(|l| l.text.as_str())
            .collect();
        assert_eq!(letters, ["Alex's words"]);
        assert_eq!(
            state.unreadable.count, 0,
            "removed words are not unreadable"
        );
    }

    /// given: Alex joined, wrote, and left; when: Alex erases their account; then: the
    /// words go, Alex does not leave again, and Alex is still named as one who has left.
    #[test]
    fn a_partner_who_left_before_erases_their_words_there_too() {
        let (sam, alex) = (PersonId::random(), PersonId::random());
        let record = recorded(&[
            (sam, created("Sam")),
            (alex, joined("Alex")),
            (alex, letter("Alex's words")),
            (alex, SpaceEvent::PartnerLeft(PartnerLeft {})),
        ]);
        let (events, record) = after_erasure(record, alex);
        assert_eq!(
            events,
            vec![
                SpaceEvent::EntryRedacted(EntryRedacted { seq: 2 }),
                SpaceEvent::EntryRedacted(EntryRedacted { seq: 3 }),
            ]
        );
        let state = fold(SpaceState::empty(SpaceId::random()), &record);
        assert_eq!(state.name, "Us", "Sam named the space, and that stays");
        assert_eq!(
            state.partner_of(sam).map(|p| p.display_name.as_str()),
            Some(NAME_ERASED)
        );
        assert!(state.own_up.letters.is_empty());
        assert_eq!(state.endings.left.len(), 1);
    }

    #[test]
    fn erasing_takes_only_ones_own_entries_and_each_once() {
        let (sam, alex, kim) = (PersonId::random(), PersonId::random(), PersonId::random());
        let state = given(&[
            (sam, created("Sam")),
            (alex, joined("Alex")),
            (sam, letter("Sam's words")),
        ]);
        let target = |seq: u64, author: PersonId, kind: &str| redaction::Target {
            seq,
            author: author.to_string(),
            kind: kind.into(),
            redacted: false,
        };
        let sams = target(3, sam, "letter.sent");
        assert!(matches!(
            decide(&state, Command::Erase(vec![sams.clone()]), &ctx(alex)),
            Err(SpaceError::Refused(Refusal::NotYours(_)))
        ));
        assert!(matches!(
            decide(
                &state,
                Command::Erase(vec![sams.clone(), sams.clone()]),
                &ctx(sam)
            ),
            Err(SpaceError::Refused(Refusal::NotFound))
        ));
        assert!(matches!(
            decide(
                &state,
                Command::Erase(vec![target(9, sam, "letter.sent")]),
                &ctx(sam)
            ),
            Err(SpaceError::Refused(Refusal::NotFound))
        ));
        assert_eq!(
            decide(&state, Command::Erase(Vec::new()), &ctx(kim)),
            Ok(Vec::new()),
            "someone who was never here has nothing to erase"
        );
        let closed = given(&[
            (sam, created("Sam")),
            (alex, joined("Alex")),
            (sam, letter("Sam's words")),
            (sam, SpaceEvent::EntryRedacted(EntryRedacted { seq: 3 })),
        ]);
        assert!(matches!(
            decide(&closed, Command::Erase(vec![sams]), &ctx(sam)),
            Err(SpaceError::Refused(Refusal::NotNow(_)))
        ));
    }

    /// given: a couple's counsellor who joined and left a note; when: the counsellor erases
    /// their account; then: the note and their name go, and they stepped away.
    #[test]
    fn a_counsellor_who_erases_their_account_steps_away_and_their_notes_go() {
        use crate::domain::EntryId;
        use crate::domain::counsel::{
            ConsentGiven, CounsellorInvited, CounsellorJoined, Event, NoteAdded, Scope,
        };
        let (sam, alex, kim) = (PersonId::random(), PersonId::random(), PersonId::random());
        let engagement = EntryId::random();
        let consent = SpaceEvent::Counsel(Event::ConsentGiven(ConsentGiven {
            engagement,
            scope: Scope::Record,
        }));
        let record = recorded(&[
            (sam, created("Sam")),
            (alex, joined("Alex")),
            (
                sam,
                SpaceEvent::Counsel(Event::CounsellorInvited(CounsellorInvited {
                    engagement,
                    name: "Dr Okafor".into(),
                })),
            ),
            (
                kim,
                SpaceEvent::Counsel(Event::CounsellorJoined(CounsellorJoined {
                    engagement,
                    display_name: "Kim".into(),
                })),
            ),
            (sam, consent.clone()),
            (alex, consent),
            (
                kim,
                SpaceEvent::Counsel(Event::NoteAdded(NoteAdded {
                    note: EntryId::random(),
                    engagement,
                    text: "Kim's note".into(),
                    practice: None,
                })),
            ),
        ]);
        let before = fold(SpaceState::empty(SpaceId::random()), &record);
        assert!(matches!(
            before.counsellor_access(kim),
            counsel::Access::Active(..)
        ));
        let (events, record) = after_erasure(record, kim);
        assert_eq!(events.len(), 3, "{events:?}");
        assert_eq!(events[2].kind(), "counsellor.stepped_away");
        let state = fold(SpaceState::empty(SpaceId::random()), &record);
        assert!(matches!(
            state.counsellor_access(kim),
            counsel::Access::None
        ));
        assert!(state.counsel.notes.is_empty());
        let ended = &state.counsel.engagements[0];
        assert_eq!(
            ended.counsellor.as_ref().map(|c| c.display_name.as_str()),
            Some(counsel::NAME_ERASED)
        );
        assert_eq!(
            ended.ended.map(|e| e.how),
            Some(counsel::Ending::SteppedAway)
        );
        assert!(!state.is_closed(), "the couple's space stays open");
    }

    #[test]
    fn unknown_and_redacted_events_advance_the_head_but_change_nothing_else() {
        let sam = PersonId::random();
        let before = given(&[(sam, created("Sam"))]);
        let odd = RecordedEvent {
            seq: 2,
            at_us: 9,
            author: sam.to_string(),
            kind: "from.the.future".into(),
            body: None,
            salt: None,
            digest: [1; 32],
            prev: before.head_hash,
            hash: [2; 32],
        };
        let after = apply(before.clone(), &odd);
        assert_eq!((after.head_seq, after.head_hash), (2, [2; 32]));
        assert_eq!(after.partners, before.partners);
    }

    /// given: a space, then an event of a kind from a newer version and a known kind whose
    /// body this version cannot read; when: folded; then: both are counted, the partner
    /// who joined after them is still folded, and the chain still verifies.
    #[test]
    fn events_this_version_cannot_read_are_reported_and_folded_past() {
        let (sam, alex) = (PersonId::random(), PersonId::random());
        let drafts = vec![
            Draft {
                at_us: 1_000,
                author: sam.to_string(),
                kind: "space.created".into(),
                body: created("Sam").body(),
            },
            Draft {
                at_us: 1_001,
                author: sam.to_string(),
                kind: "future.thing".into(),
                body: r#"{"new":"shape"}"#.into(),
            },
            Draft {
                at_us: 1_002,
                author: sam.to_string(),
                kind: "question.asked".into(),
                body: r#"{"not":"a question"}"#.into(),
            },
            Draft {
                at_us: 1_003,
                author: alex.to_string(),
                kind: "partner.joined".into(),
                body: joined("Alex").body(),
            },
        ];
        let recorded = seal_all((0, GENESIS_PREV), drafts, || [0; 16]).expect("seals");
        let state = fold(SpaceState::empty(SpaceId::random()), &recorded);
        assert_eq!(state.unreadable.count, 2);
        assert_eq!(state.unreadable.seqs, vec![2, 3]);
        assert!(state.is_partner(alex), "the fold goes on past them");
        assert_eq!(state.head_seq, 4);
        assert!(crate::domain::record::verify(&recorded).is_ok());
        assert_eq!(
            SpaceEvent::read("future.thing", Some("{}")),
            Err(Unread::UnknownKind)
        );
        assert_eq!(
            SpaceEvent::read("question.asked", None),
            Err(Unread::ContentRemoved)
        );
    }
}
