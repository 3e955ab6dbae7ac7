//! Mail through a real SMTP listener (`smtp::Sink`): the confirmation link at sign-up, the
//! note to an address's owner when someone signs up with it again, the reset link, and the
//! outbox keeping what an unreachable server could not take.

use std::time::Duration;

use reqwest::StatusCode;

use crate::helpers::{Backend, Client, PASSWORD, TestApp, couple, ok, spawn_app_with_mail};
use crate::smtp::{Received, Sink};

crate::on_both_databases!(
    sign_up_waits_for_the_link_and_the_password_it_was_made_with,
    sign_up_reads_the_same_for_an_address_that_has_an_account,
    a_reset_link_works_once_and_ends_every_session,
    a_reset_link_expires_after_an_hour,
    a_reset_with_the_recovery_key_keeps_the_journal,
    mails_never_carry_what_was_written_in_a_space,
    mail_waits_in_the_outbox_while_the_server_is_down,
    mail_left_by_a_stopped_server_is_sent_by_the_next,
);

const NEW_PASSWORD: &str = "harbour meadow tinsel quartz";

fn sink(app: &TestApp) -> &Sink {
    app.sink.as_deref().expect("the app sends mail")
}

/// Account mails are transactional: neutral subjects, one recipient, and no
/// List-Unsubscribe (there is nothing to stop receiving; reminders will carry it).
fn assert_account_mail(mail: &Received, subject: &str) {
    assert_eq!(mail.subject(), subject);
    assert_eq!(mail.to.len(), 1);
    assert!(mail.header("List-Unsubscribe").is_none());
    assert!(
        mail.header("Content-Type")
            .is_some_and(|t| t.starts_with("text/plain")),
        "{:?}",
        mail.header("Content-Type")
    );
}

async fn sign_up(client: &Client, email: &str, name: &str, password: &str) -> crate::helpers::Page {
    client.signup(email, name, password).await
}

async fn sign_up_waits_for_the_link_and_the_password_it_was_made_with(backend: Backend) {
    let app = spawn_app_with_mail(backend).await;
    let client = app.client();
    let email = "robin@example.org";
    let page = sign_up(&client, email, "Robin", PASSWORD).await;
    assert_eq!(page.status, StatusCode::SEE_OTHER);
    assert_eq!(page.location(), "/signup/sent");
    let sent = client.get("/signup/sent").await;
    assert!(sent.reads("Check your e-mail"), "{}", sent.body);

    // Not signed in, and a log-in before confirming reads like any failed log-in.
    assert_eq!(client.get("/account").await.status, StatusCode::SEE_OTHER);
    assert_eq!(
        app.client().login(email, PASSWORD).await.status,
        StatusCode::UNAUTHORIZED
    );

    let link = app.mail_link(sink(&app), email, "/signup/confirm/").await;
    assert_account_mail(&sink(&app).to(email)[0], goldseam::mail::CONFIRM_SUBJECT);
    let path = client.path_of(&link);
    assert_eq!(client.get(&path).await.status, StatusCode::OK);

    // The link alone is not enough: the wrong password changes nothing.
    let wrong = client
        .post(&path, &[("password", "not the one at all")])
        .await;
    assert_eq!(wrong.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(client.get("/account").await.status, StatusCode::SEE_OTHER);

    let confirmed = client.post(&path, &[("password", PASSWORD)]).await;
    assert_eq!(
        confirmed.status,
        StatusCode::SEE_OTHER,
        "{}",
        confirmed.body
    );
    assert_eq!(confirmed.location(), "/");
    assert_eq!(client.get("/account").await.status, StatusCode::OK);

    // Used once, it is gone, for this browser and any other.
    assert_eq!(client.get(&path).await.status, StatusCode::NOT_FOUND);
    let other = app.client();
    assert_eq!(other.get(&path).await.status, StatusCode::NOT_FOUND);
    assert_eq!(
        other.post(&path, &[("password", PASSWORD)]).await.status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        app.client().login(email, PASSWORD).await.status,
        StatusCode::SEE_OTHER
    );
}

/// Everything in an answer that could tell the two cases apart: the status, every header
/// but the date, and the body.
fn answer(page: &crate::helpers::Page) -> (StatusCode, Vec<(String, String)>, String) {
    let mut headers: Vec<(String, String)> = page
        .headers
        .iter()
        .filter(|(name, _)| name.as_str() != "date")
        .map(|(name, value)| {
            (
                name.as_str().to_owned(),
                value.to_str().unwrap_or_default().to_owned(),
            )
        })
        .collect();
    headers.sort();
    (page.status, headers, page.body.clone())
}

async fn sign_up_reads_the_same_for_an_address_that_has_an_account(backend: Backend) {
    let app = spawn_app_with_mail(backend).await;
    let owner = app.person("Owner").await;
    let taken = owner.email();

    // Two strangers, each in a fresh browser that has opened the sign-up page.
    let first = app.client();
    let second = app.client();
    for client in [&first, &second] {
        assert_eq!(client.get("/signup").await.status, StatusCode::OK);
    }
    let fresh = sign_up(&first, "new-person@example.org", "Someone", NEW_PASSWORD).await;
    let again = sign_up(&second, &taken, "Someone", NEW_PASSWORD).await;
    assert_eq!(
        answer(&fresh),
        answer(&again),
        "sign-up tells the cases apart"
    );
    let fresh_next = first.get(&fresh.location()).await;
    let again_next = second.get(&again.location()).await;
    assert_eq!(answer(&fresh_next), answer(&again_next));

    // What differs is only the mail: a link to the new address, a note to the owner.
    app.mail_link(sink(&app), "new-person@example.org", "/signup/confirm/")
        .await;
    let mails = sink(&app).wait_for(3).await;
    let to_owner: Vec<&Received> = mails.iter().filter(|m| m.to == [taken.clone()]).collect();
    assert_eq!(to_owner.len(), 2, "the owner's confirmation, then the note");
    let note = to_owner[1];
    assert_account_mail(note, goldseam::mail::SOMEONE_TRIED_SUBJECT);
    assert!(note.text().contains("already"), "{}", note.text());
    assert!(
        note.link(&format!("{}/signup/confirm/", app.base))
            .is_none(),
        "the note confirms nothing"
    );

    // The owner's account is untouched: the old password works, the stranger's does not.
    assert_eq!(
        app.client().login(&taken, NEW_PASSWORD).await.status,
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(
        app.client().login(&taken, PASSWORD).await.status,
        StatusCode::SEE_OTHER
    );
    assert_eq!(owner.get("/account").await.status, StatusCode::OK);
}

async fn a_reset_link_works_once_and_ends_every_session(backend: Backend) {
    let app = spawn_app_with_mail(backend).await;
    let laptop = app.person("Jo").await;
    let email = laptop.email();
    let phone = app.client();
    assert_eq!(
        phone.login(&email, PASSWORD).await.status,
        StatusCode::SEE_OTHER
    );

    let forgetful = app.client();
    let asked = forgetful
        .post("/password/forgot", &[("email", email.as_str())])
        .await;
    let unknown = app
        .client()
        .post("/password/forgot", &[("email", "nobody-here@example.org")])
        .await;
    assert_eq!(
        answer(&asked),
        answer(&unknown),
        "forgot tells the cases apart"
    );
    assert_eq!(asked.location(), "/password/forgot?sent=1");

    let link = app.mail_link(sink(&app), &email, "/password/reset/").await;
    let reset_mail = sink(&app)
        .to(&email)
        .into_iter()
        .find(|m| m.link(&link).is_some())
        .expect("the reset mail");
    assert_account_mail(&reset_mail, goldseam::mail::RESET_SUBJECT);
    let path = forgetful.path_of(&link);
    let page = forgetful.get(&path).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.reads("Choose a new password"), "{}", page.body);

    // A password the rules refuse changes nothing and keeps the link.
    let weak = forgetful.post(&path, &[("new_password", "short")]).await;
    assert_eq!(weak.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(laptop.get("/account").await.status, StatusCode::OK);

    let done = forgetful
        .post(&path, &[("new_password", NEW_PASSWORD)])
        .await;
    assert_eq!(done.status, StatusCode::SEE_OTHER, "{}", done.body);
    assert_eq!(forgetful.get("/account").await.status, StatusCode::OK);
    for (device, client) in [("laptop", &laptop), ("phone", &phone)] {
        assert_eq!(
            client.get("/account").await.status,
            StatusCode::SEE_OTHER,
            "the {device}'s session ended"
        );
    }
    assert_eq!(
        app.client().login(&email, PASSWORD).await.status,
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(
        app.client().login(&email, NEW_PASSWORD).await.status,
        StatusCode::SEE_OTHER
    );

    // Once used, the link is gone.
    assert_eq!(forgetful.get(&path).await.status, StatusCode::NOT_FOUND);
    let again = app
        .client()
        .post(&path, &[("new_password", "another passphrase for later")])
        .await;
    assert_eq!(again.status, StatusCode::NOT_FOUND);
    assert_eq!(
        app.client().login(&email, NEW_PASSWORD).await.status,
        StatusCode::SEE_OTHER
    );
}

async fn a_reset_link_expires_after_an_hour(backend: Backend) {
    let app = spawn_app_with_mail(backend).await;
    let person = app.person("Kai").await;
    let email = person.email();
    ok(
        &app.client(),
        "/password/forgot",
        &[("email", email.as_str())],
    )
    .await;
    let link = app.mail_link(sink(&app), &email, "/password/reset/").await;
    let path = person.path_of(&link);
    app.advance(Duration::from_secs(59 * 60));
    assert_eq!(person.get(&path).await.status, StatusCode::OK);
    app.advance(Duration::from_secs(2 * 60));
    assert_eq!(person.get(&path).await.status, StatusCode::NOT_FOUND);
    let late = app
        .client()
        .post(&path, &[("new_password", NEW_PASSWORD)])
        .await;
    assert_eq!(late.status, StatusCode::NOT_FOUND);
    assert_eq!(
        app.client().login(&email, PASSWORD).await.status,
        StatusCode::SEE_OTHER,
        "the password stayed as it was"
    );
}

const JOURNAL_SENTENCE: &str = "The lighthouse keeper counts the gulls at dawn.";

/// Opens the journal, takes the recovery key, confirms it and writes one entry.
async fn journal_with_recovery_key(client: &Client) -> String {
    let page = client.post("/journal/recovery", &[]).await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.text());
    let at = page
        .body
        .find("id=\"recovery-words\">")
        .expect("the recovery key is shown once")
        + 20;
    let key = page.body[at..at + 39].to_owned();
    ok(client, "/journal/recovery/confirm", &[]).await;
    ok(
        client,
        "/journal",
        &[
            ("date", "2026-11-30"),
            ("text", JOURNAL_SENTENCE),
            ("prompt", ""),
        ],
    )
    .await;
    assert!(client.get("/journal").await.reads(JOURNAL_SENTENCE));
    key
}

async fn a_reset_with_the_recovery_key_keeps_the_journal(backend: Backend) {
    let app = spawn_app_with_mail(backend).await;
    let person = app.person("Noa").await;
    let email = person.email();
    let key = journal_with_recovery_key(&person).await;

    ok(
        &app.client(),
        "/password/forgot",
        &[("email", email.as_str())],
    )
    .await;
    let link = app.mail_link(sink(&app), &email, "/password/reset/").await;
    let browser = app.client();
    let path = browser.path_of(&link);
    let page = browser.get(&path).await;
    assert!(page.has("id=\"journal-warning\""), "{}", page.body);
    assert!(page.has("id=\"recovery\""));

    let wrong = browser
        .post(
            &path,
            &[("new_password", NEW_PASSWORD), ("recovery", "not a key")],
        )
        .await;
    assert_eq!(wrong.status, StatusCode::UNPROCESSABLE_ENTITY);
    let done = browser
        .post(&path, &[("new_password", NEW_PASSWORD), ("recovery", &key)])
        .await;
    assert_eq!(done.status, StatusCode::SEE_OTHER, "{}", done.body);
    assert!(browser.get("/journal").await.reads(JOURNAL_SENTENCE));
    // And at the next log-in with the new password.
    let later = app.client();
    assert_eq!(
        later.login(&email, NEW_PASSWORD).await.status,
        StatusCode::SEE_OTHER
    );
    assert!(later.get("/journal").await.reads(JOURNAL_SENTENCE));
}

/// Sentences written into a space (a breach's title, a letter sent, a draft kept) and a
/// journal: no mail may hold them.
const SHARED: [&str; 4] = [
    "The hidden account",
    "Marmalade jars lined the windowsill in our first flat.",
    "I kept the train tickets from Lisbon in the blue folder.",
    "The umbrella stand by the door still has the receipt from March.",
];

async fn mails_never_carry_what_was_written_in_a_space(backend: Backend) {
    let app = spawn_app_with_mail(backend).await;
    let (sam, alex, space) = couple(&app).await;
    crate::helpers::breach_recorded_by_alex(&alex, &space).await;
    ok(
        &alex,
        &format!("{space}/letters"),
        &[("text", SHARED[1]), ("action", "send")],
    )
    .await;
    journal_with_recovery_key(&sam).await;
    ok(
        &sam,
        &format!("{space}/letters"),
        &[("text", SHARED[2]), ("action", "save")],
    )
    .await;
    ok(
        &sam,
        "/journal",
        &[("date", "2026-11-29"), ("text", SHARED[3]), ("prompt", "")],
    )
    .await;

    // Every kind of account mail, after the words were written.
    let before = sink(&app).mails().len();
    ok(
        &app.client(),
        "/password/forgot",
        &[("email", sam.email().as_str())],
    )
    .await;
    sign_up(&app.client(), &alex.email(), "Alex", NEW_PASSWORD).await;
    sign_up(&app.client(), "pat@example.org", "Pat", NEW_PASSWORD).await;
    let mails = sink(&app).wait_for(before + 3).await;
    for mail in &mails {
        let raw_and_text = format!("{}\n{}", mail.raw, mail.text());
        for sentence in SHARED.iter().chain([&JOURNAL_SENTENCE]) {
            assert!(
                !raw_and_text.contains(sentence),
                "a mail ({}) holds {sentence:?}",
                mail.subject()
            );
        }
        for name in ["Sam", "Alex", "Sam &amp; Alex", "Sam & Alex", "Lisbon"] {
            assert!(
                !mail.text().contains(name),
                "a mail ({}) names {name:?}",
                mail.subject()
            );
        }
    }
    let subjects: std::collections::BTreeSet<String> =
        mails.iter().map(Received::subject).collect();
    assert_eq!(
        subjects,
        [
            goldseam::mail::CONFIRM_SUBJECT,
            goldseam::mail::SOMEONE_TRIED_SUBJECT,
            goldseam::mail::RESET_SUBJECT
        ]
        .map(str::to_owned)
        .into(),
    );
}

async fn mail_waits_in_the_outbox_while_the_server_is_down(backend: Backend) {
    let app = spawn_app_with_mail(backend).await;
    let sink = sink(&app);
    sink.set_down(true);
    let client = app.client();
    sign_up(&client, "wren@example.org", "Wren", PASSWORD).await;
    sink.wait_refused(1).await;
    assert_eq!(
        app.app.store().outbox_depth().await.expect("depth"),
        1,
        "kept"
    );

    // Still down at the first retry: kept again.
    app.advance(Duration::from_secs(61));
    app.app.wake_outbox();
    sink.wait_refused(2).await;
    assert_eq!(app.app.store().outbox_depth().await.expect("depth"), 1);

    // Back up: the second retry (two minutes later) delivers it.
    sink.set_down(false);
    app.advance(Duration::from_secs(121));
    app.app.wake_outbox();
    let link = app
        .mail_link(sink, "wren@example.org", "/signup/confirm/")
        .await;
    assert_eq!(sink.mails().len(), 1);
    let confirmed = client
        .post(&client.path_of(&link), &[("password", PASSWORD)])
        .await;
    assert_eq!(
        confirmed.status,
        StatusCode::SEE_OTHER,
        "{}",
        confirmed.body
    );
    // A round that finds nothing due sends nothing again.
    assert_eq!(app.app.send_due().await, 0);
}

async fn mail_left_by_a_stopped_server_is_sent_by_the_next(backend: Backend) {
    // The first server's mail server is unreachable: the sign-up's mail stays behind.
    let mut app = spawn_app_with_mail(backend).await;
    sink(&app).set_down(true);
    sign_up(&app.client(), "ash@example.org", "Ash", PASSWORD).await;
    sink(&app).wait_refused(1).await;
    assert_eq!(app.app.store().outbox_depth().await.expect("depth"), 1);
    app.stop().await;

    // A new process over the same database, sending to a mail server that works, finds it
    // once its retry is due.
    let working = Sink::start().await;
    let settings = goldseam::config::Settings {
        base_url: app.base.clone(),
        mail: Some(working.settings()),
        ..goldseam::config::Settings::default()
    };
    let clock = app.clock.clone();
    let next = goldseam::app::App::new(app.app.store().clone(), settings, clock).expect("app");
    assert_eq!(next.send_due().await, 0, "not before its retry is due");
    // Due at its retry (a minute on), or, if the server stopped before noting the failure,
    // when its lease of two minutes runs out.
    app.advance(Duration::from_secs(121));
    assert_eq!(next.send_due().await, 1);
    let mails = working.wait_for(1).await;
    assert_eq!(mails[0].to, ["ash@example.org"]);
    assert!(
        mails[0]
            .link(&format!("{}/signup/confirm/", app.base))
            .is_some()
    );
    assert_eq!(
        next.store().outbox_depth().await.expect("depth"),
        0,
        "delivered, then gone"
    );
}
