use crate::helpers::*;

#[tokio::test]
async fn cross_site_posts_are_refused() {
    let app = TestApp::spawn().await;
    let cases = [
        vec![("sec-fetch-site", "cross-site")],
        vec![("sec-fetch-site", "same-site")],
        vec![("origin", "http://evil.example")],
    ];
    for headers in cases {
        let mut request = TestApp::client()
            .post(app.url("/fn/login"))
            .header("accept", "application/json")
            .form(&[("email", ADMIN), ("password", PASSWORD)]);
        for (k, v) in &headers {
            request = request.header(*k, *v);
        }
        let response = request.send().await.unwrap();
        assert_eq!(response.status(), 403, "{headers:?}");
        assert!(session_cookie(&response).is_none());
    }
    // The same request from the site itself passes.
    let same = TestApp::client()
        .post(app.url("/fn/login"))
        .header("accept", "application/json")
        .header("sec-fetch-site", "same-origin")
        .header("origin", format!("http://{}", app.addr))
        .form(&[("email", ADMIN), ("password", PASSWORD)])
        .send()
        .await
        .unwrap();
    assert_eq!(same.status(), 200);
}

#[tokio::test]
async fn oversized_bodies_get_413() {
    let app = TestApp::spawn().await;
    let huge = "x".repeat(3 * 1024 * 1024);
    let response = TestApp::client()
        .post(app.url("/fn/login"))
        .header("accept", "application/json")
        .form(&[("email", huge.as_str()), ("password", "x")])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 413);
    assert_eq!(json(response).await["error"], "too_large");

    let page = TestApp::client()
        .post(app.url("/fn/login"))
        .header("accept", "text/html")
        .body(huge)
        .send()
        .await
        .unwrap();
    assert_eq!(page.status(), 413);
    assert!(page.text().await.unwrap().contains("Too large"));
}

#[tokio::test]
async fn unknown_paths_get_the_404_page() {
    let app = TestApp::spawn().await;
    let response = app.get("/no/such/page", None).await;
    assert_eq!(response.status(), 404);
    let html = response.text().await.unwrap();
    assert!(html.contains("Page not found"));
    // Inside the normal layout: the site header and its navigation, which the static error
    // pages (raised below the app) do not have.
    assert!(
        html.contains("class=\"site-header\""),
        "inside the normal layout"
    );
    assert!(
        html.contains("class=\"site-nav\""),
        "inside the normal layout"
    );
}

#[tokio::test]
async fn health_reports_the_database() {
    let app = TestApp::spawn().await;
    let response = app.get("/healthz", None).await;
    assert_eq!(response.status(), 200);
    assert_eq!(
        json(response).await,
        serde_json::json!({ "status": "ok", "database": "ok" })
    );
}

/// Every inline script of a page carries the nonce its response's policy names (else the
/// browser would not run the hydration script, and the page would never become interactive).
fn assert_scripts_carry(what: &str, html: &str, nonce: &str) {
    let scripts: Vec<&str> = html.split("<script").skip(1).collect();
    assert!(!scripts.is_empty(), "{what}: no scripts in {html}");
    for script in scripts {
        let tag = &script[..script.find('>').unwrap()];
        // An empty inline script runs nothing, so no policy applies to it (leptos_i18n
        // leaves one in every page as a place holder).
        if script[tag.len()..].starts_with("></script>") && !tag.contains("src=") {
            continue;
        }
        assert!(
            tag.contains(&format!("nonce=\"{nonce}\"")),
            "{what}: <script{tag}> without this response's nonce {nonce}"
        );
    }
}

#[tokio::test]
async fn every_kind_of_response_carries_the_security_headers() {
    let site = tempfile::tempdir().unwrap();
    std::fs::write(site.path().join("favicon.svg"), "<svg/>").unwrap();
    let app = TestApp::spawn_with_site_root(site.path()).await;
    let editor = app.sign_in(EDITOR, PASSWORD).await;

    // Pages: streamed, and rendered whole with their data in inline scripts.
    let home = app.get("/", None).await;
    let nonce = checked_security_headers("the home page", &home);
    assert_scripts_carry("the home page", &home.text().await.unwrap(), &nonce);
    let library = app.get("/evidence", Some(&editor)).await;
    assert_eq!(library.status(), 200);
    let second = checked_security_headers("the library", &library);
    assert_ne!(nonce, second, "a fresh nonce for every response");
    let html = library.text().await.unwrap();
    assert!(
        html.contains("type=\"module\""),
        "the hydration script is in the shell"
    );
    assert_scripts_carry("the library", &html, &second);

    // Server functions, answering and refusing.
    checked_security_headers(
        "a server function",
        &app.fetch("/fn/papers_index", None).await,
    );
    let refused = app.fetch("/fn/assessment_form?id=", None).await;
    assert_eq!(refused.status(), 401);
    checked_security_headers("a refused server function", &refused);
    // Files: from the site root, and made by a handler.
    let favicon = app.get("/favicon.svg", None).await;
    assert_eq!(favicon.status(), 200);
    checked_security_headers("a file", &favicon);
    checked_security_headers("a CSV file", &app.get("/evidence/sample.csv", None).await);
    checked_security_headers("the health check", &app.get("/healthz", None).await);
    // Errors: our 404 page, and a body refused before any handler ran.
    let missing = app.get("/no/such/page", None).await;
    assert_eq!(missing.status(), 404);
    checked_security_headers("the 404 page", &missing);
    let huge = TestApp::client()
        .post(app.url("/fn/login"))
        .header("accept", "text/html")
        .body("x".repeat(3 * 1024 * 1024))
        .send()
        .await
        .unwrap();
    assert_eq!(huge.status(), 413);
    checked_security_headers("the 413 page", &huge);
    // A redirect, the pages the server builds from published versions, and a live stream.
    let switched = app.get("/lang/fr?next=%2F", None).await;
    assert_eq!(switched.status(), 303);
    checked_security_headers("a redirect", &switched);
    for (what, path) in [
        ("a published version", "/papers/inclusive-volunteering"),
        (
            "a comparison of versions",
            "/papers/inclusive-volunteering/compare/1/2",
        ),
    ] {
        let page = app.get(path, None).await;
        assert_eq!(page.status(), 200, "{what}");
        checked_security_headers(what, &page);
    }
    let stream = app
        .get("/papers/inclusive-volunteering/events", Some(&editor))
        .await;
    assert_eq!(stream.status(), 200);
    checked_security_headers("the live stream of a draft", &stream);
}

#[tokio::test]
async fn private_pages_send_visitors_to_sign_in() {
    let app = TestApp::spawn().await;
    for path in ["/account", "/admin"] {
        let response = app.get(path, None).await;
        assert_eq!(response.status(), 302, "{path}");
        let location = response.headers()["location"].to_str().unwrap().to_string();
        assert_eq!(location, format!("/login?next=%2F{}", &path[1..]));
    }
}

#[tokio::test]
async fn garbage_input_never_gives_a_500() {
    let app = TestApp::spawn().await;
    let admin = app.sign_in(ADMIN, PASSWORD).await;
    let long = "é".repeat(5000);
    let cases: Vec<(&str, Vec<(&str, &str)>)> = vec![
        (
            "login",
            vec![("email", long.as_str()), ("password", long.as_str())],
        ),
        ("login", vec![("email", "<script>alert(1)</script>")]),
        (
            "create_organisation",
            vec![
                ("name", long.as_str()),
                ("short_name", "x"),
                ("country", "FR"),
                ("kind", "member"),
            ],
        ),
        (
            "create_organisation",
            vec![
                ("name", "\u{0}\u{1}"),
                ("short_name", "x"),
                ("country", "FR"),
                ("kind", "member"),
            ],
        ),
        (
            "set_member_active",
            vec![("member", "x"), ("active", "maybe")],
        ),
        ("invitation", vec![("token", long.as_str())]),
        ("revoke_invitation", vec![("invitation", "⟨weird⟩ id")]),
    ];
    for (name, form) in cases {
        let response = app.call(name, &form, Some(&admin)).await;
        let status = response.status().as_u16();
        assert!(
            (400..500).contains(&status),
            "{name} {form:?} gave {status}"
        );
    }
}

#[tokio::test]
async fn a_request_that_stalls_is_cut_off() {
    let mut config = groundwork::config::Config::for_tests("mem://");
    config.request_timeout = std::time::Duration::from_secs(1);
    let app = TestApp::spawn_with(config).await;
    let head = "POST /fn/login HTTP/1.1\r\nHost: localhost\r\nAccept: application/json\r\n\
                Content-Type: application/x-www-form-urlencoded\r\nContent-Length: 200";
    let answer = stalled_request(&app, head, "email=a", std::time::Duration::from_secs(5))
        .await
        .expect("an answer before the client finishes");
    assert!(answer.starts_with("HTTP/1.1 408"), "{answer}");
}

/// Searches and exports cost the server a great deal: each client gets a budget per minute,
/// and past it a 429 that says when to come back (issue 14, finding 6). Other clients, and
/// cheap pages, are not affected.
#[tokio::test]
async fn costly_requests_are_limited_per_client() {
    let mut config = groundwork::config::Config::for_tests("mem://");
    config.costly_per_minute = 12;
    config.trusted_proxies = groundwork::config::TrustedProxies::parse("127.0.0.1").unwrap();
    let app = TestApp::spawn_with(config).await;
    let from = |client: &'static str, path: &str, accept: &str| {
        TestApp::client()
            .get(app.url(path))
            .header("accept", accept.to_string())
            .header("x-forwarded-for", client)
            .send()
    };
    let json_search = "/fn/evidence_library?filter[page]=1&filter[q]=camp";
    let mut statuses = Vec::new();
    for _ in 0..2 {
        statuses.push(
            from("198.51.100.7", json_search, "application/json")
                .await
                .unwrap()
                .status(),
        );
    }
    // An export costs ten searches: the budget of twelve is spent.
    let export = from("198.51.100.7", "/evidence.csv", "text/csv")
        .await
        .unwrap();
    statuses.push(export.status());
    assert_eq!(statuses, [200, 200, 200]);

    let refused = from("198.51.100.7", json_search, "application/json")
        .await
        .unwrap();
    assert_eq!(refused.status(), 429);
    let wait: u64 = refused.headers()["retry-after"]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!((1..=60).contains(&wait), "Retry-After: {wait}");
    assert_eq!(json(refused).await["error"], "rate_limited");
    let page = from("198.51.100.7", "/evidence?q=camp", "text/html")
        .await
        .unwrap();
    assert_eq!(page.status(), 429, "the library page searches too");
    assert!(page.headers().contains_key("retry-after"));
    let export = from("198.51.100.7", "/evidence.csv", "text/csv")
        .await
        .unwrap();
    assert_eq!(export.status(), 429);

    // Someone else searches as usual; cheap pages stay open to the limited client.
    let other = from("203.0.113.9", json_search, "application/json")
        .await
        .unwrap();
    assert_eq!(other.status(), 200);
    let home = from("198.51.100.7", "/", "text/html").await.unwrap();
    assert_eq!(home.status(), 200);
    // Every other search is costly too: the citation picker and the front page's search.
    for search in [
        "/fn/evidence_to_cite?q=camp",
        "/fn/front_page?q=volunteering",
        "/?q=volunteering",
    ] {
        let refused = from("198.51.100.7", search, "application/json")
            .await
            .unwrap();
        assert_eq!(refused.status(), 429, "{search}");
        assert!(refused.headers().contains_key("retry-after"), "{search}");
        let other = from("203.0.113.9", search, "application/json")
            .await
            .unwrap();
        assert_eq!(other.status(), 200, "{search} for another client");
    }
}
