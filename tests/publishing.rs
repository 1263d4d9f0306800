//! Publishing (issue 12): immutable versions in a hash chain, the schema refusing to change
//! them, one version from two simultaneous publications, the reading view for visitors, and
//! `groundwork verify`.
use crate::helpers::*;

/// Two public findings whose consent is given, to cite.
async fn citable(app: &TestApp) -> (String, String) {
    let mut response = app
        .state
        .db
        .query(
            "SELECT VALUE key FROM evidence WHERE visibility = 'public' AND consent = 'given'
             ORDER BY key LIMIT 2",
        )
        .await
        .unwrap();
    let keys: Vec<String> = response.take(0).unwrap();
    (keys[0].clone(), keys[1].clone())
}

/// A new paper by Marco with a heading, a supported claim, a supported recommendation and an
/// unsupported one; answers its slug and the unsupported recommendation's block id.
async fn paper_to_publish(app: &TestApp, marco: &str, title: &str) -> (String, String) {
    let (a, b) = citable(app).await;
    let slug = app.new_paper(marco, title).await;
    let markdown = format!(
        "## Why workcamps\n\nClaim: Volunteers gain skills [@{a}].\n\n\
         Recommendation: Fund workcamps [@{a}; @{b}].\n\n\
         Recommendation: Recognise volunteering in law."
    );
    let imported = app
        .call(
            "import_markdown",
            &[("slug", &slug), ("markdown", &markdown)],
            Some(marco),
        )
        .await;
    assert_eq!(imported.status(), 200, "{}", imported.text().await.unwrap());
    let workspace = json(
        app.fetch(&format!("/fn/draft_workspace?slug={slug}"), Some(marco))
            .await,
    )
    .await;
    let unsupported = workspace["blocks"][3]["id"].as_str().unwrap().to_string();
    (slug, unsupported)
}

async fn publish(
    app: &TestApp,
    cookie: &str,
    slug: &str,
    number: &str,
    notes: &str,
    overrides: &[(&str, &str)],
) -> (u16, serde_json::Value) {
    let mut form = vec![("slug", slug), ("number", number), ("release_notes", notes)];
    let fields: Vec<(String, String)> = overrides
        .iter()
        .enumerate()
        .flat_map(|(i, (block, reason))| {
            [
                (format!("overrides[{i}][block]"), block.to_string()),
                (format!("overrides[{i}][reason]"), reason.to_string()),
            ]
        })
        .collect();
    form.extend(fields.iter().map(|(k, v)| (k.as_str(), v.as_str())));
    let response = app.call("publish_paper", &form, Some(cookie)).await;
    let status = response.status().as_u16();
    (status, json(response).await)
}

/// Versions of papers other than the demo's (which has two).
async fn version_count(app: &TestApp) -> i64 {
    let mut response = app
        .state
        .db
        .query("RETURN count(SELECT id FROM paper_version WHERE paper.slug != 'inclusive-volunteering')")
        .await
        .unwrap();
    let count: Option<i64> = response.take(0).unwrap();
    count.unwrap_or(0)
}

#[tokio::test]
async fn publishing_checks_its_form_then_makes_an_immutable_version() {
    let app = TestApp::spawn().await;
    let marco = app.sign_in(EDITOR, PASSWORD).await;
    let (slug, unsupported) = paper_to_publish(&app, &marco, "Publishing test").await;

    let check = json(
        app.fetch(&format!("/fn/prepublish_check?slug={slug}"), Some(&marco))
            .await,
    )
    .await;
    assert_eq!(check["next_number"], 1, "{check}");
    assert_eq!(check["unsupported"][0]["id"], unsupported.as_str());
    assert_eq!(
        (
            check["supported"].as_u64(),
            check["needing_support"].as_u64()
        ),
        (Some(2), Some(3))
    );
    let member = app.sign_in(MEMBER, PASSWORD).await;
    let refused = app
        .fetch(&format!("/fn/prepublish_check?slug={slug}"), Some(&member))
        .await;
    assert_eq!(refused.status(), 403, "members do not publish");

    // Without release notes, and without a reason for the unsupported recommendation: both
    // problems at once, nothing written.
    let (status, error) = publish(&app, &marco, &slug, "1", "  ", &[]).await;
    assert_eq!(status, 422, "{error}");
    let fields: Vec<&str> = error["problems"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["field"].as_str().unwrap())
        .collect();
    assert_eq!(
        fields,
        ["release_notes", format!("override_{unsupported}").as_str()]
    );
    let (status, error) = publish(
        &app,
        &marco,
        &slug,
        "1",
        &"x".repeat(5_001),
        &[(&unsupported, "Law first.")],
    )
    .await;
    assert_eq!(
        (status, error["field"].as_str()),
        (422, Some("release_notes")),
        "{error}"
    );
    assert_eq!(version_count(&app).await, 0, "nothing published");

    let (status, number) = publish(
        &app,
        &marco,
        &slug,
        "1",
        "First publication.",
        &[(&unsupported, "The law is the point of this paper.")],
    )
    .await;
    assert_eq!((status, number.as_u64()), (200, Some(1)), "{number}");
    assert_eq!(version_count(&app).await, 1);

    // The paper shows as published; its draft goes on and the version stays as it was.
    let list = json(app.fetch("/fn/papers_index", None).await).await;
    let listed = list
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["slug"] == slug.as_str())
        .expect("visitors see the published paper");
    assert_eq!(listed["status"], "published");
    let saved = app
        .call(
            "save_block",
            &[
                ("slug", &slug),
                ("block", &unsupported),
                ("rev", "1"),
                ("kind", "recommendation"),
                ("text", "Recognise volunteering in national law."),
            ],
            Some(&marco),
        )
        .await;
    assert_eq!(saved.status(), 200, "drafting continues after publication");
    let page = app.get(&format!("/papers/{slug}/v/1"), None).await;
    assert_eq!(page.status(), 200);
    let html = page.text().await.unwrap();
    assert!(
        html.contains("Recognise volunteering in law."),
        "the version keeps its text"
    );
    assert!(
        !html.contains("national law"),
        "the draft's later text is not in v1"
    );
    assert!(
        html.contains("The law is the point of this paper."),
        "the override is kept"
    );
    assert!(html.contains("First publication."), "release notes");

    // A stale form (it says 1, version 2 is next) is told that a version was published.
    let (status, error) = publish(
        &app,
        &marco,
        &slug,
        "1",
        "Again.",
        &[(&unsupported, "Law.")],
    )
    .await;
    assert_eq!(
        (status, error["what"].as_str()),
        (409, Some("version_published")),
        "{error}"
    );
    let (status, _) = publish(
        &app,
        &marco,
        &slug,
        "2",
        "Second.",
        &[(&unsupported, "Law.")],
    )
    .await;
    assert_eq!(status, 200);
    let mut response = app
        .state
        .db
        .query(
            "SELECT VALUE previous_hash FROM paper_version WHERE paper.slug = $slug ORDER BY number;
             SELECT VALUE hash FROM paper_version WHERE paper.slug = $slug ORDER BY number",
        )
        .bind(("slug", slug.clone()))
        .await
        .unwrap();
    let previous: Vec<String> = response.take(0).unwrap();
    let hashes: Vec<String> = response.take(1).unwrap();
    assert_eq!(
        previous,
        ["".to_string(), hashes[0].clone()],
        "v2 links to v1"
    );
}

#[tokio::test]
async fn the_schema_refuses_to_change_or_remove_a_version() {
    let app = TestApp::spawn().await;
    let marco = app.sign_in(EDITOR, PASSWORD).await;
    let (slug, unsupported) = paper_to_publish(&app, &marco, "Immutable").await;
    let (status, _) = publish(
        &app,
        &marco,
        &slug,
        "1",
        "Notes.",
        &[(&unsupported, "Why.")],
    )
    .await;
    assert_eq!(status, 200);
    let stored = || async {
        let mut r = app
            .state
            .db
            .query("SELECT VALUE [hash, previous_hash, content, findings, html, release_notes] FROM paper_version WHERE paper.slug != 'inclusive-volunteering'")
            .await
            .unwrap();
        let rows: Vec<Vec<String>> = r.take(0).unwrap();
        rows
    };
    let before = stored().await;
    for statement in [
        "UPDATE paper_version SET release_notes = 'Rewritten.'",
        "UPDATE paper_version SET content = 'x', hash = string::repeat('0', 64)",
        "UPSERT paper_version SET release_notes = 'Rewritten.' WHERE number = 1",
        "UPDATE paper_version MERGE { html: '<p>forged</p>' }",
        "DELETE paper_version",
        "DELETE paper_version WHERE number = 1",
    ] {
        let result = app.state.db.query(statement).await.unwrap().check();
        let error = result.expect_err(statement);
        assert!(
            error
                .to_string()
                .contains("a published version never changes"),
            "{statement}: {error}"
        );
    }
    let after = stored().await;
    assert_eq!(before.len(), 1);
    assert_eq!(after, before, "nothing changed");
}

#[tokio::test]
async fn two_simultaneous_publications_make_exactly_one_version() {
    let app = TestApp::spawn().await;
    let marco = app.sign_in(EDITOR, PASSWORD).await;
    let (slug, unsupported) = paper_to_publish(&app, &marco, "Race").await;
    let admin = app.sign_in(ADMIN, PASSWORD).await;
    let reasons = [(unsupported.as_str(), "Why.")];
    let (first, second) = tokio::join!(
        publish(&app, &marco, &slug, "1", "Marco's notes.", &reasons),
        publish(&app, &admin, &slug, "1", "Amélie's notes.", &reasons),
    );
    let mut statuses = [first.0, second.0];
    statuses.sort_unstable();
    assert_eq!(statuses, [200, 409], "{first:?} {second:?}");
    let refused = if first.0 == 409 { &first.1 } else { &second.1 };
    assert_eq!(refused["what"], "version_published", "{refused}");
    assert_eq!(version_count(&app).await, 1);
}

#[tokio::test]
async fn visitors_read_versions_from_stored_bytes_with_etags() {
    let app = TestApp::spawn().await;
    let marco = app.sign_in(EDITOR, PASSWORD).await;
    let (slug, unsupported) = paper_to_publish(&app, &marco, "Reading view").await;
    // Before any version a visitor finds nothing, a member is sent to the draft.
    assert_eq!(
        app.get(&format!("/papers/{slug}"), None).await.status(),
        404
    );
    let member = app.get(&format!("/papers/{slug}"), Some(&marco)).await;
    assert_eq!(
        (member.status().as_u16(), location(&member)),
        (303, format!("/papers/{slug}/draft"))
    );
    let (status, _) = publish(
        &app,
        &marco,
        &slug,
        "1",
        "Notes **one**.",
        &[(&unsupported, "Why.")],
    )
    .await;
    assert_eq!(status, 200);

    let latest = app.get(&format!("/papers/{slug}"), None).await;
    assert_eq!(latest.status(), 200);
    assert_eq!(latest.headers()["cache-control"], "public, max-age=60");
    let etag = latest.headers()["etag"].to_str().unwrap().to_string();
    let html = latest.text().await.unwrap();
    for expected in [
        "<h1>Reading view</h1>",
        "class=\"toc\"",
        "block-recommendation",
        "<strong>one</strong>",
        "The chain of versions verifies",
        "2 of 3 claims supported by 2 findings",
        "id=\"evidence\"",
        "class=\"permalink\"",
        "aria-current=\"page\">v1</a>",
    ] {
        assert!(html.contains(expected), "{expected} in {html}");
    }
    assert!(!html.contains("<script"), "no script on a reading page");

    let again = TestApp::client()
        .get(app.url(&format!("/papers/{slug}")))
        .header("if-none-match", &etag)
        .send()
        .await
        .unwrap();
    assert_eq!(again.status(), 304);
    let other = TestApp::client()
        .get(app.url(&format!("/papers/{slug}")))
        .header("if-none-match", "\"something-else\"")
        .send()
        .await
        .unwrap();
    assert_eq!(
        other.status(),
        200,
        "an ETag that does not match gets the page"
    );
    let v1 = app.get(&format!("/papers/{slug}/v/1"), None).await;
    assert_eq!(v1.status(), 200);
    assert_eq!(v1.headers()["cache-control"], "public, max-age=86400");

    let long = "a".repeat(10_000);
    for bad in [
        format!("/papers/{slug}/v/2"),
        format!("/papers/{slug}/v/0"),
        format!("/papers/{slug}/v/01"),
        format!("/papers/{slug}/v/abc"),
        format!("/papers/{slug}/v/99999999999999999999"),
        format!("/papers/{slug}/v/%00"),
        format!("/papers/{slug}/v/..%2F..%2Fetc"),
        "/papers/..%2F..%2Fetc%2Fpasswd".to_string(),
        "/papers/a%00b".to_string(),
        format!("/papers/{long}"),
        format!("/papers/{long}/v/1"),
        "/papers/no-such-paper/v/1".to_string(),
    ] {
        let response = app.get(&bad, None).await;
        let status = response.status().as_u16();
        assert!([400, 404].contains(&status), "{bad}: {status}");
        let text = response.text().await.unwrap();
        assert!(!text.is_empty(), "{bad}: an error page that says so");
    }
}

#[tokio::test]
async fn a_reading_page_is_sent_compressed_as_the_reader_accepts_it() {
    use std::io::Read;
    let app = TestApp::spawn().await;
    let marco = app.sign_in(EDITOR, PASSWORD).await;
    let (slug, unsupported) = paper_to_publish(&app, &marco, "Compressed").await;
    let (status, _) = publish(&app, &marco, &slug, "1", "One.", &[(&unsupported, "Why.")]).await;
    assert_eq!(status, 200);
    let ask = |accept: &'static str, if_none_match: Option<String>| {
        let mut request = TestApp::client()
            .get(app.url(&format!("/papers/{slug}/v/1")))
            .header("accept-encoding", accept);
        if let Some(tag) = if_none_match {
            request = request.header("if-none-match", tag);
        }
        request.send()
    };

    let plain = ask("identity", None).await.unwrap();
    assert_eq!(plain.status(), 200);
    assert!(plain.headers().get("content-encoding").is_none());
    assert_eq!(plain.headers()["vary"], "accept-encoding");
    let strong = plain.headers()["etag"].to_str().unwrap().to_string();
    assert!(strong.starts_with('"'), "{strong}");
    let page = plain.text().await.unwrap();
    assert!(page.contains("<h1>Compressed</h1>"), "{page}");

    let br = ask("gzip, deflate, br", None).await.unwrap();
    assert_eq!(br.headers()["content-encoding"], "br");
    let weak = br.headers()["etag"].to_str().unwrap().to_string();
    assert_eq!(
        weak,
        format!("W/{strong}"),
        "the compressed form's tag is weak"
    );
    let bytes = br.bytes().await.unwrap();
    assert!(
        bytes.len() * 3 < page.len(),
        "{} of {}",
        bytes.len(),
        page.len()
    );
    let mut unpacked = String::new();
    brotli::Decompressor::new(&bytes[..], 4096)
        .read_to_string(&mut unpacked)
        .unwrap();
    assert_eq!(unpacked, page);

    let gzip = ask("gzip;q=1, br;q=0.5", None).await.unwrap();
    assert_eq!(gzip.headers()["content-encoding"], "gzip");
    let bytes = gzip.bytes().await.unwrap();
    let mut unpacked = String::new();
    flate2::read::GzDecoder::new(&bytes[..])
        .read_to_string(&mut unpacked)
        .unwrap();
    assert_eq!(unpacked, page);

    // Either tag names the page, whichever form the reader asks for now.
    for (accept, tag) in [("br", strong.clone()), ("identity", weak.clone())] {
        let again = ask(accept, Some(tag)).await.unwrap();
        assert_eq!(again.status(), 304, "{accept}");
        assert!(again.headers().get("content-encoding").is_none());
    }
    let refused = ask("br;q=0, gzip;q=0", None).await.unwrap();
    assert!(refused.headers().get("content-encoding").is_none());
    assert_eq!(refused.text().await.unwrap(), page);

    // A new version is the latest at once: the version list kept for reading is dropped.
    let latest = format!("/papers/{slug}");
    let before = app.get(&latest, None).await.text().await.unwrap();
    assert!(before.contains("aria-current=\"page\">v1</a>"), "{before}");
    let (status, _) = publish(&app, &marco, &slug, "2", "Two.", &[(&unsupported, "Why.")]).await;
    assert_eq!(status, 200);
    let after = app.get(&latest, None).await.text().await.unwrap();
    assert!(after.contains("aria-current=\"page\">v2</a>"), "{after}");
}

#[tokio::test]
async fn a_withdrawal_after_publication_hides_the_text_and_the_chain_still_verifies() {
    let app = TestApp::spawn().await;
    let marco = app.sign_in(EDITOR, PASSWORD).await;
    let (a, _) = citable(&app).await;
    let (slug, unsupported) = paper_to_publish(&app, &marco, "Withdrawal").await;
    let (status, _) = publish(
        &app,
        &marco,
        &slug,
        "1",
        "Notes.",
        &[(&unsupported, "Why.")],
    )
    .await;
    assert_eq!(status, 200);
    let text: String = {
        let mut r = app
            .state
            .db
            .query("SELECT VALUE text FROM ONLY evidence WHERE key = $key LIMIT 1")
            .bind(("key", a.clone()))
            .await
            .unwrap();
        let text: Option<String> = r.take(0).unwrap();
        text.unwrap()
    };
    let before = app.get(&format!("/papers/{slug}/v/1"), None).await;
    let etag = before.headers()["etag"].to_str().unwrap().to_string();
    let first_words: String = text.chars().take(30).collect();
    assert!(before.text().await.unwrap().contains(&first_words));

    app.state
        .db
        .query("UPDATE evidence SET consent = 'withdrawn' WHERE key = $key")
        .bind(("key", a.clone()))
        .await
        .unwrap()
        .check()
        .unwrap();
    // Changed in the database, as by another instance: readers see it within a second.
    wait_until(
        WITHDRAWAL_REACHES_READERS,
        "the page hides the text",
        || async {
            let page = app.get(&format!("/papers/{slug}/v/1"), None).await;
            !page.text().await.unwrap().contains(&first_words)
        },
    )
    .await;
    let after = TestApp::client()
        .get(app.url(&format!("/papers/{slug}/v/1")))
        .header("if-none-match", &etag)
        .send()
        .await
        .unwrap();
    assert_eq!(
        after.status(),
        200,
        "the page changed, so the old ETag no longer matches"
    );
    let html = after.text().await.unwrap();
    assert!(
        html.contains("Withdrawn at the request of the person concerned."),
        "{html}"
    );
    assert!(!html.contains(&first_words), "the text is hidden");
    assert!(html.contains("The chain of versions verifies"));

    let mut out = Vec::new();
    let all = groundwork::server::cli::verify_chains(&app.state.db, &mut out)
        .await
        .unwrap();
    assert!(all, "{}", String::from_utf8_lossy(&out));
}

#[tokio::test]
async fn verify_reports_each_chain_and_the_first_broken_version() {
    let app = TestApp::spawn().await;
    let marco = app.sign_in(EDITOR, PASSWORD).await;
    let (slug, unsupported) = paper_to_publish(&app, &marco, "Verify me").await;
    for n in ["1", "2"] {
        let (status, _) =
            publish(&app, &marco, &slug, n, "Notes.", &[(&unsupported, "Why.")]).await;
        assert_eq!(status, 200);
    }
    let mut out = Vec::new();
    assert!(
        groundwork::server::cli::verify_chains(&app.state.db, &mut out)
            .await
            .unwrap()
    );
    let report = String::from_utf8(out).unwrap();
    assert!(
        report.contains(&format!("{slug}: OK (2 versions)")),
        "{report}"
    );

    // Only taking the schema's guard away lets anyone alter a version; verify notices.
    app.state
        .db
        .query(
            "REMOVE EVENT paper_version_immutable ON paper_version;
             UPDATE paper_version SET release_notes = 'Rewritten.',
                 content = string::replace(content, 'Notes.', 'Other.') WHERE number = 2;",
        )
        .await
        .unwrap()
        .check()
        .unwrap();
    let mut out = Vec::new();
    assert!(
        !groundwork::server::cli::verify_chains(&app.state.db, &mut out)
            .await
            .unwrap()
    );
    let report = String::from_utf8(out).unwrap();
    assert!(
        report.contains(&format!("{slug}: FAILED at version 2")),
        "{report}"
    );
    let page = app
        .get(&format!("/papers/{slug}/v/1"), None)
        .await
        .text()
        .await
        .unwrap();
    assert!(page.contains("does not verify from version 2"), "{page}");
}

#[tokio::test]
async fn the_check_page_publishes_with_a_plain_form_and_keeps_what_was_typed() {
    let app = TestApp::spawn().await;
    let marco = app.sign_in(EDITOR, PASSWORD).await;
    let (slug, unsupported) = paper_to_publish(&app, &marco, "Plain form").await;
    let page_path = format!("/papers/{slug}/publish");
    let page = app.get(&page_path, Some(&marco)).await;
    assert_eq!(page.status(), 200);
    let html = page.text().await.unwrap();
    for expected in [
        "action=\"/fn/publish_paper\"",
        "name=\"release_notes\"",
        "name=\"overrides[0][reason]\"",
        &format!("value=\"{unsupported}\""),
        "Publish version",
    ] {
        assert!(html.contains(expected), "{expected} in the check page");
    }
    let member = app.sign_in(MEMBER, PASSWORD).await;
    assert_eq!(app.get(&page_path, Some(&member)).await.status(), 403);

    let post = |notes: &'static str, reason: &'static str| {
        let (app, slug, block, cookie, from) = (
            &app,
            slug.clone(),
            unsupported.clone(),
            marco.clone(),
            app.url(&page_path),
        );
        async move {
            TestApp::client()
                .post(app.url("/fn/publish_paper"))
                .header("cookie", cookie)
                .header("accept", "text/html")
                .header("referer", from)
                .form(&[
                    ("slug", slug.as_str()),
                    ("number", "1"),
                    ("release_notes", notes),
                    ("overrides[0][block]", block.as_str()),
                    ("overrides[0][reason]", reason),
                ])
                .send()
                .await
                .unwrap()
        }
    };
    let refused = post("", "Kept reason, typed before the error.").await;
    assert!(refused.status().is_redirection(), "{}", refused.status());
    let back = location(&refused);
    assert!(back.starts_with(&format!("{page_path}?error=")), "{back}");
    let again = app.get(&back, Some(&marco)).await.text().await.unwrap();
    assert!(
        again.contains("Kept reason, typed before the error."),
        "the reason is kept"
    );
    assert!(
        again.contains("aria-invalid=\"true\""),
        "the field says what is wrong"
    );
    assert_eq!(version_count(&app).await, 0);

    let done = post("Typed notes.", "Kept reason.").await;
    assert!(done.status().is_redirection(), "{}", done.status());
    assert_eq!(location(&done), format!("/papers/{slug}/v/1"));
    assert_eq!(version_count(&app).await, 1);
}

#[tokio::test]
async fn the_demo_paper_has_two_versions_that_differ() {
    let app = TestApp::spawn().await;
    let slug = "inclusive-volunteering";
    let latest = app.get(&format!("/papers/{slug}"), None).await;
    assert_eq!(latest.status(), 200);
    let v2 = latest.text().await.unwrap();
    let v1 = app
        .get(&format!("/papers/{slug}/v/1"), None)
        .await
        .text()
        .await
        .unwrap();
    assert!(
        v2.contains("aria-current=\"page\">v2</a>"),
        "the latest is v2"
    );
    // The leadership claim as the demo (src/demo/versions.rs) first published it.
    assert!(
        v1.contains("often carries over into local civic life"),
        "v1's wording"
    );
    assert!(
        !v2.contains("often carries over into local civic life"),
        "changed in v2"
    );
    assert!(
        v2.contains("carries over into local civic life within a year"),
        "v2's wording"
    );
    assert!(!v1.contains("civic life within a year"));
    let figure = |html: &str| {
        let at = html.find("id=\"evidence-be-2019-indicator-01\"").unwrap();
        let meta = &html[at..];
        let strong = meta.find("<strong>").unwrap();
        meta[strong..strong + 20].to_string()
    };
    assert_ne!(figure(&v1), figure(&v2), "the indicator's value changed");
    for html in [&v1, &v2] {
        assert!(html.contains("The chain of versions verifies"));
    }
    let mut out = Vec::new();
    assert!(
        groundwork::server::cli::verify_chains(&app.state.db, &mut out)
            .await
            .unwrap()
    );
    assert_eq!(
        String::from_utf8(out).unwrap(),
        format!("{slug}: OK (2 versions)\n")
    );
}

/// `groundwork verify` as run from a shell, on the embedded on-disk database.
fn run_verify(endpoint: &str) -> (i32, String) {
    let output = std::process::Command::new(env!("CARGO_BIN_EXE_groundwork"))
        .arg("verify")
        .env("GROUNDWORK_DB", endpoint)
        .env("RUST_LOG", "error")
        .output()
        .unwrap();
    (
        output.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&output.stdout).into_owned()
            + &String::from_utf8_lossy(&output.stderr),
    )
}

#[tokio::test]
async fn the_verify_command_exits_non_zero_when_a_chain_breaks() {
    let dir = tempfile::tempdir().unwrap();
    let endpoint = format!("surrealkv://{}/db", dir.path().display());
    let app = TestApp::spawn_on(&endpoint).await;
    app.stop().await;
    let (code, out) = run_verify(&endpoint);
    assert_eq!(code, 0, "{out}");
    assert!(
        out.contains("inclusive-volunteering: OK (2 versions)"),
        "{out}"
    );

    let app = TestApp::spawn_on(&endpoint).await;
    app.state
        .db
        .query(
            "REMOVE EVENT paper_version_immutable ON paper_version;
             UPDATE paper_version SET previous_hash = string::repeat('0', 64) WHERE number = 2;",
        )
        .await
        .unwrap()
        .check()
        .unwrap();
    app.stop().await;
    let (code, out) = run_verify(&endpoint);
    assert_eq!(code, 1, "{out}");
    assert!(
        out.contains("inclusive-volunteering: FAILED at version 2 (Link)"),
        "{out}"
    );
}
