//! Who is signed in, for the pages and components that show or hide things by role.
use crate::domain::accounts::SessionMember;
use leptos::prelude::*;

/// The signed-in member, computed once on the server from the session cookie and handed to
/// the browser with the page (no extra request, no flash of "signed out").
#[derive(Clone, Copy)]
pub struct Session(pub StoredValue<Option<SessionMember>>);

impl Session {
    pub fn member(&self) -> Option<SessionMember> {
        self.0.get_value()
    }
}

pub fn use_session() -> Session {
    use_context::<Session>().unwrap_or(Session(StoredValue::new(None)))
}
