//! Closing a repair together over HTTP, on both databases: the partner who broke trust
//! proposes and only the hurt partner's word closes it; it is celebrated once for each;
//! the follow-up check-ins appear on their dates and are answered once; a drop in the hurt
//! partner's trust after closing offers them (and only them) to reopen; and every refusal
//! writes nothing.

use std::time::Duration;

use reqwest::StatusCode;

use crate::helpers::*;
use crate::on_both_databases;

on_both_databases!(
    only_the_hurt_partner_closes_and_the_follow_ups_come_on_their_dates,
    a_drop_in_trust_after_closing_offers_the_hurt_partner_to_reopen,
    refusals_about_closing_write_nothing,
);

const DAY: Duration = Duration::from_secs(24 * 3600);

const CELEBRATION: &str = "You came through this together.";

async fn answer_follow_up(who: &Client, breach: &str, level: &str) -> Page {
    who.post(
        &format!("{breach}/follow-up"),
        &[
            ("predictability", level),
            ("dependability", level),
            ("faith", level),
        ],
    )
    .await
}

async fn only_the_hurt_partner_closes_and_the_follow_ups_come_on_their_dates(backend: Backend) {
    let app = spawn_app_long(backend).await;
    let (sam, alex, space) = couple(&app).await;
    let breach = breach_recorded_by_alex(&alex, &space).await;
    let page = sam.get(&breach).await;
    assert!(page.reads("you can propose closing it"), "{}", page.text());
    assert!(page.body.contains("href=\"/help/safety\""));

    // Sam, who broke trust, proposes; it waits for Alex.
    ok(
        &sam,
        &format!("{breach}/close"),
        &[("m1", "yes"), ("m3", "yes")],
    )
    .await;
    let sams = sam.get(&breach).await;
    assert!(
        sams.reads("You proposed closing this repair, with follow-up check-ins at 1 and 3 months")
    );
    assert!(sams.reads("the proposal waits for them"));
    assert!(!sams.reads(CELEBRATION));
    let before = event_count(&app, &space).await;
    let again = sam.post(&format!("{breach}/close"), &[("m1", "yes")]).await;
    assert_eq!(
        again.status,
        StatusCode::CONFLICT,
        "Sam cannot close it himself"
    );
    assert!(again.reads("already waiting"));
    assert_eq!(event_count(&app, &space).await, before);
    assert!(
        alex.get(&space)
            .await
            .reads("Answer a proposal to close the repair of")
    );

    // Alex closes it, keeping one follow-up at a month.
    ok(&alex, &format!("{breach}/close"), &[("m1", "yes")]).await;
    for who in [&alex, &sam] {
        let first = who.get(&breach).await;
        assert!(first.reads(CELEBRATION), "{}", first.text());
        assert!(first.reads("You closed this repair together on"));
        assert!(first.reads("(to come)"));
        assert!(
            !who.get(&breach).await.reads(CELEBRATION),
            "celebrated once for each"
        );
    }
    assert!(!alex.get(&space).await.reads("Answer a proposal to close"));
    let record = sam.get(&format!("{space}/record")).await;
    assert!(record.reads("proposed closing the repair of a breach"));
    assert!(record.reads("closed the repair of a breach, together"));
    let before = event_count(&app, &space).await;
    let twice = alex.post(&format!("{breach}/close"), &[]).await;
    assert_eq!(twice.status, StatusCode::CONFLICT);
    assert!(twice.reads("already been closed"));
    let early = answer_follow_up(&sam, &breach, "7").await;
    assert_eq!(early.status, StatusCode::CONFLICT, "not before its date");
    assert_eq!(event_count(&app, &space).await, before);
    assert!(
        sam.get(&format!("{breach}/follow-up"))
            .await
            .reads("There is no follow-up check-in to answer right now. The next one is on")
    );
    assert!(!sam.get(&space).await.reads("A follow-up check-in on"));

    // A month later the follow-up is waiting for both, and each answers it once.
    app.advance(32 * DAY);
    for who in [&sam, &alex] {
        let home = who.get(&space).await;
        assert!(home.reads("A follow-up check-in on"), "{}", home.text());
        assert!(who.get(&breach).await.reads("(open now)"));
    }
    assert_eq!(
        answer_follow_up(&alex, &breach, "8").await.status,
        StatusCode::SEE_OTHER
    );
    assert_eq!(
        answer_follow_up(&sam, &breach, "6").await.status,
        StatusCode::SEE_OTHER
    );
    let before = event_count(&app, &space).await;
    let twice = answer_follow_up(&alex, &breach, "9").await;
    assert_eq!(twice.status, StatusCode::CONFLICT);
    assert_eq!(event_count(&app, &space).await, before);
    let seen = sam.get(&breach).await;
    assert!(seen.reads("Alex: predictability 8, dependability 8, faith 8"));
    assert!(seen.reads("You: predictability 6"));
    assert!(!sam.get(&space).await.reads("A follow-up check-in on"));
    assert!(
        alex.get(&format!("{space}/record"))
            .await
            .reads("answered a follow-up check-in")
    );
}

async fn a_drop_in_trust_after_closing_offers_the_hurt_partner_to_reopen(backend: Backend) {
    // Sessions that outlive the three months the clock moves through.
    let app = spawn_app_with(backend, |s| {
        s.session_idle = Duration::from_secs(200 * 24 * 3600);
        s.session_max = Duration::from_secs(200 * 24 * 3600);
    })
    .await;
    let (sam, alex, space) = couple(&app).await;
    let breach = breach_recorded_by_alex(&alex, &space).await;
    ok(
        &alex,
        &format!("{breach}/close"),
        &[("m1", "yes"), ("m3", "yes")],
    )
    .await;
    app.advance(32 * DAY);
    answer_follow_up(&alex, &breach, "8").await;
    const OFFER: &str = "Trust has felt lower in your recent answers";
    assert!(
        !alex.get(&breach).await.reads(OFFER),
        "one answer is no trend"
    );
    app.advance(62 * DAY);
    let home = alex.get(&space).await;
    assert!(
        home.reads("A follow-up check-in on"),
        "{}\n{}",
        home.text(),
        alex.get(&breach).await.text()
    );
    answer_follow_up(&alex, &breach, "5").await;
    let alexs = alex.get(&breach).await;
    assert!(alexs.reads(OFFER), "{}", alexs.text());
    assert!(
        !sam.get(&breach).await.reads(OFFER),
        "the offer is Alex's alone"
    );

    // Only Alex reopens; the follow-ups of that closing stop.
    let before = event_count(&app, &space).await;
    let sams = sam.post(&format!("{breach}/reopen"), &[]).await;
    assert_eq!(sams.status, StatusCode::FORBIDDEN);
    assert_eq!(event_count(&app, &space).await, before);
    ok(&alex, &format!("{breach}/reopen"), &[]).await;
    let page = sam.get(&breach).await;
    assert!(page.reads("reopened by Alex on"), "{}", page.text());
    assert!(page.reads("you can propose closing it"));
    assert!(
        sam.get(&format!("{space}/record"))
            .await
            .reads("reopened the repair of a breach")
    );
    let answer = answer_follow_up(&sam, &breach, "7").await;
    assert_eq!(
        answer.status,
        StatusCode::CONFLICT,
        "no follow-up after reopening"
    );
}

async fn refusals_about_closing_write_nothing(backend: Backend) {
    let app = spawn_app(backend).await;
    let (sam, alex, space) = couple(&app).await;
    let breach = breach_recorded_by_alex(&alex, &space).await;
    let before = event_count(&app, &space).await;
    let unknown = format!("{space}/breaches/00000000-0000-4000-8000-000000000000");
    let cases = [
        (
            &alex,
            format!("{unknown}/close"),
            vec![],
            StatusCode::NOT_FOUND,
        ),
        (
            &alex,
            format!("{breach}/reopen"),
            vec![],
            StatusCode::CONFLICT,
        ),
        (
            &sam,
            format!("{breach}/reopen"),
            vec![],
            StatusCode::FORBIDDEN,
        ),
        (
            &alex,
            format!("{breach}/close/answer"),
            vec![("answer", "decline")],
            StatusCode::CONFLICT,
        ),
        (
            &alex,
            format!("{breach}/close/answer"),
            vec![("answer", "maybe")],
            StatusCode::UNPROCESSABLE_ENTITY,
        ),
        (
            &alex,
            format!("{breach}/follow-up"),
            vec![
                ("predictability", "11"),
                ("dependability", "5"),
                ("faith", "5"),
            ],
            StatusCode::UNPROCESSABLE_ENTITY,
        ),
        (
            &alex,
            format!("{breach}/follow-up"),
            vec![
                ("predictability", "5"),
                ("dependability", "5"),
                ("faith", "5"),
            ],
            StatusCode::CONFLICT,
        ),
    ];
    for (who, path, fields, status) in cases {
        let page = who.post(&path, &fields).await;
        assert_eq!(
            page.status,
            status,
            "POST {path} {fields:?}: {}",
            page.text()
        );
        assert_eq!(event_count(&app, &space).await, before, "POST {path}");
    }
    let bad = alex
        .post(
            &format!("{breach}/follow-up"),
            &[
                ("predictability", "11"),
                ("dependability", "5"),
                ("faith", "5"),
            ],
        )
        .await;
    assert!(bad.reads("Predictability is 11"), "{}", bad.text());
    // A proposal only its author withdraws; "not yet" is the hurt partner's.
    ok(&sam, &format!("{breach}/close"), &[]).await;
    let before = event_count(&app, &space).await;
    let page = alex
        .post(&format!("{breach}/close/answer"), &[("answer", "withdraw")])
        .await;
    assert_eq!(page.status, StatusCode::FORBIDDEN);
    let page = sam
        .post(&format!("{breach}/close/answer"), &[("answer", "decline")])
        .await;
    assert_eq!(page.status, StatusCode::FORBIDDEN);
    assert_eq!(event_count(&app, &space).await, before);
    ok(
        &alex,
        &format!("{breach}/close/answer"),
        &[("answer", "decline")],
    )
    .await;
    assert!(sam.get(&breach).await.reads("you can propose closing it"));
}
