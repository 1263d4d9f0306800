//! The search engine as readers meet it: each finding found by its own language's words,
//! odd input answered with a list, a stale index never showing what a reader may not see, a
//! change reaching another instance, and the index rebuilt after a restart.
use crate::helpers::*;
use groundwork::domain::evidence::EvidenceInput;
use groundwork::store::evidence::{self, Author};
use std::time::{Duration, Instant};

/// The keys and total a library search answers, for a visitor or a member.
async fn found(app: &TestApp, q: &str, cookie: Option<&str>) -> (Vec<String>, u64) {
    let query: String = form_urlencoded::byte_serialize(q.as_bytes()).collect();
    let response = app
        .fetch(&format!("/fn/evidence_library?filter[q]={query}"), cookie)
        .await;
    assert_eq!(response.status(), 200, "{q:?}");
    let body = json(response).await;
    (
        strings(&body["results"]["items"], "key"),
        body["results"]["total"].as_u64().unwrap(),
    )
}

/// Writes a finding straight through the store, as another instance's request would.
async fn add_finding(db: &groundwork::store::Db, key: &str, language: &str, text: &str) {
    let mut response = db
        .query("SELECT VALUE record::id(id) FROM assessment ORDER BY title LIMIT 1")
        .await
        .unwrap();
    let assessment: Vec<String> = response.take(0).unwrap();
    let fields = EvidenceInput {
        key: key.into(),
        kind: "testimony".into(),
        text: text.into(),
        country: "HU".into(),
        region: "Central and Eastern Europe".into(),
        collected_on: "2024-05-04".into(),
        language: language.into(),
        tags: "inclusion".into(),
        consent: "given".into(),
        visibility: "public".into(),
        ..Default::default()
    }
    .validate()
    .expect("a valid finding");
    let author = Author {
        member_id: None,
        action: groundwork::domain::evidence_history::ChangeAction::Imported,
        source: "test",
    };
    evidence::import(db, &assessment[0], &[fields], author)
        .await
        .expect("imported");
}

#[tokio::test]
async fn each_language_is_found_by_its_own_word_forms_with_or_without_accents() {
    let app = TestApp::spawn().await;
    let editor = app.sign_in(EDITOR, PASSWORD).await;
    // The demo's Hungarian, Portuguese and French testimonies, by other forms of their words.
    for (q, key) in [
        ("táborban", "hu-2019-testimony-01"),
        ("taborban", "hu-2019-testimony-01"),
        ("Setubal", "pt-2019-testimony-01"),
        ("chantiers", "fr-2019-testimony-01"),
    ] {
        let (keys, _) = found(&app, q, Some(&editor)).await;
        assert!(
            keys.contains(&key.to_string()),
            "{q:?} finds {key}: {keys:?}"
        );
    }
    add_finding(
        &app.state.db,
        "hu-2024-testimony-77",
        "hu",
        "Az önkéntesek Győrben egy közösségi kertet építettek.",
    )
    .await;
    app.state.evidence_changed().await;
    for q in [
        "önkéntes",
        "onkentes",
        "gyorben",
        "kert",
        "hu-2024-testimony-77",
    ] {
        assert_eq!(
            found(&app, q, None).await.0.first().map(String::as_str),
            Some("hu-2024-testimony-77"),
            "{q:?}"
        );
    }
}

#[tokio::test]
async fn odd_queries_answer_a_list_never_an_error() {
    let app = TestApp::spawn().await;
    let long = "camp ".repeat(40);
    for q in [
        "\"",
        ":",
        "*",
        "(",
        "-",
        "AND",
        "OR NOT",
        "\"work camp",
        "camp)",
        "the of and",
        "تطوع",
        "志愿者",
        "a:b*c(d)-e",
        long.trim(),
    ] {
        found(&app, q, None).await;
    }
    let (keys, _) = found(&app, "\"work camp\"", None).await;
    let (loose, _) = found(&app, "camp work", None).await;
    assert!(
        keys.iter().all(|k| loose.contains(k)),
        "a phrase finds no more than its words"
    );
}

#[tokio::test]
async fn a_stale_index_never_shows_what_the_reader_may_not_see() {
    let app = TestApp::spawn().await;
    add_finding(
        &app.state.db,
        "hu-2024-testimony-78",
        "en",
        "The xylophone workshop brought the village together.",
    )
    .await;
    app.state.evidence_changed().await;
    assert_eq!(
        found(&app, "xylophone", None).await.0,
        ["hu-2024-testimony-78"]
    );
    // Changed behind the engine's back (no feed row): the index still holds the old values.
    app.state
        .db
        .query("UPDATE evidence SET consent = 'withdrawn' WHERE key = 'hu-2024-testimony-78'")
        .await
        .unwrap()
        .check()
        .unwrap();
    assert!(
        found(&app, "xylophone", None).await.0.is_empty(),
        "withdrawn"
    );
    app.state
        .db
        .query(
            "UPDATE evidence SET consent = 'given', visibility = 'members'
             WHERE key = 'hu-2024-testimony-78'",
        )
        .await
        .unwrap()
        .check()
        .unwrap();
    assert!(
        found(&app, "xylophone", None).await.0.is_empty(),
        "members only"
    );
    let member = app.sign_in(MEMBER, PASSWORD).await;
    assert_eq!(
        found(&app, "xylophone", Some(&member)).await.0,
        ["hu-2024-testimony-78"],
        "members still see it"
    );
}

#[tokio::test]
async fn a_change_reaches_another_instance_within_a_poll() {
    let first = TestApp::spawn().await;
    let second = TestApp::spawn_with_db(first.state.db.clone()).await;
    assert!(found(&second, "glockenspiel", None).await.0.is_empty());
    let written = Instant::now();
    add_finding(
        &first.state.db,
        "hu-2024-testimony-79",
        "en",
        "A glockenspiel came with the volunteers from Vienna.",
    )
    .await;
    let other = &second;
    wait_until(
        Duration::from_secs(10),
        "the other instance finds it",
        move || async move {
            found(other, "glockenspiel", None).await.0 == ["hu-2024-testimony-79"]
        },
    )
    .await;
    println!(
        "searchable on the other instance after {:?}",
        written.elapsed()
    );
}

#[tokio::test]
async fn the_index_is_built_again_after_a_restart() {
    let dir = tempfile::tempdir().unwrap();
    let endpoint = format!("surrealkv://{}/db", dir.path().display());
    let app = TestApp::spawn_on(&endpoint).await;
    add_finding(
        &app.state.db,
        "hu-2024-testimony-80",
        "en",
        "The accordion player taught everyone a folk dance.",
    )
    .await;
    app.stop().await;
    let app = TestApp::spawn_on(&endpoint).await;
    assert_eq!(
        found(&app, "accordion", None).await.0,
        ["hu-2024-testimony-80"]
    );
    assert!(found(&app, "mentor", None).await.1 > 0, "the demo data too");
    app.stop().await;
}

#[tokio::test]
async fn the_csv_export_of_a_search_holds_its_matches() {
    let app = TestApp::spawn().await;
    let (keys, total) = found(&app, "mentor", None).await;
    let response = app.get("/evidence.csv?q=mentor", None).await;
    assert_eq!(response.status(), 200);
    let body = response.text().await.unwrap();
    let rows = body.lines().count() - 1;
    assert_eq!(rows as u64, total, "{body}");
    assert!(keys.iter().all(|k| body.contains(k.as_str())));
}

#[tokio::test]
async fn the_citation_picker_lists_the_first_matches_the_reader_may_see() {
    let app = TestApp::spawn().await;
    let editor = app.sign_in(EDITOR, PASSWORD).await;
    let (library, _) = found(&app, "camp", Some(&editor)).await;
    let response = app
        .fetch("/fn/evidence_to_cite?q=camp", Some(&editor))
        .await;
    assert_eq!(response.status(), 200);
    let picks = json(response).await;
    let keys = strings(&picks, "key");
    // The library's order, at most eight, each with the start of its text.
    assert!(!keys.is_empty() && keys.len() <= 8, "{keys:?}");
    assert_eq!(
        keys,
        library.into_iter().take(keys.len()).collect::<Vec<_>>()
    );
    for pick in picks.as_array().unwrap() {
        let snippet = pick["snippet"].as_str().unwrap();
        assert!(
            !snippet.is_empty() && snippet.chars().count() <= 140,
            "{snippet}"
        );
    }
    // A visitor is offered no members-only finding, as in the library.
    let (visible, _) = found(&app, "camp", None).await;
    let response = app.fetch("/fn/evidence_to_cite?q=camp", None).await;
    for key in strings(&json(response).await, "key") {
        assert!(
            visible.contains(&key),
            "{key} is not in the visitor's library"
        );
    }
    // Input over the library's limit is refused clearly, not cut silently.
    let long = "a".repeat(10_000);
    let response = app
        .fetch(&format!("/fn/evidence_to_cite?q={long}"), Some(&editor))
        .await;
    assert!(response.status().is_client_error(), "{}", response.status());
}
