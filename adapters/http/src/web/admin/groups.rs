//! `/admin/groups`: the groups that decide who reaches which queues' tickets — list,
//! add, rename, comment, set invalid. Who holds what on a group is set on the agent's
//! or the role's page.

use askama::Template;
use goats_core::DomainError;
use goats_core::model::{Group, GroupId};
use poem::http::StatusCode;
use poem::web::Path;
use poem::{Response, handler};

use super::named_form::{self, Named, NamedForm};
use crate::web::desk::Desk;
use crate::web::field_errors::FieldErrors;
use crate::web::form_text::FormText;
use crate::web::page::{Chrome, Nav, PageError, html_status, with_flash};

#[derive(Template)]
#[template(path = "pages/admin_group.html")]
struct GroupPage {
    c: Chrome,
    /// `None` for a new group.
    id: Option<GroupId>,
    form: NamedForm,
    errors: FieldErrors,
}

#[handler]
pub async fn list(desk: Desk) -> Result<Response, PageError> {
    let groups = desk.state.admin.groups(&desk.perms).await.map_err(|e| PageError::from_domain(&desk, e))?;
    Ok(named_form::list(&desk, Named::Groups, groups.into_iter().map(Into::into).collect()))
}

#[handler]
pub async fn new_form(desk: Desk) -> Response {
    render(&desk, None, NamedForm::new(), FieldErrors::default(), StatusCode::OK)
}

#[handler]
pub async fn edit(desk: Desk, Path(id): Path<GroupId>) -> Result<Response, PageError> {
    let g = group(&desk, id).await?;
    let form = NamedForm::of(&g.name, g.comments.as_deref(), g.valid);
    Ok(render(&desk, Some(&g), form, FieldErrors::default(), StatusCode::OK))
}

#[handler]
pub async fn create(desk: Desk, body: String) -> Result<Response, PageError> {
    let form = NamedForm::read(&FormText::parse(&body));
    match desk.state.admin.create_group(&desk.perms, &form.name, form.comments()).await {
        Ok(g) => Ok(saved(&desk, &g, "admin-group-created")),
        Err(e) => refused(&desk, None, form, e),
    }
}

#[handler]
pub async fn update(desk: Desk, Path(id): Path<GroupId>, body: String) -> Result<Response, PageError> {
    // The group must exist (and the agent be an admin) before the form is read.
    let current = group(&desk, id).await?;
    let form = NamedForm::read(&FormText::parse(&body));
    match desk.state.admin.change_group(&desk.perms, id, &form.name, form.comments(), form.valid).await {
        Ok(g) => Ok(saved(&desk, &g, "admin-group-saved")),
        Err(e) => refused(&desk, Some(&current), form, e),
    }
}

async fn group(desk: &Desk, id: GroupId) -> Result<Group, PageError> {
    desk.state.admin.group(&desk.perms, id).await.map_err(|e| PageError::from_domain(desk, e))
}

fn saved(desk: &Desk, g: &Group, key: &str) -> Response {
    with_flash(crate::web::login::redirect(&format!("/admin/groups/{}", g.id)), &desk.tr().v(key, &g.name))
}

fn refused(desk: &Desk, current: Option<&Group>, form: NamedForm, e: DomainError) -> Result<Response, PageError> {
    let errors = named_form::field_errors(desk, e, "admin-group-error-taken", "admin-group-error-admin")?;
    Ok(render(desk, current, form, errors, StatusCode::UNPROCESSABLE_ENTITY))
}

/// The form for a new group, or for `current` (whose stored name is the title whatever
/// was typed).
fn render(desk: &Desk, current: Option<&Group>, form: NamedForm, errors: FieldErrors, status: StatusCode) -> Response {
    let title = match current {
        Some(g) => desk.tr().v("admin-group-title", &g.name),
        None => desk.tr().t("admin-group-new-title"),
    };
    let id = current.map(|g| g.id);
    html_status(&GroupPage { c: Chrome::for_desk(desk, Nav::Admin, title), id, form, errors }, status)
}
