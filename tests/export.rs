//! The evidence export streams, a page of findings at a time (issue 14, finding 6): the file
//! is byte for byte what writing every finding at once made, for the demo data and for an
//! export of several pages.
use crate::helpers::*;
use groundwork::domain::evidence::Audience;
use groundwork::domain::evidence_csv;
use groundwork::domain::evidence_views::EvidenceFilter;
use groundwork::store;

/// The file as the export wrote it before it streamed: every finding read at once (in key
/// order, or for search words in the search engine's order), then written whole.
async fn written_at_once(app: &TestApp, filter: &EvidenceFilter, audience: Audience) -> Vec<u8> {
    let all = match app
        .state
        .search
        .rank(filter, audience, 0, evidence_csv::MAX_ROWS)
        .unwrap()
    {
        Some(matches) => store::evidence::export_ids(&app.state.db, &matches.ids, filter, audience)
            .await
            .unwrap(),
        None => store::evidence::export_page(
            &app.state.db,
            filter,
            audience,
            None,
            evidence_csv::MAX_ROWS,
        )
        .await
        .unwrap(),
    };
    evidence_csv::write(&all).unwrap()
}

async fn exported(app: &TestApp, query: &str, cookie: Option<&str>) -> (http::HeaderMap, Vec<u8>) {
    let response = app.get(&format!("/evidence.csv{query}"), cookie).await;
    assert_eq!(response.status(), 200, "{query}");
    let headers = response.headers().clone();
    (headers, response.bytes().await.unwrap().to_vec())
}

#[tokio::test]
async fn the_demo_export_is_what_writing_it_at_once_made() {
    let app = TestApp::spawn().await;
    let editor = app.sign_in(EDITOR, PASSWORD).await;
    let editors = Audience::of(Some(groundwork::domain::accounts::Role::Editor));
    let hungary = EvidenceFilter {
        country: "HU".into(),
        ..Default::default()
    };
    let camps = EvidenceFilter {
        q: "camp".into(),
        ..Default::default()
    };
    for (query, filter, cookie, audience) in [
        ("", EvidenceFilter::default(), None, Audience::of(None)),
        (
            "",
            EvidenceFilter::default(),
            Some(editor.as_str()),
            editors,
        ),
        ("?country=HU", hungary, None, Audience::of(None)),
        ("?q=camp", camps, Some(editor.as_str()), editors),
    ] {
        let (_, body) = exported(&app, query, cookie).await;
        let expected = written_at_once(&app, &filter, audience).await;
        assert!(body.len() > 200, "{query}: some findings");
        assert_eq!(
            String::from_utf8(body).unwrap(),
            String::from_utf8(expected).unwrap(),
            "{query}"
        );
    }
}

#[tokio::test]
async fn a_large_export_streams_in_pages_and_loses_no_finding() {
    let app = TestApp::spawn().await;
    let db = &app.state.db;
    let assessment: Vec<String> = db
        .query("SELECT VALUE record::id(id) FROM assessment ORDER BY title LIMIT 1")
        .await
        .unwrap()
        .take(0)
        .unwrap();
    // More than two of the export's pages, with keys that sort between the demo's.
    const MORE: usize = 2_345;
    let items: Vec<_> = (0..MORE)
        .map(|n| {
            groundwork::domain::evidence::EvidenceInput {
                key: format!("fr-2022-bulk-{n:05}"),
                kind: "testimony".into(),
                text: format!("=Bulk finding {n}, with a formula to neutralise."),
                unit: String::new(),
                country: "FR".into(),
                collected_on: "2022-03-01".into(),
                language: "fr".into(),
                tags: "bulk, @tag".into(),
                consent: "given".into(),
                visibility: "public".into(),
                ..Default::default()
            }
            .validate()
            .unwrap()
        })
        .collect();
    let author = store::evidence::Author {
        member_id: None,
        action: groundwork::domain::evidence_history::ChangeAction::Imported,
        source: "bulk",
    };
    store::evidence::import(db, &assessment[0], &items, author)
        .await
        .unwrap();

    let (headers, body) = exported(&app, "", None).await;
    assert!(
        headers.get("content-length").is_none(),
        "streamed, so its length is not known up front"
    );
    let text = String::from_utf8(body).unwrap();
    let expected = String::from_utf8(
        written_at_once(&app, &EvidenceFilter::default(), Audience::of(None)).await,
    )
    .unwrap();
    assert_eq!(text.lines().count(), expected.lines().count());
    assert!(
        text == expected,
        "the streamed file differs from the one written at once"
    );
    let bulk: Vec<&str> = text
        .lines()
        .filter(|l| l.starts_with("fr-2022-bulk-"))
        .collect();
    assert_eq!(bulk.len(), MORE, "every finding once");
    assert!(bulk.windows(2).all(|w| w[0] < w[1]), "in key order");
    assert!(
        bulk[0].contains(",'=Bulk finding 0,") || bulk[0].contains(",\"'=Bulk finding 0,"),
        "formulas stay neutralised: {}",
        bulk[0]
    );
}
