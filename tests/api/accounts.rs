//! Sign-up, log-in, log-out, sessions and throttling, as a person (or an attacker) sees them.

use std::time::Duration;

use reqwest::StatusCode;

use crate::helpers::{Backend, Client, PASSWORD, spawn_app, spawn_app_with};

crate::on_both_databases!(
    sign_up_logs_in_and_greets_by_name,
    bad_sign_up_input_is_refused_clearly_and_nothing_is_written,
    a_taken_email_is_refused_at_sign_up_but_not_revealed_at_log_in,
    log_in_with_the_right_password_and_not_the_wrong_one,
    a_new_session_id_is_issued_at_every_log_in,
    logging_out_ends_the_session_for_good,
    logging_out_everywhere_ends_every_device,
    sessions_expire_when_idle_and_after_their_maximum_age,
    repeated_failures_slow_down_but_never_lock_out,
    guessing_from_elsewhere_never_keeps_the_owner_out_of_a_known_browser,
    a_forged_forwarded_address_does_not_escape_the_throttle,
    one_address_cannot_sign_up_without_limit,
    a_display_name_that_reads_as_you_is_refused,
    times_show_in_each_persons_own_time_zone,
    the_time_zone_is_chosen_from_a_list,
    failures_from_one_address_slow_down_guesses_across_accounts,
    pages_that_need_an_account_send_you_to_log_in_and_back,
    a_password_is_changed_with_the_current_one_and_other_sessions_end,
);

async fn sign_up_logs_in_and_greets_by_name(backend: Backend) {
    let app = spawn_app(backend).await;
    let client = app.client();
    assert!(client.get("/signup").await.has("Create an account"));
    let page = client
        .signup("Sam.Rivera@Example.org", "Sam", PASSWORD)
        .await;
    assert_eq!(page.status, StatusCode::SEE_OTHER);
    assert_eq!(page.location(), "/");
    let home = client.get("/").await;
    assert_eq!(home.status, StatusCode::OK);
    assert!(home.has("Hello, Sam"), "{}", home.body);

    // The email is matched without regard to case.
    let other = app.client();
    assert_eq!(
        other.login("sam.rivera@example.org", PASSWORD).await.status,
        StatusCode::SEE_OTHER
    );
}

async fn bad_sign_up_input_is_refused_clearly_and_nothing_is_written(backend: Backend) {
    let app = spawn_app(backend).await;
    let client = app.client();
    let long_password = "a quiet walk ".repeat(20);
    let cases: [(&str, &str, &str, &str); 9] = [
        ("", "Sam", PASSWORD, "Please enter your email address."),
        (
            "not-an-email",
            "Sam",
            PASSWORD,
            "doesn't look like an email address",
        ),
        (
            "sam@example",
            "Sam",
            PASSWORD,
            "doesn't look like an email address",
        ),
        ("sam@example.org", "", PASSWORD, "Your name is empty"),
        (
            "sam@example.org",
            "Sam\u{1b}[31m",
            PASSWORD,
            "character we can't store",
        ),
        (
            "sam@example.org",
            "Sam",
            "too short",
            "at least 15 characters",
        ),
        (
            "sam@example.org",
            "Sam",
            &long_password,
            "at most 256 characters",
        ),
        ("sam@example.org", "Sam", "passwordpassword", "too common"),
        ("sam@example.org", "Sam", "sam@example.org", "too common"),
    ];
    for (email, name, password, message) in cases {
        let page = client.signup(email, name, password).await;
        assert_eq!(
            page.status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{email:?} {name:?}"
        );
        assert!(
            page.has(message),
            "expected {message:?} for {email:?}/{name:?}: {}",
            page.body
        );
        assert!(page.has("role=\"alert\""), "errors are announced");
        assert!(
            !page.has(password) || password == email,
            "a password is never echoed back"
        );
    }
    // Invalid UTF-8 in a field: refused before anything reads it.
    let csrf = client.csrf().await;
    let mut body = format!(
        "csrf={csrf}&email=sam%40example.org&password=lantern+orbit+velvet+cactus&display_name="
    )
    .into_bytes();
    body.extend_from_slice(b"%FF%FESam");
    let page = client.post_bytes("/signup", body).await;
    assert_eq!(page.status, StatusCode::BAD_REQUEST);
    assert!(page.has("could not read"));

    // None of those created an account.
    let login = app.client().login("sam@example.org", PASSWORD).await;
    assert_eq!(login.status, StatusCode::UNAUTHORIZED);
    assert!(
        app.app
            .store()
            .login_by_email("sam@example.org")
            .await
            .expect("query")
            .is_none()
    );
}

async fn a_taken_email_is_refused_at_sign_up_but_not_revealed_at_log_in(backend: Backend) {
    let app = spawn_app(backend).await;
    let sam = app.person("Sam").await;
    let again = app
        .client()
        .signup(
            &sam.email().to_uppercase(),
            "Someone",
            "another long pass phrase here",
        )
        .await;
    assert_eq!(again.status, StatusCode::CONFLICT);
    assert!(again.has("log in instead"));

    // A stranger probing the log-in form cannot tell a real account from a made-up one.
    let wrong = "not the right password at all";
    let real = app.client().login(&sam.email(), wrong).await;
    let made_up = app.client().login("nobody-here@example.org", wrong).await;
    assert_eq!(real.status, StatusCode::UNAUTHORIZED);
    assert_eq!(made_up.status, real.status);
    let strip =
        |page: &crate::helpers::Page, email: &str| page.without_tokens().replace(email, "EMAIL");
    assert_eq!(
        strip(&real, &sam.email()),
        strip(&made_up, "nobody-here@example.org")
    );
}

async fn log_in_with_the_right_password_and_not_the_wrong_one(backend: Backend) {
    let app = spawn_app(backend).await;
    let sam = app.person("Sam").await;
    let other = app.client();
    let wrong = other
        .login(&sam.email(), "lantern orbit velvet cactuS")
        .await;
    assert_eq!(wrong.status, StatusCode::UNAUTHORIZED);
    assert!(wrong.has("don't match an account"));
    assert!(other.cookie("goldseam_session").is_none());
    let empty = other.login(&sam.email(), "").await;
    assert_eq!(empty.status, StatusCode::UNPROCESSABLE_ENTITY);
    let right = other.login(&sam.email(), PASSWORD).await;
    assert_eq!(right.status, StatusCode::SEE_OTHER);
    assert!(other.get("/").await.has("Hello, Sam"));
}

async fn a_new_session_id_is_issued_at_every_log_in(backend: Backend) {
    let app = spawn_app(backend).await;
    let sam = app.person("Sam").await;
    let first = sam
        .cookie("goldseam_session")
        .expect("session cookie after sign-up");
    let browser = Client::new(&app.base);
    browser.login(&sam.email(), PASSWORD).await;
    let second = browser.cookie("goldseam_session").expect("session cookie");
    assert_ne!(first, second);
    // Logging in again in the same browser replaces its session; the old id is dead.
    assert_eq!(
        browser.login(&sam.email(), PASSWORD).await.status,
        StatusCode::SEE_OTHER
    );
    let third = browser.cookie("goldseam_session").expect("session cookie");
    assert_ne!(second, third);
    let replay = app.client();
    let page = replay
        .http
        .get(format!("{}/", app.base))
        .header("cookie", format!("goldseam_session={second}"))
        .send()
        .await
        .expect("GET");
    assert!(
        page.text()
            .await
            .unwrap_or_default()
            .contains("Create an account"),
        "old session id still works"
    );
}

async fn logging_out_ends_the_session_for_good(backend: Backend) {
    let app = spawn_app(backend).await;
    let sam = app.person("Sam").await;
    let token = sam.cookie("goldseam_session").expect("session cookie");
    let out = sam.post("/logout", &[]).await;
    assert_eq!(out.status, StatusCode::SEE_OTHER);
    assert!(
        out.headers
            .get_all("set-cookie")
            .iter()
            .any(|c| c.to_str().unwrap_or("").contains("Max-Age=0"))
    );
    // Replaying the old cookie by hand does not get in.
    let replay = app
        .client()
        .http
        .get(format!("{}/spaces", app.base))
        .header("cookie", format!("goldseam_session={token}"))
        .send()
        .await
        .expect("GET");
    assert_ne!(replay.status(), StatusCode::OK);
    let home = app
        .client()
        .http
        .get(format!("{}/", app.base))
        .header("cookie", format!("goldseam_session={token}"))
        .send()
        .await
        .expect("GET");
    assert!(!home.text().await.unwrap_or_default().contains("Hello, Sam"));
}

async fn logging_out_everywhere_ends_every_device(backend: Backend) {
    let app = spawn_app(backend).await;
    let phone = app.person("Sam").await;
    let laptop = app.client();
    laptop.login(&phone.email(), PASSWORD).await;
    assert!(laptop.get("/").await.has("Hello, Sam"));
    assert_eq!(
        phone.post("/logout/everywhere", &[]).await.status,
        StatusCode::SEE_OTHER
    );
    assert!(!laptop.get("/").await.has("Hello, Sam"));
    assert!(!phone.get("/").await.has("Hello, Sam"));
}

async fn sessions_expire_when_idle_and_after_their_maximum_age(backend: Backend) {
    let app = spawn_app_with(backend, |s| {
        s.session_idle = Duration::from_secs(8 * 3600);
        s.session_max = Duration::from_secs(12 * 3600);
    })
    .await;
    let sam = app.person("Sam").await;
    app.advance(Duration::from_secs(7 * 3600));
    assert!(
        sam.get("/").await.has("Hello, Sam"),
        "7 idle hours are fine"
    );
    app.advance(Duration::from_secs(8 * 3600 + 1));
    assert!(
        !sam.get("/").await.has("Hello, Sam"),
        "over 8 idle hours logs out"
    );

    let kim = app.person("Kim").await;
    for _ in 0..2 {
        app.advance(Duration::from_secs(5 * 3600));
        assert!(
            kim.get("/").await.has("Hello, Kim"),
            "active within the maximum age"
        );
    }
    app.advance(Duration::from_secs(2 * 3600 + 1));
    assert!(
        !kim.get("/").await.has("Hello, Kim"),
        "over 12 hours since log-in, however active"
    );
}

async fn repeated_failures_slow_down_but_never_lock_out(backend: Backend) {
    let app = spawn_app(backend).await;
    let sam = app.person("Sam").await;
    let attacker = app.client();
    for _ in 0..3 {
        assert_eq!(
            attacker
                .login(&sam.email(), "a wrong guess of some length")
                .await
                .status,
            StatusCode::UNAUTHORIZED
        );
    }
    // Now even the right password has to wait a moment, from anywhere...
    let owner = app.client();
    let waiting = owner.login(&sam.email(), PASSWORD).await;
    assert_eq!(waiting.status, StatusCode::TOO_MANY_REQUESTS);
    assert!(waiting.has("Please wait"));
    assert!(waiting.headers.contains_key("retry-after"));
    // ...and the wait grows with further failures, up to a minute at most.
    app.advance(Duration::from_secs(1));
    attacker
        .login(&sam.email(), "another wrong guess of length")
        .await;
    app.advance(Duration::from_secs(1));
    assert_eq!(
        owner.login(&sam.email(), PASSWORD).await.status,
        StatusCode::TOO_MANY_REQUESTS
    );
    // After the wait the owner gets in: there is no lock-out.
    app.advance(Duration::from_secs(61));
    assert_eq!(
        owner.login(&sam.email(), PASSWORD).await.status,
        StatusCode::SEE_OTHER
    );
}

async fn failures_from_one_address_slow_down_guesses_across_accounts(backend: Backend) {
    let app = spawn_app(backend).await;
    let attacker = app.client();
    for i in 0..3 {
        let page = attacker
            .login(
                &format!("guess{i}@example.org"),
                "a wrong guess of some length",
            )
            .await;
        assert_eq!(page.status, StatusCode::UNAUTHORIZED);
    }
    let page = attacker
        .login("guess-next@example.org", "a wrong guess of some length")
        .await;
    assert_eq!(page.status, StatusCode::TOO_MANY_REQUESTS);
    app.advance(Duration::from_secs(2));
    assert_eq!(
        attacker
            .login("guess-next@example.org", "x wrong guess of some length")
            .await
            .status,
        StatusCode::UNAUTHORIZED
    );
}

async fn pages_that_need_an_account_send_you_to_log_in_and_back(backend: Backend) {
    let app = spawn_app(backend).await;
    let sam = app.person("Sam").await;
    let space = sam.create_space("Us").await;
    let visitor = app.client();
    let page = visitor.get(&space).await;
    assert_eq!(page.status, StatusCode::SEE_OTHER);
    assert!(
        page.location().starts_with("/login?next="),
        "{}",
        page.location()
    );
    // After logging in, the `next` page is where you land; a foreign `next` is ignored.
    let login = visitor
        .post(
            "/login",
            &[
                ("email", &sam.email()),
                ("password", PASSWORD),
                ("next", &space),
            ],
        )
        .await;
    assert_eq!(login.location(), space);
    let evil = app.client();
    let login = evil
        .post(
            "/login",
            &[
                ("email", &sam.email()),
                ("password", PASSWORD),
                ("next", "//evil.example/"),
            ],
        )
        .await;
    assert_eq!(login.location(), "/");
}

async fn guessing_from_elsewhere_never_keeps_the_owner_out_of_a_known_browser(backend: Backend) {
    let app = spawn_app(backend).await;
    let owner = app.person("Sam").await;
    assert!(
        owner.cookie("goldseam_device").is_some(),
        "signing up marks the browser as known"
    );
    owner.post("/logout", &[]).await;
    // Someone else keeps guessing at the account, from elsewhere, without pause.
    let attacker = app.client();
    for _ in 0..6 {
        attacker
            .login(&owner.email(), "a wrong guess of some length")
            .await;
    }
    assert_eq!(
        attacker.login(&owner.email(), PASSWORD).await.status,
        StatusCode::TOO_MANY_REQUESTS
    );
    // The owner, in the browser they used before, gets in at once.
    let page = owner.login(&owner.email(), PASSWORD).await;
    assert_eq!(page.status, StatusCode::SEE_OTHER, "{}", page.text());
    assert!(owner.get("/").await.has("Hello, Sam"));
    // A known browser's own failures still slow it down.
    owner.post("/logout", &[]).await;
    for _ in 0..3 {
        assert_eq!(
            owner
                .login(&owner.email(), "the owner mistyping it")
                .await
                .status,
            StatusCode::UNAUTHORIZED
        );
    }
    assert_eq!(
        owner.login(&owner.email(), PASSWORD).await.status,
        StatusCode::TOO_MANY_REQUESTS
    );
    // A device cookie of another account earns nothing.
    let kim = app.person("Kim").await;
    kim.post("/logout", &[]).await;
    assert_eq!(
        kim.login(&owner.email(), PASSWORD).await.status,
        StatusCode::TOO_MANY_REQUESTS
    );
}

async fn a_forged_forwarded_address_does_not_escape_the_throttle(backend: Backend) {
    let app = spawn_app(backend).await;
    let attacker = app.client();
    let csrf = attacker.csrf().await;
    let mut statuses = Vec::new();
    for i in 0..5 {
        let response = attacker
            .http
            .post(format!("{}/login", app.base))
            .header("x-forwarded-for", format!("198.51.100.{i}"))
            .form(&[
                ("csrf", csrf.as_str()),
                ("email", &format!("guess{i}@example.org")),
                ("password", "a wrong guess of some length"),
            ])
            .send()
            .await
            .expect("POST");
        statuses.push(response.status());
    }
    assert_eq!(
        statuses.last(),
        Some(&StatusCode::TOO_MANY_REQUESTS),
        "{statuses:?}"
    );
}

async fn one_address_cannot_sign_up_without_limit(backend: Backend) {
    let app = spawn_app(backend).await;
    let client = app.client();
    for i in 0..20 {
        let page = client
            .signup(&format!("person{i}@example.org"), "Person", PASSWORD)
            .await;
        assert_eq!(page.status, StatusCode::SEE_OTHER, "sign-up {i}");
        client.post("/logout", &[]).await;
    }
    let page = client
        .signup("one-too-many@example.org", "Person", PASSWORD)
        .await;
    assert_eq!(page.status, StatusCode::TOO_MANY_REQUESTS);
    assert!(
        app.app
            .store()
            .login_by_email("one-too-many@example.org")
            .await
            .expect("query")
            .is_none()
    );
    app.advance(Duration::from_secs(16 * 60));
    assert_eq!(
        client
            .signup("one-too-many@example.org", "Person", PASSWORD)
            .await
            .status,
        StatusCode::SEE_OTHER
    );
}

async fn a_display_name_that_reads_as_you_is_refused(backend: Backend) {
    let app = spawn_app(backend).await;
    let page = app
        .client()
        .signup("mallory@example.org", "You", PASSWORD)
        .await;
    assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(page.has("Please use your own name"));
    // What an outside probe got through: an override that reverses "uoY", full-width
    // letters, a Cyrillic о. None creates an account.
    for (n, name) in ["\u{202E}uoY", "ＹＯＵ", "Y\u{043E}u"].iter().enumerate() {
        let page = app
            .client()
            .signup(&format!("mallory{n}@example.org"), name, PASSWORD)
            .await;
        assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY, "{name:?}");
        let log_in = app
            .client()
            .login(&format!("mallory{n}@example.org"), PASSWORD)
            .await;
        assert_ne!(
            log_in.status,
            StatusCode::SEE_OTHER,
            "{name:?} made no account"
        );
    }
}

async fn times_show_in_each_persons_own_time_zone(backend: Backend) {
    let app = spawn_app(backend).await;
    let tokyo = app.client();
    let page = tokyo
        .post(
            "/signup",
            &[
                ("email", "ren@example.org"),
                ("display_name", "Ren"),
                ("password", PASSWORD),
                ("time_zone", "Asia/Tokyo"),
            ],
        )
        .await;
    assert_eq!(page.status, StatusCode::SEE_OTHER, "{}", page.text());
    let space = tokyo.create_space("Ours").await;
    assert!(
        tokyo.get(&format!("{space}/record")).await.has(" JST"),
        "times are in the person's zone"
    );
    assert!(
        tokyo
            .get("/account")
            .await
            .has(r#"<option value="Asia/Tokyo" selected>"#),
        "the account page's list shows the zone chosen at sign-up"
    );

    assert_eq!(
        tokyo
            .post("/account/time-zone", &[("time_zone", "Europe/Berlin")])
            .await
            .status,
        StatusCode::SEE_OTHER
    );
    let record = tokyo.get(&format!("{space}/record")).await;
    assert!(
        record.has(" CET") || record.has(" CEST"),
        "{}",
        record.text()
    );

    let bad = tokyo
        .post("/account/time-zone", &[("time_zone", "Mars/Olympus")])
        .await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(bad.has("Please choose one from the list"), "{}", bad.text());
    assert!(
        tokyo
            .get("/account")
            .await
            .has(r#"<option value="Europe/Berlin" selected>"#),
        "nothing changed"
    );
    let page = app
        .client()
        .post(
            "/signup",
            &[
                ("email", "kim@example.org"),
                ("display_name", "Kim"),
                ("password", PASSWORD),
                ("time_zone", "Nowhere/Land"),
            ],
        )
        .await;
    assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(page.has("Please choose one from the list"));
}

/// The time zone is chosen from a real list, which works without JavaScript: every zone the
/// server accepts is an option, UTC is chosen until the person (or app.js, with the
/// browser's own zone) chooses another, and nothing outside the list is taken.
async fn the_time_zone_is_chosen_from_a_list(backend: Backend) {
    let app = spawn_app(backend).await;
    let page = app.client().get("/signup").await;
    assert!(
        page.has(r#"<select id="time_zone" name="time_zone""#),
        "{}",
        page.body
    );
    assert!(page.has(r#"<option value="UTC" selected>"#));
    assert!(page.has(r#"<option value="Europe/Berlin">"#));
    assert!(page.has(r#"<optgroup label="America">"#));
    assert_eq!(
        page.body.matches("<option ").count(),
        goldseam::domain::calendar::Zone::all_names().len(),
        "every zone the server accepts, once"
    );
    assert!(
        !page.has(r#"type="text" value="UTC""#),
        "no free text field"
    );
}

/// The account page changes the password: only with the current one (a wrong one is
/// refused at its field and changes nothing), only to one the sign-up rules allow, and every
/// other session ends while this one goes on.
async fn a_password_is_changed_with_the_current_one_and_other_sessions_end(backend: Backend) {
    let app = spawn_app(backend).await;
    let phone = app.person("Sam").await;
    let laptop = app.client();
    laptop.login(&phone.email(), PASSWORD).await;
    assert!(laptop.get("/").await.has("Hello, Sam"));
    let new = "a river of quiet lanterns at dusk";

    let page = phone
        .post(
            "/account/password",
            &[
                ("current_password", "not my password at all"),
                ("new_password", new),
            ],
        )
        .await;
    assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        page.text()
            .contains("id=\"current_password-error\">That isn't your current password")
    );
    assert!(!page.body.contains(new), "a password is never sent back");
    assert!(laptop.get("/").await.has("Hello, Sam"), "nothing changed");

    let page = phone
        .post(
            "/account/password",
            &[("current_password", PASSWORD), ("new_password", "short")],
        )
        .await;
    assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(page.body.contains("id=\"new_password-error\""));

    let page = phone
        .post(
            "/account/password",
            &[("current_password", PASSWORD), ("new_password", new)],
        )
        .await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.text());
    assert!(page.has("Your password is changed"));
    assert!(
        phone.get("/").await.has("Hello, Sam"),
        "this session goes on"
    );
    assert!(
        !laptop.get("/").await.has("Hello, Sam"),
        "the other one ended"
    );

    let fresh = app.client();
    let page = fresh.login(&phone.email(), PASSWORD).await;
    assert_ne!(
        page.status,
        StatusCode::SEE_OTHER,
        "the old password is gone"
    );
    let page = app.client().login(&phone.email(), new).await;
    assert_eq!(page.status, StatusCode::SEE_OTHER, "the new one works");

    // Nobody but the signed-in owner changes it: an anonymous visitor (with a valid
    // visitor CSRF token) is sent to log in, and the password stays as it is.
    let stranger = app.client();
    let page = stranger
        .post(
            "/account/password",
            &[("current_password", new), ("new_password", PASSWORD)],
        )
        .await;
    assert_eq!(page.status, StatusCode::SEE_OTHER);
    assert!(page.location().starts_with("/login"), "{}", page.location());
    let page = app.client().login(&phone.email(), new).await;
    assert_eq!(page.status, StatusCode::SEE_OTHER, "still the new password");
}
