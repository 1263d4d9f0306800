//! Consultations: the window (before, during, after, extended, closed early) decided by the
//! database's clock; one vote per member per target, even under concurrent requests; who may
//! do what; the rule "a reason is required to oppose"; results and the CSV export.
use crate::helpers::*;

const LIISA: &str = "liisa.virtanen@example.org";
const LUCIA: &str = "lucia.romero@example.org";
const NIKOS: &str = "nikos.papadopoulos@example.org";
const AWA: &str = "awa.diop@example.org";

/// A paper by Marco with two recommendations and a text block; answers (slug, the
/// recommendations' ids, the text block's id).
async fn paper_with_recommendations(
    app: &TestApp,
    marco: &str,
    title: &str,
) -> (String, Vec<String>, String) {
    let slug = app.new_paper(marco, title).await;
    let mut ids: Vec<String> = Vec::new();
    for (kind, text) in [
        ("recommendation", "Fund inclusive workcamps."),
        ("recommendation", "Recognise volunteering in youth policy."),
        ("text", "Some context."),
    ] {
        let after = ids.last().cloned().unwrap_or_default();
        let added = app
            .call(
                "add_block",
                &[("slug", &slug), ("after", &after), ("kind", kind)],
                Some(marco),
            )
            .await;
        assert_eq!(added.status(), 200);
        let id = json(added).await.as_str().unwrap().to_string();
        app.save_text(&slug, &id, 1, kind, text, marco).await;
        ids.push(id);
    }
    let text = ids.pop().unwrap();
    (slug, ids, text)
}

/// A paper by Marco with two recommendations, its consultation open for three days: (Marco's
/// and Zsófia's cookies, the slug, the recommendations' ids).
async fn open_for_three_days(app: &TestApp, title: &str) -> (String, String, String, Vec<String>) {
    let marco = app.sign_in(EDITOR, PASSWORD).await;
    let zsofia = app.sign_in(MEMBER, PASSWORD).await;
    let (slug, recs, _) = paper_with_recommendations(app, &marco, title).await;
    let opened = app
        .open_consultation(
            &slug,
            &[("consultation[closes_at]", &in_days(3))],
            Some(&marco),
        )
        .await;
    assert_eq!(opened.status(), 200);
    (marco, zsofia, slug, recs)
}

impl TestApp {
    /// Saves `text` as block `block`'s next revision after `rev`, as `cookie`; it must succeed.
    async fn save_text(
        &self,
        slug: &str,
        block: &str,
        rev: i64,
        kind: &str,
        text: &str,
        cookie: &str,
    ) {
        let rev = rev.to_string();
        let saved = self
            .call(
                "save_block",
                &[
                    ("slug", slug),
                    ("block", block),
                    ("rev", &rev),
                    ("kind", kind),
                    ("text", text),
                ],
                Some(cookie),
            )
            .await;
        assert_eq!(saved.status(), 200, "{text} saved");
    }

    async fn open_consultation(
        &self,
        slug: &str,
        fields: &[(&str, &str)],
        cookie: Option<&str>,
    ) -> reqwest::Response {
        let mut form = vec![("slug", slug)];
        form.extend_from_slice(fields);
        self.call("open_consultation", &form, cookie).await
    }

    async fn vote(
        &self,
        slug: &str,
        target: &str,
        choice: &str,
        reason: &str,
        cookie: Option<&str>,
    ) -> reqwest::Response {
        self.call(
            "cast_vote",
            &[
                ("slug", slug),
                ("target", target),
                ("choice", choice),
                ("reason", reason),
            ],
            cookie,
        )
        .await
    }

    async fn consultation_of(&self, slug: &str, cookie: Option<&str>) -> serde_json::Value {
        let response = self
            .fetch(&format!("/fn/consultation?slug={slug}"), cookie)
            .await;
        assert_eq!(response.status(), 200);
        json(response).await
    }

    async fn results_of(&self, slug: &str, cookie: &str) -> serde_json::Value {
        let response = self
            .fetch(
                &format!("/fn/consultation_results?slug={slug}"),
                Some(cookie),
            )
            .await;
        assert_eq!(response.status(), 200);
        json(response).await
    }

    /// Moves the paper's consultation in time, as the clock would.
    async fn shift_window(&self, slug: &str, field: &str, seconds_from_now: i64) {
        self.state
            .db
            .query(format!(
                "UPDATE consultation SET {field} = time::now() {sign} <duration> $shift
                 WHERE paper.slug = $slug",
                sign = if seconds_from_now < 0 { "-" } else { "+" }
            ))
            .bind(("slug", slug.to_string()))
            .bind(("shift", format!("{}s", seconds_from_now.abs())))
            .await
            .unwrap()
            .check()
            .unwrap();
    }

    async fn status_of(&self, slug: &str, cookie: &str) -> String {
        let papers = json(self.fetch("/fn/papers_index", Some(cookie)).await).await;
        papers
            .as_array()
            .unwrap()
            .iter()
            .find(|p| p["slug"] == slug)
            .map(|p| p["status"].as_str().unwrap().to_string())
            .unwrap()
    }
}

fn not_open() -> (u16, String, String) {
    (422, "consultation".into(), "not_open".into())
}

#[tokio::test]
async fn the_window_opens_closes_extends_and_closes_early_by_the_database_clock() {
    let app = TestApp::spawn().await;
    let marco = app.sign_in(EDITOR, PASSWORD).await;
    let zsofia = app.sign_in(MEMBER, PASSWORD).await;
    let (slug, recs, _) = paper_with_recommendations(&app, &marco, "Window paper").await;
    assert_eq!(
        app.consultation_of(&slug, Some(&zsofia)).await["window"],
        serde_json::Value::Null
    );

    // Before: set to open tomorrow.
    let (opens, closes) = (in_days(1), in_days(3));
    let opened = app
        .open_consultation(
            &slug,
            &[
                ("consultation[opens_at]", &opens),
                ("consultation[closes_at]", &closes),
            ],
            Some(&marco),
        )
        .await;
    assert_eq!(opened.status(), 200);
    let page = app.consultation_of(&slug, Some(&zsofia)).await;
    assert_eq!(page["window"]["state"], "scheduled");
    assert_eq!(page["status"], "draft");
    assert_eq!(app.status_of(&slug, &zsofia).await, "draft");
    assert_eq!(
        problem(
            app.vote(&slug, &recs[0], "support", "", Some(&zsofia))
                .await
        )
        .await,
        not_open()
    );

    // During: the opening time has come.
    app.shift_window(&slug, "opens_at", -60).await;
    let page = app.consultation_of(&slug, Some(&zsofia)).await;
    assert_eq!(page["window"]["state"], "open");
    assert_eq!(page["status"], "consultation");
    assert_eq!(
        page["window"]["remaining"],
        serde_json::json!({ "Days": 3 })
    );
    assert_eq!(app.status_of(&slug, &zsofia).await, "consultation");
    let voted = app
        .vote(&slug, &recs[0], "support", "", Some(&zsofia))
        .await;
    assert_eq!(voted.status(), 200);
    // A second consultation cannot start while this one runs.
    assert_eq!(
        problem(
            app.open_consultation(
                &slug,
                &[("consultation[closes_at]", &in_days(9))],
                Some(&marco)
            )
            .await
        )
        .await,
        (422, "consultation".into(), "already_open".into())
    );

    // Extended: only to a later time.
    let earlier = app
        .call(
            "extend_consultation",
            &[("slug", &slug), ("closes_at", &in_days(2))],
            Some(&marco),
        )
        .await;
    assert_eq!(
        problem(earlier).await,
        (422, "closes_at".into(), "not_later".into())
    );
    let later = in_days(5);
    let extended = app
        .call(
            "extend_consultation",
            &[("slug", &slug), ("closes_at", &later)],
            Some(&marco),
        )
        .await;
    assert_eq!(extended.status(), 200);
    let page = app.consultation_of(&slug, Some(&zsofia)).await;
    assert!(
        page["window"]["closes_at"]
            .as_str()
            .unwrap()
            .starts_with(&later),
        "{page}"
    );
    let actions: Vec<String> = strings(&page["window"]["changes"], "action");
    assert_eq!(actions, ["opened", "extended"]);
    assert_eq!(page["window"]["changes"][1]["member_name"], "Marco Bellini");

    // Closed early: the status goes back to draft and votes are refused.
    let closed = app
        .call("close_consultation", &[("slug", &slug)], Some(&marco))
        .await;
    assert_eq!(closed.status(), 200);
    let page = app.consultation_of(&slug, Some(&zsofia)).await;
    assert_eq!(page["window"]["state"], "closed");
    assert_eq!(page["status"], "draft");
    assert_eq!(
        strings(&page["window"]["changes"], "action"),
        ["opened", "extended", "closed_early"]
    );
    assert_eq!(
        problem(app.vote(&slug, &recs[0], "oppose", "", Some(&zsofia)).await).await,
        not_open()
    );
    // The vote cast while it was open stays, unchanged.
    assert_eq!(page["targets"][0]["mine"]["choice"], "support");
    // Nothing left to extend or close.
    let late = app
        .call(
            "extend_consultation",
            &[("slug", &slug), ("closes_at", &in_days(9))],
            Some(&marco),
        )
        .await;
    assert_eq!(problem(late).await, not_open());
    let again = app
        .call("close_consultation", &[("slug", &slug)], Some(&marco))
        .await;
    assert_eq!(problem(again).await, not_open());

    // After: a new round, whose closing time then passes.
    let reopened = app
        .open_consultation(
            &slug,
            &[("consultation[closes_at]", &in_days(1))],
            Some(&marco),
        )
        .await;
    assert_eq!(reopened.status(), 200);
    let page = app.consultation_of(&slug, Some(&zsofia)).await;
    assert_eq!(page["window"]["state"], "open");
    // A new round starts with no votes.
    assert_eq!(page["targets"][0]["mine"], serde_json::Value::Null);
    app.shift_window(&slug, "closes_at", -1).await;
    assert_eq!(
        problem(
            app.vote(&slug, &recs[0], "support", "", Some(&zsofia))
                .await
        )
        .await,
        not_open()
    );
    assert_eq!(app.status_of(&slug, &zsofia).await, "draft");
}

#[tokio::test]
async fn bad_windows_are_refused_with_the_field_named() {
    let app = TestApp::spawn().await;
    let marco = app.sign_in(EDITOR, PASSWORD).await;
    let (slug, _, _) = paper_with_recommendations(&app, &marco, "Bad windows").await;
    type Fields<'a> = &'a [(&'a str, &'a str)];
    let cases: &[(Fields, &str, &str)] = &[
        (
            &[("consultation[closes_at]", "2020-01-01T10:00")],
            "closes_at",
            "in_past",
        ),
        (
            &[("consultation[closes_at]", "next week")],
            "closes_at",
            "invalid_date",
        ),
        (&[("consultation[closes_at]", "")], "closes_at", "required"),
        (
            &[
                ("consultation[closes_at]", "2999-01-01T10:00"),
                ("consultation[quorum]", "-3"),
            ],
            "quorum",
            "invalid_number",
        ),
        (
            &[
                ("consultation[closes_at]", "2999-01-01T10:00"),
                ("consultation[results]", "public"),
            ],
            "results",
            "invalid_choice",
        ),
    ];
    for (fields, field, code) in cases {
        let answer = app.open_consultation(&slug, fields, Some(&marco)).await;
        assert_eq!(
            problem(answer).await,
            (422, field.to_string(), code.to_string()),
            "{fields:?}"
        );
    }
    let both = app
        .open_consultation(
            &slug,
            &[
                ("consultation[opens_at]", "2999-01-02T10:00"),
                ("consultation[closes_at]", "2999-01-01T10:00"),
            ],
            Some(&marco),
        )
        .await;
    assert_eq!(
        problem(both).await,
        (422, "closes_at".into(), "dates_out_of_order".into())
    );
    let page = app.consultation_of(&slug, Some(&marco)).await;
    assert_eq!(
        page["window"],
        serde_json::Value::Null,
        "nothing was opened"
    );
}

#[tokio::test]
async fn twenty_casts_at_once_by_one_member_leave_one_vote() {
    let app = TestApp::spawn().await;
    let (_marco, zsofia, slug, recs) = open_for_three_days(&app, "Busy paper").await;
    let choices = ["support", "oppose", "abstain"];
    let casts = (0..20).map(|i| {
        let (app, slug, target, cookie) = (&app, &slug, &recs[0], &zsofia);
        async move {
            app.vote(
                slug,
                target,
                choices[i % 3],
                &format!("tab {i}"),
                Some(cookie),
            )
            .await
            .status()
            .as_u16()
        }
    });
    let statuses = futures_util::future::join_all(casts).await;
    assert!(statuses.iter().all(|s| *s == 200), "{statuses:?}");
    let mut response = app
        .state
        .db
        .query(
            "SELECT VALUE reason FROM vote WHERE target = $target
                 AND member.email = $email",
        )
        .bind(("target", recs[0].clone()))
        .bind(("email", MEMBER.to_string()))
        .await
        .unwrap();
    let rows: Vec<String> = response.take(0).unwrap();
    assert_eq!(rows.len(), 1, "{rows:?}");
    // The one vote is one of the twenty, whole (its choice matches its reason's tab).
    let tab: usize = rows[0].trim_start_matches("tab ").parse().unwrap();
    let page = app.consultation_of(&slug, Some(&zsofia)).await;
    assert_eq!(page["targets"][0]["mine"]["choice"], choices[tab % 3]);
}

#[tokio::test]
async fn the_unique_index_refuses_a_second_vote_written_another_way() {
    let app = TestApp::spawn().await;
    let marco = app.sign_in(EDITOR, PASSWORD).await;
    let zsofia = app.sign_in(MEMBER, PASSWORD).await;
    let (slug, recs, _) = paper_with_recommendations(&app, &marco, "Indexed paper").await;
    app.open_consultation(
        &slug,
        &[("consultation[closes_at]", &in_days(3))],
        Some(&marco),
    )
    .await;
    assert_eq!(
        app.vote(&slug, &recs[0], "support", "", Some(&zsofia))
            .await
            .status(),
        200
    );
    let copy = app
        .state
        .db
        .query(
            "LET $v = (SELECT * FROM vote LIMIT 1)[0];
             CREATE vote CONTENT {
                 consultation: $v.consultation, member: $v.member, organisation: $v.organisation,
                 target: $v.target, choice: 'oppose', reason: '', block_rev: $v.block_rev
             };",
        )
        .await
        .unwrap()
        .check();
    let error = copy.expect_err("a second vote for the same member and target");
    assert!(error.to_string().contains("vote_one"), "{error}");
}

#[tokio::test]
async fn who_may_open_vote_and_read() {
    let app = TestApp::spawn().await;
    let marco = app.sign_in(EDITOR, PASSWORD).await;
    let zsofia = app.sign_in(MEMBER, PASSWORD).await;
    let liisa = app.sign_in(LIISA, PASSWORD).await;
    let admin = app.sign_in(ADMIN, PASSWORD).await;
    let (slug, recs, _) = paper_with_recommendations(&app, &marco, "Who paper").await;
    let closes = in_days(3);
    let open_fields = [("consultation[closes_at]", closes.as_str())];

    // A visitor: nothing.
    assert_eq!(
        app.open_consultation(&slug, &open_fields, None)
            .await
            .status(),
        401
    );
    assert_eq!(
        app.fetch(&format!("/fn/consultation?slug={slug}"), None)
            .await
            .status(),
        401
    );
    assert_eq!(
        app.fetch(&format!("/fn/consultation_results?slug={slug}"), None)
            .await
            .status(),
        401
    );
    assert_eq!(
        app.get(&format!("/papers/{slug}/consultation.csv"), None)
            .await
            .status(),
        401
    );
    // A member, and an editor who is not one of the paper's: they read, but do not open.
    assert_eq!(
        app.open_consultation(&slug, &open_fields, Some(&zsofia))
            .await
            .status(),
        403
    );
    assert_eq!(
        app.open_consultation(&slug, &open_fields, Some(&liisa))
            .await
            .status(),
        403
    );
    assert_eq!(
        app.consultation_of(&slug, Some(&liisa)).await["can_manage"],
        false
    );
    assert_eq!(
        app.consultation_of(&slug, Some(&zsofia)).await["can_manage"],
        false
    );
    // The paper's editor opens it; an admin may change it too.
    assert_eq!(
        app.consultation_of(&slug, Some(&marco)).await["can_manage"],
        true
    );
    assert_eq!(
        app.open_consultation(&slug, &open_fields, Some(&marco))
            .await
            .status(),
        200
    );
    let extended = app
        .call(
            "extend_consultation",
            &[("slug", &slug), ("closes_at", &in_days(4))],
            Some(&admin),
        )
        .await;
    assert_eq!(extended.status(), 200);
    let by_liisa = app
        .call(
            "extend_consultation",
            &[("slug", &slug), ("closes_at", &in_days(6))],
            Some(&liisa),
        )
        .await;
    assert_eq!(by_liisa.status(), 403);
    assert_eq!(
        app.call("close_consultation", &[("slug", &slug)], Some(&zsofia))
            .await
            .status(),
        403
    );
    // Everyone signed in votes; a visitor does not.
    assert_eq!(
        app.vote(&slug, &recs[0], "support", "", None)
            .await
            .status(),
        401
    );
    for cookie in [&zsofia, &liisa, &marco, &admin] {
        assert_eq!(
            app.vote(&slug, &recs[0], "support", "", Some(cookie))
                .await
                .status(),
            200
        );
    }
    // A visitor's page sends them to sign in; a member's page shows the window.
    let page = app.get(&format!("/papers/{slug}/consultation"), None).await;
    assert!(
        page.status().is_redirection() || page.status() == 401,
        "{}",
        page.status()
    );
    let page = app
        .get(&format!("/papers/{slug}/consultation"), Some(&zsofia))
        .await;
    assert_eq!(page.status(), 200);
    let html = page.text().await.unwrap();
    assert!(
        html.replace("<!>", "").contains("closes in 4 days"),
        "the time left is shown"
    );
    assert!(html.contains(" UTC"), "the time zone is named");
    assert!(html.contains("Change my vote"));
    // Unknown papers are not found, for votes too.
    assert_eq!(
        app.vote("no-such-paper", &recs[0], "support", "", Some(&zsofia))
            .await
            .status(),
        404
    );
}

#[tokio::test]
async fn votes_are_checked_and_a_reason_is_required_to_oppose_when_the_rule_says_so() {
    let app = TestApp::spawn().await;
    let marco = app.sign_in(EDITOR, PASSWORD).await;
    let zsofia = app.sign_in(MEMBER, PASSWORD).await;
    let (slug, recs, text_block) = paper_with_recommendations(&app, &marco, "Reasons paper").await;
    let opened = app
        .open_consultation(
            &slug,
            &[
                ("consultation[closes_at]", &in_days(3)),
                ("consultation[reason_required]", "on"),
            ],
            Some(&marco),
        )
        .await;
    assert_eq!(opened.status(), 200);
    assert_eq!(
        app.consultation_of(&slug, Some(&zsofia)).await["window"]["reason_required"],
        true
    );
    let target = &recs[0];
    assert_eq!(
        problem(app.vote(&slug, target, "oppose", "  ", Some(&zsofia)).await).await,
        (422, "reason".into(), "reason_to_oppose".into())
    );
    assert_eq!(
        problem(
            app.vote(&slug, target, "oppose", &"x".repeat(2_001), Some(&zsofia))
                .await
        )
        .await,
        (422, "reason".into(), "too_long".into())
    );
    assert_eq!(
        problem(app.vote(&slug, target, "maybe", "", Some(&zsofia)).await).await,
        (422, "choice".into(), "invalid_choice".into())
    );
    // Not a recommendation of this paper: not found (a text block, an unknown id, a
    // recommendation of another paper).
    let (_, others, _) = paper_with_recommendations(&app, &marco, "Other paper").await;
    for wrong in [
        text_block.as_str(),
        "nosuchblock",
        &others[0],
        &"x".repeat(65),
    ] {
        assert_eq!(
            app.vote(&slug, wrong, "support", "", Some(&zsofia))
                .await
                .status(),
            404,
            "{wrong}"
        );
    }
    assert_eq!(
        app.consultation_of(&slug, Some(&zsofia)).await["targets"][0]["mine"],
        serde_json::Value::Null
    );
    // Accepted: support without a reason, opposing with one, the paper as a whole.
    assert_eq!(
        app.vote(&slug, target, "support", "", Some(&zsofia))
            .await
            .status(),
        200
    );
    let reason = "Too vague: <script>alert(1)</script> which camps?";
    assert_eq!(
        app.vote(&slug, target, "oppose", reason, Some(&zsofia))
            .await
            .status(),
        200
    );
    assert_eq!(
        app.vote(&slug, "paper", "abstain", "", Some(&zsofia))
            .await
            .status(),
        200
    );
    let page = app.consultation_of(&slug, Some(&zsofia)).await;
    assert_eq!(page["targets"][0]["mine"]["choice"], "oppose");
    assert_eq!(page["targets"][0]["mine"]["reason"], reason);
    assert_eq!(page["targets"][2]["id"], "paper");
    assert_eq!(page["targets"][2]["mine"]["choice"], "abstain");
    // Script in a reason is shown as text, never run.
    let html = app
        .get(
            &format!("/papers/{slug}/consultation/results"),
            Some(&zsofia),
        )
        .await
        .text()
        .await
        .unwrap();
    assert!(!html.contains("<script>alert(1)"), "the reason is escaped");
    assert!(
        html.contains("&lt;script&gt;alert(1)"),
        "the reason is shown: {}",
        &html[html.find("<main").unwrap_or(0)..]
    );
}

#[tokio::test]
async fn a_plain_form_vote_comes_back_with_its_outcome_or_its_error_and_text() {
    let app = TestApp::spawn().await;
    let marco = app.sign_in(EDITOR, PASSWORD).await;
    let zsofia = app.sign_in(MEMBER, PASSWORD).await;
    let (slug, recs, _) = paper_with_recommendations(&app, &marco, "Plain paper").await;
    app.open_consultation(
        &slug,
        &[
            ("consultation[closes_at]", &in_days(3)),
            ("consultation[reason_required]", "on"),
        ],
        Some(&marco),
    )
    .await;
    let post = |choice: &'static str, reason: &'static str| {
        let (app, slug, target, cookie) = (&app, slug.clone(), recs[1].clone(), zsofia.clone());
        async move {
            TestApp::client()
                .post(app.url("/fn/cast_vote"))
                .header("cookie", cookie)
                .header("accept", "text/html")
                .header("referer", app.url(&format!("/papers/{slug}/consultation")))
                .form(&[
                    ("slug", slug.as_str()),
                    ("target", target.as_str()),
                    ("choice", choice),
                    ("reason", reason),
                ])
                .send()
                .await
                .unwrap()
        }
    };
    let refused = post("oppose", "").await;
    assert!(refused.status().is_redirection(), "{}", refused.status());
    let back = location(&refused);
    assert!(
        back.starts_with(&format!("/papers/{slug}/consultation?error=")),
        "{back}"
    );
    assert!(back.contains(&format!("target={}", recs[1])), "{back}");
    assert!(back.contains("choice=oppose"), "{back}");
    // The page it comes back to shows the error on that form, with the choice kept.
    let page = app.get(&back, Some(&zsofia)).await.text().await.unwrap();
    assert!(
        page.contains("asks for a reason when you oppose"),
        "the error is shown"
    );
    let done = post("oppose", "Our camps are too small for this.").await;
    assert_eq!(
        location(&done),
        format!("/papers/{slug}/consultation?done=voted#target-{}", recs[1])
    );
    let page = app
        .get(&location(&done), Some(&zsofia))
        .await
        .text()
        .await
        .unwrap();
    assert!(page.contains("Your vote is recorded"));
    assert!(page.contains("Our camps are too small for this."));
}

#[tokio::test]
async fn results_count_by_organisation_and_country_and_the_csv_follows_the_setting() {
    let app = TestApp::spawn().await;
    let marco = app.sign_in(EDITOR, PASSWORD).await;
    let (slug, recs, _) = paper_with_recommendations(&app, &marco, "Results paper").await;
    let opened = app
        .open_consultation(
            &slug,
            &[
                ("consultation[closes_at]", &in_days(3)),
                ("consultation[quorum]", "3"),
                ("consultation[results]", "named"),
            ],
            Some(&marco),
        )
        .await;
    assert_eq!(opened.status(), 200);
    // Marco (SWN, FR) and Zsófia (Kapocs, HU) support R1; Lucía (Ágora, ES) opposes with a
    // reason that would be a formula in a spreadsheet; Nikos (Kyklos, GR) abstains.
    let mut cookies = Vec::new();
    for (email, choice, reason) in [
        (EDITOR, "support", "Matches what we saw"),
        (MEMBER, "support", ""),
        (LUCIA, "oppose", "=HYPERLINK(\"http://x\")"),
        (NIKOS, "abstain", ""),
    ] {
        let cookie = app.sign_in(email, PASSWORD).await;
        assert_eq!(
            app.vote(&slug, &recs[0], choice, reason, Some(&cookie))
                .await
                .status(),
            200
        );
        cookies.push(cookie);
    }
    let awa = app.sign_in(AWA, PASSWORD).await;
    assert_eq!(
        app.vote(&slug, "paper", "support", "", Some(&awa))
            .await
            .status(),
        200
    );

    let results = app.results_of(&slug, &marco).await;
    let r1 = &results["recommendations"][0];
    assert_eq!(r1["number"], 1);
    assert_eq!(
        r1["tally"]["counts"],
        serde_json::json!({ "support": 2, "oppose": 1, "abstain": 1 })
    );
    assert_eq!(r1["tally"]["organisations"], 4);
    assert_eq!(r1["tally"]["quorum_reached"], true);
    assert_eq!(
        strings(&r1["tally"]["by_country"], "name"),
        ["ES", "FR", "GR", "HU"]
    );
    assert_eq!(r1["reasons"][0]["choice"], "support");
    assert_eq!(
        r1["reasons"][0]["by"],
        "Marco Bellini (Solidarity Workcamps Network)"
    );
    assert_eq!(r1["reasons"][1]["choice"], "oppose");
    let r2 = &results["recommendations"][1];
    assert_eq!(r2["tally"]["organisations"], 0);
    assert_eq!(r2["tally"]["quorum_reached"], false);
    assert_eq!(results["paper"]["tally"]["counts"]["support"], 1);

    // The page draws the chart on the server, with a table beside it.
    let page = app
        .get(
            &format!("/papers/{slug}/consultation/results"),
            Some(&marco),
        )
        .await;
    assert_eq!(page.status(), 200);
    let html = page.text().await.unwrap();
    let svg = html
        .find("<svg")
        .map(|at| &html[at..at + html[at..].find('>').unwrap()]);
    let svg = svg.expect("an SVG chart");
    assert!(
        svg.contains("tally-chart") && svg.contains("role=\"img\""),
        "{svg}"
    );
    assert!(html.contains("class=\"tally-table\""), "its table");
    // Text without the hydration markers between its parts.
    let text = html.replace("<!>", "");
    assert!(
        text.contains("Quorum of 3 not reached"),
        "the paper as a whole: one organisation"
    );
    assert!(
        text.contains("Quorum of 3 reached"),
        "R1: four organisations"
    );

    // The text changes after the votes: they show as cast on an earlier text, and the
    // member is asked to reconfirm.
    app.save_text(
        &slug,
        &recs[0],
        2,
        "recommendation",
        "Fund inclusive workcamps for three years.",
        &marco,
    )
    .await;
    let zsofia = &cookies[1];
    let page = app.consultation_of(&slug, Some(zsofia)).await;
    assert_eq!(page["targets"][0]["mine"]["due"], "reconfirm");
    assert_eq!(page["targets"][0]["rev"], 3);
    assert_eq!(
        app.results_of(&slug, &marco).await["recommendations"][0]["tally"]["stale"],
        4
    );
    // A vote sent with the rev read before the change is refused; with the new one it counts.
    let (app_ref, slug_ref, target) = (&app, slug.as_str(), recs[0].as_str());
    let support_at = |rev: &'static str| async move {
        app_ref
            .call(
                "cast_vote",
                &[
                    ("slug", slug_ref),
                    ("target", target),
                    ("choice", "support"),
                    ("rev", rev),
                ],
                Some(zsofia),
            )
            .await
    };
    assert_eq!(support_at("2").await.status(), 409);
    assert_eq!(support_at("3").await.status(), 200);
    let page = app.consultation_of(&slug, Some(zsofia)).await;
    assert_eq!(page["targets"][0]["mine"]["due"], "nothing");
    assert_eq!(
        app.results_of(&slug, &marco).await["recommendations"][0]["tally"]["stale"],
        3
    );

    // Named CSV: who voted what, formulas neutralised.
    let csv = app
        .get(&format!("/papers/{slug}/consultation.csv"), Some(zsofia))
        .await;
    assert_eq!(csv.status(), 200);
    assert!(
        csv.headers()["content-disposition"]
            .to_str()
            .unwrap()
            .contains("named.csv")
    );
    let text = csv.text().await.unwrap();
    assert!(
        text.starts_with("target,member,organisation,country,choice,reason"),
        "{text}"
    );
    assert!(
        text.contains("R1,Lucía Romero,Ágora Voluntariado,ES,oppose,\"'=HYPERLINK"),
        "{text}"
    );
    assert!(text.contains("paper,Awa Diop"), "{text}");
    assert_eq!(text.lines().count(), 1 + 5);

    // Anonymised: the same votes, nobody named.
    app.state
        .db
        .query("UPDATE consultation SET results = 'anonymised' WHERE paper.slug = $slug")
        .bind(("slug", slug.clone()))
        .await
        .unwrap()
        .check()
        .unwrap();
    let text = app
        .get(&format!("/papers/{slug}/consultation.csv"), Some(zsofia))
        .await
        .text()
        .await
        .unwrap();
    assert!(
        text.starts_with("target,country,choice,reason,cast_on_earlier_text"),
        "{text}"
    );
    for name in ["Lucía", "Marco", "Awa", "Ágora"] {
        assert!(!text.contains(name), "{name} in {text}");
    }
    assert!(text.contains("'=HYPERLINK"));
    assert_eq!(text.lines().count(), 1 + 5);
    let reasons: Vec<serde_json::Value> = app.results_of(&slug, &marco).await["recommendations"][0]
        ["reasons"]
        .as_array()
        .unwrap()
        .clone();
    assert!(reasons.iter().all(|r| r["by"].is_null()), "{reasons:?}");
}

/// The consultation of `slug` in what `/fn/needs_me` answers.
fn need_of<'a>(needs: &'a serde_json::Value, slug: &str) -> &'a serde_json::Value {
    needs["consultations"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["slug"] == slug)
        .unwrap_or_else(|| panic!("{slug} is listed: {needs}"))
}

#[tokio::test]
async fn needs_me_lists_votes_to_cast_and_reconfirm_and_replies_to_my_comments() {
    let app = TestApp::spawn().await;
    let (marco, zsofia, slug, recs) = open_for_three_days(&app, "Needs paper").await;
    let needs = || async {
        let response = app.fetch("/fn/needs_me", Some(&zsofia)).await;
        assert_eq!(response.status(), 200);
        json(response).await
    };

    // Two recommendations and the paper, none voted on.
    let before = needs().await;
    assert_eq!(need_of(&before, &slug)["to_vote"], 3);
    assert_eq!(need_of(&before, &slug)["to_reconfirm"], 0);

    // A vote, then the text it was cast on changes: one fewer to vote, one to reconfirm.
    let voted = app
        .vote(&slug, &recs[0], "support", "", Some(&zsofia))
        .await;
    assert_eq!(voted.status(), 200);
    let after_vote = needs().await;
    assert_eq!(need_of(&after_vote, &slug)["to_vote"], 2);
    app.save_text(
        &slug,
        &recs[0],
        2,
        "recommendation",
        "Fund inclusive workcamps for two years.",
        &marco,
    )
    .await;
    let changed = needs().await;
    assert_eq!(need_of(&changed, &slug)["to_vote"], 2);
    assert_eq!(need_of(&changed, &slug)["to_reconfirm"], 1);

    // Marco answers Zsófia's comment; her own reply to herself is not news.
    let posted = app
        .call(
            "post_comment",
            &[
                ("slug", &slug),
                ("block", &recs[1]),
                ("text", "Which budget line?"),
            ],
            Some(&zsofia),
        )
        .await;
    assert_eq!(posted.status(), 200);
    let comment = json(posted).await.as_str().unwrap().to_string();
    for (who, text) in [(&marco, "The youth strand."), (&zsofia, "Thanks.")] {
        let replied = app
            .call(
                "reply_comment",
                &[
                    ("slug", slug.as_str()),
                    ("parent", &comment),
                    ("text", text),
                ],
                Some(who),
            )
            .await;
        assert_eq!(replied.status(), 200);
    }
    let replied = needs().await;
    let replies = replied["replies"].as_array().unwrap();
    assert_eq!(replies.len(), 1, "{replied}");
    assert_eq!(replies[0]["excerpt"], "The youth strand.");
    assert_eq!(replies[0]["slug"], slug.as_str());

    // The header's count: what is to vote, to reconfirm, and the replies, across consultations.
    let count = json(app.fetch("/fn/needs_count", Some(&zsofia)).await).await;
    let expected: u64 = replied["consultations"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["to_vote"].as_u64().unwrap() + c["to_reconfirm"].as_u64().unwrap())
        .sum::<u64>()
        + 1;
    assert_eq!(count, expected);
    let page = app
        .get("/needs-me", Some(&zsofia))
        .await
        .text()
        .await
        .unwrap();
    assert!(page.contains("Needs paper") && page.contains("The youth strand."));
    assert!(
        page.contains(&format!("class=\"count-badge\">{expected}</span>")),
        "{}",
        &page[page.find("Needs me").unwrap_or(0)..][..300]
    );

    // A visitor has nothing to do (and no page).
    assert_eq!(json(app.fetch("/fn/needs_count", None).await).await, 0);
}

/// Readers of the results while members vote: every reading of the page (and of its data)
/// answers 200 with the results, whatever vote lands meanwhile. An end-to-end run once saw a
/// 500 on this page as a vote landed, with nothing in its log to say why.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn the_results_page_answers_every_reader_while_votes_land() {
    const SLUG: &str = "inclusive-volunteering";
    const VOTES: usize = 12;
    const READINGS: usize = 24;
    let app = TestApp::spawn().await;
    let mut voters = Vec::new();
    for email in [MEMBER, LIISA, LUCIA, NIKOS, AWA] {
        voters.push(app.sign_in(email, PASSWORD).await);
    }
    let readers = [
        app.sign_in(ADMIN, PASSWORD).await,
        app.sign_in(EDITOR, PASSWORD).await,
    ];
    let voting = futures_util::future::join_all(voters.iter().enumerate().map(|(v, cookie)| {
        let app = &app;
        async move {
            for round in 0..VOTES {
                let choice = if (v + round).is_multiple_of(2) {
                    "support"
                } else {
                    "abstain"
                };
                let response = app.vote(SLUG, "paper", choice, "", Some(cookie)).await;
                assert_eq!(response.status(), 200, "vote {round} of voter {v}");
            }
        }
    }));
    let reading = futures_util::future::join_all(readers.iter().map(|cookie| {
        let app = &app;
        async move {
            let mut read = 0;
            for round in 0..READINGS {
                if round % 2 == 0 {
                    let response = app
                        .get(
                            &format!("/papers/{SLUG}/consultation/results"),
                            Some(cookie),
                        )
                        .await;
                    let status = response.status();
                    let html = response.text().await.unwrap();
                    assert_eq!(status, 200, "results page, reading {round}: {html}");
                    assert!(
                        html.contains("id=\"results-paper\""),
                        "reading {round}: {html}"
                    );
                } else {
                    let response = app
                        .fetch(
                            &format!("/fn/consultation_results?slug={SLUG}"),
                            Some(cookie),
                        )
                        .await;
                    let status = response.status();
                    let body = response.text().await.unwrap();
                    assert_eq!(status, 200, "results data, reading {round}: {body}");
                }
                read += 1;
            }
            read
        }
    }));
    let (_, reads) = tokio::join!(voting, reading);
    assert_eq!(reads, vec![READINGS, READINGS]);
    // Each voter's last vote is the one kept.
    for (v, cookie) in voters.iter().enumerate() {
        let page = app.consultation_of(SLUG, Some(cookie)).await;
        let paper = page["targets"]
            .as_array()
            .and_then(|targets| targets.iter().find(|t| t["id"] == "paper"))
            .cloned()
            .unwrap_or_default();
        let last = if (v + VOTES - 1).is_multiple_of(2) {
            "support"
        } else {
            "abstain"
        };
        assert_eq!(paper["mine"]["choice"], last, "voter {v}");
    }
}

#[tokio::test]
async fn a_vote_goes_to_the_consultation_reopened_through_another_instance() {
    let app = TestApp::spawn().await;
    let (_, zsofia, slug, recs) = open_for_three_days(&app, "Reopened elsewhere").await;
    let voted = app
        .vote(&slug, &recs[0], "support", "", Some(&zsofia))
        .await;
    assert_eq!(voted.status(), 200);
    let db = &app.state.db;
    let paper = groundwork::store::papers::by_slug(db, &slug)
        .await
        .unwrap()
        .unwrap()
        .id;
    let (first, _) = groundwork::store::consultations::current(db, &paper)
        .await
        .unwrap()
        .unwrap();
    // Another instance closes it and opens a new one, with the rule that opposing needs a
    // reason; this instance still keeps the first as the paper's consultation.
    let marco = groundwork::store::members::find_for_login(db, EDITOR)
        .await
        .unwrap()
        .unwrap();
    groundwork::store::consultations::change_closing(db, &paper, &first.id, None, &marco.id)
        .await
        .unwrap();
    let fields = groundwork::domain::consultations::ConsultationFields {
        opens_at: None,
        closes_at: (chrono::Utc::now() + chrono::Duration::days(5))
            .format("%Y-%m-%dT%H:%M:00Z")
            .to_string(),
        quorum: None,
        reason_required: true,
        results: groundwork::domain::consultations::ResultsMode::Named,
    };
    groundwork::store::consultations::open(db, &paper, &fields, &marco.id)
        .await
        .unwrap();
    let (second, _) = groundwork::store::consultations::current(db, &paper)
        .await
        .unwrap()
        .unwrap();
    assert_ne!(first.id, second.id);

    // The new consultation's rule applies, and the vote lands in it.
    assert_eq!(
        problem(app.vote(&slug, &recs[0], "oppose", "", Some(&zsofia)).await).await,
        (422, "reason".into(), "reason_to_oppose".into())
    );
    let voted = app
        .vote(&slug, &recs[0], "oppose", "Too vague.", Some(&zsofia))
        .await;
    assert_eq!(voted.status(), 200, "{}", voted.text().await.unwrap());
    let mut response = db
        .query(
            "SELECT VALUE choice FROM vote
             WHERE consultation = type::record('consultation', $c)",
        )
        .bind(("c", second.id.clone()))
        .await
        .unwrap();
    let choices: Vec<String> = response.take(0).unwrap();
    assert_eq!(choices, ["oppose"]);
}

/// Votes that arrive together are written by this instance's vote writer in one
/// transaction, yet each is checked and answered on its own: a refused vote writes nothing and
/// does not stop the others, and of one member's two votes on a target the later stands.
#[tokio::test]
async fn votes_written_together_are_each_checked_and_answered_on_their_own() {
    use groundwork::domain::consultations::Choice;
    use groundwork::store::consultations::{self, VoteCast, VoteRefused};
    let app = TestApp::spawn().await;
    let (_, _, slug, recs) = open_for_three_days(&app, "Written together").await;
    let db = &app.state.db;
    let paper_of = |slug: String| async move {
        groundwork::store::papers::by_slug(db, &slug)
            .await
            .unwrap()
            .unwrap()
            .id
    };
    let member_of = |email: &'static str| async move {
        groundwork::store::members::find_for_login(db, email)
            .await
            .unwrap()
            .unwrap()
            .id
    };
    let paper = paper_of(slug.clone()).await;
    let (open, _) = consultations::current(db, &paper).await.unwrap().unwrap();
    // A second paper whose consultation has closed.
    let (_, _, closed_slug, closed_recs) = open_for_three_days(&app, "Closed already").await;
    let closed_paper = paper_of(closed_slug.clone()).await;
    let (closed, _) = consultations::current(db, &closed_paper)
        .await
        .unwrap()
        .unwrap();
    let marco_id = member_of(EDITOR).await;
    consultations::change_closing(db, &closed_paper, &closed.id, None, &marco_id)
        .await
        .unwrap();
    let rev: i64 = db
        .query("SELECT VALUE rev FROM ONLY type::record('block', $id)")
        .bind(("id", recs[0].clone()))
        .await
        .unwrap()
        .take::<Option<i64>>(0)
        .unwrap()
        .unwrap();
    let (zsofia, lucia, nikos, awa) = (
        member_of(MEMBER).await,
        member_of(LUCIA).await,
        member_of(NIKOS).await,
        member_of(AWA).await,
    );
    let votes = [
        VoteCast::new(&open.id, &zsofia, &recs[0], Choice::Support, "", None),
        VoteCast::new(
            &open.id,
            &lucia,
            &recs[0],
            Choice::Support,
            "",
            Some(rev + 7),
        ),
        VoteCast::new(&open.id, &nikos, &closed_recs[0], Choice::Support, "", None),
        VoteCast::new(&open.id, &awa, "paper", Choice::Abstain, "", None),
        VoteCast::new(
            "nosuchconsultation",
            &awa,
            &recs[1],
            Choice::Support,
            "",
            None,
        ),
        VoteCast::new(
            &closed.id,
            &nikos,
            &closed_recs[0],
            Choice::Oppose,
            "Late.",
            None,
        ),
        VoteCast::new(
            &open.id,
            "nosuchmember",
            &recs[1],
            Choice::Support,
            "",
            None,
        ),
        VoteCast::new(
            &open.id,
            &zsofia,
            &recs[0],
            Choice::Oppose,
            "On reflection.",
            Some(rev),
        ),
    ];
    let answers = futures_util::future::join_all(
        votes.iter().cloned().map(|vote| app.state.votes.cast(vote)),
    )
    .await;
    let answers: Vec<Result<(), VoteRefused>> = answers.into_iter().map(Result::unwrap).collect();
    assert_eq!(
        answers,
        [
            Ok(()),
            Err(VoteRefused::Stale),
            Err(VoteRefused::Missing),
            Ok(()),
            Err(VoteRefused::Missing),
            Err(VoteRefused::Closed),
            Err(VoteRefused::Missing),
            Ok(()),
        ]
    );
    let mut response = db
        .query(
            "SELECT member.email AS email, target, choice, reason FROM vote
             WHERE consultation.paper.slug IN $slugs ORDER BY email, target;
             SELECT VALUE block FROM event WHERE kind = 'vote' AND paper.slug IN $slugs
             ORDER BY block;",
        )
        .bind(("slugs", vec![slug.clone(), closed_slug.clone()]))
        .await
        .unwrap();
    let stored: Vec<serde_json::Value> = response.take(0).unwrap();
    let stored: Vec<(String, String, String, String)> = stored
        .iter()
        .map(|v| {
            let field = |name: &str| v[name].as_str().unwrap().to_string();
            (
                field("email"),
                field("target"),
                field("choice"),
                field("reason"),
            )
        })
        .collect();
    assert_eq!(
        stored,
        [
            (AWA.into(), "paper".into(), "abstain".into(), String::new()),
            (
                MEMBER.into(),
                recs[0].clone(),
                "oppose".into(),
                "On reflection.".into()
            ),
        ]
    );
    // One live event per target that got a vote written (Awa's on the paper, Zsófia's two on
    // the first recommendation: one), none for refused ones.
    let events: Vec<String> = response.take(1).unwrap();
    let mut expected = vec!["paper".to_string(), recs[0].clone()];
    expected.sort();
    assert_eq!(events, expected);
}
