//! Pure rules and shapes, compiled for the server and the browser alike, and tested without
//! either.
pub mod accounts;
pub mod countries;
pub mod dates;
pub mod evidence;
pub mod evidence_views;
pub mod login_throttle;
