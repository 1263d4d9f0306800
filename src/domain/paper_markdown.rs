//! A whole paper as one Markdown file, both ways: [`import`] turns a file into blocks, and
//! [`export`] turns blocks into a file that imports back to the same blocks.
//!
//! ## The convention
//!
//! - Each top-level Markdown element becomes one block. An ATX (`## Title`) or setext
//!   heading becomes a `heading` block holding the heading's text, without the `#`s and on
//!   one line. Every other element (paragraph, list, block quote, table, code block,
//!   thematic break) becomes a `text` block holding its source text exactly.
//! - A Pandoc-style fenced div makes its whole content, however many paragraphs, one block of
//!   its kind: `claim`, `recommendation` or `text` (`::: {.claim}` works too).
//!
//!   ```markdown
//!   ::: claim
//!   Volunteering builds skills employers value [@hu-2019-testimony-07].
//!
//!   The effect is strongest for those with fewer opportunities [@fr-2020-indicator-02].
//!   :::
//!   ```
//!
//!   A fence starts a line with three or more colons. The closing fence is a line of nothing
//!   but colons, at least as many as the opening fence had, so a block that itself contains
//!   `:::` lines is wrapped in a longer fence (`::::`). Divs do not nest: everything up to
//!   the closing fence is the block's text.
//! - Shorthand: a paragraph starting with `Claim:` or `Recommendation:` (in any case, and
//!   optionally bold: `**Claim:**`) becomes a block of that kind, without the prefix.
//! - Link reference definitions (`[1]: https://…`) belong to the element before them.
//!
//! Export writes headings as `## text`, claims and recommendations always as fenced divs, and
//! text blocks as they are, unless they contain a blank line or would read back differently
//! (they start with `Claim:`, `Recommendation:`, `:::` or `#`, hold several elements, or
//! would run into the block after them, like two lists in a row); those become `::: text`
//! divs. Blocks are separated by one blank line and the file ends with a newline.
//!
//! Import refuses a file over 2,000,000 bytes, more than 5,000 blocks, a block over 100,000
//! characters, a div of any other kind, and a fence that is never closed or never opened.
//!
//! One thing cannot survive a round trip: a claim or recommendation whose text ends inside
//! an unclosed code fence swallows its own closing `:::` (as in Pandoc). The editor's blocks
//! are single elements or closed fences in practice.
use crate::domain::coverage::BlockKind;
use crate::error::{AppError, Problem};
use comrak::nodes::NodeValue;
use comrak::{Arena, Options};
use std::borrow::Cow;
use std::ops::Range;

pub const FILE_MAX_BYTES: usize = 2_000_000;
pub const BLOCKS_MAX: usize = 5_000;
pub const BLOCK_TEXT_MAX: usize = 100_000;
/// The shortest fence, and the one export uses unless the text needs a longer one.
const FENCE_MIN: usize = 3;

/// A block as it comes out of a file, before it is stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BlockDraft {
    pub kind: BlockKind,
    pub text: String,
}

/// Reads a Markdown file into blocks, following the module's convention.
pub fn import(markdown: &str) -> Result<Vec<BlockDraft>, AppError> {
    if markdown.len() > FILE_MAX_BYTES {
        return Err(AppError::TooLarge);
    }
    let source = normalise_newlines(markdown);
    let lines = Lines::new(&source);
    let in_code = code_lines(&lines);
    let mut blocks = Vec::new();
    for segment in segments(&lines, &in_code)? {
        match segment {
            Segment::Div { kind, lines: range } => blocks.push(BlockDraft {
                kind,
                text: lines.text(lines.trim_blank(range)).to_string(),
            }),
            Segment::Markdown(range) => markdown_blocks(&lines, range, &mut blocks),
        }
        if blocks.len() > BLOCKS_MAX {
            return Err(AppError::invalid(
                "file",
                Problem::TooMany { max: BLOCKS_MAX },
            ));
        }
    }
    check_lengths(&blocks)?;
    Ok(blocks)
}

/// Writes blocks as one Markdown file that [`import`] reads back to the same blocks.
pub fn export(blocks: &[BlockDraft]) -> String {
    let mut out = String::new();
    let mut previous_plain: Option<&str> = None;
    for block in blocks {
        let plain = block.kind == BlockKind::Text && reads_back_plain(&block.text, previous_plain);
        let chunk = match block.kind {
            BlockKind::Heading => heading_line(&block.text),
            _ if plain => block.text.clone(),
            kind => fenced_div(kind, &block.text),
        };
        if !out.is_empty() {
            out.push_str("\n\n");
        }
        out.push_str(&chunk);
        previous_plain = plain.then_some(block.text.as_str());
    }
    if !out.is_empty() {
        out.push('\n');
    }
    out
}

// ---------------------------------------------------------------------------------------
// Import.

/// One line ending (`\n`) everywhere, and no byte-order mark: comrak's line numbers and ours
/// must count the same lines.
fn normalise_newlines(markdown: &str) -> Cow<'_, str> {
    let markdown = markdown.strip_prefix('\u{feff}').unwrap_or(markdown);
    if markdown.contains('\r') {
        Cow::Owned(markdown.replace("\r\n", "\n").replace('\r', "\n"))
    } else {
        Cow::Borrowed(markdown)
    }
}

/// The source split into lines, each a byte range without its `\n`, so any run of lines can
/// be sliced back out exactly.
struct Lines<'s> {
    source: &'s str,
    ranges: Vec<Range<usize>>,
}

impl<'s> Lines<'s> {
    fn new(source: &'s str) -> Self {
        let mut start = 0;
        let ranges = source
            .split('\n')
            .map(|line| {
                let range = start..start + line.len();
                start = range.end + 1;
                range
            })
            .collect();
        Lines { source, ranges }
    }

    fn len(&self) -> usize {
        self.ranges.len()
    }

    fn line(&self, i: usize) -> &'s str {
        &self.source[self.ranges[i].clone()]
    }

    fn is_blank(&self, i: usize) -> bool {
        self.line(i).trim().is_empty()
    }

    /// Lines `range`, joined by their original `\n`s.
    fn text(&self, range: Range<usize>) -> &'s str {
        if range.is_empty() {
            return "";
        }
        &self.source[self.ranges[range.start].start..self.ranges[range.end - 1].end]
    }

    /// `range` without blank lines at either end.
    fn trim_blank(&self, mut range: Range<usize>) -> Range<usize> {
        while !range.is_empty() && self.is_blank(range.start) {
            range.start += 1;
        }
        while !range.is_empty() && self.is_blank(range.end - 1) {
            range.end -= 1;
        }
        range
    }
}

/// The comrak options whose choices change block structure, as the paper renderer sets them
/// (`src/markdown.rs` turns tables on).
fn options() -> Options<'static> {
    let mut options = Options::default();
    options.extension.table = true;
    options
}

/// Which lines lie inside code blocks, where a `:::` line is code, not a fence. Found by
/// parsing the whole file once as plain Markdown: fence lines read as paragraphs there, and
/// a paragraph line never opens or closes a code block.
fn code_lines(lines: &Lines) -> Vec<bool> {
    let mut in_code = vec![false; lines.len()];
    let arena = Arena::new();
    let root = comrak::parse_document(&arena, lines.source, &options());
    for node in root.descendants() {
        let data = node.data();
        if let NodeValue::CodeBlock(_) = data.value {
            let first = data.sourcepos.start.line.saturating_sub(1);
            let last = data.sourcepos.end.line.min(lines.len());
            in_code
                .iter_mut()
                .take(last)
                .skip(first)
                .for_each(|line| *line = true);
        }
    }
    in_code
}

/// A fence line: `::: claim`, `::: {.claim}`, `::: claim :::`, or a closing `:::`.
#[derive(Debug, PartialEq)]
enum Fence {
    /// `kind` is None for a kind this convention does not have.
    Open {
        colons: usize,
        kind: Option<BlockKind>,
    },
    Close {
        colons: usize,
    },
}

impl Fence {
    fn read(line: &str) -> Option<Fence> {
        let colons = line.bytes().take_while(|b| *b == b':').count();
        if colons < FENCE_MIN {
            return None;
        }
        let attributes = line[colons..].trim();
        if attributes.is_empty() {
            return Some(Fence::Close { colons });
        }
        let attributes = attributes.trim_end_matches(':').trim_end();
        Some(Fence::Open {
            colons,
            kind: div_kind(attributes),
        })
    }
}

/// `claim` or `{#c1 .claim}`: Pandoc's shortcut class or full attributes. Headings are not
/// a div kind: a heading's text is one line, which the `##` form already carries.
fn div_kind(attributes: &str) -> Option<BlockKind> {
    let parse = |class: &str| {
        class
            .parse::<BlockKind>()
            .ok()
            .filter(|kind| *kind != BlockKind::Heading)
    };
    match attributes
        .strip_prefix('{')
        .and_then(|a| a.strip_suffix('}'))
    {
        Some(inner) => inner
            .split_whitespace()
            .filter_map(|a| a.strip_prefix('.'))
            .find_map(parse),
        None => parse(attributes),
    }
}

/// A stretch of lines: plain Markdown, or the content of a fenced div (fences excluded).
enum Segment {
    Markdown(Range<usize>),
    Div {
        kind: BlockKind,
        lines: Range<usize>,
    },
}

/// Splits the file at its fences.
fn segments(lines: &Lines, in_code: &[bool]) -> Result<Vec<Segment>, AppError> {
    // A div never closed, or a closing fence with nothing to close.
    let unbalanced = || AppError::invalid("file", Problem::UnbalancedFence);
    let mut segments = Vec::new();
    let mut open: Option<(BlockKind, usize, usize)> = None;
    let mut outside_from = 0;
    for i in (0..lines.len()).filter(|i| !in_code[*i]) {
        let Some(fence) = Fence::read(lines.line(i)) else {
            continue;
        };
        match (open, fence) {
            (
                None,
                Fence::Open {
                    kind: Some(kind),
                    colons,
                },
            ) => {
                segments.push(Segment::Markdown(outside_from..i));
                open = Some((kind, colons, i + 1));
            }
            (None, Fence::Open { kind: None, .. }) => {
                return Err(AppError::invalid("file", Problem::InvalidChoice));
            }
            (None, Fence::Close { .. }) => return Err(unbalanced()),
            (Some((kind, needed, from)), Fence::Close { colons }) if colons >= needed => {
                segments.push(Segment::Div {
                    kind,
                    lines: from..i,
                });
                open = None;
                outside_from = i + 1;
            }
            // Inside a div, every other line (shorter fences included) is content.
            (Some(_), _) => {}
        }
    }
    if open.is_some() {
        return Err(unbalanced());
    }
    segments.push(Segment::Markdown(outside_from..lines.len()));
    Ok(segments)
}

/// What kind of top-level element a node is, as far as blocks care.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Element {
    Heading { setext: bool },
    Paragraph,
    Other,
}

/// A top-level element and the lines it covers (absolute, 0-based, `end` included).
struct TopNode {
    element: Element,
    first: usize,
    last: usize,
}

/// The top-level elements of a stretch of plain Markdown.
fn top_nodes(lines: &Lines, range: Range<usize>) -> Vec<TopNode> {
    let arena = Arena::new();
    let root = comrak::parse_document(&arena, lines.text(range.clone()), &options());
    let absolute =
        |line: usize| (range.start + line.saturating_sub(1)).clamp(range.start, range.end);
    root.children()
        .map(|node| {
            let data = node.data();
            let element = match data.value {
                NodeValue::Heading(heading) => Element::Heading {
                    setext: heading.setext,
                },
                NodeValue::Paragraph => Element::Paragraph,
                _ => Element::Other,
            };
            TopNode {
                element,
                first: absolute(data.sourcepos.start.line),
                last: absolute(data.sourcepos.end.line),
            }
        })
        .collect()
}

/// One block per top-level element. Lines between elements (link reference definitions,
/// which comrak keeps no node for) stay with the element before them, or stand alone after
/// a heading or at the start, so nothing in the file is lost.
fn markdown_blocks(lines: &Lines, range: Range<usize>, out: &mut Vec<BlockDraft>) {
    let nodes = top_nodes(lines, range.clone());
    let mut from = range.start;
    for (i, node) in nodes.iter().enumerate() {
        let next = nodes.get(i + 1).map_or(range.end, |n| n.first).max(from);
        let first = node.first.clamp(from, next);
        push_text(lines, from..first, out);
        match node.element {
            Element::Heading { setext } => {
                let last = node.last.clamp(first, next.saturating_sub(1).max(first));
                out.push(BlockDraft {
                    kind: BlockKind::Heading,
                    text: heading_text(lines, first..last + 1, setext),
                });
                push_text(lines, (last + 1).min(next)..next, out);
            }
            Element::Paragraph => push_element(lines, first..next, true, out),
            Element::Other => push_element(lines, first..next, false, out),
        }
        from = next;
    }
    push_text(lines, from..range.end, out);
}

/// A text block for `range`, unless it is only blank lines.
fn push_text(lines: &Lines, range: Range<usize>, out: &mut Vec<BlockDraft>) {
    let range = lines.trim_blank(range);
    if !range.is_empty() {
        out.push(BlockDraft {
            kind: BlockKind::Text,
            text: lines.text(range).to_string(),
        });
    }
}

/// A text block, or a claim or recommendation when a paragraph starts with the shorthand.
fn push_element(lines: &Lines, range: Range<usize>, paragraph: bool, out: &mut Vec<BlockDraft>) {
    let text = lines.text(lines.trim_blank(range));
    let (kind, text) = match shorthand(text) {
        Some(found) if paragraph => found,
        _ => (BlockKind::Text, text),
    };
    out.push(BlockDraft {
        kind,
        text: text.to_string(),
    });
}

/// `Claim: …`, `**Recommendation:** …` and the like: the kind and the text after the prefix.
fn shorthand(text: &str) -> Option<(BlockKind, &str)> {
    let text = text.trim_start();
    [BlockKind::Claim, BlockKind::Recommendation]
        .into_iter()
        .find_map(|kind| {
            let name = kind.as_str();
            let prefixes = [
                format!("{name}:"),
                format!("**{name}:**"),
                format!("**{name}**:"),
                format!("__{name}:__"),
                format!("__{name}__:"),
            ];
            prefixes
                .iter()
                .find_map(|prefix| strip_prefix_ignore_case(text, prefix))
                .map(|rest| (kind, rest.trim_start()))
        })
}

fn strip_prefix_ignore_case<'t>(text: &'t str, prefix: &str) -> Option<&'t str> {
    let head = text.get(..prefix.len())?;
    head.eq_ignore_ascii_case(prefix)
        .then(|| &text[prefix.len()..])
}

/// A heading's text: no `#`s, no setext underline, and one line (a setext heading's lines
/// are joined with spaces, as they render).
fn heading_text(lines: &Lines, range: Range<usize>, setext: bool) -> String {
    if setext {
        let content = range.start..range.end.saturating_sub(1).max(range.start);
        let parts: Vec<&str> = content.map(|i| lines.line(i).trim()).collect();
        parts.join(" ")
    } else {
        atx_text(lines.line(range.start)).to_string()
    }
}

/// `## Title ##` → `Title`. A closing run of `#`s counts only after white space, so `C#`
/// keeps its `#` (CommonMark's rule).
fn atx_text(line: &str) -> &str {
    let content = line.trim_start().trim_start_matches('#').trim();
    let without_closing = content.trim_end_matches('#');
    if without_closing.is_empty() {
        ""
    } else if without_closing.ends_with([' ', '\t']) {
        without_closing.trim_end()
    } else {
        content
    }
}

fn check_lengths(blocks: &[BlockDraft]) -> Result<(), AppError> {
    // Bytes bound characters from above: count characters only when it could matter.
    let too_long =
        |b: &&BlockDraft| b.text.len() > BLOCK_TEXT_MAX && b.text.chars().count() > BLOCK_TEXT_MAX;
    match blocks.iter().find(too_long) {
        Some(_) => Err(AppError::invalid(
            "file",
            Problem::TooLong {
                max: BLOCK_TEXT_MAX,
            },
        )),
        None => Ok(()),
    }
}

// ---------------------------------------------------------------------------------------
// Export.

/// `## text` on one line. A text ending in `#` gets a closing `##`, or import would take
/// its last `#`s for one.
fn heading_line(text: &str) -> String {
    let parts: Vec<&str> = text
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .collect();
    let text = parts.join(" ");
    if text.is_empty() {
        "##".to_string()
    } else if text.ends_with('#') {
        format!("## {text} ##")
    } else {
        format!("## {text}")
    }
}

/// A div with a fence longer than any run of colons starting a line of the text, so none of
/// the text's lines can close it.
fn fenced_div(kind: BlockKind, text: &str) -> String {
    let longest = text
        .lines()
        .map(|line| line.bytes().take_while(|b| *b == b':').count())
        .max()
        .unwrap_or(0);
    let fence = ":".repeat((longest + 1).max(FENCE_MIN));
    let kind = kind.as_str();
    if text.is_empty() {
        format!("{fence} {kind}\n{fence}")
    } else {
        format!("{fence} {kind}\n{text}\n{fence}")
    }
}

/// Can a text block be written as it is? Asked of the importer itself, so the answer cannot
/// drift from what import does: alone and followed by a paragraph (an unclosed code fence
/// would swallow it), and after the previous plain block (two lists would merge), it must
/// read back as exactly itself. A blank line inside always gets a div, so a reader of the
/// file can see where the block ends.
fn reads_back_plain(text: &str, previous_plain: Option<&str>) -> bool {
    let has_blank_line = text.split('\n').any(|line| line.trim().is_empty());
    if has_blank_line {
        return false;
    }
    let reads_as = |markdown: String, expected: &[&str]| {
        let expected: Vec<BlockDraft> = expected
            .iter()
            .map(|t| BlockDraft {
                kind: BlockKind::Text,
                text: t.to_string(),
            })
            .collect();
        import(&markdown).is_ok_and(|blocks| blocks == expected)
    };
    reads_as(format!("{text}\n\nx"), &[text, "x"])
        && previous_plain.is_none_or(|p| reads_as(format!("{p}\n\n{text}"), &[p, text]))
}

#[cfg(test)]
mod tests {
    use super::*;
    use BlockKind::*;

    fn block(kind: BlockKind, text: &str) -> BlockDraft {
        BlockDraft {
            kind,
            text: text.to_string(),
        }
    }

    const PAPER: &str = r#"# Youth volunteering and employability

Workcamps bring young people from across Europe together. This paper draws on the
network's [impact assessments][1].

[1]: https://example.org/assessments

## What we found

::: claim
Volunteers gain skills employers value [@hu-2019-testimony-07; @fr-2020-indicator-02, p. 4].

The effect is strongest for those with fewer opportunities [see @gr-2021-survey-01].
:::

Claim: Mentoring doubles the chance of finding work within a year [@hu-2019-indicator-01].

- 42 % found work within a year
- “I learnt to speak in front of people” — a volunteer in Pécs

Evidence by country
-------------------

| Country | Volunteers |
|---------|-----------:|
| HU      | 120        |

## Recommendations ##

**Recommendation:** Fund mentoring for every volunteer with fewer opportunities [@?].

::: {.recommendation}
Recognise workcamp experience in national qualification frameworks.
:::

```text
::: not a fence inside code
```
"#;

    #[test]
    fn a_realistic_paper() {
        let blocks = import(PAPER).unwrap();
        let expected = [
            block(Heading, "Youth volunteering and employability"),
            block(
                Text,
                "Workcamps bring young people from across Europe together. This paper draws on the\nnetwork's [impact assessments][1].\n\n[1]: https://example.org/assessments",
            ),
            block(Heading, "What we found"),
            block(
                Claim,
                "Volunteers gain skills employers value [@hu-2019-testimony-07; @fr-2020-indicator-02, p. 4].\n\nThe effect is strongest for those with fewer opportunities [see @gr-2021-survey-01].",
            ),
            block(
                Claim,
                "Mentoring doubles the chance of finding work within a year [@hu-2019-indicator-01].",
            ),
            block(
                Text,
                "- 42 % found work within a year\n- “I learnt to speak in front of people” — a volunteer in Pécs",
            ),
            block(Heading, "Evidence by country"),
            block(
                Text,
                "| Country | Volunteers |\n|---------|-----------:|\n| HU      | 120        |",
            ),
            block(Heading, "Recommendations"),
            block(
                Recommendation,
                "Fund mentoring for every volunteer with fewer opportunities [@?].",
            ),
            block(
                Recommendation,
                "Recognise workcamp experience in national qualification frameworks.",
            ),
            block(Text, "```text\n::: not a fence inside code\n```"),
        ];
        assert_eq!(blocks, expected);
        assert_eq!(import(&export(&blocks)).unwrap(), blocks);
        let crlf = PAPER.replace('\n', "\r\n");
        assert_eq!(import(&crlf).unwrap(), blocks, "Windows line endings");
    }

    #[test]
    fn export_format() {
        let blocks = [
            block(Heading, "Findings"),
            block(Text, "Plain paragraph."),
            block(Claim, "A claim [@abc]."),
            block(Text, "Claim: only text"),
        ];
        assert_eq!(
            export(&blocks),
            "## Findings\n\nPlain paragraph.\n\n::: claim\nA claim [@abc].\n:::\n\n::: text\nClaim: only text\n:::\n"
        );
        assert_eq!(export(&[]), "");
    }

    #[test]
    fn tricky_blocks_round_trip() {
        let table: &[&[(BlockKind, &str)]] = &[
            &[(Claim, "First paragraph [@abc].\n\nSecond paragraph.")],
            &[
                (Text, "Claim: this is only text"),
                (Text, "**Recommendation:** not really"),
            ],
            &[(Text, "Recommendation without a colon")],
            &[
                (Text, "- one\n- two\n  - nested"),
                (Text, "- a separate list"),
            ],
            &[(Text, "1. first\n2. second"), (Text, "3. third")],
            &[(Text, "Paragraph"), (Text, "  - indented list")],
            &[
                (Text, "```\n:::\n```"),
                (Claim, "```\n::: claim\n:::\n```\nafter the code"),
            ],
            &[(Recommendation, "Before\n\n::::\nodd fences\n::::")],
            &[(Text, ":::"), (Text, "::: claim"), (Text, "::::: {.note}")],
            &[
                (Heading, "Why it matters ##"),
                (Heading, "C#"),
                (Heading, "Title #"),
                (Heading, "#hashtag"),
            ],
            &[
                (Heading, "Ünïcödé 漢字 🎉"),
                (Text, "Été 漢字 🎉 [@fr-2020:01]"),
            ],
            &[(Text, "# not a heading"), (Text, "Title\n===")],
            &[(Text, "    indented code"), (Text, "    more code")],
            &[(Text, "Paragraph"), (Text, "==="), (Text, "---")],
            &[(Text, "<!-- an unclosed comment"), (Text, "after it")],
            &[(Text, "> quote\ncontinued lazily")],
            &[(Text, "| a | b |\n|---|---|\n| 1 | 2 |")],
            &[(Text, "Line one\nLine two [@abc; @def, p. 4]")],
            &[
                (Text, "[1]: https://example.org"),
                (Text, "See [the site][1]."),
                (Text, "[2]: https://example.org/2"),
            ],
            &[(Claim, ""), (Recommendation, ""), (Text, ""), (Heading, "")],
            &[(Heading, "Only"), (Heading, "headings")],
        ];
        for case in table {
            let blocks: Vec<BlockDraft> = case.iter().map(|(k, t)| block(*k, t)).collect();
            let markdown = export(&blocks);
            assert_eq!(import(&markdown), Ok(blocks), "{markdown}");
        }
    }

    /// xorshift64: deterministic, and no new crates for random tests.
    struct Rng(u64);

    impl Rng {
        fn below(&mut self, n: usize) -> usize {
            self.0 ^= self.0 << 13;
            self.0 ^= self.0 >> 7;
            self.0 ^= self.0 << 17;
            (self.0 % n as u64) as usize
        }

        fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
            items[self.below(items.len())]
        }
    }

    const HEADINGS: &[&str] = &[
        "Findings",
        "C#",
        "Why ##",
        "Ünïcödé 漢字 🎉",
        "A *styled* [@abc] title",
    ];

    /// Pieces that are whole elements on their own and close whatever they open.
    const PIECES: &[&str] = &[
        "Plain sentence [@hu-2019-testimony-07].",
        "Claim: shorthand-looking text",
        "**Recommendation:** bold shorthand",
        "- item one\n- item two",
        "1. first\n2. second",
        "```\n:::\ncode\n```",
        "~~~\n::: claim\n~~~",
        "    indented code",
        "> quoted 漢字",
        "# hash heading",
        "Setext\n===",
        "---",
        ":::",
        ":::: claim",
        "Émoji 🎉 and é",
        "| a | b |\n|---|---|\n| 1 | 2 |",
        "[1]: https://example.org",
        "Trailing hashes ##",
        "<div>html</div>",
        "  two-space indent",
    ];

    fn random_blocks(rng: &mut Rng) -> Vec<BlockDraft> {
        (0..rng.below(8))
            .map(|_| {
                let kind = BlockKind::ALL[rng.below(BlockKind::ALL.len())];
                let text = if kind == Heading {
                    rng.pick(HEADINGS).to_string()
                } else {
                    let pieces: Vec<&str> =
                        (0..1 + rng.below(3)).map(|_| rng.pick(PIECES)).collect();
                    pieces.join(rng.pick(&["\n", "\n\n"]))
                };
                BlockDraft { kind, text }
            })
            .collect()
    }

    #[test]
    fn random_papers_round_trip() {
        let mut rng = Rng(0x2545_F491_4F6C_DD1D);
        let mut wrapped_text = 0;
        for _ in 0..2_000 {
            let blocks = random_blocks(&mut rng);
            let markdown = export(&blocks);
            wrapped_text += markdown.matches(" text\n").count();
            assert_eq!(import(&markdown), Ok(blocks), "{markdown}");
        }
        assert!(
            wrapped_text > 500,
            "the pieces exercise `::: text`: {wrapped_text}"
        );
    }

    #[test]
    fn limits() {
        let file = |problem| Err(AppError::invalid("file", problem));
        assert_eq!(
            import(&"a".repeat(FILE_MAX_BYTES + 1)),
            Err(AppError::TooLarge)
        );
        assert_eq!(
            import(&"## h\n\n".repeat(BLOCKS_MAX + 1)),
            file(Problem::TooMany { max: BLOCKS_MAX })
        );
        assert_eq!(
            import(&"## h\n\n".repeat(BLOCKS_MAX)).map(|b| b.len()),
            Ok(BLOCKS_MAX)
        );
        assert_eq!(
            import(&"é".repeat(BLOCK_TEXT_MAX + 1)),
            file(Problem::TooLong {
                max: BLOCK_TEXT_MAX
            })
        );
        assert!(
            import(&"é".repeat(BLOCK_TEXT_MAX)).is_ok(),
            "the limit counts characters"
        );
    }

    #[test]
    fn empty_input_gives_no_blocks() {
        for empty in ["", "\n", "  \n\n\t\n", "\u{feff}"] {
            assert_eq!(import(empty), Ok(vec![]), "{empty:?}");
        }
    }

    #[test]
    fn fences_must_balance_and_name_a_kind() {
        let file = |problem| Err(AppError::invalid("file", problem));
        assert_eq!(
            import("::: claim\nnever closed"),
            file(Problem::UnbalancedFence)
        );
        assert_eq!(
            import(":::: claim\ntoo short a fence\n:::"),
            file(Problem::UnbalancedFence)
        );
        assert_eq!(import("text\n:::\n"), file(Problem::UnbalancedFence));
        assert_eq!(import("::: note\nx\n:::"), file(Problem::InvalidChoice));
        assert_eq!(import("::: heading\nx\n:::"), file(Problem::InvalidChoice));
        assert_eq!(
            import("::: claim\n```\n:::\n```\n"),
            file(Problem::UnbalancedFence),
            "a fence inside code does not close"
        );
        assert_eq!(
            import("::: {#r1 .note .Recommendation} :::\nx\n:::::"),
            Ok(vec![block(Recommendation, "x")])
        );
    }

    #[test]
    fn atx_headings_lose_only_their_markers() {
        let table = [
            ("# Title", "Title"),
            ("   ### Title ###   ", "Title"),
            ("## C#", "C#"),
            ("## Title #\\#", "Title #\\#"),
            ("## ##", ""),
            ("#", ""),
            ("## #5 on the list", "#5 on the list"),
        ];
        for (line, text) in table {
            assert_eq!(atx_text(line), text, "{line:?}");
        }
    }

    /// Whatever a file holds, import answers (never panics), and the blocks it gives export to a
    /// file that imports back to the same blocks.
    fn check_import_is_stable(markdown: &str) {
        if let Ok(blocks) = import(markdown) {
            // The one documented exception (see the module's notes): a fenced block whose text
            // ends inside an unclosed code fence.
            let opens_a_fence = |text: &str| {
                // The open code fence's character and length (CommonMark: only the same
                // character, at least as long and alone on its line, closes it).
                let mut open: Option<(char, usize)> = None;
                for line in text.lines() {
                    let line = line.trim_start();
                    let Some(c) = line.chars().next().filter(|c| *c == '`' || *c == '~') else {
                        continue;
                    };
                    let run = line.chars().take_while(|x| *x == c).count();
                    match open {
                        None if run >= 3 => open = Some((c, run)),
                        Some((o, len)) if o == c && run >= len && line[run..].trim().is_empty() => {
                            open = None
                        }
                        _ => {}
                    }
                }
                open.is_some()
            };
            if blocks
                .iter()
                .any(|b| b.kind != BlockKind::Heading && opens_a_fence(&b.text))
            {
                return;
            }
            let again = export(&blocks);
            assert_eq!(
                import(&again),
                Ok(blocks),
                "{markdown:?} exported as {again:?}"
            );
        }
    }

    const LINES: &[&str] = &[
        "",
        "text",
        "Claim: c",
        "**Recommendation:** r",
        "# h",
        "## h ##",
        "Setext",
        "===",
        "---",
        "::: claim",
        "::: recommendation",
        "::: text",
        ":::",
        "::::",
        "::: {.claim}",
        "::: nope",
        "- item",
        "1. item",
        "> quote",
        "```",
        "~~~",
        "    code",
        "[1]: https://example.org",
        "| a | b |",
        "|---|---|",
        "<div>",
        "\t tab",
        "漢字 🎉",
        "[@hu-2019-testimony-07]",
    ];

    proptest::proptest! {
        #[test]
        fn any_file_imports_stably(markdown in proptest::prelude::any::<String>()) {
            check_import_is_stable(&markdown);
        }

        #[test]
        fn markdown_like_files_import_stably(
            lines in proptest::collection::vec(proptest::sample::select(LINES), 0..40),
            crlf in proptest::prelude::any::<bool>(),
        ) {
            check_import_is_stable(&lines.join(if crlf { "\r\n" } else { "\n" }));
        }
    }
}
