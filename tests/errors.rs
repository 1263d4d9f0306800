//! Every error status, as a browser without JavaScript sees it (a page that says what
//! happened, or a form sent back with the error) and as the app's own calls see it (JSON).
//! The status and the text both come from one mapping of `AppError`.
use crate::helpers::*;
use groundwork::error::AppError;

const SLUG: &str = "inclusive-volunteering";

/// A browser without JavaScript posting a form on `from`: it asks for HTML and sends a Referer.
async fn post_form(
    app: &TestApp,
    name: &str,
    form: &[(&str, &str)],
    from: &str,
    cookie: Option<&str>,
) -> reqwest::Response {
    let mut request = TestApp::client()
        .post(app.url(&format!("/fn/{name}")))
        .header("accept", "text/html")
        .header("referer", app.url(from))
        .form(form);
    if let Some(cookie) = cookie {
        request = request.header("cookie", cookie);
    }
    request.send().await.unwrap()
}

/// Where a plain form post was sent back to, and the error it carries.
fn sent_back(response: &reqwest::Response) -> (String, AppError) {
    assert_eq!(
        response.status(),
        302,
        "a form post is sent back to its form"
    );
    let location = response.headers()["location"].to_str().unwrap().to_string();
    let query = location.split_once('?').map_or("", |(_, q)| q).to_string();
    let error = form_urlencoded::parse(query.as_bytes())
        .find(|(k, _)| k == "error")
        .and_then(|(_, v)| AppError::from_query_value(&v))
        .unwrap_or_else(|| panic!("no error in {location}"));
    (location, error)
}

async fn page(response: reqwest::Response, status: u16) -> String {
    assert_eq!(response.status(), status);
    assert!(
        response.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/html")
    );
    response.text().await.unwrap()
}

#[tokio::test]
async fn a_request_not_understood_is_400() {
    let app = TestApp::spawn().await;
    let long_query = "q".repeat(201);
    let html = page(
        app.get(&format!("/evidence.csv?q={long_query}"), None)
            .await,
        400,
    )
    .await;
    assert!(html.contains("Request not understood"), "{html}");
    assert!(html.contains("could not understand this request"), "{html}");

    let admin = app.sign_in(ADMIN, PASSWORD).await;
    let call = app
        .call(
            "set_member_active",
            &[("member", "x"), ("active", "maybe")],
            Some(&admin),
        )
        .await;
    assert_eq!(call.status(), 400);
    assert_eq!(json(call).await["error"], "request");
}

#[tokio::test]
async fn signing_in_first_is_401_with_a_way_back() {
    let app = TestApp::spawn().await;
    let path = format!("/papers/{SLUG}/draft.md");
    let html = page(app.get(&path, None).await, 401).await;
    assert!(html.contains("Sign in first"), "{html}");
    assert!(
        html.contains(&format!(
            "href=\"/login?next=%2Fpapers%2F{SLUG}%2Fdraft.md\""
        )),
        "{html}"
    );

    let call = app
        .fetch(&format!("/fn/draft_workspace?slug={SLUG}"), None)
        .await;
    assert_eq!(call.status(), 401);
    assert_eq!(json(call).await["error"], "unauthorized");
}

#[tokio::test]
async fn a_role_refusal_is_403_and_says_so() {
    let app = TestApp::spawn().await;
    let member = app.sign_in(MEMBER, PASSWORD).await;
    let upload = TestApp::client()
        .post(app.url("/assessments/any/import"))
        .header("accept", "text/html")
        .header("cookie", &member)
        .header("content-type", "multipart/form-data; boundary=XYZ")
        .body(
            "--XYZ\r\nContent-Disposition: form-data; name=\"file\"; filename=\"e.csv\"\r\n\r\n\
             key,text\r\n--XYZ--\r\n",
        )
        .send()
        .await
        .unwrap();
    let html = page(upload, 403).await;
    assert!(html.contains("Not allowed"), "{html}");
    assert!(html.contains("You don't have permission"), "{html}");
    assert!(!html.contains("another website"), "{html}");

    let call = app
        .call(
            "create_organisation",
            &[
                ("name", "X"),
                ("short_name", "X"),
                ("country", "FR"),
                ("kind", "member"),
            ],
            Some(&member),
        )
        .await;
    assert_eq!(call.status(), 403);
    assert_eq!(json(call).await["error"], "forbidden");
}

#[tokio::test]
async fn a_cross_site_refusal_is_403_and_says_why() {
    let app = TestApp::spawn().await;
    let refused = TestApp::client()
        .post(app.url("/fn/login"))
        .header("accept", "text/html")
        .header("sec-fetch-site", "cross-site")
        .form(&[("email", ADMIN), ("password", PASSWORD)])
        .send()
        .await
        .unwrap();
    let html = page(refused, 403).await;
    assert!(html.contains("came from another website"), "{html}");
    assert!(!html.contains("permission"), "{html}");
}

#[tokio::test]
async fn something_missing_is_404() {
    let app = TestApp::spawn().await;
    let editor = app.sign_in(EDITOR, PASSWORD).await;
    let html = page(
        app.get("/papers/no-such-paper/draft.md", Some(&editor))
            .await,
        404,
    )
    .await;
    assert!(html.contains("Page not found"), "{html}");
    assert!(html.contains("does not exist or has moved"), "{html}");

    let call = app
        .fetch("/fn/draft_workspace?slug=no-such-paper", Some(&editor))
        .await;
    assert_eq!(call.status(), 404);
    assert_eq!(json(call).await["error"], "not_found");
}

/// Two people saved the same block: the second save is refused, in both kinds of client.
#[tokio::test]
async fn a_conflicting_save_is_409() {
    let app = TestApp::spawn().await;
    let editor = app.sign_in(EDITOR, PASSWORD).await;
    let workspace = json(
        app.fetch(&format!("/fn/draft_workspace?slug={SLUG}"), Some(&editor))
            .await,
    )
    .await;
    let block = &workspace["blocks"][2];
    let id = block["id"].as_str().unwrap();
    let kind = block["kind"].as_str().unwrap();
    let stale_rev = (block["rev"].as_i64().unwrap() - 1).to_string();
    let form = [
        ("slug", SLUG),
        ("block", id),
        ("rev", stale_rev.as_str()),
        ("kind", kind),
        ("text", "Typed on an old version."),
    ];

    let call = app.call("save_block", &form, Some(&editor)).await;
    assert_eq!(call.status(), 409);
    assert_eq!(json(call).await["error"], "conflict");

    let draft = format!("/papers/{SLUG}/draft");
    let posted = post_form(&app, "save_block", &form, &draft, Some(&editor)).await;
    let (location, error) = sent_back(&posted);
    assert!(location.starts_with(&draft), "{location}");
    assert!(matches!(error, AppError::Conflict { .. }), "{error:?}");
    assert!(location.contains("Typed+on+an+old+version."), "{location}");
    // The block's editor, sent back to, says what happened and keeps what was typed.
    let editor_page = format!("/papers/{SLUG}/draft/blocks/{id}");
    let posted = post_form(&app, "save_block", &form, &editor_page, Some(&editor)).await;
    let (location, _) = sent_back(&posted);
    let shown = page(app.get(&location, Some(&editor)).await, 200).await;
    assert!(
        shown.contains("Someone saved this block while you were editing"),
        "{shown}"
    );
    assert!(shown.contains("Typed on an old version."), "{shown}");
}

#[tokio::test]
async fn a_body_too_large_is_413() {
    let app = TestApp::spawn().await;
    let huge = "x".repeat(3 * 1024 * 1024);
    let html = page(
        TestApp::client()
            .post(app.url("/fn/login"))
            .header("accept", "text/html")
            .body(huge.clone())
            .send()
            .await
            .unwrap(),
        413,
    )
    .await;
    assert!(html.contains("larger than Groundwork accepts"), "{html}");

    let call = app
        .call(
            "login",
            &[("email", huge.as_str()), ("password", "x")],
            None,
        )
        .await;
    assert_eq!(call.status(), 413);
    assert_eq!(json(call).await["error"], "too_large");
}

#[tokio::test]
async fn invalid_input_is_422() {
    let app = TestApp::spawn().await;
    let admin = app.sign_in(ADMIN, PASSWORD).await;
    let long = "n".repeat(500);
    let form = [
        ("name", long.as_str()),
        ("short_name", "N"),
        ("country", "FR"),
        ("kind", "member"),
    ];
    let call = app.call("create_organisation", &form, Some(&admin)).await;
    assert_eq!(call.status(), 422);
    let body = json(call).await;
    assert_eq!(body["error"], "validation");
    assert_eq!(body["field"], "name");

    let posted = post_form(&app, "create_organisation", &form, "/admin", Some(&admin)).await;
    let (location, error) = sent_back(&posted);
    assert!(location.starts_with("/admin?"), "{location}");
    assert_eq!(error.status(), 422);
    assert_eq!(error.field(), Some("name"));
    // The form, sent back to, names the problem.
    let shown = page(app.get(&location, Some(&admin)).await, 200).await;
    assert!(shown.contains("This is too long: at most"), "{shown}");
}

/// The database gone from under the app: a page answers 500 and says so (without the cause,
/// which is logged), and a server function answers the error as JSON.
#[tokio::test]
async fn an_internal_error_is_500_and_says_so() {
    let app = TestApp::spawn().await;
    app.remove_database().await;
    // A page of the app, and a file the server makes outside the app (its static page).
    for (path, says) in [
        (
            "/evidence/some-key",
            "went wrong on our side while loading this page",
        ),
        ("/evidence.csv", "It has been logged"),
    ] {
        let html = page(app.get(path, None).await, 500).await;
        assert!(html.contains("Something went wrong"), "{path}: {html}");
        assert!(html.contains(says), "{path}: {html}");
        assert!(
            !html.to_lowercase().contains("database"),
            "{path}: no cause is shown: {html}"
        );
        assert!(
            !html.contains("input is kept"),
            "{path}: nothing was typed, so nothing is said to be kept: {html}"
        );
    }
    let call = app.fetch("/fn/evidence_item?key=some-key", None).await;
    assert_eq!(call.status(), 500);
    assert_eq!(json(call).await["error"], "internal");
}

#[tokio::test]
async fn too_many_attempts_is_429_with_retry_after() {
    let app = TestApp::spawn().await;
    let wrong = [("email", EDITOR), ("password", "wrong password")];
    for _ in 0..5 {
        assert_eq!(app.call("login", &wrong, None).await.status(), 401);
    }
    let call = app.call("login", &wrong, None).await;
    assert_eq!(call.status(), 429);
    let retry_after: u64 = call.headers()["retry-after"]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    let body = json(call).await;
    assert_eq!(body["error"], "rate_limited");
    assert_eq!(body["retry_after_secs"].as_u64(), Some(retry_after));

    let posted = post_form(&app, "login", &wrong, "/login", None).await;
    let (location, error) = sent_back(&posted);
    assert!(matches!(error, AppError::RateLimited { .. }), "{error:?}");
    let login_page = page(app.get(&location, None).await, 200).await;
    assert!(login_page.contains("Too many attempts"), "{login_page}");
}
