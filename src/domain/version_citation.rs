//! "Cite this version": one published version as a BibTeX entry, a RIS record, a CSL-JSON
//! item and a plain-text reference. Each format has its own escaping, tested below, so that a
//! title with braces, line breaks or quotes still reads back as written.
use serde_json::json;

/// What a citation of a version says.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CitedVersion {
    pub slug: String,
    pub title: String,
    /// Who published the version.
    pub author: String,
    pub number: u32,
    /// RFC 3339, UTC (`2026-12-02T06:00:00Z`).
    pub published_at: String,
    /// The version's permanent address.
    pub url: String,
    pub hash: String,
}

/// Who publishes every paper of this site, as a citation names it.
pub const PUBLISHER: &str = "Groundwork";

impl CitedVersion {
    /// (year, month, day) of publication, when the time is well formed.
    fn date(&self) -> Option<(u32, u32, u32)> {
        let d = self.published_at.get(..10)?;
        let mut parts = d.split('-').map(|p| p.parse::<u32>().ok());
        Some((parts.next()??, parts.next()??, parts.next()??))
    }

    fn year(&self) -> String {
        self.date()
            .map_or_else(String::new, |(y, _, _)| y.to_string())
    }

    /// A key of letters, digits and hyphens only (a slug already is), unique per version.
    pub fn key(&self) -> String {
        let slug: String = self
            .slug
            .chars()
            .filter(|c| c.is_ascii_alphanumeric() || *c == '-')
            .collect();
        format!("{slug}-v{}", self.number)
    }

    /// `Marco Bellini (2026). Title, version 2. Groundwork. URL (SHA-256 …).`
    pub fn plain_text(&self) -> String {
        let title = one_line(&self.title);
        let title = title.trim_end_matches('.');
        format!(
            "{author} ({year}). {title}, version {n}. {PUBLISHER}. {url} (SHA-256 {hash}).",
            author = one_line(&self.author),
            year = self.year(),
            n = self.number,
            url = self.url,
            hash = self.hash,
        )
    }

    pub fn bibtex(&self) -> String {
        const MONTHS: [&str; 12] = [
            "jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec",
        ];
        let month = self
            .date()
            .and_then(|(_, m, _)| MONTHS.get(usize::try_from(m).ok()?.checked_sub(1)?))
            .map_or_else(String::new, |m| format!("  month = {m},\n"));
        // The author is one name as written, never split into first and last: double braces.
        format!(
            "@techreport{{{key},\n  title = {{{title}}},\n  author = {{{{{author}}}}},\n  \
             institution = {{{publisher}}},\n  type = {{Policy paper}},\n  \
             number = {{Version {n}}},\n  year = {{{year}}},\n{month}  url = {{{url}}},\n  \
             note = {{SHA-256 {hash}}}\n}}\n",
            key = self.key(),
            title = bibtex_text(&self.title),
            author = bibtex_text(&self.author),
            publisher = bibtex_text(PUBLISHER),
            n = self.number,
            year = self.year(),
            url = bibtex_url(&self.url),
            hash = bibtex_text(&self.hash),
        )
    }

    /// RIS: one tag a line, CRLF line ends, `ER` last.
    pub fn ris(&self) -> String {
        let mut lines = vec![
            ("TY", "RPRT".to_string()),
            ("TI", one_line(&self.title)),
            ("AU", one_line(&self.author)),
            ("PY", self.year()),
        ];
        if let Some((y, m, d)) = self.date() {
            lines.push(("DA", format!("{y:04}/{m:02}/{d:02}")));
        }
        lines.extend([
            ("PB", PUBLISHER.to_string()),
            ("ET", format!("Version {}", self.number)),
            ("UR", one_line(&self.url)),
            ("N1", format!("SHA-256 {}", one_line(&self.hash))),
        ]);
        let mut out = String::new();
        for (tag, value) in lines {
            out.push_str(&format!("{tag}  - {value}\r\n"));
        }
        out.push_str("ER  - \r\n");
        out
    }

    /// CSL-JSON: an array of one item (what reference managers import).
    pub fn csl_json(&self) -> String {
        let issued = self.date().map_or_else(
            || json!({"literal": self.published_at}),
            |(y, m, d)| json!({"date-parts": [[y, m, d]]}),
        );
        let item = json!([{
            "id": self.key(),
            "type": "report",
            "title": self.title,
            "author": [{"literal": self.author}],
            "issued": issued,
            "publisher": PUBLISHER,
            "genre": "Policy paper",
            "version": self.number.to_string(),
            "URL": self.url,
            "note": format!("SHA-256 {}", self.hash),
        }]);
        serde_json::to_string_pretty(&item).unwrap_or_default()
    }
}

/// Line breaks and tabs become spaces (a RIS value or a reference is one line).
fn one_line(text: &str) -> String {
    let spaced: String = text
        .chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect();
    spaced.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Text inside a braced BibTeX field: BibTeX counts every brace, escaped or not, so braces
/// and backslashes are written as commands whose own braces balance, and LaTeX's other
/// special characters are escaped.
fn bibtex_text(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in one_line(text).chars() {
        match c {
            '\\' => out.push_str("\\textbackslash{}"),
            '{' => out.push_str("\\textbraceleft{}"),
            '}' => out.push_str("\\textbraceright{}"),
            '~' => out.push_str("\\textasciitilde{}"),
            '^' => out.push_str("\\textasciicircum{}"),
            '&' | '%' | '$' | '#' | '_' => {
                out.push('\\');
                out.push(c);
            }
            c => out.push(c),
        }
    }
    out
}

/// A URL keeps its characters (biblatex reads `url` verbatim); only braces, which would
/// unbalance the field, are percent-encoded.
fn bibtex_url(url: &str) -> String {
    one_line(url).replace('{', "%7B").replace('}', "%7D")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn version(title: &str, author: &str) -> CitedVersion {
        CitedVersion {
            slug: "inclusive-volunteering".into(),
            title: title.into(),
            author: author.into(),
            number: 2,
            published_at: "2026-11-22T06:00:00Z".into(),
            url: "https://example.org/papers/inclusive-volunteering/v/2".into(),
            hash: "ab".repeat(32),
        }
    }

    /// Every brace in a BibTeX entry balances, counted the way BibTeX counts.
    fn balanced(entry: &str) -> bool {
        let mut depth = 0i32;
        for c in entry.chars() {
            match c {
                '{' => depth += 1,
                '}' => depth -= 1,
                _ => {}
            }
            if depth < 0 {
                return false;
            }
        }
        depth == 0
    }

    #[test]
    fn bibtex_escaping() {
        let cases = [
            ("plain", "Inclusive volunteering", "Inclusive volunteering"),
            (
                "braces",
                "Sets {a} and }b{",
                "Sets \\textbraceleft{}a\\textbraceright{} and \\textbraceright{}b\\textbraceleft{}",
            ),
            ("backslash", "a\\b", "a\\textbackslash{}b"),
            ("specials", "50% & $3 #1 a_b", "50\\% \\& \\$3 \\#1 a\\_b"),
            (
                "tilde and caret",
                "~^",
                "\\textasciitilde{}\\textasciicircum{}",
            ),
            ("line breaks", "One\nTwo\r\n\tThree", "One Two Three"),
            (
                "non-ASCII kept",
                "Bénévolat à Zürich — “quoted”",
                "Bénévolat à Zürich — “quoted”",
            ),
        ];
        for (name, input, expected) in cases {
            assert_eq!(bibtex_text(input), expected, "{name}");
            let entry = version(input, input).bibtex();
            assert!(balanced(&entry), "{name}: {entry}");
            assert!(
                entry.contains(&format!("title = {{{expected}}}")),
                "{name}: {entry}"
            );
        }
    }

    #[test]
    fn a_bibtex_entry() {
        let entry = version("Inclusive volunteering", "Marco Bellini").bibtex();
        assert_eq!(
            entry,
            format!(
                "@techreport{{inclusive-volunteering-v2,\n  title = {{Inclusive volunteering}},\n  \
                 author = {{{{Marco Bellini}}}},\n  institution = {{Groundwork}},\n  \
                 type = {{Policy paper}},\n  number = {{Version 2}},\n  year = {{2026}},\n  \
                 month = nov,\n  url = {{https://example.org/papers/inclusive-volunteering/v/2}},\n  \
                 note = {{SHA-256 {}}}\n}}\n",
                "ab".repeat(32)
            )
        );
        let crafted = CitedVersion {
            url: "https://example.org/{x}".into(),
            ..version("t", "a")
        };
        assert!(
            crafted
                .bibtex()
                .contains("url = {https://example.org/%7Bx%7D}")
        );
    }

    #[test]
    fn ris_escaping() {
        let cases = [
            ("plain", "Inclusive volunteering", "Inclusive volunteering"),
            ("line breaks", "One\nER  - \nTwo", "One ER - Two"),
            ("carriage return", "A\r\nB", "A B"),
            ("tabs and runs of spaces", "A\t\t B", "A B"),
        ];
        for (name, input, expected) in cases {
            let record = version(input, "Marco Bellini").ris();
            let lines: Vec<&str> = record.split("\r\n").collect();
            assert_eq!(lines[1], format!("TI  - {expected}"), "{name}");
            // Every line is a tag, and the record ends once.
            for line in lines.iter().filter(|l| !l.is_empty()) {
                assert!(line.len() >= 6 && &line[2..6] == "  - ", "{name}: {line:?}");
            }
            assert_eq!(record.matches("ER  - ").count(), 1, "{name}: {record:?}");
            assert!(record.ends_with("ER  - \r\n"));
        }
        let record = version("T", "Marco Bellini").ris();
        assert!(record.starts_with("TY  - RPRT\r\n"));
        assert!(record.contains("DA  - 2026/11/22\r\n"));
        assert!(record.contains("ET  - Version 2\r\n"));
    }

    #[test]
    fn csl_json_is_json_with_the_text_as_written() {
        let v = version("Quotes \" and \\ and\nbreaks", "Zsófia Kovács");
        let parsed: serde_json::Value = serde_json::from_str(&v.csl_json()).unwrap();
        let item = &parsed[0];
        assert_eq!(item["title"], "Quotes \" and \\ and\nbreaks");
        assert_eq!(item["author"][0]["literal"], "Zsófia Kovács");
        assert_eq!(item["issued"]["date-parts"][0], json!([2026, 11, 22]));
        assert_eq!(item["type"], "report");
        assert_eq!(item["id"], "inclusive-volunteering-v2");
    }

    #[test]
    fn plain_text_reference() {
        assert_eq!(
            version("Inclusive volunteering.", "Marco Bellini").plain_text(),
            format!(
                "Marco Bellini (2026). Inclusive volunteering, version 2. Groundwork. \
                 https://example.org/papers/inclusive-volunteering/v/2 (SHA-256 {}).",
                "ab".repeat(32)
            )
        );
        assert!(version("A\nB", "C").plain_text().contains("A B, version 2"));
        let odd = CitedVersion {
            published_at: "garbage".into(),
            ..version("T", "A")
        };
        assert!(odd.plain_text().starts_with("A (). T"));
        assert!(!odd.bibtex().contains("month"));
        assert!(!odd.ris().contains("DA  -"));
    }
}
