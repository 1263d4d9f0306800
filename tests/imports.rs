use crate::helpers::*;

const BOUNDARY: &str = "groundworkboundary7MA4YWxkTrZu0gW";

impl TestApp {
    /// Posts a file the way a browser's multipart form does.
    pub async fn upload(
        &self,
        assessment: &str,
        file: &[u8],
        cookie: Option<&str>,
    ) -> reqwest::Response {
        let mut body = format!(
            "--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"evidence.csv\"\r\nContent-Type: text/csv\r\n\r\n"
        )
        .into_bytes();
        body.extend_from_slice(file);
        body.extend_from_slice(format!("\r\n--{BOUNDARY}--\r\n").as_bytes());
        let mut request = TestApp::client()
            .post(self.url(&format!("/assessments/{assessment}/import")))
            .header("accept", "text/html")
            .header(
                "content-type",
                format!("multipart/form-data; boundary={BOUNDARY}"),
            )
            .body(body);
        if let Some(cookie) = cookie {
            request = request.header("cookie", cookie);
        }
        request.send().await.unwrap()
    }

    async fn first_assessment(&self) -> String {
        let library = json(
            self.fetch("/fn/evidence_library?filter[page]=1", None)
                .await,
        )
        .await;
        library["assessments"][0]["id"]
            .as_str()
            .unwrap()
            .to_string()
    }
}

const SAMPLE: &[u8] = groundwork::domain::evidence_csv::SAMPLE.as_bytes();

#[tokio::test]
async fn an_editor_imports_the_sample_and_reimporting_updates_in_place() {
    let app = TestApp::spawn().await;
    let editor = app.sign_in(EDITOR, PASSWORD).await;
    let assessment = app.first_assessment().await;
    let before = json(
        app.fetch("/fn/evidence_library?filter[page]=1", Some(&editor))
            .await,
    )
    .await["results"]["total"]
        .as_u64()
        .unwrap();

    for round in 0..2 {
        let uploaded = app.upload(&assessment, SAMPLE, Some(&editor)).await;
        assert_eq!(uploaded.status(), 303, "round {round}");
        let preview_path = location(&uploaded);
        let batch = preview_path.rsplit('/').next().unwrap().to_string();
        let preview = json(
            app.fetch(&format!("/fn/import_preview?batch={batch}"), Some(&editor))
                .await,
        )
        .await;
        assert_eq!(preview["valid_rows"], 3);
        assert_eq!(preview["problems"].as_array().unwrap().len(), 0);
        assert_eq!(app.get(&preview_path, Some(&editor)).await.status(), 200);
        let confirmed = app
            .call("confirm_import", &[("batch", &batch)], Some(&editor))
            .await;
        assert_eq!(confirmed.status(), 200);
        let counts = json(confirmed).await;
        let expected = if round == 0 {
            serde_json::json!({ "state": "done", "counts": { "created": 3, "updated": 0, "unchanged": 0 } })
        } else {
            // Re-importing the same file changes nothing.
            serde_json::json!({ "state": "done", "counts": { "created": 0, "updated": 0, "unchanged": 3 } })
        };
        assert_eq!(counts, expected, "round {round}");
        // A batch is imported once: confirming it again answers how it went.
        let again = app
            .call("confirm_import", &[("batch", &batch)], Some(&editor))
            .await;
        assert_eq!(again.status(), 200);
        assert_eq!(json(again).await, expected, "round {round}");
    }
    let after = json(
        app.fetch("/fn/evidence_library?filter[page]=1", Some(&editor))
            .await,
    )
    .await["results"]["total"]
        .as_u64()
        .unwrap();
    assert_eq!(
        after,
        before + 3,
        "the second import updated the same three items"
    );
    let item = json(
        app.fetch("/fn/evidence_item?key=fr-2021-indicator-01", None)
            .await,
    )
    .await;
    assert_eq!(item["detail"]["value"], 38.0);
    let history = json(
        app.fetch("/fn/evidence_item?key=fr-2021-indicator-01", Some(&editor))
            .await,
    )
    .await["history"]
        .clone();
    assert_eq!(
        history.as_array().unwrap().len(),
        1,
        "the unchanged re-import left no entry: {history}"
    );
    assert_eq!(history[0]["action"], "imported");
    assert_eq!(history[0]["source"], "evidence.csv");
    assert_eq!(history[0]["who"], "Marco Bellini");
    // The three findings the file created share their step's one entry.
    let mut shared = app
        .state
        .db
        .query(
            "SELECT VALUE count() FROM evidence_change
             WHERE evidence = NONE AND source = 'evidence.csv' GROUP ALL",
        )
        .await
        .unwrap();
    let shared: Option<i64> = shared.take(0).unwrap();
    assert_eq!(shared, Some(1), "one entry for the step");
}

/// A batch checked before its file moved to a record of its own (the whole file in the
/// batch, its first rows in `summary`) still shows its preview and imports after an upgrade.
#[tokio::test]
async fn a_batch_checked_before_the_upgrade_still_imports() {
    let (app, editor, _, batch) = with_the_sample_previewed().await;
    app.state
        .db
        .query(
            "LET $file = type::record('import_file', $batch);
             UPDATE type::record('import_batch', $batch) SET summary = preview, preview = $file.preview;
             DELETE $file;",
        )
        .bind(("batch", batch.clone()))
        .await
        .and_then(|r| r.check())
        .unwrap();
    let preview = json(
        app.fetch(&format!("/fn/import_preview?batch={batch}"), Some(&editor))
            .await,
    )
    .await;
    assert_eq!(preview["valid_rows"], 3, "{preview}");
    assert_eq!(confirm(&app, &batch, &editor).await, done(3, 0, 0));
}

/// A changed row replaces its finding whole: a value emptied in the file is cleared, but a key
/// that a citation has locked stays locked (the file knows nothing of citations).
#[tokio::test]
async fn a_reimported_row_replaces_its_finding_and_keeps_its_citation_lock() {
    let (app, editor, assessment) = with_the_sample_imported().await;
    let key = "fr-2021-indicator-01";
    let changed = groundwork::domain::evidence_csv::SAMPLE
        .replace("six months.,38,%,64,21,FR", "six months.,41,%,,21,FR");
    let (batch, preview) = previewed(&app, &assessment, changed.as_bytes(), &editor).await;
    assert_eq!(
        preview["problems"].as_array().unwrap().len(),
        0,
        "{preview}"
    );
    // A block cites the finding between the preview and the confirmation.
    app.state
        .db
        .query("UPDATE evidence SET key_locked = true WHERE key = $key")
        .bind(("key", key))
        .await
        .and_then(|r| r.check())
        .unwrap();
    assert_eq!(confirm(&app, &batch, &editor).await, done(0, 1, 2));
    let mut stored = app
        .state
        .db
        .query(
            "SELECT `value` AS value, sample_size, key_locked,
                 assessment = type::record('assessment', $assessment) AS here
             FROM evidence WHERE key = $key",
        )
        .bind(("key", key))
        .bind(("assessment", assessment.clone()))
        .await
        .unwrap();
    let row: Option<serde_json::Value> = stored.take::<Vec<serde_json::Value>>(0).unwrap().pop();
    let row = row.expect("the finding is there");
    assert_eq!(row["value"], 41.0, "{row}");
    assert!(
        row.get("sample_size").is_none_or(|v| v.is_null()),
        "emptied, so cleared: {row}"
    );
    assert_eq!(row["key_locked"], true, "the citation's lock stays: {row}");
    assert_eq!(row["here"], true, "{row}");
    let history = json(
        app.fetch(&format!("/fn/evidence_item?key={key}"), Some(&editor))
            .await,
    )
    .await["history"]
        .clone();
    let entries = history.as_array().unwrap();
    assert_eq!(entries.len(), 2, "{history}");
    let fields: Vec<&str> = entries[0]["changes"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|c| c["field"].as_str())
        .collect();
    assert_eq!(fields, ["value", "sample_size"], "{history}");
    // The entry of the step that created it is still its first.
    assert_eq!(entries[1]["action"], "imported", "{history}");
    assert_eq!(entries[1]["changes"], serde_json::json!([]), "{history}");
}

#[tokio::test]
async fn a_file_with_problems_lists_them_by_line_and_imports_nothing() {
    let app = TestApp::spawn().await;
    let editor = app.sign_in(EDITOR, PASSWORD).await;
    let assessment = app.first_assessment().await;
    let file = "key,kind,text,country,collected_on,consent,visibility,value
ok-2021-testimony-01,testimony,Fine.,FR,2021-01-01,given,public,
has space,testimony,Bad key.,FR,2021-01-01,given,public,
ok-2021-indicator-01,indicator,Bad number.,ZZ,2021-01-01,given,public,many
ok-2021-testimony-01,testimony,Duplicate.,FR,2021-01-01,given,public,
<script>x</script>,testimony,<b>html</b>,FR,2021-13-01,given,public,
";
    let uploaded = app
        .upload(&assessment, file.as_bytes(), Some(&editor))
        .await;
    assert_eq!(uploaded.status(), 303);
    let batch = location(&uploaded).rsplit('/').next().unwrap().to_string();
    let preview = json(
        app.fetch(&format!("/fn/import_preview?batch={batch}"), Some(&editor))
            .await,
    )
    .await;
    let lines: Vec<u64> = preview["problems"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["line"].as_u64().unwrap())
        .collect();
    assert_eq!(lines, [3, 4, 4, 5, 6, 6]);
    let refused = app
        .call("confirm_import", &[("batch", &batch)], Some(&editor))
        .await;
    assert_eq!(refused.status(), 409);
    assert_eq!(
        app.fetch("/fn/evidence_item?key=ok-2021-testimony-01", Some(&editor))
            .await
            .status(),
        404,
        "nothing half-imported"
    );
    // The preview page renders the problems, inert.
    let page = app
        .get(&location(&uploaded), Some(&editor))
        .await
        .text()
        .await
        .unwrap();
    assert!(page.contains("&lt;script&gt;x&lt;/script&gt;"));
    assert!(!page.contains("<script>x</script>"));
}

#[tokio::test]
async fn whole_file_problems_come_back_to_the_upload_page() {
    let app = TestApp::spawn().await;
    let editor = app.sign_in(EDITOR, PASSWORD).await;
    let assessment = app.first_assessment().await;
    for (file, expected) in [
        (&b"\xff\xfe\x00k\x00e\x00y"[..], "NotUtf8"),
        (&b""[..], "Empty"),
        (&b"key,text\nabc,def\n"[..], "MissingColumns"),
    ] {
        let response = app.upload(&assessment, file, Some(&editor)).await;
        assert_eq!(response.status(), 303);
        let to = location(&response);
        assert!(
            to.starts_with(&format!("/assessments/{assessment}/import?file_error=")),
            "{to}"
        );
        assert!(to.contains(expected), "{to} should name {expected}");
        assert_eq!(app.get(&to, Some(&editor)).await.status(), 200);
    }
    // An unclosed quote swallows the rest of the file into one field: the row then fails
    // validation and shows in the preview, nothing imported.
    let unclosed = b"key,kind,text,country,collected_on,consent,visibility\n\"abc,testimony\n";
    let response = app.upload(&assessment, unclosed, Some(&editor)).await;
    let batch = location(&response).rsplit('/').next().unwrap().to_string();
    let preview = json(
        app.fetch(&format!("/fn/import_preview?batch={batch}"), Some(&editor))
            .await,
    )
    .await;
    assert_eq!(preview["valid_rows"], 0);
    assert!(!preview["problems"].as_array().unwrap().is_empty());
}

#[tokio::test]
async fn uploads_are_for_editors_and_have_a_size_limit() {
    let app = TestApp::spawn().await;
    let assessment = app.first_assessment().await;
    let member = app.sign_in(MEMBER, PASSWORD).await;
    assert_eq!(
        app.upload(&assessment, SAMPLE, Some(&member))
            .await
            .status(),
        403
    );
    let anonymous = app.upload(&assessment, SAMPLE, None).await;
    assert_eq!(anonymous.status(), 303);
    assert!(location(&anonymous).starts_with("/login"));
    let editor = app.sign_in(EDITOR, PASSWORD).await;
    let huge = vec![b'a'; 50 * 1024 * 1024];
    assert_eq!(
        app.upload(&assessment, &huge, Some(&editor)).await.status(),
        413
    );
    assert_eq!(
        app.upload("no-such-assessment", SAMPLE, Some(&editor))
            .await
            .status(),
        404
    );
    // Someone else's preview is not theirs to see or confirm.
    let uploaded = app.upload(&assessment, SAMPLE, Some(&editor)).await;
    let batch = location(&uploaded).rsplit('/').next().unwrap().to_string();
    let other_editor = app.sign_in("liisa.virtanen@example.org", PASSWORD).await;
    assert_eq!(
        app.call("confirm_import", &[("batch", &batch)], Some(&other_editor))
            .await
            .status(),
        404
    );
}

#[tokio::test]
async fn exports_follow_the_filter_and_the_audience() {
    let app = TestApp::spawn().await;
    let public = app.get("/evidence.csv", None).await;
    assert_eq!(public.status(), 200);
    assert!(
        public.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/csv")
    );
    let text = public.text().await.unwrap();
    assert!(text.starts_with(
        "key,kind,swot_quadrant,text,value,unit,sample_size,baseline,country,region,collected_on"
    ));
    assert!(
        !text.contains("gr-2019-testimony-01"),
        "withdrawn consent never exported to the public"
    );
    assert!(
        !text.contains(",members\n"),
        "members-only items stay with members"
    );

    let editor = app.sign_in(EDITOR, PASSWORD).await;
    let all = app
        .get("/evidence.csv", Some(&editor))
        .await
        .text()
        .await
        .unwrap();
    assert!(all.contains("gr-2019-testimony-01"));
    let hungary = app
        .get("/evidence.csv?country=HU", Some(&editor))
        .await
        .text()
        .await
        .unwrap();
    assert_eq!(
        hungary.lines().count(),
        4,
        "header + 3 Hungarian findings: {hungary}"
    );

    // What comes out of an assessment goes back into it unchanged (an import never moves
    // findings between assessments, so the whole library's export is not one file to import).
    let assessment = app.first_assessment().await;
    let own = app
        .get(
            &format!("/evidence.csv?assessment={assessment}"),
            Some(&editor),
        )
        .await
        .text()
        .await
        .unwrap();
    assert!(own.lines().count() > 10, "{own}");
    let (_, preview) = previewed(&app, &assessment, own.as_bytes(), &editor).await;
    assert_eq!(
        preview["problems"].as_array().unwrap().len(),
        0,
        "{preview}"
    );
    assert_eq!(preview["changed_rows"], 0, "{preview}");
    let (_, mixed) = previewed(&app, &assessment, all.as_bytes(), &editor).await;
    assert!(
        mixed["problems"]
            .as_array()
            .unwrap()
            .iter()
            .all(|p| p["error"]["problem"]["code"] == "other_assessment"),
        "{mixed}"
    );
    assert_eq!(
        app.get("/evidence/sample.csv", None)
            .await
            .text()
            .await
            .unwrap()
            .as_bytes(),
        SAMPLE
    );
}

#[tokio::test]
async fn a_slow_upload_is_not_cut_off_by_the_request_timeout() {
    let mut config = groundwork::config::Config::for_tests("mem://");
    config.request_timeout = std::time::Duration::from_secs(1);
    let app = TestApp::spawn_with(config).await;
    let answer = stalled_upload(&app, std::time::Duration::from_secs(3)).await;
    assert_eq!(answer, None, "still waiting for the rest of the file");
}

/// An upload has a deadline of its own (`limits.upload_timeout_secs`), longer than a request's:
/// a client that starts a file and never finishes it is let go with 408 (issue 14, 11d).
#[tokio::test]
async fn an_upload_that_never_finishes_is_cut_off_at_its_own_deadline() {
    let mut config = groundwork::config::Config::for_tests("mem://");
    config.upload_timeout = std::time::Duration::from_secs(2);
    // Far beyond the wait below: a 408 can only come from the upload's own deadline.
    config.request_timeout = std::time::Duration::from_secs(120);
    let app = TestApp::spawn_with(config).await;
    let answer = stalled_upload(&app, std::time::Duration::from_secs(20))
        .await
        .expect("an answer once the upload's deadline passed");
    assert!(answer.starts_with("HTTP/1.1 408"), "{answer}");
}

/// An editor starts uploading a 100,000-byte CSV file to an assessment and stops after its
/// first bytes; the first bytes of the answer, if one comes within `wait`.
async fn stalled_upload(app: &TestApp, wait: std::time::Duration) -> Option<String> {
    let cookie = app.sign_in(EDITOR, PASSWORD).await;
    let assessment = app.first_assessment().await;
    let head = format!(
        "POST /assessments/{assessment}/import HTTP/1.1\r\nHost: localhost\r\nAccept: text/html\r\n\
         Cookie: {cookie}\r\nContent-Type: multipart/form-data; boundary={BOUNDARY}\r\n\
         Content-Length: 100000"
    );
    let start = format!(
        "--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"e.csv\"\r\n\r\nkey,"
    );
    stalled_request(app, &head, &start, wait).await
}

/// Uploads `file` and returns the batch and its preview (as the preview page reads it).
/// Confirms a batch: what the import answers (its state and counts).
async fn confirm(app: &TestApp, batch: &str, editor: &str) -> serde_json::Value {
    json(
        app.call("confirm_import", &[("batch", batch)], Some(editor))
            .await,
    )
    .await
}

/// An import's answer when it is done.
fn done(created: u64, updated: u64, unchanged: u64) -> serde_json::Value {
    serde_json::json!({ "state": "done", "counts": {
        "created": created, "updated": updated, "unchanged": unchanged
    } })
}

/// An app in which the demo editor has uploaded the sample for the first assessment and seen
/// its preview: the app, the editor's cookie, the assessment and the batch.
async fn with_the_sample_previewed() -> (TestApp, String, String, String) {
    let app = TestApp::spawn().await;
    let editor = app.sign_in(EDITOR, PASSWORD).await;
    let assessment = app.first_assessment().await;
    let (batch, _) = previewed(&app, &assessment, SAMPLE, &editor).await;
    (app, editor, assessment, batch)
}

/// An app in which the demo editor has imported the sample into the first assessment: the
/// app, the editor's cookie and the assessment.
async fn with_the_sample_imported() -> (TestApp, String, String) {
    let (app, editor, assessment, batch) = with_the_sample_previewed().await;
    let confirmed = app
        .call("confirm_import", &[("batch", &batch)], Some(&editor))
        .await;
    assert_eq!(confirmed.status(), 200);
    (app, editor, assessment)
}

async fn previewed(
    app: &TestApp,
    assessment: &str,
    file: &[u8],
    editor: &str,
) -> (String, serde_json::Value) {
    let uploaded = app.upload(assessment, file, Some(editor)).await;
    assert_eq!(uploaded.status(), 303);
    let batch = location(&uploaded).rsplit('/').next().unwrap().to_string();
    let preview = json(
        app.fetch(&format!("/fn/import_preview?batch={batch}"), Some(editor))
            .await,
    )
    .await;
    (batch, preview)
}

#[tokio::test]
async fn reimporting_an_old_file_never_gives_back_a_withdrawn_consent() {
    let (app, editor, assessment) = with_the_sample_imported().await;
    // The people behind one finding withdraw their consent.
    app.state
        .db
        .query("UPDATE evidence SET consent = 'withdrawn' WHERE key = 'fr-2021-indicator-01'")
        .await
        .and_then(|r| r.check())
        .unwrap();

    // The old file again, with one visibility and one text changed since.
    let old_file = groundwork::domain::evidence_csv::SAMPLE
        .replace("rose by a third.,,,,,GR,Southern Europe,2021-11-20,en,\"swot, partners\",given,members",
                 "rose by a third.,,,,,GR,Southern Europe,2021-11-20,en,\"swot, partners\",given,public")
        .replace("only what I can do.", "only what I could do.");
    let (batch, preview) = previewed(&app, &assessment, old_file.as_bytes(), &editor).await;
    let problems = preview["problems"].as_array().unwrap();
    assert_eq!(problems.len(), 1, "{preview}");
    assert_eq!(problems[0]["key"], "fr-2021-indicator-01");
    assert_eq!(problems[0]["column"], "consent");
    assert_eq!(problems[0]["line"], 3, "the row's line in the file");
    assert_eq!(
        problems[0]["error"]["problem"]["code"], "withdrawal_is_final",
        "{preview}"
    );
    assert_eq!(preview["valid_rows"], 2);
    // What the import would change, the change of who may read first.
    assert_eq!(preview["changed_rows"], 2);
    let changes = preview["changes"].as_array().unwrap();
    assert_eq!(changes[0]["key"], "gr-2021-swot-01");
    assert_eq!(changes[0]["line"], 4);
    assert_eq!(
        changes[0]["changes"][0],
        serde_json::json!({ "field": "visibility", "before": "members", "after": "public" })
    );
    assert_eq!(changes[1]["key"], "hu-2021-testimony-01");
    assert_eq!(changes[1]["changes"][0]["field"], "text");
    let page = app
        .get(
            &format!("/assessments/{assessment}/import/{batch}"),
            Some(&editor),
        )
        .await
        .text()
        .await
        .unwrap();
    assert!(page.contains("What this import changes"), "{page}");
    assert!(page.contains("An import cannot give it back"), "{page}");

    // Confirming is refused, and nothing changed.
    let refused = app
        .call("confirm_import", &[("batch", &batch)], Some(&editor))
        .await;
    assert_eq!(refused.status(), 409);
    let consent: Option<String> = app
        .state
        .db
        .query("SELECT VALUE consent FROM ONLY evidence WHERE key = 'fr-2021-indicator-01' LIMIT 1")
        .await
        .unwrap()
        .take(0)
        .unwrap();
    assert_eq!(consent.as_deref(), Some("withdrawn"));

    // The same rule holds inside the import's transaction (a withdrawal between the preview
    // and the confirmation).
    let rows = groundwork::domain::evidence_csv::read(SAMPLE).unwrap().rows;
    let author = groundwork::store::evidence::Author {
        member_id: None,
        action: groundwork::domain::evidence_history::ChangeAction::Imported,
        source: "evidence.csv",
    };
    assert_eq!(
        groundwork::store::evidence::import(&app.state.db, &assessment, &rows, author).await,
        Err(groundwork::error::AppError::invalid(
            "consent",
            groundwork::error::Problem::WithdrawalIsFinal
        ))
    );
}

#[tokio::test]
async fn an_import_never_moves_a_finding_from_another_assessment() {
    let app = TestApp::spawn().await;
    let editor = app.sign_in(EDITOR, PASSWORD).await;
    let library = json(app.fetch("/fn/evidence_library?filter[page]=1", None).await).await;
    let first = library["assessments"][0]["id"]
        .as_str()
        .unwrap()
        .to_string();
    let second = library["assessments"][1]["id"]
        .as_str()
        .unwrap()
        .to_string();
    let (batch, _) = previewed(&app, &first, SAMPLE, &editor).await;
    let confirmed = app
        .call("confirm_import", &[("batch", &batch)], Some(&editor))
        .await;
    assert_eq!(confirmed.status(), 200);

    let (batch, preview) = previewed(&app, &second, SAMPLE, &editor).await;
    let problems = preview["problems"].as_array().unwrap();
    assert_eq!(problems.len(), 3, "{preview}");
    assert!(
        problems
            .iter()
            .all(|p| p["column"] == "key" && p["error"]["problem"]["code"] == "other_assessment")
    );
    let refused = app
        .call("confirm_import", &[("batch", &batch)], Some(&editor))
        .await;
    assert_eq!(refused.status(), 409);
    let item = json(
        app.fetch("/fn/evidence_item?key=fr-2021-indicator-01", Some(&editor))
            .await,
    )
    .await;
    assert_eq!(item["detail"]["assessment_id"], first.as_str(), "{item}");
}

/// A page's HTML without the markers hydration leaves around interpolated values.
fn without_markers(html: &str) -> String {
    let mut out = String::new();
    let mut rest = html;
    while let Some(start) = rest.find("<!") {
        out.push_str(&rest[..start]);
        let end = if rest[start..].starts_with("<!--") {
            rest[start..].find("-->").map(|e| start + e + 3)
        } else {
            rest[start..].find('>').map(|e| start + e + 1)
        };
        rest = &rest[end.unwrap_or(rest.len())..];
    }
    out.push_str(rest);
    out
}

/// What a French office's Excel saves as "CSV (séparateur : point-virgule)": Windows-1252,
/// semicolons, French column names, countries by name and dates day first.
const FRENCH_EXCEL_FILE: &[u8] = b"Cl\xe9;Type;Texte;Pays;Date de collecte;Consentement;Visibilit\xe9;\xc9tiquettes;R\xe9gion
fr-2022-testimony-41;testimony;\xc0 Besan\xe7on, les b\xe9n\xe9voles ont tout pr\xe9par\xe9 pour le chantier.;France;14/07/2022;given;public;\xe9t\xe9, b\xe9n\xe9voles;Bourgogne-Franche-Comt\xe9
hu-2022-testimony-42;testimony;A t\xe1borban senki sem k\xe9rdezte, honnan j\xf6ttem.;Hongrie;03.08.2022;anonymised;public;;
de-2022-testimony-43;testimony;Die B\xfcrger von G\xf6ttingen halfen mit.;Allemagne;2022-09-01;given;members;;
";

#[tokio::test]
async fn a_french_excel_file_imports_with_its_names_and_accents() {
    let app = TestApp::spawn().await;
    let editor = app.sign_in(EDITOR, PASSWORD).await;
    let assessment = app.first_assessment().await;
    let uploaded = app
        .upload(&assessment, FRENCH_EXCEL_FILE, Some(&editor))
        .await;
    assert_eq!(uploaded.status(), 303);
    let preview_path = location(&uploaded);
    let batch = preview_path.rsplit('/').next().unwrap().to_string();
    let preview = json(
        app.fetch(&format!("/fn/import_preview?batch={batch}"), Some(&editor))
            .await,
    )
    .await;
    assert_eq!(preview["problems"], serde_json::json!([]));
    assert_eq!(preview["valid_rows"], 3);
    assert_eq!(preview["encoding"], "windows1252");
    assert_eq!(preview["separator"], "semicolon");
    let page = without_markers(
        &app.get(&preview_path, Some(&editor))
            .await
            .text()
            .await
            .unwrap(),
    );
    assert!(
        page.contains("Read as Windows-1252, fields separated by semicolons."),
        "the preview says how the file was read"
    );
    assert!(page.contains("À Besançon, les bénévoles"));
    assert_eq!(
        app.fetch("/fn/evidence_item?key=fr-2022-testimony-41", Some(&editor))
            .await
            .status(),
        404,
        "nothing is saved before confirming"
    );

    assert_eq!(confirm(&app, &batch, &editor).await, done(3, 0, 0));
    for (key, country, collected_on, text) in [
        (
            "fr-2022-testimony-41",
            "FR",
            "2022-07-14",
            "À Besançon, les bénévoles ont tout préparé pour le chantier.",
        ),
        (
            "hu-2022-testimony-42",
            "HU",
            "2022-08-03",
            "A táborban senki sem kérdezte, honnan jöttem.",
        ),
        (
            "de-2022-testimony-43",
            "DE",
            "2022-09-01",
            "Die Bürger von Göttingen halfen mit.",
        ),
    ] {
        let item = json(
            app.fetch(&format!("/fn/evidence_item?key={key}"), Some(&editor))
                .await,
        )
        .await;
        assert_eq!(item["detail"]["country"], country, "{key}");
        assert_eq!(item["detail"]["collected_on"], collected_on, "{key}");
        assert_eq!(item["detail"]["text"], text, "{key}");
    }
    let first = json(
        app.fetch("/fn/evidence_item?key=fr-2022-testimony-41", None)
            .await,
    )
    .await;
    assert_eq!(
        first["detail"]["tags"],
        serde_json::json!(["été", "bénévoles"])
    );
    assert_eq!(first["detail"]["region"], "Bourgogne-Franche-Comté");
    // Found by its town written with or without the cedilla.
    for query in ["Besan%C3%A7on", "Besancon", "BESANCON"] {
        let found = json(
            app.fetch(
                &format!("/fn/evidence_library?filter[page]=1&filter[q]={query}"),
                None,
            )
            .await,
        )
        .await;
        assert_eq!(
            strings(&found["results"]["items"], "key"),
            ["fr-2022-testimony-41"],
            "{query}"
        );
    }
}

#[tokio::test]
async fn unknown_and_ambiguous_countries_and_dates_are_named_by_line() {
    let app = TestApp::spawn().await;
    let editor = app.sign_in(EDITOR, PASSWORD).await;
    let assessment = app.first_assessment().await;
    let file = "pays\tclé\ttype\ttexte\tdate de collecte\tconsentement\tvisibilité
Grèce\tgr-2022-testimony-51\ttestimony\tFine.\t2022-01-01\tgiven\tpublic
Atlantide\tgr-2022-testimony-52\ttestimony\tUnknown.\t2022-01-01\tgiven\tpublic
Congo\tgr-2022-testimony-53\ttestimony\tTwo of them.\t2022-01-01\tgiven\tpublic
Ελλάδα\tgr-2022-testimony-54\ttestimony\tMonth first.\t04/23/2022\tgiven\tpublic
Ελλάδα\tgr-2022-testimony-55\ttestimony\tWhich?\t03/04/2022\tgiven\tpublic
";
    let (batch, preview) = previewed(&app, &assessment, file.as_bytes(), &editor).await;
    assert_eq!(preview["separator"], "tab");
    assert_eq!(preview["encoding"], "utf8");
    assert_eq!(preview["valid_rows"], 2);
    let problems: Vec<(u64, &str, &str, &str)> = preview["problems"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| {
            (
                p["line"].as_u64().unwrap(),
                p["column"].as_str().unwrap(),
                p["error"]["problem"]["code"].as_str().unwrap(),
                p["error"]["problem"]["typed"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        problems,
        [
            (3, "country", "unknown_country", "Atlantide"),
            (4, "country", "ambiguous_country", "Congo"),
            (6, "collected_on", "ambiguous_date", "03/04/2022"),
        ]
    );
    let page = preview_page(&app, &assessment, &batch, &editor).await;
    assert!(page.contains("“Atlantide” is not a country code or name Groundwork knows."));
    assert!(page.contains("“03/04/2022” could be read day first or month first"));
    assert_eq!(
        app.call("confirm_import", &[("batch", &batch)], Some(&editor))
            .await
            .status(),
        409
    );
}

/// The confirm compares the file with what is stored, then writes in one transaction: a
/// finding created under one of the file's keys, or deleted, between the two (by another
/// editor) refuses the whole import with a message, and nothing of the file is written.
#[tokio::test]
async fn findings_created_or_deleted_after_the_comparison_refuse_the_import_whole() {
    use groundwork::domain::evidence_history::ChangeAction;
    use groundwork::store::evidence::{Author, Feed, import, import_over, stored_by_keys};
    let app = TestApp::spawn().await;
    let db = &app.state.db;
    let assessment = app.first_assessment().await;
    let author = || Author {
        member_id: None,
        action: ChangeAction::Imported,
        source: "test",
    };
    let rows = |text: &str| {
        groundwork::domain::evidence_csv::read(text.as_bytes())
            .unwrap()
            .rows
    };
    let count = |key: &'static str| async move {
        let mut response = db
            .query("SELECT VALUE count() FROM evidence WHERE key = $key GROUP ALL")
            .bind(("key", key))
            .await
            .unwrap();
        let counted: Option<i64> = response.take(0).unwrap();
        counted.unwrap_or(0)
    };
    let sample = rows(groundwork::domain::evidence_csv::SAMPLE);
    let keys = || sample.iter().map(|r| r.key.clone()).collect();

    // Created in between: the key's unique index refuses the file's new row.
    let compared = stored_by_keys(db, keys()).await.unwrap();
    assert!(compared.is_empty());
    import(db, &assessment, &sample[1..2], author())
        .await
        .unwrap();
    let refused = import_over(db, &assessment, &sample, &compared, author(), Feed::Now).await;
    assert!(
        matches!(&refused, Err(groundwork::error::AppError::Conflict { what }) if what.contains("changed since")),
        "{refused:?}"
    );
    assert_eq!(
        count("hu-2021-testimony-01").await,
        0,
        "nothing of the file"
    );
    assert_eq!(count("fr-2021-indicator-01").await, 1, "only the other one");
    assert_eq!(count("gr-2021-swot-01").await, 0, "nothing of the file");

    // Deleted in between: a finding the file changes is gone.
    import(db, &assessment, &sample, author()).await.unwrap();
    let changed = rows(
        &groundwork::domain::evidence_csv::SAMPLE
            .replace("only what I can do", "only what I could do")
            .replace("rose by a third", "rose by half"),
    );
    let compared = stored_by_keys(db, keys()).await.unwrap();
    assert_eq!(compared.len(), 3);
    db.query(
        "DELETE evidence_change WHERE evidence.key = 'gr-2021-swot-01';
         DELETE evidence WHERE key = 'gr-2021-swot-01'",
    )
    .await
    .unwrap()
    .check()
    .unwrap();
    let refused = import_over(db, &assessment, &changed, &compared, author(), Feed::Now).await;
    assert!(
        matches!(&refused, Err(groundwork::error::AppError::Conflict { what }) if what.contains("changed since")),
        "{refused:?}"
    );
    let kept = stored_by_keys(db, vec!["hu-2021-testimony-01".into()])
        .await
        .unwrap();
    assert!(
        kept["hu-2021-testimony-01"]
            .fields
            .text
            .contains("only what I can do"),
        "the other change is not written"
    );

    // Compared again, the same file imports.
    let compared = stored_by_keys(db, keys()).await.unwrap();
    let counts = import_over(db, &assessment, &changed, &compared, author(), Feed::Now)
        .await
        .unwrap()
        .counts;
    assert_eq!((counts.created, counts.updated), (1, 1));
}

/// A batch's preview page as a browser shows its text.
async fn preview_page(app: &TestApp, assessment: &str, batch: &str, editor: &str) -> String {
    let page = app
        .get(
            &format!("/assessments/{assessment}/import/{batch}"),
            Some(editor),
        )
        .await
        .text()
        .await
        .unwrap();
    without_markers(&page)
}

/// A batch's state as its preview says it.
async fn import_state(app: &TestApp, batch: &str, editor: &str) -> serde_json::Value {
    json(
        app.fetch(&format!("/fn/import_preview?batch={batch}"), Some(editor))
            .await,
    )
    .await["state"]
        .clone()
}

/// An import that outlasts the confirm's wait goes on beside it: the confirm answers that it
/// runs (a plain form is sent to the preview page), and the preview follows it to the end.
#[tokio::test]
async fn an_import_longer_than_the_wait_goes_on_and_the_preview_follows_it() {
    let mut config = groundwork::config::Config::for_tests("mem://");
    config.import_wait = std::time::Duration::ZERO;
    let app = TestApp::spawn_with(config).await;
    let editor = app.sign_in(EDITOR, PASSWORD).await;
    let assessment = app.first_assessment().await;
    let (batch, _) = previewed(&app, &assessment, SAMPLE, &editor).await;
    assert_eq!(
        import_state(&app, &batch, &editor).await["state"],
        "checked"
    );

    let started = app
        .call("confirm_import", &[("batch", &batch)], Some(&editor))
        .await;
    assert_eq!(started.status(), 200);
    let answer = json(started).await;
    assert_eq!(answer["state"], "running", "{answer}");
    wait_until(
        std::time::Duration::from_secs(30),
        "the import is done",
        || async { import_state(&app, &batch, &editor).await["state"] == "done" },
    )
    .await;
    assert_eq!(
        import_state(&app, &batch, &editor).await["counts"],
        serde_json::json!({ "created": 3, "updated": 0, "unchanged": 0 })
    );
    let page = preview_page(&app, &assessment, &batch, &editor).await;
    assert!(
        page.contains("Import finished: 3 new, 0 updated, 0 unchanged."),
        "{page}"
    );
    assert!(
        !page.contains("confirm-import"),
        "no second confirm is offered"
    );

    // A plain form that outlasts the wait is sent to the preview page.
    let (batch, _) = previewed(&app, &assessment, SAMPLE, &editor).await;
    let form = app
        .post_form(
            "/fn/confirm_import",
            &[("batch", batch.as_str())],
            Some(&editor),
        )
        .await;
    assert_eq!(form.status(), 302);
    assert_eq!(
        location(&form),
        format!("/assessments/{assessment}/import/{batch}")
    );
}

/// While an import runs, its preview page says so and loads itself again; confirming again
/// starts nothing; an import left "running" by an instance that stopped may start again.
#[tokio::test]
async fn a_running_import_is_shown_and_never_started_twice() {
    let (app, editor, assessment, batch) = with_the_sample_previewed().await;
    // As the instance running it would have marked it (claimed, not yet finished).
    assert!(
        groundwork::store::imports::claim(&app.state.db, &batch)
            .await
            .unwrap()
    );
    assert!(
        !groundwork::store::imports::claim(&app.state.db, &batch)
            .await
            .unwrap(),
        "a running batch is claimed once"
    );
    let page = preview_page(&app, &assessment, &batch, &editor).await;
    assert!(
        page.contains("Importing 3 findings: 0 rows saved so far, started"),
        "{page}"
    );
    assert!(page.contains(r#"http-equiv="refresh""#), "{page}");
    assert!(!page.contains("confirm-import"), "no confirm while it runs");
    let again = app
        .call("confirm_import", &[("batch", &batch)], Some(&editor))
        .await;
    assert_eq!(json(again).await["state"], "running");
    assert_eq!(
        app.fetch("/fn/evidence_item?key=fr-2021-indicator-01", Some(&editor))
            .await
            .status(),
        404,
        "confirming a running import starts nothing"
    );

    // Left running by an instance that stopped long ago: nothing was written; start again.
    app.state
        .db
        .query("UPDATE type::record('import_batch', $id) SET started_at = time::now() - 2h")
        .bind(("id", batch.clone()))
        .await
        .unwrap()
        .check()
        .unwrap();
    assert_eq!(
        import_state(&app, &batch, &editor).await["state"],
        "interrupted"
    );
    let page = preview_page(&app, &assessment, &batch, &editor).await;
    assert!(page.contains("The import was interrupted"), "{page}");
    assert!(page.contains("confirm-import"), "it may start again");
    let confirmed = app
        .call("confirm_import", &[("batch", &batch)], Some(&editor))
        .await;
    assert_eq!(json(confirmed).await["counts"]["created"], 3);
}

/// A file of `rows` new findings (keys `hu-2024-step-0`…).
fn many_rows(rows: usize) -> Vec<u8> {
    let mut file = String::from("key,kind,text,country,collected_on,consent,visibility\n");
    for i in 0..rows {
        file.push_str(&format!(
            "hu-2024-step-{i},testimony,Step finding number {i} about the camp,HU,2024-05-01,given,public\n"
        ));
    }
    file.into_bytes()
}

/// Rows are saved a step at a time (two steps at once) and the batch counts them; an import
/// that stopped part-way (here: its first step written, then its instance gone) is finished by
/// confirming again, and the rows already written are left as they are. Every row is then
/// searchable on the instance that finished it (it indexed what it wrote as it wrote it; the
/// step found already written was never fed to any engine, so it reads the assessment back)
/// and on another.
#[tokio::test]
async fn a_file_is_saved_in_steps_and_an_interrupted_import_is_finished_by_confirming_again() {
    use groundwork::domain::evidence_csv_views::IMPORT_STEP;
    let app = TestApp::spawn().await;
    let editor = app.sign_in(EDITOR, PASSWORD).await;
    let assessment = app.first_assessment().await;
    // The first step written before; the two after it, written at once; and half a step.
    let rows = 3 * IMPORT_STEP + IMPORT_STEP / 2;
    let file = many_rows(rows);
    let (batch, preview) = previewed(&app, &assessment, &file, &editor).await;
    assert_eq!(preview["valid_rows"], rows, "{}", preview["problems"]);

    // As an instance that wrote the first step and then stopped would leave it.
    let first_step = groundwork::domain::evidence_csv::read(&file).unwrap().rows;
    let author = groundwork::store::evidence::Author {
        member_id: None,
        action: groundwork::domain::evidence_history::ChangeAction::Imported,
        source: "evidence.csv",
    };
    let first_step = &first_step[..IMPORT_STEP];
    let keys = first_step.iter().map(|row| row.key.clone()).collect();
    let stored = groundwork::store::evidence::stored_by_keys(&app.state.db, keys)
        .await
        .unwrap();
    // (Its steps tell no search engine: the instance would have named the assessment after
    // its last step.)
    groundwork::store::evidence::import_over(
        &app.state.db,
        &assessment,
        first_step,
        &stored,
        author,
        groundwork::store::evidence::Feed::AfterTheLastStep,
    )
    .await
    .unwrap();
    assert!(
        groundwork::store::imports::claim(&app.state.db, &batch)
            .await
            .unwrap()
    );
    app.state
        .db
        .query(
            "UPDATE type::record('import_batch', $id) SET started_at = time::now() - 2h;
             UPSERT type::record('import_progress', $id) SET counts = $progress;",
        )
        .bind(("id", batch.clone()))
        .bind((
            "progress",
            format!(r#"{{"created":{IMPORT_STEP},"updated":0,"unchanged":0}}"#),
        ))
        .await
        .unwrap()
        .check()
        .unwrap();
    let page = preview_page(&app, &assessment, &batch, &editor).await;
    assert!(
        page.contains(&format!(
            "The import was interrupted when the server stopped, after {IMPORT_STEP} rows were saved."
        )),
        "{page}"
    );
    assert!(page.contains("Confirm again to finish it"), "{page}");

    let other = TestApp::spawn_with_db(app.state.db.clone()).await;
    let finished = app
        .call("confirm_import", &[("batch", &batch)], Some(&editor))
        .await;
    assert_eq!(finished.status(), 200);
    // (A debug build may take longer than the confirm waits: the preview follows it.)
    wait_until(
        std::time::Duration::from_secs(120),
        "the import is done",
        || async { import_state(&app, &batch, &editor).await["state"] == "done" },
    )
    .await;
    let answer = import_state(&app, &batch, &editor).await;
    assert_eq!(
        answer["counts"],
        serde_json::json!({ "created": rows - IMPORT_STEP, "updated": 0, "unchanged": IMPORT_STEP }),
        "{answer}"
    );
    let mut response = app
        .state
        .db
        .query("SELECT VALUE count() FROM evidence WHERE string::starts_with(key, 'hu-2024-step-') GROUP ALL")
        .await
        .unwrap();
    let stored: Option<i64> = response.take(0).unwrap();
    assert_eq!(stored, Some(rows as i64), "every row once");
    let origins = feed_origins(&app, &assessment).await;
    assert_eq!(origins, [None], "every instance reads the assessment back");
    // The rows are searchable on this instance at once (the step written before included), and
    // on another (started before the import) within its polls: each row by its own words,
    // from the first step, the two written at once, and the last.
    finds_each_row(
        (&app, &other),
        &editor,
        &[
            0,
            IMPORT_STEP - 1,
            IMPORT_STEP,
            2 * IMPORT_STEP,
            3 * IMPORT_STEP - 1,
            rows - 1,
        ],
    )
    .await;
}

/// A file of several steps, imported at once: the importing instance indexes each step as it
/// writes it and names itself on the feed row (so it does not read them back), and another
/// instance reads the assessment back from that row.
#[tokio::test]
async fn an_import_in_steps_is_indexed_by_its_instance_as_it_writes_and_by_others_from_the_feed() {
    use groundwork::domain::evidence_csv_views::IMPORT_STEP;
    let app = TestApp::spawn().await;
    let other = TestApp::spawn_with_db(app.state.db.clone()).await;
    let editor = app.sign_in(EDITOR, PASSWORD).await;
    let assessment = app.first_assessment().await;
    let rows = 2 * IMPORT_STEP + IMPORT_STEP / 2;
    let (batch, _) = previewed(&app, &assessment, &many_rows(rows), &editor).await;
    assert!(confirm(&app, &batch, &editor).await["state"].is_string());
    wait_until(
        std::time::Duration::from_secs(120),
        "the import is done",
        || async { import_state(&app, &batch, &editor).await["state"] == "done" },
    )
    .await;
    let origins = feed_origins(&app, &assessment).await;
    assert_eq!(
        origins,
        [Some(app.state.search.origin().to_string())],
        "one feed row, naming the importing instance's engine"
    );
    finds_each_row(
        (&app, &other),
        &editor,
        &[0, IMPORT_STEP, 2 * IMPORT_STEP, rows - 1],
    )
    .await;
}

/// What the search feed's rows about this assessment say of the engine that indexed them.
async fn feed_origins(app: &TestApp, assessment: &str) -> Vec<Option<String>> {
    let mut response = app
        .state
        .db
        .query(
            "SELECT VALUE origin FROM search_feed
             WHERE assessment = type::record('assessment', $assessment)",
        )
        .bind(("assessment", assessment.to_string()))
        .await
        .unwrap();
    response.take(0).unwrap()
}

/// Each of these rows of [`many_rows`] (the last of them last) is found by its own words on
/// this instance at once and on the other within its polls.
async fn finds_each_row(instances: (&TestApp, &TestApp), editor: &str, rows: &[usize]) {
    let (this, other) = instances;
    let row = |n: usize| format!("/fn/evidence_library?filter[q]=%22number+{n}%22&filter[page]=1");
    let total = |answer: serde_json::Value| answer["results"]["total"].clone();
    let last = *rows.last().unwrap();
    wait_until(
        std::time::Duration::from_secs(10),
        "the other instance finds the last row",
        || async { total(json(other.fetch(&row(last), Some(editor)).await).await) == 1 },
    )
    .await;
    for &n in rows {
        for (name, instance) in [("this", this), ("the other", other)] {
            let found = json(instance.fetch(&row(n), Some(editor)).await).await;
            assert_eq!(total(found.clone()), 1, "{name} instance, row {n}: {found}");
        }
    }
}
