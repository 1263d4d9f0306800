//! Who is signed in, for the pages and components that show or hide things by role.
use crate::domain::accounts::SessionMember;
use leptos::prelude::*;

/// The signed-in member, computed once per page on the server from the session cookie. Pages
/// render on the server only; an island that needs to know gets what it needs in its props.
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
