//! Security headers on the kinds of response `safety::every_kind_of_response_carries_the_
//! security_headers` does not reach: the bundle under /pkg/, the rate limit's 429 and an
//! internal error's 500 (issue 14, "keep it closed").
use crate::helpers::*;

#[tokio::test]
async fn bundle_files_rate_limits_and_internal_errors_carry_the_security_headers() {
    let site = tempfile::tempdir().unwrap();
    std::fs::create_dir(site.path().join("pkg")).unwrap();
    std::fs::write(site.path().join("pkg/groundwork.css"), "main { margin: 0 }").unwrap();
    let mut config = groundwork::config::Config::for_tests("mem://");
    config.site_root = site.path().to_str().unwrap().to_string();
    config.costly_per_minute = 1;
    let app = TestApp::spawn_with(config).await;

    let bundle = app.get("/pkg/groundwork.css", None).await;
    assert_eq!(bundle.status(), 200);
    checked_security_headers("a file of the bundle", &bundle);
    let missing = app.get("/pkg/missing.css", None).await;
    assert_eq!(missing.status(), 404);
    checked_security_headers("a file missing from the bundle", &missing);

    // Exports cost more than a budget of one a minute: refused by the second at the latest.
    let mut limited = app.get("/evidence.csv", None).await;
    if limited.status() != 429 {
        limited = app.get("/evidence.csv", None).await;
    }
    assert_eq!(limited.status(), 429);
    checked_security_headers("the 429 answer", &limited);

    // The database gone from under the app: what reads it fails inside.
    app.remove_database().await;
    let failed = app.get("/evidence/some-key", None).await;
    assert_eq!(failed.status(), 500);
    checked_security_headers("the 500 page", &failed);
    let failed = app.fetch("/fn/evidence_item?key=some-key", None).await;
    assert_eq!(failed.status(), 500);
    checked_security_headers("a server function's 500", &failed);
}

/// Images load from this site only, unless the installation's administrator allows hosts
/// (`server.image_hosts`, GROUNDWORK_IMAGE_HOSTS): then from those as well, on every page,
/// and nothing else in the policy changes (issue 14, 11).
#[tokio::test]
async fn allowed_image_hosts_are_added_to_the_policy_and_nothing_else() {
    let mut config = groundwork::config::Config::for_tests("mem://");
    config.image_hosts =
        groundwork::config::ImageHosts::parse("https://img.example.org, *.cdn.example.net")
            .expect("valid host sources");
    let app = TestApp::spawn_with(config).await;
    for path in ["/", "/papers/inclusive-volunteering"] {
        let response = app.get(path, None).await;
        assert_eq!(response.status(), 200, "{path}");
        let policy = response.headers()["content-security-policy"]
            .to_str()
            .unwrap()
            .to_string();
        let images = policy
            .split(';')
            .map(str::trim)
            .find(|d| d.starts_with("img-src"))
            .unwrap_or_else(|| panic!("{path}: no img-src in {policy}"));
        assert_eq!(
            images, "img-src 'self' https://img.example.org *.cdn.example.net",
            "{path}"
        );
        assert!(policy.contains("default-src 'self'"), "{path}: {policy}");
    }
    let default = TestApp::spawn().await;
    let policy = default.get("/", None).await.headers()["content-security-policy"]
        .to_str()
        .unwrap()
        .to_string();
    assert!(
        policy.split(';').any(|d| d.trim() == "img-src 'self'"),
        "{policy}"
    );
}
