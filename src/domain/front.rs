//! The front door's shapes: the published papers, and what a search of their published
//! text found, grouped by paper.
use crate::domain::evidence_views::{Segment, segments};
use serde::{Deserialize, Serialize};

/// How many passages of one paper a search result shows; the others are counted.
pub const PASSAGES_SHOWN: usize = 3;
/// A passage's excerpt, in characters, around its first match.
pub const PASSAGE_CHARS: usize = 280;
/// A published paper's lead on the front page, in characters.
pub const LEAD_CHARS: usize = 320;

/// A published paper as the front page lists it: its latest version.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PublishedCard {
    pub slug: String,
    pub title: String,
    /// The start of the version's first paragraph, as read (the paper's summary belongs to
    /// its draft, which readers do not see).
    pub lead: String,
    pub number: u32,
    /// RFC 3339, UTC.
    pub published_at: String,
}

/// A passage of a paper's latest version that matched a search, in rank order: one of its
/// blocks, or its title (`block` empty). `marked` is the passage's text with the matched
/// words between `MARK_OPEN` and `MARK_CLOSE`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PassageHit {
    pub slug: String,
    pub title: String,
    pub number: u32,
    pub block: String,
    pub marked: String,
}

/// A matched passage as shown: the block it links to and its excerpt.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PassageView {
    pub block: String,
    pub segments: Vec<Segment>,
}

/// A paper a search found, with its best passages and how many more matched.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PaperMatch {
    pub slug: String,
    pub title: String,
    pub number: u32,
    pub passages: Vec<PassageView>,
    pub more: usize,
}

/// The front page: every published paper, and the papers a search found (None without
/// search words).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FrontView {
    pub papers: Vec<PublishedCard>,
    pub matches: Option<Vec<PaperMatch>>,
}

/// Hits in rank order, as papers in the order of their best hit. A title hit ranks its paper
/// but is not repeated as a passage (the title is the result's heading).
pub fn group(hits: Vec<PassageHit>) -> Vec<PaperMatch> {
    let mut out: Vec<PaperMatch> = Vec::new();
    for hit in hits {
        let at = match out.iter().position(|m| m.slug == hit.slug) {
            Some(at) => at,
            None => {
                out.push(PaperMatch {
                    slug: hit.slug.clone(),
                    title: hit.title.clone(),
                    number: hit.number,
                    passages: Vec::new(),
                    more: 0,
                });
                out.len() - 1
            }
        };
        if hit.block.is_empty() {
            continue;
        }
        let paper = &mut out[at];
        if paper.passages.len() < PASSAGES_SHOWN {
            paper.passages.push(PassageView {
                block: hit.block,
                segments: segments(&hit.marked, PASSAGE_CHARS),
            });
        } else {
            paper.more += 1;
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::evidence_views::{MARK_CLOSE, MARK_OPEN};

    fn hit(slug: &str, block: &str, text: &str) -> PassageHit {
        PassageHit {
            slug: slug.into(),
            title: format!("Title of {slug}"),
            number: 2,
            block: block.into(),
            marked: text.into(),
        }
    }

    #[test]
    fn papers_come_in_the_order_of_their_best_passage() {
        let grouped = group(vec![
            hit("b", "b1", "one"),
            hit("a", "a1", "two"),
            hit("b", "b2", "three"),
        ]);
        let slugs: Vec<&str> = grouped.iter().map(|m| m.slug.as_str()).collect();
        assert_eq!(slugs, ["b", "a"]);
        let blocks: Vec<&str> = grouped[0]
            .passages
            .iter()
            .map(|p| p.block.as_str())
            .collect();
        assert_eq!(blocks, ["b1", "b2"]);
        assert_eq!(grouped[0].number, 2);
        assert_eq!(grouped[0].title, "Title of b");
    }

    #[test]
    fn a_paper_shows_its_first_passages_and_counts_the_rest() {
        let hits = (0..PASSAGES_SHOWN + 4)
            .map(|i| hit("a", &format!("block-{i}"), "text"))
            .collect();
        let grouped = group(hits);
        assert_eq!(grouped.len(), 1);
        assert_eq!(grouped[0].passages.len(), PASSAGES_SHOWN);
        assert_eq!(grouped[0].passages[0].block, "block-0");
        assert_eq!(grouped[0].more, 4);
    }

    #[test]
    fn a_title_hit_ranks_its_paper_without_becoming_a_passage() {
        let grouped = group(vec![hit("a", "", "Title"), hit("a", "a1", "body")]);
        assert_eq!(grouped.len(), 1);
        assert_eq!(grouped[0].passages.len(), 1);
        assert_eq!(grouped[0].passages[0].block, "a1");
        assert_eq!(grouped[0].more, 0);
    }

    #[test]
    fn matched_words_become_marked_segments() {
        let grouped = group(vec![hit(
            "a",
            "a1",
            &format!("Support {MARK_OPEN}volunteers{MARK_CLOSE} now."),
        )]);
        let segments = &grouped[0].passages[0].segments;
        assert!(segments.iter().any(|s| s.matched && s.text == "volunteers"));
        assert!(
            segments
                .iter()
                .any(|s| !s.matched && s.text.contains("Support"))
        );
    }

    #[test]
    fn no_hits_make_no_papers() {
        assert!(group(Vec::new()).is_empty());
    }
}
