//! A private journal: entries only their author reads, sealed under the author's data key
//! (`vault`). This module owns what an entry is, its limits and the prompts; sealing and
//! storage are elsewhere.

use serde::{Deserialize, Serialize};

use jiff::civil::Date;

use super::calendar::parse_date;
use super::input::{InputError, Lines};
use super::vault::{self, DataKey, VaultError};
use zeroize::Zeroizing;

/// Limits, shown beside the fields.
pub mod limits {
    /// An entry, in characters: room for a long evening's writing.
    pub const ENTRY: usize = 20_000;
    /// A search, in characters.
    pub const SEARCH: usize = 200;
}

text_type!(
    /// What an entry says.
    EntryText,
    "Your entry",
    limits::ENTRY,
    Lines::Many
);

/// An entry as it is sealed: everything about it, the times too, so nothing of it is in
/// clear where it is stored.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Entry {
    /// The day it is about, as the author chose it ("YYYY-MM-DD").
    pub date: String,
    pub text: String,
    /// The prompt it answers, if the author chose one (its key).
    pub prompt: Option<String>,
    pub written_us: i64,
    pub edited_us: Option<i64>,
}

impl Entry {
    /// Whether the entry holds `needle` (already lower-cased), in its text or its date.
    pub fn matches(&self, needle: &str) -> bool {
        needle.is_empty() || self.text.to_lowercase().contains(needle) || self.date.contains(needle)
    }
}

/// An entry sealed under its author's data key, bound to its author and id.
pub fn seal_entry(
    key: &DataKey,
    owner: &str,
    id: &str,
    entry: &Entry,
    nonce: [u8; vault::NONCE],
) -> Result<Vec<u8>, VaultError> {
    let plain = Zeroizing::new(serde_json::to_vec(entry).map_err(|_| VaultError::TooLong)?);
    vault::seal(key, &plain, &vault::item_ad("journal", owner, id), nonce)
}

/// An entry opened with its author's data key; `None` if it does not open as theirs
/// (another key, another author or id, a changed byte) or does not read as an entry.
pub fn open_entry(key: &DataKey, owner: &str, id: &str, sealed: &[u8]) -> Option<Entry> {
    let plain = vault::open(key, sealed, &vault::item_ad("journal", owner, id)).ok()?;
    serde_json::from_slice(&plain).ok()
}

/// The day an entry is about, from the form: a real date.
pub fn entry_date(raw: &str) -> Result<Date, InputError> {
    parse_date(raw.trim()).ok_or_else(|| InputError("Please choose the day this is about.".into()))
}

/// Whose prompts to offer: the author's parts in the breaches of their spaces.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Parts {
    pub broke_trust: bool,
    pub was_hurt: bool,
}

/// A prompt: its key (kept with the entry) and its words.
pub type Prompt = (&'static str, &'static str);

/// For someone who broke trust.
pub const FOR_WHO_BROKE_TRUST: &[Prompt] = &[
    (
        "why",
        "What was going on in me before it happened? What did I tell myself, and what was I avoiding?",
    ),
    (
        "forgiving",
        "What would I say to a friend who had done what I did and was trying to make it right?",
    ),
    (
        "changing",
        "What am I doing differently this week, and what still pulls me back?",
    ),
];

/// For someone who was hurt.
pub const FOR_WHO_WAS_HURT: &[Prompt] = &[
    (
        "unsaid",
        "What do I feel that I can't say out loud yet, not even to myself?",
    ),
    (
        "need",
        "What do I need right now, from my partner, from others, from myself?",
    ),
    ("helps", "What helped today, even a little?"),
];

/// The prompts for someone in `parts`: both sets when they are both, or neither yet.
pub fn prompts(parts: Parts) -> Vec<Prompt> {
    let both = parts.broke_trust == parts.was_hurt;
    let mut out = Vec::new();
    if parts.broke_trust || both {
        out.extend_from_slice(FOR_WHO_BROKE_TRUST);
    }
    if parts.was_hurt || both {
        out.extend_from_slice(FOR_WHO_WAS_HURT);
    }
    out
}

/// The words of a prompt, from its key; `None` for a key this version does not know.
pub fn prompt_words(key: &str) -> Option<&'static str> {
    FOR_WHO_BROKE_TRUST
        .iter()
        .chain(FOR_WHO_WAS_HURT)
        .find(|(k, _)| *k == key)
        .map(|(_, words)| *words)
}

/// A chosen prompt from the form: empty is none; an unknown key is refused.
pub fn chosen_prompt(raw: &str) -> Result<Option<&'static str>, InputError> {
    match raw.trim() {
        "" => Ok(None),
        key => FOR_WHO_BROKE_TRUST
            .iter()
            .chain(FOR_WHO_WAS_HURT)
            .find(|(k, _)| *k == key)
            .map(|(k, _)| Some(*k))
            .ok_or_else(|| InputError("Please choose one of the prompts, or none.".into())),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_part_gets_its_own_prompts_and_someone_in_neither_or_both_gets_all() {
        let broke = prompts(Parts {
            broke_trust: true,
            was_hurt: false,
        });
        assert_eq!(broke, FOR_WHO_BROKE_TRUST);
        let hurt = prompts(Parts {
            broke_trust: false,
            was_hurt: true,
        });
        assert_eq!(hurt, FOR_WHO_WAS_HURT);
        assert_eq!(prompts(Parts::default()).len(), 6);
    }

    #[test]
    fn entries_are_validated_and_searched_case_blind() {
        assert!(EntryText::parse("   ").is_err());
        assert!(EntryText::parse(&"x".repeat(limits::ENTRY + 1)).is_err());
        assert!(
            EntryText::parse("a\u{7}bell").is_err(),
            "control characters"
        );
        let entry = Entry {
            date: "2026-11-30".into(),
            text: "The walk by the River helped.".into(),
            prompt: None,
            written_us: 1,
            edited_us: None,
        };
        assert!(entry.matches("river"));
        assert!(entry.matches("2026-11"));
        assert!(!entry.matches("ocean"));
        assert!(entry_date("2026-02-30").is_err());
        assert_eq!(chosen_prompt("helps"), Ok(Some("helps")));
        assert!(chosen_prompt("other").is_err());
    }
}
