//! `/admin/roles`: roles bundle group permissions for the agents who hold them — list,
//! add, rename, set invalid, and on each role's page its permission on every group and
//! its members.

use std::collections::BTreeSet;

use askama::Template;
use goats_core::DomainError;
use goats_core::model::{Agent, Role, RoleId, UserId};
use poem::http::StatusCode;
use poem::web::Path;
use poem::{Response, handler};

use super::grant_matrix::{self, GrantRow};
use super::named_form::{self, Named, NamedForm};
use crate::web::desk::Desk;
use crate::web::field_errors::FieldErrors;
use crate::web::form_text::FormText;
use crate::web::page::{Chrome, Nav, PageError, html_status, with_flash};

/// An agent on the role's page, ticked when a member.
struct MemberRow {
    agent: Agent,
    member: bool,
}

#[derive(Template)]
#[template(path = "pages/admin_role.html")]
struct RolePage {
    c: Chrome,
    /// `None` for a new role.
    id: Option<RoleId>,
    form: NamedForm,
    errors: FieldErrors,
    grants: Vec<GrantRow>,
    grant_error: Option<String>,
    permission_keys: Vec<&'static str>,
    members: Vec<MemberRow>,
    member_error: Option<String>,
}

/// Why the role's grants or members were not saved, shown above that part of the page.
#[derive(Default)]
struct Refusals {
    grants: Option<String>,
    members: Option<String>,
}

#[handler]
pub async fn list(desk: Desk) -> Result<Response, PageError> {
    let roles = desk.state.admin.roles(&desk.perms).await.map_err(|e| PageError::from_domain(&desk, e))?;
    Ok(named_form::list(&desk, Named::Roles, roles.into_iter().map(Into::into).collect()))
}

#[handler]
pub async fn new_form(desk: Desk) -> Result<Response, PageError> {
    render(&desk, None, NamedForm::new(), FieldErrors::default(), Refusals::default(), StatusCode::OK).await
}

#[handler]
pub async fn edit(desk: Desk, Path(id): Path<RoleId>) -> Result<Response, PageError> {
    let role = role(&desk, id).await?;
    let form = NamedForm::of(&role.name, role.comments.as_deref(), role.valid);
    render(&desk, Some(&role), form, FieldErrors::default(), Refusals::default(), StatusCode::OK).await
}

#[handler]
pub async fn create(desk: Desk, body: String) -> Result<Response, PageError> {
    let form = NamedForm::read(&FormText::parse(&body));
    match desk.state.admin.create_role(&desk.perms, &form.name, form.comments()).await {
        Ok(r) => Ok(saved(&desk, &r, "admin-role-created")),
        Err(e) => {
            let errors = field_errors(&desk, e)?;
            render(&desk, None, form, errors, Refusals::default(), StatusCode::UNPROCESSABLE_ENTITY).await
        }
    }
}

#[handler]
pub async fn update(desk: Desk, Path(id): Path<RoleId>, body: String) -> Result<Response, PageError> {
    let current = role(&desk, id).await?;
    let form = NamedForm::read(&FormText::parse(&body));
    match desk.state.admin.change_role(&desk.perms, id, &form.name, form.comments(), form.valid).await {
        Ok(r) => Ok(saved(&desk, &r, "admin-role-saved")),
        Err(e) => {
            let errors = field_errors(&desk, e)?;
            render(&desk, Some(&current), form, errors, Refusals::default(), StatusCode::UNPROCESSABLE_ENTITY).await
        }
    }
}

/// The role's permission matrix, saved as a whole.
#[handler]
pub async fn set_grants(desk: Desk, Path(id): Path<RoleId>, body: String) -> Result<Response, PageError> {
    let current = role(&desk, id).await?;
    let wanted = grant_matrix::ticked(&FormText::parse(&body));
    match desk.state.admin.set_role_grants(&desk.perms, id, &wanted).await {
        Ok(()) => Ok(saved(&desk, &current, "admin-role-grants-saved")),
        Err(DomainError::Invalid { .. }) => {
            let why = Refusals { grants: Some(desk.tr().t("admin-role-error-own-admin")), members: None };
            refused_part(&desk, &current, why).await
        }
        Err(e) => Err(PageError::from_domain(&desk, e)),
    }
}

/// The role's members, one `member=<agent id>` per ticked agent, saved as a whole.
#[handler]
pub async fn set_members(desk: Desk, Path(id): Path<RoleId>, body: String) -> Result<Response, PageError> {
    let current = role(&desk, id).await?;
    let wanted: BTreeSet<UserId> = FormText::parse(&body).all("member").filter_map(|v| v.parse().ok()).collect();
    match desk.state.admin.set_role_members(&desk.perms, id, &wanted).await {
        Ok(()) => Ok(saved(&desk, &current, "admin-role-members-saved")),
        Err(DomainError::Invalid { .. }) => {
            let why = Refusals { grants: None, members: Some(desk.tr().t("admin-role-error-own-membership")) };
            refused_part(&desk, &current, why).await
        }
        Err(e) => Err(PageError::from_domain(&desk, e)),
    }
}

async fn role(desk: &Desk, id: RoleId) -> Result<Role, PageError> {
    desk.state.admin.role(&desk.perms, id).await.map_err(|e| PageError::from_domain(desk, e))
}

fn saved(desk: &Desk, r: &Role, key: &str) -> Response {
    with_flash(crate::web::login::redirect(&format!("/admin/roles/{}", r.id)), &desk.tr().v(key, &r.name))
}

fn field_errors(desk: &Desk, e: DomainError) -> Result<FieldErrors, PageError> {
    named_form::field_errors(desk, e, "admin-role-error-taken", "admin-role-error-own-valid")
}

/// The role's page as stored, with the refusal of its grants or members.
async fn refused_part(desk: &Desk, current: &Role, why: Refusals) -> Result<Response, PageError> {
    let form = NamedForm::of(&current.name, current.comments.as_deref(), current.valid);
    render(desk, Some(current), form, FieldErrors::default(), why, StatusCode::UNPROCESSABLE_ENTITY).await
}

/// The form for a new role, or for `current` with its grants and members (whose stored
/// name is the title whatever was typed).
async fn render(
    desk: &Desk,
    current: Option<&Role>,
    form: NamedForm,
    errors: FieldErrors,
    why: Refusals,
    status: StatusCode,
) -> Result<Response, PageError> {
    let fail = |e| PageError::from_domain(desk, e);
    let admin = &desk.state.admin;
    let (title, grants, members) = match current {
        None => (desk.tr().t("admin-role-new-title"), Vec::new(), Vec::new()),
        Some(r) => {
            let held = admin.role_grants(&desk.perms, r.id).await.map_err(fail)?;
            let groups = admin.groups(&desk.perms).await.map_err(fail)?;
            let member_ids = admin.role_members(&desk.perms, r.id).await.map_err(fail)?;
            let mut agents = admin.agents(&desk.perms).await.map_err(fail)?;
            agents.sort_by_key(|a| (!a.valid, a.login.to_lowercase()));
            let members = agents
                .into_iter()
                .map(|agent| MemberRow { member: member_ids.contains(&agent.id), agent })
                // An invalid agent is listed only while still a member, to be taken out.
                .filter(|m| m.agent.valid || m.member)
                .collect();
            (desk.tr().v("admin-role-title", &r.name), grant_matrix::rows(groups, &held), members)
        }
    };
    let page = RolePage {
        c: Chrome::for_desk(desk, Nav::Admin, title),
        id: current.map(|r| r.id),
        form,
        errors,
        grants,
        grant_error: why.grants,
        permission_keys: grant_matrix::permission_keys(),
        members,
        member_error: why.members,
    };
    Ok(html_status(&page, status))
}
