pub mod alerts;
pub mod citation_popover;
pub mod evidence_card;
pub mod fields;
pub mod layout;

use crate::domain::accounts::{OrgKind, Role};
use crate::i18n::*;
use leptos::prelude::*;

pub fn role_name(role: Role) -> AnyView {
    let i18n = use_i18n();
    match role {
        Role::Admin => t!(i18n, role_admin).into_any(),
        Role::Editor => t!(i18n, role_editor).into_any(),
        Role::Member => t!(i18n, role_member).into_any(),
    }
}

pub fn org_kind_name(kind: OrgKind) -> AnyView {
    let i18n = use_i18n();
    match kind {
        OrgKind::Network => t!(i18n, org_kind_network).into_any(),
        OrgKind::Member => t!(i18n, org_kind_member).into_any(),
        OrgKind::Partner => t!(i18n, org_kind_partner).into_any(),
    }
}
