//! Owning up, end to end and under attack: breaches, disclosure, questions, apologies,
//! letters and drafts, on both databases.

use std::time::Duration;

use reqwest::StatusCode;

use crate::helpers::{
    Backend, Client, breach_recorded_by_alex, couple, event_count, ok, spawn_app, spawn_app_with,
};

crate::on_both_databases!(
    a_couple_owns_up_end_to_end,
    only_the_right_partner_can_take_each_step,
    drafts_stay_invisible_to_the_partner,
    nobody_outside_the_space_sees_or_does_anything,
    ids_from_another_space_are_not_found,
    bad_input_is_refused_clearly_and_writes_nothing,
);

/// Who posts, where, with which fields.
pub type Step<'a> = (&'a Client, String, Vec<(&'a str, &'a str)>);

/// A bad request, the status it must get, and what its page must say.
type Case<'a> = (
    &'a Client,
    String,
    Vec<(&'a str, &'a str)>,
    StatusCode,
    &'a str,
);

const APOLOGY_WITH_EXCUSES: [(&str, &str); 5] = [
    (
        "what_i_did",
        "I'm sorry if you felt hurt, but I only moved some money.",
    ),
    (
        "how_it_affected_you",
        "You made me hide it because you get so angry.",
    ),
    ("responsibility", "Some of it."),
    ("changing", "Nothing, it was not a big deal."),
    ("asking", "You need to get over it."),
];

const APOLOGY: [(&str, &str); 5] = [
    (
        "what_i_did",
        "I opened a credit card in secret and hid the statements from you for a year.",
    ),
    (
        "how_it_affected_you",
        "You lost sleep over our savings, and you stopped believing what I say about money.",
    ),
    (
        "responsibility",
        "All of it: the card, the hiding, and the times I told you everything was fine.",
    ),
    (
        "changing",
        "I have closed the card and we now read every statement together on Sundays.",
    ),
    (
        "asking",
        "When and if you are ready, I would like to be forgiven. Until then I will keep showing you.",
    ),
];

fn with_action<'a>(fields: &[(&'a str, &'a str)], action: &'a str) -> Vec<(&'a str, &'a str)> {
    let mut all = fields.to_vec();
    all.push(("action", action));
    all
}

async fn a_couple_owns_up_end_to_end(backend: Backend) {
    // The disclosure spans two days; sessions here outlast that.
    let app = spawn_app_with(backend, |s| {
        s.session_idle = Duration::from_secs(3 * 24 * 3600)
    })
    .await;
    let (sam, alex, space) = couple(&app).await;

    // Alex records the breach; Sam is asked to acknowledge it, and sees it differently.
    let breach = breach_recorded_by_alex(&alex, &space).await;
    assert!(
        sam.get(&space)
            .await
            .has("Read what Alex wrote about “The hidden account” and say how you see it")
    );
    ok(
        &sam,
        &format!("{breach}/acknowledge"),
        &[
            ("response", "sees_differently"),
            ("account", "It was one card, not two."),
        ],
    )
    .await;
    let page = alex.get(&breach).await;
    assert!(page.reads("Sam sees it differently:") && page.has("It was one card, not two."));

    // Sam's account, over two days; the later entry corrects the first and says so.
    ok(
        &sam,
        &format!("{breach}/disclosure"),
        &[("text", "I opened one card in March.")],
    )
    .await;
    // To one hour past the next UTC midnight: "1 day after" whatever time the test starts.
    let now_us = app.app.clock().now_us();
    let day_us = 86_400_000_000_i64;
    let next_day = day_us - now_us.rem_euclid(day_us) + 3_600_000_000;
    app.advance(Duration::from_micros(
        u64::try_from(next_day).expect("a positive step"),
    ));
    let first = alex.get(&breach).await;
    let first_id = first
        .body
        .split("id=\"entry-")
        .nth(1)
        .and_then(|s| s.split('"').next())
        .expect("entry id")
        .to_owned();
    ok(
        &sam,
        &format!("{breach}/disclosure"),
        &[
            (
                "text",
                "It was January, not March. I am sorry I got that wrong.",
            ),
            ("corrects", &first_id),
        ],
    )
    .await;
    let page = alex.get(&breach).await;
    assert!(
        page.has("I opened one card in March."),
        "the corrected entry stays"
    );
    assert!(page.has("It was January, not March."));
    assert!(
        page.has("added later, 1 day after the first account"),
        "{}",
        page.text()
    );
    assert!(page.has("Corrected by"));

    // Three rounds on one question, then Alex settles it.
    let question = ok(
        &alex,
        &format!("{space}/questions"),
        &[
            ("text", "Why did you hide it?"),
            ("breach", breach.rsplit('/').next().unwrap_or("")),
        ],
    )
    .await;
    assert!(
        sam.get(&format!("{space}/questions"))
            .await
            .has("waiting for your answer")
    );
    for round in 1..=3 {
        ok(
            &sam,
            &format!("{question}/answer"),
            &[("text", &format!("Answer, round {round}: I was ashamed."))],
        )
        .await;
        if round < 3 {
            ok(
                &alex,
                &format!("{question}/again"),
                &[("text", "I need to hear more about that.")],
            )
            .await;
        }
    }
    ok(&alex, &format!("{question}/settle"), &[]).await;
    let thread = sam.get(&question).await;
    assert!(
        thread.has("Answer, round 1")
            && thread.has("Answer, round 2")
            && thread.has("Answer, round 3")
    );
    assert!(thread.has("Asked again (round 3)") && thread.has("Settled."));

    // An apology with excuses is caught before it is sent; nothing is written.
    let apology_path = format!("{breach}/apology");
    let before = event_count(&app, &space).await;
    let checked = sam
        .post(&apology_path, &with_action(&APOLOGY_WITH_EXCUSES, "send"))
        .await;
    assert_eq!(checked.status, StatusCode::OK);
    for label in [
        "Conditional apology",
        "Blaming the other",
        "Minimizing",
        "Demand",
    ] {
        assert!(
            checked.has(label),
            "{label} not flagged: {}",
            checked.text()
        );
    }
    assert!(checked.has("Send as it is"));
    assert!(
        checked.has("I only moved some money."),
        "the text is kept for revising"
    );
    assert_eq!(
        event_count(&app, &space).await,
        before,
        "a checked apology is not sent"
    );
    // The revised apology passes the check and is sent.
    let clean = sam
        .post(&apology_path, &with_action(&APOLOGY, "check"))
        .await;
    assert!(
        clean.has("The check found nothing to reconsider."),
        "{}",
        clean.text()
    );
    let apology = ok(&sam, &apology_path, &with_action(&APOLOGY, "send")).await;
    assert!(alex.get(&space).await.has("Read an apology"));
    ok(
        &alex,
        &format!("{apology}/respond"),
        &[
            ("response", "something_missing"),
            ("missing", "What you will do if it happens again."),
        ],
    )
    .await;
    let page = sam.get(&apology).await;
    assert!(page.has("Something is missing") && page.has("What you will do if it happens again."));
    assert!(page.has("I opened a credit card in secret"));

    // A letter: asked for, the gentleness check flags criticism; a draft is saved
    // privately; sent gently.
    let letters = format!("{space}/letters");
    let harsh = alex
        .post(
            &letters,
            &[
                ("text", "You always lie to me and you never listen."),
                ("action", "check"),
            ],
        )
        .await;
    assert_eq!(harsh.status, StatusCode::OK);
    assert!(
        harsh.has("Criticism") && harsh.has("I feel"),
        "{}",
        harsh.text()
    );
    let saved = ok(
        &alex,
        &letters,
        &[
            (
                "text",
                "I feel scared about money and I need us to look at it together.",
            ),
            ("action", "save"),
        ],
    )
    .await;
    assert!(saved.contains("/letters/new?draft="));
    let draft_id = saved.rsplit('=').next().unwrap_or_default().to_owned();
    let letter = ok(
        &alex,
        &letters,
        &[
            (
                "text",
                "I feel scared about money and I need us to look at it together.",
            ),
            ("draft", &draft_id),
            ("action", "send"),
        ],
    )
    .await;
    assert!(sam.get(&letter).await.has("I feel scared about money"));
    assert!(
        sam.get(&space)
            .await
            .has("A letter from Alex came this week"),
        "the home page points Sam to the new letter"
    );
    assert!(
        !alex.get(&space).await.has("A letter from"),
        "not to its writer"
    );
    assert!(
        !alex.get(&letters).await.has("Your drafts"),
        "sending removes the draft"
    );

    // Every step is on the record page, and the export verifies.
    let record = sam.get(&format!("{space}/record")).await;
    for line in [
        "Alex recorded a breach: “The hidden account”",
        "You answered “The hidden account”: sees it differently",
        "You added to the account of “The hidden account”",
        "You corrected the account of “The hidden account”",
        "Alex asked a question",
        "Alex asked a question again",
        "Alex marked a question settled",
        "You sent an apology for “The hidden account”",
        "Alex responded to an apology: Something is missing",
        "Alex sent a letter",
    ] {
        assert!(
            record.reads(line),
            "record lacks {line:?}: {}",
            record.text()
        );
    }
    assert!(record.has("The chain checks out."));
    let export = alex.get(&format!("{space}/export")).await;
    let verified = goldseam::export::verify(&export.body).expect("export verifies");
    assert_eq!(verified.events as u64, event_count(&app, &space).await);
    assert!(
        !export.body.contains("drafts"),
        "drafts are not in the record"
    );
}

async fn only_the_right_partner_can_take_each_step(backend: Backend) {
    let app = spawn_app(backend).await;
    let (sam, alex, space) = couple(&app).await;
    let breach = breach_recorded_by_alex(&alex, &space).await;
    let breach_id = breach.rsplit('/').next().unwrap_or_default().to_owned();
    let question = ok(
        &alex,
        &format!("{space}/questions"),
        &[("text", "Where did the money go?"), ("breach", &breach_id)],
    )
    .await;
    let before = event_count(&app, &space).await;

    let refused: Vec<Step> = vec![
        // Only the partner who broke trust acknowledges, discloses and apologizes.
        (
            &alex,
            format!("{breach}/acknowledge"),
            vec![("response", "acknowledged")],
        ),
        (
            &alex,
            format!("{breach}/disclosure"),
            vec![("text", "Written by the wrong partner")],
        ),
        (
            &alex,
            format!("{breach}/apology"),
            with_action(&APOLOGY, "send_anyway"),
        ),
        // Only the hurt partner asks about the breach.
        (
            &sam,
            format!("{space}/questions"),
            vec![
                ("text", "A question from the wrong side"),
                ("breach", &breach_id),
            ],
        ),
        // Only the other partner answers; only the asker settles or asks again.
        (
            &alex,
            format!("{question}/answer"),
            vec![("text", "Answering my own question")],
        ),
        (&sam, format!("{question}/settle"), vec![]),
    ];
    for (who, path, fields) in &refused {
        let page = who.post(path, fields).await;
        assert_eq!(
            page.status,
            StatusCode::FORBIDDEN,
            "{path}: {}",
            page.text()
        );
    }
    assert_eq!(
        event_count(&app, &space).await,
        before,
        "no refused step was written"
    );
    assert_eq!(
        alex.get(&format!("{breach}/apology")).await.status,
        StatusCode::FORBIDDEN
    );

    ok(
        &sam,
        &format!("{question}/answer"),
        &[("text", "Into a second account.")],
    )
    .await;
    assert_eq!(
        sam.post(
            &format!("{question}/again"),
            &[("text", "Again, from the wrong side")]
        )
        .await
        .status,
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        sam.post(&format!("{question}/settle"), &[]).await.status,
        StatusCode::FORBIDDEN
    );

    // Only the recipient responds to an apology.
    let apology = ok(
        &sam,
        &format!("{breach}/apology"),
        &with_action(&APOLOGY, "send"),
    )
    .await;
    let page = sam
        .post(&format!("{apology}/respond"), &[("response", "received")])
        .await;
    assert_eq!(page.status, StatusCode::FORBIDDEN);
    assert!(page.has("Only the partner the apology was written to"));
    assert!(sam.get(&apology).await.has("No response yet"));
}

async fn drafts_stay_invisible_to_the_partner(backend: Backend) {
    let app = spawn_app(backend).await;
    let (sam, alex, space) = couple(&app).await;
    let letters = format!("{space}/letters");
    let alexs_view_before = alex.get(&letters).await;
    let sams_home_before = alex.get(&space).await;

    let saved = ok(
        &sam,
        &letters,
        &[
            ("text", "A private draft about how I feel."),
            ("action", "save"),
        ],
    )
    .await;
    let draft_id = saved.rsplit('=').next().unwrap_or_default().to_owned();
    assert!(
        sam.get(&saved)
            .await
            .has("A private draft about how I feel.")
    );
    assert!(sam.get(&letters).await.has("Your drafts"));

    // Alex's pages are byte-for-byte the same, apart from the CSRF token.
    let same = |a: &crate::helpers::Page, b: &crate::helpers::Page| {
        a.without_tokens() == b.without_tokens()
    };
    assert!(
        same(&alexs_view_before, &alex.get(&letters).await),
        "letters page changed for the partner"
    );
    assert!(
        same(&sams_home_before, &alex.get(&space).await),
        "home page changed for the partner"
    );
    // Alex cannot open, overwrite or send Sam's draft by its id.
    assert_eq!(
        alex.get(&format!("{letters}/new?draft={draft_id}"))
            .await
            .status,
        StatusCode::NOT_FOUND
    );
    let overwrite = alex
        .post(
            &letters,
            &[
                ("text", "Overwritten"),
                ("draft", &draft_id),
                ("action", "save"),
            ],
        )
        .await;
    assert_eq!(overwrite.status, StatusCode::NOT_FOUND);
    assert!(
        sam.get(&saved)
            .await
            .has("A private draft about how I feel."),
        "the draft is untouched"
    );
    assert!(
        !alex
            .get(&format!("{space}/record"))
            .await
            .has("private draft")
    );
    assert!(
        !alex
            .get(&format!("{space}/export"))
            .await
            .body
            .contains("private draft")
    );
}

async fn nobody_outside_the_space_sees_or_does_anything(backend: Backend) {
    let app = spawn_app(backend).await;
    let (sam, alex, space) = couple(&app).await;
    let breach = breach_recorded_by_alex(&alex, &space).await;
    let question = ok(
        &alex,
        &format!("{space}/questions"),
        &[("text", "Who else knows?")],
    )
    .await;
    let apology = ok(
        &sam,
        &format!("{breach}/apology"),
        &with_action(&APOLOGY, "send"),
    )
    .await;
    let letter = ok(
        &sam,
        &format!("{space}/letters"),
        &[("text", "I am listening."), ("action", "send")],
    )
    .await;
    let kim = app.person("Kim").await;
    let before = event_count(&app, &space).await;
    for path in [
        format!("{space}/breaches"),
        breach.clone(),
        format!("{breach}/apology"),
        format!("{space}/questions"),
        question.clone(),
        apology.clone(),
        format!("{space}/letters"),
        format!("{space}/letters/new"),
        letter.clone(),
    ] {
        assert_eq!(
            kim.get(&path).await.status,
            StatusCode::NOT_FOUND,
            "GET {path}"
        );
    }
    for (path, fields) in [
        (
            format!("{space}/breaches"),
            vec![
                ("title", "x"),
                ("kind", "other"),
                ("broke_trust", "me"),
                ("discovered_on", "2026-01-01"),
            ],
        ),
        (format!("{breach}/disclosure"), vec![("text", "x")]),
        (format!("{question}/answer"), vec![("text", "x")]),
        (format!("{apology}/respond"), vec![("response", "received")]),
        (
            format!("{space}/letters"),
            vec![("text", "x"), ("action", "send")],
        ),
        (
            format!("{space}/letters"),
            vec![("text", "x"), ("action", "save")],
        ),
    ] {
        assert_eq!(
            kim.post(&path, &fields).await.status,
            StatusCode::NOT_FOUND,
            "POST {path}"
        );
    }
    assert_eq!(event_count(&app, &space).await, before);
    // Logged out: sent to log in, never shown anything.
    let visitor = app.client();
    assert_eq!(visitor.get(&letter).await.status, StatusCode::SEE_OTHER);
}

async fn ids_from_another_space_are_not_found(backend: Backend) {
    let app = spawn_app(backend).await;
    let (sam, alex, space) = couple(&app).await;
    let breach = breach_recorded_by_alex(&alex, &space).await;
    let question = ok(
        &alex,
        &format!("{space}/questions"),
        &[("text", "Who else knows?")],
    )
    .await;
    // Sam also shares a second space with someone else.
    let other_space = sam.create_space("Another").await;
    let link = sam.invite_link(&other_space).await;
    let kim = app.person("Kim").await;
    ok(&kim, &kim.path_of(&link), &[]).await;

    let question_id = question.rsplit('/').next().unwrap_or_default();
    let breach_id = breach.rsplit('/').next().unwrap_or_default();
    let before = event_count(&app, &other_space).await;
    assert_eq!(
        sam.get(&format!("{other_space}/questions/{question_id}"))
            .await
            .status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        sam.get(&format!("{other_space}/breaches/{breach_id}"))
            .await
            .status,
        StatusCode::NOT_FOUND
    );
    let page = sam
        .post(
            &format!("{other_space}/questions/{question_id}/answer"),
            &[("text", "crossing spaces")],
        )
        .await;
    assert_eq!(page.status, StatusCode::NOT_FOUND);
    let page = sam
        .post(
            &format!("{other_space}/breaches/{breach_id}/disclosure"),
            &[("text", "crossing spaces")],
        )
        .await;
    assert_eq!(page.status, StatusCode::NOT_FOUND);
    let page = kim
        .post(
            &format!("{other_space}/questions"),
            &[("text", "?"), ("breach", breach_id)],
        )
        .await;
    assert_eq!(page.status, StatusCode::NOT_FOUND);
    assert_eq!(event_count(&app, &other_space).await, before);
    for bad in ["not-an-id", "00000000-0000-4000-8000-000000000000"] {
        assert_eq!(
            sam.get(&format!("{space}/questions/{bad}")).await.status,
            StatusCode::NOT_FOUND
        );
    }
}

async fn bad_input_is_refused_clearly_and_writes_nothing(backend: Backend) {
    let app = spawn_app(backend).await;
    let (sam, alex, space) = couple(&app).await;
    let breach = breach_recorded_by_alex(&alex, &space).await;
    let question = ok(
        &alex,
        &format!("{space}/questions"),
        &[("text", "Is it over?")],
    )
    .await;
    let apology = ok(
        &sam,
        &format!("{breach}/apology"),
        &with_action(&APOLOGY, "send"),
    )
    .await;
    let before = event_count(&app, &space).await;
    let long_title = "t".repeat(121);
    let long_question = "q".repeat(1001);
    let long_letter = "l".repeat(8001);
    let cases: Vec<Case> = vec![
        (
            &alex,
            format!("{space}/breaches"),
            vec![
                ("title", ""),
                ("kind", "lying"),
                ("broke_trust", "partner"),
                ("discovered_on", "2026-01-01"),
            ],
            StatusCode::UNPROCESSABLE_ENTITY,
            "The title is empty",
        ),
        (
            &alex,
            format!("{space}/breaches"),
            vec![
                ("title", &long_title),
                ("kind", "lying"),
                ("broke_trust", "partner"),
                ("discovered_on", "2026-01-01"),
            ],
            StatusCode::UNPROCESSABLE_ENTITY,
            "the limit is 120",
        ),
        (
            &alex,
            format!("{space}/breaches"),
            vec![
                ("title", "x"),
                ("kind", "murder"),
                ("broke_trust", "partner"),
                ("discovered_on", "2026-01-01"),
            ],
            StatusCode::UNPROCESSABLE_ENTITY,
            "what kind of breach",
        ),
        (
            &alex,
            format!("{space}/breaches"),
            vec![
                ("title", "x"),
                ("kind", "lying"),
                ("broke_trust", "neighbour"),
                ("discovered_on", "2026-01-01"),
            ],
            StatusCode::UNPROCESSABLE_ENTITY,
            "who broke trust",
        ),
        (
            &alex,
            format!("{space}/breaches"),
            vec![
                ("title", "x"),
                ("kind", "lying"),
                ("broke_trust", "partner"),
                ("discovered_on", "2999-01-01"),
            ],
            StatusCode::UNPROCESSABLE_ENTITY,
            "can't be in the future",
        ),
        (
            &alex,
            format!("{space}/breaches"),
            vec![
                ("title", "x"),
                ("kind", "lying"),
                ("broke_trust", "partner"),
                ("discovered_on", "yesterday"),
            ],
            StatusCode::UNPROCESSABLE_ENTITY,
            "like 2026-10-02",
        ),
        (
            &alex,
            format!("{space}/questions"),
            vec![("text", "   ")],
            StatusCode::UNPROCESSABLE_ENTITY,
            "Your question is empty",
        ),
        (
            &alex,
            format!("{space}/questions"),
            vec![("text", &long_question)],
            StatusCode::UNPROCESSABLE_ENTITY,
            "the limit is 1000",
        ),
        (
            &alex,
            format!("{space}/questions"),
            vec![("text", "bell\u{7}")],
            StatusCode::UNPROCESSABLE_ENTITY,
            "character we can't store",
        ),
        (
            &sam,
            format!("{breach}/disclosure"),
            vec![("text", "")],
            StatusCode::UNPROCESSABLE_ENTITY,
            "Your account is empty",
        ),
        (
            &alex,
            format!("{apology}/respond"),
            vec![("response", "whatever")],
            StatusCode::UNPROCESSABLE_ENTITY,
            "choose one of the responses",
        ),
        (
            &alex,
            format!("{apology}/respond"),
            vec![("response", "something_missing"), ("missing", "")],
            StatusCode::UNPROCESSABLE_ENTITY,
            "say what feels missing",
        ),
        (
            &sam,
            format!("{breach}/apology"),
            with_action(
                &[
                    ("what_i_did", ""),
                    ("how_it_affected_you", "x"),
                    ("responsibility", "x"),
                    ("changing", "x"),
                    ("asking", "x"),
                ],
                "send_anyway",
            ),
            StatusCode::UNPROCESSABLE_ENTITY,
            "“What I did” is empty",
        ),
        (
            &alex,
            format!("{space}/letters"),
            vec![("text", &long_letter), ("action", "send_anyway")],
            StatusCode::UNPROCESSABLE_ENTITY,
            "the limit is 8000",
        ),
        (
            &alex,
            format!("{space}/letters"),
            vec![("text", ""), ("action", "save")],
            StatusCode::UNPROCESSABLE_ENTITY,
            "The letter is empty",
        ),
    ];
    for (who, path, fields, status, message) in cases {
        let page = who.post(&path, &fields).await;
        assert_eq!(
            page.status,
            status,
            "{path} {:?}: {}",
            fields.first(),
            page.text()
        );
        assert!(
            page.has(message),
            "{path}: expected {message:?} in {}",
            page.text()
        );
    }
    // Answering a settled question is refused.
    ok(&alex, &format!("{question}/settle"), &[]).await;
    let before_answer = event_count(&app, &space).await;
    let page = sam
        .post(&format!("{question}/answer"), &[("text", "Too late")])
        .await;
    assert_eq!(page.status, StatusCode::CONFLICT);
    assert!(page.has("settled"));
    assert_eq!(event_count(&app, &space).await, before_answer);
    assert_eq!(before_answer, before + 1, "only the settle was written");
    assert!(
        !alex
            .get(&format!("{space}/letters"))
            .await
            .has("Your drafts"),
        "no draft was saved"
    );
}
