//! Creating a space, inviting a partner, joining, and reading the record.

use std::sync::Arc;

use serde::{Deserialize, Serialize};

use super::{App, AppError, InviteProblem, Session, random_salt, random_token, token_hash};
use crate::domain::input::{DisplayName, SpaceName};
use crate::domain::record::{self, Draft, RecordedEvent};
use crate::domain::space::{self, Command, SpaceEvent, SpaceState};
use crate::domain::{Ctx, PersonId, SpaceId};
use crate::store::{Effect, InviteRow, StoreError};

/// How often an append is retried when another append to the same space got there first.
const APPEND_ATTEMPTS: usize = 8;

/// A space in the list of a person's spaces.
#[derive(Debug, Clone)]
pub struct SpaceSummary {
    pub id: SpaceId,
    pub name: String,
    pub partner_name: Option<String>,
}

/// What an invite link leads to, for someone who may join.
#[derive(Debug, Clone)]
pub struct InviteView {
    pub space: SpaceId,
    pub space_name: String,
    pub inviter_name: String,
    /// The viewer is already a partner in that space (e.g. the inviter opened their own link).
    pub viewer_is_partner: bool,
}

/// The invite link kept with the inviter's session so their space page can show it; the
/// database keeps only its hash.
#[derive(Debug, Serialize, Deserialize)]
struct InviteFlash {
    space: String,
    token: String,
}

impl App {
    /// The current state of a space, folding only the events the cache has not seen.
    /// `None` if the space does not exist.
    #[tracing::instrument(skip_all, fields(space = %space))]
    pub async fn load_state(&self, space: SpaceId) -> Result<Option<Arc<SpaceState>>, AppError> {
        let Some(head) = self.store().head_seq(space).await? else {
            return Ok(None);
        };
        let cached = self.cache().get(space);
        if let Some(state) = &cached
            && state.head_seq == head
        {
            return Ok(cached);
        }
        let base = cached.map_or_else(|| SpaceState::empty(space), |s| (*s).clone());
        let events = self.store().events_after(space, base.head_seq).await?;
        let seen = base.unreadable.count;
        let state = Arc::new(space::fold(base, &events));
        // Said once, when the fold first meets them: the cache keeps the state past them.
        // Kind and seq only; never the body.
        for seq in state.unreadable.since(seen) {
            let kind = events
                .iter()
                .find(|e| e.seq == seq)
                .map(|e| e.kind.as_str());
            tracing::warn!(%space, seq, kind, "an event this version cannot read is kept and skipped");
        }
        self.cache().put(state.clone());
        Ok(Some(state))
    }

    /// A space the viewer is a partner in. Anything else is "not found", whether it
    /// exists or not.
    pub async fn space_for(
        &self,
        viewer: PersonId,
        space: SpaceId,
    ) -> Result<Arc<SpaceState>, AppError> {
        match self.load_state(space).await? {
            Some(state) if state.is_partner(viewer) => Ok(state),
            _ => Err(AppError::NotFound),
        }
    }

    /// Seals the events `command` produces and appends them, retrying when another append
    /// to the space got there first. Returns the state the events were decided on.
    pub(super) async fn record(
        &self,
        space: SpaceId,
        actor: PersonId,
        command: impl Fn() -> Command,
        effects: &[Effect],
    ) -> Result<(), AppError> {
        for _ in 0..APPEND_ATTEMPTS {
            let state = match self.load_state(space).await? {
                Some(state) => state,
                None => Arc::new(SpaceState::empty(space)),
            };
            let ctx = Ctx {
                actor,
                now_us: self.clock().now_us(),
            };
            let events = space::decide(&state, command(), &ctx)?;
            if events.is_empty() {
                return Ok(());
            }
            let drafts = events.iter().map(|e| draft(&ctx, e)).collect();
            let head = (state.head_seq, state.head_hash);
            let sealed = record::seal_all(head, drafts, random_salt).map_err(anyhow::Error::new)?;
            match self.store().append(space, head, &sealed, effects).await {
                Ok(()) => return Ok(()),
                Err(StoreError::Conflict) => continue,
                Err(StoreError::InviteGone) => return Err(AppError::Invite(InviteProblem::Used)),
                Err(e) => return Err(e.into()),
            }
        }
        Err(AppError::Refused(
            "Many changes arrived at once. Please try again.".into(),
        ))
    }

    /// Does one action in a space the viewer is a partner in: authorize, decide, append.
    pub(super) async fn act(
        &self,
        session: &Session,
        space: SpaceId,
        command: impl Fn() -> Command,
    ) -> Result<(), AppError> {
        self.space_for(session.person, space).await?;
        self.record(space, session.person, command, &[]).await
    }

    #[tracing::instrument(skip_all)]
    pub async fn create_space(&self, session: &Session, name: &str) -> Result<SpaceId, AppError> {
        let name = SpaceName::parse(name).map_err(|e| AppError::invalid("name", e))?;
        let me = self.whoami(session).await?;
        let display_name =
            DisplayName::parse(&me.display_name).map_err(|e| AppError::invalid("name", e))?;
        let space = SpaceId::random();
        let now = self.clock().now_secs();
        let effects = [
            Effect::CreateSpace { created_at: now },
            Effect::AddMember {
                person: session.person,
                joined_at: now,
            },
        ];
        let command = || Command::Create {
            name: name.clone(),
            display_name: display_name.clone(),
        };
        self.record(space, session.person, command, &effects)
            .await?;
        tracing::info!(%space, "space created");
        // The space is committed now, so the answer must say so: an error here would tell
        // the person nothing was saved. Without a link, the space page offers to make one.
        if let Err(err) = self.new_invite(session, space).await {
            tracing::warn!(error = %err, %space, "space created, but its first invite link was not");
        }
        Ok(space)
    }

    /// Makes a new single-use invite link for a space that is waiting for its second
    /// partner; any earlier link stops working. The link is kept with this session only.
    #[tracing::instrument(skip_all, fields(space = %space))]
    pub async fn new_invite(&self, session: &Session, space: SpaceId) -> Result<(), AppError> {
        let state = self.space_for(session.person, space).await?;
        if state.is_full() {
            return Err(AppError::Refused(
                "Both partners are already here, so no invite is needed.".into(),
            ));
        }
        let token = random_token();
        let now = self.clock().now_secs();
        let ttl = i64::try_from(self.settings().invite_ttl.as_secs()).unwrap_or(i64::MAX);
        let row = InviteRow {
            token_hash: token_hash(&token),
            space_id: space.to_string(),
            created_by: session.person.to_string(),
            created_at: now,
            expires_at: now.saturating_add(ttl),
            used_at: None,
            used_by: None,
            revoked_at: None,
        };
        self.store().replace_invite(&row).await?;
        let flash = serde_json::to_string(&InviteFlash {
            space: space.to_string(),
            token,
        })
        .map_err(anyhow::Error::new)?;
        self.store()
            .set_flash(&session.id_hash, Some(&flash))
            .await?;
        Ok(())
    }

    /// The invite link to show on a space's page: only to the session that made it, and
    /// only while it can still be used.
    pub async fn pending_invite_link(
        &self,
        session: &Session,
        state: &SpaceState,
    ) -> Result<Option<String>, AppError> {
        let Some(flash) = session.flash.as_deref() else {
            return Ok(None);
        };
        let Ok(flash) = serde_json::from_str::<InviteFlash>(flash) else {
            return Ok(None);
        };
        if flash.space != state.id.to_string() {
            return Ok(None);
        }
        let usable = if state.is_full() {
            false
        } else {
            match self.check_invite(&flash.token).await {
                Ok(_) => true,
                Err(AppError::Invite(_)) => false,
                Err(e) => return Err(e),
            }
        };
        if !usable {
            // The raw token is kept with the session only while it can still be used.
            self.store().set_flash(&session.id_hash, None).await?;
            return Ok(None);
        }
        Ok(Some(format!(
            "{}/invite/{}",
            self.settings().base_url,
            flash.token
        )))
    }

    /// The invite row and space behind a token, if the link can still be used.
    async fn check_invite(&self, token: &str) -> Result<(InviteRow, Arc<SpaceState>), AppError> {
        let row = self
            .store()
            .invite(&token_hash(token))
            .await?
            .ok_or(AppError::Invite(InviteProblem::Unknown))?;
        let now = self.clock().now_secs();
        let problem = if row.used_at.is_some() {
            Some(InviteProblem::Used)
        } else if row.revoked_at.is_some() {
            Some(InviteProblem::Replaced)
        } else if row.expires_at <= now {
            Some(InviteProblem::Expired)
        } else {
            None
        };
        if let Some(problem) = problem {
            return Err(AppError::Invite(problem));
        }
        let space: SpaceId = row
            .space_id
            .parse()
            .map_err(|_| anyhow::anyhow!("stored space id"))?;
        let state = self
            .load_state(space)
            .await?
            .ok_or(AppError::Invite(InviteProblem::Unknown))?;
        Ok((row, state))
    }

    /// What an invite link leads to. A full space is reported as such, except to its partners.
    pub async fn view_invite(
        &self,
        viewer: Option<PersonId>,
        token: &str,
    ) -> Result<InviteView, AppError> {
        let (_, state) = self.check_invite(token).await?;
        let viewer_is_partner = viewer.is_some_and(|v| state.is_partner(v));
        if state.is_full() && !viewer_is_partner {
            return Err(AppError::Invite(InviteProblem::Full));
        }
        let inviter_name = state
            .partners
            .first()
            .map(|p| p.display_name.clone())
            .unwrap_or_default();
        Ok(InviteView {
            space: state.id,
            space_name: state.name.clone(),
            inviter_name,
            viewer_is_partner,
        })
    }

    /// Joins the space behind an invite link, using the link up.
    #[tracing::instrument(skip_all)]
    pub async fn join(&self, session: &Session, token: &str) -> Result<SpaceId, AppError> {
        let (row, state) = self.check_invite(token).await?;
        let me = self.whoami(session).await?;
        let display_name =
            DisplayName::parse(&me.display_name).map_err(|e| AppError::invalid("name", e))?;
        let now = self.clock().now_secs();
        let effects = [
            Effect::ConsumeInvite {
                token_hash: row.token_hash,
                by: session.person,
                at: now,
            },
            Effect::AddMember {
                person: session.person,
                joined_at: now,
            },
        ];
        let command = || Command::Join {
            display_name: display_name.clone(),
        };
        self.record(state.id, session.person, command, &effects)
            .await?;
        tracing::info!(space = %state.id, "partner joined");
        Ok(state.id)
    }

    /// The spaces the viewer belongs to.
    pub async fn spaces_of(&self, session: &Session) -> Result<Vec<SpaceSummary>, AppError> {
        let ids = self.store().spaces_of(session.person).await?;
        let mut out = Vec::with_capacity(ids.len());
        for id in ids {
            if let Some(state) = self.load_state(id).await? {
                out.push(SpaceSummary {
                    id,
                    name: state.name.clone(),
                    partner_name: state
                        .partner_of(session.person)
                        .map(|p| p.display_name.clone()),
                });
            }
        }
        Ok(out)
    }

    /// The whole record of a space the viewer is a partner in, with its state. Content the
    /// viewer may not see yet (a partner's sealed check-in answer) is withheld: the event
    /// keeps its place, digest and hash, so the chain still verifies.
    pub async fn read_record(
        &self,
        viewer: PersonId,
        space: SpaceId,
    ) -> Result<(Arc<SpaceState>, Vec<RecordedEvent>), AppError> {
        // Membership first: an outsider's request costs one indexed read, whatever the
        // size of the record, so its timing says nothing about the space.
        self.space_for(viewer, space).await?;
        let mut events = self.store().events_after(space, 0).await?;
        // The state is loaded after the events, so it has seen at least as much as they show.
        let state = self.space_for(viewer, space).await?;
        let now = self.clock().now_us();
        for event in &mut events {
            if space::withheld_from(&state, viewer, event, now) {
                event.body = None;
                event.salt = None;
            }
        }
        Ok((state, events))
    }
}

fn draft(ctx: &Ctx, event: &SpaceEvent) -> Draft {
    Draft {
        at_us: ctx.now_us,
        author: ctx.actor.to_string(),
        kind: event.kind().to_owned(),
        body: event.body(),
    }
}
