//! Integration tests: the real router on 127.0.0.1:0, a fresh database per test.
//! One binary (one link step on two cores).
mod accounts;
mod admin;
mod concurrency;
mod consultations;
mod editing;
mod errors;
mod evidence;
mod helpers;
mod imports;
mod live;
mod ownership;
mod paper_editors;
mod papers;
mod publishing;
mod safety;
mod static_files;
