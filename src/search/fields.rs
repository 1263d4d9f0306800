//! The evidence index's fields: the schema findings are indexed by.
use super::analysis;
use super::index::{analysed, analysed_text};
use tantivy::schema::{FAST, Field, STORED, STRING, Schema};

/// The index's fields.
#[derive(Clone, Copy)]
pub struct Fields {
    pub(super) id: Field,
    pub(crate) key: Field,
    /// Every finding's text, folded, not stemmed.
    pub(crate) plain: Field,
    /// The text again in its own language's field (stemmed), when that language has one.
    pub(super) stemmed: [Field; analysis::STEMMED.len()],
    pub(crate) kind: Field,
    pub(crate) country: Field,
    pub(crate) region: Field,
    pub(crate) assessment: Field,
    pub(crate) tags: Field,
    pub(crate) consent: Field,
    pub(crate) visibility: Field,
    /// When the finding was collected (`YYYYMMDD`), and its key as typed: the library's
    /// order without search words, newest first, then by key.
    pub(super) collected: Field,
    pub(super) key_order: Field,
}

/// The fast fields the library lists by.
pub(super) const COLLECTED: &str = "collected";
pub(super) const KEY_ORDER: &str = "key_order";

impl Fields {
    /// Every field the words of a query are looked for in, with its analyser's name.
    pub(crate) fn analysed(&self) -> Vec<(String, Field)> {
        analysed(&self.stemmed, self.plain)
    }

    pub(super) fn stemmed_for(&self, language: &str) -> Option<Field> {
        let code = analysis::stemmed_language(language)?;
        analysis::STEMMED
            .iter()
            .position(|(c, _)| *c == code)
            .map(|at| self.stemmed[at])
    }
}

pub(super) fn schema() -> (Schema, Fields) {
    let mut builder = Schema::builder();
    let text = analysed_text;
    let id = builder.add_text_field("id", STRING | STORED);
    let key = builder.add_text_field("key", text(analysis::KEY));
    let plain = builder.add_text_field("text", text(analysis::PLAIN));
    let stemmed = analysis::STEMMED.map(|(code, _)| {
        let name = analysis::analyser_for(code);
        builder.add_text_field(&format!("text_{code}"), text(&name))
    });
    let fields = Fields {
        id,
        key,
        plain,
        stemmed,
        kind: builder.add_text_field("kind", STRING),
        // Fast too: the library's filter values and counts are aggregated over them.
        country: builder.add_text_field("country", STRING | FAST),
        region: builder.add_text_field("region", STRING | FAST),
        assessment: builder.add_text_field("assessment", STRING | FAST),
        tags: builder.add_text_field("tags", STRING | FAST),
        consent: builder.add_text_field("consent", STRING),
        visibility: builder.add_text_field("visibility", STRING),
        collected: builder.add_i64_field(COLLECTED, FAST),
        key_order: builder.add_text_field(KEY_ORDER, FAST),
    };
    (builder.build(), fields)
}
