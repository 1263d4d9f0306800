//! Editors create and change assessments and evidence items: validation that lists every
//! problem, suggested keys, stale saves refused, keys locked once cited, and the history.
use crate::helpers::*;

impl TestApp {
    async fn an_assessment(&self) -> String {
        let mut response = self
            .state
            .db
            .query("SELECT VALUE record::id(id) FROM assessment ORDER BY title LIMIT 1")
            .await
            .unwrap();
        let ids: Vec<String> = response.take(0).unwrap();
        ids[0].clone()
    }

    async fn item_view(&self, key: &str, cookie: Option<&str>) -> serde_json::Value {
        let response = self
            .fetch(&format!("/fn/evidence_item?key={key}"), cookie)
            .await;
        assert_eq!(response.status(), 200, "{key}");
        json(response).await
    }

    async fn edit_form(&self, key: &str, cookie: &str) -> serde_json::Value {
        let response = self
            .fetch(
                &format!("/fn/evidence_form?key={key}&assessment="),
                Some(cookie),
            )
            .await;
        assert_eq!(response.status(), 200, "{key}");
        json(response).await
    }
}

/// The fields of a valid testimony, as `item[...]` form pairs.
fn testimony(key: &str, text: &str, country: &str) -> Vec<(String, String)> {
    [
        ("key", key),
        ("kind", "testimony"),
        ("text", text),
        ("country", country),
        ("region", "Central Europe"),
        ("collected_on", "2021-05-04"),
        ("language", "hu"),
        ("tags", "inclusion, mentoring"),
        ("consent", "given"),
        ("visibility", "public"),
    ]
    .into_iter()
    .map(|(k, v)| (format!("item[{k}]"), v.to_string()))
    .collect()
}

async fn save(
    app: &TestApp,
    cookie: &str,
    current_key: &str,
    version: &str,
    assessment: &str,
    item: Vec<(String, String)>,
) -> reqwest::Response {
    let mut form: Vec<(&str, &str)> = vec![
        ("current_key", current_key),
        ("version", version),
        ("assessment", assessment),
    ];
    form.extend(item.iter().map(|(k, v)| (k.as_str(), v.as_str())));
    app.call("save_evidence", &form, Some(cookie)).await
}

#[tokio::test]
async fn an_editor_creates_an_item_with_a_suggested_key_and_every_problem_is_listed() {
    let app = TestApp::spawn().await;
    let editor = app.sign_in(EDITOR, PASSWORD).await;
    let assessment = app.an_assessment().await;

    // Several problems at once: all of them come back, each with its field.
    let mut bad = testimony("has space", "", "XX");
    bad.retain(|(k, _)| k != "item[consent]");
    let refused = save(&app, &editor, "", "", &assessment, bad).await;
    assert_eq!(refused.status(), 422);
    let error = json(refused).await;
    assert_eq!(error["error"], "invalid");
    let fields: Vec<&str> = error["problems"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["field"].as_str().unwrap())
        .collect();
    assert_eq!(fields, ["key", "text", "country", "consent"]);

    // An empty key takes the suggestion: country, year, kind, next free number.
    let suggested = json(
        app.fetch(
            "/fn/suggest_evidence_key?country=hu&collected_on=2021-05-04&kind=testimony",
            Some(&editor),
        )
        .await,
    )
    .await;
    assert_eq!(suggested, "hu-2021-testimony-01");
    let created = save(
        &app,
        &editor,
        "",
        "",
        &assessment,
        testimony("", "Mentors made the difference.", "HU"),
    )
    .await;
    assert_eq!(created.status(), 200);
    assert_eq!(json(created).await, "hu-2021-testimony-01");
    let next = json(
        app.fetch(
            "/fn/suggest_evidence_key?country=HU&collected_on=2021-01-01&kind=testimony",
            Some(&editor),
        )
        .await,
    )
    .await;
    assert_eq!(next, "hu-2021-testimony-02", "the taken number is skipped");

    // A form never overwrites another item by reusing its key.
    let duplicate = save(
        &app,
        &editor,
        "",
        "",
        &assessment,
        testimony("hu-2021-testimony-01", "Another finding.", "HU"),
    )
    .await;
    assert_eq!(duplicate.status(), 422);
    assert_eq!(json(duplicate).await["problem"]["code"], "already_taken");

    // Public visitors see it (public, consent given) and the history names its author.
    let public = app.item_view("hu-2021-testimony-01", None).await;
    assert_eq!(public["detail"]["text"], "Mentors made the difference.");
    assert_eq!(
        public["history"],
        serde_json::json!([]),
        "history is for editors"
    );
    let seen_by_editor = app.item_view("hu-2021-testimony-01", Some(&editor)).await;
    let history = seen_by_editor["history"].as_array().unwrap();
    assert_eq!(history.len(), 1);
    assert_eq!(history[0]["action"], "created");
    assert_eq!(history[0]["who"], "Marco Bellini");
}

#[tokio::test]
async fn members_and_visitors_cannot_edit() {
    let app = TestApp::spawn().await;
    let assessment = app.an_assessment().await;
    let member = app.sign_in(MEMBER, PASSWORD).await;
    let item = testimony("", "A finding.", "HU");
    assert_eq!(
        save(&app, &member, "", "", &assessment, item.clone())
            .await
            .status(),
        403
    );
    let mut form: Vec<(&str, &str)> = vec![
        ("current_key", ""),
        ("version", ""),
        ("assessment", &assessment),
    ];
    form.extend(item.iter().map(|(k, v)| (k.as_str(), v.as_str())));
    assert_eq!(app.call("save_evidence", &form, None).await.status(), 401);
    assert_eq!(
        app.fetch("/fn/evidence_form?key=&assessment=x", Some(&member))
            .await
            .status(),
        403
    );
    assert_eq!(
        app.call(
            "save_assessment",
            &[("id", ""), ("assessment[title]", "Mine")],
            Some(&member)
        )
        .await
        .status(),
        403
    );
}

#[tokio::test]
async fn edits_are_recorded_stale_saves_refused_and_cited_keys_locked() {
    let app = TestApp::spawn().await;
    let editor = app.sign_in(EDITOR, PASSWORD).await;
    let other_editor = app.sign_in("liisa.virtanen@example.org", PASSWORD).await;
    let assessment = app.an_assessment().await;
    let created = save(
        &app,
        &editor,
        "",
        "",
        &assessment,
        testimony("hu-2021-testimony-50", "First wording.", "HU"),
    )
    .await;
    assert_eq!(created.status(), 200);

    // Two editors open the same item; the first saves, the second's save is refused.
    let form = app.edit_form("hu-2021-testimony-50", &editor).await;
    let version = form["version"].as_str().unwrap().to_string();
    assert_eq!(form["input"]["text"], "First wording.");
    assert_eq!(form["key_locked"], false);
    let first = save(
        &app,
        &editor,
        "hu-2021-testimony-50",
        &version,
        &assessment,
        testimony("hu-2021-testimony-51", "Second wording.", "AT"),
    )
    .await;
    assert_eq!(first.status(), 200, "the key may change until cited");
    assert_eq!(json(first).await, "hu-2021-testimony-51");
    let stale = save(
        &app,
        &other_editor,
        "hu-2021-testimony-51",
        &version,
        &assessment,
        testimony("hu-2021-testimony-51", "Third wording.", "HU"),
    )
    .await;
    assert_eq!(stale.status(), 409);
    let item = app.item_view("hu-2021-testimony-51", Some(&editor)).await;
    assert_eq!(item["detail"]["text"], "Second wording.");

    // The history says who changed which fields, from what to what.
    let history = item["history"].as_array().unwrap();
    assert_eq!(history.len(), 2);
    assert_eq!(history[0]["action"], "updated");
    let changes = history[0]["changes"].as_array().unwrap();
    let fields: Vec<&str> = changes
        .iter()
        .map(|c| c["field"].as_str().unwrap())
        .collect();
    assert_eq!(fields, ["key", "text", "country"]);
    assert_eq!(changes[2]["before"], "HU");
    assert_eq!(changes[2]["after"], "AT");

    // Saving without a change leaves no entry.
    let version = app.edit_form("hu-2021-testimony-51", &editor).await["version"]
        .as_str()
        .unwrap()
        .to_string();
    let unchanged = save(
        &app,
        &editor,
        "hu-2021-testimony-51",
        &version,
        &assessment,
        testimony("hu-2021-testimony-51", "Second wording.", "AT"),
    )
    .await;
    assert_eq!(unchanged.status(), 200);
    let item = app.item_view("hu-2021-testimony-51", Some(&editor)).await;
    assert_eq!(item["history"].as_array().unwrap().len(), 2);

    // Once cited, the key stays; the other fields can still change.
    app.state
        .db
        .query("UPDATE evidence SET key_locked = true WHERE key = 'hu-2021-testimony-51'")
        .await
        .unwrap()
        .check()
        .unwrap();
    let form = app.edit_form("hu-2021-testimony-51", &editor).await;
    assert_eq!(form["key_locked"], true);
    let version = form["version"].as_str().unwrap().to_string();
    let renamed = save(
        &app,
        &editor,
        "hu-2021-testimony-51",
        &version,
        &assessment,
        testimony("renamed-key", "Second wording.", "AT"),
    )
    .await;
    assert_eq!(renamed.status(), 422);
    assert_eq!(json(renamed).await["problem"]["code"], "key_locked");
    let reworded = save(
        &app,
        &editor,
        "hu-2021-testimony-51",
        &version,
        &assessment,
        testimony("hu-2021-testimony-51", "Final wording.", "AT"),
    )
    .await;
    assert_eq!(reworded.status(), 200);
    let form = app.edit_form("hu-2021-testimony-51", &editor).await;
    assert_eq!(form["key_locked"], true, "an edit does not unlock the key");
}

/// Posts the new-finding form as a browser does without JavaScript (asking for HTML).
async fn post_plain(
    app: &TestApp,
    cookie: &str,
    form_page: &str,
    assessment: &str,
    item: &[(String, String)],
) -> reqwest::Response {
    let mut form: Vec<(&str, &str)> = vec![
        ("current_key", ""),
        ("version", ""),
        ("assessment", assessment),
    ];
    form.extend(item.iter().map(|(k, v)| (k.as_str(), v.as_str())));
    TestApp::client()
        .post(app.url("/fn/save_evidence"))
        .header("accept", "text/html")
        .header("referer", app.url(form_page))
        .header("cookie", cookie)
        .form(&form)
        .send()
        .await
        .unwrap()
}

#[tokio::test]
async fn a_form_posted_without_javascript_comes_back_with_the_problems_and_the_text() {
    let app = TestApp::spawn().await;
    let editor = app.sign_in(EDITOR, PASSWORD).await;
    let assessment = app.an_assessment().await;
    let form_page = format!("/assessments/{assessment}/evidence/new");
    let page = app.get(&form_page, Some(&editor)).await;
    assert_eq!(page.status(), 200);
    let html = page.text().await.unwrap();
    assert!(html.contains("name=\"item[text]\""), "the form is rendered");

    let long_text = "Quoted words, kept. ".repeat(100);
    let mut item = testimony("has space", &long_text, "XX");
    item.retain(|(k, _)| k != "item[kind]");
    let response = post_plain(&app, &editor, &form_page, &assessment, &item).await;
    assert_eq!(response.status(), 302);
    let back = location(&response);
    assert!(back.starts_with(&form_page), "{back}");
    let page = app.get(&back, Some(&editor)).await;
    assert_eq!(page.status(), 200);
    let html = page.text().await.unwrap();
    assert!(html.contains("Quoted words, kept."), "the text comes back");
    assert!(html.contains("problems need your attention"), "{html}");
    assert!(
        html.contains("href=\"#country\""),
        "the summary links each field"
    );
    assert!(html.contains("value=\"has space\""), "the key comes back");

    // Valid this time: sent to the new item.
    let item = testimony("", "Plain form post works.", "HU");
    let response = post_plain(&app, &editor, &form_page, &assessment, &item).await;
    assert_eq!(response.status(), 302);
    assert_eq!(
        response.headers()["location"],
        "/evidence/hu-2021-testimony-01?saved=1"
    );
}

#[tokio::test]
async fn an_editor_creates_and_edits_an_assessment() {
    let app = TestApp::spawn().await;
    let editor = app.sign_in(EDITOR, PASSWORD).await;
    let fields = |title: &'static str, to: &'static str| {
        vec![
            ("assessment[title]", title),
            ("assessment[programme]", "Solidarity Corps 2023"),
            ("assessment[method]", "focus_group"),
            ("assessment[period_from]", "2023-02-01"),
            ("assessment[period_to]", to),
            ("assessment[countries]", "ee, lv lt"),
            (
                "assessment[summary]",
                "Focus groups with <script>alert(1)</script> **hosts**.",
            ),
            ("assessment[link]", "https://example.org/report"),
        ]
    };
    let mut bad = vec![("id", "")];
    bad.extend(fields("", "2022-01-01"));
    let refused = app.call("save_assessment", &bad, Some(&editor)).await;
    assert_eq!(refused.status(), 422);
    let error = json(refused).await;
    let problems: Vec<&str> = error["problems"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["field"].as_str().unwrap())
        .collect();
    assert_eq!(problems, ["title", "period_to"]);

    let mut good = vec![("id", "")];
    good.extend(fields("Baltic focus groups", "2023-06-30"));
    let created = app.call("save_assessment", &good, Some(&editor)).await;
    assert_eq!(created.status(), 200);
    let id = json(created).await.as_str().unwrap().to_string();
    let view = json(
        app.fetch(&format!("/fn/assessment?id={id}&page=1"), None)
            .await,
    )
    .await;
    assert_eq!(
        view["detail"]["countries"],
        serde_json::json!(["EE", "LV", "LT"])
    );
    assert_eq!(
        view["detail"]["organisation"], "Solidarity Workcamps Network",
        "owned by the editor's organisation"
    );
    let summary = view["summary_html"].as_str().unwrap();
    assert!(!summary.contains("<script"), "{summary}");
    assert!(summary.contains("<strong>hosts</strong>"));

    let mut edited = vec![("id", id.as_str())];
    edited.extend(fields("Baltic focus groups, revised", "2023-07-31"));
    let saved = app.call("save_assessment", &edited, Some(&editor)).await;
    assert_eq!(saved.status(), 200);
    let form = json(
        app.fetch(&format!("/fn/assessment_form?id={id}"), Some(&editor))
            .await,
    )
    .await;
    assert_eq!(form["input"]["title"], "Baltic focus groups, revised");
    assert_eq!(form["input"]["countries"], "EE, LV, LT");
    let missing = vec![("id", "nope")]
        .into_iter()
        .chain(fields("x", "2023-07-31"))
        .collect::<Vec<_>>();
    assert_eq!(
        app.call("save_assessment", &missing, Some(&editor))
            .await
            .status(),
        404
    );
}

/// The keys a library search answers, for a visitor or a member.
async fn searched(app: &TestApp, query: &str, cookie: Option<&str>) -> (Vec<String>, u64) {
    let response = app
        .fetch(&format!("/fn/evidence_library?{query}"), cookie)
        .await;
    assert_eq!(response.status(), 200, "{query}");
    let body = json(response).await;
    (
        strings(&body["results"]["items"], "key"),
        body["results"]["total"].as_u64().unwrap(),
    )
}

#[tokio::test]
async fn a_kept_search_ranking_never_outlives_a_change() {
    let app = TestApp::spawn().await;
    let editor = app.sign_in(EDITOR, PASSWORD).await;
    let assessment = app.an_assessment().await;
    // Searched once: the ranking (none) is kept for the next visitor.
    assert_eq!(searched(&app, "filter[q]=xylophone", None).await.1, 0);
    let created = save(
        &app,
        &editor,
        "",
        "",
        &assessment,
        testimony(
            "hu-2021-testimony-60",
            "A xylophone workshop opened the camp.",
            "HU",
        ),
    )
    .await;
    assert_eq!(created.status(), 200);
    let (found, total) = searched(&app, "filter[q]=xylophone", None).await;
    assert_eq!(
        (found.clone(), total),
        (vec!["hu-2021-testimony-60".to_string()], 1)
    );

    // Made members-only: gone for visitors at once, still there for members.
    let version = app.edit_form("hu-2021-testimony-60", &editor).await["version"]
        .as_str()
        .unwrap()
        .to_string();
    let mut members_only = testimony(
        "hu-2021-testimony-60",
        "A xylophone workshop opened the camp.",
        "HU",
    );
    for (name, value) in &mut members_only {
        if name == "item[visibility]" {
            *value = "members".into();
        }
    }
    let changed = save(
        &app,
        &editor,
        "hu-2021-testimony-60",
        &version,
        &assessment,
        members_only,
    )
    .await;
    assert_eq!(changed.status(), 200);
    assert_eq!(searched(&app, "filter[q]=xylophone", None).await.1, 0);
    assert_eq!(
        searched(&app, "filter[q]=xylophone", Some(&editor)).await.0,
        ["hu-2021-testimony-60"]
    );

    // Paging through a kept ordering never repeats or skips a finding.
    let (first, total) = searched(&app, "filter[page]=1", None).await;
    let (second, again) = searched(&app, "filter[page]=2", None).await;
    assert_eq!(total, again);
    let page_size = first.len();
    assert!(
        total as usize > page_size,
        "the demo library has two pages: {total}"
    );
    assert!(
        first.iter().all(|k| !second.contains(k)),
        "{first:?} {second:?}"
    );
    assert_eq!(second.len(), (total as usize - page_size).min(page_size));
}

/// A citation can lock a key between the editor's form being read and the save being
/// written (issue 14, finding 7): the write itself refuses the new key, whatever the caller
/// read before.
#[tokio::test]
async fn a_key_locked_after_the_form_was_read_still_cannot_change() {
    use groundwork::domain::evidence_history::diff;
    use groundwork::error::Problem;
    use groundwork::store::evidence;
    let app = TestApp::spawn().await;
    let db = &app.state.db;
    let mut response = db
        .query(
            "SELECT VALUE key FROM evidence WHERE !key_locked ORDER BY key LIMIT 1;
             SELECT VALUE record::id(id) FROM ONLY member WHERE email = $email LIMIT 1;",
        )
        .bind(("email", EDITOR))
        .await
        .unwrap();
    let keys: Vec<String> = response.take(0).unwrap();
    let member: Option<String> = response.take(1).unwrap();
    let (key, member) = (keys[0].clone(), member.unwrap());
    let read = evidence::stored(db, &key).await.unwrap().unwrap();
    // A block cites the item now, after the editor's read.
    db.query("UPDATE evidence SET key_locked = true WHERE key = $key")
        .bind(("key", key.clone()))
        .await
        .unwrap()
        .check()
        .unwrap();
    let mut renamed = read.fields.clone();
    renamed.key = format!("{key}-renamed");
    let changes = diff(&read.fields, &renamed);
    let refused = evidence::update(
        db,
        &key,
        &read.version,
        &read.assessment_id,
        &renamed,
        &changes,
        &member,
    )
    .await
    .unwrap_err();
    assert_eq!(refused.problem_for("key"), Some(&Problem::KeyLocked));
    let kept = evidence::stored(db, &key).await.unwrap();
    assert!(kept.is_some(), "the cited key {key} still names the item");
}
