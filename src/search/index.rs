//! What both indexes (findings, published papers) are built with: text fields analysed per
//! language, an index in memory with its one writer, and the engine's errors.
use super::analysis;
use crate::error::AppError;
use tantivy::schema::{Field, IndexRecordOption, Schema, TextFieldIndexing, TextOptions};
use tantivy::tokenizer::TokenizerManager;
use tantivy::{Index, IndexReader, IndexWriter, ReloadPolicy};

pub(super) fn engine_error(context: &str, error: impl std::fmt::Display) -> AppError {
    AppError::internal(&format!("{context}: {error}"))
}

/// A blocking task of the engine that did not finish. Cancelled only when the runtime shuts
/// down as the process exits, which is no fault to report (logged at debug, not as an error);
/// a panic in it is one.
pub(super) fn not_finished(context: &str, error: tokio::task::JoinError) -> AppError {
    if error.is_cancelled() {
        tracing::debug!("{context}: cancelled as the process exits");
        return AppError::Internal;
    }
    engine_error(context, error)
}

/// The fields of an index that a query's words are looked for in, each with its analyser's
/// name: one per stemmed language, and the plain one.
pub(super) fn analysed(
    stemmed: &[Field; analysis::STEMMED.len()],
    plain: Field,
) -> Vec<(String, Field)> {
    let mut out: Vec<(String, Field)> = analysis::STEMMED
        .iter()
        .zip(stemmed)
        .map(|((code, _), field)| (analysis::analyser_for(code), *field))
        .collect();
    out.push((analysis::PLAIN.to_string(), plain));
    out
}

/// A text field analysed by `analyser`, with frequencies and positions (for phrases).
pub(super) fn analysed_text(analyser: &str) -> TextOptions {
    TextOptions::default().set_indexing_options(
        TextFieldIndexing::default()
            .set_tokenizer(analyser)
            .set_index_option(IndexRecordOption::WithFreqsAndPositions),
    )
}

/// A new index in memory with our analysers: its one writer (with `memory` bytes before it
/// flushes a segment) and a reader that sees what is committed when told to reload.
pub(super) fn in_memory(
    schema: Schema,
    analysers: &TokenizerManager,
    memory: usize,
) -> Result<(IndexWriter, IndexReader), AppError> {
    let mut index = Index::create_in_ram(schema);
    index.set_tokenizers(analysers.clone());
    let writer = index
        .writer_with_num_threads(1, memory)
        .map_err(|e| engine_error("open a search index's writer", e))?;
    let reader = index
        .reader_builder()
        .reload_policy(ReloadPolicy::Manual)
        .try_into()
        .map_err(|e| engine_error("open a search index's reader", e))?;
    Ok((writer, reader))
}
