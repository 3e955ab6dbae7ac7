//! The page cache (issue 19): a partner's home page and record pages drawn once and served
//! again. Whatever
//! it serves must be byte for byte what the page drawn afresh would be, for that viewer
//! and no one else; a write through one instance shows on the next request to another;
//! and a sealed answer never reaches the partner through a kept page. On both databases,
//! with a second server on the same database as the other instance (with the page cache
//! off where it stands for "drawn afresh").

use std::time::Duration;

use reqwest::StatusCode;

use crate::helpers::{
    Backend, Client, TestApp, breach_recorded_by_alex, counsellor_for, couple, ok, set_rhythm,
    spawn_app_long, spawn_beside,
};

crate::on_both_databases!(
    each_viewer_is_served_their_own_page_exactly_as_drawn_afresh,
    a_write_through_one_instance_shows_on_the_next_request_to_another,
    a_sealed_answer_never_reaches_the_partner_through_a_kept_page,
    each_viewer_is_served_their_own_record_page_exactly_as_drawn_afresh,
);

const FORM_TOKEN: &str = "name=\"form_token\" value=\"";

/// The page's forms' own tokens (fresh for every rendering), and the page without them.
fn form_tokens(body: &str) -> (Vec<String>, String) {
    let mut tokens = Vec::new();
    let mut rest = body.to_owned();
    let mut at = 0;
    while let Some(found) = rest[at..].find(FORM_TOKEN) {
        let start = at + found + FORM_TOKEN.len();
        let end = rest[start..].find('"').map_or(rest.len(), |e| start + e);
        tokens.push(rest[start..end].to_owned());
        rest.replace_range(start..end, "");
        at = start;
    }
    (tokens, rest)
}

/// `who`'s home page from `app` (cached) and from `fresh` (drawn for this request): equal
/// byte for byte, the CSRF token included, apart from each form's own fresh token. Gives
/// the page without those.
async fn same_as_fresh(who: &Client, fresh: &TestApp, space: &str) -> String {
    let kept = who.get(space).await;
    assert_eq!(kept.status, StatusCode::OK, "{}", kept.text());
    let drawn = who.at(&fresh.base).get(space).await;
    assert_eq!(drawn.status, StatusCode::OK);
    let (kept_tokens, kept_body) = form_tokens(&kept.body);
    let (drawn_tokens, drawn_body) = form_tokens(&drawn.body);
    assert!(!kept_tokens.is_empty());
    assert!(
        kept_tokens
            .iter()
            .all(|t| t.len() == 43 && !drawn_tokens.contains(t)),
        "every page served has form tokens of its own"
    );
    let (kept, drawn) = (
        crate::helpers::Page {
            body: kept_body,
            ..kept
        },
        crate::helpers::Page {
            body: drawn_body,
            ..drawn
        },
    );
    if kept.body != drawn.body {
        let at = kept
            .body
            .bytes()
            .zip(drawn.body.bytes())
            .position(|(a, b)| a != b)
            .unwrap_or(kept.body.len().min(drawn.body.len()));
        let around = |s: &str| {
            s.get(at.saturating_sub(200)..(at + 200).min(s.len()))
                .unwrap_or("")
                .to_owned()
        };
        panic!(
            "the kept page differs from the page drawn afresh at byte {at}:\n{}\n---\n{}",
            around(&kept.body),
            around(&drawn.body)
        );
    }
    kept.body
}

fn long(settings: &mut goldseam::config::Settings) {
    settings.session_idle = Duration::from_secs(60 * 24 * 3600);
    settings.session_max = Duration::from_secs(60 * 24 * 3600);
}

/// A server, and a second one on its database that draws every page afresh.
async fn kept_and_fresh(backend: Backend) -> (TestApp, TestApp) {
    let app = spawn_app_long(backend).await;
    let fresh = spawn_beside(&app, |s| {
        long(s);
        s.page_cache_bytes = 0;
    })
    .await;
    (app, fresh)
}

async fn each_viewer_is_served_their_own_page_exactly_as_drawn_afresh(backend: Backend) {
    let (app, fresh) = kept_and_fresh(backend).await;
    let (sam, alex, space) = couple(&app).await;
    let kim = counsellor_for(&app, &sam, &alex, &space, Some("record")).await;
    let people = [("Sam", &sam), ("Alex", &alex), ("Kim", &kim)];
    for round in 0..3 {
        // Each person twice in a row, then the next: the second is served from the cache.
        let mut pages = Vec::new();
        for (name, who) in people {
            let first = same_as_fresh(who, &fresh, &space).await;
            let served = who.get(&space).await.body;
            let again = same_as_fresh(who, &fresh, &space).await;
            assert_eq!(first, again, "{name}'s page in round {round}");
            let (one, _) = form_tokens(&served);
            let (two, _) = form_tokens(&who.get(&space).await.body);
            assert!(
                one.iter().all(|t| !two.contains(t)),
                "a kept page is served with new form tokens each time"
            );
            let csrf = who.csrf().await;
            assert!(
                first.contains(&csrf),
                "{name}'s page carries {name}'s own CSRF token"
            );
            pages.push((name, csrf, first));
        }
        for (name, _, page) in &pages {
            for (other, csrf, _) in &pages {
                assert!(
                    name == other || !page.contains(csrf.as_str()),
                    "{name}'s page carries {other}'s CSRF token"
                );
            }
        }
        assert_ne!(
            pages[0].2, pages[1].2,
            "the partners see pages of their own"
        );
        // Something new between rounds, so the next round draws again.
        match round {
            0 => {
                breach_recorded_by_alex(&alex, &space).await;
            }
            1 => {
                ok(&sam, &format!("{space}/welcome"), &[]).await;
            }
            _ => {}
        }
    }
    // A minute later the page is drawn for the new minute, and still matches.
    app.advance(Duration::from_secs(61));
    same_as_fresh(&sam, &fresh, &space).await;
}

async fn a_write_through_one_instance_shows_on_the_next_request_to_another(backend: Backend) {
    let one = spawn_app_long(backend).await;
    let two = spawn_beside(&one, long).await;
    let (sam, alex, space) = couple(&one).await;
    let (sam_on_two, alex_on_two) = (sam.at(&two.base), alex.at(&two.base));
    // Both instances have drawn and kept Sam's page.
    let before = sam.get(&space).await;
    assert!(!before.has("The hidden account"));
    assert!(before.has("Welcome: how this space works"));
    assert!(!sam_on_two.get(&space).await.has("The hidden account"));

    let record = format!("{space}/record");
    let entries = |page: &str| page.matches("<tr>").count();
    let record_before = entries(&sam.get(&record).await.body);
    assert_eq!(record_before, entries(&sam.get(&record).await.body));

    // Alex writes through the second; Sam's next page from the first shows it.
    breach_recorded_by_alex(&alex_on_two, &space).await;
    assert!(sam.get(&space).await.has("The hidden account"));
    assert!(
        entries(&sam.get(&record).await.body) > record_before,
        "the kept record page of the first shows the entry written through the second"
    );
    // Sam folds the welcome away through the second (a mark, outside the record); the
    // first shows it folded on the very next request.
    ok(&sam_on_two, &format!("{space}/welcome"), &[]).await;
    assert!(!sam.get(&space).await.has("Welcome: how this space works"));
    // And back: a write through the first shows on the second.
    ok(
        &sam,
        &format!("{space}/breaches"),
        &[
            ("title", "The late nights"),
            ("kind", "secret_spending"),
            ("broke_trust", "partner"),
            ("discovered_on", "2026-11-02"),
        ],
    )
    .await;
    assert!(sam_on_two.get(&space).await.has("The late nights"));
}

async fn a_sealed_answer_never_reaches_the_partner_through_a_kept_page(backend: Backend) {
    let (app, fresh) = kept_and_fresh(backend).await;
    let (sam, alex, space) = couple(&app).await;
    set_rhythm(
        &sam,
        &alex,
        &space,
        &[
            ("every", "week"),
            ("weekday", "monday"),
            ("time_zone", "UTC"),
        ],
    )
    .await;
    let page = alex.get(&format!("{space}/checkins")).await;
    let at = page
        .body
        .find("name=\"period\" value=\"")
        .expect("a period to answer")
        + 21;
    let period = page.body[at..at + 10].to_owned();
    let sam_before = same_as_fresh(&sam, &fresh, &space).await;
    // Alex answers; the answer stays sealed from Sam until Sam answers or the period ends.
    ok(
        &alex,
        &format!("{space}/checkins/answer"),
        &[
            ("period", period.as_str()),
            ("predictability", "1"),
            ("dependability", "1"),
            ("faith", "1"),
            ("feeling_anxiety", "5"),
            ("helped", "Nothing helped, the quiet evenings least of all"),
            ("hurt", ""),
            ("need", ""),
        ],
    )
    .await;
    // Alex's page is drawn and kept first, with Alex's own answer in it.
    let alex_page = same_as_fresh(&alex, &fresh, &space).await;
    let sam_after = same_as_fresh(&sam, &fresh, &space).await;
    assert_ne!(alex_page, sam_after);
    assert!(!sam_after.contains("quiet evenings least of all"));
    // Sam's page shows nothing of the sealed answer: only the entry count moved.
    let visible = |page: &str| {
        let start = page.find(r#"<div id="dashboard">"#).unwrap_or(0);
        let end = page[start..]
            .find("Your shared record")
            .map_or(page.len(), |e| start + e);
        page[start..end].to_owned()
    };
    assert_eq!(visible(&sam_before), visible(&sam_after));
    let record = format!("{space}/record");
    for _kept_then_served in 0..2 {
        let page = same_as_fresh(&sam, &fresh, &record).await;
        assert!(!page.contains("quiet evenings least of all"));
    }
    // Once the period has ended the answer is Sam's to see, on a freshly drawn page.
    app.advance(Duration::from_secs(15 * 24 * 3600));
    same_as_fresh(&sam, &fresh, &space).await;
}

/// The record page is kept like the home page: per viewer, per page of entries, drawn
/// again when the record moves on.
async fn each_viewer_is_served_their_own_record_page_exactly_as_drawn_afresh(backend: Backend) {
    let (app, fresh) = kept_and_fresh(backend).await;
    let (sam, alex, space) = couple(&app).await;
    let kim = counsellor_for(&app, &sam, &alex, &space, Some("record")).await;
    let record = format!("{space}/record");
    for round in 0..2 {
        let mut pages = Vec::new();
        for (name, who) in [("Sam", &sam), ("Alex", &alex), ("Kim", &kim)] {
            let first = same_as_fresh(who, &fresh, &record).await;
            let again = same_as_fresh(who, &fresh, &record).await;
            assert_eq!(first, again, "{name}'s record page in round {round}");
            let csrf = who.csrf().await;
            assert!(
                first.contains(&csrf),
                "{name}'s record page carries {name}'s own CSRF token"
            );
            pages.push((name, csrf, first));
        }
        for (name, _, page) in &pages {
            for (other, csrf, _) in &pages {
                assert!(
                    name == other || !page.contains(csrf.as_str()),
                    "{name}'s record page carries {other}'s CSRF token"
                );
            }
        }
        assert_ne!(
            pages[0].2, pages[1].2,
            "each partner's record page says \"you\" to them"
        );
        if round == 0 {
            breach_recorded_by_alex(&alex, &space).await;
        }
    }
    // An older page, and a page that cannot exist, through the cache as without it.
    let older = format!("{record}?before=2");
    same_as_fresh(&sam, &fresh, &older).await;
    assert_eq!(
        sam.get(&format!("{record}?before=0")).await.status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        sam.get(&format!("{record}?before=x")).await.status,
        StatusCode::NOT_FOUND
    );
}
