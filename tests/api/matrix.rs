//! The route × role matrix: every path the router serves (`goldseam::web::route_paths()`),
//! tried with GET and with POST by every role, each answer written in one table below. A
//! route added without its rows fails here, and so does a row for a route that is gone.
//!
//! Requests carry nothing but the role's cookies and, on POST, the role's CSRF token: the
//! table says who reaches which handler and what it answers to an empty form. Every GET and
//! every POST that is not a partner's success is checked to have written nothing, in the
//! couple's space or in the stranger's own.

use std::collections::{BTreeMap, BTreeSet};
use std::time::Duration;

use goldseam::web::CSRF_FIELD;
use reqwest::StatusCode;

use crate::helpers::{
    Backend, Client, PASSWORD, TestApp, breach_recorded_by_alex, consent_to, counsellor_for,
    couple, engagement_of, event_count, ok, proposal_of, set_rhythm, spawn_app_long,
};

crate::on_both_databases!(every_route_answers_every_role_as_the_table_says);

/// Who asks: the table's columns, in this order. A new kind of reader (a counsellor, say)
/// is one more variant here, one more column in the table, and one more session in
/// [`Cast::session`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Role {
    /// No cookies at all, and no CSRF token on a POST.
    Anonymous,
    /// Sam, who created the couple's space.
    PartnerA,
    /// Alex, who joined it through the invite link.
    PartnerB,
    /// Kim, signed in and a partner of another space (Kim & Lee's).
    Stranger,
    /// A counsellor who opened the link of a couple of their own, of whom one partner has
    /// consented: still pending. Tries that couple's space.
    CounsellorPending,
    /// A counsellor both partners of their couple agreed may see progress only.
    CounsellorProgress,
    /// A counsellor both partners of their couple agreed may see the record too.
    CounsellorRecord,
    /// A counsellor who had the record, until a partner of their couple ended their access.
    CounsellorRevoked,
    /// The active counsellor (with the record) of Kim & Lee: tries the couple's space.
    OtherCounsellor,
    /// Uma, who left the furnished space she shared with Val: tries that space, which she
    /// no longer sees.
    PartnerLeft,
}

const ROLES: [Role; 10] = [
    Role::Anonymous,
    Role::PartnerA,
    Role::PartnerB,
    Role::Stranger,
    Role::CounsellorPending,
    Role::CounsellorProgress,
    Role::CounsellorRecord,
    Role::CounsellorRevoked,
    Role::OtherCounsellor,
    Role::PartnerLeft,
];

impl Role {
    fn name(self) -> &'static str {
        match self {
            Role::Anonymous => "anonymous",
            Role::PartnerA => "partner A",
            Role::PartnerB => "partner B",
            Role::Stranger => "stranger",
            Role::CounsellorPending => "counsellor pending",
            Role::CounsellorProgress => "counsellor with progress",
            Role::CounsellorRecord => "counsellor with the record",
            Role::CounsellorRevoked => "counsellor revoked",
            Role::OtherCounsellor => "another space's counsellor",
            Role::PartnerLeft => "a partner who left",
        }
    }

    /// Whether this role may write to the couple's record at all: only then may one of its
    /// POSTs that succeeds (303) add events.
    fn is_partner(self) -> bool {
        matches!(self, Role::PartnerA | Role::PartnerB)
    }
}

/// One row per (method, path), run from top to bottom, each row's cells left to right; rows
/// that change the fixture for good come last.
///
/// Columns: anonymous · partner A (Sam, who made the space and broke trust in the breach) ·
/// partner B (Alex, who joined, was hurt, and asked the question) · stranger (Kim, a partner
/// of another space) · four counsellors, each of a furnished couple of their own and trying
/// that couple's space: pending (one partner consented), with progress, with the record,
/// revoked · another space's counsellor (Kim & Lee's, with the record), trying this one ·
/// a partner who left (Uma, who left the furnished space she shared with Val, trying it).
/// `{id}` is the couple's space, `{entry}` a fixture entry of the kind
/// its path names, `{chart}` a real chart file, `{period}` the running check-in week (its start date), `{token}` an unused invite to a fourth
/// person's space (after `/counsel/`: an unused counsellor's link of a couple nobody here is
/// in).
///
/// A cell is the status that should be answered. `404(422)` is a known bug: 404 is right,
/// 422 is what the app answers today, and the cell fails once the app answers 404 (then
/// write 404 alone). `// BUG:` says what is wrong.
const MATRIX: &str = "
// what path                                        anon partner-A partner-B stranger  c-pending c-progress c-record c-revoked other-c  left
GET  /                                              200  200       200       200       200       200       200       200       200       200
POST /                                              403  405       405       405       405       405       405       405       405       405
GET  /spaces                                        405  405       405       405       405       405       405       405       405       405
POST /spaces                                        403  303       303       303       303       303       303       303       303       303  // an empty name is Our space: each makes one
GET  /spaces/{id}/invite                            405  405       405       405       405       405       405       405       405       405
POST /spaces/{id}/invite                            403  409       409       404       404       404       404       404       404       404  // the space is full
GET  /signup                                        200  303       303       303       303       303       303       303       303       303
POST /signup                                        403  422       422       422       422       422       422       422       422       422
GET  /login                                         200  303       303       303       303       303       303       303       303       303
POST /login                                         403  422       422       422       422       422       422       422       422       422
GET  /logout                                        405  405       405       405       405       405       405       405       405       405
POST /logout                                        403  303       303       303       303       303       303       303       303       303
GET  /logout/everywhere                             405  405       405       405       405       405       405       405       405       405
POST /logout/everywhere                             403  303       303       303       303       303       303       303       303       303
GET  /account                                       303  200       200       200       200       200       200       200       200       200
POST /account                                       403  405       405       405       405       405       405       405       405       405
GET  /account/time-zone                             405  405       405       405       405       405       405       405       405       405
POST /account/time-zone                             403  303       303       303       303       303       303       303       303       303  // an empty zone is UTC
GET  /account/password                              405  405       405       405       405       405       405       405       405       405
POST /account/password                              403  422       422       422       422       422       422       422       422       422
GET  /account/quick-exit                            405  405       405       405       405       405       405       405       405       405
POST /account/quick-exit                            403  422       422       422       422       422       422       422       422       422
GET  /account/erase                                 303  200       200       200       200       200       200       200       200       200
POST /account/erase                                 403  422       422       422       422       422       422       422       422       422  // no password, no tick: nothing erased
GET  /account/reminders                             303  200       200       200       200       200       200       200       200       200
POST /account/reminders                             403  409       409       409       409       409       409       409       409       409  // this server sends no mail: nothing saved
GET  /reminders/unsubscribe/{token}                 404  404       404       404       404       404       404       404       404       404  // an invite's token is no reminder's link
POST /reminders/unsubscribe/{token}                 404  404       404       404       404       404       404       404       404       404  // outside the guard (a mail client posts it with no token), and an unknown link stops nothing
GET  /account/calendar                              405  405       405       405       405       405       405       405       405       405
POST /account/calendar                              403  200       200       200       200       200       200       200       200       200  // a new calendar address, shown this once (writes no record)
GET  /account/calendar/off                          405  405       405       405       405       405       405       405       405       405
POST /account/calendar/off                          403  303       303       303       303       303       303       303       303       303  // nothing to turn off is no error
GET  /calendar/{token}/reminders.ics                404  404       404       404       404       404       404       404       404       404  // an invite's token is no feed's: no session needed, none helps
POST /calendar/{token}/reminders.ics                403  405       405       405       405       405       405       405       405       405
GET  /signup/sent                                   200  200       200       200       200       200       200       200       200       200
POST /signup/sent                                   403  405       405       405       405       405       405       405       405       405
GET  /signup/confirm/{token}                        404  404       404       404       404       404       404       404       404       404  // an unknown link (this server sends no mail)
POST /signup/confirm/{token}                        403  404       404       404       404       404       404       404       404       404
GET  /password/forgot                               200  200       200       200       200       200       200       200       200       200
POST /password/forgot                               403  409       409       409       409       409       409       409       409       409  // this server sends no mail
GET  /password/reset/{token}                        404  404       404       404       404       404       404       404       404       404
POST /password/reset/{token}                        403  404       404       404       404       404       404       404       404       404
GET  /spaces/{id}/record                            303  200       200       404       404       404       200       404       404       404  // the record only for a counsellor both agreed may see it
POST /spaces/{id}/record                            403  405       405       405       405       405       405       405       405       405
GET  /spaces/{id}/export                            303  200       200       404       404       404       404       404       404       404  // a counsellor never keeps a copy
POST /spaces/{id}/export                            403  405       405       405       405       405       405       405       405       405
GET  /spaces/{id}                                   303  200       200       404       404       200       200       404       404       404  // progress: the dashboard, read-only
POST /spaces/{id}                                   403  405       405       405       405       405       405       405       405       405
GET  /spaces/{id}/summary                           303  200       200       404       404       200       200       404       404       404
POST /spaces/{id}/summary                           403  405       405       405       405       405       405       405       405       405
GET  /spaces/{id}/charts/{chart}                    303  200       200       404       404       200       200       404       404       404
POST /spaces/{id}/charts/{chart}                    403  405       405       405       405       405       405       405       405       405
GET  /spaces/{id}/breaches                          303  200       200       404       404       404       404       404       404       404
POST /spaces/{id}/breaches                          403  422       422       404       404       404       404       404       404       404
GET  /spaces/{id}/breaches/{entry}                  303  200       200       404       404       404       404       404       404       404
POST /spaces/{id}/breaches/{entry}                  403  405       405       405       405       405       405       405       405       405
GET  /spaces/{id}/breaches/{entry}/acknowledge      405  405       405       405       405       405       405       405       405       405
POST /spaces/{id}/breaches/{entry}/acknowledge      403  422       422       404       404       404       404       404       404       404
GET  /spaces/{id}/breaches/{entry}/disclosure       405  405       405       405       405       405       405       405       405       405
POST /spaces/{id}/breaches/{entry}/disclosure       403  422       422       404       404       404       404       404       404       404
GET  /spaces/{id}/breaches/{entry}/read             405  405       405       405       405       405       405       405       405       405
POST /spaces/{id}/breaches/{entry}/read             403  409       303       404       404       404       404       404       404       404
GET  /spaces/{id}/entries/{entry}/withdraw          405  405       405       405       405       405       405       405       405       405
POST /spaces/{id}/entries/{entry}/withdraw          403  404       409       404       404       404       404       404       404       404
GET  /spaces/{id}/welcome                           405  405       405       405       405       405       405       405       405       405
POST /spaces/{id}/welcome                           403  303       303       404       404       404       404       404       404       404
GET  /spaces/{id}/record/{seq}/redact               303  403       409       404       404       404       404       404       404       404
POST /spaces/{id}/record/{seq}/redact               403  403       409       404       404       404       404       404       404       404
GET  /spaces/{id}/leave                             303  200       200       404       404       404       404       404       404       404
POST /spaces/{id}/leave                             403  200       200       404       404       404       404       404       404       404
GET  /spaces/{id}/end-apart                         303  200       200       404       404       404       404       404       404       404
POST /spaces/{id}/end-apart                         403  200       200       404       404       404       404       404       404       404
GET  /spaces/{id}/questions                         303  200       200       404       404       404       404       404       404       404
POST /spaces/{id}/questions                         403  422       422       404       404       404       404       404       404       404
GET  /spaces/{id}/questions/{entry}                 303  200       200       404       404       404       404       404       404       404
POST /spaces/{id}/questions/{entry}                 403  405       405       405       405       405       405       405       405       405
GET  /spaces/{id}/questions/{entry}/answer          405  405       405       405       405       405       405       405       405       405
POST /spaces/{id}/questions/{entry}/answer          403  422       422       404       404       404       404       404       404       404
GET  /spaces/{id}/questions/{entry}/settle          405  405       405       405       405       405       405       405       405       405
POST /spaces/{id}/questions/{entry}/settle          403  403       303       404       404       404       404       404       404       404  // Alex asked it
GET  /spaces/{id}/questions/{entry}/again           405  405       405       405       405       405       405       405       405       405
POST /spaces/{id}/questions/{entry}/again           403  422       422       404       404       404       404       404       404       404
GET  /spaces/{id}/breaches/{entry}/apology          303  200       403       404       404       404       404       404       404       404  // Sam broke trust
POST /spaces/{id}/breaches/{entry}/apology          403  422       403       404       404       404       404       404       404       404
GET  /spaces/{id}/apologies/{entry}                 303  200       200       404       404       404       404       404       404       404
POST /spaces/{id}/apologies/{entry}                 403  405       405       405       405       405       405       405       405       405
GET  /spaces/{id}/apologies/{entry}/respond         405  405       405       405       405       405       405       405       405       405
POST /spaces/{id}/apologies/{entry}/respond         403  422       422       404       404       404       404       404       404       404
GET  /spaces/{id}/letters                           303  200       200       404       404       404       404       404       404       404
POST /spaces/{id}/letters                           403  422       422       404       404       404       404       404       404       404
GET  /spaces/{id}/letters/new                       303  200       200       404       404       404       404       404       404       404
POST /spaces/{id}/letters/new                       403  405       405       405       405       405       405       405       405       405
GET  /spaces/{id}/letters/{entry}                   303  200       200       404       404       404       404       404       404       404
POST /spaces/{id}/letters/{entry}                   403  405       405       405       405       405       405       405       405       405
GET  /spaces/{id}/promises                          303  200       200       404       404       404       404       404       404       404
POST /spaces/{id}/promises                          403  422       422       404       404       404       404       404       404       404
GET  /spaces/{id}/promises/{entry}                  303  200       200       404       404       404       404       404       404       404
POST /spaces/{id}/promises/{entry}                  403  405       405       405       405       405       405       405       405       405
GET  /spaces/{id}/promises/{entry}/actions          405  405       405       405       405       405       405       405       405       405
POST /spaces/{id}/promises/{entry}/actions          403  422       422       404       404       404       404       404       404       404
GET  /spaces/{id}/agreements                        303  200       200       404       404       404       404       404       404       404
POST /spaces/{id}/agreements                        403  422       422       404       404       404       404       404       404       404
GET  /spaces/{id}/agreements/{entry}                303  200       200       404       404       404       404       404       404       404
POST /spaces/{id}/agreements/{entry}                403  405       405       405       405       405       405       405       405       405
GET  /spaces/{id}/agreements/{entry}/actions        405  405       405       405       405       405       405       405       405       405
POST /spaces/{id}/agreements/{entry}/actions        403  422       422       404       404       404       404       404       404       404
GET  /spaces/{id}/breaches/{entry}/reports          405  405       405       405       405       405       405       405       405       405
POST /spaces/{id}/breaches/{entry}/reports          403  422       422       404       404       404       404       404       404       404
GET  /spaces/{id}/reports/{entry}/acknowledge       405  405       405       405       405       405       405       405       405       405
POST /spaces/{id}/reports/{entry}/acknowledge       403  403       303       404       404       404       404       404       404       404  // Sam reported, Alex acknowledges
GET  /spaces/{id}/checkins                          303  200       200       404       404       404       404       404       404       404
POST /spaces/{id}/checkins                          403  405       405       405       405       405       405       405       405       405
GET  /spaces/{id}/checkins/cadence                  405  405       405       405       405       405       405       405       405       405
POST /spaces/{id}/checkins/cadence                  403  422       422       404       404       404       404       404       404       404
GET  /spaces/{id}/checkins/cadence/{entry}          405  405       405       405       405       405       405       405       405       405
POST /spaces/{id}/checkins/cadence/{entry}          403  422       422       404       404       404       404       404       404       404  // no action chosen
GET  /spaces/{id}/checkins/{period}                 303  200       200       404       404       404       404       404       404       404  // the running week, side by side
POST /spaces/{id}/checkins/{period}                 403  405       405       405       405       405       405       405       405       405
GET  /spaces/{id}/checkins/answer                   405  405       405       405       405       405       405       405       405       405
POST /spaces/{id}/checkins/answer                   403  404       404       404       404       404       404       404       404       404  // no period sent: not found
GET  /spaces/{id}/together                          303  200       200       404       404       404       404       404       404       404
POST /spaces/{id}/together                          403  405       405       405       405       405       405       405       405       405
GET  /spaces/{id}/together/appreciations            405  405       405       405       405       405       405       405       405       405
POST /spaces/{id}/together/appreciations            403  422       422       404       404       404       404       404       404       404
GET  /spaces/{id}/together/plans                    405  405       405       405       405       405       405       405       405       405
POST /spaces/{id}/together/plans                    403  422       422       404       404       404       404       404       404       404
GET  /spaces/{id}/together/plans/{entry}/log        405  405       405       405       405       405       405       405       405       405
POST /spaces/{id}/together/plans/{entry}/log        403  303       409       404       404       404       404       404       404       404  // Sam logs it; then it is logged
GET  /spaces/{id}/together/plans/{entry}/felt       405  405       405       405       405       405       405       405       405       405
POST /spaces/{id}/together/plans/{entry}/felt       403  422       422       404       404       404       404       404       404       404
GET  /spaces/{id}/together/ideas                    405  405       405       405       405       405       405       405       405       405
POST /spaces/{id}/together/ideas                    403  422       422       404       404       404       404       404       404       404
GET  /spaces/{id}/together/goals                    405  405       405       405       405       405       405       405       405       405
POST /spaces/{id}/together/goals                    403  422       422       404       404       404       404       404       404       404
GET  /spaces/{id}/together/goals/{entry}/reached    405  405       405       405       405       405       405       405       405       405
POST /spaces/{id}/together/goals/{entry}/reached    403  303       409       404       404       404       404       404       404       404  // Sam marks it; then it is marked
GET  /spaces/{id}/pause                             303  200       200       404       404       404       404       404       404       404
POST /spaces/{id}/pause                             403  422       422       404       404       404       404       404       404       404  // no length chosen: nothing written
GET  /spaces/{id}/pause/end                         405  405       405       405       405       405       405       405       405       405
POST /spaces/{id}/pause/end                         403  409       409       404       404       404       404       404       404       404  // not on a break: nothing to end
GET  /spaces/{id}/together/goals/{entry}/confirm    405  405       405       405       405       405       405       405       405       405
POST /spaces/{id}/together/goals/{entry}/confirm    403  403       303       404       404       404       404       404       404       404  // the other partner confirms
GET  /spaces/{id}/stages                            303  200       200       404       404       404       404       404       404       404
POST /spaces/{id}/stages                            403  405       405       405       405       405       405       405       405       405
GET  /spaces/{id}/breaches/{entry}/pace             405  405       405       405       405       405       405       405       405       405
POST /spaces/{id}/breaches/{entry}/pace             403  422       422       404       404       404       404       404       404       404
GET  /spaces/{id}/breaches/{entry}/pace/topics      405  405       405       405       405       405       405       405       405       405
POST /spaces/{id}/breaches/{entry}/pace/topics      403  422       422       404       404       404       404       404       404       404
GET  /spaces/{id}/breaches/{entry}/stage            405  405       405       405       405       405       405       405       405       405
POST /spaces/{id}/breaches/{entry}/stage            403  422       422       404       404       404       404       404       404       404
GET  /spaces/{id}/breaches/{entry}/close            405  405       405       405       405       405       405       405       405       405
POST /spaces/{id}/breaches/{entry}/close            403  303       303       404       404       404       404       404       404       404  // Sam proposes closing; Alex, who was hurt, closes it
GET  /spaces/{id}/breaches/{entry}/close/answer     405  405       405       405       405       405       405       405       405       405
POST /spaces/{id}/breaches/{entry}/close/answer     403  422       422       404       404       404       404       404       404       404  // no answer chosen
GET  /spaces/{id}/breaches/{entry}/follow-up        303  200       200       404       404       404       404       404       404       404
POST /spaces/{id}/breaches/{entry}/follow-up        403  422       422       404       404       404       404       404       404       404  // no trust chosen: nothing written
GET  /spaces/{id}/breaches/{entry}/reopen           405  405       405       405       405       405       405       405       405       405
POST /spaces/{id}/breaches/{entry}/reopen           403  403       303       404       404       404       404       404       404       404  // only Alex, who was hurt, reopens
GET  /spaces/{id}/counsellor                        303  200       200       404       404       200       200       404       404       404
POST /spaces/{id}/counsellor                        403  405       405       405       405       405       405       405       405       405
GET  /spaces/{id}/counsellor/invite                 405  405       405       405       405       405       405       405       405       405
POST /spaces/{id}/counsellor/invite                 403  422       422       404       404       404       404       404       404       404  // empty name; only partners invite
GET  /spaces/{id}/counsellor/consent                405  405       405       405       405       405       405       405       405       405
POST /spaces/{id}/counsellor/consent                403  404       404       404       404       404       404       404       404       404  // no engagement sent: not found
GET  /spaces/{id}/counsellor/end                    405  405       405       405       405       405       405       405       405       405
POST /spaces/{id}/counsellor/end                    403  404       404       404       404       404       404       404       404       404
GET  /spaces/{id}/counsellor/notes                  405  405       405       405       405       405       405       405       405       405
POST /spaces/{id}/counsellor/notes                  403  404       404       404       404       422       422       404       404       404  // empty note; only an active counsellor writes one
GET  /spaces/{id}/counsellor/step-away              405  405       405       405       405       405       405       405       405       405
POST /spaces/{id}/counsellor/step-away              403  404       404       404       404       404       404       404       404       404  // no engagement sent: not found
GET  /journal                                       303  200       200       200       200       200       200       200       200       200  // each signed-in person's own journal
POST /journal                                       403  422       422       422       422       422       422       422       422       422
GET  /journal/export                                303  200       200       200       200       200       200       200       200       200
POST /journal/export                                403  405       405       405       405       405       405       405       405       405
GET  /journal/unlock                                405  405       405       405       405       405       405       405       405       405
POST /journal/unlock                                403  422       422       422       422       422       422       422       422       422
GET  /journal/recover                               405  405       405       405       405       405       405       405       405       405
POST /journal/recover                               403  422       422       422       422       422       422       422       422       422
GET  /journal/recovery                              405  405       405       405       405       405       405       405       405       405
POST /journal/recovery                              403  200       200       200       200       200       200       200       200       200  // a new recovery key, shown once (writes no record)
GET  /journal/recovery/confirm                      405  405       405       405       405       405       405       405       405       405
POST /journal/recovery/confirm                      403  303       303       303       303       303       303       303       303       303
GET  /journal/{entry}                               303  200       404       404       404       404       404       404       404       200  // Sam's entry: nobody else's, counsellors included
POST /journal/{entry}                               403  422       404       404       404       404       404       404       404       422  // her own journal stays hers after leaving
GET  /journal/{entry}/letter                        405  405       405       405       405       405       405       405       405       405
POST /journal/{entry}/letter                        403  404       404       404       404       404       404       404       404       404
GET  /journal/{entry}/delete                        405  405       405       405       405       405       405       405       405       405
POST /journal/{entry}/delete                        403  303       404       404       404       404       404       404       404       303  // Sam deletes his own entry; then it is gone
GET  /help/safety                                   200  200       200       200       200       200       200       200       200       200
POST /help/safety                                   403  405       405       405       405       405       405       405       405       405
GET  /help/approach                                 200  200       200       200       200       200       200       200       200       200
POST /help/approach                                 403  405       405       405       405       405       405       405       405       405
GET  /static/style.css                              200  200       200       200       200       200       200       200       200       200
POST /static/style.css                              403  405       405       405       405       405       405       405       405       405
GET  /static/app.js                                 200  200       200       200       200       200       200       200       200       200
POST /static/app.js                                 403  405       405       405       405       405       405       405       405       405
GET  /static/icon.svg                               200  200       200       200       200       200       200       200       200       200
POST /static/icon.svg                               403  405       405       405       405       405       405       405       405       405
GET  /favicon.ico                                   200  200       200       200       200       200       200       200       200       200
POST /favicon.ico                                   403  405       405       405       405       405       405       405       405       405
GET  /healthz                                       200  200       200       200       200       200       200       200       200       200
POST /healthz                                       403  405       405       405       405       405       405       405       405       405
GET  /readyz                                        200  200       200       200       200       200       200       200       200       200
POST /readyz                                        403  405       405       405       405       405       405       405       405       405
GET  /exit                                          405  405       405       405       405       405       405       405       405       405
POST /exit                                          303  303       303       303       303       303       303       303       303       303  // outside the guard: no token needed
GET  /weather                                       200  200       200       200       200       200       200       200       200       200
POST /weather                                       405  405       405       405       405       405       405       405       405       405
GET  /recipe                                        200  200       200       200       200       200       200       200       200       200
POST /recipe                                        405  405       405       405       405       405       405       405       405       405
GET  /static/plain.css                              200  200       200       200       200       200       200       200       200       200
POST /static/plain.css                              405  405       405       405       405       405       405       405       405       405
GET  /static/page.svg                               200  200       200       200       200       200       200       200       200       200
POST /static/page.svg                               405  405       405       405       405       405       405       405       405       405
// Last: Sam's join uses up the invite.
GET  /invite/{token}                                200  200       200       200       200       200       200       200       200       200
POST /invite/{token}                                403  303       410       410       410       410       410       410       410       410  // Sam joins Pat's space; then the link is used
GET  /counsel/{token}                               200  200       200       200       200       200       200       200       200       200
POST /counsel/{token}                               403  303       410       410       410       410       410       410       410       410  // Sam counsels Quinn's couple; then the link is used
";

/// The POSTs that end the session of whoever makes them: after one, that role signs in
/// again. Any other POST that ends a session is a mismatch.
const ENDS_SESSION: &[&str] = &["/logout", "/logout/everywhere", "/exit"];

/// A cell of the table: the status that should be answered, and for a known bug the one
/// answered today.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Cell {
    right: u16,
    today: Option<u16>,
}

impl Cell {
    /// `404`, or `404(422)` for a known bug.
    fn parse(word: &str) -> Option<Self> {
        match word.split_once('(') {
            None => Some(Self {
                right: word.parse().ok()?,
                today: None,
            }),
            Some((right, today)) => Some(Self {
                right: right.parse().ok()?,
                today: Some(today.strip_suffix(')')?.parse().ok()?),
            }),
        }
    }

    /// What is wrong with `actual` in this cell, if anything.
    fn check(self, actual: u16) -> Option<String> {
        match self.today {
            Some(today) if actual == today => None,
            Some(_) if actual == self.right => Some(format!(
                "answers {actual} now: the known bug is fixed, write {actual} alone"
            )),
            Some(today) => Some(format!(
                "expected {} (or {today} until its bug is fixed), got {actual}",
                self.right
            )),
            None if actual == self.right => None,
            None => Some(format!("expected {}, got {actual}", self.right)),
        }
    }
}

/// A row of the table.
struct Row {
    line: usize,
    method: &'static str,
    path: &'static str,
    cells: Vec<Cell>,
}

/// A row as the table writes it.
fn format_row(method: &str, path: &str, cells: &[String]) -> String {
    let mut row = format!("{method:<4} {path:<46} ");
    for (n, cell) in cells.iter().enumerate() {
        let width = if n == 0 { 5 } else { 10 };
        row.push_str(&format!("{cell:<width$}"));
    }
    row.trim_end().to_owned()
}

/// The table's rows, or what is wrong with its lines.
fn rows() -> Result<Vec<Row>, Vec<String>> {
    let mut rows = Vec::new();
    let mut problems = Vec::new();
    for (n, raw) in MATRIX.lines().enumerate() {
        let line = raw.split("//").next().unwrap_or("").trim();
        if line.is_empty() {
            continue;
        }
        let mut words = line.split_whitespace();
        let method = words.next().filter(|m| ["GET", "POST"].contains(m));
        let path = words.next().filter(|p| p.starts_with('/'));
        let cells: Option<Vec<Cell>> = words.map(Cell::parse).collect();
        match (method, path, cells) {
            (Some(method), Some(path), Some(cells)) if cells.len() == ROLES.len() => {
                rows.push(Row {
                    line: n,
                    method,
                    path,
                    cells,
                })
            }
            _ => problems.push(format!(
                "table line {n}, {raw:?}: needs GET or POST, a path and {} statuses",
                ROLES.len()
            )),
        }
    }
    if problems.is_empty() {
        Ok(rows)
    } else {
        Err(problems)
    }
}

/// Every served path needs a GET and a POST row, and every row a served path.
fn coverage(rows: &[Row]) -> Vec<String> {
    let served: BTreeSet<&str> = goldseam::web::route_paths().into_iter().collect();
    let mut problems = Vec::new();
    let mut seen = BTreeSet::new();
    for row in rows {
        if !seen.insert((row.method, row.path)) {
            problems.push(format!(
                "{} {} has more than one row (table line {})",
                row.method, row.path, row.line
            ));
        }
        if !served.contains(row.path) {
            problems.push(format!(
                "{} {} has a row (table line {}) but the router serves no such path",
                row.method, row.path, row.line
            ));
        }
    }
    for path in &served {
        for method in ["GET", "POST"] {
            if !seen.contains(&(method, *path)) {
                problems.push(format!(
                    "{method} {path} is served but has no row in the matrix"
                ));
            }
        }
    }
    problems
}

/// A space with one of every entry a path can name.
struct Furnished {
    /// `/spaces/ID`.
    space: String,
    /// Entry ids by the path segment that names their kind (`breaches`, `goals` …).
    entries: BTreeMap<&'static str, String>,
}

/// The signed-in roles and what the table's paths are filled with.
struct Cast {
    sam: Client,
    alex: Client,
    kim: Client,
    /// Sam and Alex's space.
    couple: Furnished,
    /// `/spaces/ID` of Kim and Lee.
    kims_space: String,
    /// An unused invite token of Pat's space, which none of the roles is in.
    token: String,
    /// An unused counsellor's link to a couple none of the roles is in.
    counsel_token: String,
    /// Each counsellor role's client, and the couple whose space it tries.
    counsellors: Vec<(Role, Client, Furnished)>,
    /// Uma, who left, and the space she left (Val stays in it).
    left: (Client, Furnished),
}

impl Cast {
    /// The role's signed-in client; `None` for anonymous, who gets a fresh one each time.
    fn session(&self, role: Role) -> Option<&Client> {
        match role {
            Role::Anonymous => None,
            Role::PartnerA => Some(&self.sam),
            Role::PartnerB => Some(&self.alex),
            Role::Stranger => Some(&self.kim),
            Role::PartnerLeft => Some(&self.left.0),
            _ => self.counsellor(role).map(|(client, _)| client),
        }
    }

    fn counsellor(&self, role: Role) -> Option<(&Client, &Furnished)> {
        self.counsellors
            .iter()
            .find(|(r, _, _)| *r == role)
            .map(|(_, client, couple)| (client, couple))
    }

    /// The space whose paths the role tries: a counsellor of a couple tries theirs, every
    /// other role (another space's counsellor too) Sam and Alex's.
    fn target(&self, role: Role) -> &Furnished {
        match role {
            Role::OtherCounsellor => &self.couple,
            Role::PartnerLeft => &self.left.1,
            role => self.counsellor(role).map_or(&self.couple, |(_, c)| c),
        }
    }

    /// `path` with its parameters filled in from `role`'s target space.
    fn fill(&self, role: Role, path: &str) -> Result<String, String> {
        let Furnished { space, entries } = self.target(role);
        let mut filled = Vec::new();
        let mut previous = "";
        for segment in path.split('/') {
            let value = match segment {
                "{id}" => space.trim_start_matches("/spaces/").to_owned(),
                "{token}" if previous == "counsel" => self.counsel_token.clone(),
                "{token}" => self.token.clone(),
                "{chart}" | "{file}" => CHART.to_owned(),
                // Entry 2 of the couple's record: Alex joining, words of nobody's.
                "{seq}" => "2".to_owned(),
                "{period}" => entries
                    .get("period")
                    .cloned()
                    .ok_or_else(|| format!("{path}: the fixture has no check-in period"))?,
                "{entry}" => entries
                    .get(previous)
                    .cloned()
                    .ok_or_else(|| format!("{path}: the fixture has no entry of {previous:?}"))?,
                s if s.starts_with('{') => {
                    return Err(format!("{path}: the fixture has nothing for {s}"));
                }
                s => s.to_owned(),
            };
            filled.push(value);
            previous = segment;
        }
        Ok(filled.join("/"))
    }
}

/// A chart's file name, as the dashboard links it.
const CHART: &str = "trust-1.svg";

/// A clean apology (nothing for the check to flag), as Sam sends it.
const APOLOGY: [(&str, &str); 6] = [
    (
        "what_i_did",
        "I opened a credit card in secret and hid the statements from you for a year.",
    ),
    (
        "how_it_affected_you",
        "You lost sleep over our savings, and you stopped believing what I say about money.",
    ),
    (
        "responsibility",
        "All of it: the card, the hiding, and the times I told you everything was fine.",
    ),
    (
        "changing",
        "I have closed the card and we now read every statement together on Sundays.",
    ),
    (
        "asking",
        "When and if you are ready, I would like to be forgiven. Until then I will keep showing you.",
    ),
    ("action", "send"),
];

/// A UTC date `days` from the app's clock, as "YYYY-MM-DD".
fn day(app: &TestApp, days: i64) -> String {
    let at = jiff::Timestamp::from_second(app.clock.now_secs() + days * 24 * 3600).expect("time");
    jiff::tz::TimeZone::UTC.to_datetime(at).date().to_string()
}

/// "YYYY-MM-DDTHH:MM", `hours` from the app's clock (UTC), as the plan form sends it.
fn local_time(app: &TestApp, hours: i64) -> String {
    let at = jiff::tz::TimeZone::UTC.to_datetime(
        jiff::Timestamp::from_second(app.clock.now_secs() + hours * 3600).expect("time"),
    );
    at.strftime("%Y-%m-%dT%H:%M").to_string()
}

/// The id after the first `marker` in `body` (up to the next `/`).
fn id_after(body: &str, marker: &str) -> String {
    body.split(marker)
        .nth(1)
        .and_then(|s| s.split(['/', '"']).next())
        .unwrap_or_else(|| panic!("no {marker} on the page"))
        .to_owned()
}

fn last_segment(path: &str) -> String {
    path.rsplit('/').next().unwrap_or_default().to_owned()
}

/// The couple's space with one of every entry a path can name, the stranger in a space of
/// their own, an unused invite of a space nobody here is in, and each counsellor role with
/// a furnished couple of its own.
async fn cast(app: &TestApp) -> Cast {
    let (sam, alex, space) = couple(app).await;
    let couple_entries = furnish(app, &sam, &alex, &space).await;

    // Kim and Lee share a space of their own, with a counsellor who may see the record;
    // Pat waits alone with an invite link.
    let kim = app.person("Kim").await;
    let kims_space = kim.create_space("Kim & Lee").await;
    let link = kim.invite_link(&kims_space).await;
    let lee = app.person("Lee").await;
    ok(&lee, &lee.path_of(&link), &[]).await;
    let other = counsellor_for(app, &kim, &lee, &kims_space, Some("record")).await;
    let pat = app.person("Pat").await;
    let pats_space = pat.create_space("Pat's").await;
    let token = last_segment(&pat.invite_link(&pats_space).await);
    let (quinn, _, quinns_space) = crate::helpers::couple(app).await;
    let counsel_token =
        last_segment(&crate::helpers::invite_counsellor(&quinn, &quinns_space).await);

    let mut counsellors = vec![(
        Role::OtherCounsellor,
        other,
        Furnished {
            space: kims_space.clone(),
            entries: BTreeMap::new(),
        },
    )];
    for role in [
        Role::CounsellorPending,
        Role::CounsellorProgress,
        Role::CounsellorRecord,
        Role::CounsellorRevoked,
    ] {
        let (a, b, theirs) = crate::helpers::couple(app).await;
        let entries = furnish(app, &a, &b, &theirs).await;
        let scope = match role {
            Role::CounsellorProgress => Some("progress"),
            Role::CounsellorRecord | Role::CounsellorRevoked => Some("record"),
            _ => None,
        };
        let counsellor = counsellor_for(app, &a, &b, &theirs, scope).await;
        match role {
            // One consent alone: still pending.
            Role::CounsellorPending => consent_to(&a, &theirs, "record").await,
            Role::CounsellorRevoked => {
                let engagement = engagement_of(&b, &theirs).await;
                ok(
                    &b,
                    &format!("{theirs}/counsellor/end"),
                    &[("engagement", &engagement)],
                )
                .await;
            }
            _ => {}
        }
        counsellors.push((
            role,
            counsellor,
            Furnished {
                space: theirs,
                entries,
            },
        ));
    }
    // Uma and Val's space, furnished like the couple's; then Uma leaves it.
    let (uma, val, umas_space) = crate::helpers::couple(app).await;
    let entries = furnish(app, &uma, &val, &umas_space).await;
    ok(
        &uma,
        &format!("{umas_space}/leave"),
        &[("confirmed", "yes")],
    )
    .await;
    Cast {
        left: (
            uma,
            Furnished {
                space: umas_space,
                entries,
            },
        ),
        sam,
        alex,
        kim,
        couple: Furnished {
            space,
            entries: couple_entries,
        },
        kims_space,
        token,
        counsel_token,
        counsellors,
    }
}

/// One of every entry a path can name, in `space`: Alex records that Sam broke trust.
async fn furnish(
    app: &TestApp,
    sam: &Client,
    alex: &Client,
    space: &str,
) -> BTreeMap<&'static str, String> {
    // Owning up: Alex records that Sam broke trust, asks a question, writes a letter; Sam
    // apologizes and reports something proactively.
    let breach = breach_recorded_by_alex(alex, space).await;
    let breach_id = last_segment(&breach);
    let question = ok(
        alex,
        &format!("{space}/questions"),
        &[("text", "Why did you hide it?"), ("breach", &breach_id)],
    )
    .await;
    let letter = ok(
        alex,
        &format!("{space}/letters"),
        &[
            (
                "text",
                "I miss our Sunday walks. I would like us to start them again.",
            ),
            ("action", "send"),
        ],
    )
    .await;
    let apology = ok(sam, &format!("{breach}/apology"), &APOLOGY).await;
    ok(
        sam,
        &format!("{breach}/reports"),
        &[(
            "text",
            "They messaged me today. I did not reply and blocked the number.",
        )],
    )
    .await;
    let report = id_after(&alex.get(&breach).await.body, "/reports/");

    // Keeping one's word: a promise and an agreement, both Sam's.
    let promise = ok(
        sam,
        &format!("{space}/promises"),
        &[
            ("text", "Home by nine, phone on"),
            ("every", "daily"),
            ("first", &day(app, 1)),
            ("at", "21:00"),
        ],
    )
    .await;
    let agreement = ok(
        sam,
        &format!("{space}/agreements"),
        &[
            ("text", "No contact with the former colleague, in any form."),
            ("revisit", &day(app, 30)),
        ],
    )
    .await;

    // Together: Sam's goal, Alex's plan (which has happened by the time the rows run), and
    // a weekly check-in.
    let together = format!("{space}/together");
    ok(
        sam,
        &format!("{together}/goals"),
        &[
            ("text", "A weekend away, just us"),
            ("target", &day(app, 180)),
        ],
    )
    .await;
    ok(
        alex,
        &format!("{together}/plans"),
        &[
            ("what", "A walk by the river"),
            ("when", &local_time(app, 2)),
            ("phones_away", "yes"),
        ],
    )
    .await;
    // The plan's forms show once its time has come.
    app.advance(Duration::from_secs(3 * 3600));
    let page = sam.get(&together).await;
    let goal = id_after(&page.body, "/together/goals/");
    let plan = id_after(&page.body, "/together/plans/");
    set_rhythm(
        sam,
        alex,
        space,
        &[
            ("every", "week"),
            ("weekday", "monday"),
            ("time_zone", "Europe/Berlin"),
        ],
    )
    .await;
    // A change of rhythm Sam proposes, left waiting for Alex: the proposal's rows act on it.
    ok(
        sam,
        &format!("{space}/checkins/cadence"),
        &[
            ("every", "month"),
            ("month_day", "1"),
            ("time_zone", "Europe/Berlin"),
        ],
    )
    .await;
    let cadence = proposal_of(alex, space).await.unwrap_or_default();
    // The running week: its side-by-side view.
    let period = sam
        .get(&format!("{space}/checkins"))
        .await
        .value_of_name("period")
        .unwrap_or_default();

    // Sam's own journal entry: nobody else's to read.
    let journal = ok(
        sam,
        "/journal",
        &[
            ("date", &day(app, 0)),
            ("text", "Only mine."),
            ("prompt", ""),
        ],
    )
    .await;
    let journal = journal
        .rsplit("entry-")
        .next()
        .unwrap_or_default()
        .to_owned();

    BTreeMap::from([
        ("journal", journal),
        ("breaches", breach_id),
        ("questions", last_segment(&question)),
        ("letters", last_segment(&letter)),
        // Alex's letter: an entry its writer may withdraw while it is fresh (by now it is
        // not: Alex is refused, 409, and Sam, whose letter it is not, finds nothing, 404).
        ("entries", last_segment(&letter)),
        ("apologies", last_segment(&apology)),
        ("reports", report),
        ("promises", last_segment(&promise)),
        ("agreements", last_segment(&agreement)),
        ("goals", goal),
        ("plans", plan),
        ("cadence", cadence),
        ("period", period),
    ])
}

/// Whether `client` is signed in.
async fn signed_in(client: &Client) -> bool {
    client.get("/account").await.status == StatusCode::OK
}

/// What one cell answered, and what it did besides.
struct Answer {
    status: u16,
    /// Events it added to (the couple's space, the stranger's space).
    wrote: (u64, u64),
    /// Whether it ended the role's session.
    ended_session: bool,
}

/// Tries one cell: the role's plain GET, or its POST of nothing but its CSRF token.
async fn try_cell(app: &TestApp, cast: &Cast, role: Role, method: &str, path: &str) -> Answer {
    let fresh;
    let client = match cast.session(role) {
        Some(client) => client,
        None => {
            fresh = app.client();
            &fresh
        }
    };
    let csrf = match (method, cast.session(role)) {
        ("POST", Some(client)) => Some(client.csrf().await),
        _ => None,
    };
    let space = &cast.target(role).space;
    let before = (
        event_count(app, space).await,
        event_count(app, &cast.kims_space).await,
    );
    let page = match &csrf {
        _ if method == "GET" => client.get(path).await,
        Some(token) => client.post_raw(path, &[(CSRF_FIELD, token.as_str())]).await,
        None => client.post_raw(path, &[]).await,
    };
    let after = (
        event_count(app, space).await,
        event_count(app, &cast.kims_space).await,
    );
    let ended_session = match cast.session(role) {
        Some(client) => !signed_in(client).await,
        None => false,
    };
    Answer {
        status: page.status.as_u16(),
        wrote: (after.0 - before.0, after.1 - before.1),
        ended_session,
    }
}

async fn every_route_answers_every_role_as_the_table_says(backend: Backend) {
    let rows = rows().unwrap_or_else(|problems| panic!("{}", problems.join("\n")));
    let missing = coverage(&rows);
    assert!(
        missing.is_empty(),
        "the matrix must have exactly one GET and one POST row per served path:\n{}",
        missing.join("\n")
    );

    let app = spawn_app_long(backend).await;
    let cast = cast(&app).await;
    let mut mismatches = Vec::new();
    // The rows that differ, as the app answers them: to copy into the table once each
    // cell is judged right.
    let mut answered = Vec::new();
    for row in &rows {
        let mut actual = Vec::new();
        for (&role, &expected) in ROLES.iter().zip(&row.cells) {
            let path = match cast.fill(role, row.path) {
                Ok(path) => path,
                Err(problem) => {
                    mismatches.push(problem);
                    continue;
                }
            };
            let cell = format!("{} {} as {}", row.method, row.path, role.name());
            let answer = try_cell(&app, &cast, role, row.method, &path).await;
            actual.push(answer.status.to_string());
            if let Some(wrong) = expected.check(answer.status) {
                mismatches.push(format!("{cell}: {wrong}"));
            }
            // Only a partner's POST that should succeed may write; anything else, GETs
            // included, must leave both records as they were.
            let succeeds = expected.right == 303;
            let may_write = row.method == "POST" && role.is_partner() && succeeds;
            if !may_write && answer.wrote != (0, 0) {
                mismatches.push(format!(
                    "{cell}: wrote {} event(s) to the couple's space and {} to the stranger's",
                    answer.wrote.0, answer.wrote.1
                ));
            }
            let should_end = row.method == "POST"
                && ENDS_SESSION.contains(&row.path)
                && succeeds
                && role != Role::Anonymous;
            if answer.ended_session != should_end {
                let what = if answer.ended_session {
                    "ended"
                } else {
                    "did not end"
                };
                mismatches.push(format!("{cell}: {what} the session"));
            }
            if let Some(client) = cast.session(role)
                && answer.ended_session
            {
                let again = client.login(&client.email(), PASSWORD).await;
                assert_eq!(
                    again.status,
                    StatusCode::SEE_OTHER,
                    "{} signs in again after {cell}",
                    role.name()
                );
            }
        }
        let expected: Vec<String> = row
            .cells
            .iter()
            .map(|c| c.today.unwrap_or(c.right).to_string())
            .collect();
        if actual != expected {
            answered.push(format_row(row.method, row.path, &actual));
        }
    }
    assert!(
        mismatches.is_empty(),
        "{} problem(s) in the route × role matrix:\n{}\n\nThose rows as the app answers them:\n{}",
        mismatches.len(),
        mismatches.join("\n"),
        answered.join("\n")
    );
}
