//! Citations in a block's Markdown, in Pandoc's bracketed style:
//!
//! - `[@key]`, `[@k1; @k2]`: one or several evidence items;
//! - `[@key, p. 4]`: a locator after a comma;
//! - `[see @key, pp. 3-5; also @other]`: free prefix text before each `@`;
//! - `[@?]`: evidence is still needed here.
//!
//! Keys follow [`normalise_key`]'s rules and come back lower-cased. Code spans, fenced and
//! indented code blocks and backslash escapes (`\[`, `\@`) are honoured; links
//! (`[text](url)`, even `[@key](url)`) and brackets without an `@` after a space are not
//! citations, and neither is an address like `a@b.org`.
//!
//! The parser never fails and never panics. Whatever looks like a citation but cannot be
//! read is reported as a [`CitationProblem`] with its byte span, so the editor can point at
//! it instead of the citation quietly vanishing from the paper. A bracket with any problem is
//! reported only as problems, never also as a (partial) group: a half-read citation would
//! otherwise be rendered as if it were whole.
//!
//! This module runs in the browser as well as on the server, so it cannot use comrak: its
//! view of Markdown's block structure is a close approximation, kept to what decides whether
//! an `@` is prose or code. It runs in linear time, so a pasted book does not freeze the
//! editor.
use crate::domain::evidence::normalise_key;
use serde::{Deserialize, Serialize};
use std::collections::{HashMap, HashSet};
use std::ops::Range;

/// One cited evidence item.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CiteItem {
    /// Lower-cased and valid by [`normalise_key`].
    pub key: String,
    /// Text after the comma (`p. 4`), trimmed; empty when there is none.
    pub locator: String,
    /// Text before the `@` (`see`), trimmed; empty when there is none.
    pub prefix: String,
    /// The `@key` itself, for the editor to underline.
    pub span: Range<usize>,
}

/// One bracketed citation: `[see @a, p. 4; @b]`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CitationGroup {
    /// From the `[` to the `]`, both included.
    pub span: Range<usize>,
    pub items: Vec<CiteItem>,
    /// The group contains `@?`: the author marked that evidence is still needed.
    pub needed: bool,
}

/// Something that looks like a citation but cannot be read.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "code", rename_all = "snake_case")]
pub enum CitationProblem {
    /// `[@bad key]`, `[@]`, `[@-x]`, or a part of a group without any `@key`. `raw` is the
    /// text that should have been a key; `span` runs from its `@` (when it has one).
    MalformedKey { raw: String, span: Range<usize> },
    /// A `[` with an `@key` after it but no `]` before the paragraph ends.
    Unclosed { span: Range<usize> },
}

impl CitationProblem {
    pub fn span(&self) -> &Range<usize> {
        match self {
            CitationProblem::MalformedKey { span, .. } | CitationProblem::Unclosed { span } => span,
        }
    }
}

/// Everything found in one text, each list in text order.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Parsed {
    pub groups: Vec<CitationGroup>,
    pub problems: Vec<CitationProblem>,
}

impl Parsed {
    /// Every cited key once, in the order of first appearance.
    pub fn keys(&self) -> Vec<String> {
        let mut seen = HashSet::new();
        self.items()
            .filter(|item| seen.insert(item.key.as_str()))
            .map(|item| item.key.clone())
            .collect()
    }

    /// Has the author marked (`[@?]`) that evidence is still needed somewhere?
    pub fn needs_evidence(&self) -> bool {
        self.groups.iter().any(|group| group.needed)
    }

    /// Keys the library does not know, with the span of each occurrence (for the editor to
    /// show).
    pub fn unknown(&self, known: impl Fn(&str) -> bool) -> Vec<(&str, Range<usize>)> {
        self.items()
            .filter(|item| !known(&item.key))
            .map(|item| (item.key.as_str(), item.span.clone()))
            .collect()
    }

    fn items(&self) -> impl Iterator<Item = &CiteItem> {
        self.groups.iter().flat_map(|group| group.items.iter())
    }
}

/// Finds every citation group and every citation-like problem in `text`.
pub fn parse(text: &str) -> Parsed {
    let mut scanner = Scanner {
        text,
        parsed: Parsed::default(),
    };
    for run in prose_runs(text) {
        scanner.scan(run);
    }
    // Unclosed brackets are only known at the end of their run, after problems found later
    // inside it.
    scanner.parsed.problems.sort_by_key(|p| p.span().start);
    scanner.parsed
}

/// Rewrites every group with `render` (used to turn citations into links before Markdown
/// rendering). Groups that do not fit `text` (a `parsed` from another text) are left alone
/// rather than panicking.
pub fn replace_groups(
    text: &str,
    parsed: &Parsed,
    mut render: impl FnMut(&CitationGroup) -> String,
) -> String {
    let mut out = String::with_capacity(text.len());
    let mut copied = 0;
    for group in &parsed.groups {
        let Range { start, end } = group.span;
        let (Some(before), Some(_)) = (text.get(copied..start), text.get(start..end)) else {
            continue;
        };
        out.push_str(before);
        out.push_str(&render(group));
        copied = end;
    }
    out.push_str(text.get(copied..).unwrap_or_default());
    out
}

/// Line and column (1-based, columns in characters) of a byte offset, for messages. An
/// offset past the end or inside a character counts as that character's position.
pub fn line_col(text: &str, offset: usize) -> (usize, usize) {
    let mut offset = offset.min(text.len());
    while !text.is_char_boundary(offset) {
        offset -= 1;
    }
    let before = &text[..offset];
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    let line = before.bytes().filter(|b| *b == b'\n').count() + 1;
    (line, before[line_start..].chars().count() + 1)
}

// ---------------------------------------------------------------------------------------
// Block structure: which lines are prose.

/// Byte ranges of the text's prose runs: maximal stretches of lines that are neither blank
/// nor code. Brackets and code spans never reach from one run into the next, just as in
/// Markdown they never cross a paragraph's end.
fn prose_runs(text: &str) -> Vec<Range<usize>> {
    let mut lines = LineKinds::default();
    let mut runs = Vec::new();
    let mut current: Option<Range<usize>> = None;
    let mut start = 0;
    for line in text.split('\n') {
        let range = start..start + line.len();
        start = range.end + 1;
        if lines.is_prose(line) {
            match &mut current {
                Some(run) => run.end = range.end,
                None => current = Some(range),
            }
        } else if let Some(run) = current.take() {
            runs.push(run);
        }
    }
    runs.extend(current);
    runs
}

/// Classifies lines one after the other, CommonMark-like. Lists are only tracked far enough
/// to tell an indented list paragraph from an indented code block.
struct LineKinds {
    /// The open code fence's character and length.
    fence: Option<(u8, usize)>,
    in_indented_code: bool,
    in_list: bool,
    after_blank: bool,
}

impl Default for LineKinds {
    fn default() -> Self {
        // The start of the text counts as a blank line: an indented first line is code.
        LineKinds {
            fence: None,
            in_indented_code: false,
            in_list: false,
            after_blank: true,
        }
    }
}

impl LineKinds {
    fn is_prose(&mut self, line: &str) -> bool {
        if let Some((fence_char, fence_len)) = self.fence {
            if closes_fence(line, fence_char, fence_len) {
                self.fence = None;
            }
            return false;
        }
        if line.trim().is_empty() {
            self.after_blank = true;
            return false;
        }
        let after_blank = std::mem::replace(&mut self.after_blank, false);
        let (indent, rest) = indentation(line);
        // An indented line right after prose continues the paragraph; inside a list it is
        // the item's own paragraph.
        if indent >= 4 && (self.in_indented_code || (after_blank && !self.in_list)) {
            self.in_indented_code = true;
            return false;
        }
        self.in_indented_code = false;
        if indent < 4
            && let Some(fence) = opens_fence(rest)
        {
            self.fence = Some(fence);
            return false;
        }
        if indent < 4 && is_list_item(rest) {
            self.in_list = true;
        } else if indent == 0 && after_blank {
            self.in_list = false;
        }
        true
    }
}

/// Columns of leading whitespace (tabs to the next multiple of 4) and the rest of the line.
fn indentation(line: &str) -> (usize, &str) {
    let mut columns = 0;
    for (i, c) in line.char_indices() {
        match c {
            ' ' => columns += 1,
            '\t' => columns += 4 - columns % 4,
            _ => return (columns, &line[i..]),
        }
    }
    (columns, "")
}

fn run_length(bytes: &[u8], from: usize, end: usize, byte: u8) -> usize {
    bytes[from..end].iter().take_while(|b| **b == byte).count()
}

/// ```` ``` ```` or `~~~` (three or more) opens a code fence; a backtick fence's info string
/// may not contain backticks.
fn opens_fence(rest: &str) -> Option<(u8, usize)> {
    let bytes = rest.as_bytes();
    let fence_char = *bytes.first().filter(|b| matches!(b, b'`' | b'~'))?;
    let len = run_length(bytes, 0, bytes.len(), fence_char);
    let info_ok = fence_char == b'~' || !bytes[len..].contains(&b'`');
    (len >= 3 && info_ok).then_some((fence_char, len))
}

fn closes_fence(line: &str, fence_char: u8, fence_len: usize) -> bool {
    let (indent, rest) = indentation(line);
    let len = run_length(rest.as_bytes(), 0, rest.len(), fence_char);
    indent < 4 && len >= fence_len && rest[len..].trim().is_empty()
}

/// `- `, `* `, `+ `, `1. `, `1) `: the start of a list item.
fn is_list_item(rest: &str) -> bool {
    let bytes = rest.as_bytes();
    let digits = bytes.iter().take_while(|b| b.is_ascii_digit()).count();
    let marker_len = match bytes.first() {
        Some(b'-' | b'*' | b'+') => 1,
        Some(b'0'..=b'9') if (1..=9).contains(&digits) => match bytes.get(digits) {
            Some(b'.' | b')') => digits + 1,
            _ => return false,
        },
        _ => return false,
    };
    matches!(bytes.get(marker_len), None | Some(b' ' | b'\t'))
}

// ---------------------------------------------------------------------------------------
// Inline structure: brackets, code spans and escapes within one prose run.

/// An open `[` and what was seen directly inside it (not inside brackets nested in it).
/// Recording separators as they pass keeps the parse linear: closing a bracket never has to
/// rescan what is inside it.
struct Frame {
    open: usize,
    markers: Vec<usize>,
    semicolons: Vec<usize>,
    commas: Vec<usize>,
    /// A citation (or problem) lies inside: this bracket cannot be one too, or groups would
    /// overlap. `[see [@a] here]` cites `[@a]`.
    contains_citation: bool,
}

impl Frame {
    fn new(open: usize) -> Self {
        Frame {
            open,
            markers: Vec::new(),
            semicolons: Vec::new(),
            commas: Vec::new(),
            contains_citation: false,
        }
    }
}

/// Where each backtick run starts, by length, to find a code span's closing run in constant
/// amortised time: openers are looked up left to right, so each list is walked only once.
struct BacktickRuns {
    by_length: HashMap<usize, (Vec<usize>, usize)>,
}

impl BacktickRuns {
    fn new(bytes: &[u8], run: Range<usize>) -> Self {
        let mut by_length: HashMap<usize, (Vec<usize>, usize)> = HashMap::new();
        let mut i = run.start;
        while i < run.end {
            if bytes[i] == b'`' {
                let len = run_length(bytes, i, run.end, b'`');
                by_length.entry(len).or_default().0.push(i);
                i += len;
            } else {
                i += 1;
            }
        }
        BacktickRuns { by_length }
    }

    /// The end of the first run of exactly `len` backticks after `opener`, if any.
    fn closing(&mut self, opener: usize, len: usize) -> Option<usize> {
        let (starts, next) = self.by_length.get_mut(&len)?;
        while starts.get(*next).is_some_and(|start| *start <= opener) {
            *next += 1;
        }
        starts.get(*next).map(|start| start + len)
    }
}

struct Scanner<'t> {
    text: &'t str,
    parsed: Parsed,
}

impl Scanner<'_> {
    /// One left-to-right pass over a prose run. All structural characters are ASCII, so
    /// walking bytes never splits a character, and every position recorded is a character
    /// boundary.
    fn scan(&mut self, run: Range<usize>) {
        let bytes = self.text.as_bytes();
        let mut backticks = BacktickRuns::new(bytes, run.clone());
        let mut stack: Vec<Frame> = Vec::new();
        let mut i = run.start;
        while i < run.end {
            match bytes[i] {
                b'\\' if bytes.get(i + 1).is_some_and(u8::is_ascii_punctuation) => {
                    i += 2;
                    continue;
                }
                b'`' => {
                    // A code span is skipped whole; unmatched backticks are literal.
                    let len = run_length(bytes, i, run.end, b'`');
                    i = backticks.closing(i, len).unwrap_or(i + len);
                    continue;
                }
                b'[' => stack.push(Frame::new(i)),
                b']' => {
                    if let Some(frame) = stack.pop() {
                        let cites = self.close(frame, i);
                        if let (true, Some(parent)) = (cites, stack.last_mut()) {
                            parent.contains_citation = true;
                        }
                    }
                }
                b'@' => {
                    if let Some(frame) = stack.last_mut()
                        && starts_item(bytes, i, frame.open)
                    {
                        frame.markers.push(i);
                    }
                }
                b';' => {
                    if let Some(frame) = stack.last_mut() {
                        frame.semicolons.push(i);
                    }
                }
                b',' => {
                    if let Some(frame) = stack.last_mut() {
                        frame.commas.push(i);
                    }
                }
                _ => {}
            }
            i += 1;
        }
        for frame in stack {
            self.unclosed(frame, run.end);
        }
    }

    /// A bracket closes at `close`. Returns whether it is, or holds, a citation or problem.
    fn close(&mut self, frame: Frame, close: usize) -> bool {
        let bytes = self.text.as_bytes();
        let is_link = bytes.get(close + 1) == Some(&b'(');
        if frame.contains_citation || is_link || frame.markers.is_empty() {
            return frame.contains_citation;
        }
        match read_group(self.text, &frame, close) {
            Ok(group) => self.parsed.groups.push(group),
            Err(problems) => self.parsed.problems.extend(problems),
        }
        true
    }

    /// A bracket never closed before its paragraph ended: a problem if it held an `@key`.
    fn unclosed(&mut self, frame: Frame, run_end: usize) {
        if let Some(&at) = frame.markers.first() {
            let end = key_end(self.text.as_bytes(), at + 1, run_end);
            self.parsed.problems.push(CitationProblem::Unclosed {
                span: frame.open..end,
            });
        }
    }
}

/// An `@` starts a citation item right after the `[`, a space or a `;`; after a letter it
/// is part of an email address or a handle.
fn starts_item(bytes: &[u8], at: usize, open: usize) -> bool {
    at == open + 1 || bytes[at - 1].is_ascii_whitespace() || bytes[at - 1] == b';'
}

/// Where a key that starts at `from` ends: at white space, a separator or a bracket.
fn key_end(bytes: &[u8], from: usize, limit: usize) -> usize {
    (from..limit)
        .find(|&j| bytes[j].is_ascii_whitespace() || matches!(bytes[j], b',' | b';' | b'[' | b']'))
        .unwrap_or(limit)
}

/// What one `;`-separated part of a group turned out to be.
enum Item {
    Blank,
    Needed,
    Cite(CiteItem),
    Problem(CitationProblem),
}

/// Reads a closed bracket holding at least one `@`: a group, or all its problems.
fn read_group(
    text: &str,
    frame: &Frame,
    close: usize,
) -> Result<CitationGroup, Vec<CitationProblem>> {
    let mut group = CitationGroup {
        span: frame.open..close + 1,
        items: Vec::new(),
        needed: false,
    };
    let mut problems = Vec::new();
    let bounds = std::iter::once(frame.open)
        .chain(frame.semicolons.iter().copied())
        .chain(std::iter::once(close));
    let ends = bounds.clone().skip(1);
    for (before, end) in bounds.zip(ends) {
        let item = (before + 1)..end;
        match read_item(
            text,
            item.clone(),
            within(&frame.markers, &item),
            within(&frame.commas, &item),
        ) {
            Item::Blank => {}
            Item::Needed => group.needed = true,
            Item::Cite(cite) => group.items.push(cite),
            Item::Problem(problem) => problems.push(problem),
        }
    }
    if problems.is_empty() {
        Ok(group)
    } else {
        Err(problems)
    }
}

/// The positions (sorted) that fall inside `range`.
fn within<'p>(positions: &'p [usize], range: &Range<usize>) -> &'p [usize] {
    let from = positions.partition_point(|p| *p < range.start);
    let to = positions.partition_point(|p| *p < range.end);
    &positions[from..to]
}

/// One item: `prefix @key, locator`, `@?`, or something malformed.
fn read_item(text: &str, item: Range<usize>, markers: &[usize], commas: &[usize]) -> Item {
    let bytes = text.as_bytes();
    if text[item.clone()].trim().is_empty() {
        return Item::Blank;
    }
    let Some(&at) = markers.first() else {
        // `[@a; just words]`: a part of a citation with no key at all.
        return Item::Problem(malformed(text, item, None));
    };
    let key_to = key_end(bytes, at + 1, item.end);
    let after_key = (key_to..item.end)
        .find(|&j| !bytes[j].is_ascii_whitespace())
        .unwrap_or(item.end);
    let locator = match bytes.get(after_key) {
        _ if after_key == item.end => "",
        Some(b',') => text[after_key + 1..item.end].trim(),
        _ => {
            // `[@bad key]`: words after the key that are not a locator make the key wrong.
            let raw_end = commas.iter().copied().find(|c| *c > at).unwrap_or(item.end);
            return Item::Problem(malformed(text, at + 1..raw_end, Some(at)));
        }
    };
    let token = &text[at + 1..key_to];
    if token == "?" {
        return Item::Needed;
    }
    match normalise_key(token) {
        Ok(key) => Item::Cite(CiteItem {
            key,
            locator: locator.to_string(),
            prefix: text[item.start..at].trim().to_string(),
            span: at..key_to,
        }),
        Err(_) => Item::Problem(malformed(text, at + 1..key_to, Some(at))),
    }
}

/// A malformed key: `raw` is the trimmed text of `range`; the span starts at the `@` when
/// there is one, so even `[@]` has something to underline.
fn malformed(text: &str, range: Range<usize>, at: Option<usize>) -> CitationProblem {
    let slice = &text[range.clone()];
    let raw = slice.trim();
    let start = range.start + (slice.len() - slice.trim_start().len());
    let end = range.start + slice.trim_end().len();
    let span = match at {
        Some(at) => at..end.max(at + 1),
        None => start..end,
    };
    CitationProblem::MalformedKey {
        raw: raw.to_string(),
        span,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A readable digest of a parse: each group as its source text and items
    /// (`prefix|key|locator`), each problem with the text its span covers.
    fn digest(text: &str) -> Vec<String> {
        let parsed = parse(text);
        let groups = parsed.groups.iter().map(|g| {
            let items: Vec<String> = g
                .items
                .iter()
                .map(|i| format!("{}|{}|{}", i.prefix, i.key, i.locator))
                .collect();
            let needed = if g.needed { " +needed" } else { "" };
            format!("{} = [{}]{needed}", &text[g.span.clone()], items.join("; "))
        });
        let problems = parsed.problems.iter().map(|p| match p {
            CitationProblem::MalformedKey { raw, span } => {
                format!("malformed {raw:?} at {:?}", &text[span.clone()])
            }
            CitationProblem::Unclosed { span } => format!("unclosed at {:?}", &text[span.clone()]),
        });
        groups.chain(problems).collect()
    }

    #[test]
    fn table() {
        let table: &[(&str, &[&str])] = &[
            ("Plain text.", &[]),
            (
                "Skills grow [@hu-2019-testimony-07].",
                &["[@hu-2019-testimony-07] = [|hu-2019-testimony-07|]"],
            ),
            ("[@K1-a; @k2-b]", &["[@K1-a; @k2-b] = [|k1-a|; |k2-b|]"]),
            ("[@abc, p. 4]", &["[@abc, p. 4] = [|abc|p. 4]"]),
            (
                "[see @abc, pp. 3-5; also @other]",
                &["[see @abc, pp. 3-5; also @other] = [see|abc|pp. 3-5; also|other|]"],
            ),
            ("Needed [@?].", &["[@?] = [] +needed"]),
            ("[@?; @abc]", &["[@?; @abc] = [|abc|] +needed"]),
            (
                "[@abc] and [@def].",
                &["[@abc] = [|abc|]", "[@def] = [|def|]"],
            ),
            (
                "Été 漢字 🎉 [@fr-2020:01] fin 🎉",
                &["[@fr-2020:01] = [|fr-2020:01|]"],
            ),
            ("Code `[@abc]` then [@def]", &["[@def] = [|def|]"]),
            ("``a ` [@abc] ``", &[]),
            ("Unmatched ` tick [@abc]", &["[@abc] = [|abc|]"]),
            ("```\n[@abc]\n```\n[@def]", &["[@def] = [|def|]"]),
            ("Para.\n\n    [@abc]\n\n[@def]", &["[@def] = [|def|]"]),
            ("- item\n\n    [@abc] in the item", &["[@abc] = [|abc|]"]),
            (r"Escaped \[@abc] and [\@abc]", &[]),
            ("Write to a@b.org or [a@b.org].", &[]),
            ("A [link](https://x.org/@abc) and [text].", &[]),
            ("[@abc](https://example.org)", &[]),
            ("[@bad key]", &["malformed \"bad key\" at \"@bad key\""]),
            ("[@]", &["malformed \"\" at \"@\""]),
            ("[@-x]", &["malformed \"-x\" at \"@-x\""]),
            ("[@ab]", &["malformed \"ab\" at \"@ab\""]),
            (
                "[@abc; no key here]",
                &["malformed \"no key here\" at \"no key here\""],
            ),
            ("Ends with [@abc", &["unclosed at \"[@abc\""]),
            ("[@abc\n\nnext paragraph]", &["unclosed at \"[@abc\""]),
            (
                "[see [Annex 2] @abc, p. [4]]",
                &["[see [Annex 2] @abc, p. [4]] = [see [Annex 2]|abc|p. [4]]"],
            ),
            ("[see [@abc] here]", &["[@abc] = [|abc|]"]),
            (
                "[@abc\nacross, lines]",
                &["malformed \"abc\\nacross\" at \"@abc\\nacross\""],
            ),
            ("[@abc,\np. 4]", &["[@abc,\np. 4] = [|abc|p. 4]"]),
            ("[@abc; ]", &["[@abc; ] = [|abc|]"]),
            ("[@abc.]", &["malformed \"abc.\" at \"@abc.\""]),
        ];
        for (input, expected) in table {
            assert_eq!(digest(input), *expected, "{input:?}");
        }
    }

    #[test]
    fn keys_needs_and_unknown() {
        let text = "[@abc; @Def] then [@?] and [see @abc, p. 2]";
        let parsed = parse(text);
        assert_eq!(parsed.keys(), ["abc", "def"]);
        assert!(parsed.needs_evidence());
        let unknown = parsed.unknown(|key| key == "def");
        let spans: Vec<(&str, &str)> = unknown
            .iter()
            .map(|(key, span)| (*key, &text[span.clone()]))
            .collect();
        assert_eq!(spans, [("abc", "@abc"), ("abc", "@abc")]);
        assert!(!parse("[@abc]").needs_evidence());
    }

    #[test]
    fn groups_become_links() {
        let text = "Skills [@abc, p. 4] grow [@?].";
        let parsed = parse(text);
        let html = replace_groups(text, &parsed, |g| {
            let keys: Vec<&str> = g.items.iter().map(|i| i.key.as_str()).collect();
            format!("<{}>", keys.join(","))
        });
        assert_eq!(html, "Skills <abc> grow <>.");
        // A parse of another text never panics the rewrite.
        assert_eq!(replace_groups("short", &parsed, |_| "x".into()), "short");
    }

    #[test]
    fn lines_and_columns() {
        let text = "é漢\nab[@x";
        assert_eq!(line_col(text, 0), (1, 1));
        assert_eq!(line_col(text, 2), (1, 2));
        assert_eq!(line_col(text, 3), (1, 2), "inside a character");
        assert_eq!(line_col(text, 6), (2, 1));
        assert_eq!(line_col(text, 8), (2, 3));
        assert_eq!(line_col(text, 999), (2, 6));
    }

    #[test]
    fn problems_serialise_with_a_code() {
        let problem = CitationProblem::Unclosed { span: 0..5 };
        let json = serde_json::to_string(&problem).unwrap();
        assert_eq!(json, r#"{"code":"unclosed","span":{"start":0,"end":5}}"#);
        assert_eq!(
            serde_json::from_str::<CitationProblem>(&json).unwrap(),
            problem
        );
    }

    /// xorshift64: deterministic, and no new crates for random tests.
    struct Rng(u64);

    impl Rng {
        fn next(&mut self) -> u64 {
            self.0 ^= self.0 << 13;
            self.0 ^= self.0 >> 7;
            self.0 ^= self.0 << 17;
            self.0
        }

        fn below(&mut self, n: usize) -> usize {
            (self.next() % n as u64) as usize
        }
    }

    fn random_text(rng: &mut Rng) -> String {
        let len = rng.below(40);
        (0..len).map(|_| PIECES[rng.below(PIECES.len())]).collect()
    }

    fn assert_span(text: &str, span: &Range<usize>) {
        assert!(
            span.start <= span.end && span.end <= text.len(),
            "{span:?} in {text:?}"
        );
        assert!(
            text.is_char_boundary(span.start) && text.is_char_boundary(span.end),
            "{span:?} in {text:?}"
        );
    }

    #[test]
    fn random_texts_keep_every_promise() {
        let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
        let (mut groups, mut problems) = (0, 0);
        for _ in 0..20_000 {
            let text = random_text(&mut rng);
            let parsed = check_promises(&text);
            groups += parsed.groups.len();
            problems += parsed.problems.len();
        }
        // The alphabet is rich enough to exercise both outcomes, not only plain text.
        assert!(
            groups > 1_000 && problems > 1_000,
            "{groups} groups, {problems} problems"
        );
    }

    /// Parses `text` and checks what every parse promises: spans inside the text on character
    /// boundaries, groups in order without overlap, items inside their group, keys already
    /// normalised, and that putting each group's own text back gives the text unchanged.
    fn check_promises(text: &str) -> Parsed {
        let parsed = parse(text);
        let mut previous_end = 0;
        for group in &parsed.groups {
            assert_span(text, &group.span);
            assert!(group.span.start >= previous_end, "overlap in {text:?}");
            previous_end = group.span.end;
            for item in &group.items {
                assert_span(text, &item.span);
                assert!(group.span.start < item.span.start && item.span.end < group.span.end);
                assert_eq!(normalise_key(&item.key).ok().as_ref(), Some(&item.key));
            }
        }
        for problem in &parsed.problems {
            assert_span(text, problem.span());
        }
        let same = replace_groups(text, &parsed, |g| text[g.span.clone()].to_string());
        assert_eq!(same, text);
        parsed
    }

    const PIECES: &[&str] = &[
        "[", "]", "@", ";", ",", "?", "\\", "`", "```", " ", "\n", "\n\n", "    ", "-", "a", "b",
        "k", "x", "Z", "0", "7", ".", ":", "(", ")", "é", "漢", "🎉", "abc", "@abc", "[@",
        "[@abc]", "p. 4", "~~~", "- ", "\t",
    ];

    proptest::proptest! {
        #[test]
        fn any_text_keeps_every_promise(text in proptest::prelude::any::<String>()) {
            check_promises(&text);
        }

        #[test]
        fn citation_like_text_keeps_every_promise(
            pieces in proptest::collection::vec(proptest::sample::select(PIECES), 0..60)
        ) {
            check_promises(&pieces.concat());
        }

        #[test]
        fn any_offset_has_a_line_and_column(text in proptest::prelude::any::<String>(), offset in 0usize..400) {
            let (line, column) = line_col(&text, offset);
            proptest::prop_assert!(line >= 1 && column >= 1);
            proptest::prop_assert!(line <= text.lines().count().max(1) + 1);
        }
    }
}
