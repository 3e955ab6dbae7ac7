//! Refuses passwords that are common or trivially guessable, as NIST SP 800-63B asks
//! (a blocklist of common passwords, repetitive or sequential characters, and words from
//! the context of the service or the person), without any composition rules.

use std::collections::HashSet;
use std::sync::OnceLock;

const LIST: &str = include_str!("common-passwords.txt");

/// Keyboard layouts people walk along; a password that is a stretch of one is common.
const WALKS: [&str; 5] = [
    "qwertyuiopasdfghjklzxcvbnm",
    "1qaz2wsx3edc4rfv5tgb6yhn7ujm8ik9ol0p",
    "1q2w3e4r5t6y7u8i9o0p",
    "qazwsxedcrfvtgbyhnujmikolp",
    "azertyuiopqsdfghjklmwxcvbn",
];

fn list() -> &'static HashSet<&'static str> {
    static SET: OnceLock<HashSet<&'static str>> = OnceLock::new();
    SET.get_or_init(|| {
        LIST.lines()
            .map(str::trim)
            .filter(|l| !l.is_empty() && !l.starts_with('#'))
            .collect()
    })
}

/// Lowercase, letters and digits only: "Pass Word-1!" → "password1".
fn normalize(s: &str) -> String {
    s.chars()
        .filter(|c| c.is_alphanumeric())
        .flat_map(char::to_lowercase)
        .collect()
}

/// True when `password` is on the list, a repetition, a sequence or keyboard walk, a listed
/// word padded with digits or repeated, or one of the `context` words.
pub fn is_common(password: &str, context: &[&str]) -> bool {
    let raw = password.to_lowercase();
    let n = normalize(password);
    if n.chars().count() < 4 || short_period(&raw).is_some() {
        // Almost nothing but punctuation and spaces, or "!!!!!!!!!!!!!!!!".
        return true;
    }
    let core = n.trim_matches(|c: char| c.is_ascii_digit());
    let base =
        |s: &str| list().contains(s) || short_period(s).is_some() || is_sequence(s) || is_walk(s);
    if base(&n) || (!core.is_empty() && base(core)) {
        return true;
    }
    // A listed word repeated, e.g. "passwordpassword", "iloveyouiloveyou".
    if let Some(unit) = repeated_unit(core)
        && list().contains(unit)
    {
        return true;
    }
    context.iter().any(|word| {
        let whole = normalize(word);
        let local = word.split('@').next().map(normalize).unwrap_or_default();
        [whole, local]
            .iter()
            .filter(|w| !w.is_empty())
            .any(|w| core == w || n == *w)
    })
}

/// The smallest unit of at most 4 characters that `s` repeats, if any.
fn short_period(s: &str) -> Option<usize> {
    let chars: Vec<char> = s.chars().collect();
    (1..=4).find(|&p| chars.len() >= 2 * p && (p..chars.len()).all(|i| chars[i] == chars[i - p]))
}

/// The unit that `s` is two or more whole copies of, if any.
fn repeated_unit(s: &str) -> Option<&str> {
    let len = s.len();
    (1..=len / 2)
        .filter(|&p| len.is_multiple_of(p) && s.is_char_boundary(p))
        .find(|&p| s.as_bytes().chunks(p).all(|c| c == &s.as_bytes()[..p]))
        .map(|p| &s[..p])
}

/// "abcdefgh…", "987654…", "1234567890123…": each character one step from the last.
fn is_sequence(s: &str) -> bool {
    let b = s.as_bytes();
    if b.len() < 4 {
        return false;
    }
    let step = |x: u8, y: u8| -> Option<i8> {
        match (x, y) {
            (b'9', b'0') => Some(1),
            (b'0', b'9') => Some(-1),
            _ if x.is_ascii_alphanumeric() && y.is_ascii_alphanumeric() => {
                match i16::from(y) - i16::from(x) {
                    1 => Some(1),
                    -1 => Some(-1),
                    _ => None,
                }
            }
            _ => None,
        }
    };
    let first = step(b[0], b[1]);
    first.is_some() && b.windows(2).all(|w| step(w[0], w[1]) == first)
}

fn is_walk(s: &str) -> bool {
    s.len() >= 6
        && WALKS.iter().any(|walk| {
            let doubled = walk.repeat(3);
            let reversed: String = doubled.chars().rev().collect();
            doubled.contains(s) || reversed.contains(s)
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn listed_passwords_are_common_in_any_spelling() {
        assert!(is_common("iloveyouforever", &[]));
        assert!(is_common("I Love You Forever!", &[]));
        assert!(is_common("Correct-Horse-Battery-Staple", &[]));
    }

    #[test]
    fn words_padded_or_repeated_are_common() {
        assert!(is_common("password12345678", &[]));
        assert!(is_common("123456Password123", &[]));
        assert!(is_common("passwordpassword", &[]));
        assert!(is_common("monkeymonkeymonkey", &[]));
    }

    #[test]
    fn repetitions_sequences_and_walks_are_common() {
        assert!(is_common("aaaaaaaaaaaaaaaa", &[]));
        assert!(is_common("abcabcabcabcabcabc", &[]));
        assert!(is_common("!!!!!!!!!!!!!!!!", &[]));
        assert!(is_common("123456789012345", &[]));
        assert!(is_common("abcdefghijklmnop", &[]));
        assert!(is_common("qwertyuiopasdfgh", &[]));
        assert!(is_common("1qaz2wsx3edc4rfv", &[]));
        assert!(is_common("mnbvcxzlkjhgfdsa", &[]));
    }

    #[test]
    fn context_words_are_common() {
        assert!(is_common(
            "sam.rivera@example.org",
            &["sam.rivera@example.org"]
        ));
        assert!(is_common("samrivera2026", &["SamRivera@example.org"]));
        assert!(is_common("Goldseam12345678", &[]));
    }

    #[test]
    fn ordinary_passphrases_are_not_common() {
        for ok in [
            "lantern orbit velvet cactus",
            "we walked to the lighthouse in march",
            "Tea kettle; blue bicycle; 1987 harbour",
            "kintsugi repairs with gold",
            "ça va très bien merci",
        ] {
            assert!(!is_common(ok, &["sam@example.org", "Sam"]), "{ok}");
        }
    }
}
