//! Drafting: blocks saved against a rev (stale saves refused, nothing lost), revisions kept,
//! citation edges synced with the text, coverage, Markdown both ways, and live events that
//! reach a second viewer and a second app instance on the same database.
use crate::helpers::*;
use std::time::Duration;

const SLUG: &str = "inclusive-volunteering";

impl TestApp {
    async fn workspace(&self, cookie: &str) -> serde_json::Value {
        let response = self
            .fetch(&format!("/fn/draft_workspace?slug={SLUG}"), Some(cookie))
            .await;
        assert_eq!(response.status(), 200);
        json(response).await
    }

    async fn save_block(
        &self,
        cookie: &str,
        block: &str,
        rev: i64,
        kind: &str,
        text: &str,
    ) -> reqwest::Response {
        let rev = rev.to_string();
        self.call(
            "save_block",
            &[
                ("slug", SLUG),
                ("block", block),
                ("rev", &rev),
                ("kind", kind),
                ("text", text),
            ],
            Some(cookie),
        )
        .await
    }

    /// A new paper titled `title` holding the blocks of `markdown`; answers its slug.
    async fn paper_from_markdown(&self, cookie: &str, title: &str, markdown: &str) -> String {
        let slug = self.new_paper(cookie, title).await;
        let imported = self
            .call(
                "import_markdown",
                &[("slug", &slug), ("markdown", markdown)],
                Some(cookie),
            )
            .await;
        assert_eq!(imported.status(), 200);
        slug
    }

    /// A second instance of the app on the same database (as behind a load balancer).
    async fn second_instance(&self) -> TestApp {
        TestApp::spawn_with_db(self.state.db.clone()).await
    }
}

fn block_at(workspace: &serde_json::Value, index: usize) -> (String, i64, String) {
    let block = &workspace["blocks"][index];
    (
        block["id"].as_str().unwrap().to_string(),
        block["rev"].as_i64().unwrap(),
        block["kind"].as_str().unwrap().to_string(),
    )
}

async fn edges(app: &TestApp, block: &str) -> Vec<String> {
    let mut response = app
        .state
        .db
        .query("SELECT VALUE out.key FROM cites WHERE in = type::record('block', $id) ORDER BY out.key")
        .bind(("id", block.to_string()))
        .await
        .unwrap();
    let mut keys: Vec<String> = response.take(0).unwrap();
    keys.sort();
    keys
}

#[tokio::test]
async fn the_demo_draft_has_coverage_warnings_and_numbered_recommendations() {
    let app = TestApp::spawn().await;
    let member = app.sign_in(MEMBER, PASSWORD).await;
    let w = app.workspace(&member).await;
    let blocks = w["blocks"].as_array().unwrap();
    assert!(blocks.len() >= 30, "{}", blocks.len());
    assert_eq!(w["can_edit"], false, "members read, editors edit");
    let needing = w["needing_support"].as_u64().unwrap();
    let supported = w["supported"].as_u64().unwrap();
    assert!(
        supported < needing,
        "some claims are left unsupported on purpose"
    );
    let numbers: Vec<u64> = blocks.iter().filter_map(|b| b["number"].as_u64()).collect();
    assert_eq!(numbers, (1..=numbers.len() as u64).collect::<Vec<_>>());
    let codes: Vec<&str> = blocks
        .iter()
        .flat_map(|b| b["warnings"].as_array().unwrap())
        .map(|w| w["code"].as_str().unwrap())
        .collect();
    for expected in [
        "unsupported",
        "evidence_needed",
        "single_item",
        "consent_withdrawn",
    ] {
        assert!(codes.contains(&expected), "{expected} in {codes:?}");
    }
    let html = blocks[2]["html"].as_str().unwrap();
    assert!(
        html.contains("<a class=\"cite\" href=\"/evidence/hu-2019-testimony-01\""),
        "{html}"
    );
    // Visitors cannot read drafts.
    assert_eq!(
        app.fetch(&format!("/fn/draft_workspace?slug={SLUG}"), None)
            .await
            .status(),
        401
    );
}

#[tokio::test]
async fn a_stale_save_is_refused_and_both_texts_survive() {
    let app = TestApp::spawn().await;
    let marco = app.sign_in(EDITOR, PASSWORD).await;
    let liisa = app.sign_in("liisa.virtanen@example.org", PASSWORD).await;
    let w = app.workspace(&marco).await;
    let (block, rev, kind) = block_at(&w, 2);

    let first = app
        .save_block(
            &marco,
            &block,
            rev,
            &kind,
            "Marco's wording [@hu-2019-testimony-01].",
        )
        .await;
    assert_eq!(first.status(), 200);
    assert_eq!(json(first).await["rev"], rev + 1);
    // Liisa typed on the version before Marco's save.
    let stale = app
        .save_block(&liisa, &block, rev, &kind, "Liisa's wording.")
        .await;
    assert_eq!(stale.status(), 409);
    let current = json(
        app.fetch(
            &format!("/fn/current_block?slug={SLUG}&block={block}"),
            Some(&liisa),
        )
        .await,
    )
    .await;
    assert_eq!(current["text"], "Marco's wording [@hu-2019-testimony-01].");
    assert_eq!(current["author"], "Marco Bellini");
    // She merges and saves on top of Marco's revision.
    let merged = app
        .save_block(
            &liisa,
            &block,
            rev + 1,
            &kind,
            "Merged wording [@hu-2019-testimony-01; @be-2019-testimony-01].",
        )
        .await;
    assert_eq!(merged.status(), 200);

    // Every revision is kept, newest first, each compared with the one before.
    let revisions = json(
        app.fetch(
            &format!("/fn/block_revisions?slug={SLUG}&block={block}"),
            Some(&marco),
        )
        .await,
    )
    .await;
    let revisions = revisions.as_array().unwrap();
    assert_eq!(revisions.len() as i64, rev + 2);
    assert_eq!(revisions[0]["revision"]["author"], "Liisa Virtanen");
    assert_eq!(
        revisions[1]["revision"]["text"],
        "Marco's wording [@hu-2019-testimony-01]."
    );
    assert!(
        revisions[0]["diff"]
            .as_array()
            .unwrap()
            .iter()
            .any(|part| part.get("Added").is_some()),
        "{}",
        revisions[0]["diff"]
    );

    // Two saves on the same rev at the same moment: exactly one wins.
    let (a, b) = tokio::join!(
        app.save_block(&marco, &block, rev + 2, &kind, "A"),
        app.save_block(&liisa, &block, rev + 2, &kind, "B"),
    );
    let mut statuses = [a.status().as_u16(), b.status().as_u16()];
    statuses.sort();
    assert_eq!(statuses, [200, 409]);
}

#[tokio::test]
async fn saving_syncs_citation_edges_and_locks_cited_keys() {
    let app = TestApp::spawn().await;
    let editor = app.sign_in(EDITOR, PASSWORD).await;
    let w = app.workspace(&editor).await;
    let (block, rev, _) = block_at(&w, 2);
    let saved = app
        .save_block(
            &editor,
            &block,
            rev,
            "claim",
            "Two sources [@fr-2019-indicator-01, p. 4; @pt-2019-indicator-01] and [@nowhere-1].",
        )
        .await;
    assert_eq!(saved.status(), 200);
    assert_eq!(
        edges(&app, &block).await,
        ["fr-2019-indicator-01", "pt-2019-indicator-01"]
    );
    let w = app.workspace(&editor).await;
    let saved_block = w["blocks"]
        .as_array()
        .unwrap()
        .iter()
        .find(|b| b["id"] == block.as_str())
        .unwrap();
    let warnings = saved_block["warnings"].to_string();
    assert!(
        warnings.contains("nowhere-1"),
        "unknown keys are shown: {warnings}"
    );
    // The edit removes a citation: its edge goes.
    let saved = app
        .save_block(
            &editor,
            &block,
            rev + 1,
            "claim",
            "One source [@fr-2019-indicator-01].",
        )
        .await;
    assert_eq!(saved.status(), 200);
    assert_eq!(edges(&app, &block).await, ["fr-2019-indicator-01"]);
    // Cited keys are locked: the evidence form refuses to rename them.
    let form = json(
        app.fetch(
            "/fn/evidence_form?key=pt-2019-indicator-01&assessment=",
            Some(&editor),
        )
        .await,
    )
    .await;
    assert_eq!(form["key_locked"], true);
}

#[tokio::test]
async fn bad_input_gets_clear_answers() {
    let app = TestApp::spawn().await;
    let editor = app.sign_in(EDITOR, PASSWORD).await;
    let member = app.sign_in(MEMBER, PASSWORD).await;
    let w = app.workspace(&editor).await;
    let (block, rev, kind) = block_at(&w, 3);
    let huge = "word ".repeat(200_000);
    let too_long = app.save_block(&editor, &block, rev, &kind, &huge).await;
    assert_eq!(too_long.status(), 422);
    assert_eq!(json(too_long).await["problem"]["code"], "too_long");
    let not_editor = app
        .save_block(&member, &block, rev, &kind, "Mine now")
        .await;
    assert_eq!(not_editor.status(), 403);
    let bad_kind = app.save_block(&editor, &block, rev, "poem", "x").await;
    assert_eq!(bad_kind.status(), 422);
    let elsewhere = app
        .save_block(&editor, "not-a-block", rev, &kind, "x")
        .await;
    assert_eq!(elsewhere.status(), 404);

    // Script in Markdown is rendered inert; citation problems are reported with positions.
    let preview = json(
        app.call(
            "preview_block",
            &[(
                "text",
                "<script>alert(1)</script> [@fr-2019-indicator-01] [@nope-1] [@bad key]",
            )],
            Some(&editor),
        )
        .await,
    )
    .await;
    let html = preview["html"].as_str().unwrap();
    assert!(!html.contains("<script"), "{html}");
    assert_eq!(preview["unknown"], serde_json::json!(["nope-1"]));
    assert_eq!(preview["malformed"].as_array().unwrap().len(), 1);
}

#[tokio::test]
async fn markdown_export_imports_back_to_the_same_blocks() {
    let app = TestApp::spawn().await;
    let editor = app.sign_in(EDITOR, PASSWORD).await;
    let markdown = TestApp::client()
        .get(app.url(&format!("/papers/{SLUG}/draft.md")))
        .header("cookie", &editor)
        .send()
        .await
        .unwrap();
    assert_eq!(markdown.status(), 200);
    let markdown = markdown.text().await.unwrap();
    assert!(markdown.contains("::: recommendation"), "{markdown}");

    let slug = app.paper_from_markdown(&editor, "A copy", &markdown).await;
    assert_eq!(slug, "a-copy");
    let original = app.workspace(&editor).await;
    let copy = json(
        app.fetch("/fn/draft_workspace?slug=a-copy", Some(&editor))
            .await,
    )
    .await;
    let shape = |w: &serde_json::Value| -> Vec<(String, String)> {
        w["blocks"]
            .as_array()
            .unwrap()
            .iter()
            .map(|b| {
                (
                    b["kind"].as_str().unwrap().to_string(),
                    b["html"].as_str().unwrap().to_string(),
                )
            })
            .collect()
    };
    assert_eq!(shape(&original), shape(&copy));
    let copy_markdown = TestApp::client()
        .get(app.url("/papers/a-copy/draft.md"))
        .header("cookie", &editor)
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert_eq!(
        copy_markdown, markdown,
        "export, import, export: the same file"
    );
    assert_eq!(
        original["supported"], copy["supported"],
        "edges were synced too"
    );
}

#[tokio::test]
async fn events_reach_a_second_viewer_and_a_second_instance() {
    let app = TestApp::spawn().await;
    let other = app.second_instance().await;
    let editor = app.sign_in(EDITOR, PASSWORD).await;
    let viewer = other.sign_in(MEMBER, PASSWORD).await;
    let w = app.workspace(&editor).await;
    let (block, rev, kind) = block_at(&w, 4);

    // A viewer on the other instance, through its server-sent event stream.
    let mut body = TestApp::client()
        .get(other.url(&format!("/papers/{SLUG}/events")))
        .header("cookie", &viewer)
        .send()
        .await
        .unwrap();
    assert_eq!(body.status(), 200);
    // The stream is live across instances once the viewer hears its own arrival (announced
    // after it subscribed, written on this instance's database, read by its poller).
    read_until(&mut body, "\"kind\":\"presence\"", Duration::from_secs(5))
        .await
        .expect("the other instance's viewer hears its own arrival");
    // And a second subscriber in-process on the first instance.
    let mut local = app.state.events.subscribe();

    let saved = app
        .save_block(&editor, &block, rev, &kind, "Seen live everywhere.")
        .await;
    assert_eq!(saved.status(), 200);

    // Other changes may come first (the demo's own saves at start-up, when they fall within
    // the poller's look-back): the save is the one of this block.
    let event = tokio::time::timeout(Duration::from_secs(5), async {
        loop {
            let event = local.recv().await.unwrap();
            if event.kind == "saved" && event.block == block {
                return event;
            }
        }
    })
    .await
    .expect("the in-process subscriber hears the save");
    assert_eq!(event.member_name, "Marco Bellini");

    let received = read_until(&mut body, &block, Duration::from_secs(5))
        .await
        .expect("the other instance's viewer hears the save");
    assert!(received.contains("event: change"), "{received}");
    assert!(received.contains("\"kind\":\"saved\""), "{received}");
}

#[tokio::test]
async fn blocks_move_delete_and_come_back_and_evidence_shows_where_it_is_cited() {
    let app = TestApp::spawn().await;
    let editor = app.sign_in(EDITOR, PASSWORD).await;
    let member = app.sign_in(MEMBER, PASSWORD).await;
    let ids = |w: &serde_json::Value| -> Vec<String> {
        w["blocks"]
            .as_array()
            .unwrap()
            .iter()
            .map(|b| b["id"].as_str().unwrap().to_string())
            .collect()
    };
    let before = ids(&app.workspace(&editor).await);
    let moved = app
        .call(
            "move_block",
            &[("slug", SLUG), ("block", &before[2]), ("direction", "up")],
            Some(&editor),
        )
        .await;
    assert_eq!(moved.status(), 200);
    let after = ids(&app.workspace(&editor).await);
    assert_eq!(after[1], before[2]);
    assert_eq!(after[2], before[1]);
    // Dragged to the very top.
    let dragged = app
        .call(
            "move_block",
            &[("slug", SLUG), ("block", &before[5]), ("after", "")],
            Some(&editor),
        )
        .await;
    assert_eq!(dragged.status(), 200);
    assert_eq!(ids(&app.workspace(&editor).await)[0], before[5]);

    let deleted = app
        .call(
            "delete_block",
            &[("slug", SLUG), ("block", &before[3])],
            Some(&editor),
        )
        .await;
    assert_eq!(deleted.status(), 200);
    assert_eq!(json(deleted).await, before[3].as_str(), "for the undo");
    let without = ids(&app.workspace(&editor).await);
    assert!(!without.contains(&before[3]));
    // A page that had not heard of the deletion drags the deleted block, or moves it with
    // its button: both are refused as not found, and the order stays as it was.
    for how in [("after", before[0].as_str()), ("direction", "down")] {
        let stale = app
            .call(
                "move_block",
                &[("slug", SLUG), ("block", &before[3]), how],
                Some(&editor),
            )
            .await;
        assert_eq!(stale.status(), 404, "{how:?}");
        assert_eq!(ids(&app.workspace(&editor).await), without, "{how:?}");
    }
    let restored = app
        .call(
            "delete_block",
            &[("slug", SLUG), ("block", &before[3]), ("restore", "true")],
            Some(&editor),
        )
        .await;
    assert_eq!(restored.status(), 200);
    assert!(ids(&app.workspace(&editor).await).contains(&before[3]));
    assert_eq!(
        app.call(
            "move_block",
            &[
                ("slug", SLUG),
                ("block", &before[3]),
                ("direction", "sideways")
            ],
            Some(&editor),
        )
        .await
        .status(),
        422
    );

    // The page's one form per block: the pressed button names the action.
    let action = |block: String, op: &'static str| {
        let (app, editor) = (&app, &editor);
        async move {
            app.call(
                "block_action",
                &[("slug", SLUG), ("block", &block), ("op", op)],
                Some(editor),
            )
            .await
        }
    };
    let now = ids(&app.workspace(&editor).await);
    let down = action(now[0].clone(), "down").await;
    assert_eq!(down.status(), 200);
    assert_eq!(ids(&app.workspace(&editor).await)[1], now[0]);
    let gone = json(action(now[4].clone(), "delete").await).await;
    assert_eq!(gone["op"], "delete");
    assert_eq!(gone["block"], now[4].as_str(), "for the undo");
    assert!(!ids(&app.workspace(&editor).await).contains(&now[4]));
    assert_eq!(action(now[4].clone(), "restore").await.status(), 200);
    assert!(ids(&app.workspace(&editor).await).contains(&now[4]));
    let added = json(action(now[4].clone(), "add").await).await;
    let new_block = added["block"].as_str().unwrap().to_string();
    let with_new = ids(&app.workspace(&editor).await);
    let at = with_new.iter().position(|b| *b == now[4]).unwrap();
    assert_eq!(with_new[at + 1], new_block, "added just below");
    assert_eq!(action(now[4].clone(), "explode").await.status(), 422);
    assert_eq!(
        app.call(
            "block_action",
            &[("slug", SLUG), ("block", &now[4]), ("op", "delete")],
            Some(&member),
        )
        .await
        .status(),
        403,
        "members read, editors change"
    );

    // The evidence page lists the draft blocks citing it, for members only.
    let item = |cookie: Option<String>| {
        let app = &app;
        async move {
            json(
                app.fetch(
                    "/fn/evidence_item?key=hu-2019-testimony-01",
                    cookie.as_deref(),
                )
                .await,
            )
            .await
        }
    };
    let seen = item(Some(member.clone())).await;
    let cited_in = seen["cited_in"].as_array().unwrap();
    assert!(!cited_in.is_empty());
    assert_eq!(cited_in[0]["slug"], SLUG);
    // The demo paper is in consultation (issue 11: its status shows its open window).
    assert_eq!(cited_in[0]["status"], "consultation");
    assert_eq!(
        item(None).await["cited_in"],
        serde_json::json!([]),
        "drafts are not public"
    );
}

#[tokio::test]
async fn an_import_past_the_limits_is_refused_whole() {
    let app = TestApp::spawn().await;
    let editor = app.sign_in(EDITOR, PASSWORD).await;
    let before = app.workspace(&editor).await["blocks"]
        .as_array()
        .unwrap()
        .len();
    let five_thousand = (0..5_000)
        .map(|i| format!("Paragraph {i}."))
        .collect::<Vec<_>>()
        .join("\n\n");
    let refused = app
        .call(
            "import_markdown",
            &[("slug", SLUG), ("markdown", &five_thousand)],
            Some(&editor),
        )
        .await;
    assert_eq!(refused.status(), 422);
    assert_eq!(json(refused).await["problem"]["code"], "too_many");
    let unclosed = app
        .call(
            "import_markdown",
            &[("slug", SLUG), ("markdown", "::: claim\nNever closed.")],
            Some(&editor),
        )
        .await;
    assert_eq!(unclosed.status(), 422);
    assert_eq!(json(unclosed).await["problem"]["code"], "unbalanced_fence");
    let after = app.workspace(&editor).await["blocks"]
        .as_array()
        .unwrap()
        .len();
    assert_eq!(before, after, "nothing half-imported");
}

#[tokio::test]
async fn a_long_paper_is_shown_a_part_at_a_time() {
    let app = TestApp::spawn().await;
    let editor = app.sign_in(EDITOR, PASSWORD).await;
    let markdown = (0..250)
        .map(|i| match i {
            0 => "# Opening".to_string(),
            230 => "## Closing *asks*".to_string(),
            50 | 150 | 240 => format!("::: recommendation\nAsk {i}.\n:::"),
            _ => format!("Paragraph {i}."),
        })
        .collect::<Vec<_>>()
        .join("\n\n");
    let slug = app
        .paper_from_markdown(&editor, "A long paper", &markdown)
        .await;
    assert_eq!(slug, "a-long-paper");
    let part = |query: String| {
        let app = &app;
        let editor = editor.clone();
        async move {
            let response = app
                .fetch(
                    &format!("/fn/draft_workspace?slug=a-long-paper{query}"),
                    Some(&editor),
                )
                .await;
            assert_eq!(response.status(), 200, "{query}");
            json(response).await
        }
    };

    let opening = part(String::new()).await;
    assert_eq!(opening["total"], 250);
    assert_eq!(opening["first"], 0);
    assert_eq!(opening["before"], "");
    assert_eq!(opening["blocks"].as_array().unwrap().len(), 100);
    assert_eq!(opening["blocks"][0]["author"], "Marco Bellini");
    let parts: Vec<(u64, u64, String)> = opening["parts"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| {
            (
                p["from"].as_u64().unwrap(),
                p["to"].as_u64().unwrap(),
                p["heading"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    assert_eq!(
        parts,
        [
            (0, 100, "Opening".to_string()),
            (100, 200, String::new()),
            (200, 250, "Closing asks".to_string())
        ]
    );
    // Coverage counts the whole paper, whichever part is shown.
    let middle = part("&from=150".into()).await;
    assert_eq!(middle["first"], 100);
    assert_eq!(middle["before"], opening["blocks"][99]["id"]);
    assert_eq!(middle["needing_support"], opening["needing_support"]);
    // Recommendations are numbered across the paper.
    assert_eq!(middle["blocks"][50]["number"], 2);
    let end = part("&from=999".into()).await;
    assert_eq!(end["first"], 200);
    assert_eq!(end["blocks"].as_array().unwrap().len(), 50);
    assert_eq!(end["blocks"][40]["number"], 3);
    // A heading block is a heading of the page, for moving through the paper by headings.
    assert_eq!(end["blocks"][30]["html"], "<h2>Closing <em>asks</em></h2>");
    // A link to one block opens the part holding it; an unknown block falls back to `from`.
    let deep = end["blocks"][45]["id"].as_str().unwrap().to_string();
    assert_eq!(part(format!("&at={deep}")).await["first"], 200);
    assert_eq!(part("&at=nope&from=120".into()).await["first"], 100);
    let bad = app
        .fetch(
            "/fn/draft_workspace?slug=a-long-paper&from=many",
            Some(&editor),
        )
        .await;
    assert!(bad.status().is_client_error(), "{}", bad.status());

    // Without JavaScript: the page says where the reader is and links the other parts, and a
    // block moved in a later part comes back to that part.
    let page = app
        .get("/papers/a-long-paper/draft?from=100", Some(&editor))
        .await
        .text()
        .await
        .unwrap();
    let page = page.replace("<!>", "");
    assert!(
        page.contains("Blocks 101–200 of 250"),
        "where the reader is"
    );
    assert!(page.contains(r#"<a href="/papers/a-long-paper/draft?from=200" class="button">Next part: blocks 201–250</a>"#));
    assert!(page.contains(r#"<ol start="101" class="blocks">"#));
    let first_of_part = middle["blocks"][0]["id"].as_str().unwrap();
    let moved = TestApp::client()
        .post(app.url("/fn/block_action"))
        .header("cookie", &editor)
        .header("accept", "text/html")
        .header("referer", app.url("/papers/a-long-paper/draft?from=100"))
        .form(&[
            ("slug", "a-long-paper"),
            ("block", first_of_part),
            ("op", "up"),
        ])
        .send()
        .await
        .unwrap();
    assert!(moved.status().is_redirection(), "{}", moved.status());
    assert_eq!(
        moved.headers()["location"],
        format!("/papers/a-long-paper/draft?at={first_of_part}#block-{first_of_part}")
    );
    let opening = part(String::new()).await;
    assert_eq!(
        opening["blocks"][99]["id"], first_of_part,
        "moved up across the part's edge"
    );
    // Deleted without JavaScript, the page comes back at the block before, in its part.
    let (doomed, previous) = (
        end["blocks"][10]["id"].as_str().unwrap(),
        end["blocks"][9]["id"].as_str().unwrap(),
    );
    let deleted = TestApp::client()
        .post(app.url("/fn/block_action"))
        .header("cookie", &editor)
        .header("accept", "text/html")
        .form(&[
            ("slug", "a-long-paper"),
            ("block", doomed),
            ("op", "delete"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(
        deleted.headers()["location"],
        format!("/papers/a-long-paper/draft?deleted={doomed}&at={previous}#block-{previous}")
    );
    assert_eq!(part(format!("&at={previous}")).await["first"], 200);
}

#[tokio::test]
async fn a_workspace_asked_for_a_block_it_lacks_shows_the_first_part_and_an_overlong_id_is_404() {
    let app = TestApp::spawn().await;
    let zsofia = app.sign_in(MEMBER, PASSWORD).await;
    let path = "/fn/draft_workspace?slug=inclusive-volunteering";
    let whole = json(app.fetch(path, Some(&zsofia)).await).await;
    // A made-up id: the kept draft, from its first part.
    let made_up = app
        .fetch(&format!("{path}&at=nosuchblock0000000000"), Some(&zsofia))
        .await;
    assert_eq!(made_up.status(), 200);
    let made_up = json(made_up).await;
    assert_eq!(made_up["first"], 0);
    assert_eq!(made_up["total"], whole["total"]);
    let long = "b".repeat(65);
    let overlong = app.fetch(&format!("{path}&at={long}"), Some(&zsofia)).await;
    assert_eq!(overlong.status(), 404);
}
