//! Private data: each person's data key, the keys that wrap it, and sealing content under
//! it (see `docs/private-data.md` for the whole scheme and its limits).
//!
//! Pure: randomness (keys, salts, nonces) arrives as arguments, so every function here is
//! deterministic and testable with fixed inputs. Keys live in [`Zeroizing`] buffers, wiped
//! when dropped.
//!
//! - The **data key** (256 bits, random) seals journal entries and private drafts with
//!   XChaCha20-Poly1305, a fresh 192-bit nonce per write, and associated data that binds
//!   each ciphertext to what it is (its kind, its owner, its id): a ciphertext moved to
//!   another row or another person does not open.
//! - It is stored only **wrapped**: under a key derived from the password with argon2id
//!   (a salt of its own, the password hash's cost), under a recovery key shown once, and,
//!   while signed in, under a key derived from the session cookie's token (the database
//!   keeps only that token's hash, so the database alone cannot unwrap it).
//! - Sealed content is **padded** to a multiple of [`PAD`] bytes, so a ciphertext tells
//!   its length only roughly.

use argon2::{Algorithm, Argon2, Params, Version};
use chacha20poly1305::aead::{Aead, KeyInit, Payload};
use chacha20poly1305::{XChaCha20Poly1305, XNonce};
use sha2::{Digest, Sha256};
use zeroize::Zeroizing;

/// Bytes of a key.
pub const KEY: usize = 32;
/// Bytes of a nonce (XChaCha20-Poly1305).
pub const NONCE: usize = 24;
/// Bytes of a salt for the password's key.
pub const SALT: usize = 16;
/// Bytes of a recovery key: 160 random bits, 32 characters of Crockford base32.
pub const RECOVERY: usize = 20;
/// Sealed content is padded to a multiple of this many bytes.
pub const PAD: usize = 256;

/// Why something could not be unwrapped or opened. Never says more than that: a wrong key
/// and a tampered ciphertext read the same.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum VaultError {
    #[error("this could not be unlocked with that key")]
    WrongKey,
    #[error("the key could not be derived")]
    Derivation,
    #[error("this is too long to seal")]
    TooLong,
}

/// A person's data key.
pub struct DataKey(Zeroizing<[u8; KEY]>);

impl DataKey {
    /// A data key from random bytes (the caller draws them).
    pub fn from_bytes(bytes: [u8; KEY]) -> Self {
        Self(Zeroizing::new(bytes))
    }

    fn cipher(&self) -> XChaCha20Poly1305 {
        XChaCha20Poly1305::new(&(*self.0).into())
    }
}

/// A key that wraps the data key.
pub struct WrappingKey(Zeroizing<[u8; KEY]>);

impl WrappingKey {
    fn cipher(&self) -> XChaCha20Poly1305 {
        XChaCha20Poly1305::new(&(*self.0).into())
    }
}

/// What a wrapping is for, bound into it so that one kind of wrapping can never stand for
/// another.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Wrap {
    Password,
    Recovery,
    Session,
}

impl Wrap {
    fn label(self) -> &'static str {
        match self {
            Self::Password => "password",
            Self::Recovery => "recovery",
            Self::Session => "session",
        }
    }
}

/// The argon2id cost of the password's key: the password hash's (OWASP's minimum, 19 MiB,
/// two passes, one lane).
pub fn password_params() -> Result<Params, VaultError> {
    Params::new(19 * 1024, 2, 1, Some(KEY)).map_err(|_| VaultError::Derivation)
}

/// The key derived from a password, with its own salt (never the password hash's).
pub fn password_key(password: &str, salt: &[u8; SALT]) -> Result<WrappingKey, VaultError> {
    let mut memory = vec![argon2::Block::default(); password_params()?.block_count()];
    password_key_in(password, salt, &mut memory)
}

/// [`password_key`], working in `memory` (argon2 blocks, as many as
/// `password_params().block_count()`), which the caller may keep for the next one.
pub fn password_key_in(
    password: &str,
    salt: &[u8; SALT],
    memory: &mut [argon2::Block],
) -> Result<WrappingKey, VaultError> {
    let argon = Argon2::new(Algorithm::Argon2id, Version::V0x13, password_params()?);
    let mut out = Zeroizing::new([0u8; KEY]);
    argon
        .hash_password_into_with_memory(password.as_bytes(), salt, out.as_mut(), memory)
        .map_err(|_| VaultError::Derivation)?;
    Ok(WrappingKey(out))
}

/// SHA-256 over a domain label and `secret`: enough for secrets of 160 bits and more,
/// which no one can guess by trying.
fn derived(label: &str, secret: &[u8]) -> WrappingKey {
    let mut hash = Sha256::new();
    hash.update(b"goldseam/");
    hash.update(label.as_bytes());
    hash.update([0]);
    hash.update(secret);
    WrappingKey(Zeroizing::new(hash.finalize().into()))
}

/// The key derived from a recovery key.
pub fn recovery_key(key: &RecoveryKey) -> WrappingKey {
    derived("recovery-key/v1", key.0.as_ref())
}

/// The key derived from a session cookie's token. The database keeps SHA-256 of the token
/// itself; this is a different hash of it, so that one tells nothing of this one.
pub fn session_key(token: &str) -> WrappingKey {
    derived("session-key/v1", token.as_bytes())
}

fn wrap_ad(kind: Wrap, owner: &str) -> Vec<u8> {
    format!("goldseam/data-key/{}/{owner}", kind.label()).into_bytes()
}

/// The data key wrapped under `key` for `owner`: nonce, then ciphertext and tag.
pub fn wrap(
    key: &WrappingKey,
    data: &DataKey,
    kind: Wrap,
    owner: &str,
    nonce: [u8; NONCE],
) -> Result<Vec<u8>, VaultError> {
    let ad = wrap_ad(kind, owner);
    let sealed = key
        .cipher()
        .encrypt(
            &XNonce::from(nonce),
            Payload {
                msg: data.0.as_ref(),
                aad: &ad,
            },
        )
        .map_err(|_| VaultError::TooLong)?;
    Ok([nonce.as_slice(), &sealed].concat())
}

/// The data key from a wrapping made by [`wrap`] with the same key, kind and owner.
pub fn unwrap(
    key: &WrappingKey,
    wrapped: &[u8],
    kind: Wrap,
    owner: &str,
) -> Result<DataKey, VaultError> {
    let (nonce, sealed) = split_nonce(wrapped)?;
    let ad = wrap_ad(kind, owner);
    let plain = Zeroizing::new(
        key.cipher()
            .decrypt(
                &nonce,
                Payload {
                    msg: sealed,
                    aad: &ad,
                },
            )
            .map_err(|_| VaultError::WrongKey)?,
    );
    let bytes: [u8; KEY] = plain
        .as_slice()
        .try_into()
        .map_err(|_| VaultError::WrongKey)?;
    Ok(DataKey::from_bytes(bytes))
}

fn split_nonce(bytes: &[u8]) -> Result<(XNonce, &[u8]), VaultError> {
    if bytes.len() < NONCE {
        return Err(VaultError::WrongKey);
    }
    let (nonce, rest) = bytes.split_at(NONCE);
    let nonce: [u8; NONCE] = nonce.try_into().map_err(|_| VaultError::WrongKey)?;
    Ok((XNonce::from(nonce), rest))
}

/// Seals `plain` under the data key, bound to `ad` (what it is, whose, which): nonce, then
/// the padded plaintext's ciphertext and tag.
pub fn seal(
    data: &DataKey,
    plain: &[u8],
    ad: &[u8],
    nonce: [u8; NONCE],
) -> Result<Vec<u8>, VaultError> {
    let length = u32::try_from(plain.len()).map_err(|_| VaultError::TooLong)?;
    let framed = 4 + plain.len();
    let padded = framed.div_ceil(PAD) * PAD;
    let mut buffer = Zeroizing::new(Vec::with_capacity(padded));
    buffer.extend_from_slice(&length.to_le_bytes());
    buffer.extend_from_slice(plain);
    buffer.resize(padded, 0);
    let sealed = data
        .cipher()
        .encrypt(
            &XNonce::from(nonce),
            Payload {
                msg: &buffer,
                aad: ad,
            },
        )
        .map_err(|_| VaultError::TooLong)?;
    Ok([nonce.as_slice(), &sealed].concat())
}

/// Opens what [`seal`] sealed with the same data key and associated data. A wrong key, a
/// changed byte or other associated data is refused, never read as something else.
pub fn open(data: &DataKey, sealed: &[u8], ad: &[u8]) -> Result<Zeroizing<Vec<u8>>, VaultError> {
    let (nonce, body) = split_nonce(sealed)?;
    let framed = Zeroizing::new(
        data.cipher()
            .decrypt(&nonce, Payload { msg: body, aad: ad })
            .map_err(|_| VaultError::WrongKey)?,
    );
    let length: [u8; 4] = framed
        .get(..4)
        .and_then(|l| l.try_into().ok())
        .ok_or(VaultError::WrongKey)?;
    let length = usize::try_from(u32::from_le_bytes(length)).map_err(|_| VaultError::WrongKey)?;
    let plain = framed.get(4..4 + length).ok_or(VaultError::WrongKey)?;
    Ok(Zeroizing::new(plain.to_vec()))
}

/// What a sealed item is bound to: its kind, its owner and its id.
pub fn item_ad(kind: &str, owner: &str, id: &str) -> Vec<u8> {
    format!("goldseam/{kind}/{owner}/{id}").into_bytes()
}

// ---- the recovery key ------------------------------------------------------------------

/// Crockford's base32 alphabet: no I, L, O or U, so nothing reads as another letter.
const CROCKFORD: &[u8; 32] = b"0123456789ABCDEFGHJKMNPQRSTVWXYZ";

/// A recovery key: 160 random bits, written as 32 characters in groups of four.
pub struct RecoveryKey(Zeroizing<[u8; RECOVERY]>);

impl RecoveryKey {
    pub fn from_bytes(bytes: [u8; RECOVERY]) -> Self {
        Self(Zeroizing::new(bytes))
    }

    /// As the person writes it down: "7K3Q-…", eight groups of four.
    pub fn to_words(&self) -> Zeroizing<String> {
        let mut bits: u64 = 0;
        let mut held = 0;
        let mut chars = Vec::with_capacity(32);
        for byte in self.0.iter() {
            bits = (bits << 8) | u64::from(*byte);
            held += 8;
            while held >= 5 {
                held -= 5;
                let index = usize::try_from((bits >> held) & 31).unwrap_or(0);
                chars.push(CROCKFORD[index]);
            }
        }
        let text: Vec<String> = chars
            .chunks(4)
            .map(|group| String::from_utf8_lossy(group).into_owned())
            .collect();
        Zeroizing::new(text.join("-"))
    }

    /// Reads a recovery key as a person may type it: any case, with or without hyphens or
    /// spaces, `I` and `L` read as `1`, `O` as `0`. `None` if it is not 32 such characters.
    pub fn parse(typed: &str) -> Option<Self> {
        let mut bits: u64 = 0;
        let mut held = 0;
        let mut out = Zeroizing::new([0u8; RECOVERY]);
        let mut filled = 0;
        let mut count = 0;
        for c in typed.chars() {
            if c == '-' || c.is_whitespace() {
                continue;
            }
            let c = match c.to_ascii_uppercase() {
                'I' | 'L' => '1',
                'O' => '0',
                c => c,
            };
            let value = CROCKFORD.iter().position(|&a| char::from(a) == c)?;
            count += 1;
            if count > 32 {
                return None;
            }
            bits = (bits << 5) | u64::try_from(value).ok()?;
            held += 5;
            if held >= 8 {
                held -= 8;
                *out.get_mut(filled)? = u8::try_from((bits >> held) & 0xff).ok()?;
                filled += 1;
            }
        }
        (count == 32 && filled == RECOVERY).then(|| Self(out))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const OWNER: &str = "6f1c2a3b-0000-4000-8000-000000000001";

    fn data_key() -> DataKey {
        DataKey::from_bytes([7; KEY])
    }

    #[test]
    fn a_wrapped_data_key_unwraps_only_with_its_key_kind_and_owner() {
        let pw = password_key("correct horse battery", &[1; SALT]).expect("derives");
        let wrapped = wrap(&pw, &data_key(), Wrap::Password, OWNER, [2; NONCE]).expect("wraps");
        let back = unwrap(&pw, &wrapped, Wrap::Password, OWNER).expect("unwraps");
        assert_eq!(*back.0, *data_key().0);
        let wrong = password_key("correct horse battery!", &[1; SALT]).expect("derives");
        assert!(matches!(
            unwrap(&wrong, &wrapped, Wrap::Password, OWNER),
            Err(VaultError::WrongKey)
        ));
        assert!(
            unwrap(&pw, &wrapped, Wrap::Session, OWNER).is_err(),
            "another kind"
        );
        assert!(unwrap(&pw, &wrapped, Wrap::Password, "someone else").is_err());
        // The same password with another salt is another key.
        let salted = password_key("correct horse battery", &[9; SALT]).expect("derives");
        assert!(unwrap(&salted, &wrapped, Wrap::Password, OWNER).is_err());
    }

    #[test]
    fn a_wrong_recovery_key_is_refused_and_the_right_one_opens() {
        let rk = RecoveryKey::from_bytes([3; RECOVERY]);
        let wrapped = wrap(
            &recovery_key(&rk),
            &data_key(),
            Wrap::Recovery,
            OWNER,
            [4; NONCE],
        )
        .expect("wraps");
        let typed = rk.to_words();
        let again = RecoveryKey::parse(&typed.to_lowercase()).expect("parses");
        assert!(unwrap(&recovery_key(&again), &wrapped, Wrap::Recovery, OWNER).is_ok());
        let other = RecoveryKey::from_bytes([5; RECOVERY]);
        assert!(unwrap(&recovery_key(&other), &wrapped, Wrap::Recovery, OWNER).is_err());
    }

    /// given: an entry sealed under the data key, which is wrapped under the old password
    /// and a recovery key; when: the password changes (unwrap with the old, wrap under the
    /// new), and later the password is lost (unwrap with the recovery key, wrap under a
    /// third); then: the entry opens at every step, without being sealed again.
    #[test]
    fn a_password_change_and_a_recovery_keep_every_entry_readable() {
        let ad = item_ad("journal", OWNER, "entry-1");
        let entry = seal(&data_key(), b"Still mine.", &ad, [1; NONCE]).expect("seals");
        let old = password_key("the first passphrase", &[1; SALT]).expect("derives");
        let by_old = wrap(&old, &data_key(), Wrap::Password, OWNER, [2; NONCE]).expect("wraps");
        let rk = RecoveryKey::from_bytes([9; RECOVERY]);
        let by_rk = wrap(
            &recovery_key(&rk),
            &data_key(),
            Wrap::Recovery,
            OWNER,
            [3; NONCE],
        )
        .expect("wraps");

        let key = unwrap(&old, &by_old, Wrap::Password, OWNER).expect("the old password");
        let new = password_key("the second passphrase", &[4; SALT]).expect("derives");
        let by_new = wrap(&new, &key, Wrap::Password, OWNER, [5; NONCE]).expect("wraps");
        let key = unwrap(&new, &by_new, Wrap::Password, OWNER).expect("the new password");
        assert_eq!(
            open(&key, &entry, &ad).expect("opens").as_slice(),
            b"Still mine."
        );
        assert!(
            unwrap(&old, &by_new, Wrap::Password, OWNER).is_err(),
            "the old one is done"
        );

        let key = unwrap(&recovery_key(&rk), &by_rk, Wrap::Recovery, OWNER).expect("recovers");
        let third = password_key("the third passphrase", &[6; SALT]).expect("derives");
        let by_third = wrap(&third, &key, Wrap::Password, OWNER, [7; NONCE]).expect("wraps");
        let key = unwrap(&third, &by_third, Wrap::Password, OWNER).expect("the new wrapping");
        assert_eq!(
            open(&key, &entry, &ad).expect("opens").as_slice(),
            b"Still mine."
        );
    }

    #[test]
    fn the_session_key_is_not_the_hash_the_database_keeps() {
        let token = "Zm9vYmFyYmF6cXV4cXV1eGNvcmdlZ3JhdWx0Z2FycGx5";
        let kept: [u8; 32] = Sha256::digest(token.as_bytes()).into();
        assert_ne!(*session_key(token).0, kept);
    }

    #[test]
    fn sealed_content_opens_only_with_its_key_and_associated_data() {
        let ad = item_ad("journal", OWNER, "entry-1");
        let sealed =
            seal(&data_key(), "Tuesday was hard.".as_bytes(), &ad, [6; NONCE]).expect("seals");
        let plain = open(&data_key(), &sealed, &ad).expect("opens");
        assert_eq!(plain.as_slice(), "Tuesday was hard.".as_bytes());
        assert!(open(&DataKey::from_bytes([8; KEY]), &sealed, &ad).is_err());
        assert!(open(&data_key(), &sealed, &item_ad("journal", OWNER, "entry-2")).is_err());
        for at in [0, NONCE, sealed.len() - 1] {
            let mut tampered = sealed.clone();
            tampered[at] ^= 1;
            assert!(open(&data_key(), &tampered, &ad).is_err(), "byte {at}");
        }
        assert!(open(&data_key(), &sealed[..NONCE - 1], &ad).is_err());
    }

    #[test]
    fn sealed_content_is_padded_so_its_length_shows_only_roughly() {
        let ad = item_ad("journal", OWNER, "e");
        let short = seal(&data_key(), b"a", &ad, [0; NONCE]).expect("seals");
        let longer = seal(&data_key(), &[b'a'; 200], &ad, [0; NONCE]).expect("seals");
        assert_eq!(short.len(), longer.len());
        assert_eq!(short.len(), NONCE + PAD + 16);
        let long = seal(&data_key(), &[b'a'; 300], &ad, [0; NONCE]).expect("seals");
        assert_eq!(long.len(), NONCE + 2 * PAD + 16);
        assert_eq!(open(&data_key(), &long, &ad).expect("opens").len(), 300);
    }

    #[test]
    fn recovery_keys_read_back_however_they_are_typed() {
        let rk = RecoveryKey::from_bytes([0xA5; RECOVERY]);
        let words = rk.to_words();
        assert_eq!(words.len(), 32 + 7);
        assert_eq!(words.split('-').count(), 8);
        let loose = words
            .replace('-', " ")
            .to_lowercase()
            .replace('1', "l")
            .replace('0', "o");
        let back = RecoveryKey::parse(&loose).expect("parses");
        assert_eq!(*back.0, *rk.0);
        assert!(RecoveryKey::parse(&words[..30]).is_none(), "too short");
        assert!(
            RecoveryKey::parse(&format!("{}-AAAA", &*words)).is_none(),
            "too long"
        );
        assert!(
            RecoveryKey::parse(&format!("U{}", &words[1..])).is_none(),
            "U is not in the alphabet"
        );
        assert!(RecoveryKey::parse("not a key at all").is_none());
    }
}
