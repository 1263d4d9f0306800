//! Integration tests: the real router on 127.0.0.1:0, a fresh database per test.
//! One binary (one link step on two cores).
mod accounts;
mod admin;
mod amendments;
mod authorisation;
mod comments;
mod concurrency;
mod consent;
mod consultations;
mod editing;
mod errors;
mod evidence;
mod export;
mod headers;
mod helpers;
mod imports;
mod live;
mod ownership;
mod paper_editors;
mod papers;
mod publishing;
mod safety;
mod search;
mod static_files;
mod textareas;
