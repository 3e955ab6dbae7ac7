//! Erasing an account, on both databases. Ottoline made a space with Bartholomew, was the
//! one who broke trust in the breach he recorded, and wrote in every way a partner writes:
//! an acknowledgment, an account, an answer, a question, a letter, a check-in note, a
//! journal entry and a draft, each holding a sentence of its own, and a letter in a second
//! space she joined and left again. She erases her account. Then:
//! (a) the account tables hold nothing of hers (email, name, sessions, journal, drafts …);
//! (b) none of her sentences, nor her email, name or the space's name she gave, is in the
//!     SQLite file and its WAL or any PostgreSQL row, while his sentences still are;
//! (c) signing in as her fails exactly as it does for an email nobody has;
//! (d) his fresh exports verify, and his pages draw, naming her as a partner who has left;
//! (e) before that, a missing tick or a wrong password erased nothing: 422, and every table
//!     as it was (a wrong password is counted, as every password check is).
//! A counsellor who erases their account steps away, and their notes go.

use reqwest::StatusCode;

use crate::helpers::*;
use crate::on_both_databases;

on_both_databases!(
    an_erased_account_leaves_only_the_chain_and_the_partners_words,
    a_counsellor_who_erases_their_account_steps_away
);

const ERASER: &str = "Ottoline Vantreight";
const ERASER_EMAIL: &str = "ottoline.vantreight@example.org";
const PARTNER: &str = "Bartholomew Quince";
const SPACE_NAME: &str = "The lindens on Harrow Lane";

/// Each a sentence written by the one who erases, in one place only.
const ACKNOWLEDGED: &str = "Canary seen differently: it was only ever the one parcel.";
const ACCOUNT: &str = "Canary account: I hid the parcel behind the boiler in May.";
const ANSWER: &str = "Canary answer: the receipts were in the blue folder.";
const QUESTION: &str = "Canary question: will you walk the canal path with me again?";
const LETTER: &str = "Canary letter: I still keep the shell from Camber Sands.";
const CHECK_IN: &str = "Canary check-in: the long drive home helped us talk.";
const JOURNAL: &str = "Canary journal: I counted seventeen herons by the weir.";
const DRAFT: &str = "Canary draft: the attic window rattles when the wind turns.";
const LEFT_BEHIND: &str = "Canary in a space I left: the tram bell rang at noon.";
const CANARIES: [&str; 9] = [
    ACKNOWLEDGED,
    ACCOUNT,
    ANSWER,
    QUESTION,
    LETTER,
    CHECK_IN,
    JOURNAL,
    DRAFT,
    LEFT_BEHIND,
];

/// Bartholomew's own words: they stay.
const HIS_QUESTION: &str = "Control question: where did the money from the old account go?";
const HIS_ANSWER: &str = "Control answer: yes, on a Sunday when it is dry.";

/// Everything the store holds, as bytes: the SQLite files (database, WAL, shm), or every
/// PostgreSQL table's rows.
async fn stored(app: &TestApp, backend: Backend) -> Vec<u8> {
    let mut all = Vec::new();
    match backend {
        Backend::Sqlite => {
            for entry in std::fs::read_dir(app.dir.path()).expect("the data dir") {
                let path = entry.expect("an entry").path();
                all.extend(std::fs::read(&path).unwrap_or_default());
            }
        }
        Backend::Postgres => {
            for (_, row) in every_row_as_text(app.app.store()).await {
                all.extend(row.into_bytes());
            }
        }
    }
    all
}

/// How many rows of `table` have `value` in `column`.
async fn rows_with(app: &TestApp, table: &str, column: &str, value: &str) -> i64 {
    let sql = format!("SELECT COUNT(*) FROM {table} WHERE {column} = $1");
    let (n,): (i64,) = match app.app.store() {
        goldseam::store::Store::Sqlite(pool, _) => sqlx::query_as(&sql)
            .bind(value)
            .fetch_one(pool)
            .await
            .expect("count"),
        goldseam::store::Store::Postgres(pool) => sqlx::query_as(&sql)
            .bind(value)
            .fetch_one(pool)
            .await
            .expect("count"),
    };
    n
}

/// A signed-up person with this email and name.
async fn person(app: &TestApp, email: &str, name: &str) -> Client {
    let client = app.client();
    let page = client.signup(email, name, PASSWORD).await;
    assert_eq!(page.status, StatusCode::SEE_OTHER, "{}", page.text());
    client.set_email(email);
    client
}

/// `joiner` joins `owner`'s space through its invite link.
async fn join(owner: &Client, joiner: &Client, space: &str) {
    let link = owner.invite_link(space).await;
    ok(joiner, &joiner.path_of(&link), &[]).await;
}

/// The period the check-ins page offers to answer (its start date).
async fn open_period(client: &Client, space: &str) -> String {
    let page = client.get(&format!("{space}/checkins")).await;
    let at = page
        .body
        .find("name=\"period\" value=\"")
        .expect("a period to answer")
        + 21;
    page.body[at..at + 10].to_owned()
}

/// The id in the last segment of a path.
fn last(path: &str) -> &str {
    path.rsplit('/').next().unwrap_or_default()
}

async fn an_erased_account_leaves_only_the_chain_and_the_partners_words(backend: Backend) {
    let app = spawn_app_long(backend).await;
    let her = person(&app, ERASER_EMAIL, ERASER).await;
    let him = person(&app, "b.quince@example.org", PARTNER).await;
    let space = her.create_space(SPACE_NAME).await;
    join(&her, &him, &space).await;

    // He records that she broke trust; she acknowledges it, sees it differently, and
    // writes her account.
    let breach = ok(
        &him,
        &format!("{space}/breaches"),
        &[
            ("title", "The parcels"),
            ("kind", "lying"),
            ("broke_trust", "partner"),
            ("discovered_on", "2026-11-01"),
        ],
    )
    .await;
    ok(
        &her,
        &format!("{breach}/acknowledge"),
        &[("response", "sees_differently"), ("account", ACKNOWLEDGED)],
    )
    .await;
    ok(&her, &format!("{breach}/disclosure"), &[("text", ACCOUNT)]).await;
    // He asks, she answers; she asks, he answers.
    let his_question = ok(
        &him,
        &format!("{space}/questions"),
        &[("text", HIS_QUESTION), ("breach", last(&breach))],
    )
    .await;
    ok(&her, &format!("{his_question}/answer"), &[("text", ANSWER)]).await;
    let her_question = ok(
        &her,
        &format!("{space}/questions"),
        &[("text", QUESTION), ("breach", "")],
    )
    .await;
    ok(
        &him,
        &format!("{her_question}/answer"),
        &[("text", HIS_ANSWER)],
    )
    .await;
    // A letter, a check-in with a note, a draft, a journal entry.
    ok(
        &her,
        &format!("{space}/letters"),
        &[("text", LETTER), ("action", "send")],
    )
    .await;
    set_rhythm(
        &her,
        &him,
        &space,
        &[
            ("every", "week"),
            ("weekday", "monday"),
            ("time_zone", "Europe/Berlin"),
        ],
    )
    .await;
    let period = open_period(&her, &space).await;
    ok(
        &her,
        &format!("{space}/checkins/answer"),
        &[
            ("period", &period),
            ("predictability", "3"),
            ("dependability", "4"),
            ("faith", "6"),
            ("feeling_hope", "2"),
            ("helped", CHECK_IN),
            ("hurt", ""),
            ("need", ""),
        ],
    )
    .await;
    ok(
        &her,
        &format!("{space}/letters"),
        &[("text", DRAFT), ("action", "save")],
    )
    .await;
    assert_eq!(
        her.post("/journal/recovery", &[]).await.status,
        StatusCode::OK
    );
    ok(&her, "/journal/recovery/confirm", &[]).await;
    ok(
        &her,
        "/journal",
        &[("date", "2026-11-30"), ("text", JOURNAL), ("prompt", "")],
    )
    .await;
    // A second space, his, which she joined, wrote in, and left.
    let second = him.create_space("Our second try").await;
    join(&him, &her, &second).await;
    ok(
        &her,
        &format!("{second}/letters"),
        &[("text", LEFT_BEHIND), ("action", "send")],
    )
    .await;
    ok(&her, &format!("{second}/leave"), &[("confirmed", "yes")]).await;

    let store = app.app.store();
    let id = store
        .login_by_email(ERASER_EMAIL)
        .await
        .expect("read")
        .expect("her account")
        .id;
    assert!(
        holds(&stored(&app, backend).await, ANSWER),
        "written in clear"
    );

    // The page says what goes and what stays, and offers her one space's record first.
    let page = her.get("/account").await;
    assert!(page.has("href=\"/account/erase\""));
    let page = her.get("/account/erase").await;
    assert_eq!(page.status, StatusCode::OK);
    for words in [
        "What is removed, for good",
        "What stays",
        "a partner who has left",
        "erasing cannot reach them",
    ] {
        assert!(page.reads(words), "{words}");
    }
    assert!(page.has(&format!("href=\"{space}/export\"")));
    assert!(
        !page.has(&format!("href=\"{second}/export\"")),
        "she left it"
    );
    assert!(page.has("href=\"/help/safety\""));

    // Her calendar feed, turned on before she erases.
    let feed = her.post("/account/calendar", &[]).await;
    assert_eq!(feed.status, StatusCode::OK);
    let feed = her.path_of(&feed.value_of("calendar-url").expect("a calendar address"));
    assert_eq!(app.client().get(&feed).await.status, StatusCode::OK);

    // (e) No tick, an empty or a wrong password: a clear message, and nothing changes.
    let before = every_row(store).await;
    let failures = |rows: &[(String, String)]| {
        rows.iter()
            .filter(|(table, _)| table == "login_failures")
            .count()
    };
    let erase = "/account/erase";
    for (fields, says) in [
        (vec![("password", PASSWORD)], "tick the box"),
        (vec![("password", ""), ("confirmed", "yes")], "enter your"),
    ] {
        let refused = her.post(erase, &fields).await;
        assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(refused.reads(says), "{says}: {}", refused.text());
        assert!(refused.reads("Nothing has been erased") || says == "enter your");
        assert_eq!(every_row(store).await, before, "nothing written");
    }
    let wrong = her
        .post(
            erase,
            &[("password", "not my password at all"), ("confirmed", "yes")],
        )
        .await;
    assert_eq!(wrong.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(wrong.reads("That isn't your current password"));
    assert!(!wrong.has("not my password at all"), "never sent back");
    let after = every_row(store).await;
    let without_failures = |rows: &[(String, String)]| -> Vec<(String, String)> {
        rows.iter()
            .filter(|(table, _)| table != "login_failures")
            .cloned()
            .collect()
    };
    assert_eq!(without_failures(&after), without_failures(&before));
    assert_eq!(
        failures(&after),
        failures(&before) + 1,
        "the wrong guess counts"
    );
    assert!(
        her.get("/account").await.status.is_success(),
        "still signed in"
    );

    // She erases her account.
    let erased = her
        .post(erase, &[("password", PASSWORD), ("confirmed", "yes")])
        .await;
    assert_eq!(erased.status, StatusCode::SEE_OTHER, "{}", erased.text());
    assert_eq!(erased.location(), "/?erased=1");
    assert!(
        her.get("/?erased=1")
            .await
            .reads("Your account has been erased.")
    );
    assert_eq!(her.get("/account").await.status, StatusCode::SEE_OTHER);
    assert_eq!(
        app.client().get(&feed).await.status,
        StatusCode::NOT_FOUND,
        "her calendar address is gone with her"
    );

    // (a) Nothing of hers in the account tables.
    assert_eq!(rows_with(&app, "persons", "email", ERASER_EMAIL).await, 0);
    assert_eq!(rows_with(&app, "persons", "display_name", ERASER).await, 0);
    assert_eq!(rows_with(&app, "persons", "id", &id).await, 0);
    for (table, column) in [
        ("sessions", "person_id"),
        ("known_devices", "person_id"),
        ("journal_entries", "person_id"),
        ("drafts", "person_id"),
        ("seen", "person_id"),
        ("members", "person_id"),
        ("calendar_feeds", "person_id"),
        ("invites", "created_by"),
        ("invites", "used_by"),
    ] {
        assert_eq!(rows_with(&app, table, column, &id).await, 0, "{table}");
    }
    assert_eq!(
        rows_with(
            &app,
            "login_failures",
            "throttle_key",
            &format!("password:{id}")
        )
        .await,
        0
    );

    // (b) Her words, email and names are nowhere in the store; his still are.
    let all = stored(&app, backend).await;
    for kept in [HIS_QUESTION, HIS_ANSWER, PARTNER] {
        assert!(holds(&all, kept), "{kept:?} is found where it is stored");
    }
    for gone in CANARIES.iter().chain(&[ERASER_EMAIL, ERASER, SPACE_NAME]) {
        assert!(!holds(&all, gone), "{gone:?} is still in the store");
    }

    // (c) Signing in as her reads exactly as signing in as nobody.
    let as_her = app.client().login(ERASER_EMAIL, PASSWORD).await;
    let as_nobody = app
        .client()
        .login("nobody.at.all@example.org", PASSWORD)
        .await;
    assert_eq!(as_her.status, as_nobody.status);
    assert_eq!(as_her.status, StatusCode::UNAUTHORIZED);
    assert_eq!(visible_main(&as_her.body), visible_main(&as_nobody.body));
    assert!(as_her.reads("don't match an account"));

    // (d) His records verify, and every page of his draws, without her name or words.
    for path in [&space, &second] {
        let export = him.get(&format!("{path}/export")).await;
        assert_eq!(export.status, StatusCode::OK);
        goldseam::export::verify(&export.body).expect("a fresh export verifies");
        for gone in CANARIES.iter().chain(&[ERASER, SPACE_NAME]) {
            assert!(!export.body.contains(gone), "{gone:?} in the export");
        }
    }
    let home = him.get("/").await;
    assert!(home.reads("Our space"), "{}", home.text());
    assert!(home.reads("with a partner who has left"));
    let pages = [
        space.clone(),
        format!("{space}/record"),
        breach.clone(),
        format!("{space}/summary"),
        format!("{space}/breaches"),
        format!("{space}/questions"),
        format!("{space}/letters"),
        format!("{space}/checkins"),
        format!("{space}/together"),
        format!("{space}/promises"),
        format!("{space}/agreements"),
        format!("{space}/counsellor"),
        format!("{space}/stages"),
        second.clone(),
        format!("{second}/record"),
    ];
    for path in &pages {
        let page = him.get(path).await;
        assert_eq!(page.status, StatusCode::OK, "{path}");
        for gone in CANARIES.iter().chain(&[ERASER, SPACE_NAME]) {
            assert!(!page.has(gone), "{path} shows {gone:?}");
        }
    }
    for path in [&space, &format!("{space}/record"), &breach] {
        let page = him.get(path).await;
        assert!(
            page.reads("a partner who has left") || page.reads("A partner who has left"),
            "{path}: {}",
            page.text()
        );
    }
    assert!(him.get(&breach).await.reads(HIS_QUESTION), "his words stay");
    assert!(
        him.get(&format!("{space}/record"))
            .await
            .reads("A partner who has left removed the words of entry")
    );
}

async fn a_counsellor_who_erases_their_account_steps_away(backend: Backend) {
    const NOTE: &str = "Canary note: the two of you might try the bench by the pond.";
    let app = spawn_app_long(backend).await;
    let (sam, alex, space) = couple(&app).await;
    let kim = counsellor_for(&app, &sam, &alex, &space, Some("record")).await;
    ok(
        &kim,
        &format!("{space}/counsellor/notes"),
        &[("text", NOTE), ("practice", "")],
    )
    .await;
    assert!(sam.get(&format!("{space}/counsellor")).await.reads(NOTE));
    let id = app
        .app
        .store()
        .login_by_email(&kim.email())
        .await
        .expect("read")
        .expect("Kim's account")
        .id;
    let page = kim.get("/account/erase").await;
    assert!(page.reads("As a counsellor, you step away"));
    ok(
        &kim,
        "/account/erase",
        &[("password", PASSWORD), ("confirmed", "yes")],
    )
    .await;

    assert_eq!(rows_with(&app, "counsellors", "person_id", &id).await, 0);
    assert_eq!(rows_with(&app, "persons", "id", &id).await, 0);
    assert!(!holds(&stored(&app, backend).await, NOTE));
    for who in [&sam, &alex] {
        let page = who.get(&format!("{space}/counsellor")).await;
        assert_eq!(page.status, StatusCode::OK);
        assert!(!page.reads(NOTE));
        assert!(page.reads("A counsellor who has left") || page.reads("a counsellor who has left"));
        let record = who.get(&format!("{space}/record")).await;
        assert_eq!(record.status, StatusCode::OK);
        let export = who.get(&format!("{space}/export")).await;
        goldseam::export::verify(&export.body).expect("a fresh export verifies");
    }
    // The couple's space goes on, and they may invite someone else.
    let again = invite_counsellor(&sam, &space).await;
    assert!(again.starts_with("/counsel/"), "{again}");
}
