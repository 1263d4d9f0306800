//! A paper's editors: admins and listed editors add members with the editor or admin role
//! and take editors off; the list never becomes empty; nobody else may touch it. Also the
//! citation card's data, which must not show a finding to someone who may not see it.
use crate::helpers::*;

const DEMO: &str = "inclusive-volunteering";
const LIISA: &str = "liisa.virtanen@example.org";
const JONAS: &str = "jonas.weber@example.org";

impl TestApp {
    async fn member_id(&self, email: &str) -> String {
        let mut response = self
            .state
            .db
            .query("SELECT VALUE record::id(id) FROM member WHERE email = $email")
            .bind(("email", email.to_string()))
            .await
            .unwrap();
        let ids: Vec<String> = response.take(0).unwrap();
        ids.into_iter().next().expect("a demo member")
    }

    async fn editors_of(&self, slug: &str, cookie: Option<&str>) -> reqwest::Response {
        self.fetch(&format!("/fn/paper_editors?slug={slug}"), cookie)
            .await
    }

    async fn add_editor(&self, slug: &str, member: &str, cookie: &str) -> reqwest::Response {
        self.call(
            "add_paper_editor",
            &[("slug", slug), ("member", member)],
            Some(cookie),
        )
        .await
    }

    async fn remove_editor(&self, slug: &str, editor: &str, cookie: &str) -> reqwest::Response {
        self.call(
            "remove_paper_editor",
            &[("slug", slug), ("editor", editor)],
            Some(cookie),
        )
        .await
    }
}

fn names(list: &serde_json::Value) -> Vec<String> {
    strings(list, "name")
}

#[tokio::test]
async fn an_admin_adds_an_editor_who_then_saves_a_block() {
    let app = TestApp::spawn().await;
    let marco = app.sign_in(EDITOR, PASSWORD).await;
    let liisa = app.sign_in(LIISA, PASSWORD).await;
    let admin = app.sign_in(ADMIN, PASSWORD).await;
    let slug = app.new_paper(&marco, "Editors at work").await;
    let added = app
        .call(
            "add_block",
            &[("slug", &slug), ("after", ""), ("kind", "text")],
            Some(&marco),
        )
        .await;
    assert_eq!(added.status(), 200);
    let block = json(added).await.as_str().unwrap().to_string();
    let save = |cookie: String, text: &'static str, rev: &'static str| {
        let (app, slug, block) = (&app, slug.clone(), block.clone());
        async move {
            app.call(
                "save_block",
                &[
                    ("slug", &slug),
                    ("block", &block),
                    ("rev", rev),
                    ("kind", "text"),
                    ("text", text),
                ],
                Some(&cookie),
            )
            .await
        }
    };
    assert_eq!(
        save(liisa.clone(), "Not yet mine.", "1").await.status(),
        403
    );

    let liisa_id = app.member_id(LIISA).await;
    let before = json(app.editors_of(&slug, Some(&admin)).await).await;
    assert_eq!(names(&before["editors"]), ["Marco Bellini"]);
    let candidates = names(&before["candidates"]);
    assert!(candidates.contains(&"Liisa Virtanen".to_string()));
    assert!(
        !candidates.contains(&"Zsófia Kovács".to_string()),
        "members with the member role are not offered: {candidates:?}"
    );
    assert!(!candidates.contains(&"Marco Bellini".to_string()));
    // Admins see addresses, as on the administration page.
    assert_eq!(
        before["editors"][0]["email"], "marco.bellini@example.org",
        "{before}"
    );

    let response = app.add_editor(&slug, &liisa_id, &admin).await;
    assert_eq!(response.status(), 200);
    assert_eq!(json(response).await, true);
    assert_eq!(save(liisa.clone(), "Now mine.", "1").await.status(), 200);

    // Liisa, now listed, manages the list too; editors do not see addresses.
    let after = json(app.editors_of(&slug, Some(&liisa)).await).await;
    assert_eq!(
        names(&after["editors"]),
        ["Liisa Virtanen", "Marco Bellini"]
    );
    assert!(after["editors"][0]["email"].is_null(), "{after}");
    // Adding someone already listed changes nothing, and says so.
    let again = app.add_editor(&slug, &liisa_id, &marco).await;
    assert_eq!(again.status(), 200);
    assert_eq!(json(again).await, false);
    let same = json(app.editors_of(&slug, Some(&marco)).await).await;
    assert_eq!(same["editors"].as_array().unwrap().len(), 2);

    // Each change is an event of the draft (its viewers reload and see their new rights).
    let mut events = app
        .state
        .db
        .query("SELECT VALUE kind FROM event WHERE kind = 'editors'")
        .await
        .unwrap();
    let kinds: Vec<String> = events.take(0).unwrap();
    assert_eq!(kinds.len(), 1, "one change, one event: {kinds:?}");

    // Taken off again, she can no longer save.
    let removed = app.remove_editor(&slug, &liisa_id, &marco).await;
    assert_eq!(removed.status(), 200);
    assert_eq!(json(removed).await, true);
    assert_eq!(save(liisa, "Mine again?", "2").await.status(), 403);
}

#[tokio::test]
async fn the_last_editor_cannot_be_removed() {
    let app = TestApp::spawn().await;
    let marco = app.sign_in(EDITOR, PASSWORD).await;
    let admin = app.sign_in(ADMIN, PASSWORD).await;
    let jonas = app.sign_in(JONAS, PASSWORD).await;
    let slug = app.new_paper(&marco, "One editor only").await;
    let marco_id = app.member_id(EDITOR).await;
    let jonas_id = app.member_id(JONAS).await;

    for cookie in [&marco, &admin] {
        let refused = app.remove_editor(&slug, &marco_id, cookie).await;
        assert_eq!(refused.status(), 422);
        let body = json(refused).await;
        assert_eq!(body["field"], "editors", "{body}");
        assert_eq!(body["problem"]["code"], "too_short", "{body}");
    }
    let still = json(app.editors_of(&slug, Some(&marco)).await).await;
    assert_eq!(names(&still["editors"]), ["Marco Bellini"]);

    // With a second editor, the first may step down; then the second is the last.
    assert_eq!(app.add_editor(&slug, &jonas_id, &marco).await.status(), 200);
    let stepped_down = app.remove_editor(&slug, &marco_id, &marco).await;
    assert_eq!(stepped_down.status(), 200);
    assert_eq!(
        app.editors_of(&slug, Some(&marco)).await.status(),
        403,
        "no longer listed, no longer managing"
    );
    let last = app.remove_editor(&slug, &jonas_id, &jonas).await;
    assert_eq!(last.status(), 422);
    // Removing someone who is not listed changes nothing.
    let absent = app.remove_editor(&slug, &marco_id, &jonas).await;
    assert_eq!(absent.status(), 200);
    assert_eq!(json(absent).await, false);

    // Without JavaScript the refusal comes back to the page as its error.
    let page = format!("/papers/{slug}/editors");
    let plain = TestApp::client()
        .post(app.url("/fn/remove_paper_editor"))
        .header("accept", "text/html")
        .header("referer", app.url(&page))
        .header("cookie", &jonas)
        .form(&[("slug", slug.as_str()), ("editor", jonas_id.as_str())])
        .send()
        .await
        .unwrap();
    assert_eq!(plain.status(), 302);
    let back = location(&plain);
    assert!(back.starts_with(&format!("{page}?error=")), "{back}");
    let shown = app.get(&back, Some(&jonas)).await;
    assert_eq!(shown.status(), 200);
    let html = shown.text().await.unwrap();
    assert!(
        html.contains("A paper always has at least one editor"),
        "the page explains the refusal"
    );
    assert!(html.contains("Jonas Weber"));
}

#[tokio::test]
async fn a_member_cannot_be_added_and_bad_input_is_refused_clearly() {
    let app = TestApp::spawn().await;
    let admin = app.sign_in(ADMIN, PASSWORD).await;
    let zsofia_id = app.member_id(MEMBER).await;
    let marco_id = app.member_id(EDITOR).await;

    let member = app.add_editor(DEMO, &zsofia_id, &admin).await;
    assert_eq!(member.status(), 422);
    let body = json(member).await;
    assert_eq!(body["field"], "member", "{body}");
    assert_eq!(body["problem"]["code"], "invalid_choice", "{body}");

    let long = "x".repeat(65);
    for (input, code) in [
        ("", "required"),
        ("   ", "required"),
        ("no-such-member", "invalid_choice"),
        (long.as_str(), "too_long"),
    ] {
        let response = app.add_editor(DEMO, input, &admin).await;
        assert_eq!(response.status(), 422, "{input:?}");
        assert_eq!(json(response).await["problem"]["code"], code, "{input:?}");
    }
    let response = app.remove_editor(DEMO, &long, &admin).await;
    assert_eq!(response.status(), 422);
    // An unknown paper is not found, however long its name.
    let response = app.add_editor(&"p".repeat(500), &marco_id, &admin).await;
    assert_eq!(response.status(), 404);

    // Already listed: a success that changes nothing.
    let listed = app.add_editor(DEMO, &marco_id, &admin).await;
    assert_eq!(listed.status(), 200);
    assert_eq!(json(listed).await, false);
    let list = json(app.editors_of(DEMO, Some(&admin)).await).await;
    assert_eq!(list["editors"].as_array().unwrap().len(), 3);

    // Without JavaScript: an added editor, then the page saying so.
    let page = format!("/papers/{DEMO}/editors");
    let admin_id = app.member_id(ADMIN).await;
    let plain = TestApp::client()
        .post(app.url("/fn/add_paper_editor"))
        .header("accept", "text/html")
        .header("referer", app.url(&page))
        .header("cookie", &admin)
        .form(&[("slug", DEMO), ("member", admin_id.as_str())])
        .send()
        .await
        .unwrap();
    assert_eq!(plain.status(), 302);
    assert_eq!(
        plain.headers()["location"].to_str().unwrap(),
        format!("{page}?done=added")
    );
    let shown = app.get(&format!("{page}?done=added"), Some(&admin)).await;
    assert_eq!(shown.status(), 200);
    let html = shown.text().await.unwrap();
    assert!(html.contains("Editor added."));
    assert!(
        html.contains("amelie.laurent@example.org"),
        "admins see addresses"
    );
}

#[tokio::test]
async fn an_editor_not_listed_and_members_are_forbidden() {
    let app = TestApp::spawn().await;
    let marco = app.sign_in(EDITOR, PASSWORD).await;
    let liisa = app.sign_in(LIISA, PASSWORD).await;
    let zsofia = app.sign_in(MEMBER, PASSWORD).await;
    let slug = app.new_paper(&marco, "Marco's own").await;
    let liisa_id = app.member_id(LIISA).await;
    let marco_id = app.member_id(EDITOR).await;

    for cookie in [&liisa, &zsofia] {
        assert_eq!(app.editors_of(&slug, Some(cookie)).await.status(), 403);
        let add = app.add_editor(&slug, &liisa_id, cookie).await;
        assert_eq!(add.status(), 403);
        assert_eq!(json(add).await["error"], "forbidden");
        assert_eq!(
            app.remove_editor(&slug, &marco_id, cookie).await.status(),
            403
        );
        let page = app
            .get(&format!("/papers/{slug}/editors"), Some(cookie))
            .await;
        assert_eq!(page.status(), 403);
        assert!(page.text().await.unwrap().contains("Not allowed"));
    }
    // Visitors are asked to sign in.
    assert_eq!(app.editors_of(&slug, None).await.status(), 401);
    let page = app.get(&format!("/papers/{slug}/editors"), None).await;
    assert_eq!(page.status(), 302);
    assert!(
        page.headers()["location"]
            .to_str()
            .unwrap()
            .starts_with("/login?next=")
    );
    // The paper's own editor sees the page; nothing changed.
    let page = app
        .get(&format!("/papers/{slug}/editors"), Some(&marco))
        .await;
    assert_eq!(page.status(), 200);
    let html = page.text().await.unwrap();
    assert!(html.contains("Listed editors"));
    assert!(html.contains("Liisa Virtanen"), "offered as a candidate");
    assert!(
        !html.contains("liisa.virtanen@example.org"),
        "editors do not see addresses"
    );
}

#[tokio::test]
async fn the_citation_card_shows_only_what_the_reader_may_see() {
    let app = TestApp::spawn().await;
    let member = app.sign_in(MEMBER, PASSWORD).await;
    let editor = app.sign_in(EDITOR, PASSWORD).await;
    let card = |key: String, cookie: Option<String>| {
        let app = &app;
        async move {
            app.fetch(&format!("/fn/evidence_card?key={key}"), cookie.as_deref())
                .await
        }
    };
    let response = card("hu-2019-testimony-01".into(), Some(member.clone())).await;
    assert_eq!(response.status(), 200);
    let body = json(response).await;
    assert_eq!(body["country"], "HU", "{body}");
    assert!(body["assessment"].as_str().is_some_and(|a| !a.is_empty()));
    assert!(body["text"].as_str().unwrap().chars().count() <= 300);

    // Pick a members-only finding and a withdrawn one from the demo data.
    let mut response = app
        .state
        .db
        .query(
            "SELECT VALUE key FROM evidence WHERE visibility = 'members' AND consent != 'withdrawn' LIMIT 1;
             SELECT VALUE key FROM evidence WHERE consent = 'withdrawn' LIMIT 1;",
        )
        .await
        .unwrap();
    let members_only: Vec<String> = response.take(0).unwrap();
    let withdrawn: Vec<String> = response.take(1).unwrap();
    let members_only = members_only
        .first()
        .expect("demo has members-only evidence");
    let withdrawn = withdrawn.first().expect("demo has withdrawn evidence");

    assert_eq!(card(members_only.clone(), None).await.status(), 404);
    assert_eq!(
        card(members_only.clone(), Some(member.clone()))
            .await
            .status(),
        200
    );
    assert_eq!(
        card(withdrawn.clone(), Some(member.clone())).await.status(),
        404
    );
    let seen = card(withdrawn.clone(), Some(editor)).await;
    assert_eq!(seen.status(), 200);
    assert_eq!(json(seen).await["consent"], "withdrawn");
    assert_eq!(card("x".repeat(200), None).await.status(), 404);
    assert_eq!(card(String::new(), None).await.status(), 404);
}
