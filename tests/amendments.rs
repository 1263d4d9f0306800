//! Amendments: proposed by any member, read as a word diff, commented on and voted on;
//! accepted by the paper's editors through the ordinary save (citations synced, credited to
//! the proposer), refused when the block changed since; rejected with a reason; withdrawn by
//! the proposer.
use crate::helpers::*;

const LIISA: &str = "liisa.virtanen@example.org";
const LUCIA: &str = "lucia.romero@example.org";
const NIKOS: &str = "nikos.papadopoulos@example.org";

const TEXT: &str = "Fund inclusive workcamps.";

impl TestApp {
    async fn propose(
        &self,
        slug: &str,
        block: &str,
        text: &str,
        rationale: &str,
        cookie: Option<&str>,
    ) -> reqwest::Response {
        self.call(
            "propose_amendment",
            &[
                ("slug", slug),
                ("block", block),
                ("text", text),
                ("rationale", rationale),
            ],
            cookie,
        )
        .await
    }

    async fn amendments_of(&self, slug: &str, block: &str, cookie: &str) -> serde_json::Value {
        let response = self
            .fetch(
                &format!("/fn/amendments?slug={slug}&block={block}"),
                Some(cookie),
            )
            .await;
        assert_eq!(response.status(), 200);
        json(response).await
    }

    async fn on_amendment(
        &self,
        action: &str,
        slug: &str,
        amendment: &str,
        extra: &[(&str, &str)],
        cookie: Option<&str>,
    ) -> reqwest::Response {
        let mut form = vec![("slug", slug), ("amendment", amendment)];
        form.extend_from_slice(extra);
        self.call(action, &form, cookie).await
    }
}

async fn id(response: reqwest::Response) -> String {
    assert_eq!(response.status(), 200);
    json(response).await.as_str().unwrap().to_string()
}

#[tokio::test]
async fn proposals_are_checked_shown_as_a_diff_commented_and_voted_on() {
    let app = TestApp::spawn().await;
    let marco = app.sign_in(EDITOR, PASSWORD).await;
    let zsofia = app.sign_in(MEMBER, PASSWORD).await;
    let lucia = app.sign_in(LUCIA, PASSWORD).await;
    let nikos = app.sign_in(NIKOS, PASSWORD).await;
    let (slug, block) = paper_with_block(&app, &marco, "Amend", TEXT).await;

    // A visitor cannot propose; bad proposals name their field.
    let visitor = app.propose(&slug, &block, "New", "Why", None).await;
    assert_eq!(visitor.status(), 401);
    let same = app
        .propose(&slug, &block, TEXT, "No change", Some(&zsofia))
        .await;
    assert_eq!(
        problem(same).await,
        (422, "text".into(), "already_taken".into())
    );
    let no_reason = app.propose(&slug, &block, "New", " ", Some(&zsofia)).await;
    assert_eq!(
        problem(no_reason).await,
        (422, "rationale".into(), "required".into())
    );

    let proposed = "Fund inclusive workcamps every year [@hu-2019-indicator-01].";
    let amendment = id(app
        .propose(
            &slug,
            &block,
            proposed,
            "Once is <b>not</b> enough.",
            Some(&zsofia),
        )
        .await)
    .await;
    let listed = app.amendments_of(&slug, &block, &lucia).await;
    let shown = &listed[0];
    assert_eq!(shown["id"], amendment.as_str());
    assert_eq!(shown["status"], "open");
    assert_eq!(shown["proposer"], "Zsófia Kovács");
    assert_eq!(shown["base_rev"], 2);
    assert!(
        shown["diff"].to_string().contains("every year"),
        "{}",
        shown["diff"]
    );
    assert!(!shown["rationale_html"].as_str().unwrap().contains("<b>"));
    assert_eq!(shown["can_decide"], false);
    assert_eq!(shown["can_withdraw"], false);
    assert_eq!(
        app.amendments_of(&slug, &block, &zsofia).await[0]["can_withdraw"],
        true
    );
    assert_eq!(
        app.amendments_of(&slug, &block, &marco).await[0]["can_decide"],
        true
    );

    // Others comment on it and take positions (one each, changeable).
    let comment = app
        .call(
            "post_comment",
            &[
                ("slug", &slug),
                ("block", &block),
                ("amendment", &amendment),
                ("text", "Every year is a lot."),
                ("passage", "every year"),
            ],
            Some(&lucia),
        )
        .await;
    assert_eq!(comment.status(), 200);
    let on_amendment = json(
        app.fetch(
            &format!("/fn/block_comments?slug={slug}&block={block}&amendment={amendment}"),
            Some(&lucia),
        )
        .await,
    )
    .await;
    assert_eq!(on_amendment["threads"].as_array().unwrap().len(), 1);
    assert_eq!(
        on_amendment["threads"][0]["comment"]["amendment"],
        amendment.as_str()
    );
    // Not among the block's own comments.
    let on_block = json(
        app.fetch(
            &format!("/fn/block_comments?slug={slug}&block={block}"),
            Some(&lucia),
        )
        .await,
    )
    .await;
    assert!(on_block["threads"].as_array().unwrap().is_empty());
    for (cookie, choice) in [(&lucia, "oppose"), (&nikos, "support"), (&lucia, "support")] {
        let voted = app
            .on_amendment(
                "vote_amendment",
                &slug,
                &amendment,
                &[("choice", choice)],
                Some(cookie),
            )
            .await;
        assert_eq!(voted.status(), 200);
    }
    let bad_choice = app
        .on_amendment(
            "vote_amendment",
            &slug,
            &amendment,
            &[("choice", "abstain")],
            Some(&nikos),
        )
        .await;
    assert_eq!(
        problem(bad_choice).await,
        (422, "choice".into(), "invalid_choice".into())
    );
    let counted = &app.amendments_of(&slug, &block, &lucia).await[0];
    assert_eq!(counted["counts"]["support"], 2);
    assert_eq!(counted["counts"]["oppose"], 0);
    assert_eq!(counted["mine"], "support");
    let votes: Vec<String> = app
        .state
        .db
        .query("SELECT VALUE choice FROM amendment_vote WHERE record::id(amendment) = $id")
        .bind(("id", amendment.clone()))
        .await
        .unwrap()
        .take(0)
        .unwrap();
    assert_eq!(votes.len(), 2);
}

#[tokio::test]
async fn an_accepted_amendment_is_saved_like_a_block_and_credited_to_its_proposer() {
    let app = TestApp::spawn().await;
    let marco = app.sign_in(EDITOR, PASSWORD).await;
    let zsofia = app.sign_in(MEMBER, PASSWORD).await;
    let nikos = app.sign_in(NIKOS, PASSWORD).await;
    let liisa = app.sign_in(LIISA, PASSWORD).await;
    let (slug, block) = paper_with_block(&app, &marco, "Accept", TEXT).await;
    let proposed = "Fund inclusive workcamps every year [@hu-2019-indicator-01].";
    let amendment = id(app
        .propose(
            &slug,
            &block,
            proposed,
            "Once is not enough.",
            Some(&zsofia),
        )
        .await)
    .await;
    // Deciding: the paper's editors and admins, not a member, not an editor not on it.
    for cookie in [&zsofia, &liisa] {
        let refused = app
            .on_amendment("accept_amendment", &slug, &amendment, &[], Some(cookie))
            .await;
        assert_eq!(refused.status(), 403);
    }
    let accepted = app
        .on_amendment("accept_amendment", &slug, &amendment, &[], Some(&marco))
        .await;
    assert_eq!(accepted.status(), 200);
    assert_eq!(json(accepted).await, 3);
    // The block has the text as its next revision, by the proposer, its citation linked.
    let current = json(
        app.fetch(
            &format!("/fn/current_block?slug={slug}&block={block}"),
            Some(&marco),
        )
        .await,
    )
    .await;
    assert_eq!(current["text"], proposed);
    assert_eq!(current["rev"], 3);
    assert_eq!(current["author"], "Zsófia Kovács");
    let cited: Vec<String> = app
        .state
        .db
        .query("SELECT VALUE out.key FROM cites WHERE in = type::record('block', $block)")
        .bind(("block", block.clone()))
        .await
        .unwrap()
        .take(0)
        .unwrap();
    assert_eq!(cited, ["hu-2019-indicator-01"]);
    let revisions = json(
        app.fetch(
            &format!("/fn/block_revisions?slug={slug}&block={block}"),
            Some(&marco),
        )
        .await,
    )
    .await;
    assert_eq!(revisions[0]["revision"]["author"], "Zsófia Kovács");
    let after = &app.amendments_of(&slug, &block, &marco).await[0];
    assert_eq!(after["status"], "accepted");
    assert_eq!(after["accepted_rev"], 3);
    assert_eq!(after["decided_by"], "Marco Bellini");
    assert_eq!(after["can_decide"], false);
    // Decided: no second acceptance, no more votes, no withdrawal.
    let again = app
        .on_amendment("accept_amendment", &slug, &amendment, &[], Some(&marco))
        .await;
    assert_eq!(again.status(), 409);
    assert_eq!(json(again).await["what"], "amendment");
    let late_vote = app
        .on_amendment(
            "vote_amendment",
            &slug,
            &amendment,
            &[("choice", "oppose")],
            Some(&nikos),
        )
        .await;
    assert_eq!(late_vote.status(), 409);
    let late_withdraw = app
        .on_amendment("withdraw_amendment", &slug, &amendment, &[], Some(&zsofia))
        .await;
    assert_eq!(late_withdraw.status(), 409);
}

#[tokio::test]
async fn an_amendment_to_a_block_changed_since_is_refused_and_nothing_is_written() {
    let app = TestApp::spawn().await;
    let marco = app.sign_in(EDITOR, PASSWORD).await;
    let zsofia = app.sign_in(MEMBER, PASSWORD).await;
    let amelie = app.sign_in(ADMIN, PASSWORD).await;
    let (slug, block) = paper_with_block(&app, &marco, "Conflict", TEXT).await;
    let amendment = id(app
        .propose(&slug, &block, "Fund workcamps.", "Shorter.", Some(&zsofia))
        .await)
    .await;
    // Proposing against a rev the block has left is refused at once.
    let stale = app
        .call(
            "propose_amendment",
            &[
                ("slug", &slug),
                ("block", &block),
                ("text", "Other"),
                ("rationale", "Why"),
                ("rev", "1"),
            ],
            Some(&zsofia),
        )
        .await;
    assert_eq!(stale.status(), 409);
    let saved = app
        .call(
            "save_block",
            &[
                ("slug", &slug),
                ("block", &block),
                ("rev", "2"),
                ("kind", "text"),
                ("text", "Fund inclusive workcamps in every country."),
            ],
            Some(&marco),
        )
        .await;
    assert_eq!(saved.status(), 200);
    let listed = &app.amendments_of(&slug, &block, &marco).await[0];
    assert_eq!(listed["base_rev"], 2);
    assert_eq!(listed["current_rev"], 3);
    let conflict = app
        .on_amendment("accept_amendment", &slug, &amendment, &[], Some(&amelie))
        .await;
    assert_eq!(conflict.status(), 409);
    assert_eq!(json(conflict).await["what"], "block");
    let current = json(
        app.fetch(
            &format!("/fn/current_block?slug={slug}&block={block}"),
            Some(&marco),
        )
        .await,
    )
    .await;
    assert_eq!(
        current["text"],
        "Fund inclusive workcamps in every country."
    );
    assert_eq!(current["rev"], 3);
    assert_eq!(
        app.amendments_of(&slug, &block, &marco).await[0]["status"],
        "open"
    );
}

#[tokio::test]
async fn rejecting_needs_a_reason_and_only_the_proposer_withdraws() {
    let app = TestApp::spawn().await;
    let marco = app.sign_in(EDITOR, PASSWORD).await;
    let zsofia = app.sign_in(MEMBER, PASSWORD).await;
    let lucia = app.sign_in(LUCIA, PASSWORD).await;
    let liisa = app.sign_in(LIISA, PASSWORD).await;
    let (slug, block) = paper_with_block(&app, &marco, "Reject", TEXT).await;
    let first = id(app
        .propose(&slug, &block, "Fund workcamps.", "Shorter.", Some(&zsofia))
        .await)
    .await;
    let second = id(app
        .propose(&slug, &block, "Fund camps.", "Shortest.", Some(&zsofia))
        .await)
    .await;

    let reject = |cookie: String, reason: &'static str| {
        let (app, slug, first) = (&app, slug.clone(), first.clone());
        async move {
            app.on_amendment(
                "reject_amendment",
                &slug,
                &first,
                &[("reason", reason)],
                Some(&cookie),
            )
            .await
        }
    };
    assert_eq!(reject(lucia.clone(), "No").await.status(), 403);
    assert_eq!(reject(liisa.clone(), "No").await.status(), 403);
    assert_eq!(
        problem(reject(marco.clone(), " ").await).await,
        (422, "reason".into(), "required".into())
    );
    assert_eq!(
        reject(marco.clone(), "Loses the word inclusive.")
            .await
            .status(),
        200
    );

    let withdraw = |cookie: String| {
        let (app, slug, second) = (&app, slug.clone(), second.clone());
        async move {
            app.on_amendment("withdraw_amendment", &slug, &second, &[], Some(&cookie))
                .await
                .status()
        }
    };
    assert_eq!(withdraw(lucia.clone()).await, 403);
    assert_eq!(withdraw(marco.clone()).await, 403);
    assert_eq!(withdraw(zsofia.clone()).await, 200);

    let listed = app.amendments_of(&slug, &block, &zsofia).await;
    let by_id = |id: &str| {
        listed
            .as_array()
            .unwrap()
            .iter()
            .find(|a| a["id"] == id)
            .unwrap()
            .clone()
    };
    assert_eq!(by_id(&first)["status"], "rejected");
    assert_eq!(
        by_id(&first)["decision_reason"],
        "Loses the word inclusive."
    );
    assert_eq!(by_id(&second)["status"], "withdrawn");
    // Neither can be accepted now; the block kept its text.
    let accepted = app
        .on_amendment("accept_amendment", &slug, &second, &[], Some(&marco))
        .await;
    assert_eq!(accepted.status(), 409);
    let current = json(
        app.fetch(
            &format!("/fn/current_block?slug={slug}&block={block}"),
            Some(&marco),
        )
        .await,
    )
    .await;
    assert_eq!(current["text"], TEXT);
}

#[tokio::test]
async fn amendments_live_only_while_their_block_does() {
    let app = TestApp::spawn().await;
    let marco = app.sign_in(EDITOR, PASSWORD).await;
    let zsofia = app.sign_in(MEMBER, PASSWORD).await;
    let (slug, block) = paper_with_block(&app, &marco, "Deleted", TEXT).await;
    let amendment = id(app
        .propose(&slug, &block, "Fund workcamps.", "Shorter.", Some(&zsofia))
        .await)
    .await;
    let deleted = app
        .call(
            "delete_block",
            &[("slug", &slug), ("block", &block)],
            Some(&marco),
        )
        .await;
    assert_eq!(deleted.status(), 200);
    let proposed = app
        .propose(&slug, &block, "Anything", "Why", Some(&zsofia))
        .await;
    assert_eq!(proposed.status(), 404);
    let voted = app
        .on_amendment(
            "vote_amendment",
            &slug,
            &amendment,
            &[("choice", "support")],
            Some(&zsofia),
        )
        .await;
    assert_eq!(voted.status(), 404);
    let accepted = app
        .on_amendment("accept_amendment", &slug, &amendment, &[], Some(&marco))
        .await;
    assert_eq!(accepted.status(), 404);
    let listed = &app.amendments_of(&slug, "", &zsofia).await[0];
    assert_eq!(listed["can_withdraw"], false);
    assert_eq!(listed["can_decide"], false);
}
