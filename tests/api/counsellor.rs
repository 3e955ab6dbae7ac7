//! A counsellor in the room, over HTTP: the whole cycle from the link to the ending, what
//! a counsellor can and cannot read, bad input, the pages that must not change with a
//! counsellor's looks or a partner's drafts and sealed answers, and an ending seen by a
//! second server on the same database.

use std::time::Duration;

use reqwest::StatusCode;

use crate::helpers::{
    Backend, Client, PASSWORD, breach_recorded_by_alex, consent_to, counsellor_for, couple,
    engagement_of, event_count, invite_counsellor, ok, set_rhythm, spawn_app_long,
};

crate::on_both_databases!(
    the_whole_cycle_from_link_to_ending,
    mismatched_consents_grant_the_lesser_until_both_change,
    bad_counsellor_input_is_refused_and_writes_nothing,
    partner_pages_do_not_change_when_the_counsellor_looks,
    counsellor_pages_do_not_change_with_drafts_or_sealed_answers,
    the_record_shows_the_counsellor_what_was_shared_and_nothing_else,
);

/// The status of `path` for `client`.
async fn status(client: &Client, path: &str) -> StatusCode {
    client.get(path).await.status
}

async fn the_whole_cycle_from_link_to_ending(backend: Backend) {
    let app = spawn_app_long(backend).await;
    let (sam, alex, space) = couple(&app).await;
    let link = invite_counsellor(&sam, &space).await;

    // Before anyone consents, the link says exactly what a counsellor will and won't see.
    let kim = app.person("Kim").await;
    let invitation = kim.get(&link).await;
    assert_eq!(invitation.status, StatusCode::OK);
    for words in [
        "invites you to be their counsellor",
        "never sees",
        "letter drafts",
        "check-in answers while they are still sealed",
        "private journal entries",
    ] {
        assert!(invitation.reads(words), "{words}: {}", invitation.text());
    }
    ok(&kim, &link, &[]).await;

    // Pending: listed on their home page, and nothing of the space is visible.
    let home = kim.get("/").await;
    assert!(home.reads("Couples you counsel"), "{}", home.text());
    assert!(home.reads("waiting for both partners to agree"));
    for page in ["", "/summary", "/record", "/counsellor", "/breaches"] {
        assert_eq!(
            status(&kim, &format!("{space}{page}")).await,
            StatusCode::NOT_FOUND,
            "{page} while pending"
        );
    }
    // The partners are asked to choose.
    let waiting = alex.get(&space).await;
    assert!(
        waiting.reads("Choose what Dr Okafor may see"),
        "{}",
        waiting.text()
    );

    // One consent grants nothing; the second opens progress.
    consent_to(&sam, &space, "progress").await;
    assert_eq!(status(&kim, &space).await, StatusCode::NOT_FOUND);
    consent_to(&alex, &space, "progress").await;
    let dashboard = kim.get(&space).await;
    assert_eq!(dashboard.status, StatusCode::OK);
    assert!(dashboard.reads("Read-only."), "{}", dashboard.text());
    assert!(dashboard.reads("How things are moving"));
    assert_eq!(
        status(&kim, &format!("{space}/summary")).await,
        StatusCode::OK
    );
    // Progress only: no record, no partner page, no export, and nothing to act on.
    for page in ["/record", "/export", "/breaches", "/letters", "/checkins"] {
        assert_eq!(
            status(&kim, &format!("{space}{page}")).await,
            StatusCode::NOT_FOUND,
            "{page} with progress only"
        );
    }

    // A note, seen by both partners.
    ok(
        &kim,
        &format!("{space}/counsellor/notes"),
        &[
            (
                "text",
                "Before we meet, try one short letter each about a good day.",
            ),
            ("practice", "letter"),
        ],
    )
    .await;
    for partner in [&sam, &alex] {
        let page = partner.get(&format!("{space}/counsellor")).await;
        assert!(
            page.reads("try one short letter each about a good day"),
            "{}",
            page.text()
        );
        assert!(page.reads("suggests writing a letter"));
        // The access log lists what Kim opened, for both partners.
        assert!(page.reads("the home page"), "{}", page.text());
        assert!(page.reads("the printable summary"));
    }
    let own = kim.get(&format!("{space}/counsellor")).await;
    assert!(own.reads("The pages you opened here"), "{}", own.text());
    assert!(own.reads("the printable summary"));

    // The export carries the access log (outside the chain, which still verifies).
    let export = sam.get(&format!("{space}/export")).await;
    goldseam::export::verify(&export.body).expect("the export verifies");
    let json: serde_json::Value = serde_json::from_str(&export.body).expect("json");
    let looks = json["counsellor_looks"].as_array().expect("the access log");
    assert!(looks.iter().any(|l| l["page"] == "/summary"), "{looks:?}");

    // Alex ends Kim's access alone: Kim's very next request is the stranger's 404.
    let engagement = engagement_of(&alex, &space).await;
    let events = event_count(&app, &space).await;
    ok(
        &alex,
        &format!("{space}/counsellor/end"),
        &[("engagement", &engagement)],
    )
    .await;
    assert_eq!(event_count(&app, &space).await, events + 1);
    for page in ["", "/summary", "/counsellor", "/charts/trust-1.svg"] {
        assert_eq!(
            status(&kim, &format!("{space}{page}")).await,
            StatusCode::NOT_FOUND,
            "{page} after the ending"
        );
    }
    assert!(!kim.get("/").await.reads("Couples you counsel"));
    let page = sam.get(&format!("{space}/counsellor")).await;
    assert!(page.reads("access ended by Alex"), "{}", page.text());

    // Re-inviting starts again from pending.
    let again = invite_counsellor(&sam, &space).await;
    ok(&kim, &again, &[]).await;
    assert_eq!(status(&kim, &space).await, StatusCode::NOT_FOUND);
    assert!(
        kim.get("/")
            .await
            .reads("waiting for both partners to agree")
    );
}

async fn mismatched_consents_grant_the_lesser_until_both_change(backend: Backend) {
    let app = spawn_app_long(backend).await;
    let (sam, alex, space) = couple(&app).await;
    let kim = counsellor_for(&app, &sam, &alex, &space, None).await;
    consent_to(&sam, &space, "record").await;
    consent_to(&alex, &space, "progress").await;
    let record = format!("{space}/record");
    assert_eq!(status(&kim, &space).await, StatusCode::OK);
    assert_eq!(status(&kim, &record).await, StatusCode::NOT_FOUND);
    consent_to(&alex, &space, "record").await;
    assert_eq!(status(&kim, &record).await, StatusCode::OK);
    // Either partner lowers it alone, and it takes effect on the next request.
    consent_to(&sam, &space, "progress").await;
    assert_eq!(status(&kim, &record).await, StatusCode::NOT_FOUND);
    assert_eq!(status(&kim, &space).await, StatusCode::OK);
}

async fn bad_counsellor_input_is_refused_and_writes_nothing(backend: Backend) {
    let app = spawn_app_long(backend).await;
    let (sam, alex, space) = couple(&app).await;
    let count = || event_count(&app, &space);

    // An invitation with no name.
    let before = count().await;
    let page = sam
        .post(&format!("{space}/counsellor/invite"), &[("name", "  ")])
        .await;
    assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(page.reads("Their name"), "{}", page.text());
    assert_eq!(count().await, before);

    // A partner opening their own space's counsellor link.
    let link = invite_counsellor(&sam, &space).await;
    let before = count().await;
    for partner in [&sam, &alex] {
        let page = partner.get(&link).await;
        assert_eq!(page.status, StatusCode::FORBIDDEN);
        assert!(
            page.reads("can't also be its counsellor"),
            "{}",
            page.text()
        );
        let page = partner.post(&link, &[]).await;
        assert_eq!(page.status, StatusCode::FORBIDDEN, "{}", page.text());
    }
    assert_eq!(count().await, before);

    // A used link.
    let kim = app.person("Kim").await;
    ok(&kim, &link, &[]).await;
    let lee = app.person("Lee").await;
    let before = count().await;
    let page = lee.post(&link, &[]).await;
    assert_eq!(page.status, StatusCode::GONE);
    assert!(page.reads("already been used"), "{}", page.text());
    assert_eq!(lee.get(&link).await.status, StatusCode::GONE);
    assert_eq!(count().await, before);

    // A scope that does not exist, then a consent given twice.
    let engagement = engagement_of(&sam, &space).await;
    let consent = format!("{space}/counsellor/consent");
    let before = count().await;
    let page = sam
        .post(
            &consent,
            &[("engagement", &engagement), ("scope", "everything")],
        )
        .await;
    assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(page.reads("Please choose one of the two choices"));
    assert_eq!(count().await, before);
    consent_to(&sam, &space, "progress").await;
    let before = count().await;
    let page = sam
        .post(
            &consent,
            &[("engagement", &engagement), ("scope", "progress")],
        )
        .await;
    assert_eq!(page.status, StatusCode::CONFLICT);
    assert!(page.reads("already agreed to exactly this"));
    // The counsellor cannot consent for the couple.
    let page = kim
        .post(
            &consent,
            &[("engagement", &engagement), ("scope", "record")],
        )
        .await;
    assert_eq!(page.status, StatusCode::NOT_FOUND);
    assert_eq!(count().await, before);

    // Notes: empty, too long, or while pending.
    let notes = format!("{space}/counsellor/notes");
    let page = kim.post(&notes, &[("text", "Hello")]).await;
    assert_eq!(page.status, StatusCode::NOT_FOUND, "pending: no notes");
    consent_to(&alex, &space, "progress").await;
    let before = count().await;
    for text in [
        String::new(),
        "x".repeat(goldseam::domain::counsel::limits::NOTE + 1),
    ] {
        let page = kim.post(&notes, &[("text", &text)]).await;
        assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(page.reads("Your note"), "{}", page.text());
    }
    let page = kim
        .post(&notes, &[("text", "Hello"), ("practice", "journal")])
        .await;
    assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(count().await, before);

    // An expired link.
    ok(
        &sam,
        &format!("{space}/counsellor/end"),
        &[("engagement", &engagement)],
    )
    .await;
    let stale = invite_counsellor(&alex, &space).await;
    app.advance(Duration::from_secs(8 * 24 * 3600));
    let before = count().await;
    let page = lee.post(&stale, &[]).await;
    assert_eq!(page.status, StatusCode::GONE);
    assert!(page.reads("has expired"), "{}", page.text());
    assert_eq!(count().await, before);
}

/// Pages a partner sees, with the CSRF token taken out (it is the same within a session,
/// but this keeps the comparison about content).
async fn partner_pages(client: &Client, space: &str) -> Vec<(String, String)> {
    let mut pages = Vec::new();
    for page in [
        "",
        "/summary",
        "/record",
        "/breaches",
        "/letters",
        "/checkins",
        "/together",
        "/promises",
        "/agreements",
    ] {
        let path = format!("{space}{page}");
        let got = client.get(&path).await;
        assert_eq!(got.status, StatusCode::OK, "{path}");
        let body = got.without_tokens();
        pages.push((path, body));
    }
    pages
}

async fn partner_pages_do_not_change_when_the_counsellor_looks(backend: Backend) {
    let app = spawn_app_long(backend).await;
    let (sam, alex, space) = couple(&app).await;
    breach_recorded_by_alex(&alex, &space).await;
    let kim = counsellor_for(&app, &sam, &alex, &space, Some("record")).await;
    // Both partners have opened the dashboard once, so milestones are already recorded.
    let _ = partner_pages(&sam, &space).await;
    let _ = partner_pages(&alex, &space).await;
    let before = (
        partner_pages(&sam, &space).await,
        partner_pages(&alex, &space).await,
    );
    for page in [
        "",
        "/summary",
        "/record",
        "/counsellor",
        "/charts/trust-1.svg",
    ] {
        assert_eq!(
            status(&kim, &format!("{space}{page}")).await,
            StatusCode::OK,
            "{page}"
        );
    }
    let after = (
        partner_pages(&sam, &space).await,
        partner_pages(&alex, &space).await,
    );
    for (b, a) in before
        .0
        .iter()
        .chain(&before.1)
        .zip(after.0.iter().chain(&after.1))
    {
        assert!(b.1 == a.1, "{} changed when the counsellor looked", b.0);
    }
    // Only the access log says they looked.
    let log = sam.get(&format!("{space}/counsellor")).await;
    assert!(log.reads("the shared record"), "{}", log.text());
}

/// What the counsellor sees on their read-only pages (not the notes page, whose access
/// log grows with every look).
async fn counsellor_pages(kim: &Client, space: &str) -> Vec<(String, String)> {
    let mut pages = Vec::new();
    for page in ["", "/summary", "/record", "/charts/trust-1.svg"] {
        let path = format!("{space}{page}");
        let got = kim.get(&path).await;
        assert_eq!(got.status, StatusCode::OK, "{path}");
        pages.push((path, got.without_tokens()));
    }
    pages.push(("/".into(), kim.get("/").await.without_tokens()));
    pages
}

async fn counsellor_pages_do_not_change_with_drafts_or_sealed_answers(backend: Backend) {
    let app = spawn_app_long(backend).await;
    let (sam, alex, space) = couple(&app).await;
    breach_recorded_by_alex(&alex, &space).await;
    set_rhythm(
        &sam,
        &alex,
        &space,
        &[
            ("every", "week"),
            ("weekday", "monday"),
            ("time_zone", "Europe/Berlin"),
        ],
    )
    .await;
    let kim = counsellor_for(&app, &sam, &alex, &space, Some("record")).await;
    let _ = sam.get(&space).await;
    let before = counsellor_pages(&kim, &space).await;

    // Sam keeps a letter draft; Alex answers the check-in, sealed until Sam answers too.
    let draft = sam
        .post(
            &format!("{space}/letters"),
            &[
                (
                    "text",
                    "A draft I am not ready to send about the night in March.",
                ),
                ("action", "save"),
            ],
        )
        .await;
    assert_eq!(draft.status, StatusCode::SEE_OTHER, "{}", draft.text());
    let checkins = alex.get(&format!("{space}/checkins")).await;
    let at = checkins
        .body
        .find("name=\"period\" value=\"")
        .expect("an open check-in")
        + 21;
    let period = checkins.body[at..at + 10].to_owned();
    ok(
        &alex,
        &format!("{space}/checkins/answer"),
        &[
            ("period", &period),
            ("predictability", "3"),
            ("dependability", "4"),
            ("faith", "6"),
            ("feeling_anxiety", "4"),
            ("feeling_hope", "2"),
            ("helped", "The walk on Sunday."),
            ("hurt", ""),
            ("need", "More evenings together."),
        ],
    )
    .await;
    let _ = sam.get(&space).await;

    let after = counsellor_pages(&kim, &space).await;
    for (b, a) in before.iter().zip(&after) {
        assert!(
            b.1 == a.1,
            "{} changed with a draft or a sealed answer",
            b.0
        );
    }
}

async fn the_record_shows_the_counsellor_what_was_shared_and_nothing_else(backend: Backend) {
    let app = spawn_app_long(backend).await;
    let (sam, alex, space) = couple(&app).await;
    ok(
        &alex,
        &format!("{space}/letters"),
        &[
            ("text", "I miss our Sunday walks and would like them back."),
            ("action", "send"),
        ],
    )
    .await;
    let kim = counsellor_for(&app, &sam, &alex, &space, Some("record")).await;
    let record = kim.get(&format!("{space}/record")).await;
    assert_eq!(record.status, StatusCode::OK);
    assert!(record.reads("I miss our Sunday walks"), "{}", record.text());
    assert!(record.reads("Read-only."));
    for secret in [sam.email(), alex.email(), "Download the record".to_owned()] {
        assert!(
            !record.body.contains(&secret),
            "{secret} on the counsellor's record"
        );
    }
    // The counsellor never acts as a partner, whatever the form.
    let before = event_count(&app, &space).await;
    for (path, fields) in [
        (
            format!("{space}/letters"),
            vec![("text", "Hello from me"), ("action", "send")],
        ),
        (
            format!("{space}/together/appreciations"),
            vec![("text", "Thank you both")],
        ),
        (format!("{space}/counsellor/invite"), vec![("name", "Me")]),
    ] {
        let page = kim.post(&path, &fields).await;
        assert_eq!(page.status, StatusCode::NOT_FOUND, "{path}");
    }
    assert_eq!(event_count(&app, &space).await, before);
}

/// Two servers on one PostgreSQL database: an ending recorded through one is in force on
/// the other at the counsellor's very next request.
#[tokio::test]
async fn an_ending_through_one_server_is_in_force_on_another_at_once() {
    let Some((one, two)) = crate::helpers::two_servers_on_one_postgres().await else {
        return;
    };

    let (sam, alex, space) = couple(&one).await;
    let kim = counsellor_for(&one, &sam, &alex, &space, Some("record")).await;
    // Kim reads through the second server, which caches the space's state.
    let kim_two = two.client();
    let signed = kim_two.login(&kim.email(), PASSWORD).await;
    assert_eq!(signed.status, StatusCode::SEE_OTHER, "{}", signed.text());
    assert_eq!(status(&kim_two, &space).await, StatusCode::OK);
    assert_eq!(
        status(&kim_two, &format!("{space}/record")).await,
        StatusCode::OK
    );

    let engagement = engagement_of(&sam, &space).await;
    ok(
        &sam,
        &format!("{space}/counsellor/end"),
        &[("engagement", &engagement)],
    )
    .await;
    for page in ["", "/record", "/summary", "/counsellor"] {
        assert_eq!(
            status(&kim_two, &format!("{space}{page}")).await,
            StatusCode::NOT_FOUND,
            "{page} on the other server after the ending"
        );
    }
}
