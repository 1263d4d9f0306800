//! What everyone can do with published versions (issue 12, points 4–6): compare two versions,
//! cite and download one, follow new versions in Atom feeds, and read them through the JSON
//! API. All against the demo paper, published as v1 and v2 at start (src/demo/versions.rs).
use crate::helpers::*;

const SLUG: &str = "inclusive-volunteering";

/// Addresses no reader should get a 500 from: each must answer a 4xx with a page that says so.
fn crafted(prefix: &str, suffix: &str) -> Vec<String> {
    let long = "a".repeat(10_000);
    vec![
        format!("{prefix}/papers/{long}{suffix}"),
        format!("{prefix}/papers/..%2F..%2Fetc%2Fpasswd{suffix}"),
        format!("{prefix}/papers/a%00b{suffix}"),
        format!("{prefix}/papers/no-such-paper{suffix}"),
        format!("{prefix}/papers/{}{suffix}", "%C3%A9t%C3%A9"),
    ]
}

async fn assert_refused(app: &TestApp, path: &str, allowed: &[u16]) {
    let response = app.get(path, None).await;
    let status = response.status().as_u16();
    assert!(allowed.contains(&status), "{path}: {status}");
    let text = response.text().await.unwrap();
    assert!(!text.is_empty(), "{path}: an error that says so");
}

/// A paper with a draft and no version: nothing of it is public.
async fn draft_paper(app: &TestApp) -> String {
    let marco = app.sign_in(EDITOR, PASSWORD).await;
    app.new_paper(&marco, "Still a draft").await
}

#[tokio::test]
async fn two_versions_compare_at_a_shareable_address() {
    let app = TestApp::spawn().await;
    let reading = app
        .get(&format!("/papers/{SLUG}"), None)
        .await
        .text()
        .await
        .unwrap();
    assert!(
        reading.contains(&format!("href=\"/papers/{SLUG}/compare/1/2\"")),
        "the version picker links to what changed"
    );

    let response = app.get(&format!("/papers/{SLUG}/compare/1/2"), None).await;
    assert_eq!(response.status(), 200);
    assert_eq!(response.headers()["cache-control"], "public, max-age=86400");
    let html = response.text().await.unwrap();
    for expected in [
        "<h1>Changes from version 1 to version 2</h1>",
        // The reworded claim, word by word (src/demo/versions.rs).
        "<del>",
        "<ins>",
        "<del>often </del>",
        "<ins>within a year ",
        "Blocks: 1 changed, 0 added, 0 removed, 0 moved",
        // The citation it gained.
        "Evidence linked: <code>it-2019-indicator-01</code>",
        // v2's release notes, the only ones since v1.
        "The leadership claim now cites the Italian follow-up too",
        // The corrected indicator.
        "Indicator values changed",
        "<code>be-2019-indicator-01</code>",
        "href=\"/papers/inclusive-volunteering/v/1\"",
    ] {
        assert!(html.contains(expected), "{expected} in {html}");
    }
    assert!(
        !html.contains("First publication, for the network's spring meeting"),
        "v1's own notes are not 'since v1'"
    );
    assert!(!html.contains("<script"), "plain HTML");

    // Bad input: a clear 4xx, never a 500.
    for (path, allowed) in [
        (format!("/papers/{SLUG}/compare/2/1"), &[400][..]),
        (format!("/papers/{SLUG}/compare/1/1"), &[400]),
        (format!("/papers/{SLUG}/compare/1/3"), &[404]),
        (format!("/papers/{SLUG}/compare/0/2"), &[404]),
        (format!("/papers/{SLUG}/compare/01/2"), &[404]),
        (format!("/papers/{SLUG}/compare/%00/2"), &[404]),
        (format!("/papers/{SLUG}/compare/..%2F1/2"), &[404]),
        (
            format!("/papers/{SLUG}/compare/1/99999999999999999999"),
            &[404],
        ),
    ] {
        assert_refused(&app, &path, allowed).await;
    }
    for path in crafted("", "/compare/1/2") {
        assert_refused(&app, &path, &[400, 404]).await;
    }
    let draft = draft_paper(&app).await;
    assert_refused(&app, &format!("/papers/{draft}/compare/1/2"), &[404]).await;
}

#[tokio::test]
async fn a_version_is_cited_and_downloaded_in_every_format() {
    let app = TestApp::spawn().await;
    let page = app
        .get(&format!("/papers/{SLUG}/v/2"), None)
        .await
        .text()
        .await
        .unwrap();
    for expected in [
        "<details class=\"cite\">",
        "<summary>Cite this version</summary>",
        "Marco Bellini (20",
        "Inclusive volunteering",
        &format!("/papers/{SLUG}/v/2/citation.bib"),
        &format!("/papers/{SLUG}/v/2/citation.ris"),
        &format!("/papers/{SLUG}/v/2/citation.json"),
        &format!("/papers/{SLUG}/v/2/paper.md"),
        &format!("/papers/{SLUG}/v/2/paper.html"),
    ] {
        assert!(page.contains(expected), "{expected} in the reading page");
    }
    let hash = {
        let at = page.find("<code>").unwrap() + "<code>".len();
        page[at..at + 64].to_string()
    };

    let file = |name: &'static str| {
        let app = &app;
        async move {
            let response = app.get(&format!("/papers/{SLUG}/v/2/{name}"), None).await;
            assert_eq!(response.status(), 200, "{name}");
            let headers = response.headers().clone();
            (headers, response.text().await.unwrap())
        }
    };
    for (name, content_type, attachment) in [
        ("citation.bib", "application/x-bibtex; charset=utf-8", "bib"),
        (
            "citation.ris",
            "application/x-research-info-systems; charset=utf-8",
            "ris",
        ),
        (
            "citation.json",
            "application/vnd.citationstyles.csl+json; charset=utf-8",
            "json",
        ),
        ("paper.md", "text/markdown; charset=utf-8", "md"),
        ("paper.html", "text/html; charset=utf-8", "html"),
    ] {
        let (headers, _) = file(name).await;
        assert_eq!(headers["content-type"], content_type, "{name}");
        assert_eq!(
            headers["content-disposition"],
            format!("attachment; filename=\"{SLUG}-v2.{attachment}\""),
            "{name}"
        );
    }

    let (_, bib) = file("citation.bib").await;
    assert!(
        bib.starts_with(&format!("@techreport{{{SLUG}-v2,\n")),
        "{bib}"
    );
    assert!(bib.contains(&format!("note = {{SHA-256 {hash}}}")), "{bib}");
    let (_, ris) = file("citation.ris").await;
    assert!(ris.starts_with("TY  - RPRT\r\n"), "{ris}");
    assert!(ris.contains("ET  - Version 2\r\n"));
    assert!(ris.contains(&format!("UR  - http://{}/papers/{SLUG}/v/2\r\n", app.addr)));
    let (_, csl) = file("citation.json").await;
    let csl: serde_json::Value = serde_json::from_str(&csl).unwrap();
    assert_eq!(csl[0]["version"], "2");
    assert_eq!(
        csl[0]["title"],
        "Inclusive volunteering: what workcamps teach youth policy"
    );

    let (_, md) = file("paper.md").await;
    for expected in [
        "# Inclusive volunteering",
        "Version 2 · published",
        "@pt-2019-testimony-01]",
        "## Release notes",
        "## Evidence",
        "### be-2019-indicator-01",
    ] {
        assert!(md.contains(expected), "{expected} in the Markdown");
    }

    let (_, html) = file("paper.html").await;
    assert!(html.contains("<style>"), "the stylesheet is inline");
    for external in ["<link", "<script", " src=", "url(", "@import"] {
        assert!(
            !html.contains(external),
            "the standalone file fetches nothing: {external}"
        );
    }
    assert!(html.contains("default-src 'none'"));
    assert!(html.contains("id=\"evidence-be-2019-indicator-01\""));

    // Consent withdrawn after publication: the files leave the text out too.
    let (key, text) = {
        let mut r = app
            .state
            .db
            .query(
                "SELECT VALUE [key, text] FROM evidence WHERE kind = 'testimony'
                 AND key IN (SELECT VALUE cited_keys FROM ONLY paper_version
                     WHERE number = 2 AND paper.slug = $slug LIMIT 1)
                 ORDER BY key LIMIT 1",
            )
            .bind(("slug", SLUG))
            .await
            .unwrap();
        let rows: Vec<Vec<String>> = r.take(0).unwrap();
        (rows[0][0].clone(), rows[0][1].clone())
    };
    let words: String = text.chars().take(30).collect();
    assert!(file("paper.md").await.1.contains(&words), "shown before");
    app.state
        .db
        .query("UPDATE evidence SET consent = 'withdrawn' WHERE key = $key")
        .bind(("key", key.clone()))
        .await
        .unwrap()
        .check()
        .unwrap();
    // Changed in the database, as by another instance: the files follow within a second.
    wait_until(
        WITHDRAWAL_REACHES_READERS,
        "the file hides the text",
        || async { !file("paper.md").await.1.contains(&words) },
    )
    .await;
    for name in ["paper.md", "paper.html"] {
        let (_, body) = file(name).await;
        assert!(!body.contains(&words), "{name} hides {key}");
        assert!(
            body.contains("Withdrawn at the request of the person concerned."),
            "{name}"
        );
    }

    for name in [
        "citation.bib",
        "citation.ris",
        "citation.json",
        "paper.md",
        "paper.html",
    ] {
        for path in [
            format!("/papers/{SLUG}/v/3/{name}"),
            format!("/papers/{SLUG}/v/0/{name}"),
            format!("/papers/{SLUG}/v/%00/{name}"),
        ] {
            assert_refused(&app, &path, &[404]).await;
        }
        for path in crafted("", &format!("/v/1/{name}")) {
            assert_refused(&app, &path, &[400, 404]).await;
        }
    }
    let draft = draft_paper(&app).await;
    assert_refused(&app, &format!("/papers/{draft}/v/1/paper.md"), &[404]).await;
}

#[tokio::test]
async fn links_that_leave_the_site_use_its_public_url_and_not_the_requests_host() {
    let mut config = groundwork::config::Config::for_tests("mem://");
    config.public_url = "https://papers.example.org".into();
    let app = TestApp::spawn_with(config).await;
    let forged = TestApp::client()
        .get(app.url("/feed.atom"))
        .header("host", "evil.example")
        .send()
        .await
        .unwrap();
    assert_eq!(forged.status(), 200);
    let xml = forged.text().await.unwrap();
    assert!(
        xml.contains(&format!("https://papers.example.org/papers/{SLUG}/v/2"))
            && !xml.contains("evil.example"),
        "{xml}"
    );
    let cited = app
        .get(&format!("/papers/{SLUG}/v/2/citation.bib"), None)
        .await
        .text()
        .await
        .unwrap();
    assert!(
        cited.contains(&format!("https://papers.example.org/papers/{SLUG}/v/2")),
        "{cited}"
    );
}

#[tokio::test]
async fn atom_feeds_list_published_versions() {
    let app = TestApp::spawn().await;
    let page = app
        .get(&format!("/papers/{SLUG}"), None)
        .await
        .text()
        .await
        .unwrap();
    assert!(page.contains(&format!(
        "<link rel=\"alternate\" type=\"application/atom+xml\" href=\"/papers/{SLUG}/feed.atom\""
    )));
    assert!(
        page.contains("<link rel=\"alternate\" type=\"application/atom+xml\" href=\"/feed.atom\"")
    );

    for path in [
        "/feed.atom".to_string(),
        format!("/papers/{SLUG}/feed.atom"),
    ] {
        let response = app.get(&path, None).await;
        assert_eq!(response.status(), 200, "{path}");
        assert_eq!(
            response.headers()["content-type"],
            "application/atom+xml; charset=utf-8"
        );
        let xml = response.text().await.unwrap();
        assert!(
            xml.contains("<feed xmlns=\"http://www.w3.org/2005/Atom\""),
            "{xml}"
        );
        assert_eq!(xml.matches("<entry>").count(), 2, "{path}: v1 and v2");
        // Newest first.
        let v2 = xml.find(&format!("/papers/{SLUG}/v/2</id>")).unwrap();
        let v1 = xml.find(&format!("/papers/{SLUG}/v/1</id>")).unwrap();
        assert!(v2 < v1, "{xml}");
        assert!(
            xml.contains("Inclusive volunteering: what workcamps teach youth policy — version 2")
        );
        assert!(xml.contains(&format!("href=\"http://{}{path}\"", app.addr)));
    }
    let draft = draft_paper(&app).await;
    assert_refused(&app, &format!("/papers/{draft}/feed.atom"), &[404]).await;
    for path in crafted("", "/feed.atom") {
        assert_refused(&app, &path, &[400, 404]).await;
    }
    // Nothing of the draft in the site's feed either.
    let site = app.get("/feed.atom", None).await.text().await.unwrap();
    assert!(!site.contains(&draft));
}

#[tokio::test]
async fn the_json_api_serves_published_data_only() {
    let app = TestApp::spawn().await;
    let get = |path: String| {
        let app = &app;
        async move {
            let response = app.fetch(&path, None).await;
            let status = response.status().as_u16();
            assert_eq!(
                response.headers()["access-control-allow-origin"],
                "*",
                "{path}"
            );
            assert!(
                response.headers()["content-type"]
                    .to_str()
                    .unwrap()
                    .starts_with("application/json"),
                "{path}"
            );
            (status, json(response).await)
        }
    };
    let draft = draft_paper(&app).await;

    let (status, papers) = get("/api/v1/papers".into()).await;
    assert_eq!(status, 200);
    let slugs = strings(&papers["papers"], "slug");
    assert_eq!(slugs, [SLUG], "the published paper only, not {draft}");
    assert_eq!(papers["papers"][0]["latest_version"], 2);

    let (status, versions) = get(format!("/api/v1/papers/{SLUG}/versions")).await;
    assert_eq!(status, 200);
    let listed = versions["versions"].as_array().unwrap();
    assert_eq!(listed.len(), 2);
    assert_eq!(listed[0]["number"], 1);

    let (status, v2) = get(format!("/api/v1/papers/{SLUG}/versions/2")).await;
    assert_eq!(status, 200);
    assert_eq!(v2["number"], 2);
    assert_eq!(v2["hash"], listed[1]["hash"]);
    assert_eq!(v2["previous_hash"], listed[0]["hash"], "the chain");
    let (_, v1) = get(format!("/api/v1/papers/{SLUG}/versions/1")).await;
    assert_eq!(v1["previous_hash"], "");
    let blocks = v2["blocks"].as_array().unwrap();
    let cited = blocks
        .iter()
        .flat_map(|b| b["evidence"].as_array().unwrap())
        .find(|e| e["key"] == "be-2019-indicator-01")
        .expect("the indicator is cited");
    assert_eq!(cited["finding"]["kind"], "indicator");
    assert_eq!(cited["finding"]["digest"].as_str().unwrap().len(), 64);
    assert_ne!(
        cited["finding"]["value"],
        v1["blocks"]
            .as_array()
            .unwrap()
            .iter()
            .flat_map(|b| b["evidence"].as_array().unwrap())
            .find(|e| e["key"] == "be-2019-indicator-01")
            .unwrap()["finding"]["value"],
        "the corrected value"
    );
    assert!(v2["tallies"].is_array() && v2["dissent"].is_array());
    // The hash is the SHA-256 of what the database holds as the version's canonical form.
    let mut r = app
        .state
        .db
        .query("SELECT VALUE content FROM ONLY paper_version WHERE number = 2 AND paper.slug = $slug LIMIT 1")
        .bind(("slug", SLUG))
        .await
        .unwrap();
    let content: Option<String> = r.take(0).unwrap();
    assert_eq!(
        v2["hash"],
        groundwork::domain::versions::sha256_hex(content.unwrap().as_bytes())
    );

    for path in [
        format!("/api/v1/papers/{draft}/versions"),
        format!("/api/v1/papers/{draft}/versions/1"),
        "/api/v1/papers/no-such-paper/versions".to_string(),
        format!("/api/v1/papers/{SLUG}/versions/3"),
        format!("/api/v1/papers/{SLUG}/versions/0"),
        format!("/api/v1/papers/{SLUG}/versions/%00"),
        format!("/api/v1/papers/{SLUG}/versions/..%2F1"),
        format!("/api/v1/papers/{}/versions", "a".repeat(10_000)),
        "/api/v1/papers/..%2F..%2Fetc/versions".to_string(),
    ] {
        let (status, body) = get(path.clone()).await;
        assert_eq!(
            (status, &body["error"]),
            (404, &serde_json::json!("not_found")),
            "{path}"
        );
    }

    let (status, openapi) = get("/api/v1/openapi.json".into()).await;
    assert_eq!(status, 200);
    assert_eq!(openapi["openapi"], "3.0.3");
    let paths: Vec<&String> = openapi["paths"].as_object().unwrap().keys().collect();
    assert_eq!(
        paths,
        [
            "/papers",
            "/papers/{slug}/versions",
            "/papers/{slug}/versions/{number}"
        ]
    );
}

/// The same answers checked by real parsers (bibtexparser, rispy, feedparser,
/// openapi-spec-validator and jsonschema): `scripts/validate_published.py`, run when
/// `GROUNDWORK_PYTHON` names a Python that has them (`scripts/validate_published.sh` makes one).
#[tokio::test]
async fn real_parsers_read_what_is_published() {
    let Ok(python) = std::env::var("GROUNDWORK_PYTHON") else {
        eprintln!("GROUNDWORK_PYTHON is not set: the parsers' check is skipped");
        return;
    };
    let app = TestApp::spawn().await;
    let script = concat!(env!("CARGO_MANIFEST_DIR"), "/scripts/validate_published.py");
    let base = app.url("");
    let output = tokio::task::spawn_blocking(move || {
        std::process::Command::new(python)
            .arg(script)
            .arg(base)
            .arg(SLUG)
            .output()
    })
    .await
    .unwrap()
    .unwrap();
    let said = String::from_utf8_lossy(&output.stdout).into_owned()
        + &String::from_utf8_lossy(&output.stderr);
    assert!(output.status.success(), "{said}");
    assert!(said.contains("all checks passed"), "{said}");
}

#[tokio::test]
async fn a_comparison_is_sent_compressed_and_follows_a_withdrawal_within_a_second() {
    use std::io::Read;
    let app = TestApp::spawn().await;
    let path = format!("/papers/{SLUG}/compare/1/2");
    let page = || async {
        let response = app.get(&path, None).await;
        assert_eq!(response.status(), 200);
        response.text().await.unwrap()
    };
    let plain = page().await;
    let br = TestApp::client()
        .get(app.url(&path))
        .header("accept-encoding", "br")
        .send()
        .await
        .unwrap();
    assert_eq!(br.headers()["content-encoding"], "br");
    assert_eq!(br.headers()["vary"], "accept-encoding");
    let bytes = br.bytes().await.unwrap();
    let mut unpacked = String::new();
    brotli::Decompressor::new(&bytes[..], 4096)
        .read_to_string(&mut unpacked)
        .unwrap();
    assert_eq!(unpacked, plain);

    // The corrected indicator's finding is withdrawn: the kept page is not served again.
    let consent = |value: String| {
        let db = app.state.db.clone();
        async move {
            db.query("UPDATE evidence SET consent = $value WHERE key = 'be-2019-indicator-01'")
                .bind(("value", value))
                .await
                .unwrap()
                .check()
                .unwrap();
        }
    };
    let given: Option<String> = app
        .state
        .db
        .query("SELECT VALUE consent FROM ONLY evidence WHERE key = 'be-2019-indicator-01' LIMIT 1")
        .await
        .unwrap()
        .take(0)
        .unwrap();
    let given = given.expect("the demo's indicator");
    assert_ne!(given, "withdrawn");
    assert!(
        plain.contains("<code>be-2019-indicator-01</code>"),
        "{plain}"
    );
    consent("withdrawn".into()).await;
    wait_until(
        WITHDRAWAL_REACHES_READERS,
        "the withdrawal shows",
        || async { page().await != plain },
    )
    .await;
    let hidden = page().await;
    assert!(!hidden.contains("Indicator values changed"), "{hidden}");
    consent(given).await;
    wait_until(
        WITHDRAWAL_REACHES_READERS,
        "the consent given back shows",
        || async { page().await == plain },
    )
    .await;
}
