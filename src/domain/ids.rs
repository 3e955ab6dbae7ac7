//! Opaque identifiers. They are random UUIDs so that ids reveal nothing about order or count.

use std::fmt;
use std::str::FromStr;

use uuid::Uuid;

macro_rules! id_type {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub struct $name(Uuid);

        impl $name {
            /// A fresh random id.
            pub fn random() -> Self {
                Self(Uuid::new_v4())
            }

            /// The id as one number: for spreading ids over buckets, never for display.
            pub fn as_u128(&self) -> u128 {
                self.0.as_u128()
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                // Lowercase hyphenated: the form that is hashed into the record.
                write!(f, "{}", self.0.hyphenated())
            }
        }

        /// In the record (JSON) an id is its canonical text, which is hashed; in a
        /// snapshot of a folded state (`domain::snapshot`, not human-readable) it is its
        /// 16 bytes, less than half the size.
        impl serde::Serialize for $name {
            fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                if s.is_human_readable() {
                    s.collect_str(self)
                } else {
                    serde::Serialize::serialize(self.0.as_bytes(), s)
                }
            }
        }

        impl<'de> serde::Deserialize<'de> for $name {
            fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                if d.is_human_readable() {
                    // Read as the text it is, without copying it into a `String` first:
                    // a fold reads several ids per event.
                    struct Text;
                    impl serde::de::Visitor<'_> for Text {
                        type Value = $name;
                        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                            f.write_str("an id in its canonical text form")
                        }
                        fn visit_str<E: serde::de::Error>(self, text: &str) -> Result<$name, E> {
                            text.parse().map_err(E::custom)
                        }
                    }
                    d.deserialize_str(Text)
                } else {
                    <[u8; 16]>::deserialize(d).map(|bytes| Self(Uuid::from_bytes(bytes)))
                }
            }
        }

        impl FromStr for $name {
            type Err = InvalidId;

            fn from_str(s: &str) -> Result<Self, Self::Err> {
                let uuid = Uuid::try_parse(s).map_err(|_| InvalidId)?;
                // Only the canonical spelling is accepted, so one id has one text form: of
                // the spellings `try_parse` reads, only the hyphenated one has this length,
                // and its digits must be lowercase.
                if s.len() == uuid::fmt::Hyphenated::LENGTH
                    && !s.bytes().any(|b| b.is_ascii_uppercase())
                {
                    Ok(Self(uuid))
                } else {
                    Err(InvalidId)
                }
            }
        }
    };
}

/// The text was not an id in its canonical form.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("not a valid id")]
pub struct InvalidId;

id_type!(
    /// A person with an account.
    PersonId
);
id_type!(
    /// A couple's shared space and its record.
    SpaceId
);
id_type!(
    /// Something inside a space: a breach, a question, an apology, a letter, an entry.
    EntryId
);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_round_trip_through_their_canonical_text() {
        let id = SpaceId::random();
        assert_eq!(id.to_string().parse::<SpaceId>(), Ok(id));
    }

    #[test]
    fn ids_are_text_in_json_and_bytes_in_a_snapshot() {
        let id: EntryId = "0f1e2d3c-4b5a-4978-8695-a4b3c2d1e0f9"
            .parse()
            .expect("an id");
        let json = serde_json::to_string(&id).expect("writes");
        assert_eq!(json, "\"0f1e2d3c-4b5a-4978-8695-a4b3c2d1e0f9\"");
        assert_eq!(serde_json::from_str::<EntryId>(&json).ok(), Some(id));
        let bytes = postcard::to_allocvec(&id).expect("writes");
        assert_eq!(bytes.len(), 16);
        assert_eq!(postcard::from_bytes::<EntryId>(&bytes).ok(), Some(id));
    }

    #[test]
    fn non_canonical_spellings_are_refused() {
        let id = PersonId::random().to_string();
        assert!(id.to_uppercase().parse::<PersonId>().is_err());
        assert!(id.replace('-', "").parse::<PersonId>().is_err());
        assert!(format!("{{{id}}}").parse::<PersonId>().is_err(), "braced");
        assert!(format!("urn:uuid:{id}").parse::<PersonId>().is_err());
        let mut one_upper = id.clone();
        if let Some(at) = one_upper.find(|c: char| c.is_ascii_alphabetic()) {
            one_upper.replace_range(at..=at, &one_upper[at..=at].to_uppercase());
            assert!(one_upper.parse::<PersonId>().is_err(), "{one_upper}");
        }
        assert!("../etc/passwd".parse::<PersonId>().is_err());
        assert!("".parse::<PersonId>().is_err());
    }
}
