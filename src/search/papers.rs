//! Published papers in the search engine: the latest version of each paper, one document per
//! block (its text as readers see it) and one for its title. A version never changes, so a
//! paper is indexed again only when a new version of it is published; the publishing
//! transaction writes a search feed row naming the paper, which every instance follows.
//!
//! The text is analysed by every language's analyser, as the words of a query are: a paper
//! carries no language of its own, and a network may write in any of them.
use super::analysis;
use super::index::{analysed, analysed_text, engine_error, in_memory};
use super::query::{self, mark_matches};
use crate::domain::front::PassageHit;
use crate::domain::versions::VersionContent;
use crate::error::AppError;
use std::sync::Mutex;
use tantivy::collector::TopDocs;
use tantivy::schema::{Field, STORED, STRING, Schema, TantivyDocument, Value};
use tantivy::tokenizer::TokenizerManager;
use tantivy::{IndexReader, IndexWriter, Term};

/// tantivy's smallest writer budget: published papers are few.
const WRITER_MEMORY: usize = 15_000_000;

#[derive(Clone, Copy)]
struct PaperFields {
    /// The paper's record id: what a new version replaces.
    paper: Field,
    slug: Field,
    title: Field,
    number: Field,
    /// The block's id; empty for the title's document.
    block: Field,
    /// The passage as read, folded (and stored, for its excerpt).
    plain: Field,
    stemmed: [Field; analysis::STEMMED.len()],
}

impl PaperFields {
    fn analysed(&self) -> Vec<(String, Field)> {
        analysed(&self.stemmed, self.plain)
    }
}

fn schema() -> (Schema, PaperFields) {
    let mut builder = Schema::builder();
    let text = analysed_text;
    let fields = PaperFields {
        paper: builder.add_text_field("paper", STRING),
        slug: builder.add_text_field("slug", STORED),
        title: builder.add_text_field("title", STORED),
        number: builder.add_u64_field("number", STORED),
        block: builder.add_text_field("block", STORED),
        plain: builder.add_text_field("text", text(analysis::PLAIN) | STORED),
        stemmed: analysis::STEMMED.map(|(code, _)| {
            let name = analysis::analyser_for(code);
            builder.add_text_field(&format!("text_{code}"), text(&name))
        }),
    };
    (builder.build(), fields)
}

/// A paper's latest version, as indexed.
#[derive(Debug, Clone)]
pub struct PublishedText {
    pub paper: String,
    pub slug: String,
    pub title: String,
    pub number: u32,
    /// (block id, text as read), in the paper's order.
    pub blocks: Vec<(String, String)>,
}

impl PublishedText {
    /// What a version's content gives the index: each block's text as readers see it
    /// (Markdown's marks gone, citations as their keys).
    pub fn of(paper: &str, slug: &str, content: &VersionContent) -> PublishedText {
        PublishedText {
            paper: paper.to_string(),
            slug: slug.to_string(),
            title: content.title.clone(),
            number: content.number,
            blocks: content
                .blocks
                .iter()
                .map(|b| {
                    (
                        b.id.clone(),
                        crate::markdown::reading_text(&b.text, |_| true, ""),
                    )
                })
                .filter(|(_, text)| !text.trim().is_empty())
                .collect(),
        }
    }
}

pub(super) struct PaperIndex {
    fields: PaperFields,
    reader: IndexReader,
    writer: Mutex<IndexWriter>,
}

impl PaperIndex {
    pub(super) fn new(analysers: &TokenizerManager) -> Result<PaperIndex, AppError> {
        let (schema, fields) = schema();
        let (writer, reader) = in_memory(schema, analysers, WRITER_MEMORY)?;
        Ok(PaperIndex {
            fields,
            reader,
            writer: Mutex::new(writer),
        })
    }

    /// Puts these papers' latest versions in place of what was indexed of them, and makes
    /// them searchable. Blocking: call it off the async threads.
    pub(super) fn replace(&self, papers: Vec<PublishedText>) -> Result<(), AppError> {
        let mut writer = self.writer.lock().unwrap_or_else(|e| e.into_inner());
        let f = self.fields;
        for paper in papers {
            writer.delete_term(Term::from_field_text(f.paper, &paper.paper));
            let passages =
                std::iter::once((String::new(), paper.title.clone())).chain(paper.blocks);
            for (block, text) in passages {
                let mut doc = TantivyDocument::default();
                doc.add_text(f.paper, &paper.paper);
                doc.add_text(f.slug, &paper.slug);
                doc.add_text(f.title, &paper.title);
                doc.add_u64(f.number, u64::from(paper.number));
                doc.add_text(f.block, &block);
                doc.add_text(f.plain, &text);
                for field in f.stemmed {
                    doc.add_text(field, &text);
                }
                writer
                    .add_document(doc)
                    .map_err(|e| engine_error("index a published paper", e))?;
            }
        }
        writer
            .commit()
            .map_err(|e| engine_error("commit the papers index", e))?;
        self.reader
            .reload()
            .map_err(|e| engine_error("reload the papers index", e))
    }

    /// The `limit` best passages for `q`, in rank order, their matched words marked.
    pub(super) fn search(
        &self,
        analysers: &TokenizerManager,
        q: &str,
        limit: usize,
    ) -> Result<Vec<PassageHit>, AppError> {
        let f = self.fields;
        let analysed = f.analysed();
        let Some(query) = query::words(&analysed, f.plain, analysers, q.trim()) else {
            return Ok(Vec::new());
        };
        let searcher = self.reader.searcher();
        let top = searcher
            .search(&query, &TopDocs::with_limit(limit.max(1)).order_by_score())
            .map_err(|e| engine_error("search published papers", e))?;
        let names: Vec<String> = analysed.into_iter().map(|(name, _)| name).collect();
        let mut hits = Vec::with_capacity(top.len());
        for (_, address) in top {
            let doc: TantivyDocument = searcher
                .doc(address)
                .map_err(|e| engine_error("read a published passage", e))?;
            let text = |field| {
                doc.get_first(field)
                    .and_then(|v| v.as_str())
                    .unwrap_or_default()
                    .to_string()
            };
            let number = doc
                .get_first(f.number)
                .and_then(|v| v.as_u64())
                .and_then(|n| u32::try_from(n).ok())
                .unwrap_or_default();
            hits.push(PassageHit {
                slug: text(f.slug),
                title: text(f.title),
                number,
                block: text(f.block),
                marked: mark_matches(analysers, &text(f.plain), &names, q),
            });
        }
        Ok(hits)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::evidence_views::{MARK_CLOSE, MARK_OPEN};

    fn paper(id: &str, number: u32, blocks: &[(&str, &str)]) -> PublishedText {
        PublishedText {
            paper: id.into(),
            slug: format!("{id}-slug"),
            title: format!("Paper {id}"),
            number,
            blocks: blocks
                .iter()
                .map(|(b, t)| (b.to_string(), t.to_string()))
                .collect(),
        }
    }

    fn index_with(papers: Vec<PublishedText>) -> (PaperIndex, TokenizerManager) {
        let analysers = analysis::analysers();
        let index = PaperIndex::new(&analysers).unwrap();
        index.replace(papers).unwrap();
        (index, analysers)
    }

    #[test]
    fn a_word_is_found_in_its_forms_and_marked() {
        let (index, analysers) = index_with(vec![paper(
            "p1",
            1,
            &[("b1", "Member states should fund volunteering schemes.")],
        )]);
        let hits = index.search(&analysers, "volunteer scheme", 10).unwrap();
        assert_eq!(hits.len(), 1);
        assert_eq!(hits[0].block, "b1");
        assert_eq!(hits[0].slug, "p1-slug");
        assert!(
            hits[0]
                .marked
                .contains(&format!("{MARK_OPEN}volunteering{MARK_CLOSE}"))
        );
        assert!(index.search(&analysers, "climate", 10).unwrap().is_empty());
    }

    #[test]
    fn french_text_is_found_with_or_without_accents() {
        let (index, analysers) = index_with(vec![paper(
            "p1",
            1,
            &[("b1", "Les bénévoles du programme européen.")],
        )]);
        assert_eq!(index.search(&analysers, "benevole", 10).unwrap().len(), 1);
        assert_eq!(index.search(&analysers, "européens", 10).unwrap().len(), 1);
    }

    #[test]
    fn a_new_version_replaces_the_old_one() {
        let (index, analysers) = index_with(vec![paper("p1", 1, &[("b1", "Old wording.")])]);
        index
            .replace(vec![paper("p1", 2, &[("b1", "New wording.")])])
            .unwrap();
        assert!(index.search(&analysers, "old", 10).unwrap().is_empty());
        let hits = index.search(&analysers, "wording", 10).unwrap();
        assert_eq!(hits.len(), 1);
        assert_eq!(hits[0].number, 2);
    }

    #[test]
    fn the_title_is_a_passage_without_a_block() {
        let (index, analysers) = index_with(vec![paper("p1", 1, &[("b1", "Body text.")])]);
        let hits = index.search(&analysers, "paper", 10).unwrap();
        assert_eq!(hits.len(), 1);
        assert_eq!(hits[0].block, "");
        assert_eq!(hits[0].title, "Paper p1");
    }

    #[test]
    fn every_word_is_required_and_a_phrase_keeps_its_order() {
        let (index, analysers) = index_with(vec![paper(
            "p1",
            1,
            &[("b1", "Youth work camps."), ("b2", "Camps for work.")],
        )]);
        assert_eq!(index.search(&analysers, "work camps", 10).unwrap().len(), 2);
        let phrase = index.search(&analysers, "\"work camps\"", 10).unwrap();
        assert_eq!(phrase.len(), 1);
        assert_eq!(phrase[0].block, "b1");
        assert!(
            index
                .search(&analysers, "work youth missing", 10)
                .unwrap()
                .is_empty()
        );
    }

    #[test]
    fn input_that_makes_no_term_finds_nothing_without_failing() {
        let (index, analysers) = index_with(vec![paper("p1", 1, &[("b1", "Text.")])]);
        for q in ["", "   ", "\"\"", "*:()-", "AND OR NOT"] {
            assert!(index.search(&analysers, q, 10).is_ok(), "{q}");
        }
        assert!(index.search(&analysers, "*:()-", 10).unwrap().is_empty());
    }
}
