//! CSRF, security headers, cookie attributes, body limits: the rules every page keeps.

use reqwest::StatusCode;

use crate::helpers::{Backend, PASSWORD, spawn_app, spawn_app_with};

crate::on_both_databases!(
    a_form_without_a_valid_csrf_token_is_refused_and_writes_nothing,
    a_sign_up_without_a_csrf_token_creates_no_account,
    every_response_carries_the_security_headers,
    session_cookies_are_http_only_lax_and_secure_when_configured,
    oversized_bodies_are_refused_and_write_nothing,
    fields_at_their_limit_in_four_byte_characters_fit_the_body_limit,
    refusals_carry_no_store_and_hsts,
);

async fn a_form_without_a_valid_csrf_token_is_refused_and_writes_nothing(backend: Backend) {
    let app = spawn_app(backend).await;
    let sam = app.person("Sam").await;
    let kim = app.person("Kim").await;
    let kims_token = kim.csrf().await;
    let attempts: [Vec<(&str, &str)>; 4] = [
        vec![("name", "No token")],
        vec![("csrf", ""), ("name", "Empty token")],
        vec![
            ("csrf", "forged-token-forged-token-forged-token-aaaa"),
            ("name", "Forged"),
        ],
        // A valid token, but tied to someone else's session.
        vec![("csrf", kims_token.as_str()), ("name", "Borrowed")],
    ];
    for fields in attempts {
        let page = sam.post_raw("/spaces", &fields).await;
        assert_eq!(page.status, StatusCode::FORBIDDEN, "{fields:?}");
        assert!(page.has("This form has expired"));
    }
    assert!(
        sam.get("/").await.has("You don't have a shared space yet"),
        "nothing was created"
    );
    // Logging out needs the token too, so another site cannot log you out.
    assert_eq!(
        sam.post_raw("/logout", &[]).await.status,
        StatusCode::FORBIDDEN
    );
    assert!(sam.get("/").await.has("Hello, Sam"));
}

async fn a_sign_up_without_a_csrf_token_creates_no_account(backend: Backend) {
    let app = spawn_app(backend).await;
    // A fresh visitor with no cookie at all, as a cross-site form post would be.
    let page = app
        .client()
        .post_raw(
            "/signup",
            &[
                ("email", "sam@example.org"),
                ("display_name", "Sam"),
                ("password", PASSWORD),
            ],
        )
        .await;
    assert_eq!(page.status, StatusCode::FORBIDDEN);
    assert!(
        app.app
            .store()
            .login_by_email("sam@example.org")
            .await
            .expect("query")
            .is_none()
    );
}

async fn every_response_carries_the_security_headers(backend: Backend) {
    let app = spawn_app(backend).await;
    let sam = app.person("Sam").await;
    let space = sam.create_space("Us").await;
    let anonymous = app.client();
    let mut pages = vec![
        anonymous.get("/").await,
        anonymous.get("/signup").await,
        anonymous.get("/login").await,
        anonymous.get("/no-such-page").await,
        anonymous.get("/static/style.css").await,
        anonymous.get("/static/app.js").await,
        anonymous.post_raw("/spaces", &[]).await,
        sam.get("/").await,
        sam.get(&space).await,
        sam.get(&format!("{space}/record")).await,
        sam.get(&format!("{space}/export")).await,
    ];
    pages.push(
        sam.get("/spaces/00000000-0000-4000-8000-000000000000")
            .await,
    );
    for page in pages {
        let header = |name: &str| {
            page.headers
                .get(name)
                .and_then(|v| v.to_str().ok())
                .unwrap_or("")
                .to_owned()
        };
        let csp = header("content-security-policy");
        for directive in [
            "default-src 'none'",
            "script-src 'self'",
            "object-src 'none'",
            "base-uri 'none'",
            "frame-ancestors 'none'",
        ] {
            assert!(
                csp.contains(directive),
                "CSP {csp:?} lacks {directive:?} (status {})",
                page.status
            );
        }
        assert!(!csp.contains("unsafe-inline") && !csp.contains("unsafe-eval"));
        assert_eq!(header("x-content-type-options"), "nosniff");
        assert_eq!(header("referrer-policy"), "no-referrer");
        assert_eq!(header("x-frame-options"), "DENY");
        if page.body.contains("<html") {
            assert!(
                !page.body.contains("<script>") && !page.body.contains(" style=\""),
                "no inline script or style"
            );
            assert!(
                page.body.contains("data-quick-exit"),
                "every page has the quick exit"
            );
            assert!(
                page.body.contains("href=\"/help/safety\""),
                "every page links Help & safety"
            );
        }
    }
}

async fn session_cookies_are_http_only_lax_and_secure_when_configured(backend: Backend) {
    for secure in [false, true] {
        let app = spawn_app_with(backend, |s| s.secure_cookies = secure).await;
        let client = app.client();
        let csrf = client.get("/signup").await.csrf().expect("csrf");
        let page = client
            .post_raw(
                "/signup",
                &[
                    ("csrf", &csrf),
                    ("email", "sam@example.org"),
                    ("display_name", "Sam"),
                    ("password", PASSWORD),
                ],
            )
            .await;
        let cookie = page
            .headers
            .get_all("set-cookie")
            .iter()
            .filter_map(|v| v.to_str().ok())
            .find(|c| {
                c.starts_with(if secure {
                    "__Host-goldseam_session="
                } else {
                    "goldseam_session="
                })
            })
            .expect("a session cookie")
            .to_owned();
        assert!(cookie.contains("HttpOnly"), "{cookie}");
        assert!(cookie.contains("SameSite=Lax"), "{cookie}");
        assert!(cookie.contains("Path=/"), "{cookie}");
        assert_eq!(cookie.contains("Secure"), secure, "{cookie}");
        let hsts = page.headers.get("strict-transport-security").is_some();
        assert_eq!(hsts, secure, "HSTS only over HTTPS");
    }
}

async fn oversized_bodies_are_refused_and_write_nothing(backend: Backend) {
    let app = spawn_app(backend).await;
    let sam = app.person("Sam").await;
    let name = "x".repeat(goldseam::web::BODY_LIMIT + 1);
    let page = sam.post_closing("/spaces", &[("name", &name)]).await;
    assert_eq!(page.status, StatusCode::PAYLOAD_TOO_LARGE);
    assert!(page.has("Nothing was saved"), "our own page: {}", page.body);
    assert_eq!(
        page.headers
            .get("cache-control")
            .map(|v| v.to_str().unwrap_or("")),
        Some("no-store")
    );
    assert!(page.headers.get("content-security-policy").is_some());
    assert!(sam.get("/").await.has("You don't have a shared space yet"));
}

/// Every field holds its documented number of characters even when each is four bytes
/// (emoji, many CJK characters): a full letter and a full apology get through the limit.
async fn fields_at_their_limit_in_four_byte_characters_fit_the_body_limit(backend: Backend) {
    let app = spawn_app(backend).await;
    let (sam, alex, space) = crate::helpers::couple(&app).await;
    let letter = "🌧".repeat(goldseam::domain::ownup::limits::LETTER);
    let page = alex
        .post(
            &format!("{space}/letters"),
            &[("text", &letter), ("action", "send_anyway")],
        )
        .await;
    assert_eq!(page.status, StatusCode::SEE_OTHER, "{}", page.text());
    let breach = crate::helpers::ok(
        &alex,
        &format!("{space}/breaches"),
        &[
            ("title", "The messages"),
            ("kind", "lying"),
            ("broke_trust", "partner"),
            ("discovered_on", "2026-01-01"),
        ],
    )
    .await;
    let section = "悔".repeat(goldseam::domain::ownup::limits::APOLOGY_SECTION);
    let page = sam
        .post(
            &format!("{breach}/apology"),
            &[
                ("what_i_did", &section),
                ("how_it_affected_you", &section),
                ("responsibility", &section),
                ("changing", &section),
                ("asking", &section),
                ("action", "send_anyway"),
            ],
        )
        .await;
    assert_eq!(page.status, StatusCode::SEE_OTHER, "{}", page.text());
}

/// The guard's refusals carry the same headers as any page: no-store, and HSTS over HTTPS.
async fn refusals_carry_no_store_and_hsts(backend: Backend) {
    let app = spawn_app_with(backend, |s| s.secure_cookies = true).await;
    let page = app
        .client()
        .post_raw("/spaces", &[("name", "No token")])
        .await;
    assert_eq!(page.status, StatusCode::FORBIDDEN);
    assert_eq!(
        page.headers
            .get("cache-control")
            .map(|v| v.to_str().unwrap_or("")),
        Some("no-store")
    );
    assert!(page.headers.get("strict-transport-security").is_some());
}
