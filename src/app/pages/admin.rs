//! Administration: organisations, members and their roles, invitations.
use crate::api::admin::{
    AdminData, ChangeRole, CreateOrganisation, InviteMember, RevokeInvitation, SetMemberActive,
    admin_overview,
};
use crate::app::components::alerts::{
    FieldError, FormAlert, Notice, error_text, form_error, invalid, kept,
};
use crate::app::components::labels::{org_kind_name, role_name};
use crate::app::components::page_title::PageTitle;
use crate::app::components::status::set_status;
use crate::domain::accounts::{IssuedInvitation, MemberListing, OrgKind, Organisation, Role};
use crate::domain::countries::all_countries;
use crate::domain::dates::iso_date;
use crate::i18n::*;
use leptos::prelude::*;

#[derive(Clone, Copy)]
struct Actions {
    create_org: ServerAction<CreateOrganisation>,
    invite: ServerAction<InviteMember>,
    change_role: ServerAction<ChangeRole>,
    set_active: ServerAction<SetMemberActive>,
    revoke: ServerAction<RevokeInvitation>,
}

#[component]
pub fn AdminPage() -> impl IntoView {
    let i18n = use_i18n();
    let me = match crate::app::components::status::role_gate(Role::Admin) {
        Ok(me) => me,
        Err(gate) => return gate,
    };
    let actions = Actions {
        create_org: ServerAction::new(),
        invite: ServerAction::new(),
        change_role: ServerAction::new(),
        set_active: ServerAction::new(),
        revoke: ServerAction::new(),
    };
    let overview = Resource::new(
        move || {
            (
                actions.create_org.version().get(),
                actions.invite.version().get(),
                actions.change_role.version().get(),
                actions.set_active.version().get(),
                actions.revoke.version().get(),
            )
        },
        |_| admin_overview(),
    );
    let my_id = me.id.clone();

    view! {
        <PageTitle text=t_string!(i18n, admin_title).to_string() />
        <h1>{t!(i18n, admin_heading)}</h1>
        <nav class="tabs" aria-label=move || t_string!(i18n, admin_sections)>
            <a href="#organisations">{t!(i18n, admin_organisations)}</a>
            <a href="#members">{t!(i18n, admin_members)}</a>
            <a href="#invitations">{t!(i18n, admin_invitations)}</a>
        </nav>
        <Suspense fallback=move || view! { <p class="muted">{t!(i18n, loading)}</p> }>
            {move || {
                let my_id = my_id.clone();
                Suspend::new(async move {
                    match overview.await {
                        Ok(data) => view! { <AdminSections data actions my_id /> }.into_any(),
                        Err(error) => {
                            set_status(error.status());
                            view! { <div class="alert alert-error" role="alert">{error_text(&error)}</div> }
                                .into_any()
                        }
                    }
                })
            }}
        </Suspense>
    }
    .into_any()
}

#[component]
fn AdminSections(data: AdminData, actions: Actions, my_id: String) -> impl IntoView {
    let AdminData {
        organisations,
        members,
        invitations,
        fresh_invitation,
    } = data;
    view! {
        <OrganisationsSection organisations=organisations.clone() action=actions.create_org />
        <MembersSection members actions my_id />
        <InvitationsSection organisations invitations fresh_invitation actions />
    }
}

#[component]
fn OrganisationsSection(
    organisations: Vec<Organisation>,
    action: ServerAction<CreateOrganisation>,
) -> impl IntoView {
    let i18n = use_i18n();
    let error = form_error(action.value());
    // A plain form: the server comes back with `done=organisation` once it is created.
    let created = leptos_router::hooks::use_query_map()
        .with_untracked(|q| q.get("done").as_deref() == Some("organisation"));
    view! {
        <section id="organisations" class="card" aria-labelledby="organisations-heading">
            <h2 id="organisations-heading">{t!(i18n, admin_organisations)}</h2>
            <div class="table-wrap">
                <table>
                    <thead>
                        <tr>
                            <th scope="col">{t!(i18n, field_name)}</th>
                            <th scope="col">{t!(i18n, field_short_name)}</th>
                            <th scope="col">{t!(i18n, field_country)}</th>
                            <th scope="col">{t!(i18n, field_kind)}</th>
                            <th scope="col" class="num">{t!(i18n, admin_active_members)}</th>
                        </tr>
                    </thead>
                    <tbody>
                        {organisations
                            .into_iter()
                            .map(|org| {
                                view! {
                                    <tr>
                                        <td>{org.name}</td>
                                        <td>{org.short_name}</td>
                                        <td>{org.country}</td>
                                        <td>{org_kind_name(org.kind)}</td>
                                        <td class="num">{org.member_count}</td>
                                    </tr>
                                }
                            })
                            .collect_view()}
                    </tbody>
                </table>
            </div>
            <h3>{t!(i18n, admin_new_organisation)}</h3>
            {created.then(|| view! { <Notice>{t!(i18n, admin_organisation_created)}</Notice> })}
            <FormAlert error fields=&["name", "short_name", "country", "kind"] />
            <ActionForm action attr:class="form form-inline">
                <div class="field">
                    <label for="org-name">{t!(i18n, field_name)}</label>
                    <input id="org-name" name="name" required maxlength="120" value=kept("name")
                        aria-invalid=invalid(error, "name") aria-describedby="name-error" />
                    <FieldError error field="name" />
                </div>
                <div class="field">
                    <label for="org-short">{t!(i18n, field_short_name)}</label>
                    <input id="org-short" name="short_name" required maxlength="24" value=kept("short_name")
                        aria-invalid=invalid(error, "short_name") aria-describedby="short_name-error" />
                    <FieldError error field="short_name" />
                </div>
                <div class="field">
                    <label for="org-country">{t!(i18n, field_country)}</label>
                    <CountrySelect id="org-country" name="country" selected=kept("country") />
                    <FieldError error field="country" />
                </div>
                <div class="field">
                    <label for="org-kind">{t!(i18n, field_kind)}</label>
                    <select id="org-kind" name="kind">
                        {OrgKind::ALL
                            .into_iter()
                            .map(|kind| {
                                let selected = kept("kind") == kind.as_str();
                                view! { <option value=kind.as_str() selected=selected>{org_kind_name(kind)}</option> }
                            })
                            .collect_view()}
                    </select>
                    <FieldError error field="kind" />
                </div>
                <button type="submit" class="button" disabled=move || action.pending().get()>
                    {t!(i18n, admin_create_organisation)}
                </button>
            </ActionForm>
        </section>
    }
}

#[component]
fn CountrySelect(id: &'static str, name: &'static str, selected: String) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <select id=id name=name required>
            <option value="">{t!(i18n, choose_country)}</option>
            {all_countries()
                .iter()
                .map(|(code, country)| {
                    let is_selected = selected.eq_ignore_ascii_case(code);
                    view! { <option value=*code selected=is_selected>{format!("{country} ({code})")}</option> }
                })
                .collect_view()}
        </select>
    }
}

#[component]
fn MembersSection(members: Vec<MemberListing>, actions: Actions, my_id: String) -> impl IntoView {
    let i18n = use_i18n();
    let role_error = form_error(actions.change_role.value());
    let active_error = form_error(actions.set_active.value());
    let error = Signal::derive(move || role_error.get().or_else(|| active_error.get()));
    view! {
        <section id="members" class="card" aria-labelledby="members-heading">
            <h2 id="members-heading">{t!(i18n, admin_members)}</h2>
            <FormAlert error />
            <div class="table-wrap">
                <table>
                    <thead>
                        <tr>
                            <th scope="col">{t!(i18n, field_name)}</th>
                            <th scope="col">{t!(i18n, field_organisation)}</th>
                            <th scope="col">{t!(i18n, field_role)}</th>
                            <th scope="col">{t!(i18n, admin_status)}</th>
                        </tr>
                    </thead>
                    <tbody>
                        {members
                            .into_iter()
                            .map(|m| view! { <MemberRow member=m actions my_id=my_id.clone() /> })
                            .collect_view()}
                    </tbody>
                </table>
            </div>
        </section>
    }
}

#[component]
fn MemberRow(member: MemberListing, actions: Actions, my_id: String) -> impl IntoView {
    let i18n = use_i18n();
    let is_me = member.id == my_id;
    let select_id = format!("role-{}", member.id);
    let role = member.role;
    let row_class = if member.active { "" } else { "inactive" };
    view! {
        <tr class=row_class>
            <td>
                <span class="strong">{member.name.clone()}</span>
                <br />
                <span class="muted small">{member.email.clone()}</span>
            </td>
            <td>{member.organisation.clone()}</td>
            <td>
                {if is_me {
                    view! { <span>{role_name(role)} " " <span class="muted small">{t!(i18n, admin_you)}</span></span> }
                        .into_any()
                } else {
                    let member_id = member.id.clone();
                    view! {
                        <ActionForm action=actions.change_role attr:class="row-form">
                            <input type="hidden" name="member" value=member_id />
                            <label class="visually-hidden" for=select_id.clone()>
                                {t!(i18n, admin_role_of, name = {
                                    let name = member.name.clone();
                                    move || name.clone()
                                })}
                            </label>
                            <select id=select_id.clone() name="role">
                                {Role::ALL
                                    .into_iter()
                                    .map(|r| view! { <option value=r.as_str() selected=r == role>{role_name(r)}</option> })
                                    .collect_view()}
                            </select>
                            <button type="submit" class="button button-small">{t!(i18n, admin_change_role)}</button>
                        </ActionForm>
                    }
                        .into_any()
                }}
            </td>
            <td>
                {if member.active {
                    view! { <span class="badge badge-ok">{t!(i18n, admin_active)}</span> }.into_any()
                } else {
                    view! { <span class="badge">{t!(i18n, admin_inactive)}</span> }.into_any()
                }}
                {(!is_me).then(|| {
                    let member_id = member.id.clone();
                    let next = (!member.active).to_string();
                    view! {
                        <ActionForm action=actions.set_active attr:class="row-form">
                            <input type="hidden" name="member" value=member_id />
                            <input type="hidden" name="active" value=next />
                            <button type="submit" class="button button-small button-quiet">
                                {if member.active {
                                    t!(i18n, admin_deactivate).into_any()
                                } else {
                                    t!(i18n, admin_reactivate).into_any()
                                }}
                            </button>
                        </ActionForm>
                    }
                })}
            </td>
        </tr>
    }
}

#[component]
fn InvitationsSection(
    organisations: Vec<Organisation>,
    invitations: Vec<crate::domain::accounts::PendingInvitation>,
    fresh_invitation: Option<IssuedInvitation>,
    actions: Actions,
) -> impl IntoView {
    let i18n = use_i18n();
    let error = form_error(actions.invite.value());
    // The link of the invitation just made, which the server keeps for this page (the form is
    // a plain post).
    let issued = fresh_invitation;
    let kept_org = kept("organisation");
    let kept_role = kept("role");
    view! {
        <section id="invitations" class="card" aria-labelledby="invitations-heading">
            <h2 id="invitations-heading">{t!(i18n, admin_invitations)}</h2>
            <p class="muted">{t!(i18n, admin_invite_intro)}</p>
            {issued.map(|inv| view! { <IssuedLink invitation=inv /> })}
            <FormAlert error fields=&["email", "organisation", "role"] />
            <ActionForm action=actions.invite attr:class="form form-inline">
                <div class="field">
                    <label for="invite-email">{t!(i18n, field_email)}</label>
                    <input id="invite-email" name="email" type="email" required maxlength="254" value=kept("email")
                        aria-invalid=invalid(error, "email") aria-describedby="email-error" />
                    <FieldError error field="email" />
                </div>
                <div class="field">
                    <label for="invite-org">{t!(i18n, field_organisation)}</label>
                    <select id="invite-org" name="organisation" required>
                        {organisations
                            .into_iter()
                            .map(|org| {
                                let selected = org.id == kept_org;
                                view! { <option value=org.id selected=selected>{org.name}</option> }
                            })
                            .collect_view()}
                    </select>
                    <FieldError error field="organisation" />
                </div>
                <div class="field">
                    <label for="invite-role">{t!(i18n, field_role)}</label>
                    <select id="invite-role" name="role">
                        {Role::ALL
                            .into_iter()
                            .map(|r| {
                                let selected = if kept_role.is_empty() { r == Role::Member } else { kept_role == r.as_str() };
                                view! { <option value=r.as_str() selected=selected>{role_name(r)}</option> }
                            })
                            .collect_view()}
                    </select>
                    <FieldError error field="role" />
                </div>
                <button type="submit" class="button" disabled=move || actions.invite.pending().get()>
                    {t!(i18n, admin_invite_submit)}
                </button>
            </ActionForm>
            <h3>{t!(i18n, admin_pending_invitations)}</h3>
            {if invitations.is_empty() {
                view! { <p class="empty-state">{t!(i18n, admin_no_pending)}</p> }.into_any()
            } else {
                view! {
                    <ul class="plain-list">
                        {invitations
                            .into_iter()
                            .map(|inv| {
                                let expires = iso_date(inv.expires_at);
                                view! {
                                    <li class="list-row">
                                        <span>
                                            <span class="strong">{inv.email}</span>
                                            " · "
                                            {inv.organisation}
                                            " · "
                                            {role_name(inv.role)}
                                            " · "
                                            <span class="muted small">
                                                {t!(i18n, admin_expires_on, date = move || expires.clone())}
                                            </span>
                                        </span>
                                        <ActionForm action=actions.revoke attr:class="row-form">
                                            <input type="hidden" name="invitation" value=inv.id />
                                            <button type="submit" class="button button-small button-quiet">
                                                {t!(i18n, admin_revoke)}
                                            </button>
                                        </ActionForm>
                                    </li>
                                }
                            })
                            .collect_view()}
                    </ul>
                }
                    .into_any()
            }}
        </section>
    }
}

#[component]
fn IssuedLink(invitation: IssuedInvitation) -> impl IntoView {
    let i18n = use_i18n();
    let expires = iso_date(invitation.expires_at);
    let email = invitation.email.clone();
    view! {
        <div class="alert alert-ok issued" role="status">
            <p>
                {t!(i18n, admin_invitation_created, email = move || email.clone(), date = move || expires.clone())}
            </p>
            <label for="invitation-link" class="small">{t!(i18n, admin_invitation_link)}</label>
            <input id="invitation-link" class="link-box" readonly value=invitation.url.clone() />
        </div>
    }
}
