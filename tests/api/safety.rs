//! Safe to use when afraid, over HTTP on both databases: quick exit really ends the session,
//! a breach about threats is recorded only after a plain warning, help is linked from every
//! page, the safety card is each partner's own, and the wording checks fit the writer.

use reqwest::StatusCode;

use crate::helpers::{
    Backend, Client, breach_recorded_by_alex, couple, event_count, ok, spawn_app, spawn_app_with,
    visible_main,
};

crate::on_both_databases!(
    quick_exit_ends_the_session_clears_the_site_and_lands_on_a_plain_page,
    quick_exit_works_without_a_token_and_for_someone_signed_out,
    quick_exit_still_leaves_when_the_database_is_gone,
    quick_exit_goes_where_the_person_chose_and_refuses_unsafe_addresses,
    a_threats_breach_is_recorded_only_after_the_warning_naming_the_partner,
    every_page_links_help_and_the_help_page_shows_only_configured_numbers,
    each_partner_reads_their_own_safety_card_first_and_the_summary_leaves_it_out,
    the_hurt_partner_s_letter_is_sent_at_once_and_checked_only_when_asked,
    what_the_partner_who_broke_trust_writes_is_checked_for_accountability_first,
    words_of_crisis_bring_their_author_alone_a_gentle_offer_of_help,
    words_of_fear_reach_the_partner_only_after_a_warning_naming_them,
    the_routes_this_issue_adds_answer_every_role_as_written,
);

/// Alex records that Sam's threats or anger broke trust.
const THREATS: [(&str, &str); 4] = [
    ("title", "What you said in the car"),
    ("kind", "threats_or_anger"),
    ("broke_trust", "partner"),
    ("discovered_on", "2026-11-01"),
];

async fn quick_exit_ends_the_session_clears_the_site_and_lands_on_a_plain_page(backend: Backend) {
    let app = spawn_app(backend).await;
    let (sam, _alex, space) = couple(&app).await;
    let session = sam.cookie("goldseam_session").expect("signed in");
    let page = sam.get(&space).await;
    assert!(page.body.contains("action=\"/exit\"") && page.has("data-quick-exit=\"/weather\""));

    let left = sam.post_raw("/exit", &[]).await;
    assert_eq!(left.status, StatusCode::SEE_OTHER);
    assert_eq!(left.location(), "/weather");
    let header = |name: &str| {
        left.headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
            .to_owned()
    };
    // Not "cache" (it can freeze Chromium for seconds) nor "cookies" (it would take the
    // device cookie that keeps the owner from being throttled out).
    assert_eq!(header("clear-site-data"), "\"storage\"");
    assert_eq!(header("cache-control"), "no-store");
    let deleted: Vec<_> = left
        .headers
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .filter(|c| c.contains("Max-Age=0"))
        .map(|c| c.split('=').next().unwrap_or("").to_owned())
        .collect();
    assert!(
        deleted.contains(&"goldseam_session".to_owned()),
        "{deleted:?}"
    );
    assert!(
        !deleted.contains(&"goldseam_device".to_owned()),
        "the device cookie stays"
    );

    // The old cookie is refused by the server, even when sent again by someone who kept it.
    let kept = Client::new(&app.base);
    let again = kept
        .http
        .get(format!("{}{space}", app.base))
        .header("cookie", format!("goldseam_session={session}"))
        .send()
        .await
        .expect("GET");
    assert_eq!(again.status(), StatusCode::SEE_OTHER);
    let to = again
        .headers()
        .get("location")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    assert!(to.starts_with("/login"), "{to}");

    // The plain page says nothing of Goldseam, runs no script and asks nothing of anyone else.
    let plain = app.client().get("/weather").await;
    assert_eq!(plain.status, StatusCode::OK);
    assert!(plain.has("weather forecast"));
    for absent in [
        "Goldseam",
        "goldseam",
        "<script",
        "data-quick-exit",
        "http://",
        "https://",
    ] {
        assert!(
            !plain.body.contains(absent),
            "the plain page holds {absent:?}"
        );
    }
    let csp = plain
        .headers
        .get("content-security-policy")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    assert!(csp.contains("default-src 'none'"), "{csp}");
    let recipe = app.client().get("/recipe").await;
    assert!(recipe.status == StatusCode::OK && !recipe.body.contains("Goldseam"));
}

async fn quick_exit_works_without_a_token_and_for_someone_signed_out(backend: Backend) {
    let app = spawn_app(backend).await;
    let sam = app.person("Sam").await;
    // A page left open until its token no longer matches must still let its reader out.
    let left = sam.post_raw("/exit", &[("csrf", "stale")]).await;
    assert_eq!(left.status, StatusCode::SEE_OTHER);
    assert_eq!(left.location(), "/weather");
    let home = sam.get("/").await;
    assert!(!home.has("Hello, Sam"), "signed out: {}", home.text());
    // Someone never signed in leaves the same way.
    let anonymous = app.client();
    let left = anonymous.post_raw("/exit", &[]).await;
    assert_eq!(left.status, StatusCode::SEE_OTHER);
    assert_eq!(left.location(), "/weather");
    // A form posted from another site ends nothing and deletes nothing.
    let alex = app.person("Alex").await;
    let session = alex.cookie("goldseam_session").expect("signed in");
    for (name, value) in [
        ("sec-fetch-site", "cross-site"),
        ("origin", "https://evil.example"),
    ] {
        let answer = alex
            .http
            .post(format!("{}/exit", app.base))
            .header(name, value)
            .send()
            .await
            .expect("POST");
        assert_eq!(answer.status(), StatusCode::SEE_OTHER);
        assert!(answer.headers().get("set-cookie").is_none(), "{name}");
        assert!(answer.headers().get("clear-site-data").is_none(), "{name}");
    }
    assert_eq!(alex.cookie("goldseam_session"), Some(session));
    assert!(alex.get("/").await.has("Hello, Alex"), "still signed in");
    // The plain pages set no cookie at all.
    let plain = app.client().get("/weather").await;
    assert!(plain.headers.get("set-cookie").is_none());
    // Every other form still needs its token.
    let refused = sam.post_raw("/spaces", &[("name", "x")]).await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN);
}

async fn quick_exit_goes_where_the_person_chose_and_refuses_unsafe_addresses(backend: Backend) {
    let app = spawn_app(backend).await;
    let sam = app.person("Sam").await;
    let account = sam.get("/account").await;
    assert!(account.has("Quick exit") && account.has("/help/safety"));

    // Unsafe or unclear addresses are refused beside the field, and nothing changes.
    for bad in [
        "http://news.example.org",
        "javascript:alert(1)",
        "https://news.example.org@elsewhere.example",
        "",
    ] {
        let page = sam
            .post(
                "/account/quick-exit",
                &[("exit_to", "address"), ("exit_address", bad)],
            )
            .await;
        assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY, "{bad:?}");
        assert!(page.body.contains("id=\"exit_address-error\""), "{bad:?}");
    }
    let unknown = sam
        .post("/account/quick-exit", &[("exit_to", "moon")])
        .await;
    assert_eq!(unknown.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(sam.get("/").await.has("data-quick-exit=\"/weather\""));

    // A recipe page instead: every page's control says so, and leaving goes there.
    let saved = ok(&sam, "/account/quick-exit", &[("exit_to", "recipe")]).await;
    assert!(sam.get(&saved).await.has("Quick exit now takes you there"));
    assert!(sam.get("/").await.has("data-quick-exit=\"/recipe\""));
    let left = sam.post("/exit", &[]).await;
    assert_eq!(left.location(), "/recipe");

    // An address of one's own: the form may not redirect off the site, so a plain page
    // refreshes there at once.
    let alex = app.person("Alex").await;
    // Only with the password: someone else at the account cannot point it at their server.
    for password in ["", "not the password at all"] {
        let page = alex
            .post(
                "/account/quick-exit",
                &[
                    ("exit_to", "address"),
                    ("exit_address", "https://news.example.org/today"),
                    ("exit_password", password),
                ],
            )
            .await;
        assert_eq!(
            page.status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{password:?}"
        );
        assert!(page.body.contains("id=\"exit_password-error\""));
        assert!(alex.get("/").await.has("data-quick-exit=\"/weather\""));
    }
    ok(
        &alex,
        "/account/quick-exit",
        &[
            ("exit_to", "address"),
            ("exit_address", "https://news.example.org/today"),
            ("exit_password", crate::helpers::PASSWORD),
        ],
    )
    .await;
    assert!(
        alex.get("/")
            .await
            .has("data-quick-exit=\"https://news.example.org/today\"")
    );
    let left = alex.post("/exit", &[]).await;
    assert_eq!(left.status, StatusCode::OK);
    assert!(
        left.body
            .contains("content=\"0; url=https://news.example.org/today\""),
        "{}",
        left.body
    );
    assert!(!left.body.contains("Goldseam"));
    assert!(!alex.get("/").await.has("Hello, Alex"));
}

async fn a_threats_breach_is_recorded_only_after_the_warning_naming_the_partner(backend: Backend) {
    let app = spawn_app(backend).await;
    let (sam, alex, space) = couple(&app).await;
    let breaches = format!("{space}/breaches");
    let fields = THREATS;
    let before = event_count(&app, &space).await;
    let warning = alex.post(&breaches, &fields).await;
    assert_eq!(warning.status, StatusCode::OK, "{}", warning.text());
    assert!(
        warning.reads("Sam will see this breach as soon as it is recorded"),
        "the warning names the partner: {}",
        warning.text()
    );
    assert!(
        warning.has("href=\"/help/safety\""),
        "help is one click away"
    );
    assert!(warning.reads("Don't record it"));
    assert_eq!(
        event_count(&app, &space).await,
        before,
        "nothing written yet"
    );
    assert!(
        !sam.get(&space).await.has("What you said in the car"),
        "Sam sees nothing of it"
    );

    // Declining is following the link back: nothing is ever written.
    let back = alex.get(&breaches).await;
    assert!(back.reads("No breach has been recorded yet."));
    assert_eq!(event_count(&app, &space).await, before);

    // A made-up confirmation value is not a confirmation.
    let mut wrong = fields.to_vec();
    wrong.push(("safety", "yes"));
    assert_eq!(alex.post(&breaches, &wrong).await.status, StatusCode::OK);
    assert_eq!(event_count(&app, &space).await, before);

    // Confirming records it, and then Sam sees it.
    let mut confirmed = fields.to_vec();
    confirmed.push(("safety", "understood"));
    let breach = ok(&alex, &breaches, &confirmed).await;
    assert_eq!(event_count(&app, &space).await, before + 1);
    assert!(sam.get(&breach).await.has("What you said in the car"));

    // Other kinds are recorded at once, as before.
    breach_recorded_by_alex(&alex, &space).await;
    // And a bad field is refused before any warning, with nothing written.
    let mut bad = confirmed.clone();
    bad[3] = ("discovered_on", "yesterday");
    let refused = alex.post(&breaches, &bad).await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(event_count(&app, &space).await, before + 2);
}

async fn every_page_links_help_and_the_help_page_shows_only_configured_numbers(backend: Backend) {
    let app = spawn_app(backend).await;
    let (sam, _alex, space) = couple(&app).await;
    let anonymous = app.client();
    let pages = [
        anonymous.get("/").await,
        anonymous.get("/login").await,
        anonymous.get("/signup").await,
        anonymous.get("/help/safety").await,
        anonymous.get("/no-such-page").await,
        sam.get("/").await,
        sam.get("/account").await,
        sam.get(&space).await,
        sam.get(&format!("{space}/letters/new")).await,
        sam.get(&format!("{space}/record")).await,
        sam.get("/spaces/00000000-0000-4000-8000-000000000000")
            .await,
    ];
    for page in &pages {
        assert!(
            page.body.contains("href=\"/help/safety\"") && page.reads("Help & safety"),
            "status {}: {}",
            page.status,
            page.text()
        );
    }
    let help = anonymous.get("/help/safety").await;
    for topic in [
        "If you are afraid of your partner",
        "If you are thinking of harming yourself",
        "If you are in crisis",
        "Finding help where you live",
        "What quick exit can and cannot hide",
    ] {
        assert!(help.reads(topic), "{topic}");
    }
    let visible = visible_main(&help.text());
    assert!(
        !visible.chars().any(|c| c.is_ascii_digit()),
        "no numbers unless the operator lists them: {visible}"
    );
    assert!(!help.has("Help near you"));

    // With the operator's list, it is shown as given (escaped), and nowhere else.
    let listed = spawn_app_with(backend, |s| {
        s.local_help = vec![
            "Crisis line: 0800 000 000 (free, day and night)".to_owned(),
            "Abuse support <b>text</b> 81 81 81".to_owned(),
        ];
    })
    .await;
    let help = listed.client().get("/help/safety").await;
    assert!(help.reads("Help near you"));
    assert!(help.reads("Crisis line: 0800 000 000 (free, day and night)"));
    assert!(
        help.has("Abuse support <b>text</b> 81 81 81"),
        "shown as text"
    );
    assert!(!help.body.contains("<b>text</b>"), "never as markup");
    assert!(!listed.client().get("/login").await.has("0800 000 000"));
}

async fn each_partner_reads_their_own_safety_card_first_and_the_summary_leaves_it_out(
    backend: Backend,
) {
    let app = spawn_app(backend).await;
    let (sam, alex, space) = couple(&app).await;
    ok(
        &alex,
        &format!("{space}/breaches"),
        &[&THREATS[..], &[("safety", "understood")]].concat(),
    )
    .await;
    let card = |body: &str| -> String {
        let at = body
            .find("class=\"card signal safety\"")
            .expect("a safety card");
        let end = body[at..].find("</section>").map_or(body.len(), |e| at + e);
        body[at..end].to_owned()
    };
    let alex_home = alex.get(&space).await.text();
    let sam_home = sam.get(&space).await.text();
    for home in [&alex_home, &sam_home] {
        let at = home
            .find("class=\"card signal safety\"")
            .expect("safety card");
        let waiting = home.find("Waiting for you").expect("waiting section");
        assert!(at < waiting, "the safety card comes first");
        let card = card(home);
        assert!(card.contains("/help/safety") && card.contains("confidential"));
        for never in ["/summary\"", "printable", "couples counsellor"] {
            assert!(
                !card.contains(never),
                "the safety card suggests {never:?}: {card}"
            );
        }
    }
    // Alex (who may be at risk) and Sam (whose anger the breach names) each read advice
    // meant for them, and neither reads the other's.
    let (to_alex, to_sam) = (card(&alex_home), card(&sam_home));
    assert!(to_alex.contains("someone on your side alone"), "{to_alex}");
    assert!(to_sam.contains("says your threats or anger"), "{to_sam}");
    assert!(!to_sam.contains("someone on your side alone"));
    assert!(!to_alex.contains("says your threats or anger"));

    let summary = alex.get(&format!("{space}/summary")).await;
    assert_eq!(summary.status, StatusCode::OK);
    assert!(
        !summary.has("Your safety comes first"),
        "{}",
        summary.text()
    );
}

async fn the_hurt_partner_s_letter_is_sent_at_once_and_checked_only_when_asked(backend: Backend) {
    let app = spawn_app(backend).await;
    let (sam, alex, space) = couple(&app).await;
    // Sam broke trust; Alex was hurt.
    breach_recorded_by_alex(&alex, &space).await;
    let letters = format!("{space}/letters");
    let angry = "You always lie to me. You never listen. You always have an excuse.";
    let form = alex.get(&format!("{letters}/new")).await;
    assert!(form.reads("Read it again before sending?"));
    assert!(!form.reads("Check my words"));

    // Asked for, the check shows every flag of one kind beside the words, and Send still sends.
    let checked = alex
        .post(&letters, &[("text", angry), ("action", "check")])
        .await;
    assert_eq!(checked.status, StatusCode::OK);
    let body = checked.text();
    assert_eq!(
        body.matches("<strong>Criticism:</strong>").count(),
        3,
        "{body}"
    );
    assert!(body.contains("<mark>You always</mark>") && body.contains("<mark>You never</mark>"));
    let label = body.find("<label for=\"text\"").expect("the label");
    let field = body.find("id=\"text\"").expect("the field");
    let flags = body.find("id=\"text-check\"").expect("the flags");
    assert!(
        label < flags && flags < field,
        "the flags stand between the field's label and the field"
    );
    assert!(!checked.reads("Send as it is"));

    // Send sends at once, however angry: the hurt partner is never stopped.
    let before = event_count(&app, &space).await;
    let sent = alex
        .post(&letters, &[("text", angry), ("action", "send")])
        .await;
    assert_eq!(sent.status, StatusCode::SEE_OTHER, "{}", sent.text());
    assert_eq!(event_count(&app, &space).await, before + 1);
    assert!(sam.get(&sent.location()).await.has("You never listen"));
}

async fn what_the_partner_who_broke_trust_writes_is_checked_for_accountability_first(
    backend: Backend,
) {
    let app = spawn_app(backend).await;
    let (sam, alex, space) = couple(&app).await;
    let breach = breach_recorded_by_alex(&alex, &space).await;
    let breach_id = breach.rsplit('/').next().unwrap_or_default().to_owned();
    let letters = format!("{space}/letters");

    // A letter from Sam that would pass a gentleness check alone is stopped once.
    let letter = "I know you don't want to hear this, but I was lonely. Please just calm down.";
    let before = event_count(&app, &space).await;
    let stopped = sam
        .post(&letters, &[("text", letter), ("action", "send")])
        .await;
    assert_eq!(stopped.status, StatusCode::OK);
    assert!(stopped.reads("Dismissing feelings"), "{}", stopped.text());
    assert!(stopped.reads("Send as it is"));
    assert_eq!(event_count(&app, &space).await, before, "nothing sent");
    ok(
        &sam,
        &letters,
        &[("text", letter), ("action", "send_anyway")],
    )
    .await;
    assert_eq!(event_count(&app, &space).await, before + 1);

    // An answer from Sam gets a second look before it is sent; nothing is written meanwhile.
    let question = ok(
        &alex,
        &format!("{space}/questions"),
        &[("text", "Where did the money go?"), ("breach", &breach_id)],
    )
    .await;
    let answer = format!("{question}/answer");
    let excuse = "Mistakes were made. It was only a few hundred.";
    let before = event_count(&app, &space).await;
    let review = sam.post(&answer, &[("text", excuse)]).await;
    assert_eq!(review.status, StatusCode::OK, "{}", review.text());
    assert!(review.reads("Before you send your answer") && review.reads("Minimizing"));
    assert!(review.body.contains(&format!("action=\"{answer}\"")));
    assert!(review.text().contains("<mark>"));
    assert_eq!(event_count(&app, &space).await, before);
    ok(
        &sam,
        &answer,
        &[("text", excuse), ("action", "send_anyway")],
    )
    .await;
    assert_eq!(event_count(&app, &space).await, before + 1);
    assert!(alex.get(&question).await.has("Mistakes were made"));

    // A clean answer goes straight through.
    let clean = ok(
        &alex,
        &format!("{question}/again"),
        &[("text", "And the second account?")],
    )
    .await;
    ok(
        &sam,
        &answer,
        &[(
            "text",
            "I opened it in March and I hid it from you. That was my choice.",
        )],
    )
    .await;
    assert!(alex.get(&clean).await.has("I hid it from you"));

    // A report from Sam, too.
    let reports = format!("{breach}/reports");
    let before = event_count(&app, &space).await;
    let review = sam
        .post(
            &reports,
            &[("text", "She texted me. Can we stop talking about it now?")],
        )
        .await;
    assert_eq!(review.status, StatusCode::OK);
    assert!(review.reads("Before you send your report"));
    assert_eq!(event_count(&app, &space).await, before);
    let sent = sam
        .post(
            &reports,
            &[
                ("text", "She texted me. Can we stop talking about it now?"),
                ("action", "send_anyway"),
            ],
        )
        .await;
    assert_eq!(sent.status, StatusCode::SEE_OTHER);
    assert_eq!(event_count(&app, &space).await, before + 1);

    // A stranger gets no review page, only the same 404 as for any space not theirs.
    let kim = app.person("Kim").await;
    let page = kim.post(&answer, &[("text", excuse)]).await;
    assert_eq!(page.status, StatusCode::NOT_FOUND);
}

async fn words_of_crisis_bring_their_author_alone_a_gentle_offer_of_help(backend: Backend) {
    let app = spawn_app(backend).await;
    let (sam, alex, space) = couple(&app).await;
    let note = "You are not alone with this";
    let offered = |page: &crate::helpers::Page| {
        page.headers
            .get_all("set-cookie")
            .iter()
            .filter_map(|v| v.to_str().ok())
            .any(|c| c.starts_with("goldseam_note=1"))
    };
    let letters = format!("{space}/letters");

    // A letter ending in despair is sent at once, and only its author is pointed to help.
    let before = event_count(&app, &space).await;
    let letter = "I keep going over it all night. I don't know why I'm still here.";
    let sent = alex
        .post(&letters, &[("text", letter), ("action", "send")])
        .await;
    assert_eq!(sent.status, StatusCode::SEE_OTHER, "{}", sent.text());
    assert!(offered(&sent));
    assert!(
        !sent.location().contains('#'),
        "nothing in the address shows it"
    );
    assert_eq!(
        event_count(&app, &space).await,
        before + 1,
        "sent, and nothing else"
    );
    let landed = alex.get(&sent.location()).await;
    assert!(landed.reads(note), "{}", landed.text());
    assert!(landed.body.contains("href=\"/help/safety#harm\""));
    // Once: the next page, or the same one again, no longer shows it.
    assert!(!alex.get(&sent.location()).await.reads(note));
    assert!(!alex.get(&space).await.reads(note));

    // The partner's pages show nothing of it, and neither does an address anyone can send.
    let sams_letter = sam.get(&sent.location()).await;
    assert!(sams_letter.has("I don't know why I'm still here"));
    assert!(!sams_letter.reads(note) && !sams_letter.body.contains("help-is-here"));
    assert!(!sam.get(&format!("{space}#help-is-here")).await.reads(note));

    // Sadness alone, and everyday words about dying, bring no offer.
    for calm in [
        "I am so sad today, and so tired of it all.",
        "My phone died on the way home, sorry I missed your call.",
    ] {
        let sent = alex
            .post(&letters, &[("text", calm), ("action", "send")])
            .await;
        assert_eq!(sent.status, StatusCode::SEE_OTHER);
        assert!(!offered(&sent), "{calm}");
        assert!(!alex.get(&sent.location()).await.reads(note), "{calm}");
    }

    // A question and an appreciation are read the same way.
    let asked = alex
        .post(
            &format!("{space}/questions"),
            &[(
                "text",
                "Do you know I have thought about ending my life since?",
            )],
        )
        .await;
    assert_eq!(asked.status, StatusCode::SEE_OTHER, "{}", asked.text());
    assert!(offered(&asked));
    assert!(alex.get(&asked.location()).await.reads(note));
    let thanked = sam
        .post(
            &format!("{space}/together/appreciations"),
            &[(
                "text",
                "Thank you for the walk. Some days I want to die, and you help.",
            )],
        )
        .await;
    assert_eq!(thanked.status, StatusCode::SEE_OTHER);
    assert!(offered(&thanked));

    // A form that is refused offers nothing and writes nothing.
    let before = event_count(&app, &space).await;
    let refused = alex
        .post(
            &letters,
            &[("text", "I want to die.\u{7}"), ("action", "send")],
        )
        .await;
    assert_eq!(
        refused.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "{}",
        refused.text()
    );
    assert!(!offered(&refused));
    assert_eq!(event_count(&app, &space).await, before);
}

async fn quick_exit_still_leaves_when_the_database_is_gone(backend: Backend) {
    let app = spawn_app(backend).await;
    let sam = app.person("Sam").await;
    assert!(sam.get("/").await.has("Hello, Sam"));
    app.app.store().close().await;
    // Every page that needs the database now fails, but leaving and the plain page do not.
    let left = sam.post_raw("/exit", &[]).await;
    assert_eq!(left.status, StatusCode::SEE_OTHER, "{}", left.text());
    assert_eq!(left.location(), "/weather");
    let deleted = left
        .headers
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .any(|c| c.starts_with("goldseam_session=") && c.contains("Max-Age=0"));
    assert!(deleted, "the session cookie goes anyway");
    let plain = sam.get("/weather").await;
    assert_eq!(plain.status, StatusCode::OK);
    assert!(plain.has("weather forecast"));
}

async fn words_of_fear_reach_the_partner_only_after_a_warning_naming_them(backend: Backend) {
    let app = spawn_app(backend).await;
    let (sam, alex, space) = couple(&app).await;
    let letters = format!("{space}/letters");
    let afraid = "I am afraid of you when you drink. You threatened me last week.";

    // A letter that speaks of fear is not sent yet: Alex reads who will see it.
    let before = event_count(&app, &space).await;
    let gate = alex
        .post(&letters, &[("text", afraid), ("action", "send")])
        .await;
    assert_eq!(gate.status, StatusCode::OK, "{}", gate.text());
    assert!(
        gate.reads("Sam will be able to read it once it is sent"),
        "{}",
        gate.text()
    );
    assert!(gate.body.contains("href=\"/help/safety\""));
    assert!(gate.reads("Don't send it") && gate.reads("Keep it as a private draft"));
    assert!(
        gate.has(afraid),
        "what was written comes back, to change or copy"
    );
    assert_eq!(event_count(&app, &space).await, before, "nothing sent");
    assert!(!sam.get(&letters).await.has("afraid of you"));

    // Kept as a private draft instead: still nothing reaches Sam.
    let kept = ok(&alex, &letters, &[("text", afraid), ("action", "save")]).await;
    assert!(kept.contains("/letters/new?draft="), "{kept}");
    assert_eq!(event_count(&app, &space).await, before);
    assert!(!sam.get(&letters).await.has("afraid of you"));

    // Sent from the warning: only now does it reach Sam.
    let sent = ok(
        &alex,
        &letters,
        &[
            ("text", afraid),
            ("action", "send"),
            ("safety", "understood"),
        ],
    )
    .await;
    assert_eq!(event_count(&app, &space).await, before + 1);
    assert!(sam.get(&sent).await.has("afraid of you"));

    // Questions are read the same way; fear of losing someone is not a safety matter.
    let questions = format!("{space}/questions");
    let asked = alex
        .post(
            &questions,
            &[("text", "Why did you say you would hurt me?")],
        )
        .await;
    assert_eq!(asked.status, StatusCode::OK, "{}", asked.text());
    assert!(asked.reads("Before you send this"));
    let calm = alex
        .post(
            &questions,
            &[("text", "I'm scared of losing you. Are you still in this?")],
        )
        .await;
    assert_eq!(calm.status, StatusCode::SEE_OTHER, "{}", calm.text());

    // An answer from the partner who broke trust is warned about once, then checked once,
    // and "send as it is" does not bring the warning back.
    breach_recorded_by_alex(&alex, &space).await;
    let question = ok(&alex, &questions, &[("text", "What happened that night?")]).await;
    let answer = format!("{question}/answer");
    let words = "I'm sorry if I scared you when I punched the wall.";
    let gate = sam.post(&answer, &[("text", words)]).await;
    assert!(
        gate.reads("Alex will be able to read it once it is sent"),
        "{}",
        gate.text()
    );
    let review = sam
        .post(&answer, &[("text", words), ("safety", "understood")])
        .await;
    assert!(
        review.reads("Before you send your answer"),
        "{}",
        review.text()
    );
    assert!(review.body.contains("name=\"safety\" value=\"understood\""));
    let before = event_count(&app, &space).await;
    ok(
        &sam,
        &answer,
        &[
            ("text", words),
            ("action", "send_anyway"),
            ("safety", "understood"),
        ],
    )
    .await;
    assert_eq!(event_count(&app, &space).await, before + 1);

    // Someone outside the space learns nothing, not even a name: the same 404 as always.
    let kim = app.person("Kim").await;
    let page = kim
        .post(&letters, &[("text", afraid), ("action", "send")])
        .await;
    assert_eq!(page.status, StatusCode::NOT_FOUND);
    assert!(!page.has("Sam") && !page.has("Alex"));
}

/// The routes quick exit adds, tried by every role there is today (the counsellor's come
/// with the route × role matrix of issue 14): anonymous, both partners, and a partner of
/// another space. Each cell's expected answer is written here.
async fn the_routes_this_issue_adds_answer_every_role_as_written(backend: Backend) {
    let app = spawn_app(backend).await;
    let (sam, alex, space) = couple(&app).await;
    let kim = app.person("Kim").await;
    kim.create_space("Kim's own").await;
    let anonymous = app.client();
    let roles: [(&str, &Client); 4] = [
        ("anonymous", &anonymous),
        ("partner A", &sam),
        ("partner B", &alex),
        ("another space's partner", &kim),
    ];
    let plain = [
        "/weather",
        "/recipe",
        "/static/plain.css",
        "/static/page.svg",
    ];
    for (role, client) in roles {
        for path in plain {
            let page = client.get(path).await;
            assert_eq!(page.status, StatusCode::OK, "{role} GET {path}");
            assert!(
                page.headers.get("set-cookie").is_none(),
                "{role} GET {path}"
            );
            let posted = client.post(path, &[]).await;
            assert_eq!(
                posted.status,
                StatusCode::METHOD_NOT_ALLOWED,
                "{role} POST {path}"
            );
        }
        assert_eq!(
            client.get("/exit").await.status,
            StatusCode::METHOD_NOT_ALLOWED,
            "{role} GET /exit"
        );
        assert_eq!(
            client.get("/account/quick-exit").await.status,
            StatusCode::METHOD_NOT_ALLOWED,
            "{role} GET /account/quick-exit"
        );
    }

    // Choosing where quick exit goes: only for oneself, only signed in.
    let refused = anonymous
        .post("/account/quick-exit", &[("exit_to", "recipe")])
        .await;
    assert_eq!(refused.status, StatusCode::SEE_OTHER);
    assert!(
        refused.location().starts_with("/login"),
        "{}",
        refused.location()
    );
    let before = event_count(&app, &space).await;
    ok(&sam, "/account/quick-exit", &[("exit_to", "recipe")]).await;
    assert_eq!(
        event_count(&app, &space).await,
        before,
        "an account setting, not a record"
    );
    assert!(sam.get("/").await.has("data-quick-exit=\"/recipe\""));
    for other in [&alex, &kim] {
        assert!(other.get("/").await.has("data-quick-exit=\"/weather\""));
    }

    // Leaving: everyone is sent away, and only their own session ends.
    let expected = [
        ("anonymous", &anonymous, "/weather"),
        ("partner A", &sam, "/recipe"),
        ("partner B", &alex, "/weather"),
        ("another space's partner", &kim, "/weather"),
    ];
    for (role, client, to) in expected {
        let left = client.post("/exit", &[]).await;
        assert_eq!(left.status, StatusCode::SEE_OTHER, "{role}");
        assert_eq!(left.location(), to, "{role}");
        if role == "partner A" {
            assert!(
                alex.get("/").await.has("Hello, Alex"),
                "Sam leaving ends only Sam's session"
            );
        }
    }
    for (role, client) in [("partner A", &sam), ("partner B", &alex), ("Kim", &kim)] {
        assert!(!client.get("/").await.has("Hello,"), "{role} is signed out");
    }
}
