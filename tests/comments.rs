//! Comments on blocks and passages, their threads, the author's edit window, resolving, the
//! open counts, and moderation: who may do what (visitor, member, editor of the paper, an
//! editor not on it, admin), bad input refused with a clear answer, script rendered inert.
use crate::helpers::*;

const LIISA: &str = "liisa.virtanen@example.org";
const LUCIA: &str = "lucia.romero@example.org";

pub const BLOCK_TEXT: &str = "Workcamps build **trust** between neighbours. They also build \
    trust between\ngenerations, and they cost little.";

impl TestApp {
    async fn comment(
        &self,
        slug: &str,
        block: &str,
        fields: &[(&str, &str)],
        cookie: Option<&str>,
    ) -> reqwest::Response {
        let mut form = vec![("slug", slug), ("block", block)];
        form.extend_from_slice(fields);
        self.call("post_comment", &form, cookie).await
    }

    async fn comments_of(&self, slug: &str, block: &str, cookie: &str) -> serde_json::Value {
        let response = self
            .fetch(
                &format!("/fn/block_comments?slug={slug}&block={block}"),
                Some(cookie),
            )
            .await;
        assert_eq!(response.status(), 200);
        json(response).await
    }

    async fn open_counts(&self, slug: &str, cookie: &str) -> Vec<(String, u64)> {
        let response = self
            .fetch(
                &format!("/fn/open_comment_counts?slug={slug}"),
                Some(cookie),
            )
            .await;
        assert_eq!(response.status(), 200);
        json(response)
            .await
            .as_array()
            .unwrap()
            .iter()
            .map(|c| {
                (
                    c["block"].as_str().unwrap().to_string(),
                    c["open"].as_u64().unwrap(),
                )
            })
            .collect()
    }
}

#[tokio::test]
async fn passages_are_anchored_and_re_anchored_after_edits() {
    let app = TestApp::spawn().await;
    let marco = app.sign_in(EDITOR, PASSWORD).await;
    let zsofia = app.sign_in(MEMBER, PASSWORD).await;
    let (slug, block) = paper_with_block(&app, &marco, "Anchors", BLOCK_TEXT).await;

    // Without JavaScript the form sends the passage alone; "trust between" occurs twice and
    // the first is taken. Markdown's marks are not part of what readers see and quote.
    let first = app
        .comment(
            &slug,
            &block,
            &[
                ("text", "Whose trust?"),
                ("kind", "question"),
                ("passage", "build trust between"),
            ],
            Some(&zsofia),
        )
        .await;
    assert_eq!(first.status(), 200);
    // With the context the page saw, the second one.
    let second = app
        .comment(
            &slug,
            &block,
            &[
                ("text", "Which generations?"),
                ("passage", "trust between generations"),
                ("prefix", "They also build "),
                ("suffix", ", and"),
            ],
            Some(&zsofia),
        )
        .await;
    assert_eq!(second.status(), 200);
    let view = app.comments_of(&slug, &block, &zsofia).await;
    let threads = view["threads"].as_array().unwrap();
    assert_eq!(threads.len(), 2);
    let first = &threads[0]["comment"];
    assert_eq!(first["kind"], "question");
    assert_eq!(first["passage"]["quote"]["exact"], "build trust between");
    assert_eq!(first["passage"]["quote"]["prefix"], "Workcamps ");
    assert_eq!(first["passage"]["anchoring"]["state"], "found");
    assert_eq!(first["passage"]["anchoring"]["start"], 10);
    assert_eq!(
        threads[1]["comment"]["passage"]["quote"]["prefix"],
        "een neighbours. They also build "
    );

    // The passage moves: still found, at its new place.
    let edited = "They cost little. Workcamps build trust between neighbours. They also \
        build trust between generations.";
    let saved = app
        .call(
            "save_block",
            &[
                ("slug", &slug),
                ("block", &block),
                ("rev", "2"),
                ("kind", "text"),
                ("text", edited),
            ],
            Some(&marco),
        )
        .await;
    assert_eq!(saved.status(), 200);
    let view = app.comments_of(&slug, &block, &zsofia).await;
    let anchoring = &view["threads"][0]["comment"]["passage"]["anchoring"];
    assert_eq!(anchoring["state"], "found");
    assert_eq!(anchoring["start"], 28);
    assert_eq!(
        view["threads"][1]["comment"]["passage"]["anchoring"]["state"],
        "found"
    );

    // The second passage is gone: outdated, its quote kept.
    let saved = app
        .call(
            "save_block",
            &[
                ("slug", &slug),
                ("block", &block),
                ("rev", "3"),
                ("kind", "text"),
                ("text", "Workcamps build trust between neighbours."),
            ],
            Some(&marco),
        )
        .await;
    assert_eq!(saved.status(), 200);
    let view = app.comments_of(&slug, &block, &zsofia).await;
    assert_eq!(
        view["threads"][0]["comment"]["passage"]["anchoring"]["state"],
        "found"
    );
    let outdated = &view["threads"][1]["comment"]["passage"];
    assert_eq!(outdated["anchoring"]["state"], "outdated");
    assert_eq!(outdated["quote"]["exact"], "trust between generations");
}

#[tokio::test]
async fn bad_comments_are_refused_with_a_clear_answer() {
    let app = TestApp::spawn().await;
    let marco = app.sign_in(EDITOR, PASSWORD).await;
    let zsofia = app.sign_in(MEMBER, PASSWORD).await;
    let (slug, block) = paper_with_block(&app, &marco, "Bad input", BLOCK_TEXT).await;

    // A passage that is not in the block: nothing posted, the passage field named.
    let nowhere = app
        .comment(
            &slug,
            &block,
            &[("text", "Hm"), ("passage", "build bridges")],
            Some(&zsofia),
        )
        .await;
    assert_eq!(
        problem(nowhere).await,
        (422, "passage".into(), "invalid_choice".into())
    );
    // 100 KB of comment: refused as too long (well under the body limit, so the field says it).
    let long = "x".repeat(100 * 1024);
    let too_long = app
        .comment(&slug, &block, &[("text", &long)], Some(&zsofia))
        .await;
    assert_eq!(
        problem(too_long).await,
        (422, "text".into(), "too_long".into())
    );
    let empty = app
        .comment(&slug, &block, &[("text", " \n ")], Some(&zsofia))
        .await;
    assert_eq!(
        problem(empty).await,
        (422, "text".into(), "required".into())
    );
    let kind = app
        .comment(
            &slug,
            &block,
            &[("text", "x"), ("kind", "praise")],
            Some(&zsofia),
        )
        .await;
    assert_eq!(
        problem(kind).await,
        (422, "kind".into(), "invalid_choice".into())
    );
    assert!(
        app.comments_of(&slug, &block, &zsofia).await["threads"]
            .as_array()
            .unwrap()
            .is_empty()
    );

    // A visitor is asked to sign in.
    let visitor = app.comment(&slug, &block, &[("text", "Hello")], None).await;
    assert_eq!(visitor.status(), 401);
    let visitor_reads = app
        .fetch(
            &format!("/fn/block_comments?slug={slug}&block={block}"),
            None,
        )
        .await;
    assert_eq!(visitor_reads.status(), 401);

    // A deleted block takes no comments; a block of another paper is not found.
    let deleted = app
        .call(
            "delete_block",
            &[("slug", &slug), ("block", &block)],
            Some(&marco),
        )
        .await;
    assert_eq!(deleted.status(), 200);
    let on_deleted = app
        .comment(&slug, &block, &[("text", "Still there?")], Some(&zsofia))
        .await;
    assert_eq!(on_deleted.status(), 404);
    let on_deleted_passage = app
        .comment(
            &slug,
            &block,
            &[("text", "Still there?"), ("passage", "Workcamps")],
            Some(&zsofia),
        )
        .await;
    assert_eq!(on_deleted_passage.status(), 404);
    let (other, _) = paper_with_block(&app, &marco, "Other", "Text").await;
    let elsewhere = app
        .comment(&other, &block, &[("text", "Wrong paper")], Some(&zsofia))
        .await;
    assert_eq!(elsewhere.status(), 404);
}

#[tokio::test]
async fn script_and_html_in_a_comment_are_rendered_inert() {
    let app = TestApp::spawn().await;
    let marco = app.sign_in(EDITOR, PASSWORD).await;
    let zsofia = app.sign_in(MEMBER, PASSWORD).await;
    let (slug, block) = paper_with_block(&app, &marco, "Inert", BLOCK_TEXT).await;
    let text = "**bold** <script>alert(1)</script> <img src=x onerror=alert(2)> \
        [click](javascript:alert(3))\n\n<script>alert(4)</script>";
    let posted = app
        .comment(&slug, &block, &[("text", text)], Some(&zsofia))
        .await;
    assert_eq!(posted.status(), 200);
    let view = app.comments_of(&slug, &block, &zsofia).await;
    let html = view["threads"][0]["comment"]["html"].as_str().unwrap();
    assert!(!html.contains("<script"), "{html}");
    assert!(!html.contains("<img"), "{html}");
    assert!(!html.contains("onerror"), "{html}");
    assert!(!html.contains("javascript:"), "{html}");
    assert!(html.contains("<strong>bold</strong>"), "{html}");
    // The author gets the Markdown back to correct, as typed.
    assert_eq!(view["threads"][0]["comment"]["text"], text);
}

#[tokio::test]
async fn threads_edits_and_resolving_follow_who_is_asking() {
    let app = TestApp::spawn().await;
    let marco = app.sign_in(EDITOR, PASSWORD).await;
    let zsofia = app.sign_in(MEMBER, PASSWORD).await;
    let lucia = app.sign_in(LUCIA, PASSWORD).await;
    let liisa = app.sign_in(LIISA, PASSWORD).await;
    let amelie = app.sign_in(ADMIN, PASSWORD).await;
    let (slug, block) = paper_with_block(&app, &marco, "Threads", BLOCK_TEXT).await;

    let posted = app
        .comment(
            &slug,
            &block,
            &[("text", "Source?"), ("kind", "needs_evidence")],
            Some(&zsofia),
        )
        .await;
    assert_eq!(posted.status(), 200);
    let root = json(posted).await.as_str().unwrap().to_string();
    let reply = app
        .call(
            "reply_comment",
            &[
                ("slug", &slug),
                ("parent", &root),
                ("text", "The 2019 survey."),
            ],
            Some(&lucia),
        )
        .await;
    assert_eq!(reply.status(), 200);
    let reply = json(reply).await.as_str().unwrap().to_string();
    let nested = app
        .call(
            "reply_comment",
            &[
                ("slug", &slug),
                ("parent", &reply),
                ("text", "Which table?"),
            ],
            Some(&marco),
        )
        .await;
    assert_eq!(nested.status(), 200);
    let view = app.comments_of(&slug, &block, &lucia).await;
    let thread = &view["threads"][0];
    assert_eq!(thread["comment"]["id"], root.as_str());
    assert_eq!(thread["comment"]["kind"], "needs_evidence");
    assert_eq!(thread["replies"].as_array().unwrap().len(), 2);
    assert_eq!(thread["replies"][1]["parent"], reply.as_str());
    assert_eq!(view["can_moderate"], false);
    // Only the author may correct, and only they get the text and the time left.
    assert!(thread["comment"]["text"].is_null());
    assert_eq!(thread["comment"]["edit_seconds_left"], 0);

    let edit = |cookie: String, text: &'static str| {
        let (app, slug, root) = (&app, slug.clone(), root.clone());
        async move {
            app.call(
                "edit_comment",
                &[("slug", &slug), ("comment", &root), ("text", text)],
                Some(&cookie),
            )
            .await
        }
    };
    assert_eq!(edit(lucia.clone(), "Not mine").await.status(), 403);
    assert_eq!(edit(marco.clone(), "Not mine either").await.status(), 403);
    assert_eq!(edit(zsofia.clone(), "Source, please?").await.status(), 200);
    let view = app.comments_of(&slug, &block, &zsofia).await;
    let comment = &view["threads"][0]["comment"];
    assert_eq!(comment["edited"], true);
    assert!(
        comment["html"]
            .as_str()
            .unwrap()
            .contains("Source, please?")
    );
    let left = comment["edit_seconds_left"].as_i64().unwrap();
    assert!((1..=900).contains(&left), "{left}");
    // Sixteen minutes later, by the database's clock: too late, and it says so.
    app.state
        .db
        .query("UPDATE type::record('comment', $id) SET created_at = time::now() - 16m")
        .bind(("id", root.clone()))
        .await
        .unwrap()
        .check()
        .unwrap();
    let late = edit(zsofia.clone(), "Too late").await;
    assert_eq!(late.status(), 409);
    assert_eq!(json(late).await["what"], "edit_window");

    // Counts: one open thread on the block.
    assert_eq!(app.open_counts(&slug, &lucia).await, [(block.clone(), 1)]);
    let filtered = json(
        app.fetch(
            &format!("/fn/blocks_with_open_comments?slug={slug}"),
            Some(&lucia),
        )
        .await,
    )
    .await;
    assert_eq!(strings(&filtered, "id"), [block.as_str()]);
    // The draft page's one call agrees with the two it replaced, and so does the discussion
    // page's with the block's comments.
    let page = json(
        app.fetch(
            &format!("/fn/workspace_page?slug={slug}&only_open=true"),
            Some(&lucia),
        )
        .await,
    )
    .await;
    assert_eq!(strings(&page[0]["blocks"], "id"), [block.as_str()]);
    assert_eq!(page[1][0]["block"], block.as_str());
    assert_eq!(page[1][0]["open"], 1);
    let discussion = json(
        app.fetch(
            &format!("/fn/block_discussion?slug={slug}&block={block}"),
            Some(&lucia),
        )
        .await,
    )
    .await;
    assert_eq!(discussion["block"]["id"], block.as_str());
    let thread_ids = |view: &serde_json::Value| -> Vec<String> {
        view["threads"]
            .as_array()
            .unwrap()
            .iter()
            .map(|t| t["comment"]["id"].as_str().unwrap().to_string())
            .collect()
    };
    assert_eq!(
        thread_ids(&discussion["comments"]),
        thread_ids(&app.comments_of(&slug, &block, &lucia).await)
    );
    assert!(!thread_ids(&discussion["comments"]).is_empty());

    // Resolving: the paper's editor and admins; not a member, not an editor not on it.
    let resolve = |cookie: String, reopen: &'static str| {
        let (app, slug, root) = (&app, slug.clone(), root.clone());
        async move {
            app.call(
                "resolve_comment",
                &[("slug", &slug), ("comment", &root), ("reopen", reopen)],
                Some(&cookie),
            )
            .await
            .status()
        }
    };
    assert_eq!(resolve(zsofia.clone(), "false").await, 403);
    assert_eq!(resolve(liisa.clone(), "false").await, 403);
    assert_eq!(resolve(marco.clone(), "false").await, 200);
    assert!(app.open_counts(&slug, &lucia).await.is_empty());
    let filtered = json(
        app.fetch(
            &format!("/fn/blocks_with_open_comments?slug={slug}"),
            Some(&lucia),
        )
        .await,
    )
    .await;
    assert!(filtered.as_array().unwrap().is_empty());
    assert_eq!(
        app.comments_of(&slug, &block, &marco).await["threads"][0]["comment"]["resolved"],
        true
    );
    assert_eq!(resolve(amelie.clone(), "true").await, 200);
    assert_eq!(app.open_counts(&slug, &lucia).await, [(block.clone(), 1)]);
    // A reply is not a thread of its own.
    let on_reply = app
        .call(
            "resolve_comment",
            &[("slug", &slug), ("comment", &reply)],
            Some(&marco),
        )
        .await;
    assert_eq!(on_reply.status(), 404);
}

#[tokio::test]
async fn a_comment_writes_an_event_for_the_live_stream() {
    let app = TestApp::spawn().await;
    let marco = app.sign_in(EDITOR, PASSWORD).await;
    let zsofia = app.sign_in(MEMBER, PASSWORD).await;
    let (slug, block) = paper_with_block(&app, &marco, "Events", BLOCK_TEXT).await;
    let kinds = |app: &TestApp| {
        let (db, slug, block) = (app.state.db.clone(), slug.clone(), block.clone());
        async move {
            let kinds: Vec<String> = db
                .query("SELECT VALUE kind FROM event WHERE paper.slug = $slug AND block = $block")
                .bind(("slug", slug))
                .bind(("block", block))
                .await
                .unwrap()
                .take(0)
                .unwrap();
            kinds
        }
    };
    assert!(!kinds(&app).await.contains(&"comment".to_string()));
    let posted = app
        .comment(&slug, &block, &[("text", "Live?")], Some(&zsofia))
        .await;
    assert_eq!(posted.status(), 200);
    assert!(kinds(&app).await.contains(&"comment".to_string()));
}

#[tokio::test]
async fn reports_and_the_queue_follow_who_may_moderate() {
    let app = TestApp::spawn().await;
    let marco = app.sign_in(EDITOR, PASSWORD).await;
    let zsofia = app.sign_in(MEMBER, PASSWORD).await;
    let lucia = app.sign_in(LUCIA, PASSWORD).await;
    let liisa = app.sign_in(LIISA, PASSWORD).await;
    let amelie = app.sign_in(ADMIN, PASSWORD).await;
    let (slug, block) = paper_with_block(&app, &marco, "Moderation", BLOCK_TEXT).await;
    let mut ids = Vec::new();
    for text in ["You are all fools.", "A fair point, badly put."] {
        let posted = app
            .comment(&slug, &block, &[("text", text)], Some(&zsofia))
            .await;
        assert_eq!(posted.status(), 200);
        ids.push(json(posted).await.as_str().unwrap().to_string());
    }
    let report = |cookie: Option<String>, comment: String, reason: String| {
        let (app, slug) = (&app, slug.clone());
        async move {
            app.call(
                "report_comment",
                &[("slug", &slug), ("comment", &comment), ("reason", &reason)],
                cookie.as_deref(),
            )
            .await
        }
    };
    assert_eq!(
        report(None, ids[0].clone(), "Rude".into()).await.status(),
        401
    );
    let long = report(Some(lucia.clone()), ids[0].clone(), "x".repeat(2_001)).await;
    assert_eq!(
        problem(long).await,
        (422, "reason".into(), "too_long".into())
    );
    assert_eq!(
        report(Some(lucia.clone()), ids[0].clone(), "Rude".into())
            .await
            .status(),
        200
    );
    // Reporting again replaces the reason: still one report.
    assert_eq!(
        report(Some(lucia.clone()), ids[0].clone(), "Insulting".into())
            .await
            .status(),
        200
    );
    assert_eq!(
        report(Some(marco.clone()), ids[1].clone(), "Tone".into())
            .await
            .status(),
        200
    );

    let queue = |cookie: String| {
        let app = &app;
        async move { app.fetch("/fn/moderation_queue", Some(&cookie)).await }
    };
    assert_eq!(queue(zsofia.clone()).await.status(), 403);
    // An editor not listed on the paper has nothing to moderate there.
    let liisas = json(queue(liisa.clone()).await).await;
    assert!(liisas.as_array().unwrap().is_empty(), "{liisas}");
    let marcos = json(queue(marco.clone()).await).await;
    assert_eq!(
        strings(&marcos, "comment"),
        [ids[0].clone(), ids[1].clone()]
    );
    assert_eq!(marcos[0]["reason"], "Insulting");
    assert_eq!(marcos[0]["paper_slug"], slug.as_str());
    assert!(
        marcos[0]["comment_html"]
            .as_str()
            .unwrap()
            .contains("fools")
    );
    assert_eq!(
        json(queue(amelie.clone()).await)
            .await
            .as_array()
            .unwrap()
            .len(),
        2
    );
}

#[tokio::test]
async fn moderators_hide_with_a_reason_or_dismiss_the_reports() {
    let app = TestApp::spawn().await;
    let marco = app.sign_in(EDITOR, PASSWORD).await;
    let zsofia = app.sign_in(MEMBER, PASSWORD).await;
    let lucia = app.sign_in(LUCIA, PASSWORD).await;
    let liisa = app.sign_in(LIISA, PASSWORD).await;
    let amelie = app.sign_in(ADMIN, PASSWORD).await;
    let (slug, block) = paper_with_block(&app, &marco, "Moderation", BLOCK_TEXT).await;
    let mut ids = Vec::new();
    for text in ["You are all fools.", "A fair point, badly put."] {
        let posted = app
            .comment(&slug, &block, &[("text", text)], Some(&zsofia))
            .await;
        assert_eq!(posted.status(), 200);
        ids.push(json(posted).await.as_str().unwrap().to_string());
    }
    for (cookie, comment, reason) in [(&lucia, &ids[0], "Insulting"), (&marco, &ids[1], "Tone")] {
        let reported = app
            .call(
                "report_comment",
                &[("slug", &slug), ("comment", comment), ("reason", reason)],
                Some(cookie),
            )
            .await;
        assert_eq!(reported.status(), 200);
    }
    let queue = |cookie: String| {
        let app = &app;
        async move { app.fetch("/fn/moderation_queue", Some(&cookie)).await }
    };
    // Hiding: the paper's editors and admins, with a reason.
    let hide = |cookie: String, reason: &'static str| {
        let (app, slug, comment) = (&app, slug.clone(), ids[0].clone());
        async move {
            app.call(
                "hide_comment",
                &[("slug", &slug), ("comment", &comment), ("reason", reason)],
                Some(&cookie),
            )
            .await
        }
    };
    assert_eq!(hide(zsofia.clone(), "Mine").await.status(), 403);
    assert_eq!(hide(liisa.clone(), "Not my paper").await.status(), 403);
    assert_eq!(
        problem(hide(marco.clone(), " ").await).await,
        (422, "reason".into(), "required".into())
    );
    assert_eq!(hide(marco.clone(), "Insults a member").await.status(), 200);
    // Shown as hidden with its reason, never deleted: its text only for those who moderate.
    let seen = app.comments_of(&slug, &block, &lucia).await;
    let hidden = &seen["threads"][0]["comment"];
    assert_eq!(hidden["id"], ids[0].as_str());
    assert_eq!(hidden["hidden"]["reason"], "Insults a member");
    assert_eq!(hidden["hidden"]["by"], "Marco Bellini");
    assert_eq!(hidden["html"], "");
    let moderated = app.comments_of(&slug, &block, &marco).await;
    assert!(
        moderated["threads"][0]["comment"]["html"]
            .as_str()
            .unwrap()
            .contains("fools")
    );
    // Its author may no longer edit it.
    let edit = app
        .call(
            "edit_comment",
            &[("slug", &slug), ("comment", &ids[0]), ("text", "Sorry")],
            Some(&zsofia),
        )
        .await;
    assert_eq!(edit.status(), 403);
    // A hidden comment's thread is not open any more.
    assert_eq!(app.open_counts(&slug, &lucia).await, [(block.clone(), 1)]);

    // Dismissing: the other report closes, its comment stays shown.
    let dismiss = |cookie: String| {
        let (app, slug, comment) = (&app, slug.clone(), ids[1].clone());
        async move {
            app.call(
                "dismiss_reports",
                &[("slug", &slug), ("comment", &comment)],
                Some(&cookie),
            )
            .await
        }
    };
    assert_eq!(dismiss(lucia.clone()).await.status(), 403);
    assert_eq!(dismiss(liisa.clone()).await.status(), 403);
    let dismissed = dismiss(amelie.clone()).await;
    assert_eq!(dismissed.status(), 200);
    assert_eq!(json(dismissed).await, 1);
    assert!(
        json(queue(marco.clone()).await)
            .await
            .as_array()
            .unwrap()
            .is_empty()
    );
    let seen = app.comments_of(&slug, &block, &lucia).await;
    assert!(seen["threads"][1]["comment"]["hidden"].is_null());
    assert!(
        seen["threads"][1]["comment"]["html"]
            .as_str()
            .unwrap()
            .contains("fair point")
    );
    let reports: Vec<String> = app
        .state
        .db
        .query("SELECT VALUE status FROM comment_report WHERE paper.slug = $slug ORDER BY status")
        .bind(("slug", slug.clone()))
        .await
        .unwrap()
        .take(0)
        .unwrap();
    assert_eq!(reports, ["dismissed", "hidden"]);
}

#[tokio::test]
async fn the_demo_paper_has_a_discussion() {
    let app = TestApp::spawn().await;
    let zsofia = app.sign_in(MEMBER, PASSWORD).await;
    let marco = app.sign_in(EDITOR, PASSWORD).await;
    let slug = "inclusive-volunteering";
    let counts = app.open_counts(slug, &zsofia).await;
    // A question with its replies, a request for evidence, a comment on a whole block; the
    // hidden remark is not open.
    assert_eq!(counts.len(), 3, "{counts:?}");
    assert!(counts.iter().all(|(_, open)| *open == 1));
    let mut kinds = Vec::new();
    for (block, _) in &counts {
        let view = app.comments_of(slug, block, &zsofia).await;
        for thread in view["threads"].as_array().unwrap() {
            kinds.push(thread["comment"]["kind"].as_str().unwrap().to_string());
            if thread["comment"]["passage"].is_object() {
                assert_eq!(thread["comment"]["passage"]["anchoring"]["state"], "found");
            }
            if thread["comment"]["kind"] == "question" {
                assert_eq!(thread["replies"].as_array().unwrap().len(), 2);
            }
        }
    }
    kinds.sort();
    assert_eq!(kinds, ["comment", "needs_evidence", "question"]);
    let amendments = json(
        app.fetch(&format!("/fn/amendments?slug={slug}"), Some(&zsofia))
            .await,
    )
    .await;
    let amendment = &amendments[0];
    assert_eq!(amendments.as_array().unwrap().len(), 1);
    assert_eq!(amendment["status"], "open");
    assert_eq!(amendment["counts"]["support"], 2);
    assert_eq!(amendment["counts"]["oppose"], 1);
    let block = amendment["block"].as_str().unwrap();
    let on_amendment = json(
        app.fetch(
            &format!(
                "/fn/block_comments?slug={slug}&block={block}&amendment={}",
                amendment["id"].as_str().unwrap()
            ),
            Some(&zsofia),
        )
        .await,
    )
    .await;
    assert_eq!(on_amendment["threads"].as_array().unwrap().len(), 1);
    // The hidden remark shows as hidden, with its reason; nothing waits in the queue.
    let hidden_on: Vec<String> = app
        .state
        .db
        .query("SELECT VALUE record::id(block) FROM comment WHERE hidden_reason != NONE")
        .await
        .unwrap()
        .take(0)
        .unwrap();
    assert_eq!(hidden_on.len(), 1);
    let view = app.comments_of(slug, &hidden_on[0], &zsofia).await;
    let remark = &view["threads"][0]["comment"];
    assert!(
        remark["hidden"]["reason"]
            .as_str()
            .unwrap()
            .contains("rather than the text")
    );
    assert_eq!(remark["html"], "");
    let queue = json(app.fetch("/fn/moderation_queue", Some(&marco)).await).await;
    assert!(queue.as_array().unwrap().is_empty());
}

#[tokio::test]
async fn a_member_reads_the_blocks_earlier_texts_on_its_discussion_page() {
    let app = TestApp::spawn().await;
    let marco = app.sign_in(EDITOR, PASSWORD).await;
    let liisa = app.sign_in(LIISA, PASSWORD).await;
    let (slug, block) = paper_with_block(&app, &marco, "History for members", BLOCK_TEXT).await;
    let changed = BLOCK_TEXT.replace("cost little", "cost very little");
    let saved = app
        .call(
            "save_block",
            &[
                ("slug", &slug),
                ("block", &block),
                ("rev", "2"),
                ("kind", "claim"),
                ("text", &changed),
            ],
            Some(&marco),
        )
        .await;
    assert_eq!(saved.status(), 200);

    // The editor page is for editors; the member reads the history where they comment.
    let editor_page = app
        .get(
            &format!("/papers/{slug}/draft/blocks/{block}"),
            Some(&liisa),
        )
        .await;
    assert_eq!(editor_page.status(), 403);
    let page = app
        .get(
            &format!("/papers/{slug}/draft/blocks/{block}/discussion"),
            Some(&liisa),
        )
        .await;
    assert_eq!(page.status(), 200);
    let html = page.text().await.unwrap();
    let history = html
        .split("id=\"text-history-heading\"")
        .nth(1)
        .expect("a history section")
        .split("</section>")
        .next()
        .unwrap();
    assert!(history.contains("Revisions (3)"), "{history}");
    for rev in ["rev 3", "rev 2", "rev 1"] {
        assert!(history.contains(rev), "{rev}: {history}");
    }
    // The newest change as a word diff, with its new kind named, and no way to restore.
    assert!(history.contains("<ins>very </ins>"), "{history}");
    assert!(history.contains("Claim"), "{history}");
    assert!(!history.contains("Restore this text"), "{history}");
    assert!(!history.contains("<form"), "{history}");
    // The same list from the server function the editor's page reads.
    let listed = json(
        app.fetch(
            &format!("/fn/block_revisions?slug={slug}&block={block}"),
            Some(&liisa),
        )
        .await,
    )
    .await;
    assert_eq!(listed.as_array().unwrap().len(), 3);
}
