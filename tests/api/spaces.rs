//! Creating a space, inviting, joining, and who may see what.

use std::time::Duration;

use reqwest::StatusCode;

use crate::helpers::{Backend, couple, spawn_app, spawn_app_with};

crate::on_both_databases!(
    two_people_share_a_space_and_see_the_same_fingerprint,
    the_invite_link_is_shown_only_to_the_session_that_made_it,
    a_used_link_cannot_let_a_third_person_in,
    an_expired_link_says_so,
    a_new_link_replaces_the_old_one,
    a_full_space_needs_no_invite,
    strangers_get_not_found_for_spaces_that_are_not_theirs,
    one_person_can_belong_to_several_spaces,
    an_invite_link_survives_signing_up_on_the_way,
    many_people_racing_for_one_invite_leave_exactly_two_partners,
    bad_space_input_is_refused_and_writes_nothing,
);

async fn two_people_share_a_space_and_see_the_same_fingerprint(backend: Backend) {
    let app = spawn_app(backend).await;
    let (sam, alex, space) = couple(&app).await;
    let sams = sam.get(&space).await;
    assert!(
        sams.reads("A shared space for you (Sam) and Alex."),
        "{}",
        sams.body
    );
    let alexs = alex.get(&space).await;
    assert!(alexs.reads("A shared space for you (Alex) and Sam."));
    let fingerprint = sam.fingerprint(&space).await;
    assert_eq!(fingerprint.len(), 19, "{fingerprint}");
    assert_eq!(fingerprint, alex.fingerprint(&space).await);
    // Page titles never carry record content.
    assert!(
        !sams
            .body
            .split("</title>")
            .next()
            .unwrap_or("")
            .contains("Sam & Alex")
    );
    assert!(sam.get("/").await.has("with Alex"));
}

async fn the_invite_link_is_shown_only_to_the_session_that_made_it(backend: Backend) {
    let app = spawn_app(backend).await;
    let sam = app.person("Sam").await;
    let space = sam.create_space("Us").await;
    let link = sam.invite_link(&space).await;
    assert!(link.starts_with(&format!("{}/invite/", app.base)), "{link}");
    // The same person on another device sees no link, only the button to make a new one.
    let laptop = app.client();
    laptop.login(&sam.email(), crate::helpers::PASSWORD).await;
    let page = laptop.get(&space).await;
    assert!(page.value_of("invite-link").is_none());
    assert!(page.has("Make an invite link"));
    // The database holds only a hash of the link's token.
    let token = link.rsplit('/').next().unwrap_or_default();
    let stored = app.app.store().invite(token).await.expect("query");
    assert!(
        stored.is_none(),
        "the raw token is not a key in the database"
    );
}

async fn a_used_link_cannot_let_a_third_person_in(backend: Backend) {
    let app = spawn_app(backend).await;
    let sam = app.person("Sam").await;
    let space = sam.create_space("Us").await;
    let link = sam.invite_link(&space).await;
    let alex = app.person("Alex").await;
    assert_eq!(
        alex.post(&alex.path_of(&link), &[]).await.status,
        StatusCode::SEE_OTHER
    );

    let kim = app.person("Kim").await;
    let page = kim.get(&kim.path_of(&link)).await;
    assert_eq!(page.status, StatusCode::GONE);
    assert!(page.has("already been used"), "{}", page.body);
    let page = kim.post(&kim.path_of(&link), &[]).await;
    assert_eq!(page.status, StatusCode::GONE);
    assert_eq!(kim.get(&space).await.status, StatusCode::NOT_FOUND);
    // A logged-out visitor with the link is told the same.
    assert!(
        app.client()
            .get(&kim.path_of(&link))
            .await
            .has("already been used")
    );
}

async fn an_expired_link_says_so(backend: Backend) {
    // Sessions outlive the link here, so only the link's own expiry is tested.
    let app = spawn_app_with(backend, |s| {
        s.session_idle = Duration::from_secs(30 * 24 * 3600);
        s.session_max = Duration::from_secs(30 * 24 * 3600);
    })
    .await;
    let sam = app.person("Sam").await;
    let space = sam.create_space("Us").await;
    let link = sam.invite_link(&space).await;
    assert!(sam.get(&space).await.value_of("invite-link").is_some());
    app.advance(Duration::from_secs(6 * 24 * 3600));
    let visitor = app.client();
    assert_eq!(
        visitor.get(&visitor.path_of(&link)).await.status,
        StatusCode::OK,
        "still valid on day 6"
    );
    app.advance(Duration::from_secs(24 * 3600 + 1));
    let alex = app.person("Alex").await;
    let page = alex.get(&alex.path_of(&link)).await;
    assert_eq!(page.status, StatusCode::GONE);
    assert!(page.has("has expired"));
    assert_eq!(
        alex.post(&alex.path_of(&link), &[]).await.status,
        StatusCode::GONE
    );
    assert_eq!(alex.get(&space).await.status, StatusCode::NOT_FOUND);
    assert!(
        sam.get(&space).await.value_of("invite-link").is_none(),
        "an expired link is no longer shown"
    );
}

async fn a_new_link_replaces_the_old_one(backend: Backend) {
    let app = spawn_app(backend).await;
    let sam = app.person("Sam").await;
    let space = sam.create_space("Us").await;
    let old = sam.invite_link(&space).await;
    assert_eq!(
        sam.post(&format!("{space}/invite"), &[]).await.status,
        StatusCode::SEE_OTHER
    );
    let new = sam.invite_link(&space).await;
    assert_ne!(old, new);
    let alex = app.person("Alex").await;
    let page = alex.post(&alex.path_of(&old), &[]).await;
    assert_eq!(page.status, StatusCode::GONE);
    assert!(page.has("replaced by a newer one"));
    assert_eq!(
        alex.post(&alex.path_of(&new), &[]).await.status,
        StatusCode::SEE_OTHER
    );
}

async fn a_full_space_needs_no_invite(backend: Backend) {
    let app = spawn_app(backend).await;
    let (sam, alex, space) = couple(&app).await;
    for partner in [&sam, &alex] {
        let page = partner.post(&format!("{space}/invite"), &[]).await;
        assert_eq!(page.status, StatusCode::CONFLICT);
        assert!(page.has("Both partners are already here"));
    }
}

async fn strangers_get_not_found_for_spaces_that_are_not_theirs(backend: Backend) {
    let app = spawn_app(backend).await;
    let (_sam, _alex, space) = couple(&app).await;
    let kim = app.person("Kim").await;
    let missing = "/spaces/00000000-0000-4000-8000-000000000000";
    let not_found = kim.get(missing).await;
    assert_eq!(not_found.status, StatusCode::NOT_FOUND);
    for path in [
        space.clone(),
        format!("{space}/record"),
        format!("{space}/export"),
    ] {
        let page = kim.get(&path).await;
        assert_eq!(page.status, StatusCode::NOT_FOUND, "{path}");
        assert_eq!(
            page.body, not_found.body,
            "someone else's space looks exactly like no space"
        );
        assert_eq!(
            kim.get(&path.replace(&space, missing)).await.status,
            StatusCode::NOT_FOUND
        );
    }
    let page = kim.post(&format!("{space}/invite"), &[]).await;
    assert_eq!(page.status, StatusCode::NOT_FOUND);
    for bad in [
        "/spaces/not-an-id",
        "/spaces/../../etc/passwd",
        "/spaces/%00",
        "/invite/short",
        "/invite/%ff%fe",
    ] {
        assert_eq!(kim.get(bad).await.status, StatusCode::NOT_FOUND, "{bad}");
    }
}

async fn one_person_can_belong_to_several_spaces(backend: Backend) {
    let app = spawn_app(backend).await;
    let (sam, _alex, first) = couple(&app).await;
    let second = sam.create_space("A later chapter").await;
    assert_ne!(first, second);
    let home = sam.get("/").await;
    assert!(
        home.has(&first) && home.has(&second),
        "both spaces are listed to switch between"
    );
    assert!(home.has("A later chapter"));
    assert!(home.has("waiting for your partner to join"));
}

async fn an_invite_link_survives_signing_up_on_the_way(backend: Backend) {
    let app = spawn_app(backend).await;
    let sam = app.person("Sam").await;
    let space = sam.create_space("Us").await;
    let link = sam.invite_link(&space).await;
    let path = sam.path_of(&link);

    let alex = app.client();
    // The inviter opening their own link is told it is theirs.
    assert!(sam.get(&path).await.has("This is your own invite link"));
    let page = alex.get(&path).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.reads("Sam invites you to a shared space"));
    assert!(page.has(&format!("/signup?next={path}")));
    let signup = alex
        .post(
            "/signup",
            &[
                ("email", "alex@example.org"),
                ("display_name", "Alex"),
                ("password", crate::helpers::PASSWORD),
                ("next", &path),
            ],
        )
        .await;
    assert_eq!(
        signup.location(),
        path,
        "back to the invite after signing up"
    );
    let page = alex.get(&path).await;
    assert!(page.has("Join the space"));
    assert_eq!(alex.post(&path, &[]).await.location(), space);
}

async fn many_people_racing_for_one_invite_leave_exactly_two_partners(backend: Backend) {
    let app = spawn_app(backend).await;
    let sam = app.person("Sam").await;
    let space = sam.create_space("Us").await;
    let link = sam.invite_link(&space).await;
    let mut racers = Vec::new();
    for i in 0..6 {
        racers.push(app.person(&format!("Racer{i}")).await);
    }
    let path = sam.path_of(&link);
    let tokens: Vec<String> = futures::future::join_all(racers.iter().map(|r| r.csrf())).await;
    let attempts = racers.iter().zip(&tokens).map(|(r, t)| {
        let path = path.clone();
        async move { r.post_raw(&path, &[("csrf", t.as_str())]).await }
    });
    let results = futures::future::join_all(attempts).await;
    let joined = results
        .iter()
        .filter(|p| p.status == StatusCode::SEE_OTHER)
        .count();
    assert_eq!(
        joined,
        1,
        "{:?}",
        results.iter().map(|p| p.status).collect::<Vec<_>>()
    );
    assert!(
        results
            .iter()
            .all(|p| p.status == StatusCode::SEE_OTHER || p.status == StatusCode::GONE)
    );
    let id = space
        .trim_start_matches("/spaces/")
        .parse()
        .expect("space id");
    let state = app.app.load_state(id).await.expect("load").expect("exists");
    assert_eq!(state.partners.len(), 2);
    assert_eq!(state.head_seq, 2);
}

async fn bad_space_input_is_refused_and_writes_nothing(backend: Backend) {
    let app = spawn_app(backend).await;
    let sam = app.person("Sam").await;
    let page = sam.post("/spaces", &[("name", &"n".repeat(81))]).await;
    assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(page.has("the limit is 80"));
    let page = sam.post("/spaces", &[("name", "tab\u{7}bell")]).await;
    assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(sam.get("/").await.has("You don't have a shared space yet"));
}
