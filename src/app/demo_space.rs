//! A demo space to try Goldseam with: two real accounts, signed up the normal way, and a
//! generated story (see [`crate::demo`]) written to their shared record.
//!
//! The accounts are ordinary ones, so anyone holding the printed passphrases can log in;
//! the emails use the reserved `.invalid` domain so nothing is ever sent to them.

use std::fmt;
use std::net::{IpAddr, Ipv4Addr};

use anyhow::Context as _;
use rand::Rng as _;
use rand::seq::SliceRandom as _;

use super::{App, AppError, SignUpInput};
use crate::demo::{self, Cast};
use crate::domain::{PersonId, SpaceId};
use crate::store::Effect;

/// Events per append: large enough that ten years load in seconds, small enough that one
/// transaction stays short.
const BATCH: usize = 500;
/// New emails tried before giving up (a clash needs the same 4 random characters).
const EMAIL_ATTEMPTS: usize = 5;
/// Words in a passphrase: 6 of the 109 [`WORDS`] is about 40 bits, and at least 15
/// characters. Enough for a demo behind log-in throttling, not a real account's secret.
const PASSPHRASE_WORDS: usize = 6;

/// One of the two demo partners, with what it takes to log in as them.
pub struct DemoPartner {
    pub person: PersonId,
    pub name: String,
    pub email: String,
    pub passphrase: String,
}

impl fmt::Debug for DemoPartner {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("DemoPartner")
            .field("person", &self.person)
            .field("name", &self.name)
            .finish_non_exhaustive()
    }
}

/// The demo space that was written.
#[derive(Debug)]
pub struct DemoSpace {
    pub space: SpaceId,
    /// Sam, the partner who was hurt.
    pub hurt: DemoPartner,
    /// Alex, the partner who broke trust.
    pub broke: DemoPartner,
    pub years: u32,
    pub seed: u64,
    pub events: usize,
}

impl App {
    /// Signs up two demo partners and writes `years` of generated history, ending now, to a
    /// new space of theirs. The same seed tells the same story.
    #[tracing::instrument(skip_all, fields(years, seed))]
    pub async fn create_demo(&self, years: u32, seed: u64) -> Result<DemoSpace, AppError> {
        if !(1..=demo::MAX_YEARS).contains(&years) {
            return Err(AppError::Invalid {
                field: "years",
                message: format!("A demo covers from 1 to {} years.", demo::MAX_YEARS),
            });
        }
        let hurt = self.demo_partner(demo::HURT_NAME).await?;
        let broke = self.demo_partner(demo::BROKE_NAME).await?;
        let cast = Cast {
            space: SpaceId::random(),
            hurt: hurt.person,
            broke: broke.person,
        };
        let end_us = self.clock().now_us();
        let started = std::time::Instant::now();
        let generated =
            tokio::task::spawn_blocking(move || demo::generate_for(cast, years, seed, end_us))
                .await
                .context("demo generation task")?
                .context("generating the demo history")?;

        let generated_in = started.elapsed();
        let events = &generated.events;
        let secs = |us: i64| us.div_euclid(1_000_000);
        let created_at = events.first().map_or(secs(end_us), |e| secs(e.at_us));
        let joined_at = events
            .iter()
            .find(|e| e.kind == "partner.joined")
            .map_or(created_at, |e| secs(e.at_us));
        let mut head = (0, crate::domain::record::GENESIS_PREV);
        for (i, batch) in events.chunks(BATCH).enumerate() {
            // The first batch creates the space and makes both its members, as creating and
            // joining do.
            let effects: Vec<Effect> = if i == 0 {
                vec![
                    Effect::CreateSpace { created_at },
                    Effect::AddMember {
                        person: cast.hurt,
                        joined_at: created_at,
                    },
                    Effect::AddMember {
                        person: cast.broke,
                        joined_at,
                    },
                ]
            } else {
                Vec::new()
            };
            self.store()
                .append(cast.space, head, batch, &effects)
                .await
                .with_context(|| format!("writing demo events from seq {}", head.0 + 1))?;
            if let Some(last) = batch.last() {
                head = (last.seq, last.hash);
            }
        }
        tracing::info!(
            space = %cast.space,
            events = events.len(),
            generated_ms = generated_in.as_millis(),
            written_ms = (started.elapsed() - generated_in).as_millis(),
            "demo space created"
        );
        Ok(DemoSpace {
            space: cast.space,
            hurt,
            broke,
            years,
            seed,
            events: events.len(),
        })
    }

    /// A real account, signed up like anyone else, with a generated email and passphrase.
    /// Sign-up logs a person in; the demo needs no session, so it is ended again.
    async fn demo_partner(&self, name: &str) -> Result<DemoPartner, AppError> {
        let localhost = IpAddr::V4(Ipv4Addr::LOCALHOST);
        let passphrase = passphrase();
        for _ in 0..EMAIL_ATTEMPTS {
            let email = format!("{}.demo-{}@example.invalid", name.to_lowercase(), suffix());
            let input = SignUpInput {
                email: &email,
                display_name: name,
                password: &passphrase,
                time_zone: demo::TIME_ZONE,
            };
            // The demo's App sends no mail, so sign-up makes the account at once.
            match self.sign_up(input, localhost, "").await {
                Ok(super::SignedUp::CheckMail) => {
                    return Err(AppError::Refused(
                        "The demo cannot make accounts that wait for e-mail.".into(),
                    ));
                }
                Ok(super::SignedUp::Session(session)) => {
                    self.store().delete_sessions_of(session.person).await?;
                    self.store().forget_devices_of(session.person).await?;
                    return Ok(DemoPartner {
                        person: session.person,
                        name: name.to_owned(),
                        email,
                        passphrase,
                    });
                }
                Err(AppError::EmailTaken) => continue,
                Err(e) => return Err(e),
            }
        }
        Err(AppError::Refused(
            "Could not find a free demo email address. Please try again.".into(),
        ))
    }
}

/// Four random lowercase letters and digits, from the OS.
fn suffix() -> String {
    const CHARS: &[u8] = b"abcdefghijkmnpqrstuvwxyz23456789";
    let mut rng = rand::rngs::OsRng;
    (0..4)
        .map(|_| char::from(CHARS[rng.gen_range(0..CHARS.len())]))
        .collect()
}

/// A few unrelated words, from the OS: easy to type, hard to guess.
fn passphrase() -> String {
    let mut rng = rand::rngs::OsRng;
    (0..PASSPHRASE_WORDS)
        .filter_map(|_| WORDS.choose(&mut rng).copied())
        .collect::<Vec<_>>()
        .join(" ")
}

const WORDS: &[&str] = &[
    "acorn", "amber", "anchor", "apple", "arbor", "aspen", "autumn", "badger", "bamboo", "banjo",
    "basil", "beacon", "birch", "bison", "blossom", "bramble", "breeze", "brook", "cactus",
    "canyon", "cedar", "cello", "cherry", "cinder", "clover", "cobalt", "comet", "coral", "cotton",
    "crane", "cricket", "daisy", "delta", "dune", "ember", "falcon", "fern", "fiddle", "fjord",
    "flint", "garnet", "ginger", "glacier", "granite", "harbor", "hazel", "heron", "hollow",
    "honey", "indigo", "island", "ivory", "jasmine", "juniper", "kettle", "kiwi", "lagoon",
    "lantern", "lavender", "lemon", "lilac", "linen", "lotus", "maple", "marble", "meadow",
    "melon", "mint", "monsoon", "moss", "nectar", "nutmeg", "oak", "ocean", "olive", "onyx",
    "orbit", "orchid", "otter", "paddle", "pebble", "pepper", "pine", "plum", "poppy", "prairie",
    "quartz", "quill", "raven", "reef", "ripple", "river", "robin", "saffron", "sage", "sparrow",
    "spruce", "summit", "thistle", "thunder", "tulip", "tundra", "velvet", "violet", "walnut",
    "willow", "winter", "yarrow", "zephyr",
];
