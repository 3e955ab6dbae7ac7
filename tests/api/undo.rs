//! Mistakes that can be undone: a form sent twice records once; a stage moves, or a
//! promise is released, only after the page has said what will happen and it is confirmed.

use reqwest::StatusCode;

use crate::helpers::*;
use crate::on_both_databases;

/// The breach form as the breaches page draws it: its CSRF token and its own token.
async fn breach_form(alex: &Client, space: &str) -> String {
    alex.get(&format!("{space}/breaches"))
        .await
        .value_of_name("form_token")
        .expect("the breach form carries a token of its own")
}

const BREACH: &[(&str, &str)] = &[
    ("title", "The hidden account"),
    ("kind", "secret_spending"),
    ("broke_trust", "partner"),
    ("discovered_on", "2026-11-01"),
];

async fn a_breach_sent_twice_is_recorded_once(backend: Backend) {
    let app = spawn_app(backend).await;
    let (_sam, alex, space) = couple(&app).await;
    let token = breach_form(&alex, &space).await;
    assert_ne!(
        token,
        breach_form(&alex, &space).await,
        "each rendering of a form has its own token"
    );
    let before = event_count(&app, &space).await;
    let mut form = vec![("form_token", token.as_str())];
    form.extend_from_slice(BREACH);

    let first = alex.post(&format!("{space}/breaches"), &form).await;
    assert_eq!(first.status, StatusCode::SEE_OTHER, "{}", first.body);
    assert_eq!(event_count(&app, &space).await, before + 1);

    let again = alex.post(&format!("{space}/breaches"), &form).await;
    assert_eq!(again.status, StatusCode::SEE_OTHER, "{}", again.body);
    assert_eq!(
        again.location(),
        first.location(),
        "answered as the first time"
    );
    assert_eq!(event_count(&app, &space).await, before + 1, "recorded once");
    let list = alex.get(&format!("{space}/breaches")).await;
    assert_eq!(list.body.matches("The hidden account").count(), 1);

    // A fresh rendering of the same form records again: that is a second breach.
    let mut fresh_form = vec![("form_token", "")];
    let fresh = breach_form(&alex, &space).await;
    fresh_form[0].1 = fresh.as_str();
    fresh_form.extend_from_slice(BREACH);
    let second = alex.post(&format!("{space}/breaches"), &fresh_form).await;
    assert_eq!(second.status, StatusCode::SEE_OTHER);
    assert_ne!(second.location(), first.location());
    assert_eq!(event_count(&app, &space).await, before + 2);

    // Without the field (an old page, a script) a form is handled as before.
    ok(&alex, &format!("{space}/breaches"), BREACH).await;
    assert_eq!(event_count(&app, &space).await, before + 3);
}

async fn a_double_click_sends_twice_at_once_and_records_once(backend: Backend) {
    let app = spawn_app(backend).await;
    let (_sam, alex, space) = couple(&app).await;
    let token = breach_form(&alex, &space).await;
    let before = event_count(&app, &space).await;
    let mut form = vec![("form_token", token.as_str())];
    form.extend_from_slice(BREACH);
    let path = format!("{space}/breaches");
    // The second send arrives while the first is still being handled.
    let (one, two) = futures::future::join(alex.post(&path, &form), alex.post(&path, &form)).await;
    assert_eq!(one.status, StatusCode::SEE_OTHER, "{}", one.body);
    assert_eq!(two.status, StatusCode::SEE_OTHER, "{}", two.body);
    assert_eq!(
        one.location(),
        two.location(),
        "both answered with the same breach"
    );
    assert_eq!(event_count(&app, &space).await, before + 1, "recorded once");
}

async fn a_refused_form_keeps_its_token_for_the_corrected_send(backend: Backend) {
    let app = spawn_app(backend).await;
    let (_sam, alex, space) = couple(&app).await;
    let token = breach_form(&alex, &space).await;
    let before = event_count(&app, &space).await;

    let refused = alex
        .post(
            &format!("{space}/breaches"),
            &[
                ("form_token", token.as_str()),
                ("title", ""),
                ("kind", "secret_spending"),
                ("broke_trust", "partner"),
                ("discovered_on", "2026-11-01"),
            ],
        )
        .await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(event_count(&app, &space).await, before);

    let mut form = vec![("form_token", token.as_str())];
    form.extend_from_slice(BREACH);
    let saved = alex.post(&format!("{space}/breaches"), &form).await;
    assert_eq!(saved.status, StatusCode::SEE_OTHER, "{}", saved.body);
    assert_eq!(event_count(&app, &space).await, before + 1);
}

async fn a_token_belongs_to_the_session_that_sent_it(backend: Backend) {
    let app = spawn_app(backend).await;
    let (sam, alex, space) = couple(&app).await;
    let token = breach_form(&alex, &space).await;
    let before = event_count(&app, &space).await;
    let mut form = vec![("form_token", token.as_str())];
    form.extend_from_slice(BREACH);
    ok(&alex, &format!("{space}/breaches"), &form).await;
    // Someone else sending the same token is not answered with Alex's page.
    let theirs = sam.post(&format!("{space}/breaches"), &form).await;
    assert_eq!(theirs.status, StatusCode::SEE_OTHER);
    assert_eq!(event_count(&app, &space).await, before + 2);
}

async fn the_hurt_partner_moves_the_stage_after_reading_what_happens(backend: Backend) {
    let app = spawn_app(backend).await;
    let (sam, alex, space) = couple(&app).await;
    let breach = breach_recorded_by_alex(&alex, &space).await;
    let page = alex.get(&breach).await;
    assert!(page.reads("Move to Attune"), "{}", page.text());
    assert!(
        !page.reads("Propose moving"),
        "the hurt partner's own move is named as such"
    );
    assert!(sam.get(&breach).await.reads("Propose moving to Attune"));

    let before = event_count(&app, &space).await;
    let asked = alex
        .post(&format!("{breach}/stage"), &[("direction", "on")])
        .await;
    assert_eq!(asked.status, StatusCode::OK, "{}", asked.text());
    assert!(asked.reads("Move to Attune?"));
    assert!(
        asked.reads("moves from Atone to Attune now"),
        "{}",
        asked.text()
    );
    assert!(asked.body.contains("name=\"confirmed\" value=\"yes\""));
    assert!(asked.body.contains("name=\"direction\" value=\"on\""));
    assert_eq!(event_count(&app, &space).await, before, "nothing moved yet");
    assert!(alex.get(&breach).await.has("Stage of repair: Atone"));

    ok(
        &alex,
        &format!("{breach}/stage"),
        &[("direction", "on"), ("confirmed", "yes")],
    )
    .await;
    assert!(sam.get(&breach).await.has("Stage of repair: Attune"));
}

async fn a_proposal_and_its_confirmation_each_say_what_happens(backend: Backend) {
    let app = spawn_app(backend).await;
    let (sam, alex, space) = couple(&app).await;
    let breach = breach_recorded_by_alex(&alex, &space).await;
    let before = event_count(&app, &space).await;
    let asked = sam
        .post(&format!("{breach}/stage"), &[("direction", "on")])
        .await;
    assert_eq!(asked.status, StatusCode::OK);
    assert!(
        asked.reads("Nothing changes until Alex confirms"),
        "{}",
        asked.text()
    );
    assert_eq!(event_count(&app, &space).await, before);
    ok(
        &sam,
        &format!("{breach}/stage"),
        &[("direction", "on"), ("confirmed", "yes")],
    )
    .await;
    let proposal = alex
        .get(&breach)
        .await
        .value_of_name("proposal")
        .expect("a proposal waiting for Alex");
    let answer = [("proposal", proposal.as_str()), ("answer", "confirm")];
    let asked = alex.post(&format!("{breach}/stage"), &answer).await;
    assert_eq!(asked.status, StatusCode::OK);
    assert!(
        asked.reads("moves from Atone to Attune now, as Sam proposed"),
        "{}",
        asked.text()
    );
    assert!(alex.get(&breach).await.has("Stage of repair: Atone"));
    // "Not yet" changes no stage, and needs no second step.
    let declined = alex
        .post(
            &format!("{breach}/stage"),
            &[("proposal", proposal.as_str()), ("answer", "decline")],
        )
        .await;
    assert_eq!(declined.status, StatusCode::SEE_OTHER);
    assert!(alex.get(&breach).await.has("Stage of repair: Atone"));
}

async fn a_promise_is_released_after_reading_what_happens(backend: Backend) {
    let app = spawn_app(backend).await;
    let (sam, alex, space) = couple(&app).await;
    let tomorrow = jiff::Timestamp::from_second(app.clock.now_secs() + 24 * 3600).expect("time");
    let first = jiff::tz::TimeZone::UTC
        .to_datetime(tomorrow)
        .date()
        .to_string();
    let promise = ok(
        &sam,
        &format!("{space}/promises"),
        &[
            ("text", "Home by nine, phone on"),
            ("every", "daily"),
            ("first", &first),
            ("at", "21:00"),
        ],
    )
    .await;
    ok(
        &sam,
        &format!("{promise}/actions"),
        &[("action", "release")],
    )
    .await;
    let before = event_count(&app, &space).await;
    let asked = alex
        .post(
            &format!("{promise}/actions"),
            &[("action", "accept_release")],
        )
        .await;
    assert_eq!(asked.status, StatusCode::OK, "{}", asked.text());
    assert!(asked.reads("Release this promise?"));
    assert!(
        asked.reads("is released now, as Sam proposed"),
        "{}",
        asked.text()
    );
    assert_eq!(event_count(&app, &space).await, before);
    ok(
        &alex,
        &format!("{promise}/actions"),
        &[("action", "accept_release"), ("confirmed", "yes")],
    )
    .await;
    assert!(sam.get(&promise).await.has("released by both"));
}

on_both_databases!(
    a_breach_sent_twice_is_recorded_once,
    a_double_click_sends_twice_at_once_and_records_once,
    a_refused_form_keeps_its_token_for_the_corrected_send,
    a_token_belongs_to_the_session_that_sent_it,
    the_hurt_partner_moves_the_stage_after_reading_what_happens,
    a_proposal_and_its_confirmation_each_say_what_happens,
    a_promise_is_released_after_reading_what_happens,
);
