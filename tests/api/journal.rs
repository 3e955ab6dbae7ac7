//! The private journal over HTTP: only its author reads it; the recovery key; writing,
//! searching, editing, deleting, exporting, turning an entry into a letter; bad input;
//! a password change and a recovery keep it readable; nothing of it reaches the partner's
//! pages; two servers on one PostgreSQL read it in one session.

use reqwest::StatusCode;

use crate::helpers::{Backend, Client, PASSWORD, TestApp, couple, ok, spawn_app_long};

crate::on_both_databases!(
    a_journal_is_its_authors_alone_from_first_visit_to_deletion,
    bad_journal_input_is_refused_and_writes_nothing,
    a_password_change_and_a_recovery_keep_the_journal,
    the_partners_pages_do_not_change_with_the_others_journal,
    after_log_out_the_old_session_unwraps_nothing,
    a_draft_kept_in_clear_before_is_sealed_at_the_next_sign_in,
);

/// Writes an entry and returns its path.
async fn write(client: &Client, date: &str, text: &str) -> String {
    let at = ok(
        client,
        "/journal",
        &[("date", date), ("text", text), ("prompt", "")],
    )
    .await;
    let id = at.rsplit("entry-").next().expect("the entry's anchor");
    format!("/journal/{id}")
}

/// The recovery key shown once, after the person asks for it and confirms.
async fn recovery_key(client: &Client) -> String {
    let page = client.post("/journal/recovery", &[]).await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.text());
    let at = page
        .body
        .find("id=\"recovery-words\">")
        .expect("the key is shown")
        + 20;
    let words = page.body[at..at + 39].to_owned();
    ok(client, "/journal/recovery/confirm", &[]).await;
    words
}

/// How many entries the journal page lists.
async fn entries(client: &Client) -> usize {
    client
        .get("/journal")
        .await
        .body
        .matches("id=\"entry-")
        .count()
}

async fn a_journal_is_its_authors_alone_from_first_visit_to_deletion(backend: Backend) {
    let app = spawn_app_long(backend).await;
    let (sam, alex, space) = couple(&app).await;

    // First visit: the recovery key comes first, shown once.
    let first = sam.get("/journal").await;
    assert!(
        first.reads("Before you start: a recovery key"),
        "{}",
        first.text()
    );
    let words = recovery_key(&sam).await;
    assert_eq!(words.split('-').count(), 8, "{words}");
    let open = sam.get("/journal").await;
    assert!(open.reads("Keep it in my journal"), "{}", open.text());
    assert!(!open.body.contains(&words), "the key is never shown again");

    let entry = write(
        &sam,
        "2026-11-30",
        "The walk by the river helped more than I said.",
    )
    .await;
    write(&sam, "2026-11-29", "I keep going back to that night.").await;
    assert_eq!(entries(&sam).await, 2);

    // Search, in memory: case-blind, and nothing for a word that is not there.
    let found = sam.get("/journal?q=RIVER").await;
    assert!(found.reads("The walk by the river"), "{}", found.text());
    assert!(!found.reads("that night"));
    assert!(sam.get("/journal?q=ocean").await.reads("No entry holds"));

    // Nobody else reads it: the partner, a stranger, a counsellor all get the 404.
    let kim = crate::helpers::counsellor_for(&app, &sam, &alex, &space, Some("record")).await;
    for other in [&alex, &kim] {
        assert_eq!(other.get(&entry).await.status, StatusCode::NOT_FOUND);
        let theirs = other.get("/journal").await;
        assert!(
            !theirs.reads("river"),
            "another's journal shows nothing of Sam's"
        );
        let edit = other
            .post(&entry, &[("date", "2026-11-30"), ("text", "Changed")])
            .await;
        assert_eq!(edit.status, StatusCode::NOT_FOUND);
        let delete = other.post(&format!("{entry}/delete"), &[]).await;
        assert_eq!(delete.status, StatusCode::NOT_FOUND);
    }
    assert_eq!(entries(&sam).await, 2);

    // Edit, then turn it into a letter draft in the space.
    ok(
        &sam,
        &entry,
        &[
            ("date", "2026-11-30"),
            (
                "text",
                "The walk by the river helped. I want more of those.",
            ),
            ("prompt", "helps"),
        ],
    )
    .await;
    let page = sam.get(&entry).await;
    assert!(page.reads("I want more of those."), "{}", page.text());
    let draft = ok(
        &sam,
        &format!("{entry}/letter"),
        &[("space", space.trim_start_matches("/spaces/"))],
    )
    .await;
    assert!(draft.contains("/letters/new?draft="), "{draft}");
    let letter = sam.get(&draft).await;
    assert!(letter.reads("I want more of those."), "{}", letter.text());
    assert!(
        !alex
            .get(&format!("{space}/letters"))
            .await
            .reads("more of those")
    );

    // The author's download is readable text.
    let export = sam.get("/journal/export").await;
    assert_eq!(export.status, StatusCode::OK);
    assert!(export.body.contains("I keep going back to that night."));
    assert!(
        export
            .headers
            .get("content-disposition")
            .is_some_and(|v| v.to_str().unwrap_or("").contains("attachment"))
    );

    // Deleting removes it.
    ok(&sam, &format!("{entry}/delete"), &[]).await;
    assert_eq!(sam.get(&entry).await.status, StatusCode::NOT_FOUND);
    assert_eq!(entries(&sam).await, 1);
}

async fn bad_journal_input_is_refused_and_writes_nothing(backend: Backend) {
    let app = spawn_app_long(backend).await;
    let sam = app.person("Sam").await;
    recovery_key(&sam).await;
    let long = "x".repeat(goldseam::domain::journal::limits::ENTRY + 1);
    for (date, text, prompt, says) in [
        ("2026-11-30", "   ", "", "Your entry"),
        ("2026-11-30", long.as_str(), "", "Your entry"),
        ("2026-11-30", "a bell \u{7} rings", "", "Your entry"),
        ("2026-02-30", "A day that never was.", "", "choose the day"),
        (
            "2026-11-30",
            "Fine words.",
            "not-a-prompt",
            "one of the prompts",
        ),
    ] {
        let page = sam
            .post(
                "/journal",
                &[("date", date), ("text", text), ("prompt", prompt)],
            )
            .await;
        assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY, "{says}");
        assert!(page.reads(says), "{says}: {}", page.text());
        if text.len() < 100 && !text.trim().is_empty() && !text.contains('\u{7}') {
            assert!(page.body.contains(text), "what was typed is given back");
        }
    }
    // Bytes that are not UTF-8.
    let csrf = sam.csrf().await;
    let mut body = format!("csrf={csrf}&date=2026-11-30&text=").into_bytes();
    body.extend_from_slice(&[0xff, 0xfe, b'a']);
    let page = sam.post_bytes("/journal", body).await;
    assert!(page.status.is_client_error(), "{}", page.status);
    // A wrong recovery key.
    let page = sam
        .post(
            "/journal/recover",
            &[
                ("recovery", "0000-0000-0000-0000-0000-0000-0000-0000"),
                ("password", PASSWORD),
            ],
        )
        .await;
    assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(page.reads("doesn't unlock this journal"), "{}", page.text());
    let page = sam
        .post(
            "/journal/recover",
            &[("recovery", "not a key"), ("password", PASSWORD)],
        )
        .await;
    assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(entries(&sam).await, 0, "nothing was written");
}

/// Sets `client`'s password anew the way a reset by e-mail will (the hash only): the
/// journal's wrapping under the old password stays as it was.
async fn reset_password(app: &TestApp, client: &Client, new: &str) {
    use argon2::PasswordHasher as _;
    let salt = argon2::password_hash::SaltString::encode_b64(b"a salt of sixteen").expect("salt");
    let hash = argon2::Argon2::default()
        .hash_password(new.as_bytes(), &salt)
        .expect("hash")
        .to_string();
    let store = app.app.store();
    let person = store
        .login_by_email(&client.email().to_lowercase())
        .await
        .expect("read")
        .expect("the person");
    store
        .set_password_hash(person.id.parse().expect("id"), &hash)
        .await
        .expect("set the hash");
}

async fn a_password_change_and_a_recovery_keep_the_journal(backend: Backend) {
    let app = spawn_app_long(backend).await;
    let sam = app.person("Sam").await;
    let words = recovery_key(&sam).await;
    write(&sam, "2026-11-30", "Written before anything changed.").await;

    // A password change: the entry stays readable, now and at the next log-in.
    let changed = "a completely different passphrase, long";
    let page = sam
        .post(
            "/account/password",
            &[("current_password", PASSWORD), ("new_password", changed)],
        )
        .await;
    assert!(page.reads("Your password is changed"), "{}", page.text());
    assert!(
        sam.get("/journal")
            .await
            .reads("Written before anything changed.")
    );
    ok(&sam, "/logout", &[]).await;
    assert_eq!(
        sam.login(&sam.email(), changed).await.status,
        StatusCode::SEE_OTHER
    );
    assert!(
        sam.get("/journal")
            .await
            .reads("Written before anything changed.")
    );

    // A password set anew without the old one: locked until the recovery key.
    let reset = "the passphrase after forgetting the other one";
    reset_password(&app, &sam, reset).await;
    ok(&sam, "/logout", &[]).await;
    assert_eq!(
        sam.login(&sam.email(), reset).await.status,
        StatusCode::SEE_OTHER
    );
    let locked = sam.get("/journal").await;
    assert!(locked.reads("Unlock your journal"), "{}", locked.text());
    assert!(!locked.reads("Written before anything changed."));
    let unlock = sam.post("/journal/unlock", &[("password", reset)]).await;
    assert_eq!(unlock.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(unlock.reads("use your recovery key"), "{}", unlock.text());
    ok(
        &sam,
        "/journal/recover",
        &[("recovery", &words.to_lowercase()), ("password", reset)],
    )
    .await;
    assert!(
        sam.get("/journal")
            .await
            .reads("Written before anything changed.")
    );
    // The recovery set a new wrapping under the password: the next log-in opens it.
    ok(&sam, "/logout", &[]).await;
    sam.login(&sam.email(), reset).await;
    assert!(
        sam.get("/journal")
            .await
            .reads("Written before anything changed.")
    );
}

async fn the_partners_pages_do_not_change_with_the_others_journal(backend: Backend) {
    let app = spawn_app_long(backend).await;
    let (sam, alex, space) = couple(&app).await;
    let pages = async |client: &Client| {
        let mut seen = Vec::new();
        for path in [
            space.clone(),
            format!("{space}/record"),
            format!("{space}/letters"),
            format!("{space}/summary"),
            "/".to_owned(),
        ] {
            let page = client.get(&path).await;
            seen.push((path, page.without_tokens()));
        }
        seen
    };
    let _ = pages(&sam).await;
    let before = pages(&sam).await;
    for n in 0..100 {
        write(
            &alex,
            "2026-11-30",
            &format!("Entry number {n}, mine alone."),
        )
        .await;
    }
    let after = pages(&sam).await;
    for (b, a) in before.iter().zip(&after) {
        assert!(b.1 == a.1, "{} changed with Alex's journal", b.0);
    }
}

async fn after_log_out_the_old_session_unwraps_nothing(backend: Backend) {
    let app = spawn_app_long(backend).await;
    let sam = app.person("Sam").await;
    write(&sam, "2026-11-30", "Sealed.").await;
    let token = sam
        .cookie(goldseam::web::SESSION_COOKIE)
        .expect("a session cookie");
    let id_hash = goldseam::app::token_hash(&token);
    let store = app.app.store();
    let row = store.session(&id_hash).await.expect("read").expect("a row");
    assert!(row.data_key.is_some(), "the session holds the wrapped key");
    ok(&sam, "/logout", &[]).await;
    assert!(
        store.session(&id_hash).await.expect("read").is_none(),
        "the row, and the wrapped key in it, are gone"
    );
    // Log out everywhere ends every session's key too.
    sam.login(&sam.email(), PASSWORD).await;
    let other = app.client();
    other.login(&sam.email(), PASSWORD).await;
    ok(&sam, "/logout/everywhere", &[]).await;
    let journal = other.get("/journal").await;
    assert_eq!(
        journal.status,
        StatusCode::SEE_OTHER,
        "the other session ended"
    );
}

/// Two servers on one PostgreSQL: one session reads the journal through either, and a
/// server that has never seen the session (as after a restart) reads it too.
#[tokio::test]
async fn two_servers_read_the_journal_in_one_session() {
    let Some((one, two)) = crate::helpers::two_servers_on_one_postgres().await else {
        return;
    };
    let sam = one.person("Sam").await;
    recovery_key(&sam).await;
    write(&sam, "2026-11-30", "Read from either server.").await;
    let token = sam
        .cookie(goldseam::web::SESSION_COOKIE)
        .expect("a session cookie");
    let page = reqwest::Client::new()
        .get(format!("{}/journal", two.base))
        .header(
            "cookie",
            format!("{}={token}", goldseam::web::SESSION_COOKIE),
        )
        .send()
        .await
        .expect("ask the second server");
    assert_eq!(page.status(), StatusCode::OK);
    let body = page.text().await.expect("body");
    assert!(body.contains("Read from either server."), "{body}");
}

async fn a_draft_kept_in_clear_before_is_sealed_at_the_next_sign_in(backend: Backend) {
    let app = spawn_app_long(backend).await;
    let (sam, _alex, space) = couple(&app).await;
    let store = app.app.store();
    let person: goldseam::domain::PersonId = store
        .login_by_email(&sam.email().to_lowercase())
        .await
        .expect("read")
        .expect("Sam")
        .id
        .parse()
        .expect("id");
    let space_id: goldseam::domain::SpaceId = space
        .trim_start_matches("/spaces/")
        .parse()
        .expect("space id");
    // A draft as an earlier version kept it: its text in clear.
    let id = goldseam::domain::EntryId::random().to_string();
    store
        .save_draft(&goldseam::store::DraftRow {
            id: id.clone(),
            person_id: person.to_string(),
            space_id: space_id.to_string(),
            kind: "letter".into(),
            body: "Written before drafts were sealed.".into(),
            updated_at: 1_700_000_000,
            sealed: None,
        })
        .await
        .expect("an old draft");
    ok(&sam, "/logout", &[]).await;
    sam.login(&sam.email(), PASSWORD).await;
    let row = store
        .draft(person, space_id, &id)
        .await
        .expect("read")
        .expect("the draft");
    assert!(
        row.body.is_empty() && row.updated_at == 0,
        "the clear text is gone"
    );
    assert!(row.sealed.is_some(), "and sealed instead");
    let letters = sam.get(&format!("{space}/letters")).await;
    assert!(
        letters.reads("Written before drafts were sealed."),
        "{}",
        letters.text()
    );
}
