//! A withdrawn consent is given back only through the finding's form, by an editor who says
//! why (issue 14, finding 4); the reason is kept in the finding's history.
use crate::helpers::*;

/// The finding's form as stored now, with `consent` chosen, as the page would post it.
async fn form_with_consent(
    app: &TestApp,
    cookie: &str,
    key: &str,
    consent: &str,
) -> Vec<(String, String)> {
    let form = json(
        app.fetch(
            &format!("/fn/evidence_form?key={key}&assessment="),
            Some(cookie),
        )
        .await,
    )
    .await;
    let mut fields = vec![
        ("current_key".to_string(), key.to_string()),
        (
            "version".to_string(),
            form["version"].as_str().unwrap().to_string(),
        ),
        (
            "assessment".to_string(),
            form["assessment_id"].as_str().unwrap().to_string(),
        ),
    ];
    for (field, value) in form["input"].as_object().unwrap() {
        let value = if field == "consent" {
            consent.to_string()
        } else {
            value.as_str().unwrap_or("").to_string()
        };
        fields.push((format!("item[{field}]"), value));
    }
    fields
}

async fn save(app: &TestApp, cookie: &str, fields: &[(String, String)]) -> reqwest::Response {
    let pairs: Vec<(&str, &str)> = fields
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    app.call("save_evidence", &pairs, Some(cookie)).await
}

async fn consent_of(app: &TestApp, cookie: &str, key: &str) -> String {
    let item = json(
        app.fetch(&format!("/fn/evidence_item?key={key}"), Some(cookie))
            .await,
    )
    .await;
    item["detail"]["consent"]
        .as_str()
        .unwrap_or_default()
        .to_string()
}

#[tokio::test]
async fn giving_a_withdrawn_consent_back_takes_a_reason_which_the_history_keeps() {
    let app = TestApp::spawn().await;
    let marco = app.sign_in(EDITOR, PASSWORD).await;
    let library = json(
        app.fetch("/fn/evidence_library?filter[page]=1", Some(&marco))
            .await,
    )
    .await;
    let key = library["results"]["items"][0]["key"]
        .as_str()
        .unwrap()
        .to_string();

    // Withdrawing needs no reason.
    let withdraw = form_with_consent(&app, &marco, &key, "withdrawn").await;
    assert_eq!(save(&app, &marco, &withdraw).await.status(), 200);
    assert_eq!(consent_of(&app, &marco, &key).await, "withdrawn");

    // Giving it back without a reason (or with only spaces, or too long a one) is refused,
    // and the consent stays withdrawn.
    let give_back = form_with_consent(&app, &marco, &key, "given").await;
    let too_long = "a".repeat(groundwork::domain::evidence_history::CONSENT_REASON_MAX + 1);
    for reason in ["", "   ", too_long.as_str()] {
        let mut fields = give_back.clone();
        fields.push(("consent_reason".into(), reason.into()));
        let refused = save(&app, &marco, &fields).await;
        assert_eq!(refused.status(), 422, "reason {reason:?}");
        assert_eq!(
            json(refused).await["field"],
            "consent_reason",
            "reason {reason:?}"
        );
        assert_eq!(consent_of(&app, &marco, &key).await, "withdrawn");
    }
    let refused = save(&app, &marco, &give_back).await;
    assert_eq!(refused.status(), 422, "no reason field at all");

    // A plain form comes back to the form with the error and what was typed.
    let mut typed = give_back.clone();
    typed.push(("consent_reason".into(), too_long.clone()));
    let plain = TestApp::client()
        .post(app.url("/fn/save_evidence"))
        .header("cookie", &marco)
        .header("accept", "text/html")
        .header("referer", app.url(&format!("/evidence/{key}/edit")))
        .form(&typed)
        .send()
        .await
        .unwrap();
    assert!(plain.status().is_redirection(), "{}", plain.status());
    let back = location(&plain);
    assert!(
        back.starts_with(&format!("/evidence/{key}/edit?error=")),
        "{back}"
    );
    assert!(
        back.contains(&format!("consent_reason={too_long}")),
        "{back}"
    );
    let page = app.get(&back, Some(&marco)).await.text().await.unwrap();
    assert!(
        page.contains("name=\"consent_reason\""),
        "the form asks for the reason"
    );
    assert!(page.contains(&too_long), "the reason typed is kept");

    // With a reason it goes through, and the history says why.
    let reason = "Signed a new consent form on 3 May, after the interview was shortened.";
    let mut fields = give_back.clone();
    fields.push(("consent_reason".into(), format!("  {reason} ")));
    assert_eq!(save(&app, &marco, &fields).await.status(), 200);
    assert_eq!(consent_of(&app, &marco, &key).await, "given");
    let item = json(
        app.fetch(&format!("/fn/evidence_item?key={key}"), Some(&marco))
            .await,
    )
    .await;
    assert_eq!(item["history"][0]["reason"], reason);
    assert_eq!(item["history"][1]["reason"], "", "withdrawing needed none");
    // Saved by the form, the finding still shows how it came: the demo data's import.
    let history = item["history"].as_array().unwrap();
    let first = history.last().unwrap();
    assert_eq!(first["action"], "imported", "{history:?}");
    assert_eq!(first["source"], "demo data", "{history:?}");
    let page = app
        .get(&format!("/evidence/{key}"), Some(&marco))
        .await
        .text()
        .await
        .unwrap();
    assert!(
        page.contains(reason),
        "the history on the page shows the reason"
    );

    // Once given, other edits need no reason again.
    let edit = form_with_consent(&app, &marco, &key, "anonymised").await;
    assert_eq!(save(&app, &marco, &edit).await.status(), 200);
}
