//! A couple's first weeks over HTTP, on both databases: the welcome and first steps for each
//! role; the account behind its note, with a read mark the writer sees only as "read";
//! withdrawing a slip within its window, and the refusals after the window or once the
//! partner was shown it; the pace starting as "not said yet" and saying "Saved"; and
//! appreciation and milestones waiting for the hurt partner's word.

use std::time::Duration;

use reqwest::StatusCode;

use crate::helpers::*;
use crate::on_both_databases;

on_both_databases!(
    the_welcome_gives_each_role_its_first_steps,
    the_account_waits_behind_a_note_and_is_marked_read_by_its_reader,
    a_slip_can_be_withdrawn_until_the_partner_sees_it_or_the_window_closes,
    the_pace_starts_unsaid_and_says_when_it_is_saved,
    appreciation_and_milestones_wait_for_the_hurt_partner,
);

/// Sam (who broke trust) writes an entry of the account; returns the entry's id.
async fn account_entry(sam: &Client, breach: &str, text: &str) -> String {
    let to = ok(sam, &format!("{breach}/disclosure"), &[("text", text)]).await;
    to.rsplit("#entry-").next().unwrap_or_default().to_owned()
}

async fn the_welcome_gives_each_role_its_first_steps(backend: Backend) {
    let app = spawn_app(backend).await;
    let (sam, alex, space) = couple(&app).await;
    let home = alex.get(&space).await;
    assert!(home.reads("Welcome: how this space works"));
    assert!(home.reads("either of you can download the whole record"));
    assert!(home.reads("Begin by writing down what happened"));

    let breach = breach_recorded_by_alex(&alex, &space).await;
    let home = sam.get(&space).await;
    assert!(home.reads("For “The hidden account”: you begin. Write the full account"));
    let waiting = waiting_of(&home);
    assert!(
        waiting.starts_with("Write your full account of “The hidden account”"),
        "the first step comes first: {waiting}"
    );
    let home = alex.get(&space).await;
    assert!(
        home.reads("For “The hidden account”: Sam writes the account. Read it when you are ready")
    );
    let waiting = waiting_of(&alex.get(&space).await);
    assert!(
        waiting.contains("Set your pace for “The hidden account”"),
        "{waiting}"
    );
    assert!(
        waiting.contains("Ask Sam what you need to know"),
        "{waiting}"
    );
    assert!(!waiting.contains("Write your full account"), "{waiting}");

    // Once written, the step is gone for Sam and the account waits for Alex.
    account_entry(
        &sam,
        &breach,
        "It began in March, with a card you did not know about.",
    )
    .await;
    assert!(!waiting_of(&sam.get(&space).await).contains("Write your full account"));
    let waiting = waiting_of(&alex.get(&space).await);
    assert!(
        waiting.starts_with(
            "Sam wrote their account of “The hidden account”: read it when you are ready"
        ),
        "{waiting}"
    );

    // Folded away, the welcome is one click away at the foot of the page, for Alex only.
    let before = event_count(&app, &space).await;
    ok(&alex, &format!("{space}/welcome"), &[]).await;
    assert_eq!(
        event_count(&app, &space).await,
        before,
        "outside the record"
    );
    let home = alex.get(&space).await;
    assert!(!home.reads("Welcome: how this space works"));
    assert!(home.reads("How this space works"));
    assert!(sam.get(&space).await.reads("Welcome: how this space works"));
}

/// The text of the "Waiting for you" card, tags removed.
fn waiting_of(page: &Page) -> String {
    let body = page.text();
    let start = body.find("id=\"waiting\"").unwrap_or(0);
    let card = &body[start..];
    let card = &card[..card.find("</section>").unwrap_or(card.len())];
    let after_heading = card.find("</h2>").map_or(card, |at| &card[at + 5..]);
    visible_main(&format!("<main>{after_heading}</main>"))
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

async fn the_account_waits_behind_a_note_and_is_marked_read_by_its_reader(backend: Backend) {
    let app = spawn_app(backend).await;
    let (sam, alex, space) = couple(&app).await;
    let breach = breach_recorded_by_alex(&alex, &space).await;
    let first = account_entry(&sam, &breach, "It began in March.").await;

    let page = alex.get(&breach).await;
    let body = page.text();
    let shown = visible_main(&body);
    let note = shown
        .find("This is Sam's account. Read it when you are ready; you can stop at any time.")
        .expect("the content note");
    assert!(
        note < shown.find("It began in March.").expect("the account"),
        "the note comes before the account"
    );
    let text = body.find("It began in March.").expect("the account");
    let folded = &body[..text];
    assert!(
        folded.contains("<details class=\"content-note\">"),
        "the account is folded behind its note"
    );
    assert!(
        text < body.find("id=\"pace\"").expect("pace section"),
        "the account comes before stage and pace"
    );
    assert!(page.reads("New to you"));

    // The writer cannot mark their own account read, and nothing changes.
    let refused = sam.post(&format!("{breach}/read"), &[]).await;
    assert!(refused.status.is_client_error(), "{}", refused.status);
    assert!(
        !sam.get(&breach)
            .await
            .body
            .contains("class=\"ok\">read</span>")
    );

    let before = event_count(&app, &space).await;
    ok(&alex, &format!("{breach}/read"), &[]).await;
    assert_eq!(
        event_count(&app, &space).await,
        before,
        "a read mark is outside the record"
    );
    let writer = sam.get(&breach).await;
    assert!(
        writer.body.contains("class=\"ok\">read</span>"),
        "Sam sees that it was read"
    );
    for how in ["times", "opened", "minutes ago"] {
        assert!(
            !writer.reads(&format!("read {how}")),
            "never when or how often"
        );
    }
    let reader = alex.get(&breach).await;
    assert!(reader.reads("You have said you read all of it."));
    assert!(!reader.reads("New to you"));
    assert!(!waiting_of(&alex.get(&space).await).contains("account of"));

    // A new entry is listed again, as an addition, and only it is new.
    app.advance(Duration::from_secs(3600));
    account_entry(&sam, &breach, "There was a second card.").await;
    let waiting = waiting_of(&alex.get(&space).await);
    assert!(
        waiting.starts_with("Sam added to their account of “The hidden account”"),
        "{waiting}"
    );
    let reader = alex.get(&breach).await;
    assert_eq!(reader.body.matches("New to you").count(), 1);
    let _ = first;
}

async fn a_slip_can_be_withdrawn_until_the_partner_sees_it_or_the_window_closes(backend: Backend) {
    let app = spawn_app(backend).await;
    let (sam, alex, space) = couple(&app).await;
    let breach = breach_recorded_by_alex(&alex, &space).await;

    // Written by mistake, withdrawn at once: gone for both, a withdrawal in the record.
    let slip = account_entry(&sam, &breach, "This was meant for my journal.").await;
    let withdraw = |entry: &str| format!("{space}/entries/{entry}/withdraw");
    assert!(sam.get(&breach).await.reads("Withdraw this entry"));
    let by_alex = alex.post(&withdraw(&slip), &[]).await;
    assert_eq!(
        by_alex.status,
        StatusCode::NOT_FOUND,
        "only the writer withdraws"
    );
    let before = event_count(&app, &space).await;
    let back = ok(&sam, &withdraw(&slip), &[]).await;
    assert!(back.ends_with("#account"), "{back}");
    assert_eq!(event_count(&app, &space).await, before + 1);
    assert!(!alex.get(&breach).await.reads("meant for my journal"));
    assert!(!sam.get(&breach).await.reads("meant for my journal"));
    assert!(
        sam.get(&format!("{space}/record"))
            .await
            .reads("withdrew an entry soon after writing it")
    );

    // Once Alex's page has shown an entry, it stays.
    let seen = account_entry(&sam, &breach, "It began in March.").await;
    assert!(alex.get(&breach).await.reads("It began in March."));
    assert!(!sam.get(&breach).await.reads("Withdraw this entry"));
    let before = event_count(&app, &space).await;
    let refused = sam.post(&withdraw(&seen), &[]).await;
    assert_eq!(refused.status, StatusCode::CONFLICT, "{}", refused.body);
    assert!(refused.reads("already been shown"));
    assert_eq!(event_count(&app, &space).await, before);

    // After ten minutes, too, even unseen.
    let late = account_entry(&sam, &breach, "And in April.").await;
    app.advance(Duration::from_secs(10 * 60 + 1));
    assert!(!sam.get(&breach).await.reads("Withdraw this entry"));
    let refused = sam.post(&withdraw(&late), &[]).await;
    assert_eq!(refused.status, StatusCode::CONFLICT, "{}", refused.body);
    assert!(refused.reads("first 10 minutes"));
    assert_eq!(event_count(&app, &space).await, before + 1);

    // A question asked by mistake, before Sam opened Questions, can be taken back too.
    let asked = ok(
        &alex,
        &format!("{space}/questions"),
        &[("text", "Who else knew?")],
    )
    .await;
    let question = asked.rsplit('/').next().unwrap_or_default().to_owned();
    assert!(alex.get(&asked).await.reads("Withdraw this question"));
    ok(&alex, &withdraw(&question), &[]).await;
    assert!(
        !sam.get(&format!("{space}/questions"))
            .await
            .reads("Who else knew?")
    );
    assert_eq!(alex.get(&asked).await.status, StatusCode::NOT_FOUND);
}

async fn the_pace_starts_unsaid_and_says_when_it_is_saved(backend: Backend) {
    let app = spawn_app(backend).await;
    let (sam, alex, space) = couple(&app).await;
    let breach = breach_recorded_by_alex(&alex, &space).await;
    let page = alex.get(&breach).await;
    let pace = &page.body[page.body.find("id=\"pace\"").expect("pace")..];
    let pace = &pace[..pace.find("</section>").expect("the pace section ends")];
    assert_eq!(
        pace.matches("now: not said yet").count(),
        5,
        "every topic starts unsaid"
    );
    assert!(
        !pace.contains(" checked"),
        "no readiness is chosen for Alex"
    );
    assert!(!pace.contains("…"), "labels are whole");
    assert!(
        sam.get(&breach)
            .await
            .reads("Physical intimacy: not said yet")
    );

    let to = ok(
        &alex,
        &format!("{breach}/pace"),
        &[("topic", "outings"), ("readiness", "open_to_talk")],
    )
    .await;
    assert!(to.contains("saved=outings"), "{to}");
    let page = alex.get(&to).await;
    assert!(page.reads("Saved."));
    assert_eq!(
        page.body.matches("Saved.").count(),
        1,
        "beside the topic saved only"
    );
    assert!(page.reads("Going out as a couple — now: Open to talking about it"));
    assert!(!alex.get(&breach).await.reads("Saved."));

    // Without a choice, nothing is saved and the page says why.
    let before = event_count(&app, &space).await;
    let refused = alex
        .post(
            &format!("{breach}/pace"),
            &[("topic", "future"), ("readiness", "")],
        )
        .await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(refused.reads("Please choose"));
    assert_eq!(event_count(&app, &space).await, before);
}

async fn appreciation_and_milestones_wait_for_the_hurt_partner(backend: Backend) {
    let app = spawn_app_long(backend).await;
    let (sam, alex, space) = couple(&app).await;
    let breach = breach_recorded_by_alex(&alex, &space).await;
    // A goal reached together is a milestone as soon as the record shows it.
    let together = format!("{space}/together");
    let goal = ok(
        &sam,
        &format!("{together}/goals"),
        &[("text", "A walk every Sunday")],
    )
    .await;
    let page = sam.get(&goal).await;
    let goal = page
        .body
        .split("/together/goals/")
        .nth(1)
        .and_then(|rest| rest.split('/').next())
        .expect("goal id")
        .to_owned();
    ok(&sam, &format!("{together}/goals/{goal}/reached"), &[]).await;
    ok(&alex, &format!("{together}/goals/{goal}/confirm"), &[]).await;

    for who in [&sam, &alex] {
        let home = who.get(&space).await;
        assert!(!home.reads("Write today's appreciation"), "no nudge yet");
        assert!(!home.body.contains("id=\"milestones\""), "no milestone yet");
    }
    // Sam may still write one, unasked.
    ok(
        &sam,
        &format!("{together}/appreciations"),
        &[("text", "You listened.")],
    )
    .await;

    ok(
        &alex,
        &format!("{breach}/pace"),
        &[("topic", "appreciation"), ("readiness", "open_to_talk")],
    )
    .await;
    let first = alex.get(&space).await;
    assert!(first.reads("Write today's appreciation"));
    assert!(first.body.contains("id=\"milestones\""));
    assert!(
        first.body.contains(">New</span>"),
        "new to Alex on first sight"
    );
    let again = alex.get(&space).await;
    assert!(again.body.contains("id=\"milestones\""));
    assert!(
        !again.body.contains(">New</span>"),
        "new only on the first view"
    );
    assert!(
        sam.get(&space).await.body.contains(">New</span>"),
        "Sam's first view is Sam's"
    );
    assert!(!sam.get(&space).await.body.contains(">New</span>"));
}
