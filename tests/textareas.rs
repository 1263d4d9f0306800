//! What a person typed into a multi-line field comes back inside its `<textarea>` as text:
//! Leptos writes a textarea's children unescaped, so a `</textarea>` typed there used to end
//! the field and put the rest into the page as markup (found by the XSS corpus, issue 14).
use crate::helpers::*;

const TYPED: &str = "Before </textarea><b id=\"injected\">bold</b> & after";

fn assert_kept_as_text(what: &str, html: &str) {
    assert!(
        !html.contains("<b id=\"injected\">"),
        "{what}: the typed markup is in the page"
    );
    assert!(
        html.contains(
            "Before &lt;/textarea&gt;&lt;b id=\"injected\"&gt;bold&lt;/b&gt; &amp; after"
        ),
        "{what}: the text is in its field, escaped"
    );
}

#[tokio::test]
async fn typed_markup_stays_inside_its_textarea() {
    let app = TestApp::spawn().await;
    let marco = app.sign_in(EDITOR, PASSWORD).await;

    let created = app
        .call(
            "save_assessment",
            &[
                ("id", ""),
                ("assessment[title]", "Textarea check"),
                ("assessment[programme]", ""),
                ("assessment[method]", "survey"),
                ("assessment[period_from]", "2022-01-01"),
                ("assessment[period_to]", "2022-12-31"),
                ("assessment[countries]", "FR"),
                ("assessment[summary]", TYPED),
                ("assessment[link]", ""),
            ],
            Some(&marco),
        )
        .await;
    assert_eq!(created.status(), 200);
    let assessment = json(created).await.as_str().unwrap().to_string();
    let page = app
        .get(&format!("/assessments/{assessment}/edit"), Some(&marco))
        .await;
    assert_kept_as_text("the assessment's form", &page.text().await.unwrap());

    let (slug, block) = paper_with_block(&app, &marco, "Textarea paper", TYPED).await;
    let page = app
        .get(
            &format!("/papers/{slug}/draft/blocks/{block}"),
            Some(&marco),
        )
        .await;
    assert_kept_as_text("the block editor", &page.text().await.unwrap());
}
