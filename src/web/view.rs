//! What every page shares: the layout's chrome, how a person is named, how an instant is
//! shown in the viewer's own time zone, and the small wording helpers that more than one
//! capability uses. Nothing here knows about a particular capability.

use std::fmt;

use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use jiff::civil::Date;

use super::error::WebError;
use super::guard::Viewer;
use crate::app::{AppError, Session};
use crate::domain::PersonId;
use crate::domain::calendar::Zone;
use crate::domain::counsel;
use crate::domain::quick_exit::ExitTo;
use crate::domain::space::{self, SpaceState};

/// What the layout needs on every page.
pub struct Chrome {
    pub signed_in: bool,
    pub csrf: String,
    /// Where quick exit lands: the person's own choice, or the default page.
    pub exit_to: String,
    /// The path of the page shown, to mark it in the navigation; empty where no navigation
    /// needs it.
    pub here: String,
    /// In a space: the entries whose words their authors removed, for the pages drawn from
    /// them to show the gap (see [`Chrome::gaps_of`]).
    pub gaps: Vec<GapLine>,
}

/// An entry whose words were removed, as a page says it.
pub struct GapLine {
    pub kind: String,
    /// "A letter Sam wrote on 3 May 2026, 10:00: Sam removed its words on 5 May 2026, 09:12."
    pub text: String,
}

/// What an entry of `kind` was, for a gap's sentence.
fn gap_what(kind: &str) -> &'static str {
    match kind {
        "letter.sent" => "A letter",
        "question.asked" | "question.asked_again" => "A question",
        "question.answered" => "An answer to a question",
        "breach.acknowledged" => "An acknowledgment",
        "disclosure.added" => "Part of an account",
        "apology.sent" => "An apology",
        "apology.responded" => "A response to an apology",
        "appreciation.written" => "An appreciation",
        "checkin.answered" => "A check-in answer",
        "followup.answered" => "A follow-up check-in answer",
        "space.created" | "partner.joined" => "A partner's name",
        _ => "An entry",
    }
}

impl GapLine {
    pub fn of(state: &SpaceState, people: &People, zone: &Zone) -> Vec<Self> {
        state
            .gaps
            .0
            .iter()
            .map(|g| {
                let removed = state
                    .redactions
                    .of(g.seq)
                    .map(|(by, at)| {
                        format!(
                            ": {} removed its words on {}.",
                            people.name(by),
                            format_time(at, zone)
                        )
                    })
                    .unwrap_or_else(|| ": its words were removed.".to_owned());
                Self {
                    kind: g.kind.clone(),
                    text: format!(
                        "{} {} wrote on {}{removed}",
                        gap_what(&g.kind),
                        people.name(g.author).object(),
                        format_time(g.at_us, zone),
                    ),
                }
            })
            .collect()
    }
}

/// One link of a space's navigation.
pub struct NavLink {
    /// The path after `/spaces/{id}`.
    pub tail: &'static str,
    pub label: &'static str,
    /// The page shown is this one, or one of its pages (a question is in Questions).
    pub current: bool,
}

/// The pages of a space, in the order of its navigation: (path after `/spaces/{id}`, name).
const SPACE_PAGES: [(&str, &str); 10] = [
    ("", "Home"),
    ("/breaches", "Owning up"),
    ("/questions", "Questions"),
    ("/letters", "Letters"),
    ("/promises", "Promises"),
    ("/agreements", "Agreements"),
    ("/checkins", "Check-ins"),
    ("/together", "Together"),
    ("/record", "Record"),
    ("/counsellor", "Counsellor"),
];

impl Chrome {
    pub fn of(viewer: &Viewer) -> Self {
        match &viewer.session {
            Some(session) => Self::signed_in(session, &viewer.csrf),
            None => Self {
                csrf: viewer.csrf.clone(),
                ..Self::anonymous()
            },
        }
    }

    /// The chrome of a page drawn for nobody in particular: not signed in, no form token,
    /// quick exit to its default.
    pub fn anonymous() -> Self {
        Self {
            signed_in: false,
            csrf: String::new(),
            exit_to: ExitTo::default().href().to_owned(),
            here: String::new(),
            gaps: Vec::new(),
        }
    }

    pub fn signed_in(session: &Session, csrf: &str) -> Self {
        Self {
            signed_in: true,
            csrf: csrf.to_owned(),
            exit_to: session.exit_to.href().to_owned(),
            here: String::new(),
            gaps: Vec::new(),
        }
    }

    /// The gaps among entries whose kind starts with one of `prefixes` (comma-separated:
    /// "letter.", or "breach.,disclosure.").
    pub fn gaps_of(&self, prefixes: &str) -> Vec<&GapLine> {
        self.gaps
            .iter()
            .filter(|g| prefixes.split(',').any(|p| g.kind.starts_with(p)))
            .collect()
    }

    /// The chrome of the page at `path`.
    pub fn at(self, path: &str) -> Self {
        Self {
            here: path.to_owned(),
            ..self
        }
    }

    /// A space's navigation, with the page shown marked: the part of the path after
    /// `/spaces/{id}` names it (the home page only when nothing follows).
    pub fn space_nav(&self) -> Vec<NavLink> {
        let tail = self
            .here
            .strip_prefix("/spaces/")
            .and_then(|rest| rest.find('/').map(|at| &rest[at..]))
            .unwrap_or("");
        SPACE_PAGES
            .iter()
            .map(|&(page, label)| NavLink {
                tail: page,
                label,
                current: if page.is_empty() {
                    tail.is_empty() && self.here.starts_with("/spaces/")
                } else {
                    tail == page || tail.starts_with(&format!("{page}/"))
                },
            })
            .collect()
    }

    /// The name of the space's page shown, for the navigation's compact menu.
    pub fn space_page(&self) -> Option<&'static str> {
        self.space_nav()
            .into_iter()
            .find(|l| l.current)
            .map(|l| l.label)
    }
}

/// The form field that names one rendering of a form (see `web::once`).
pub const FORM_FIELD: &str = "form_token";

/// A fresh token for one rendering of a form: the `csrf` macro writes one into every form
/// that changes something, so a form sent twice can be told from two forms sent once.
/// A kept page served in its pieces (`app::CachedPage::chunks`), one frame each, with its
/// whole length known up front (so it goes out with a Content-Length, as a drawn page does).
pub struct Pieces {
    chunks: std::collections::VecDeque<hyper::body::Bytes>,
    left: u64,
}

impl Pieces {
    pub fn html(chunks: Vec<hyper::body::Bytes>) -> Response {
        let left = chunks.iter().map(|c| c.len() as u64).sum();
        let body = Self {
            chunks: chunks.into(),
            left,
        };
        (
            [(axum::http::header::CONTENT_TYPE, "text/html; charset=utf-8")],
            axum::body::Body::new(body),
        )
            .into_response()
    }
}

impl hyper::body::Body for Pieces {
    type Data = hyper::body::Bytes;
    type Error = std::convert::Infallible;

    fn poll_frame(
        mut self: std::pin::Pin<&mut Self>,
        _: &mut std::task::Context<'_>,
    ) -> std::task::Poll<Option<Result<hyper::body::Frame<Self::Data>, Self::Error>>> {
        let chunk = self.chunks.pop_front();
        if let Some(chunk) = &chunk {
            self.left = self.left.saturating_sub(chunk.len() as u64);
        }
        std::task::Poll::Ready(chunk.map(|c| Ok(hyper::body::Frame::data(c))))
    }

    fn is_end_stream(&self) -> bool {
        self.chunks.is_empty()
    }

    fn size_hint(&self) -> hyper::body::SizeHint {
        hyper::body::SizeHint::with_exact(self.left)
    }
}

/// What stands before each form's own token in a drawn page (`templates/macros.html`): a
/// page kept in the page cache gets fresh ones there each time it is served.
pub const FRESH_FORM_TOKEN: &str = "name=\"form_token\" value=\"";

pub fn form_token() -> String {
    crate::app::form_token()
}

/// Whether a form was sent from its confirmation page (`confirm.html`: `confirmed=yes`).
pub fn confirmed(value: &str) -> bool {
    value == "yes"
}

/// A step that changes a stage or releases a promise: what it will do, in words, asked
/// before it is done. Its form sends the same fields again with `confirmed=yes`.
#[derive(askama::Template, askama_web::WebTemplate)]
#[template(path = "confirm.html")]
pub struct Confirm {
    pub chrome: Chrome,
    pub space: crate::domain::SpaceId,
    pub heading: String,
    pub what_happens: Vec<String>,
    pub action: String,
    pub hidden: Vec<(&'static str, String)>,
    pub button: String,
    /// Where "not now" leads: the page the step was asked from.
    pub back: String,
}

/// How long a browser may keep the static assets (stylesheets, script, icons).
pub fn asset_cache_control() -> String {
    format!("public, max-age={}", super::ASSET_MAX_AGE.as_secs())
}

/// "2026-11-23 19:04 CET": an instant in the viewer's own time zone.
pub fn format_time(at_us: i64, zone: &Zone) -> String {
    zone.local_text(at_us)
}

/// "3 days" / "5 hours" / "a few minutes".
pub fn age(now_us: i64, then_us: i64) -> String {
    let minutes = (now_us - then_us).max(0) / 60_000_000;
    match minutes {
        0..=9 => "a few minutes".to_owned(),
        10..=119 => format!("{minutes} minutes"),
        120..=2879 => format!("{} hours", minutes / 60),
        _ => format!("{} days", minutes / 1440),
    }
}

/// Days from `first` up to the day before `next` (a period that ends where the next one
/// begins), as [`days_text`] says them: a week from 1 Dec to 8 Dec is "1 to 7 Dec 2026".
pub fn days_before(first: Date, next: Date) -> String {
    let last = crate::domain::calendar::add_days(next, -1)
        .filter(|last| *last >= first)
        .unwrap_or(first);
    days_text(first, last)
}

/// Days from `first` to `last`, both included, as people say them: "1 to 7 Dec 2026",
/// "28 Nov to 4 Dec 2026", "29 Dec 2026 to 4 Jan 2027", or "1 Dec 2026" for one day.
pub fn days_text(first: Date, last: Date) -> String {
    let day_month = |d: Date| d.strftime("%-d %b").to_string();
    let full = |d: Date| d.strftime("%-d %b %Y").to_string();
    if first == last {
        full(first)
    } else if first.year() != last.year() {
        format!("{} to {}", full(first), full(last))
    } else if first.month() != last.month() {
        format!("{} to {}", day_month(first), full(last))
    } else {
        format!("{} to {}", first.day(), full(last))
    }
}

/// “The first sixty characters…” of something a partner wrote, quoted.
pub fn quoted(text: &str) -> String {
    let short: String = text.chars().take(60).collect();
    if short.len() < text.len() {
        format!("“{short}…”")
    } else {
        format!("“{short}”")
    }
}

/// The first line of a text, up to 80 characters.
pub fn opening(text: &str) -> String {
    let first: String = text.lines().next().unwrap_or("").chars().take(80).collect();
    if first.chars().count() < text.chars().count() {
        format!("{first}…")
    } else {
        first
    }
}

/// 303 See Other: where a successful form sends the browser next.
pub fn see_other(path: &str) -> Response {
    Redirect::to(path).into_response()
}

/// Turns a refused form field into a 422 with its message.
pub fn invalid(field: &'static str) -> impl Fn(crate::domain::input::InputError) -> WebError {
    move |e| WebError(AppError::invalid(field, e))
}

/// A refused field of a form, shown beside that field when the page is drawn again with
/// what the person typed. `field` is "" when the refusal names no field of this form; the
/// form then shows it above its first field.
#[derive(Debug, Clone)]
pub struct FormError {
    pub field: &'static str,
    pub message: String,
}

impl FormError {
    /// The refusal to show on a form with `fields`, or the error itself when it is not
    /// about what was typed (it gets its own page).
    pub fn on_form(err: AppError, fields: &[&str]) -> Result<Self, AppError> {
        match err {
            AppError::Invalid { field, message } => Ok(Self {
                field: if fields.contains(&field) { field } else { "" },
                message,
            }),
            other => Err(other),
        }
    }
}

/// What a form's POST answers: 303 to the path it returns when the action was taken; when
/// the refusal is about what was typed, 422 with the form's page drawn again by `again`
/// (what was typed, and the message at its field); any other refusal its own page.
pub fn answer_form<P: IntoResponse>(
    result: Result<String, AppError>,
    fields: &[&str],
    again: impl FnOnce(FormError) -> P,
) -> Result<Response, WebError> {
    match result {
        Ok(path) => Ok(see_other(&path)),
        Err(err) => {
            let error = FormError::on_form(err, fields)?;
            Ok((StatusCode::UNPROCESSABLE_ENTITY, again(error)).into_response())
        }
    }
}

/// How a page names a person: the viewer is "you" (a word of the page, never derived from
/// a display name), anyone else by the name they chose. Templates pick the form that fits
/// the sentence: `{{ name }}` at its start, `{{ name.object() }}` inside it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Name {
    You,
    Named(String),
}

impl Name {
    /// "You" / "Alex": for the start of a sentence.
    pub fn subject(&self) -> &str {
        match self {
            Self::You => "You",
            Self::Named(name) => name,
        }
    }

    /// "you" / "Alex": inside a sentence. A name is never lowercased; the words that stand
    /// for a name erased with its account are words of the page, and are.
    pub fn object(&self) -> &str {
        match self {
            Self::You => "you",
            Self::Named(name) => inside(name),
        }
    }

    /// The name went with its owner's account: the page says so in words of its own.
    pub fn is_erased(&self) -> bool {
        matches!(self, Self::Named(name) if name == space::NAME_ERASED)
    }
}

/// A display name as it reads inside a sentence: as it is, but for the words that stand
/// for a name erased with its account, which are the page's and so in lower case.
pub fn inside(name: &str) -> &str {
    match name {
        space::NAME_ERASED => space::NAME_ERASED_INSIDE,
        counsel::NAME_ERASED => counsel::NAME_ERASED_INSIDE,
        name => name,
    }
}

impl fmt::Display for Name {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.subject())
    }
}

/// Someone the record names who is not (or no longer) a partner of the space.
const SOMEONE: &str = "your partner";

/// The viewer and their partner, by name, for wording pages.
#[derive(Debug, Clone)]
pub struct People {
    pub me: PersonId,
    pub partner: Option<PersonId>,
    pub partner_name: String,
}

impl People {
    pub fn of(state: &SpaceState, me: PersonId) -> Self {
        let partner = state.partner_of(me);
        Self {
            me,
            partner: partner.map(|p| p.person),
            partner_name: partner.map_or_else(|| SOMEONE.to_owned(), |p| p.display_name.clone()),
        }
    }

    /// "You" for the viewer, the partner's name for the partner.
    pub fn name(&self, person: PersonId) -> Name {
        if person == self.me {
            Name::You
        } else {
            Name::Named(self.partner_name.clone())
        }
    }
}

/// The title of a breach, for wording what happened on it ("" if the record has none).
pub fn breach_title(state: &SpaceState, breach: crate::domain::EntryId) -> String {
    state
        .own_up
        .breach(breach)
        .map_or_else(String::new, |b| b.title.clone())
}

/// Both partners by name, for pages with no "you" in them: "Sam and Alex" ("Sam and a
/// partner who has left").
pub fn partner_names(state: &SpaceState) -> String {
    state
        .partners
        .iter()
        .enumerate()
        .map(|(n, p)| {
            let name = Name::Named(p.display_name.clone());
            if n == 0 {
                name.subject().to_owned()
            } else {
                name.object().to_owned()
            }
        })
        .collect::<Vec<_>>()
        .join(" and ")
}

/// A partner's display name on a page with no "you" in it (printed or shared pages): the
/// name they chose, or "A partner" for someone the space no longer knows.
pub fn display_name(state: &SpaceState, person: PersonId) -> String {
    state
        .partners
        .iter()
        .find(|p| p.person == person)
        .map_or_else(|| "A partner".to_owned(), |p| p.display_name.clone())
}

/// Time zones as the forms that ask for one offer them (sign-up, account, the check-in rhythm): every name [`Zone::parse`]
/// accepts, and only those, grouped by the region they start with ("Europe/Berlin" under
/// "Europe"; names with no region, such as "UTC", under "Other"). A `<select>` works
/// without JavaScript and makes "choose one from the list" true.
pub struct ZoneGroup {
    pub region: String,
    pub names: Vec<String>,
}

pub fn zone_groups() -> &'static [ZoneGroup] {
    static GROUPS: std::sync::LazyLock<Vec<ZoneGroup>> = std::sync::LazyLock::new(|| {
        let mut groups: Vec<ZoneGroup> = Vec::new();
        let mut other = Vec::new();
        for name in Zone::all_names() {
            let Some((region, _)) = name.split_once('/') else {
                other.push(name);
                continue;
            };
            match groups.iter_mut().find(|g| g.region == region) {
                Some(group) => group.names.push(name),
                None => groups.push(ZoneGroup {
                    region: region.to_owned(),
                    names: vec![name],
                }),
            }
        }
        groups.push(ZoneGroup {
            region: "Other".to_owned(),
            names: other,
        });
        groups
    });
    &GROUPS
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_partner_whose_name_starts_with_you_keeps_their_name() {
        let youssef = Name::Named("Youssef".to_owned());
        assert_eq!(youssef.object(), "Youssef");
        assert_eq!(youssef.subject(), "Youssef");
        assert_eq!(Name::You.object(), "you");
        assert_eq!(Name::You.to_string(), "You");
    }

    #[test]
    fn the_words_for_an_erased_name_read_inside_a_sentence_too() {
        let gone = Name::Named(space::NAME_ERASED.to_owned());
        assert_eq!(gone.subject(), "A partner who has left");
        assert_eq!(gone.object(), "a partner who has left");
        let counsellor = Name::Named(counsel::NAME_ERASED.to_owned());
        assert_eq!(counsellor.object(), "a counsellor who has left");
    }

    #[test]
    fn a_refusal_names_its_field_only_if_the_form_has_it() {
        let invalid = |field| AppError::Invalid {
            field,
            message: "Please choose.".into(),
        };
        let shown = FormError::on_form(invalid("kind"), &["title", "kind"]).unwrap();
        assert_eq!(shown.field, "kind");
        let shown = FormError::on_form(invalid("zone"), &["title", "kind"]).unwrap();
        assert_eq!(shown.field, "");
        assert!(FormError::on_form(AppError::NotFound, &["title"]).is_err());
    }

    #[test]
    fn days_read_as_people_say_them_with_the_last_day_included() {
        let d = |y, m, day| jiff::civil::date(y, m, day);
        assert_eq!(days_text(d(2026, 12, 1), d(2026, 12, 7)), "1 to 7 Dec 2026");
        assert_eq!(
            days_text(d(2026, 11, 28), d(2026, 12, 4)),
            "28 Nov to 4 Dec 2026"
        );
        assert_eq!(
            days_text(d(2026, 12, 29), d(2027, 1, 4)),
            "29 Dec 2026 to 4 Jan 2027"
        );
        assert_eq!(days_text(d(2026, 12, 1), d(2026, 12, 1)), "1 Dec 2026");
        assert_eq!(
            days_before(d(2026, 12, 1), d(2026, 12, 8)),
            "1 to 7 Dec 2026"
        );
    }

    #[test]
    fn quoting_cuts_long_text_on_a_character_boundary() {
        assert_eq!(quoted("short"), "“short”");
        let long = "é".repeat(70);
        assert_eq!(quoted(&long), format!("“{}…”", "é".repeat(60)));
    }

    #[test]
    fn the_space_nav_marks_the_page_shown_and_its_pages() {
        let chrome = |path: &str| {
            Chrome {
                signed_in: true,
                csrf: String::new(),
                exit_to: String::new(),
                here: String::new(),
                gaps: Vec::new(),
            }
            .at(path)
        };
        let marked = |path: &str| -> Vec<&str> {
            chrome(path)
                .space_nav()
                .into_iter()
                .filter(|l| l.current)
                .map(|l| l.label)
                .collect()
        };
        assert_eq!(marked("/spaces/abc"), ["Home"]);
        assert_eq!(marked("/spaces/abc/questions"), ["Questions"]);
        assert_eq!(marked("/spaces/abc/questions/q1"), ["Questions"]);
        assert_eq!(marked("/spaces/abc/breaches/b1/apology"), ["Owning up"]);
        assert!(marked("/spaces/abc/summary").is_empty());
        assert!(marked("/spaces/abc/recordings").is_empty());
        assert!(marked("").is_empty());
        assert_eq!(chrome("/spaces/abc/record").space_page(), Some("Record"));
    }
}
