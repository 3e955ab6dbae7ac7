//! Where quick exit lands: a choice each person makes for themselves.
//!
//! The default is a plain page served by Goldseam itself, so leaving makes no request to
//! anyone else and works on a server with no outside network. A person who would rather
//! land somewhere that looks like their own browsing can give an `https://` address of
//! their own. This module owns the choice and its validation; it must not know how the
//! pages look or how the session ends.

use super::input::InputError;

/// The longest address a person may give, in characters.
pub const ADDRESS_MAX: usize = 300;

/// Where quick exit sends a person.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub enum ExitTo {
    /// A plain page about reading a weather forecast, served here.
    #[default]
    Weather,
    /// A plain page with an everyday recipe, served here.
    Recipe,
    /// An `https://` address the person chose.
    Address(String),
}

/// The neutral pages Goldseam serves itself, with the choice's name in forms and storage.
pub const WEATHER_PATH: &str = "/weather";
pub const RECIPE_PATH: &str = "/recipe";

impl ExitTo {
    /// From the account form: `choice` is `weather`, `recipe` or `address`, and `address`
    /// is read only for the last.
    pub fn parse(choice: &str, address: &str) -> Result<Self, InputError> {
        match choice {
            "weather" => Ok(Self::Weather),
            "recipe" => Ok(Self::Recipe),
            "address" => Self::address(address),
            _ => Err(InputError(
                "Please choose where quick exit should take you.".to_owned(),
            )),
        }
    }

    fn address(raw: &str) -> Result<Self, InputError> {
        let address = raw.trim();
        let refuse = |why: &str| Err(InputError(why.to_owned()));
        if address.is_empty() {
            return refuse("Please give the address quick exit should take you to.");
        }
        if address.chars().count() > ADDRESS_MAX {
            return refuse(&format!(
                "That address is longer than {ADDRESS_MAX} characters. Please use a shorter one."
            ));
        }
        let Some(rest) = address.strip_prefix("https://") else {
            return refuse("Please give an address that starts with https://.");
        };
        let host = rest.split(['/', '?', '#']).next().unwrap_or("");
        let readable = address
            .chars()
            .all(|c| c.is_ascii_graphic() && c != '"' && c != '<' && c != '>' && c != '\\');
        // A user-info part ("https://news.example@elsewhere") hides where it really goes.
        let plain_host = !host.is_empty()
            && !host.contains('@')
            && host
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | ':' | '[' | ']'));
        if !readable || !plain_host {
            return refuse(
                "That does not look like a web address. Please copy it from your browser's address bar.",
            );
        }
        Ok(Self::Address(address.to_owned()))
    }

    /// As stored with the person.
    pub fn stored(&self) -> &str {
        match self {
            Self::Weather => "weather",
            Self::Recipe => "recipe",
            Self::Address(address) => address,
        }
    }

    /// From storage. Anything that no longer reads as a choice falls back to the default:
    /// quick exit must always have somewhere to go.
    pub fn from_stored(stored: &str) -> Self {
        match stored {
            "recipe" => Self::Recipe,
            other => Self::address(other).unwrap_or_default(),
        }
    }

    /// The address the browser is sent to.
    pub fn href(&self) -> &str {
        match self {
            Self::Weather => WEATHER_PATH,
            Self::Recipe => RECIPE_PATH,
            Self::Address(address) => address,
        }
    }

    /// The form's name for the choice.
    pub fn choice(&self) -> &'static str {
        match self {
            Self::Weather => "weather",
            Self::Recipe => "recipe",
            Self::Address(_) => "address",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_default_is_a_page_served_here() {
        assert_eq!(ExitTo::default().href(), "/weather");
        assert_eq!(ExitTo::from_stored("weather"), ExitTo::Weather);
        assert_eq!(ExitTo::from_stored(""), ExitTo::Weather);
        assert_eq!(ExitTo::from_stored("recipe").href(), "/recipe");
    }

    #[test]
    fn an_own_address_must_be_https_and_say_plainly_where_it_goes() {
        let ok = ExitTo::parse("address", "  https://news.example.org/today?x=1 ").expect("ok");
        assert_eq!(ok.href(), "https://news.example.org/today?x=1");
        assert_eq!(ExitTo::from_stored(ok.stored()), ok);
        for refused in [
            "",
            "http://news.example.org",
            "javascript:alert(1)",
            "https://",
            "https://news.example@evil.example/",
            "https://news example.org",
            "https://news.example.org/\"onclick",
            "//news.example.org",
        ] {
            assert!(
                ExitTo::parse("address", refused).is_err(),
                "{refused:?} should be refused"
            );
        }
        let long = format!("https://example.org/{}", "a".repeat(ADDRESS_MAX));
        assert!(ExitTo::parse("address", &long).is_err());
    }

    #[test]
    fn an_unknown_choice_is_refused_and_a_bad_stored_value_falls_back() {
        assert!(ExitTo::parse("elsewhere", "").is_err());
        assert_eq!(
            ExitTo::parse("recipe", "ignored")
                .map(|e| e.href().to_owned())
                .ok(),
            Some("/recipe".to_owned())
        );
        assert_eq!(ExitTo::from_stored("http://plain.example"), ExitTo::Weather);
    }
}
