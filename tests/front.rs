//! The front door (`/`): the published papers listed for everyone, and the text of their
//! latest versions searched through the engine. A draft's words are never found; a new
//! version is found at once on the instance that published it and within a poll on another.
use crate::helpers::*;
use std::time::Duration;

const DEMO: &str = "inclusive-volunteering";

async fn front(app: &TestApp, q: &str) -> serde_json::Value {
    let query: String = form_urlencoded::byte_serialize(q.as_bytes()).collect();
    let response = app.fetch(&format!("/fn/front_page?q={query}"), None).await;
    assert_eq!(response.status(), 200, "{q:?}");
    json(response).await
}

/// The slugs of the papers a search found, best first.
async fn found(app: &TestApp, q: &str) -> Vec<String> {
    strings(&front(app, q).await["matches"], "slug")
}

/// A new paper by Marco whose one paragraph says `text`; answers its slug.
async fn paper_saying(app: &TestApp, marco: &str, title: &str, text: &str) -> String {
    let slug = app.new_paper(marco, title).await;
    let imported = app
        .call(
            "import_markdown",
            &[("slug", &slug), ("markdown", text)],
            Some(marco),
        )
        .await;
    assert_eq!(imported.status(), 200, "{}", imported.text().await.unwrap());
    slug
}

async fn publish(app: &TestApp, marco: &str, slug: &str, number: &str) {
    let response = app
        .call(
            "publish_paper",
            &[
                ("slug", slug),
                ("number", number),
                ("release_notes", "For the front page."),
            ],
            Some(marco),
        )
        .await;
    assert_eq!(response.status(), 200, "{}", response.text().await.unwrap());
}

#[tokio::test]
async fn visitors_find_the_published_papers_on_the_front_page() {
    let app = TestApp::spawn().await;
    let marco = app.sign_in(EDITOR, PASSWORD).await;
    paper_saying(&app, &marco, "A draft nobody may read yet", "Draft words.").await;

    let html = app.get("/", None).await.text().await.unwrap();
    assert!(html.contains("Inclusive volunteering"), "{html}");
    assert!(html.contains(&format!("href=\"/papers/{DEMO}\"")), "{html}");
    assert!(
        html.contains("twenty member and partner organisations"),
        "the lead: {html}"
    );
    assert!(
        !html.contains("Draft for consultation"),
        "the draft's summary: {html}"
    );
    assert!(
        html.contains(&format!("href=\"/papers/{DEMO}/compare/1/2\"")),
        "{html}"
    );
    assert!(!html.contains("No paper has been published yet"), "{html}");
    assert!(!html.contains("A draft nobody may read yet"), "{html}");

    let page = front(&app, "").await;
    assert!(page["matches"].is_null(), "no search, no results: {page}");
    assert_eq!(strings(&page["papers"], "slug"), [DEMO]);
    assert_eq!(page["papers"][0]["number"], 2);
    assert!(
        page["papers"][0]["lead"]
            .as_str()
            .unwrap()
            .starts_with("Between 2019 and 2020")
    );
    assert!(
        page["papers"][0]["published_at"]
            .as_str()
            .unwrap()
            .ends_with('Z')
    );
}

#[tokio::test]
async fn the_published_text_is_searched_and_a_draft_is_not() {
    let app = TestApp::spawn().await;
    let marco = app.sign_in(EDITOR, PASSWORD).await;

    // The demo's v2, by another form of a word it uses ("judged"), linked to its block.
    let page = front(&app, "judging").await;
    assert_eq!(strings(&page["matches"], "slug"), [DEMO]);
    let demo = &page["matches"][0];
    assert_eq!(demo["number"], 2);
    let passage = &demo["passages"][0];
    assert!(!passage["block"].as_str().unwrap().is_empty(), "{demo}");
    assert!(
        passage["segments"]
            .as_array()
            .unwrap()
            .iter()
            .any(|s| s["matched"] == true && s["text"] == "judged"),
        "{demo}"
    );
    let html = app.get("/?q=judging", None).await.text().await.unwrap();
    assert!(
        html.contains(&format!(
            "href=\"/papers/{DEMO}/v/2#block-{}\"",
            passage["block"].as_str().unwrap()
        )),
        "{html}"
    );
    assert!(html.contains("<mark>judged</mark>"), "{html}");

    // A draft is nobody's to read: its words are not found until it is published.
    let slug = paper_saying(
        &app,
        &marco,
        "Seaside workcamps",
        "Quokkas were seen near the seaside workcamp.",
    )
    .await;
    assert!(found(&app, "quokka").await.is_empty());
    publish(&app, &marco, &slug, "1").await;
    // Found at once on the instance that published it, by its title too.
    assert_eq!(found(&app, "quokka").await, [slug.as_str()]);
    assert_eq!(found(&app, "seaside workcamps").await, [slug.as_str()]);
    let listed = front(&app, "").await;
    assert_eq!(strings(&listed["papers"], "slug")[0], slug, "latest first");

    // The next draft's words wait for its version; the published ones stay found.
    let workspace = json(
        app.fetch(&format!("/fn/draft_workspace?slug={slug}"), Some(&marco))
            .await,
    )
    .await;
    let block = workspace["blocks"][0]["id"].as_str().unwrap().to_string();
    let saved = app
        .call(
            "save_block",
            &[
                ("slug", slug.as_str()),
                ("block", &block),
                ("rev", &workspace["blocks"][0]["rev"].to_string()),
                ("kind", "text"),
                ("text", "Wombats replaced the quokkas."),
            ],
            Some(&marco),
        )
        .await;
    assert_eq!(saved.status(), 200, "{}", saved.text().await.unwrap());
    assert!(found(&app, "wombats").await.is_empty());
    publish(&app, &marco, &slug, "2").await;
    assert_eq!(found(&app, "wombats").await, [slug.as_str()]);
    assert!(
        found(&app, "seaside near").await.is_empty(),
        "the old version's words went with it"
    );
}

#[tokio::test]
async fn a_version_published_on_another_instance_is_found_there_within_a_poll() {
    let first = TestApp::spawn().await;
    let second = TestApp::spawn_with_db(first.state.db.clone()).await;
    let marco = first.sign_in(EDITOR, PASSWORD).await;
    let slug = paper_saying(&first, &marco, "Mountain huts", "Ibexes visit the hut.").await;
    assert!(found(&second, "ibexes").await.is_empty());
    publish(&first, &marco, &slug, "1").await;
    let other = &second;
    wait_until(
        Duration::from_secs(10),
        "the other instance finds the new version",
        move || {
            let slug = slug.clone();
            async move { found(other, "ibexes").await == [slug] }
        },
    )
    .await;
}

#[tokio::test]
async fn odd_searches_answer_a_list_and_a_long_one_a_clear_error_keeping_it() {
    let app = TestApp::spawn().await;
    for q in [
        "\"",
        "*:()",
        "AND OR",
        "<script>",
        "日本語",
        "\"workcamp",
        "-",
        "%00",
    ] {
        let page = front(&app, q).await;
        assert!(page["matches"].is_array(), "{q:?}: {page}");
    }
    let long = "w".repeat(201);
    let response = app.fetch(&format!("/fn/front_page?q={long}"), None).await;
    assert_eq!(response.status(), 422);
    let body = json(response).await;
    assert!(body.to_string().contains("\"q\""), "{body}");

    let page = app.get(&format!("/?q={long}"), None).await;
    let status = page.status().as_u16();
    let html = page.text().await.unwrap();
    assert_eq!(status, 422, "{html}");
    assert!(html.contains("200"), "the limit is said: {html}");
    assert!(
        html.contains(&format!("value=\"{long}\"")),
        "what was typed stays: {html}"
    );
}

/// leptos_meta reads a title after the page has rendered, outside the request's reactive
/// arena: a title that reads a signal then can panic (see `app/components/page_title.rs`).
/// Every page sets its title through `PageTitle`, which takes a plain string.
#[test]
fn every_page_title_is_a_plain_string_made_while_rendering() {
    fn sources(dir: &std::path::Path, found: &mut Vec<std::path::PathBuf>) {
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                sources(&path, found);
            } else if path.extension().is_some_and(|e| e == "rs") {
                found.push(path);
            }
        }
    }
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = vec![root.join("app.rs")];
    sources(&root.join("app"), &mut files);
    let mut titles = 0;
    for file in &files {
        let text = std::fs::read_to_string(file).unwrap();
        let shown = file.strip_prefix(&root).unwrap().display().to_string();
        titles += text.matches("<PageTitle text=").count();
        assert!(
            !text.contains("<PageTitle text=move"),
            "{shown}: a page title is a string, not a closure"
        );
        if shown != "app/components/page_title.rs" && shown != "app.rs" {
            assert!(
                !text.contains("<Title"),
                "{shown}: set the title with PageTitle, not leptos_meta's Title"
            );
        }
        if shown == "app.rs" {
            for title in text.match_indices("<Title").map(|(i, _)| &text[i..]) {
                let tag = &title[..title.find("/>").unwrap()];
                assert!(!tag.contains("text=move"), "app.rs: {tag}");
            }
        }
    }
    assert!(titles >= 20, "the pages' titles were found ({titles})");
}

#[tokio::test]
async fn each_page_is_titled_in_the_readers_language() {
    let app = TestApp::spawn().await;
    let title = |html: &str| {
        let start = html.find("<title>").map(|i| i + "<title>".len());
        let end = html.find("</title>");
        match (start, end) {
            (Some(start), Some(end)) if start <= end => html[start..end].to_string(),
            _ => panic!("no title in {html:.400}"),
        }
    };
    let html = app.get("/", None).await.text().await.unwrap();
    assert_eq!(title(&html), "Papers · Groundwork");
    let html = app.get("/login", None).await.text().await.unwrap();
    assert_eq!(title(&html), "Sign in · Groundwork");
    let french = TestApp::client()
        .get(app.url("/login"))
        .header("accept", "text/html")
        .header("cookie", "i18n_pref_locale=fr")
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert_eq!(title(&french), "Connexion · Groundwork");
    // A title from the page's data: the draft's is the paper's.
    let marco = app.sign_in(EDITOR, PASSWORD).await;
    let draft = app
        .get(&format!("/papers/{DEMO}/draft"), Some(&marco))
        .await
        .text()
        .await
        .unwrap();
    let paper = groundwork::store::papers::by_slug(&app.state.db, DEMO)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(title(&draft), format!("{} · Groundwork", paper.title));
}
