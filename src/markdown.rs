//! Markdown to HTML on the server: comrak with raw HTML off, then ammonia, so nothing a
//! person typed can run as script in someone else's browser.
use comrak::Options;

pub fn render(markdown: &str) -> String {
    let mut options = Options::default();
    options.extension.strikethrough = true;
    options.extension.table = true;
    options.extension.autolink = true;
    // Raw HTML stays off (the default); ammonia is the second belt.
    options.render.r#unsafe = false;
    let html = comrak::markdown_to_html(markdown, &options);
    ammonia::Builder::default()
        .link_rel(Some("noopener noreferrer nofollow"))
        .clean(&html)
        .to_string()
}

#[cfg(test)]
mod tests {
    use super::render;

    #[test]
    fn snapshots() {
        let table = [
            ("Plain *text*", "<p>Plain <em>text</em></p>\n"),
            ("<script>alert(1)</script>", "<!-- raw HTML omitted -->\n"),
            (
                "[x](javascript:alert(1))",
                "<p><a href=\"\" rel=\"noopener noreferrer nofollow\">x</a></p>\n",
            ),
            (
                "<img src=x onerror=alert(1)>",
                "<!-- raw HTML omitted -->\n",
            ),
            (
                "**bold** and ~~gone~~",
                "<p><strong>bold</strong> and <del>gone</del></p>\n",
            ),
        ];
        for (input, expected) in table {
            let html = render(input);
            assert!(
                !html.contains("<script") && !html.contains("onerror"),
                "{input}: {html}"
            );
            assert_eq!(
                html.replace("<!-- raw HTML omitted -->", ""),
                expected.replace("<!-- raw HTML omitted -->", ""),
                "{input}"
            );
        }
    }
}
