//! What the evidence library shows: shapes shared by the server and the browser, and the
//! pure pieces of presenting them (snippets, filter bounds).
use crate::error::{AppError, Problem};
use serde::{Deserialize, Serialize};
#[cfg(feature = "ssr")]
use surrealdb::types::SurrealValue;

pub const PAGE_SIZE: u32 = 25;
/// Highlight markers: control characters never survive input cleaning, so they cannot
/// collide with what people typed.
pub const MARK_OPEN: &str = "\u{1}";
pub const MARK_CLOSE: &str = "\u{2}";
pub const QUERY_MAX: usize = 200;
const FILTER_VALUE_MAX: usize = 100;
const PAGE_MAX: u32 = 10_000;

/// What the library list can be narrowed by. Empty strings mean "any".
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct EvidenceFilter {
    pub q: String,
    pub kind: String,
    pub country: String,
    pub region: String,
    pub assessment: String,
    pub tag: String,
    pub consent: String,
    pub visibility: String,
    pub page: u32,
}

/// A piece of a search snippet; `matched` pieces are the words that matched the query.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Segment {
    pub text: String,
    pub matched: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EvidenceListing {
    pub key: String,
    pub kind: String,
    pub swot_quadrant: Option<String>,
    pub snippet: Vec<Segment>,
    pub value: Option<f64>,
    pub unit: String,
    pub country: String,
    pub region: String,
    pub collected_on: String,
    pub consent: String,
    pub visibility: String,
    pub tags: Vec<String>,
    pub assessment_id: String,
    pub assessment: String,
}

/// Results are counted up to this many (beyond, "more than 1,000").
pub const COUNT_CAP: u64 = 1_000;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EvidencePage {
    /// Matches counted up to `COUNT_CAP + 1`: above the cap the UI says "more than".
    pub items: Vec<EvidenceListing>,
    pub total: u64,
    pub page: u32,
    pub pages: u32,
}

impl EvidenceFilter {
    /// The filter's fields by name (the names of the query string and of the query
    /// variables).
    pub fn fields(&self) -> [(&'static str, &String); 8] {
        [
            ("q", &self.q),
            ("kind", &self.kind),
            ("country", &self.country),
            ("region", &self.region),
            ("assessment", &self.assessment),
            ("tag", &self.tag),
            ("consent", &self.consent),
            ("visibility", &self.visibility),
        ]
    }

    /// Refuses filters no form would send (a 10 kB search, page 1e9).
    pub fn bounded(mut self) -> Result<Self, AppError> {
        if self.q.chars().count() > QUERY_MAX {
            return Err(AppError::invalid("q", Problem::TooLong { max: QUERY_MAX }));
        }
        for (field, value) in self.fields() {
            if field != "q" && value.chars().count() > FILTER_VALUE_MAX {
                return Err(AppError::invalid(
                    field,
                    Problem::TooLong {
                        max: FILTER_VALUE_MAX,
                    },
                ));
            }
        }
        self.page = self.page.clamp(1, PAGE_MAX);
        Ok(self)
    }

    /// The filter as a query string for links (pagination keeps the filters).
    pub fn to_query(&self, page: u32) -> String {
        let mut out = form_urlencoded::Serializer::new(String::new());
        for (k, v) in self.fields() {
            if !v.is_empty() {
                out.append_pair(k, v);
            }
        }
        if page > 1 {
            out.append_pair("page", &page.to_string());
        }
        out.finish()
    }
}

/// A filtered list's order, best match or newest first, as the search engine ranks or lists
/// them: the findings of one stretch of it (a page's, from the engine; all of them, from the
/// database while the index is built) and how many there are in all, counted up to
/// `COUNT_CAP + 1` ("more than 1,000" beyond). Each page then reads only its own findings.
/// Server-only: it holds the findings' record ids.
#[cfg(feature = "ssr")]
#[derive(Debug, Clone, Default)]
pub struct Ranked {
    /// The findings from position `first` of the order on.
    pub ids: Vec<surrealdb::types::RecordId>,
    pub first: usize,
    pub total: u64,
}

#[cfg(feature = "ssr")]
impl Ranked {
    /// The whole order (at most `COUNT_CAP + 1` findings).
    pub fn whole(ids: Vec<surrealdb::types::RecordId>) -> Ranked {
        Ranked {
            total: ids.len() as u64,
            first: 0,
            ids,
        }
    }
}

/// Values the filters can offer, from what the audience can see.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(SurrealValue))]
pub struct Facets {
    pub countries: Vec<String>,
    pub regions: Vec<String>,
    pub tags: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(SurrealValue))]
pub struct EvidenceDetail {
    pub key: String,
    pub kind: String,
    pub swot_quadrant: Option<String>,
    pub text: String,
    pub value: Option<f64>,
    pub unit: String,
    pub sample_size: Option<i64>,
    pub baseline: Option<f64>,
    pub country: String,
    pub region: String,
    pub collected_on: String,
    pub language: String,
    pub tags: Vec<String>,
    pub consent: String,
    pub visibility: String,
    pub assessment_id: String,
    pub assessment: String,
    pub organisation: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(SurrealValue))]
pub struct AssessmentSummary {
    pub id: String,
    pub title: String,
    pub method: String,
    pub period_from: String,
    pub period_to: String,
    pub organisation: String,
    pub items: i64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(SurrealValue))]
pub struct AssessmentDetail {
    pub id: String,
    pub title: String,
    pub programme: String,
    pub method: String,
    pub period_from: String,
    pub period_to: String,
    pub countries: Vec<String>,
    pub summary: String,
    pub link: String,
    pub organisation: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EvidenceItemView {
    pub detail: EvidenceDetail,
    /// Sanitised HTML rendered from the item's Markdown.
    pub text_html: String,
    /// Who changed what and when, newest first (editors only; empty for others).
    pub history: Vec<crate::domain::evidence_history::ChangeEntry>,
    /// The papers and blocks citing it (drafts only for members; published papers for all).
    pub cited_in: Vec<CitedIn>,
}

/// A block that cites an evidence item: its paper and where in it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(SurrealValue))]
pub struct CitedIn {
    pub slug: String,
    pub title: String,
    pub status: String,
    pub block: String,
    pub kind: String,
    pub stance: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AssessmentView {
    pub detail: AssessmentDetail,
    pub summary_html: String,
    pub items: EvidencePage,
}

/// Splits highlighted text into plain and matched pieces, and shortens long texts around
/// the first match so a result list stays readable.
pub fn segments(highlighted: &str, max_chars: usize) -> Vec<Segment> {
    let mut out = Vec::new();
    let mut rest = highlighted;
    while let Some(start) = rest.find(MARK_OPEN) {
        if start > 0 {
            out.push(Segment {
                text: rest[..start].to_string(),
                matched: false,
            });
        }
        let after = &rest[start + MARK_OPEN.len()..];
        let end = after.find(MARK_CLOSE).unwrap_or(after.len());
        out.push(Segment {
            text: after[..end].to_string(),
            matched: true,
        });
        rest = after.get(end + MARK_CLOSE.len()..).unwrap_or("");
    }
    if !rest.is_empty() {
        out.push(Segment {
            text: rest.to_string(),
            matched: false,
        });
    }
    shorten(out, max_chars)
}

fn shorten(segments: Vec<Segment>, max_chars: usize) -> Vec<Segment> {
    let total: usize = segments.iter().map(|s| s.text.chars().count()).sum();
    if total <= max_chars {
        return segments;
    }
    // Start a little before the first match, then keep whole pieces up to the budget.
    let before_first: usize = segments
        .iter()
        .take_while(|s| !s.matched)
        .map(|s| s.text.chars().count())
        .sum();
    let mut skip = before_first.saturating_sub(max_chars / 4);
    let mut budget = max_chars;
    let mut out = Vec::new();
    if skip > 0 {
        out.push(Segment {
            text: "…".into(),
            matched: false,
        });
    }
    for segment in segments {
        let len = segment.text.chars().count();
        if skip >= len {
            skip -= len;
            continue;
        }
        let text: String = segment.text.chars().skip(skip).take(budget).collect();
        skip = 0;
        budget -= text.chars().count();
        out.push(Segment {
            text,
            matched: segment.matched,
        });
        if budget == 0 {
            out.push(Segment {
                text: "…".into(),
                matched: false,
            });
            break;
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn plain(s: &str) -> Segment {
        Segment {
            text: s.into(),
            matched: false,
        }
    }
    fn mark(s: &str) -> Segment {
        Segment {
            text: s.into(),
            matched: true,
        }
    }

    #[test]
    fn highlights_become_segments() {
        let text =
            format!("Young {MARK_OPEN}volunteers{MARK_CLOSE} found {MARK_OPEN}work{MARK_CLOSE}.");
        assert_eq!(
            segments(&text, 500),
            vec![
                plain("Young "),
                mark("volunteers"),
                plain(" found "),
                mark("work"),
                plain(".")
            ]
        );
        assert_eq!(segments("no match", 500), vec![plain("no match")]);
        assert_eq!(segments("", 500), vec![]);
    }

    #[test]
    fn long_texts_are_cut_around_the_first_match() {
        let text = format!(
            "{}{MARK_OPEN}key{MARK_CLOSE}{}",
            "a".repeat(1000),
            "b".repeat(1000)
        );
        let cut = segments(&text, 100);
        let shown: usize = cut.iter().map(|s| s.text.chars().count()).sum();
        assert!(shown <= 104, "{shown}");
        assert!(cut.iter().any(|s| s.matched && s.text == "key"));
        assert_eq!(cut.first().unwrap().text, "…");
        assert_eq!(cut.last().unwrap().text, "…");
    }

    #[test]
    fn filters_are_bounded() {
        assert_eq!(
            EvidenceFilter {
                q: "x".repeat(201),
                ..Default::default()
            }
            .bounded(),
            Err(AppError::invalid("q", Problem::TooLong { max: QUERY_MAX }))
        );
        assert_eq!(
            EvidenceFilter {
                tag: "x".repeat(101),
                ..Default::default()
            }
            .bounded(),
            Err(AppError::invalid(
                "tag",
                Problem::TooLong {
                    max: FILTER_VALUE_MAX
                }
            ))
        );
        assert_eq!(
            EvidenceFilter {
                page: 0,
                ..Default::default()
            }
            .bounded()
            .unwrap()
            .page,
            1
        );
        assert_eq!(
            EvidenceFilter {
                page: u32::MAX,
                ..Default::default()
            }
            .bounded()
            .unwrap()
            .page,
            10_000
        );
    }

    #[test]
    fn filters_become_links() {
        let f = EvidenceFilter {
            q: "young people".into(),
            country: "HU".into(),
            ..Default::default()
        };
        assert_eq!(f.to_query(1), "q=young+people&country=HU");
        assert_eq!(f.to_query(3), "q=young+people&country=HU&page=3");
    }

    /// Reads a query string the way the library page does (form encoding, by field name).
    fn from_query(query: &str) -> EvidenceFilter {
        let mut filter = EvidenceFilter {
            page: 1,
            ..Default::default()
        };
        for (k, v) in form_urlencoded::parse(query.as_bytes()) {
            let v = v.into_owned();
            match k.as_ref() {
                "q" => filter.q = v,
                "kind" => filter.kind = v,
                "country" => filter.country = v,
                "region" => filter.region = v,
                "assessment" => filter.assessment = v,
                "tag" => filter.tag = v,
                "consent" => filter.consent = v,
                "visibility" => filter.visibility = v,
                "page" => filter.page = v.parse().unwrap_or(1),
                _ => {}
            }
        }
        filter
    }

    proptest::proptest! {
        /// Any filter is either refused with a field named, or bounded; a bounded filter's
        /// links (pagination keeps the filters) read back to the same filter and page.
        #[test]
        fn filters_are_bounded_and_survive_their_links(
            q in proptest::prelude::any::<String>(),
            country in "[A-Z&=+% #]{0,4}",
            region in proptest::prelude::any::<String>(),
            tag in "[a-z &=+%#?]{0,12}",
            page in proptest::prelude::any::<u32>(),
        ) {
            let filter = EvidenceFilter { q, country, region, tag, page, ..Default::default() };
            match filter.clone().bounded() {
                Err(AppError::Validation { .. }) => {}
                Err(other) => proptest::prop_assert!(false, "refused as {:?}", other),
                Ok(bounded) => {
                    proptest::prop_assert!((1..=PAGE_MAX).contains(&bounded.page));
                    proptest::prop_assert!(bounded.q.chars().count() <= QUERY_MAX);
                    let link = bounded.to_query(bounded.page);
                    proptest::prop_assert_eq!(from_query(&link), bounded);
                }
            }
        }
    }
}
