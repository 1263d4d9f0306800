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

#[tokio::test]
async fn pages_carry_security_headers() {
    let app = TestApp::spawn().await;
    let response = app.get("/", None).await;
    assert_eq!(response.headers()["x-content-type-options"], "nosniff");
    assert_eq!(response.headers()["x-frame-options"], "DENY");
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

/// Sends a request's head and the start of its body, then stalls; the first bytes of the
/// answer, if one comes within `wait`.
pub async fn stalled_request(
    app: &TestApp,
    head: &str,
    body_start: &str,
    wait: std::time::Duration,
) -> Option<String> {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let mut stream = tokio::net::TcpStream::connect(app.addr).await.unwrap();
    stream
        .write_all(format!("{head}\r\n\r\n{body_start}").as_bytes())
        .await
        .unwrap();
    let mut answer = vec![0; 64];
    match tokio::time::timeout(wait, stream.read(&mut answer)).await {
        Ok(Ok(n)) if n > 0 => Some(String::from_utf8_lossy(&answer[..n]).into_owned()),
        _ => None,
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
