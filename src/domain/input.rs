//! Validated input. Form text becomes one of these types at the edge; inside, an invalid
//! value cannot exist. Every refusal carries a calm, specific message for the person.

use std::fmt;

use super::passwords;

/// Why a piece of input was refused. The message is shown to the person as it is.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct InputError(pub String);

impl InputError {
    pub(crate) fn new(message: impl Into<String>) -> Self {
        Self(message.into())
    }
}

/// Whether a text field may span several lines.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lines {
    One,
    Many,
}

/// Compares texts the way a person would: "Walks" and " walks " are the same idea.
pub fn same_words(a: &str, b: &str) -> bool {
    a.trim().to_lowercase() == b.trim().to_lowercase()
}

/// Trims `raw` and checks it for length (in characters) and control characters.
/// `what` names the field in messages ("Your name", "The title" …).
pub fn clean_text(
    raw: &str,
    what: &str,
    min: usize,
    max: usize,
    lines: Lines,
) -> Result<String, InputError> {
    let text = raw.trim();
    let allowed = |c: char| match lines {
        Lines::One => !c.is_control(),
        Lines::Many => !c.is_control() || c == '\n' || c == '\r' || c == '\t',
    };
    if let Some(bad) = text.chars().find(|&c| !allowed(c)) {
        return Err(InputError::new(format!(
            "{what} contains a character we can't store (U+{:04X}). Please remove it and try again.",
            u32::from(bad)
        )));
    }
    let count = text.chars().count();
    if count < min {
        return Err(InputError::new(if min == 1 {
            format!("{what} is empty. Please fill it in.")
        } else {
            format!("{what} needs at least {min} characters.")
        }));
    }
    if count > max {
        return Err(InputError::new(format!(
            "{what} is {count} characters long; the limit is {max}. Please shorten it."
        )));
    }
    Ok(text.to_owned())
}

/// An email address, used only to log in. Kept as typed; compared in lowercase.
#[derive(Clone, PartialEq, Eq)]
pub struct Email(String);

impl Email {
    pub const MAX: usize = 254;

    pub fn parse(raw: &str) -> Result<Self, InputError> {
        let text = raw.trim();
        if text.is_empty() {
            return Err(InputError::new("Please enter your email address."));
        }
        let malformed = || {
            InputError::new(
                "That doesn't look like an email address. It should look like name@example.org.",
            )
        };
        if text.chars().count() > Self::MAX {
            return Err(InputError::new(format!(
                "An email address can be at most {} characters.",
                Self::MAX
            )));
        }
        if text.chars().any(|c| c.is_control() || c.is_whitespace()) {
            return Err(malformed());
        }
        let (local, domain) = text.rsplit_once('@').ok_or_else(malformed)?;
        let domain_ok = domain.contains('.')
            && !domain.starts_with('.')
            && !domain.ends_with('.')
            && !domain.contains("..")
            && !domain.contains('@');
        if local.is_empty() || local.contains('@') || !domain_ok {
            return Err(malformed());
        }
        Ok(Self(text.to_owned()))
    }

    /// The form used to find an account: lowercase, so `Sam@Example.org` is `sam@example.org`.
    pub fn normalized(&self) -> String {
        self.0.to_lowercase()
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Email {
    // Emails are personal data; keep them out of logs and debug output.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Email(…)")
    }
}

/// The name a person is shown by to their partner.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DisplayName(String);

impl DisplayName {
    pub const MAX: usize = 60;

    pub fn parse(raw: &str) -> Result<Self, InputError> {
        let name = clean_text(raw, "Your name", 1, Self::MAX, Lines::One)?;
        // A direction control would let a name reorder the sentence around it on a page
        // ("uoY" behind a right-to-left override reads "You").
        if name.chars().any(is_bidi_control) {
            return Err(InputError::new(
                "Please write your name without direction marks or overrides.",
            ));
        }
        // Pages call the viewer "You"; a partner named so could pass their actions off as
        // the viewer's own. Compared as a reader sees it: compatibility forms folded
        // (full-width ＹＯＵ), case folded, and letters from other scripts that look the
        // same taken as what they look like (Unicode TR39 skeletons: "Yоu" with a Cyrillic о).
        if reads_as_you(&name) {
            return Err(InputError::new(
                "Please use your own name: pages already call each of you “you”.",
            ));
        }
        Ok(Self(name))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// The characters that change the direction of the text around them (Unicode's explicit
/// bidirectional formatting characters and marks).
fn is_bidi_control(c: char) -> bool {
    matches!(c, '\u{061C}' | '\u{200E}' | '\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')
}

/// Whether a name would read as the pages' own word for the viewer.
fn reads_as_you(name: &str) -> bool {
    use unicode_normalization::UnicodeNormalization as _;
    let folded: String = name
        .nfkc()
        .filter(|c| c.is_alphanumeric())
        .flat_map(char::to_lowercase)
        .collect();
    let looks = |s: &str| unicode_security::skeleton(s).collect::<String>();
    let seen = looks(&folded);
    ["you", "me", "yourself", "myself"]
        .iter()
        .any(|word| seen == looks(word) || folded == *word)
}

/// An optional label for a space, e.g. "Sam & Alex".
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SpaceName(String);

impl SpaceName {
    pub const MAX: usize = 80;

    pub fn parse(raw: &str) -> Result<Self, InputError> {
        let text = clean_text(raw, "The space's name", 0, Self::MAX, Lines::One)?;
        Ok(Self(if text.is_empty() {
            "Our space".to_owned()
        } else {
            text
        }))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// A new password that meets our rules (NIST SP 800-63B rev. 4 for a single-factor
/// password): 15 to 256 characters, any characters at all, not a commonly used password.
#[derive(Clone)]
pub struct NewPassword(String);

impl NewPassword {
    pub const MIN: usize = 15;
    pub const MAX: usize = 256;

    /// `context` holds words the password must not simply be (the person's email, name).
    pub fn parse(raw: &str, context: &[&str]) -> Result<Self, InputError> {
        // Passwords are not trimmed: every character counts, as typed or pasted.
        let count = raw.chars().count();
        if count < Self::MIN {
            return Err(InputError::new(format!(
                "Your password needs at least {} characters (it has {count}). A few unrelated words make a strong, memorable passphrase, e.g. \"lantern orbit velvet cactus\".",
                Self::MIN
            )));
        }
        if count > Self::MAX {
            return Err(InputError::new(format!(
                "Your password can be at most {} characters.",
                Self::MAX
            )));
        }
        if passwords::is_common(raw, context) {
            return Err(InputError::new(
                "That password is too common or too easy to guess. Please choose another — a few unrelated words work well.",
            ));
        }
        Ok(Self(raw.to_owned()))
    }

    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for NewPassword {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("NewPassword(…)")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn emails_keep_their_spelling_and_compare_in_lowercase() {
        let email = Email::parse("  Sam.Rivera@Example.org ").expect("valid");
        assert_eq!(email.as_str(), "Sam.Rivera@Example.org");
        assert_eq!(email.normalized(), "sam.rivera@example.org");
    }

    #[test]
    fn malformed_emails_are_refused_with_a_message() {
        for bad in [
            "",
            "   ",
            "sam",
            "sam@",
            "@example.org",
            "sam@example",
            "sam@@example.org",
            "sam @example.org",
            "sam@.org",
            "sam@example..org",
            "sam\u{0}@example.org",
        ] {
            let err = Email::parse(bad).expect_err(bad);
            assert!(!err.0.is_empty());
        }
        let long = format!("{}@example.org", "a".repeat(250));
        assert!(Email::parse(&long).is_err());
    }

    #[test]
    fn names_are_trimmed_and_limited() {
        assert_eq!(
            DisplayName::parse("  Alex ").expect("valid").as_str(),
            "Alex"
        );
        assert!(DisplayName::parse("   ").is_err());
        assert!(DisplayName::parse(&"x".repeat(61)).is_err());
        assert!(
            DisplayName::parse(&"é".repeat(60)).is_ok(),
            "limits count characters, not bytes"
        );
    }

    #[test]
    fn names_that_read_as_the_viewer_are_refused() {
        for name in ["You", "you", " YOU ", "Y.o.u", "me", "Yourself"] {
            assert!(DisplayName::parse(name).is_err(), "{name}");
        }
        assert!(DisplayName::parse("Yoused").is_ok());
    }

    /// The spoofs an outside probe found: a right-to-left override before "uoY", full-width
    /// letters, and a Cyrillic о inside "You". Names from other scripts stay welcome.
    #[test]
    fn names_that_only_look_like_you_are_refused_too() {
        for name in [
            "\u{202E}uoY",
            "Sam\u{2067}",
            "ＹＯＵ",
            "Ｙｏｕ",
            "Y\u{043E}u",
            "\u{0423}ou",
            "m\u{0435}",
        ] {
            assert!(DisplayName::parse(name).is_err(), "{name:?}");
        }
        for name in ["Youssef", "Yuki", "Юлия", "محمد", "李雷", "Zoë", "Mé"] {
            assert!(DisplayName::parse(name).is_ok(), "{name:?}");
        }
    }

    #[test]
    fn control_characters_are_refused_but_line_breaks_allowed_where_lines_are() {
        assert!(DisplayName::parse("Al\u{7}ex").is_err());
        assert!(DisplayName::parse("Al\nex").is_err());
        assert!(clean_text("one\ntwo\tthree", "The note", 1, 100, Lines::Many).is_ok());
        assert!(clean_text("bell\u{7}", "The note", 1, 100, Lines::Many).is_err());
    }

    #[test]
    fn a_space_without_a_name_gets_a_gentle_default() {
        assert_eq!(SpaceName::parse("").expect("valid").as_str(), "Our space");
        assert_eq!(
            SpaceName::parse("Sam & Alex").expect("valid").as_str(),
            "Sam & Alex"
        );
    }

    #[test]
    fn passwords_follow_length_rules_without_composition_rules() {
        assert!(NewPassword::parse("lantern orbit velvet cactus", &[]).is_ok());
        assert!(
            NewPassword::parse("alllowercaseletters", &[]).is_ok(),
            "no composition rules"
        );
        assert!(NewPassword::parse("short one", &[]).is_err());
        assert!(
            NewPassword::parse(&"correct horse ".repeat(19), &[]).is_err(),
            "over 256"
        );
        assert!(
            NewPassword::parse("ça va très bien merci", &[]).is_ok(),
            "any characters"
        );
    }

    #[test]
    fn common_and_contextual_passwords_are_refused() {
        assert!(NewPassword::parse("passwordpassword", &[]).is_err());
        assert!(NewPassword::parse("123456789012345", &[]).is_err());
        assert!(NewPassword::parse("sam.rivera@example.org", &["sam.rivera@example.org"]).is_err());
    }

    #[test]
    fn passwords_never_appear_in_debug_output() {
        let p = NewPassword::parse("lantern orbit velvet cactus", &[]).expect("valid");
        assert!(!format!("{p:?}").contains("lantern"));
    }
}
