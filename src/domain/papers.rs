//! Papers and their blocks: the rules for titles, slugs and block texts, and the shapes the
//! draft workspace shows.
use crate::domain::accounts::clean_text;
use crate::domain::coverage::{BlockKind, Stance, Warning};
use crate::domain::evidence::{SUMMARY_MAX, TITLE_MAX};
use crate::error::{AppError, Problem};
use serde::{Deserialize, Serialize};
#[cfg(feature = "ssr")]
use surrealdb::types::SurrealValue;

pub const SLUG_MIN: usize = 3;
pub const SLUG_MAX: usize = 80;
/// A block is a paragraph or a few, not a book: 50,000 characters is far beyond any real one.
pub const BLOCK_TEXT_MAX: usize = 50_000;
/// Far beyond a real paper (30–200 blocks); keeps every page and export bounded.
pub const BLOCKS_MAX: usize = 2_000;
pub const NOTE_MAX: usize = 500;

/// `Youth work & inclusion (2024)` → `youth-work-inclusion-2024`.
pub fn slugify(title: &str) -> String {
    let mut slug = String::new();
    for c in title.chars().flat_map(char::to_lowercase) {
        let c = fold_accent(c);
        if c.is_ascii_alphanumeric() {
            slug.push(c);
        } else if !slug.ends_with('-') && !slug.is_empty() {
            slug.push('-');
        }
    }
    let slug: String = slug.trim_end_matches('-').chars().take(SLUG_MAX).collect();
    slug.trim_end_matches('-').to_string()
}

fn fold_accent(c: char) -> char {
    match c {
        'à' | 'á' | 'â' | 'ã' | 'ä' | 'å' | 'ą' => 'a',
        'ç' | 'ć' | 'č' => 'c',
        'è' | 'é' | 'ê' | 'ë' | 'ę' | 'ě' => 'e',
        'ì' | 'í' | 'î' | 'ï' => 'i',
        'ñ' | 'ń' | 'ň' => 'n',
        'ò' | 'ó' | 'ô' | 'õ' | 'ö' | 'ø' | 'ő' => 'o',
        'ù' | 'ú' | 'û' | 'ü' | 'ű' | 'ů' => 'u',
        'ý' | 'ÿ' => 'y',
        'ś' | 'š' | 'ß' => 's',
        'ź' | 'ż' | 'ž' => 'z',
        'ł' => 'l',
        'ř' => 'r',
        'ť' => 't',
        'ď' => 'd',
        other => other,
    }
}

pub fn normalise_slug(input: &str) -> Result<String, AppError> {
    let slug = input.trim().to_ascii_lowercase();
    let problem = |p| Err(AppError::invalid("slug", p));
    if slug.is_empty() {
        return problem(Problem::Required);
    }
    if slug.len() < SLUG_MIN {
        return problem(Problem::TooShort { min: SLUG_MIN });
    }
    if slug.len() > SLUG_MAX {
        return problem(Problem::TooLong { max: SLUG_MAX });
    }
    let ok = slug
        .chars()
        .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
        && !slug.starts_with('-')
        && !slug.ends_with('-');
    if ok {
        Ok(slug)
    } else {
        problem(Problem::KeyCharacters)
    }
}

/// A new paper as typed in the form.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct PaperInput {
    pub title: String,
    /// Empty: made from the title.
    pub slug: String,
    pub summary: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PaperFields {
    pub title: String,
    pub slug: String,
    pub summary: String,
}

impl PaperInput {
    pub fn validate(&self) -> Result<PaperFields, AppError> {
        let mut errors = Vec::new();
        let title = clean_text("title", &self.title, TITLE_MAX)
            .map_err(|e| errors.push(e))
            .ok();
        let wanted = if self.slug.trim().is_empty() {
            slugify(&self.title)
        } else {
            self.slug.clone()
        };
        let slug = normalise_slug(&wanted).map_err(|e| errors.push(e)).ok();
        let summary = if self.summary.trim().is_empty() {
            Some(String::new())
        } else {
            crate::domain::evidence::clean_multiline("summary", &self.summary, SUMMARY_MAX)
                .map_err(|e| errors.push(e))
                .ok()
        };
        match (title, slug, summary) {
            (Some(title), Some(slug), Some(summary)) if errors.is_empty() => Ok(PaperFields {
                title,
                slug,
                summary,
            }),
            _ => Err(AppError::all(errors)),
        }
    }
}

/// A block's text as saved: line endings normalised, control characters dropped, bounded.
/// May be empty (a new block starts empty).
pub fn clean_block_text(input: &str) -> Result<String, AppError> {
    let text: String = input
        .replace("\r\n", "\n")
        .chars()
        .filter(|c| *c == '\n' || *c == '\t' || !c.is_control())
        .collect();
    let text = text.trim_end().to_string();
    if text.chars().count() > BLOCK_TEXT_MAX {
        return Err(AppError::invalid(
            "text",
            Problem::TooLong {
                max: BLOCK_TEXT_MAX,
            },
        ));
    }
    Ok(text)
}

/// One evidence item cited by a block, as its card shows it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CitedCard {
    pub key: String,
    pub kind: String,
    pub country: String,
    pub collected_on: String,
    pub consent: String,
    pub visibility: String,
    pub stance: Stance,
    pub locator: String,
}

/// A block as the workspace shows it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BlockView {
    pub id: String,
    pub kind: BlockKind,
    /// Nothing written yet (the Markdown itself is not sent: the editor page loads it).
    pub empty: bool,
    /// Rendered and sanitised, citations turned into links.
    pub html: String,
    pub rev: i64,
    /// R1, R2, … for recommendations.
    pub number: Option<u32>,
    pub author: String,
    pub updated_at: String,
    pub cited: Vec<CitedCard>,
    pub warnings: Vec<Warning>,
}

/// A whole draft checked and rendered: every block, the coverage counts and the headings the
/// parts are named by. The workspace shows one part of it; the server keeps it between
/// requests until the draft changes.
#[derive(Debug, Clone, PartialEq)]
pub struct Assembled {
    pub blocks: Vec<BlockView>,
    /// Blocks that need evidence and have it.
    pub supported: usize,
    /// Blocks that need evidence.
    pub needing: usize,
    /// The heading blocks: (index, short plain label).
    pub headings: Vec<(usize, String)>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(SurrealValue))]
pub struct PresenceView {
    pub member_id: String,
    pub name: String,
    /// The block being edited, if any.
    pub block: String,
}

/// The draft workspace of a paper.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Workspace {
    pub id: String,
    pub slug: String,
    pub title: String,
    pub summary_html: String,
    pub status: String,
    /// The blocks of the part shown (all of them when the paper fits in one part).
    pub blocks: Vec<BlockView>,
    /// Index of the first block shown.
    pub first: usize,
    /// How many blocks the paper has.
    pub total: usize,
    /// The block just before the part shown ("" at the top), where a block dropped above the
    /// first one goes after.
    pub before: String,
    /// The paper's parts when it is too long for one (see [`PART_SIZE`]).
    pub parts: Vec<PartLink>,
    pub supported: usize,
    pub needing_support: usize,
    /// May the viewer edit (an editor of the network)?
    pub can_edit: bool,
    pub presence: Vec<PresenceView>,
}

/// A paper in the index.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PaperSummary {
    pub slug: String,
    pub title: String,
    pub status: String,
    /// The latest published version's number (None before the first).
    pub published: Option<u32>,
    pub blocks: usize,
    pub supported: usize,
    pub needing_support: usize,
    pub updated_at: String,
}

/// A saved version of a block's text.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(SurrealValue))]
pub struct RevisionView {
    pub rev: i64,
    pub kind: String,
    pub text: String,
    pub author: String,
    pub at: String,
}

/// A change to a draft, as sent live to everyone viewing it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PaperEvent {
    pub id: String,
    pub paper: String,
    /// `saved`, `added`, `moved`, `deleted`, `restored`, `presence`, `editors`,
    /// `consultation`; `comment` (posted, replied, edited, resolved, reopened, hidden),
    /// `amendment` (proposed, voted on, rejected, withdrawn; an accepted one also saves) and
    /// `vote` (cast or changed, on the block or `paper`; who voted is not said).
    pub kind: String,
    pub block: String,
    pub rev: i64,
    pub member: String,
    pub member_name: String,
}

impl PaperEvent {
    /// Does this change what the draft's blocks show? Presence, comments, amendments and
    /// votes are beside the blocks: the rendered draft stays as it is.
    pub fn changes_blocks(&self) -> bool {
        !matches!(
            self.kind.as_str(),
            "presence" | "comment" | "amendment" | "vote"
        )
    }

    /// May this change the margin's counts of open comment threads? A comment changed, or a
    /// block (a deleted block's threads are not counted); a heartbeat or a vote never.
    pub fn changes_open_comments(&self) -> bool {
        !matches!(self.kind.as_str(), "presence" | "vote")
    }
}

/// A word diff between two texts: unchanged, removed and inserted runs.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum DiffPart {
    Same(String),
    Removed(String),
    Added(String),
}

/// How many blocks the workspace shows at once. Longer papers are worked on in parts, so a
/// page stays quick to load and to render however long the paper grows.
pub const PART_SIZE: usize = 100;

/// The first block shown of a paper of `total` blocks: the part holding block `at` when it is
/// given (an index), else the part starting at or before `from`; always a part's start.
pub fn part_start(total: usize, from: usize, at: Option<usize>) -> usize {
    if total == 0 {
        return 0;
    }
    let wanted = at.unwrap_or(from).min(total - 1);
    wanted / PART_SIZE * PART_SIZE
}

/// One part of a long paper, for moving between parts.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PartLink {
    /// Index of its first block (0-based).
    pub from: usize,
    /// Index after its last block.
    pub to: usize,
    /// The first heading in it, if any, as plain text.
    pub heading: String,
}

/// The parts of a paper of `total` blocks (none when it fits in one), labelled with their
/// first heading; `headings` are (index, text) in order.
pub fn parts(total: usize, headings: &[(usize, String)]) -> Vec<PartLink> {
    if total <= PART_SIZE {
        return Vec::new();
    }
    (0..total)
        .step_by(PART_SIZE)
        .map(|from| {
            let to = (from + PART_SIZE).min(total);
            let heading = headings
                .iter()
                .find(|(i, _)| (from..to).contains(i))
                .map(|(_, text)| text.clone())
                .unwrap_or_default();
            PartLink { from, to, heading }
        })
        .collect()
}

/// A heading block's text as a short plain label: its first line without the Markdown marks,
/// cut at `HEADING_LABEL_MAX` characters.
pub fn heading_label(text: &str) -> String {
    let line = text.lines().find(|l| !l.trim().is_empty()).unwrap_or("");
    let plain: String = line
        .trim()
        .trim_start_matches('#')
        .chars()
        .filter(|c| !matches!(c, '*' | '_' | '`'))
        .collect();
    let plain = plain.trim();
    if plain.chars().count() <= HEADING_LABEL_MAX {
        return plain.to_string();
    }
    let cut: String = plain.chars().take(HEADING_LABEL_MAX - 1).collect();
    format!("{}…", cut.trim_end())
}

pub const HEADING_LABEL_MAX: usize = 60;

/// Where a block is in the workspace: its part, found from its id, then the block itself.
pub fn draft_block_href(slug: &str, block: &str) -> String {
    format!("/papers/{slug}/draft?at={block}#block-{block}")
}

/// A block's discussion page: its comment threads and its amendments.
pub fn discussion_href(slug: &str, block: &str) -> String {
    format!("/papers/{slug}/draft/blocks/{block}/discussion")
}

/// Does a paper in this stored status take changes (blocks, editors, imports)? One closed as
/// `published` does not. Publishing a version leaves the status a draft: what readers cite
/// is the version, which never changes, and drafting goes on towards the next one.
pub fn takes_changes(status: &str) -> bool {
    status != "published"
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_published_paper_takes_no_changes() {
        for (status, takes) in [
            ("draft", true),
            ("consultation", true),
            ("archived", true),
            ("published", false),
        ] {
            assert_eq!(takes_changes(status), takes, "{status}");
        }
    }

    #[test]
    fn slugs() {
        let table = [
            ("Youth work & inclusion (2024)", "youth-work-inclusion-2024"),
            ("  Égalité des chances ", "egalite-des-chances"),
            ("Łódź – Kraków", "lodz-krakow"),
            ("!!!", ""),
        ];
        for (title, slug) in table {
            assert_eq!(slugify(title), slug, "{title}");
        }
        assert_eq!(slugify(&"word ".repeat(40)).len(), 79);
        assert!(normalise_slug("ok-slug").is_ok());
        let refused = |p| Err(AppError::invalid("slug", p));
        assert_eq!(normalise_slug("-bad"), refused(Problem::KeyCharacters));
        assert_eq!(normalise_slug("has space"), refused(Problem::KeyCharacters));
        assert_eq!(
            normalise_slug("ab"),
            refused(Problem::TooShort { min: SLUG_MIN })
        );
    }

    #[test]
    fn paper_input() {
        let fields = PaperInput {
            title: " Inclusive  volunteering ".into(),
            ..Default::default()
        }
        .validate()
        .unwrap();
        assert_eq!(fields.title, "Inclusive volunteering");
        assert_eq!(fields.slug, "inclusive-volunteering");
        let error = PaperInput {
            title: String::new(),
            slug: "x".into(),
            summary: String::new(),
        }
        .validate()
        .unwrap_err();
        let fields: Vec<&str> = error.field_problems().iter().map(|(f, _)| *f).collect();
        assert_eq!(fields, ["title", "slug"]);
    }

    #[test]
    fn block_texts() {
        assert_eq!(clean_block_text("a\r\nb \u{0} \n\n").unwrap(), "a\nb");
        assert_eq!(clean_block_text("").unwrap(), "");
        assert_eq!(
            clean_block_text(&"x".repeat(BLOCK_TEXT_MAX + 1)),
            Err(AppError::invalid(
                "text",
                Problem::TooLong {
                    max: BLOCK_TEXT_MAX
                }
            ))
        );
        assert!(clean_block_text(&"é".repeat(BLOCK_TEXT_MAX)).is_ok());
    }

    #[test]
    fn parts_of_a_long_paper() {
        // (total, from, at) -> first block shown
        let table = [
            (0, 0, None, 0),
            (50, 0, None, 0),
            (50, 70, None, 0),
            (250, 0, Some(180), 100),
            (250, 150, None, 100),
            (250, 999, None, 200),
            (250, 0, Some(249), 200),
            (250, 0, Some(100), 100),
            (250, 0, Some(99), 0),
            (200, 200, None, 100),
        ];
        for (total, from, at, start) in table {
            assert_eq!(part_start(total, from, at), start, "{total} {from} {at:?}");
        }
        assert!(parts(PART_SIZE, &[]).is_empty());
        let headings = vec![
            (0, "Intro".to_string()),
            (30, "Findings".into()),
            (230, "Asks".into()),
        ];
        let list = parts(250, &headings);
        let spans: Vec<(usize, usize, &str)> = list
            .iter()
            .map(|p| (p.from, p.to, p.heading.as_str()))
            .collect();
        assert_eq!(
            spans,
            [(0, 100, "Intro"), (100, 200, ""), (200, 250, "Asks")]
        );
    }

    #[test]
    fn heading_labels() {
        assert_eq!(
            heading_label("## Why *this* matters\nmore"),
            "Why this matters"
        );
        assert_eq!(heading_label("\n\n# Title"), "Title");
        assert_eq!(heading_label(""), "");
        let long = heading_label(&"é".repeat(200));
        assert_eq!(long.chars().count(), HEADING_LABEL_MAX);
        assert!(long.ends_with('…'));
        assert_eq!(
            draft_block_href("p", "b1"),
            "/papers/p/draft?at=b1#block-b1"
        );
    }

    fn event(kind: &str) -> PaperEvent {
        PaperEvent {
            id: String::new(),
            paper: "p".into(),
            kind: kind.into(),
            block: String::new(),
            rev: 0,
            member: String::new(),
            member_name: String::new(),
        }
    }

    #[test]
    fn only_changes_to_blocks_make_the_draft_render_again() {
        for kind in ["saved", "added", "moved", "deleted", "restored", "editors"] {
            assert!(event(kind).changes_blocks(), "{kind}");
        }
        for kind in ["presence", "comment", "amendment", "vote"] {
            assert!(!event(kind).changes_blocks(), "{kind}");
        }
    }

    #[test]
    fn comments_and_blocks_change_the_open_counts_and_heartbeats_and_votes_do_not() {
        for kind in ["comment", "deleted", "restored", "saved", "amendment"] {
            assert!(event(kind).changes_open_comments(), "{kind}");
        }
        for kind in ["presence", "vote"] {
            assert!(!event(kind).changes_open_comments(), "{kind}");
        }
    }
}
