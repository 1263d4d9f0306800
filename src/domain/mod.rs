//! Pure rules and shapes, compiled for the server and the browser alike, and tested without
//! either.
pub mod accounts;
pub mod assessments;
pub mod citations;
pub mod countries;
pub mod coverage;
pub mod dates;
pub mod evidence;
#[cfg(feature = "ssr")]
pub mod evidence_csv;
pub mod evidence_csv_views;
pub mod evidence_history;
pub mod evidence_views;
pub mod login_throttle;
pub mod order;
#[cfg(feature = "ssr")]
pub mod paper_markdown;
pub mod papers;
