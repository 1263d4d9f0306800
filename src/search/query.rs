//! What a reader typed, as a query: words and "quoted phrases", each required, each looked
//! for in every language's analysis of the text; the last word also as the start of a word
//! while typing; the whole input also as a citation key. Filters are clauses that decide
//! what matches without changing the score. Nothing a reader types is query syntax, so no
//! input can make the query fail.
use super::analysis::{self, terms_of};
use super::fields::Fields;
use crate::domain::evidence::Audience;
use crate::domain::evidence_views::{EvidenceFilter, MARK_CLOSE, MARK_OPEN};
use tantivy::Term;
use tantivy::query::{
    BooleanQuery, BoostQuery, ConstScoreQuery, Occur, PhrasePrefixQuery, PhraseQuery, Query,
    TermQuery,
};
use tantivy::schema::{Field, IndexRecordOption};
use tantivy::tokenizer::TokenizerManager;

/// The most words and phrases of a query that count (the form limits queries to 200
/// characters anyway).
const UNITS_MAX: usize = 24;

/// A piece of the query: a word, or a phrase between double quotes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Unit {
    Word(String),
    Phrase(String),
}

/// Splits a query into words and quoted phrases (an unclosed quote runs to the end).
pub fn units(query: &str) -> Vec<Unit> {
    let mut out = Vec::new();
    for (i, part) in query.split('"').enumerate() {
        if i % 2 == 1 {
            if !part.trim().is_empty() {
                out.push(Unit::Phrase(part.trim().to_string()));
            }
        } else {
            out.extend(part.split_whitespace().map(|w| Unit::Word(w.to_string())));
        }
    }
    out.truncate(UNITS_MAX);
    out
}

/// The terms each analysed field makes of the query, for marking matches in a result:
/// (analyser name, terms).
pub fn marked_terms(manager: &TokenizerManager, query: &str) -> Vec<(String, Vec<String>)> {
    let texts: Vec<String> = units(query)
        .into_iter()
        .map(|u| match u {
            Unit::Word(w) | Unit::Phrase(w) => w,
        })
        .collect();
    let mut analysers: Vec<String> = analysis::STEMMED
        .iter()
        .map(|(code, _)| analysis::analyser_for(code))
        .collect();
    analysers.push(analysis::PLAIN.to_string());
    analysers
        .into_iter()
        .map(|name| {
            let mut terms: Vec<String> = texts
                .iter()
                .flat_map(|t| terms_of(manager, &name, t))
                .map(|(term, _, _)| term)
                .collect();
            terms.sort();
            terms.dedup();
            (name, terms)
        })
        .collect()
}

fn term_or_phrase(field: Field, terms: Vec<String>) -> Option<Box<dyn Query>> {
    match terms.len() {
        0 => None,
        1 => Some(Box::new(TermQuery::new(
            Term::from_field_text(field, &terms[0]),
            IndexRecordOption::WithFreqs,
        ))),
        _ => Some(Box::new(PhraseQuery::new(
            terms
                .iter()
                .map(|t| Term::from_field_text(field, t))
                .collect(),
        ))),
    }
}

fn only(field: Field, value: &str) -> Box<dyn Query> {
    Box::new(ConstScoreQuery::new(
        Box::new(TermQuery::new(
            Term::from_field_text(field, value),
            IndexRecordOption::Basic,
        )),
        0.0,
    ))
}

/// Every word and phrase of `q` required, each in any of the `analysed` fields (as that
/// field's analyser makes terms of it); the last word also as the start of a word in `plain`,
/// scored below a whole word. `None` when the words make no term.
pub(crate) fn words(
    analysed: &[(String, Field)],
    plain: Field,
    manager: &TokenizerManager,
    q: &str,
) -> Option<Box<dyn Query>> {
    let units = units(q);
    let mut required: Vec<(Occur, Box<dyn Query>)> = Vec::new();
    let last = units.len().saturating_sub(1);
    for (i, unit) in units.iter().enumerate() {
        let text = match unit {
            Unit::Word(w) | Unit::Phrase(w) => w.as_str(),
        };
        let mut any_field: Vec<(Occur, Box<dyn Query>)> = Vec::new();
        for (name, field) in analysed {
            let terms: Vec<String> = terms_of(manager, name, text)
                .into_iter()
                .map(|(t, _, _)| t)
                .collect();
            if let Some(query) = term_or_phrase(*field, terms) {
                any_field.push((Occur::Should, query));
            }
        }
        // The word being typed: any word it begins (scored below a whole word).
        if i == last
            && let Unit::Word(word) = unit
        {
            let prefix: Vec<String> = terms_of(manager, analysis::PLAIN, word)
                .into_iter()
                .map(|(t, _, _)| t)
                .collect();
            if prefix.len() == 1 && prefix[0].chars().count() >= 2 {
                let query = PhrasePrefixQuery::new(vec![Term::from_field_text(plain, &prefix[0])]);
                any_field.push((
                    Occur::Should,
                    Box::new(BoostQuery::new(Box::new(query), 0.2)),
                ));
            }
        }
        if !any_field.is_empty() {
            required.push((Occur::Must, Box::new(BooleanQuery::new(any_field))));
        }
    }
    if required.is_empty() {
        return None;
    }
    Some(Box::new(BooleanQuery::new(required)))
}

/// The query for a filter's search words and its filters, for an audience. `None` when the
/// filter has no search words (the library then lists by date: [`scoped`]) or the words make
/// no term at all.
pub fn build(
    fields: &Fields,
    manager: &TokenizerManager,
    filter: &EvidenceFilter,
    audience: Audience,
) -> Option<Box<dyn Query>> {
    let q = filter.q.trim();
    let words = words(&fields.analysed(), fields.plain, manager, q)?;
    // A citation key typed whole (or its beginning) finds that finding first.
    let key = q.to_lowercase();
    let mut matches: Vec<(Occur, Box<dyn Query>)> = vec![(Occur::Should, words)];
    if !key.is_empty() && !key.contains(char::is_whitespace) && key.len() <= 64 {
        matches.push((
            Occur::Should,
            Box::new(BoostQuery::new(
                Box::new(TermQuery::new(
                    Term::from_field_text(fields.key, &key),
                    IndexRecordOption::Basic,
                )),
                20.0,
            )),
        ));
        matches.push((
            Occur::Should,
            Box::new(BoostQuery::new(
                Box::new(PhrasePrefixQuery::new(vec![Term::from_field_text(
                    fields.key, &key,
                )])),
                5.0,
            )),
        ));
    }
    Some(scoped(
        fields,
        filter,
        audience,
        Box::new(BooleanQuery::new(matches)),
    ))
}

/// `matches` narrowed to what the audience may see and the filter's values, which decide
/// what matches without changing its score.
pub fn scoped(
    fields: &Fields,
    filter: &EvidenceFilter,
    audience: Audience,
    matches: Box<dyn Query>,
) -> Box<dyn Query> {
    let mut clauses: Vec<(Occur, Box<dyn Query>)> = vec![(Occur::Must, matches)];
    if !audience.include_members_only {
        clauses.push((Occur::Must, only(fields.visibility, "public")));
    }
    if !audience.include_withdrawn {
        clauses.push((
            Occur::MustNot,
            Box::new(TermQuery::new(
                Term::from_field_text(fields.consent, "withdrawn"),
                IndexRecordOption::Basic,
            )),
        ));
    }
    let pairs = [
        (&filter.kind, fields.kind),
        (&filter.country, fields.country),
        (&filter.region, fields.region),
        (&filter.assessment, fields.assessment),
        (&filter.tag, fields.tags),
        (&filter.consent, fields.consent),
        (&filter.visibility, fields.visibility),
    ];
    for (value, field) in pairs {
        if !value.is_empty() {
            clauses.push((Occur::Must, only(field, value)));
        }
    }
    Box::new(BooleanQuery::new(clauses))
}

/// `text` with every word the query makes a term of, in any of these analyses, between
/// `MARK_OPEN` and `MARK_CLOSE`; the last word of the query also marks the words it begins.
pub(crate) fn mark_matches(
    manager: &TokenizerManager,
    text: &str,
    analysers: &[String],
    q: &str,
) -> String {
    if q.trim().is_empty() {
        return text.to_string();
    }
    let marked = marked_terms(manager, q);
    let prefix = units(q.trim())
        .last()
        .and_then(|unit| match unit {
            Unit::Word(w) => analysis::terms_of(manager, analysis::PLAIN, w)
                .into_iter()
                .next(),
            Unit::Phrase(_) => None,
        })
        .map(|(term, _, _)| term)
        .filter(|t| t.chars().count() >= 2);
    // Byte ranges of matched words, from every analysis, merged.
    let mut ranges: Vec<(usize, usize)> = Vec::new();
    for name in analysers {
        let wanted = marked
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, terms)| terms.as_slice())
            .unwrap_or_default();
        for (term, from, to) in analysis::terms_of(manager, name, text) {
            let is_prefix = name == analysis::PLAIN
                && prefix
                    .as_ref()
                    .is_some_and(|p| term.starts_with(p.as_str()));
            if wanted.contains(&term) || is_prefix {
                ranges.push((from, to));
            }
        }
    }
    ranges.sort_unstable();
    ranges.dedup();
    let mut out = String::with_capacity(text.len() + ranges.len() * 2);
    let mut at = 0;
    for (from, to) in ranges {
        if from < at || to > text.len() {
            continue;
        }
        out.push_str(&text[at..from]);
        out.push_str(MARK_OPEN);
        out.push_str(&text[from..to]);
        out.push_str(MARK_CLOSE);
        at = to;
    }
    out.push_str(&text[at..]);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_query_splits_into_words_and_phrases() {
        assert_eq!(
            units(r#"camp "work camp" youth"#),
            [
                Unit::Word("camp".into()),
                Unit::Phrase("work camp".into()),
                Unit::Word("youth".into())
            ]
        );
        assert_eq!(
            units(r#"an "unclosed phrase"#),
            [
                Unit::Word("an".into()),
                Unit::Phrase("unclosed phrase".into())
            ]
        );
        assert!(units(r#"  "" "#).is_empty());
        assert_eq!(units(&"w ".repeat(100)).len(), UNITS_MAX);
    }

    #[test]
    fn marked_terms_cover_every_analyser() {
        let marked = marked_terms(&analysis::analysers(), "Bénévoles");
        let fr = marked.iter().find(|(name, _)| name == "gw_fr").unwrap();
        assert_eq!(fr.1, ["benevol"]);
        let plain = marked
            .iter()
            .find(|(name, _)| name == analysis::PLAIN)
            .unwrap();
        assert_eq!(plain.1, ["benevoles"]);
    }
}
