//! The wording checks as pages show them: the flags beside the field and the words they
//! concern, and the page that asks for a second look before an answer or a report is sent.
//! Shared, knowing no capability. Which checks fit the writer's part in a breach is the
//! domain's rule (`domain::checks::for_letter`, `about_breach`); pages apply it so:
//! - What the partner who broke trust writes about a breach (an apology, an answer, a
//!   report, and letters from a partner who broke trust in any breach of the space) gets
//!   the accountability check, letters the gentleness check too; a flag stops the sending
//!   once, with "send as it is" beside it.
//! - Anyone else's letters get the gentleness check only when they ask for it ("read it
//!   again before sending?"): their Send always sends.

use askama::Template;
use askama_web::WebTemplate;

use super::view::Chrome;
use crate::domain::SpaceId;
use crate::domain::checks::{self, Check, Flag};

pub use crate::domain::checks::{about_breach, for_letter};

/// The outcome of the checks on one field: every flag, and the text cut into pieces that
/// are, or are not, words a flag is about, to show them marked where they were written.
#[derive(Debug, Clone, Default)]
pub struct Checked {
    pub flags: Vec<Flag>,
    pub marked: Vec<(String, bool)>,
}

impl Checked {
    pub fn run(kinds: &[Check], text: &str) -> Self {
        let mut flags: Vec<Flag> = kinds
            .iter()
            .flat_map(|&kind| checks::check(kind, text))
            .collect();
        flags.sort_by_key(|f| f.start);
        let marked = if flags.is_empty() {
            Vec::new()
        } else {
            marked(text, &flags)
        };
        Self { flags, marked }
    }

    pub fn is_empty(&self) -> bool {
        self.flags.is_empty()
    }
}

/// `text` in pieces, each marked when a flag covers it; overlapping flags make one mark.
fn marked(text: &str, flags: &[Flag]) -> Vec<(String, bool)> {
    let mut ranges: Vec<(usize, usize)> = flags
        .iter()
        .filter(|f| f.start < f.end && text.get(f.start..f.end).is_some())
        .map(|f| (f.start, f.end))
        .collect();
    ranges.sort_unstable();
    let mut merged: Vec<(usize, usize)> = Vec::new();
    for (start, end) in ranges {
        match merged.last_mut() {
            Some(last) if start <= last.1 => last.1 = last.1.max(end),
            _ => merged.push((start, end)),
        }
    }
    let mut pieces = Vec::new();
    let mut at = 0;
    for (start, end) in merged {
        if start > at {
            pieces.push((text[at..start].to_owned(), false));
        }
        pieces.push((text[start..end].to_owned(), true));
        at = end;
    }
    if at < text.len() {
        pieces.push((text[at..].to_owned(), false));
    }
    pieces
}

/// A second look before an answer or a report by the partner who broke trust is sent: the
/// text, editable, with each flag beside the words it concerns. Nothing is stored yet.
#[derive(Template, WebTemplate)]
#[template(path = "review.html")]
pub struct ReviewPage {
    pub chrome: Chrome,
    pub space: SpaceId,
    pub heading: &'static str,
    /// Where the form posts again, and where "back" goes.
    pub action: String,
    pub back: String,
    pub label: &'static str,
    pub max: usize,
    pub text: String,
    pub checked: Checked,
    /// The person has already read the warning that their partner will see this (see
    /// `warn`): sending again from here does not show it twice.
    pub understood: bool,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn flagged_words_are_marked_where_they_stand_and_the_rest_is_kept_whole() {
        let text = "I'm sorry, but you never listen. You never ask.";
        let checked = Checked::run(for_letter(true), text);
        assert!(checked.flags.len() >= 3, "{:?}", checked.flags);
        let whole: String = checked.marked.iter().map(|(p, _)| p.as_str()).collect();
        assert_eq!(whole, text);
        let marks: Vec<&str> = checked
            .marked
            .iter()
            .filter(|(_, m)| *m)
            .map(|(p, _)| p.as_str())
            .collect();
        assert!(marks.contains(&"I'm sorry, but"), "{marks:?}");
        // Every flag's words are inside a mark; overlapping flags make one mark.
        for flag in &checked.flags {
            assert!(
                marks.iter().any(|m| m.contains(flag.excerpt.as_str())),
                "{} is not marked in {marks:?}",
                flag.excerpt
            );
        }
    }

    #[test]
    fn the_partner_who_was_hurt_gets_no_accountability_check() {
        assert_eq!(for_letter(false), &[Check::Gentleness]);
        assert!(about_breach(false).is_empty());
        assert!(Checked::run(about_breach(false), "Please just calm down.").is_empty());
        assert!(for_letter(true).contains(&Check::Accountability));
    }
}
