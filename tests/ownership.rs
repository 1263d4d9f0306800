//! Who may change what (issue 14, finding 11): an editor changes their own organisation's
//! assessments and findings (an admin any), and a published paper takes no more changes.
use crate::helpers::*;

const SLUG: &str = "inclusive-volunteering";

impl TestApp {
    /// The id of an organisation the member with `email` does not belong to.
    async fn another_organisation_than(&self, email: &str) -> String {
        let mut response = self
            .state
            .db
            .query(
                "LET $own = (SELECT VALUE organisation FROM ONLY member WHERE email = $email LIMIT 1);
                 SELECT VALUE record::id(id) FROM organisation WHERE id != $own ORDER BY name LIMIT 1;",
            )
            .bind(("email", email.to_string()))
            .await
            .unwrap();
        let ids: Vec<String> = response.take(1).unwrap();
        ids[0].clone()
    }

    /// An assessment of `organisation` with one finding (`key`); answers the assessment's id.
    async fn assessment_of(&self, organisation: &str, key: &str) -> String {
        use groundwork::domain::assessments::AssessmentInput;
        use groundwork::domain::evidence::EvidenceInput;
        use groundwork::store;
        let fields = AssessmentInput {
            title: "Another organisation's survey".into(),
            programme: String::new(),
            method: "survey".into(),
            period_from: "2022-01-01".into(),
            period_to: "2022-06-30".into(),
            countries: "FI".into(),
            summary: "A survey of their own.".into(),
            link: String::new(),
        }
        .validate()
        .unwrap();
        let db = &self.state.db;
        let id = store::assessments::create(
            db,
            &fields,
            store::assessments::Owner::Organisation(organisation),
        )
        .await
        .unwrap();
        let item = EvidenceInput {
            key: key.into(),
            kind: "testimony".into(),
            text: "Their own words.".into(),
            country: "FI".into(),
            collected_on: "2022-03-01".into(),
            language: "fi".into(),
            consent: "given".into(),
            visibility: "public".into(),
            ..Default::default()
        }
        .validate()
        .unwrap();
        let author = store::evidence::Author {
            member_id: None,
            action: groundwork::domain::evidence_history::ChangeAction::Imported,
            source: "test",
        };
        store::evidence::import(db, &id, &[item], author)
            .await
            .unwrap();
        id
    }
}

fn assessment_form(id: &str, title: &str) -> Vec<(&'static str, String)> {
    [
        ("id", id),
        ("assessment[title]", title),
        ("assessment[programme]", ""),
        ("assessment[method]", "survey"),
        ("assessment[period_from]", "2022-01-01"),
        ("assessment[period_to]", "2022-06-30"),
        ("assessment[countries]", "FI"),
        ("assessment[summary]", "A survey."),
        ("assessment[link]", ""),
    ]
    .into_iter()
    .map(|(k, v)| (k, v.to_string()))
    .collect()
}

fn finding_form(
    current_key: &str,
    assessment: &str,
    key: &str,
    text: &str,
) -> Vec<(&'static str, String)> {
    [
        ("current_key", current_key),
        ("version", ""),
        ("assessment", assessment),
        ("item[key]", key),
        ("item[kind]", "testimony"),
        ("item[text]", text),
        ("item[country]", "FI"),
        ("item[region]", ""),
        ("item[collected_on]", "2022-03-01"),
        ("item[language]", "fi"),
        ("item[tags]", ""),
        ("item[consent]", "given"),
        ("item[visibility]", "public"),
    ]
    .into_iter()
    .map(|(k, v)| (k, v.to_string()))
    .collect()
}

async fn send(
    app: &TestApp,
    name: &str,
    form: &[(&'static str, String)],
    cookie: &str,
) -> (u16, serde_json::Value) {
    let pairs: Vec<(&str, &str)> = form.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let response = app.call(name, &pairs, Some(cookie)).await;
    let status = response.status().as_u16();
    (status, json(response).await)
}

#[tokio::test]
async fn an_editor_changes_only_their_own_organisations_assessments_and_findings() {
    let app = TestApp::spawn().await;
    let editor = app.sign_in(EDITOR, PASSWORD).await;
    let admin = app.sign_in(ADMIN, PASSWORD).await;
    let theirs = app.another_organisation_than(EDITOR).await;
    let foreign = app.assessment_of(&theirs, "fi-2022-testimony-77").await;
    let own = {
        let (status, id) = send(
            &app,
            "save_assessment",
            &assessment_form("", "Our own survey"),
            &editor,
        )
        .await;
        assert_eq!(status, 200, "an editor creates an assessment of their own");
        id.as_str().unwrap().to_string()
    };

    let refusals = [
        (
            "save_assessment",
            assessment_form(&foreign, "Renamed by someone else"),
        ),
        (
            "save_evidence",
            finding_form("", &foreign, "fi-2022-testimony-78", "Slipped in."),
        ),
        (
            "save_evidence",
            finding_form(
                "fi-2022-testimony-77",
                &foreign,
                "fi-2022-testimony-77",
                "Reworded by someone else.",
            ),
        ),
        // Moving their finding into one's own assessment changes theirs too.
        (
            "save_evidence",
            finding_form(
                "fi-2022-testimony-77",
                &own,
                "fi-2022-testimony-77",
                "Their own words.",
            ),
        ),
    ];
    for (name, form) in &refusals {
        let (status, error) = send(&app, name, form, &editor).await;
        assert_eq!(status, 403, "{name} {form:?}: {error}");
        assert_eq!(error["error"], "other_organisation", "{name}: {error}");
    }
    let upload = app
        .upload(
            &foreign,
            groundwork::domain::evidence_csv::SAMPLE.as_bytes(),
            Some(&editor),
        )
        .await;
    assert_eq!(upload.status(), 403, "an import into their assessment");
    let page = upload.text().await.unwrap();
    assert!(page.contains("organisation"), "the page says why: {page}");

    // Nothing changed; the admin may change anything.
    let item = json(
        app.fetch("/fn/evidence_item?key=fi-2022-testimony-77", Some(&admin))
            .await,
    )
    .await;
    assert_eq!(item["detail"]["text"], "Their own words.");
    let (status, _) = send(
        &app,
        "save_assessment",
        &assessment_form(&foreign, "Renamed by the admin"),
        &admin,
    )
    .await;
    assert_eq!(status, 200);
    let (status, error) = send(
        &app,
        "save_evidence",
        &finding_form("", &foreign, "fi-2022-testimony-79", "Added by the admin."),
        &admin,
    )
    .await;
    assert_eq!(status, 200, "{error}");
}

#[tokio::test]
async fn a_published_paper_refuses_changes_but_still_reads() {
    let app = TestApp::spawn().await;
    let editor = app.sign_in(EDITOR, PASSWORD).await;
    let admin = app.sign_in(ADMIN, PASSWORD).await;
    let workspace = json(
        app.fetch(&format!("/fn/draft_workspace?slug={SLUG}"), Some(&editor))
            .await,
    )
    .await;
    let block = workspace["blocks"][0]["id"].as_str().unwrap().to_string();
    let kind = workspace["blocks"][0]["kind"].as_str().unwrap().to_string();
    let rev = workspace["blocks"][0]["rev"].as_i64().unwrap().to_string();
    let jonas_id = {
        let mut response = app
            .state
            .db
            .query("SELECT VALUE record::id(id) FROM ONLY member WHERE email = 'jonas.weber@example.org' LIMIT 1")
            .await
            .unwrap();
        let id: Option<String> = response.take(0).unwrap();
        id.unwrap()
    };
    app.state
        .db
        .query("UPDATE paper SET status = 'published' WHERE slug = $slug")
        .bind(("slug", SLUG))
        .await
        .unwrap()
        .check()
        .unwrap();

    let writes: [(&str, Vec<(&'static str, String)>); 6] = [
        (
            "save_block",
            vec![
                ("slug", SLUG.into()),
                ("block", block.clone()),
                ("rev", rev),
                ("kind", kind),
                ("text", "Changed after publication.".into()),
            ],
        ),
        (
            "add_block",
            vec![
                ("slug", SLUG.into()),
                ("after", block.clone()),
                ("kind", "text".into()),
            ],
        ),
        (
            "block_action",
            vec![
                ("slug", SLUG.into()),
                ("block", block.clone()),
                ("op", "delete".into()),
            ],
        ),
        (
            "import_markdown",
            vec![
                ("slug", SLUG.into()),
                ("markdown", "A paragraph added later.".into()),
            ],
        ),
        (
            "add_paper_editor",
            vec![("slug", SLUG.into()), ("member", jonas_id.clone())],
        ),
        (
            "remove_paper_editor",
            vec![("slug", SLUG.into()), ("editor", jonas_id)],
        ),
    ];
    for (name, form) in &writes {
        for (who, cookie) in [("an editor of the paper", &editor), ("an admin", &admin)] {
            let (status, error) = send(&app, name, form, cookie).await;
            assert_eq!(status, 409, "{name} by {who}: {error}");
            assert_eq!(error["error"], "published", "{name} by {who}: {error}");
        }
    }
    let after = json(
        app.fetch(&format!("/fn/draft_workspace?slug={SLUG}"), Some(&editor))
            .await,
    )
    .await;
    assert_eq!(after["blocks"], workspace["blocks"], "nothing changed");
    let listed = app
        .fetch(&format!("/fn/paper_editors?slug={SLUG}"), Some(&editor))
        .await;
    assert_eq!(listed.status(), 200, "reading its editors is no change");
}
