//! A counsellor in the room: inviting one, their link, consent, ending, their notes, what
//! they may read, and the log of every page they open.
//!
//! What a counsellor may see is decided here, from the couple's record, on every request:
//! an ending recorded by another server on the same database takes effect on the next
//! request here too, because every request reads the record's head first.

use std::sync::Arc;

use super::{
    App, AppError, Dashboard, InviteProblem, Session, SpaceHead, random_token, token_hash,
};
use crate::domain::counsel::{self, Access, CounsellorName, NoteText, Practice, Scope};
use crate::domain::record::{self, RecordedEvent};
use crate::domain::seen::Marks;
use crate::domain::space::{self, Command, SpaceState};
use crate::domain::{EntryId, PersonId, SpaceId};
use crate::store::{CounsellorInviteRow, Effect, LookRow};

/// What a counsellor's link leads to.
#[derive(Debug, Clone)]
pub struct CounsellorInviteView {
    pub space_name: String,
    pub inviter_name: String,
    /// What the inviting partner called the counsellor.
    pub name: String,
    /// The viewer is one of the partners (who cannot be the counsellor too).
    pub viewer_is_partner: bool,
}

/// Who reads a space's page: one of its partners, or its counsellor with what both
/// partners agreed they may see.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReadAs {
    Partner,
    Counsellor { scope: Scope, engagement: EntryId },
}

/// A couple the viewer counsels (or was invited to), for their home page.
#[derive(Debug, Clone)]
pub struct Counselled {
    pub space: SpaceId,
    pub space_name: String,
    pub engagement: EntryId,
    pub since_us: i64,
    /// `None` while both partners have not agreed.
    pub scope: Option<Scope>,
    /// When anything was last added to the space's record.
    pub last_at_us: i64,
}

impl App {
    /// A partner invites a counsellor: the engagement goes into the record, and the
    /// link's token (kept only as a hash) is returned to be shown once.
    #[tracing::instrument(skip_all, fields(space = %space))]
    pub async fn invite_counsellor(
        &self,
        session: &Session,
        space: SpaceId,
        name: &str,
    ) -> Result<String, AppError> {
        let name = CounsellorName::parse(name).map_err(|e| AppError::invalid("name", e))?;
        let engagement = EntryId::random();
        self.act(session, space, || {
            Command::Counsel(counsel::Command::Invite {
                engagement,
                name: name.clone(),
            })
        })
        .await?;
        let token = random_token();
        let now = self.clock().now_secs();
        let ttl = i64::try_from(self.settings().invite_ttl.as_secs()).unwrap_or(i64::MAX);
        self.store()
            .replace_counsellor_invite(&CounsellorInviteRow {
                token_hash: token_hash(&token),
                space_id: space.to_string(),
                engagement: engagement.to_string(),
                created_by: session.person.to_string(),
                created_at: now,
                expires_at: now.saturating_add(ttl),
                used_at: None,
                used_by: None,
                revoked_at: None,
            })
            .await?;
        tracing::info!(%space, "counsellor invited");
        Ok(token)
    }

    /// The link's row and the space, if the link can still be used.
    async fn check_counsellor_invite(
        &self,
        token: &str,
    ) -> Result<(CounsellorInviteRow, Arc<SpaceState>, EntryId), AppError> {
        let row = self
            .store()
            .counsellor_invite(&token_hash(token))
            .await?
            .ok_or(AppError::Invite(InviteProblem::Unknown))?;
        let now = self.clock().now_secs();
        if row.used_at.is_some() || row.revoked_at.is_some() {
            return Err(AppError::Invite(InviteProblem::CounsellorLinkUsed));
        }
        if row.expires_at <= now {
            return Err(AppError::Invite(InviteProblem::CounsellorLinkExpired));
        }
        let space: SpaceId = row
            .space_id
            .parse()
            .map_err(|_| anyhow::anyhow!("stored space id"))?;
        let engagement: EntryId = row
            .engagement
            .parse()
            .map_err(|_| anyhow::anyhow!("stored engagement id"))?;
        let state = self
            .load_state(space)
            .await?
            .ok_or(AppError::Invite(InviteProblem::Unknown))?;
        // An invitation ended in the record (withdrawn, replaced) is a used link.
        match state.counsel.open() {
            Some(e) if e.id == engagement && e.counsellor.is_none() => {}
            _ => return Err(AppError::Invite(InviteProblem::CounsellorLinkUsed)),
        }
        Ok((row, state, engagement))
    }

    /// What a counsellor's link leads to.
    pub async fn view_counsellor_invite(
        &self,
        viewer: Option<PersonId>,
        token: &str,
    ) -> Result<CounsellorInviteView, AppError> {
        let (row, state, engagement) = self.check_counsellor_invite(token).await?;
        let inviter = row.created_by.parse::<PersonId>().ok();
        let inviter_name = state
            .partners
            .iter()
            .find(|p| Some(p.person) == inviter)
            .map(|p| p.display_name.clone())
            .unwrap_or_default();
        Ok(CounsellorInviteView {
            space_name: state.name.clone(),
            inviter_name,
            name: state
                .counsel
                .engagement(engagement)
                .map(|e| e.name.clone())
                .unwrap_or_default(),
            viewer_is_partner: viewer.is_some_and(|v| state.is_partner(v)),
        })
    }

    /// Opens a counsellor's link: the viewer becomes the couple's counsellor, pending until
    /// both partners agree. A partner of the space is refused.
    #[tracing::instrument(skip_all)]
    pub async fn join_as_counsellor(
        &self,
        session: &Session,
        token: &str,
    ) -> Result<SpaceId, AppError> {
        let (row, state, engagement) = self.check_counsellor_invite(token).await?;
        let me = self.whoami(session).await?;
        let now = self.clock().now_secs();
        let effects = [
            Effect::ConsumeCounsellorInvite {
                token_hash: row.token_hash,
                by: session.person,
                at: now,
            },
            Effect::AddCounsellor {
                person: session.person,
                engagement: engagement.to_string(),
                joined_at: now,
            },
        ];
        let command = || {
            Command::Counsel(counsel::Command::Join {
                engagement,
                display_name: me.display_name.clone(),
            })
        };
        self.record(state.id, session.person, command, &effects)
            .await?;
        tracing::info!(space = %state.id, "counsellor opened their link");
        Ok(state.id)
    }

    /// A partner agrees to what the counsellor may see, or changes what they agreed to.
    pub async fn consent_to_counsellor(
        &self,
        session: &Session,
        space: SpaceId,
        engagement: EntryId,
        scope: &str,
    ) -> Result<(), AppError> {
        let scope = Scope::parse(scope).map_err(AppError::from)?;
        self.act(session, space, || {
            Command::Counsel(counsel::Command::Consent { engagement, scope })
        })
        .await
    }

    /// A partner ends the counsellor's access (or withdraws the invitation), at once.
    pub async fn end_counsellor(
        &self,
        session: &Session,
        space: SpaceId,
        engagement: EntryId,
    ) -> Result<(), AppError> {
        self.act(session, space, || {
            Command::Counsel(counsel::Command::End { engagement })
        })
        .await?;
        // The record already refuses the link; the row follows so it reads as used.
        if let Err(err) = self
            .store()
            .revoke_counsellor_invites(space, self.clock().now_secs())
            .await
        {
            tracing::warn!(error = %err, %space, "counsellor link not marked revoked");
        }
        tracing::info!(%space, "counsellor access ended by a partner");
        Ok(())
    }

    /// Where the viewer stands as a space's counsellor: `NotFound` unless they are its
    /// pending or active counsellor.
    async fn counselling(
        &self,
        session: &Session,
        space: SpaceId,
    ) -> Result<Arc<SpaceState>, AppError> {
        let state = self.load_state(space).await?.ok_or(AppError::NotFound)?;
        match state.counsellor_access(session.person) {
            Access::None => Err(AppError::NotFound),
            Access::Pending(_) | Access::Active(..) => Ok(state),
        }
    }

    /// The counsellor steps away from a couple.
    pub async fn step_away(
        &self,
        session: &Session,
        space: SpaceId,
        engagement: EntryId,
    ) -> Result<(), AppError> {
        self.counselling(session, space).await?;
        self.record(
            space,
            session.person,
            || Command::Counsel(counsel::Command::StepAway { engagement }),
            &[],
        )
        .await?;
        tracing::info!(%space, "counsellor stepped away");
        Ok(())
    }

    /// The active counsellor leaves a note (or suggests a practice) for both partners.
    pub async fn add_counsel_note(
        &self,
        session: &Session,
        space: SpaceId,
        text: &str,
        practice: &str,
    ) -> Result<(), AppError> {
        self.counsellor_state(session, space).await?;
        let text = NoteText::parse(text).map_err(|e| AppError::invalid("text", e))?;
        let practice = Practice::parse_optional(practice).map_err(AppError::from)?;
        let id = EntryId::random();
        self.record(
            space,
            session.person,
            || {
                Command::Counsel(counsel::Command::Note {
                    id,
                    text: text.clone(),
                    practice,
                })
            },
            &[],
        )
        .await
    }

    /// The space as its active counsellor may read it, and what they may read. Anyone
    /// else (a pending or former counsellor, a partner, a stranger) is "not found".
    pub async fn counsellor_state(
        &self,
        session: &Session,
        space: SpaceId,
    ) -> Result<(Arc<SpaceState>, Scope), AppError> {
        let state = self.load_state(space).await?.ok_or(AppError::NotFound)?;
        match state.counsellor_access(session.person) {
            Access::Active(_, scope) => Ok((state.clone(), scope)),
            Access::None | Access::Pending(_) => Err(AppError::NotFound),
        }
    }

    /// A space whose page needs at least `needs` to be read: its partners read it, and so
    /// does its active counsellor when both partners agreed to that much. Anyone else is
    /// "not found", the same as for a space that does not exist.
    /// A partner also gets their own marks in the space, read with its head.
    pub async fn space_to_read(
        &self,
        session: &Session,
        space: SpaceId,
        needs: Scope,
        known: Option<SpaceHead>,
    ) -> Result<(Arc<SpaceState>, ReadAs, Marks), AppError> {
        let (state, marks) = self
            .load_state_marked(space, session.person, known)
            .await?
            .ok_or(AppError::NotFound)?;
        if state.is_partner(session.person) {
            return Ok((state, ReadAs::Partner, marks));
        }
        match state.counsellor_access(session.person) {
            Access::Active(e, scope) if scope >= needs => {
                let reader = ReadAs::Counsellor {
                    scope,
                    engagement: e.id,
                };
                // A counsellor marks nothing (`counsellor_dashboard`).
                Ok((state.clone(), reader, Marks::default()))
            }
            _ => Err(AppError::NotFound),
        }
    }

    /// The dashboard as the active counsellor reads it: nothing is recorded (milestones are
    /// celebrated by the partners), and the newest events only when they may see the record.
    pub async fn counsellor_dashboard(
        &self,
        session: &Session,
        space: SpaceId,
    ) -> Result<(Dashboard, Vec<RecordedEvent>), AppError> {
        let (state, scope) = self.counsellor_state(session, space).await?;
        let now_us = self.clock().now_us();
        let recent = if scope >= Scope::Record {
            self.recent(&state, session.person, now_us).await?
        } else {
            Vec::new()
        };
        let dashboard = Dashboard {
            state,
            now_us,
            // A counsellor marks nothing: what is new is the partners' to see.
            marks: crate::domain::seen::Marks::default(),
        };
        Ok((dashboard, recent))
    }

    /// The shared record as the active counsellor may read it: only with the record in their
    /// scope, and without what a partner has not shared yet (a sealed answer is left out
    /// altogether, so nothing on their page changes with it).
    pub async fn counsellor_record(
        &self,
        session: &Session,
        space: SpaceId,
    ) -> Result<(Arc<SpaceState>, Vec<RecordedEvent>, bool), AppError> {
        match self.counsellor_state(session, space).await? {
            (_, Scope::Record) => {}
            _ => return Err(AppError::NotFound),
        }
        let events = self.store().events_after(space, 0).await?;
        let (state, _) = self.counsellor_state(session, space).await?;
        let verified = record::verify(&events).is_ok();
        let now = self.clock().now_us();
        let shown = events
            .into_iter()
            .filter(|e| e.seq <= state.head_seq)
            .filter(|e| !space::withheld_from(&state, session.person, e, now))
            .collect();
        Ok((state, shown, verified))
    }

    /// Notes in the access log that the counsellor opened `page`. A page that cannot be
    /// logged is not shown: the partners were promised every look is in the log.
    pub async fn note_look(
        &self,
        session: &Session,
        space: SpaceId,
        page: &str,
    ) -> Result<(), AppError> {
        self.store()
            .note_look(space, session.person, self.clock().now_us(), page)
            .await?;
        Ok(())
    }

    /// The access log as the viewer may see it: every look, for a partner; their own, for
    /// the space's active counsellor.
    pub async fn access_log(
        &self,
        session: &Session,
        state: &SpaceState,
    ) -> Result<Vec<LookRow>, AppError> {
        let mut looks = self.store().looks(state.id).await?;
        if !state.is_partner(session.person) {
            let me = session.person.to_string();
            looks.retain(|l| l.person_id == me);
        }
        Ok(looks)
    }

    /// The couples the viewer was invited to counsel and still does (pending or active).
    pub async fn counselled(&self, session: &Session) -> Result<Vec<Counselled>, AppError> {
        let ids = self.store().counselled_by(session.person).await?;
        let mut out = Vec::with_capacity(ids.len());
        for id in ids {
            let Some(state) = self.load_state(id).await? else {
                continue;
            };
            let (engagement, scope) = match state.counsellor_access(session.person) {
                Access::None => continue,
                Access::Pending(e) => (e, None),
                Access::Active(e, scope) => (e, Some(scope)),
            };
            out.push(Counselled {
                space: id,
                space_name: state.name.clone(),
                engagement: engagement.id,
                since_us: engagement
                    .counsellor
                    .as_ref()
                    .map_or(engagement.invited_at_us, |c| c.joined_at_us),
                scope,
                last_at_us: state.last_at_us,
            });
        }
        Ok(out)
    }
}
