//! Forms that refuse what was typed: the page comes back with the message beside the field
//! it concerns and everything else as it was typed, and nothing is written, on both
//! databases.

use reqwest::StatusCode;

use crate::helpers::{Backend, couple, event_count, spawn_app};

crate::on_both_databases!(
    a_refused_field_comes_back_beside_the_field_with_what_was_typed,
    a_refusal_by_the_rules_comes_back_beside_the_field_it_concerns,
);

/// A breach with a bad field is not recorded: its form comes back with the message beside
/// that field (tied to it for screen readers) and everything else as it was typed.
async fn a_refused_field_comes_back_beside_the_field_with_what_was_typed(backend: Backend) {
    let app = spawn_app(backend).await;
    let (_sam, alex, space) = couple(&app).await;
    let before = event_count(&app, &space).await;

    let page = alex
        .post(
            &format!("{space}/breaches"),
            &[
                ("title", ""),
                ("kind", "secret_spending"),
                ("broke_trust", "partner"),
                ("discovered_on", "2026-01-05"),
            ],
        )
        .await;
    assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY);
    let at = page
        .body
        .find("id=\"title-error\"")
        .expect("the message sits at the title");
    assert!(page.body[at..].starts_with("id=\"title-error\">The title is empty"));
    assert!(page.body.contains("aria-describedby=\"title-error\""));
    assert_eq!(
        page.value_of("discovered_on").as_deref(),
        Some("2026-01-05")
    );
    assert!(page.body.contains("value=\"secret_spending\" selected"));
    assert!(page.body.contains("value=\"partner\" checked"));

    let page = alex
        .post(
            &format!("{space}/breaches"),
            &[
                ("title", "The card statements"),
                ("kind", "secret_spending"),
                ("broke_trust", "partner"),
                ("discovered_on", "last week"),
            ],
        )
        .await;
    assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(page.body.contains("id=\"discovered_on-error\""));
    assert!(!page.body.contains("id=\"title-error\""));
    assert_eq!(
        page.value_of("title").as_deref(),
        Some("The card statements")
    );

    let long_question = "Why? ".repeat(300);
    let page = alex
        .post(&format!("{space}/questions"), &[("text", &long_question)])
        .await;
    assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(page.body.contains("id=\"text-error\""));
    assert!(
        page.has(long_question.trim_end()),
        "the question as typed is kept"
    );

    let page = alex
        .post(
            &format!("{space}/agreements"),
            &[("text", "We tell each other first."), ("revisit", "soon")],
        )
        .await;
    assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        page.body
            .contains("id=\"revisit-error\">Please give the revisit date")
    );
    assert!(page.has("We tell each other first."));

    let page = alex
        .post(
            &format!("{space}/promises"),
            &[
                ("text", "I will say goodnight before I sleep."),
                ("every", "weekdays"),
                ("days", "friday"),
                ("first", "2027-01-01"),
                ("at", "twenty past nine"),
            ],
        )
        .await;
    assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(page.body.contains("id=\"at-error\""));
    assert!(page.has("I will say goodnight before I sleep."));
    assert!(page.body.contains("value=\"friday\" checked"));
    assert!(page.body.contains("value=\"weekdays\" selected"));
    let long = "You listened. ".repeat(60);
    let page = alex
        .post(
            &format!("{space}/together/appreciations"),
            &[("text", &long)],
        )
        .await;
    assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(page.body.contains("id=\"appreciation-error\""));
    assert!(
        !page.body.contains("id=\"idea-error\""),
        "only the form that was sent"
    );
    assert!(page.has(long.trim_end()));

    let page = alex
        .post(
            &format!("{space}/together/plans"),
            &[
                ("what", "A walk by the river"),
                ("when", "Saturday"),
                ("phones_away", "yes"),
            ],
        )
        .await;
    assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(page.body.contains("id=\"when-error\""));
    assert_eq!(
        page.value_of("what").as_deref(),
        Some("A walk by the river")
    );
    assert!(page.body.contains("value=\"yes\" checked"));
    assert_eq!(
        event_count(&app, &space).await,
        before,
        "nothing was recorded"
    );
}

/// A value that parses but that the rules of the space refuse (a date in the future, a plan
/// too long ago, a revisit date that has passed) comes back beside the field it concerns,
/// like a value that does not parse, and nothing is written.
async fn a_refusal_by_the_rules_comes_back_beside_the_field_it_concerns(backend: Backend) {
    let app = spawn_app(backend).await;
    let (_sam, alex, space) = couple(&app).await;
    let before = event_count(&app, &space).await;
    // The message sits in the element tied to the field, and not above the form.
    let at_field = |page: &crate::helpers::Page, field: &str, message: &str| {
        let id = format!("id=\"{field}-error\">");
        assert!(page.body.contains(&id), "{id}: {}", page.text());
        assert!(page.has(message), "{message}");
        assert!(!page.body.contains("id=\"-error\""), "not above the form");
    };

    let page = alex
        .post(
            &format!("{space}/breaches"),
            &[
                ("title", "The card statements"),
                ("kind", "secret_spending"),
                ("broke_trust", "partner"),
                ("discovered_on", "2099-01-05"),
            ],
        )
        .await;
    assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY);
    at_field(
        &page,
        "discovered_on",
        "The date it came to light can't be in the future.",
    );

    let nine_days_ago = jiff::tz::TimeZone::UTC
        .to_datetime(jiff::Timestamp::from_second(app.clock.now_secs() - 9 * 86_400).expect("time"))
        .strftime("%Y-%m-%dT%H:%M")
        .to_string();
    let page = alex
        .post(
            &format!("{space}/together/plans"),
            &[("what", "A walk by the river"), ("when", &nine_days_ago)],
        )
        .await;
    assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY);
    at_field(&page, "when", "That time is more than a week ago.");

    let page = alex
        .post(
            &format!("{space}/agreements"),
            &[
                ("text", "We tell each other first."),
                ("revisit", "2001-01-01"),
            ],
        )
        .await;
    assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY);
    at_field(
        &page,
        "revisit",
        "That revisit date has already passed. Please choose a date from today on.",
    );
    assert_eq!(
        event_count(&app, &space).await,
        before,
        "nothing was recorded"
    );
}
