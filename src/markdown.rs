//! Markdown to HTML on the server: comrak with raw HTML off, then ammonia, so nothing a
//! person typed can run as script in someone else's browser.
use comrak::Options;

fn options() -> Options<'static> {
    let mut options = Options::default();
    options.extension.strikethrough = true;
    options.extension.table = true;
    options.extension.autolink = true;
    // Raw HTML stays off (the default); ammonia is the second belt.
    options.render.r#unsafe = false;
    options
}

pub fn render(markdown: &str) -> String {
    let html = comrak::markdown_to_html(markdown, &options());
    ammonia::Builder::default()
        .link_rel(Some("noopener noreferrer nofollow"))
        .clean(&html)
        .to_string()
}

/// A block's Markdown with its citations as links to the evidence (`[@key, p. 4]` becomes
/// `[key, p. 4]` linking to `/evidence/key`); keys the library does not know stay visible,
/// marked with a question mark, and `[@?]` reads "evidence needed".
pub fn render_with_citations(
    text: &str,
    parsed: &crate::domain::citations::Parsed,
    known: impl Fn(&str) -> bool,
    needed_label: &str,
) -> String {
    render(&linked(text, parsed, known, needed_label)).replace(
        "<a href=\"/evidence/",
        "<a class=\"cite\" href=\"/evidence/",
    )
}

/// What a reader sees of a block, as text: its rendered words without Markdown's marks or
/// HTML, citations as they show (`[key, p. 4]`), blocks and lines separated by spaces. The
/// text comment passages are quoted from (see `domain::anchors`).
pub fn reading_text(text: &str, known: impl Fn(&str) -> bool, needed_label: &str) -> String {
    use comrak::nodes::NodeValue;
    let parsed = crate::domain::citations::parse(text);
    let linked = linked(text, &parsed, known, needed_label);
    let arena = comrak::Arena::new();
    let root = comrak::parse_document(&arena, &linked, &options());
    let mut out = String::with_capacity(text.len());
    for node in root.descendants() {
        let data = node.data();
        match &data.value {
            NodeValue::Text(t) => out.push_str(t),
            NodeValue::Code(code) => out.push_str(&code.literal),
            NodeValue::CodeBlock(block) => {
                out.push(' ');
                out.push_str(&block.literal);
            }
            NodeValue::SoftBreak | NodeValue::LineBreak => out.push(' '),
            value if value.block() => out.push(' '),
            _ => {}
        }
    }
    crate::domain::anchors::reading_form(&out)
}

/// A block's Markdown with its citations written as the links (or marks) they render as.
fn linked(
    text: &str,
    parsed: &crate::domain::citations::Parsed,
    known: impl Fn(&str) -> bool,
    needed_label: &str,
) -> String {
    crate::domain::citations::replace_groups(text, parsed, |group| {
        let mut parts: Vec<String> = group
            .items
            .iter()
            .map(|item| {
                let mut label = escape(&item.prefix);
                if !label.is_empty() {
                    label.push(' ');
                }
                label.push_str(&item.key);
                if !item.locator.is_empty() {
                    label.push_str(", ");
                    label.push_str(&escape(&item.locator));
                }
                if known(&item.key) {
                    format!("[{label}](/evidence/{})", item.key)
                } else {
                    format!("**{label}?**")
                }
            })
            .collect();
        if group.needed {
            parts.push(format!("*{}*", escape(needed_label)));
        }
        format!("\\[{}\\]", parts.join("; "))
    })
}

/// A heading block's rendered text as a heading of the paper (`<h2>`), so readers of assistive
/// technology can move through the paper by its headings. One paragraph becomes the heading;
/// anything else (a heading typed with `#`, a list, several paragraphs) stays as rendered.
pub fn as_heading(html: String) -> String {
    let inner = html
        .trim_end()
        .strip_prefix("<p>")
        .and_then(|rest| rest.strip_suffix("</p>"));
    match inner {
        Some(inner) if !inner.contains("<p>") => format!("<h2>{inner}</h2>"),
        _ => html,
    }
}

/// Backslash-escapes Markdown's punctuation in text placed inside generated Markdown.
fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if c.is_ascii_punctuation() {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::render;

    #[test]
    fn citations_become_links_and_unknown_keys_stay_visible() {
        let text = "Work rose [@hu-2019-indicator-01, p. 4; @nowhere] and [@?] *more*.";
        let parsed = crate::domain::citations::parse(text);
        let html = super::render_with_citations(
            text,
            &parsed,
            |k| k == "hu-2019-indicator-01",
            "evidence needed",
        );
        assert!(
            html.contains(
                "<a class=\"cite\" href=\"/evidence/hu-2019-indicator-01\" rel=\"noopener noreferrer nofollow\">hu-2019-indicator-01, p. 4</a>"
            ),
            "{html}"
        );
        assert!(html.contains("<strong>nowhere?</strong>"), "{html}");
        assert!(html.contains("<em>evidence needed</em>"), "{html}");
        let sneaky = "[@key, <script>alert(1)</script>](javascript:x)";
        let html = super::render_with_citations(
            sneaky,
            &crate::domain::citations::parse(sneaky),
            |_| true,
            "x",
        );
        assert!(!html.contains("<script"), "{html}");
        assert!(!html.contains("javascript:"), "{html}");
    }

    #[test]
    fn reading_text_is_what_readers_see() {
        // (Markdown) -> the text passages are quoted from
        let table = [
            (
                "Workcamps build **trust** [@hu-2019-indicator-01, p. 4] and `code`.",
                "Workcamps build trust [hu-2019-indicator-01, p. 4] and code.",
            ),
            (
                "Unknown [@nowhere] and [@?].",
                "Unknown [nowhere?] and [evidence needed].",
            ),
            ("First\nline\n\n- one\n- two", "First line one two"),
            ("# Title\n\n<b>raw</b> text", "Title raw text"),
            ("", ""),
        ];
        for (markdown, expected) in table {
            let text = super::reading_text(markdown, |k| k.starts_with("hu-"), "evidence needed");
            assert_eq!(text, expected, "{markdown:?}");
        }
    }

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

    #[test]
    fn heading_blocks_are_headings() {
        use super::as_heading;
        assert_eq!(
            as_heading(render("What we *found*")),
            "<h2>What we <em>found</em></h2>"
        );
        assert_eq!(as_heading(render("## Typed")), render("## Typed"));
        let two = render("One\n\nTwo");
        assert_eq!(as_heading(two.clone()), two);
        assert_eq!(as_heading(String::new()), "");
    }
}
