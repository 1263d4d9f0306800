use crate::helpers::*;

impl TestApp {
    async fn library(&self, query: &str, cookie: Option<&str>) -> serde_json::Value {
        let response = self
            .fetch(&format!("/fn/evidence_library?{query}"), cookie)
            .await;
        assert_eq!(response.status(), 200, "{query}");
        json(response).await
    }
}

fn keys(library: &serde_json::Value) -> Vec<String> {
    strings(&library["results"]["items"], "key")
}

/// A database on disk that `sql` has put back as an earlier schema left it, and the app
/// started again on it (which brings the schema up to date). The folder lives as long as the
/// returned guard.
async fn restarted_after(sql: &str) -> (tempfile::TempDir, TestApp) {
    let dir = tempfile::tempdir().unwrap();
    let endpoint = format!("surrealkv://{}/db", dir.path().display());
    let app = TestApp::spawn_on(&endpoint).await;
    app.state.db.query(sql).await.unwrap().check().unwrap();
    app.stop().await;
    (dir, TestApp::spawn_on(&endpoint).await)
}

#[tokio::test]
async fn the_demo_library_spans_twenty_countries_and_four_regions() {
    let app = TestApp::spawn().await;
    let editor = app.sign_in(EDITOR, PASSWORD).await;
    let all = app.library("filter[page]=1", Some(&editor)).await;
    assert!(all["results"]["total"].as_u64().unwrap() >= 60);
    assert_eq!(all["facets"]["countries"].as_array().unwrap().len(), 20);
    assert_eq!(all["facets"]["regions"].as_array().unwrap().len(), 4);
    assert_eq!(all["assessments"].as_array().unwrap().len(), 2);
    assert_eq!(
        all["results"]["items"].as_array().unwrap().len(),
        25,
        "paginated"
    );
    assert_eq!(all["results"]["pages"], 3);
    // The pages follow one another: every finding on one of them, none on two.
    let mut seen = keys(&all);
    for page in 2..=3 {
        let next = app
            .library(&format!("filter[page]={page}"), Some(&editor))
            .await;
        assert_eq!(next["results"]["total"], all["results"]["total"]);
        seen.extend(keys(&next));
    }
    assert_eq!(seen.len() as u64, all["results"]["total"].as_u64().unwrap());
    let distinct: std::collections::HashSet<_> = seen.iter().collect();
    assert_eq!(distinct.len(), seen.len());
}

/// The library's filter values and assessment counts come from the search engine once its
/// index is built, from the database before: both say the same for every audience.
#[tokio::test]
async fn the_engine_counts_the_library_as_the_database_does() {
    use groundwork::domain::evidence::Audience;
    let app = TestApp::spawn().await;
    for (members_only, withdrawn) in [(false, false), (true, false), (true, true)] {
        let audience = Audience {
            include_members_only: members_only,
            include_withdrawn: withdrawn,
        };
        let counted = app.state.search.library_counts(audience).unwrap();
        let facets = groundwork::store::evidence::facets(&app.state.db, audience)
            .await
            .unwrap();
        assert_eq!(counted.facets, facets, "{audience:?}");
        let listed = groundwork::store::assessments::list(&app.state.db, audience)
            .await
            .unwrap();
        assert!(!listed.is_empty());
        for assessment in listed {
            let engine = counted.per_assessment.get(&assessment.id).copied();
            assert_eq!(
                engine.unwrap_or(0) as i64,
                assessment.items,
                "{} for {audience:?}",
                assessment.id
            );
        }
    }
}

#[tokio::test]
async fn each_audience_sees_what_it_may() {
    let app = TestApp::spawn().await;
    let member = app.sign_in(MEMBER, PASSWORD).await;
    let editor = app.sign_in(EDITOR, PASSWORD).await;
    let count = |v: &serde_json::Value| v["results"]["total"].as_u64().unwrap();
    let public = app.library("filter[page]=1", None).await;
    let members = app.library("filter[page]=1", Some(&member)).await;
    let editors = app.library("filter[page]=1", Some(&editor)).await;
    assert!(
        count(&public) < count(&members),
        "members also see members-only items"
    );
    assert!(
        count(&members) < count(&editors),
        "editors also see withdrawn items"
    );

    // The withdrawn testimony: editors only, flagged.
    let withdrawn = "gr-2019-testimony-01";
    assert_eq!(
        app.fetch(&format!("/fn/evidence_item?key={withdrawn}"), None)
            .await
            .status(),
        404
    );
    assert_eq!(
        app.fetch(&format!("/fn/evidence_item?key={withdrawn}"), Some(&member))
            .await
            .status(),
        404
    );
    let seen = json(
        app.fetch(&format!("/fn/evidence_item?key={withdrawn}"), Some(&editor))
            .await,
    )
    .await;
    assert_eq!(seen["detail"]["consent"], "withdrawn");
    let page = app
        .get(&format!("/evidence/{withdrawn}"), Some(&editor))
        .await
        .text()
        .await
        .unwrap();
    assert!(page.contains("Consent withdrawn: do not cite"));

    // A members-only item: not for the public, fine for members.
    let members_only = members["results"]["items"]
        .as_array()
        .unwrap()
        .iter()
        .chain(
            app.library("filter[visibility]=members", Some(&member))
                .await["results"]["items"]
                .as_array()
                .unwrap(),
        )
        .find(|i| i["visibility"] == "members")
        .map(|i| i["key"].as_str().unwrap().to_string())
        .expect("a members-only item");
    assert_eq!(
        app.fetch(&format!("/fn/evidence_item?key={members_only}"), None)
            .await
            .status(),
        404
    );
    assert_eq!(
        app.fetch(
            &format!("/fn/evidence_item?key={members_only}"),
            Some(&member)
        )
        .await
        .status(),
        200
    );
    assert_eq!(
        app.get(&format!("/evidence/{members_only}"), None)
            .await
            .status(),
        404
    );
    // Public visitors cannot ask for what they may not see, even by filter.
    let sneaky = app
        .library("filter[consent]=withdrawn&filter[visibility]=members", None)
        .await;
    assert_eq!(sneaky["results"]["total"], 0);
}

#[tokio::test]
async fn search_ranks_the_better_match_first_and_highlights_it() {
    let app = TestApp::spawn().await;
    let results = app.library("filter[q]=mentor", None).await;
    let found = keys(&results);
    assert!(!found.is_empty());
    // The Dutch testimony mentions the mentor twice ("My mentor", "her") and the indicator
    // "Mentored volunteers ... with their mentor" twice: both rank above anything else.
    assert!(
        found[..2].contains(&"nl-2019-testimony-01".to_string()),
        "{found:?}"
    );
    let first = &results["results"]["items"][0];
    assert!(
        first["snippet"]
            .as_array()
            .unwrap()
            .iter()
            .any(|s| s["matched"] == true),
        "highlighted"
    );

    let none = app.library("filter[q]=xylophone", None).await;
    assert_eq!(none["results"]["total"], 0);

    // Stemming: "volunteering" finds "volunteered"/"volunteers".
    let stemmed = app.library("filter[q]=volunteering", None).await;
    assert!(stemmed["results"]["total"].as_u64().unwrap() > 0);
}

#[tokio::test]
async fn a_database_from_before_the_search_engine_loses_its_fulltext_index() {
    // As schema 3 left it: SurrealDB's full-text index over every finding.
    let (_dir, app) = restarted_after(
        "DEFINE ANALYZER evidence_words TOKENIZERS blank, class, punct FILTERS lowercase, ascii, snowball(english);
         DEFINE INDEX evidence_text_search ON evidence FIELDS text FULLTEXT ANALYZER evidence_words BM25;
         UPSERT schema_version:current SET version = 3;",
    )
    .await;
    let mut response = app
        .state
        .db
        .query(
            "(INFO FOR TABLE evidence).indexes.evidence_text_search;
             (INFO FOR DB).analyzers.evidence_words;
             SELECT VALUE version FROM ONLY schema_version:current",
        )
        .await
        .unwrap();
    let index: Option<String> = response.take(0).unwrap();
    let analyzer: Option<String> = response.take(1).unwrap();
    let version: Option<i64> = response.take(2).unwrap();
    assert_eq!(version, Some(groundwork::store::SCHEMA_VERSION));
    assert_eq!(index, None, "the FULLTEXT index is gone");
    assert_eq!(analyzer, None, "and its analyser with it");
    // Search still finds and marks, through the engine built from the same findings.
    let after = app.library("filter[q]=mentor", None).await;
    assert!(keys(&after).contains(&"nl-2019-testimony-01".to_string()));
    assert!(
        after["results"]["items"][0]["snippet"]
            .as_array()
            .unwrap()
            .iter()
            .any(|s| s["matched"] == true)
    );
    app.stop().await;
}

#[tokio::test]
async fn a_database_from_before_gets_the_closed_sets_as_types_and_still_refuses_what_is_outside_them()
 {
    // As schema 6 left them: the closed sets checked by ASSERTs.
    let (_dir, app) = restarted_after(
        "DEFINE FIELD OVERWRITE consent ON evidence TYPE string
             ASSERT $value IN ['given', 'anonymised', 'withdrawn'];
         DEFINE FIELD OVERWRITE kind ON evidence TYPE string
             ASSERT $value IN ['testimony', 'indicator', 'observation', 'swot'];",
    )
    .await;
    let mut response = app
        .state
        .db
        .query("(INFO FOR TABLE evidence).fields.consent; (INFO FOR TABLE evidence).fields.kind")
        .await
        .unwrap();
    let consent: Option<String> = response.take(0).unwrap();
    let kind: Option<String> = response.take(1).unwrap();
    let (consent, kind) = (consent.unwrap(), kind.unwrap());
    assert!(
        !consent.contains("ASSERT") && consent.contains("'withdrawn'"),
        "{consent}"
    );
    assert!(
        !kind.contains("ASSERT") && kind.contains("'swot'"),
        "{kind}"
    );
    // The stored findings still read, and what is outside each set is refused by the database.
    let library = app.library("filter[q]=mentor", None).await;
    assert!(keys(&library).contains(&"nl-2019-testimony-01".to_string()));
    for (field, value) in [
        ("consent", "maybe"),
        ("kind", "rumour"),
        ("visibility", "everyone"),
    ] {
        let refused = app
            .state
            .db
            .query(format!(
                "UPDATE evidence SET {field} = $value WHERE key = 'nl-2019-testimony-01'"
            ))
            .bind(("value", value))
            .await
            .unwrap()
            .check();
        assert!(refused.is_err(), "{field} = {value} was stored");
    }
    app.stop().await;
}

/// A starting instance indexes every finding as the database has it; a change already in the
/// search feed when it starts is in what it read, so its first look at the feed does not read
/// that finding again, while a change made after it started is applied.
#[tokio::test]
async fn a_starting_instance_does_not_read_again_what_it_has_just_built_from() {
    let app = TestApp::spawn().await;
    let db = &app.state.db;
    let mut response = db
        .query("SELECT VALUE id FROM evidence ORDER BY key LIMIT 2")
        .await
        .unwrap();
    let ids: Vec<surrealdb::types::RecordId> = response.take(0).unwrap();
    let feed = |id: &surrealdb::types::RecordId| {
        db.query("UPDATE $id SET text = text + ' (saved again)'; CREATE search_feed CONTENT { finding: $id };")
            .bind(("id", id.clone()))
    };
    // Saved a moment before the second instance starts (within the feed's overlap).
    feed(&ids[0]).await.unwrap().check().unwrap();
    // Built here rather than started, so that no poller reads the feed before this test does.
    let engine = groundwork::search::Engine::new().unwrap();
    assert!(engine.build(db).await.unwrap() > 0);
    assert_eq!(engine.catch_up(db).await.unwrap(), 0, "read again at start");
    feed(&ids[1]).await.unwrap().check().unwrap();
    assert_eq!(engine.catch_up(db).await.unwrap(), 1, "a later change");
}

#[tokio::test]
async fn filters_combine() {
    let app = TestApp::spawn().await;
    let hu = app.library("filter[country]=HU", None).await;
    assert!(
        keys(&hu).iter().all(|k| k.starts_with("hu-")),
        "{:?}",
        keys(&hu)
    );
    let swot_threats = app.library("filter[kind]=swot&filter[q]=costs", None).await;
    assert!(keys(&swot_threats).iter().all(|k| k.contains("swot")));
    assert!(!keys(&swot_threats).is_empty());
    let region = app
        .library(
            "filter[region]=Southern%20Europe&filter[kind]=indicator",
            None,
        )
        .await;
    assert_eq!(region["results"]["total"], 4);
}

#[tokio::test]
async fn bad_filters_are_refused_clearly() {
    let app = TestApp::spawn().await;
    let long = "x".repeat(300);
    let response = app
        .fetch(&format!("/fn/evidence_library?filter[q]={long}"), None)
        .await;
    assert_eq!(response.status(), 422);
    // Search syntax characters are just text.
    for q in ["%22%27%3B%20DROP", "%40%40", "*", "%3Cscript%3E"] {
        let response = app
            .fetch(&format!("/fn/evidence_library?filter[q]={q}"), None)
            .await;
        assert_eq!(response.status(), 200, "{q}");
    }
    assert_eq!(
        app.get("/evidence?page=99999999999", None).await.status(),
        200
    );
    assert_eq!(app.get("/evidence/no-such-key", None).await.status(), 404);
    assert_eq!(app.get("/assessments/nope", None).await.status(), 404);
}

#[tokio::test]
async fn pages_render_without_javascript() {
    let app = TestApp::spawn().await;
    let library = app.get("/evidence?q=mentor", None).await;
    assert_eq!(library.status(), 200);
    let html = library.text().await.unwrap();
    assert!(
        html.contains("<mark>"),
        "matches are highlighted in the HTML"
    );
    assert!(html.contains("nl-2019-testimony-01"));
    let item = app
        .get("/evidence/hu-2019-indicator-01", None)
        .await
        .text()
        .await
        .unwrap();
    assert!(item.contains("41 %"));
    assert!(item.contains("[@hu-2019-indicator-01]"));
    let assessment_link = first_assessment_link(&item);
    let assessment = app
        .get(&format!("/assessments/{assessment_link}"), None)
        .await;
    assert_eq!(assessment.status(), 200);
    assert!(
        assessment
            .text()
            .await
            .unwrap()
            .contains("first field phase")
    );
}

#[tokio::test]
async fn an_assessment_page_number_out_of_range_is_a_normal_page() {
    let app = TestApp::spawn().await;
    let item = app
        .get("/evidence/hu-2019-indicator-01", None)
        .await
        .text()
        .await
        .unwrap();
    let assessment = first_assessment_link(&item);
    for page in ["0", "1", "4294967295", "18446744073709551615"] {
        let html = app
            .get(&format!("/assessments/{assessment}?page={page}"), None)
            .await;
        assert_eq!(html.status(), 200, "page {page}");
        let answer = app
            .fetch(&format!("/fn/assessment?id={assessment}&page={page}"), None)
            .await;
        assert_eq!(answer.status(), 200, "server function, page {page}");
        let answer = json(answer).await;
        assert!(answer["items"]["page"].as_u64().unwrap() >= 1, "{answer}");
    }
}

/// The id in a page's first link to an assessment (a finding's page links its assessment).
fn first_assessment_link(html: &str) -> String {
    html.split("href=\"/assessments/")
        .nth(1)
        .expect("the page links an assessment")
        .split('"')
        .next()
        .unwrap_or_default()
        .to_string()
}
