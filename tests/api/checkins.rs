//! Check-ins over HTTP on both databases: the rhythm (proposed by one, accepted by the
//! other), the form of chips and segments, sealed answers, the reveal as its own page, and
//! that a sealed answer leaks nothing to the partner.

use std::time::Duration;

use reqwest::StatusCode;

use crate::helpers::{
    Backend, Client, couple, event_count, proposal_of, set_rhythm, spawn_app_long,
};

crate::on_both_databases!(
    a_rhythm_takes_effect_only_when_the_other_partner_accepts_it,
    a_declined_or_withdrawn_rhythm_leaves_none,
    the_check_in_form_is_chips_and_segments_and_records_one_answer,
    answers_stay_sealed_until_both_have_answered_then_show_side_by_side,
    a_sealed_answer_changes_nothing_the_partner_can_see,
    a_lone_answer_is_revealed_when_the_check_in_ends_and_late_answers_are_marked,
    bad_check_in_input_is_refused_and_writes_nothing,
    nobody_outside_the_space_sees_check_ins,
);

const WEEKLY: [(&str, &str); 3] = [
    ("every", "week"),
    ("weekday", "monday"),
    ("time_zone", "Europe/Berlin"),
];

/// Sam proposes Mondays in Berlin, Alex accepts.
async fn weekly(sam: &Client, alex: &Client, space: &str) {
    set_rhythm(sam, alex, space, &WEEKLY).await;
}

async fn propose(client: &Client, space: &str, fields: &[(&str, &str)]) -> crate::helpers::Page {
    client
        .post(&format!("{space}/checkins/cadence"), fields)
        .await
}

async fn act_on(
    client: &Client,
    space: &str,
    proposal: &str,
    action: &str,
) -> crate::helpers::Page {
    client
        .post(
            &format!("{space}/checkins/cadence/{proposal}"),
            &[("action", action)],
        )
        .await
}

async fn a_rhythm_takes_effect_only_when_the_other_partner_accepts_it(backend: Backend) {
    let app = spawn_app_long(backend).await;
    let (sam, alex, space) = couple(&app).await;
    let before = event_count(&app, &space).await;
    let page = propose(&sam, &space, &WEEKLY).await;
    assert_eq!(page.status, StatusCode::SEE_OTHER, "{}", page.text());
    assert_eq!(event_count(&app, &space).await, before + 1);

    // A proposal alone sets no rhythm and opens no check-in, for either of them.
    for client in [&sam, &alex] {
        assert_eq!(open_period(client, &space).await, None);
        let page = client.get(&format!("{space}/checkins")).await;
        assert!(!page.has("Your rhythm:"), "{}", page.text());
        assert!(page.has("every week, on Mondays, in Europe/Berlin"));
    }
    assert!(
        sam.get(&format!("{space}/checkins"))
            .await
            .reads("It begins once Alex accepts it.")
    );
    assert!(
        alex.get(&format!("{space}/checkins"))
            .await
            .reads("Sam proposed checking in every week")
    );
    // It waits for Alex, not for Sam.
    assert!(
        alex.get(&space)
            .await
            .has("Sam proposed a check-in rhythm, every week, on Mondays: accept or decline it")
    );
    assert!(!sam.get(&space).await.has("accept or decline it"));

    // Sam cannot accept (or decline) their own; Alex cannot withdraw it; nobody can
    // propose another while it waits; a stranger cannot touch it. Nothing is written.
    let proposal = proposal_of(&alex, &space).await.expect("proposal id");
    let written = event_count(&app, &space).await;
    let own = act_on(&sam, &space, &proposal, "accept").await;
    assert_eq!(own.status, StatusCode::FORBIDDEN, "{}", own.text());
    assert!(own.has("This is the rhythm you proposed, so it is your partner's to accept."));
    assert_eq!(
        act_on(&sam, &space, &proposal, "decline").await.status,
        StatusCode::FORBIDDEN
    );
    let theirs = act_on(&alex, &space, &proposal, "withdraw").await;
    assert_eq!(theirs.status, StatusCode::FORBIDDEN);
    assert!(theirs.has("You can decline it instead."));
    let again = propose(&alex, &space, &WEEKLY).await;
    assert_eq!(again.status, StatusCode::CONFLICT);
    assert!(again.has("Please accept or decline it first"));
    let nothing = act_on(&alex, &space, &proposal, "").await;
    assert_eq!(nothing.status, StatusCode::UNPROCESSABLE_ENTITY);
    let kim = app.person("Kim").await;
    assert_eq!(
        act_on(&kim, &space, &proposal, "accept").await.status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        event_count(&app, &space).await,
        written,
        "nothing was written"
    );
    assert_eq!(open_period(&sam, &space).await, None);

    // Alex accepts: the rhythm is set, and the running week opens for both.
    let accepted = act_on(&alex, &space, &proposal, "accept").await;
    assert_eq!(
        accepted.status,
        StatusCode::SEE_OTHER,
        "{}",
        accepted.text()
    );
    assert_eq!(event_count(&app, &space).await, written + 1);
    let period = open_period(&sam, &space).await.expect("open for Sam");
    assert_eq!(open_period(&alex, &space).await, Some(period));
    let page = sam.get(&format!("{space}/checkins")).await;
    assert!(page.has("Your rhythm: every week, in Europe/Berlin."));
    assert!(!page.has("A proposed rhythm"));
    assert!(!alex.get(&space).await.has("accept or decline it"));
    let record = sam.get(&format!("{space}/record")).await;
    assert!(
        record.has("proposed a check-in rhythm: every week, on Mondays, in Europe/Berlin")
            && record.has("accepted the proposed check-in rhythm"),
        "{}",
        record.text()
    );
    // Accepted once: a second try finds nothing waiting.
    assert_eq!(
        act_on(&alex, &space, &proposal, "accept").await.status,
        StatusCode::NOT_FOUND
    );
    let export = sam.get(&format!("{space}/export")).await;
    assert!(export.body.contains("checkin.cadence_accepted"));
    goldseam::export::verify(&export.body).expect("export verifies");
}

async fn a_declined_or_withdrawn_rhythm_leaves_none(backend: Backend) {
    let app = spawn_app_long(backend).await;
    let (sam, alex, space) = couple(&app).await;
    propose(&sam, &space, &WEEKLY).await;
    let proposal = proposal_of(&alex, &space).await.expect("proposal");
    let declined = act_on(&alex, &space, &proposal, "decline").await;
    assert_eq!(
        declined.status,
        StatusCode::SEE_OTHER,
        "{}",
        declined.text()
    );
    assert_eq!(proposal_of(&alex, &space).await, None);
    assert_eq!(open_period(&sam, &space).await, None);

    propose(&alex, &space, &WEEKLY).await;
    let proposal = proposal_of(&sam, &space).await.expect("proposal");
    let withdrawn = act_on(&alex, &space, &proposal, "withdraw").await;
    assert_eq!(
        withdrawn.status,
        StatusCode::SEE_OTHER,
        "{}",
        withdrawn.text()
    );
    assert_eq!(proposal_of(&sam, &space).await, None);
    assert_eq!(open_period(&alex, &space).await, None);
    let page = sam.get(&format!("{space}/checkins")).await;
    assert!(page.has("Choose your rhythm") && !page.has("Your rhythm:"));
    let record = sam.get(&format!("{space}/record")).await;
    assert!(
        record.has("declined the proposed check-in rhythm")
            && record.has("withdrew the check-in rhythm they had proposed"),
        "{}",
        record.text()
    );
    goldseam::export::verify(&sam.get(&format!("{space}/export")).await.body)
        .expect("export verifies");
}

/// The form as a browser sends it: every feeling's group, "not felt" (empty) unless chosen.
fn as_a_browser_sends<'a>(period: &'a str, chosen: &[(&'a str, &'a str)]) -> Vec<(String, String)> {
    let mut fields: Vec<(String, String)> = vec![
        ("period".into(), period.into()),
        ("predictability".into(), "3".into()),
        ("dependability".into(), "7".into()),
        ("faith".into(), "5".into()),
    ];
    for feeling in goldseam::domain::checkins::Feeling::ALL {
        let name = feeling.as_str();
        let value = chosen
            .iter()
            .find(|(f, _)| *f == name)
            .map_or("", |(_, v)| *v);
        fields.push((format!("feeling_{name}"), value.into()));
    }
    fields.extend([
        ("helped".into(), "Dinner together.".into()),
        ("hurt".into(), String::new()),
        ("need".into(), String::new()),
    ]);
    fields
}

async fn the_check_in_form_is_chips_and_segments_and_records_one_answer(backend: Backend) {
    let app = spawn_app_long(backend).await;
    let (sam, alex, space) = couple(&app).await;
    weekly(&sam, &alex, &space).await;
    let page = sam.get(&format!("{space}/checkins")).await;
    let form_at = page.body.find("class=\"checkin-form\"").expect("the form");
    let form = &page.body[form_at..];
    let form = &form[..form.find("</form>").expect("form end")];
    assert!(
        !form.contains("<select"),
        "no dropdowns in the check-in form"
    );
    for feeling in goldseam::domain::checkins::Feeling::ALL {
        let name = feeling.as_str();
        assert!(
            form.contains(&format!(
                "<input type=\"radio\" name=\"feeling_{name}\" value=\"\" checked>"
            )),
            "{name}: 'not felt' is chosen until a person chooses otherwise"
        );
        assert!(form.contains(&format!("<legend>{}</legend>", feeling.label())));
    }
    for key in ["predictability", "dependability", "faith"] {
        assert_eq!(
            form.matches(&format!("type=\"radio\" name=\"{key}\""))
                .count(),
            11,
            "{key}: 0 to 10"
        );
        assert!(form.contains(&format!("aria-describedby=\"{key}-hint-")));
    }
    assert!(form.contains("3 of 10") && form.contains("4 of 5"));

    let period = open_period(&sam, &space).await.expect("open");
    let before = event_count(&app, &space).await;
    let fields = as_a_browser_sends(&period, &[("anger", "4"), ("hope", "2")]);
    let fields: Vec<(&str, &str)> = fields
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    let sent = sam.post(&format!("{space}/checkins/answer"), &fields).await;
    assert_eq!(sent.status, StatusCode::SEE_OTHER, "{}", sent.text());
    assert_eq!(event_count(&app, &space).await, before + 1, "one answer");
    let mine = sam.get(&format!("{space}/checkins")).await;
    assert!(
        mine.has("anger (4 of 5), hope (2 of 5)") && mine.has("7 of 10"),
        "{}",
        mine.text()
    );
    // Sent twice (a double tap), it is still one answer.
    let again = sam.post(&format!("{space}/checkins/answer"), &fields).await;
    assert!(again.status.is_client_error() || again.status == StatusCode::SEE_OTHER);
    assert_eq!(event_count(&app, &space).await, before + 1);
}

/// The period the page offers to answer (its start date), if any.
async fn open_period(client: &Client, space: &str) -> Option<String> {
    let page = client.get(&format!("{space}/checkins")).await;
    let at = page.body.find("name=\"period\" value=\"")? + 21;
    Some(page.body[at..at + 10].to_owned())
}

async fn answer(client: &Client, space: &str, period: &str, helped: &str) -> crate::helpers::Page {
    client
        .post(
            &format!("{space}/checkins/answer"),
            &[
                ("period", period),
                ("predictability", "3"),
                ("dependability", "4"),
                ("faith", "6"),
                ("feeling_anxiety", "4"),
                ("feeling_hope", "2"),
                ("helped", helped),
                ("hurt", ""),
                ("need", "More evenings together."),
            ],
        )
        .await
}

async fn answers_stay_sealed_until_both_have_answered_then_show_side_by_side(backend: Backend) {
    let app = spawn_app_long(backend).await;
    let (sam, alex, space) = couple(&app).await;
    weekly(&sam, &alex, &space).await;
    let period = open_period(&sam, &space)
        .await
        .expect("the running week can be answered at once");
    assert_eq!(
        open_period(&alex, &space).await.as_deref(),
        Some(period.as_str())
    );

    let page = answer(&sam, &space, &period, "The walk on Sunday.").await;
    assert_eq!(page.status, StatusCode::SEE_OTHER, "{}", page.text());
    let alexs = alex.get(&format!("{space}/checkins")).await;
    assert!(
        alexs.has("answered: sealed until you have answered too"),
        "{}",
        alexs.text()
    );
    assert!(!alexs.has("The walk on Sunday."));
    assert!(
        !alex
            .get(&format!("{space}/record"))
            .await
            .has("The walk on Sunday.")
    );
    assert!(
        !alex
            .get(&format!("{space}/export"))
            .await
            .body
            .contains("walk on Sunday")
    );
    // Sam sees their own answer, and that Alex has not answered.
    let sams = sam.get(&format!("{space}/checkins")).await;
    assert!(sams.has("The walk on Sunday.") && sams.has("not answered yet"));
    assert!(!sams.has("You have both answered"));
    assert!(!sam.get(&space).await.has("You have both answered"));

    assert_eq!(
        answer(&alex, &space, &period, "Your honesty about the messages.")
            .await
            .status,
        StatusCode::SEE_OTHER
    );
    // The reveal is a moment of its own: the page and "waiting for you" say both have
    // answered and link to the side-by-side view; the answers are not put in front of them.
    let reveal = format!("{space}/checkins/{period}");
    for client in [&sam, &alex] {
        let page = client.get(&format!("{space}/checkins")).await;
        assert!(
            page.has("You have both answered — see them side by side"),
            "{}",
            page.text()
        );
        assert!(page.body.contains(&format!("href=\"{reveal}\"")));
        assert!(!page.has("Your honesty about the messages."));
        let home = client.get(&space).await;
        assert!(
            home.has("You have both answered — see them side by side")
                && home.body.contains(&format!("href=\"{reveal}\"")),
            "{}",
            home.text()
        );
        let page = client.get(&reveal).await;
        assert_eq!(page.status, StatusCode::OK);
        assert!(
            page.has("The walk on Sunday.") && page.has("Your honesty about the messages."),
            "{}",
            page.text()
        );
        assert!(page.has("anxiety (4 of 5)") && page.has("3 of 10"));
        assert!(page.has("Here are both answers, side by side."));
    }
    // The moment lasts until the check-in after it has ended, then leaves "waiting for you";
    // the side-by-side view stays one click away.
    app.advance(Duration::from_secs(15 * 24 * 3600));
    assert!(!sam.get(&space).await.has("You have both answered"));
    let later = sam.get(&format!("{space}/checkins")).await;
    assert!(later.body.contains(&format!("href=\"{reveal}\"")));
    assert!(
        sam.get(&reveal)
            .await
            .has("Your honesty about the messages.")
    );
    // A date that names no check-in is not found.
    assert_eq!(
        sam.get(&format!("{space}/checkins/2001-01-01"))
            .await
            .status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        sam.get(&format!("{space}/checkins/someday")).await.status,
        StatusCode::NOT_FOUND
    );
    let export = alex.get(&format!("{space}/export")).await;
    assert!(
        export.body.contains("walk on Sunday"),
        "revealed answers are in both exports"
    );
    goldseam::export::verify(&export.body).expect("export verifies");
}

/// Masks what legitimately differs between two runs: ids, hashes, tokens, times.
fn mask(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut run = String::new();
    let flush = |run: &mut String, out: &mut String| {
        if run.len() >= 4 {
            out.push('#');
        } else {
            out.extend(
                run.chars()
                    .map(|c| if c.is_ascii_digit() { '#' } else { c }),
            );
        }
        run.clear();
    };
    for c in text.chars() {
        if c.is_ascii_hexdigit()
            || c == '-'
            || c == '_'
            || (c.is_ascii_alphanumeric() && !run.is_empty() && run.len() > 20)
        {
            run.push(c);
        } else {
            flush(&mut run, &mut out);
            out.push(if c.is_ascii_digit() { '#' } else { c });
        }
    }
    flush(&mut run, &mut out);
    out
}

/// Sam answers with `helped`; returns what Alex can see: pages and export.
async fn partner_view_after_sealed_answer(backend: Backend, helped: &str) -> Vec<String> {
    let app = spawn_app_long(backend).await;
    let (sam, alex, space) = couple(&app).await;
    weekly(&sam, &alex, &space).await;
    let period = open_period(&sam, &space).await.expect("open period");
    assert_eq!(
        answer(&sam, &space, &period, helped).await.status,
        StatusCode::SEE_OTHER
    );
    let export = alex.get(&format!("{space}/export")).await;
    let verified =
        goldseam::export::verify(&export.body).expect("an export with a withheld body verifies");
    assert_eq!(verified.events, 5);
    let json: serde_json::Value = serde_json::from_str(&export.body).expect("json");
    let sealed = &json["events"][4];
    assert_eq!(sealed["kind"], "checkin.answered");
    assert!(
        sealed["body"].is_null() && sealed["salt"].is_null(),
        "the sealed body is withheld"
    );
    assert_eq!(
        sealed["digest"].as_str().map(str::len),
        Some(64),
        "its digest is kept"
    );
    let mut seen = Vec::new();
    for path in [
        format!("{space}/checkins"),
        format!("{space}/checkins/{period}"),
        format!("{space}/record"),
        space.clone(),
    ] {
        let page = alex.get(&path).await;
        seen.push(mask(&page.without_tokens()));
    }
    seen.push(mask(&export.body));
    seen
}

async fn a_sealed_answer_changes_nothing_the_partner_can_see(backend: Backend) {
    let short = partner_view_after_sealed_answer(backend, "x").await;
    let longest = "x".repeat(goldseam::domain::checkins::limits::NOTE);
    let long = partner_view_after_sealed_answer(backend, &longest).await;
    for (i, (a, b)) in short.iter().zip(&long).enumerate() {
        if a.len() != b.len() {
            let at = a
                .bytes()
                .zip(b.bytes())
                .position(|(x, y)| x != y)
                .unwrap_or(0);
            let around = |s: &str| {
                s.get(at.saturating_sub(80)..(at + 80).min(s.len()))
                    .unwrap_or("")
                    .to_owned()
            };
            panic!(
                "view {i}: a page's size depends on the sealed answer:\n{}\n---\n{}",
                around(a),
                around(b)
            );
        }
        assert_eq!(a, b, "a page depends on the sealed answer");
    }
}

async fn a_lone_answer_is_revealed_when_the_check_in_ends_and_late_answers_are_marked(
    backend: Backend,
) {
    let app = spawn_app_long(backend).await;
    let (sam, alex, space) = couple(&app).await;
    weekly(&sam, &alex, &space).await;
    let first = open_period(&sam, &space).await.expect("open period");
    answer(&sam, &space, &first, "Breakfast together.").await;
    app.advance(Duration::from_secs(8 * 24 * 3600));
    let alexs = alex.get(&format!("{space}/checkins")).await;
    assert!(
        alexs.has("Breakfast together."),
        "revealed once the check-in ended"
    );
    assert!(
        alexs.has("(late)"),
        "Alex may still answer the ended check-in, late"
    );
    let late = alex
        .post(
            &format!("{space}/checkins/answer"),
            &[
                ("period", &first),
                ("predictability", "5"),
                ("dependability", "5"),
                ("faith", "5"),
            ],
        )
        .await;
    assert_eq!(late.status, StatusCode::SEE_OTHER);
    assert!(
        sam.get(&format!("{space}/checkins/{first}"))
            .await
            .has("Answered late.")
    );
    // Three weeks later the first week is closed, and weeks nobody answered show as missed.
    app.advance(Duration::from_secs(14 * 24 * 3600));
    let closed = sam
        .post(
            &format!("{space}/checkins/answer"),
            &[
                ("period", &first),
                ("predictability", "5"),
                ("dependability", "5"),
                ("faith", "5"),
            ],
        )
        .await;
    assert_eq!(closed.status, StatusCode::CONFLICT);
    assert!(sam.get(&format!("{space}/checkins")).await.has("missed"));
}

async fn bad_check_in_input_is_refused_and_writes_nothing(backend: Backend) {
    let app = spawn_app_long(backend).await;
    let (sam, _alex, space) = couple(&app).await;
    let path = format!("{space}/checkins/answer");
    let before_rhythm = event_count(&app, &space).await;
    let page = sam
        .post(
            &path,
            &[
                ("period", "2026-11-23"),
                ("predictability", "5"),
                ("dependability", "5"),
                ("faith", "5"),
            ],
        )
        .await;
    assert_eq!(
        page.status,
        StatusCode::CONFLICT,
        "no rhythm yet: {}",
        page.text()
    );
    for (every, weekday, zone, message) in [
        ("hourly", "monday", "UTC", "how often"),
        ("week", "someday", "UTC", "day of the week"),
        ("week", "monday", "Mars/Olympus", ""),
    ] {
        let page = sam
            .post(
                &format!("{space}/checkins/cadence"),
                &[("every", every), ("weekday", weekday), ("time_zone", zone)],
            )
            .await;
        assert_eq!(
            page.status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{every} {weekday} {zone}"
        );
        assert!(page.has(message));
    }
    assert_eq!(event_count(&app, &space).await, before_rhythm);

    weekly(&sam, &_alex, &space).await;
    let period = open_period(&sam, &space).await.expect("open period");
    let before = event_count(&app, &space).await;
    let long_note = "n".repeat(2001);
    let cases: Vec<Vec<(&str, &str)>> = vec![
        vec![
            ("period", &period),
            ("predictability", "11"),
            ("dependability", "5"),
            ("faith", "5"),
        ],
        vec![
            ("period", &period),
            ("predictability", "-1"),
            ("dependability", "5"),
            ("faith", "5"),
        ],
        vec![
            ("period", &period),
            ("predictability", "5"),
            ("dependability", "5"),
        ],
        vec![
            ("period", &period),
            ("predictability", "5"),
            ("dependability", "5"),
            ("faith", "5"),
            ("feeling_boredom", "3"),
        ],
        vec![
            ("period", &period),
            ("predictability", "5"),
            ("dependability", "5"),
            ("faith", "5"),
            ("feeling_anger", "6"),
        ],
        vec![
            ("period", &period),
            ("predictability", "5"),
            ("dependability", "5"),
            ("faith", "5"),
            ("feeling_anger", "0"),
        ],
        vec![
            ("period", &period),
            ("predictability", "5"),
            ("dependability", "5"),
            ("faith", "5"),
            ("helped", &long_note),
        ],
    ];
    let messages = [
        "Predictability is 11; please choose a number from 0 to 10.",
        "Predictability is -1; please choose a number from 0 to 10.",
        "Please choose a number from 0 to 10 for faith.",
        "One of the feelings isn't on our list.",
        "How strongly you feel anger is 6",
        "How strongly you feel anger is 0",
        "the limit is 2000",
    ];
    for (fields, message) in cases.into_iter().zip(messages) {
        let page = sam.post(&path, &fields).await;
        assert_eq!(
            page.status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{fields:?}: {}",
            page.text()
        );
        assert!(page.has(message), "{message}: {}", page.text());
    }
    // Next week's check-in has not begun yet.
    let next_week = period
        .parse::<jiff::civil::Date>()
        .expect("period date")
        .checked_add(jiff::Span::new().days(7))
        .expect("next week")
        .to_string();
    let page = sam
        .post(
            &path,
            &[
                ("period", &next_week),
                ("predictability", "5"),
                ("dependability", "5"),
                ("faith", "5"),
            ],
        )
        .await;
    assert_eq!(
        page.status,
        StatusCode::CONFLICT,
        "a future period: {}",
        page.text()
    );
    assert!(page.has("hasn't begun yet"));
    // A date that is not one of their check-ins.
    let page = sam
        .post(
            &path,
            &[
                ("period", "2026-01-01"),
                ("predictability", "5"),
                ("dependability", "5"),
                ("faith", "5"),
            ],
        )
        .await;
    assert!(
        page.status == StatusCode::NOT_FOUND || page.status == StatusCode::CONFLICT,
        "{}",
        page.status
    );
    assert_eq!(
        event_count(&app, &space).await,
        before,
        "nothing was written"
    );

    assert_eq!(
        answer(&sam, &space, &period, "ok").await.status,
        StatusCode::SEE_OTHER
    );
    let again = answer(&sam, &space, &period, "a second answer").await;
    assert_eq!(again.status, StatusCode::CONFLICT);
    assert!(again.has("already answered"));
    assert_eq!(event_count(&app, &space).await, before + 1);
}

async fn nobody_outside_the_space_sees_check_ins(backend: Backend) {
    let app = spawn_app_long(backend).await;
    let (sam, alex, space) = couple(&app).await;
    weekly(&sam, &alex, &space).await;
    let period = open_period(&sam, &space).await.expect("open period");
    let kim = app.person("Kim").await;
    assert_eq!(
        kim.get(&format!("{space}/checkins/{period}")).await.status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        kim.get(&format!("{space}/checkins")).await.status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        answer(&kim, &space, &period, "intruding").await.status,
        StatusCode::NOT_FOUND
    );
    // A real period with an answer that would be refused: still not found, not invalid.
    let page = kim
        .post(&format!("{space}/checkins/answer"), &[("period", &period)])
        .await;
    assert_eq!(page.status, StatusCode::NOT_FOUND);
    let page = kim
        .post(
            &format!("{space}/checkins/cadence"),
            &[
                ("every", "week"),
                ("weekday", "monday"),
                ("time_zone", "UTC"),
            ],
        )
        .await;
    assert_eq!(page.status, StatusCode::NOT_FOUND);
}
