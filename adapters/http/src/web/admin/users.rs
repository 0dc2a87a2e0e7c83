//! `/admin/users`: the agents, for administrators — list, add, change (names, address,
//! password, valid or not) and the agent's own grants on each group. Nothing is deleted:
//! an agent who leaves is set invalid, as in OTRS. A refused form comes back as it was
//! typed, with each problem beside its field.

use std::collections::BTreeSet;

use askama::Template;
use goats_core::DomainError;
use goats_core::admin::{AgentChanges, AgentInput};
use goats_core::model::{Agent, UserId};
use goats_core::permission::Permission;
use poem::http::StatusCode;
use poem::web::Path;
use poem::{Response, handler};

use super::grant_matrix::{self, GrantRow};
use crate::web::desk::Desk;
use crate::web::field_errors::FieldErrors;
use crate::web::form_text::FormText;
use crate::web::page::{Chrome, Nav, PageError, html, html_status, with_flash};

/// What the agent form holds, as typed.
#[derive(Default)]
struct AgentForm {
    login: String,
    first_name: String,
    last_name: String,
    email: String,
    valid: bool,
}

impl AgentForm {
    fn of(a: &Agent) -> Self {
        Self {
            login: a.login.clone(),
            first_name: a.first_name.clone(),
            last_name: a.last_name.clone(),
            email: a.email.clone().unwrap_or_default(),
            valid: a.valid,
        }
    }
}

#[derive(Template)]
#[template(path = "pages/admin_users.html")]
struct UsersPage {
    c: Chrome,
    agents: Vec<Agent>,
}

impl UsersPage {
    /// Which entry of the admin menu this list is (`layouts/admin_list.html`).
    fn section(&self) -> &'static str {
        "users"
    }

    fn empty(&self) -> bool {
        self.agents.is_empty()
    }
}

#[derive(Template)]
#[template(path = "pages/admin_user.html")]
struct UserPage {
    c: Chrome,
    /// `None` for a new agent.
    id: Option<UserId>,
    form: AgentForm,
    errors: FieldErrors,
    grants: Vec<GrantRow>,
    grant_error: Option<String>,
    permission_keys: Vec<&'static str>,
}

#[handler]
pub async fn list(desk: Desk) -> Result<Response, PageError> {
    let mut agents = desk.state.admin.agents(&desk.perms).await.map_err(|e| PageError::from_domain(&desk, e))?;
    agents.sort_by_key(|a| (!a.valid, a.login.to_lowercase()));
    let title = desk.tr().t("admin-users-title");
    Ok(html(&UsersPage { c: Chrome::for_desk(&desk, Nav::Admin, title), agents }))
}

#[handler]
pub async fn new_form(desk: Desk) -> Response {
    let form = AgentForm { valid: true, ..Default::default() };
    render(&desk, None, form, FieldErrors::default(), vec![], None, StatusCode::OK)
}

#[handler]
pub async fn create(desk: Desk, body: String) -> Result<Response, PageError> {
    let f = FormText::parse(&body);
    let form = AgentForm {
        login: f.get("login"),
        first_name: f.get("first_name"),
        last_name: f.get("last_name"),
        email: f.get("email"),
        valid: true,
    };
    let password = f.raw("password");
    let mut errors = check_names(&desk, &form);
    if form.login.is_empty() {
        errors.add("login", desk.tr().t("admin-user-error-login"));
    }
    if password.chars().count() < 8 {
        errors.add("password", desk.tr().t("admin-user-error-password"));
    }
    if !errors.is_empty() {
        return Ok(render(&desk, None, form, errors, vec![], None, StatusCode::UNPROCESSABLE_ENTITY));
    }
    let input = AgentInput {
        login: form.login.clone(),
        first_name: form.first_name.clone(),
        last_name: form.last_name.clone(),
        email: Some(form.email.clone()).filter(|e| !e.is_empty()),
        password,
    };
    match desk.state.admin.create_agent(&desk.perms, input).await {
        Ok(agent) => {
            let done = desk.tr().v("admin-user-created", &agent.login);
            Ok(with_flash(crate::web::login::redirect(&format!("/admin/users/{}", agent.id)), &done))
        }
        Err(e) => {
            let errors = field_errors(&desk, e)?;
            Ok(render(&desk, None, form, errors, vec![], None, StatusCode::UNPROCESSABLE_ENTITY))
        }
    }
}

#[handler]
pub async fn edit(desk: Desk, Path(id): Path<UserId>) -> Result<Response, PageError> {
    let agent = desk.state.admin.agent(&desk.perms, id).await.map_err(|e| PageError::from_domain(&desk, e))?;
    let grants = grant_rows(&desk, id).await?;
    Ok(render(&desk, Some(id), AgentForm::of(&agent), FieldErrors::default(), grants, None, StatusCode::OK))
}

#[handler]
pub async fn update(desk: Desk, Path(id): Path<UserId>, body: String) -> Result<Response, PageError> {
    let agent = desk.state.admin.agent(&desk.perms, id).await.map_err(|e| PageError::from_domain(&desk, e))?;
    let f = FormText::parse(&body);
    let form = AgentForm {
        login: agent.login.clone(),
        first_name: f.get("first_name"),
        last_name: f.get("last_name"),
        email: f.get("email"),
        valid: f.get("valid") == "1",
    };
    let password = f.raw("password");
    let mut errors = check_names(&desk, &form);
    if !password.is_empty() && password.chars().count() < 8 {
        errors.add("password", desk.tr().t("admin-user-error-password"));
    }
    if !form.valid && id == desk.agent.id {
        errors.add("valid", desk.tr().t("admin-user-error-own-account"));
    }
    let changes = AgentChanges {
        first_name: Some(form.first_name.clone()),
        last_name: Some(form.last_name.clone()),
        email: Some(Some(form.email.clone()).filter(|e| !e.is_empty())),
        valid: Some(form.valid),
        password: Some(password).filter(|p| !p.is_empty()),
    };
    let result = match errors.is_empty() {
        true => desk.state.admin.change_agent(&desk.perms, id, changes).await.map_err(|e| field_errors(&desk, e)),
        false => Err(Ok(errors)),
    };
    match result {
        Ok(a) => Ok(with_flash(
            crate::web::login::redirect(&format!("/admin/users/{id}")),
            &desk.tr().v("admin-user-saved", &a.login),
        )),
        Err(errors) => {
            let grants = grant_rows(&desk, id).await?;
            Ok(render(&desk, Some(id), form, errors?, grants, None, StatusCode::UNPROCESSABLE_ENTITY))
        }
    }
}

/// The grant matrix arrives as one `grant=<group>:<permission>` per ticked box; each
/// difference from what the agent holds is granted or revoked.
#[handler]
pub async fn set_grants(desk: Desk, Path(id): Path<UserId>, body: String) -> Result<Response, PageError> {
    let admin = &desk.state.admin;
    let fail = |e| PageError::from_domain(&desk, e);
    let agent = admin.agent(&desk.perms, id).await.map_err(fail)?;
    let wanted = grant_matrix::ticked(&FormText::parse(&body));
    let held: BTreeSet<(i32, Permission)> = admin
        .agent_grants(&desk.perms, id)
        .await
        .map_err(fail)?
        .into_iter()
        .map(|g| (g.group_id, g.permission))
        .collect();
    let mut refused = None;
    for (group, permission) in held.difference(&wanted).copied() {
        if let Err(e) = admin.set_agent_grant(&desk.perms, id, group, permission, false).await {
            refused = Some(e);
        }
    }
    for (group, permission) in wanted.difference(&held).copied() {
        if let Err(e) = admin.set_agent_grant(&desk.perms, id, group, permission, true).await {
            refused = Some(e);
        }
    }
    match refused {
        None => {
            let done = desk.tr().v("admin-user-grants-saved", &agent.login);
            Ok(with_flash(crate::web::login::redirect(&format!("/admin/users/{id}")), &done))
        }
        Some(DomainError::Invalid { .. }) => {
            let grants = grant_rows(&desk, id).await?;
            let why = Some(desk.tr().t("admin-user-error-own-admin"));
            let form = AgentForm::of(&agent);
            Ok(render(&desk, Some(id), form, FieldErrors::default(), grants, why, StatusCode::UNPROCESSABLE_ENTITY))
        }
        Some(e) => Err(fail(e)),
    }
}

fn render(
    desk: &Desk,
    id: Option<UserId>,
    form: AgentForm,
    errors: FieldErrors,
    grants: Vec<GrantRow>,
    grant_error: Option<String>,
    status: StatusCode,
) -> Response {
    let title = match id {
        Some(_) => desk.tr().v("admin-user-title", &form.login),
        None => desk.tr().t("admin-user-new-title"),
    };
    let permission_keys = grant_matrix::permission_keys();
    let c = Chrome::for_desk(desk, Nav::Admin, title);
    let page = UserPage { c, id, form, errors, grants, grant_error, permission_keys };
    html_status(&page, status)
}

async fn grant_rows(desk: &Desk, id: UserId) -> Result<Vec<GrantRow>, PageError> {
    let fail = |e| PageError::from_domain(desk, e);
    let held = desk.state.admin.agent_grants(&desk.perms, id).await.map_err(fail)?;
    let groups = desk.state.admin.groups(&desk.perms).await.map_err(fail)?;
    Ok(grant_matrix::rows(groups, &held))
}

/// Names are required and at most as long as OTRS's columns hold.
fn check_names(desk: &Desk, form: &AgentForm) -> FieldErrors {
    let mut errors = FieldErrors::default();
    for (field, value) in [("first_name", &form.first_name), ("last_name", &form.last_name)] {
        if value.trim().is_empty() || value.chars().count() > goats_core::admin::MAX_PERSON_NAME {
            errors.add(field, desk.tr().t("admin-user-error-name"));
        }
    }
    errors
}

/// A refusal of the service as the form's field errors; a failure that is no fault of
/// the form is the error page.
fn field_errors(desk: &Desk, e: DomainError) -> Result<FieldErrors, PageError> {
    let mut errors = FieldErrors::default();
    let tr = desk.tr();
    match e {
        DomainError::Conflict(_) => errors.add("login", tr.t("admin-user-error-login-taken")),
        DomainError::Invalid { field, .. } => match field {
            "login" => errors.add("login", tr.t("admin-user-error-login")),
            "email" => errors.add("email", tr.t("admin-user-error-email")),
            "password" => errors.add("password", tr.t("admin-user-error-password")),
            "valid" => errors.add("valid", tr.t("admin-user-error-own-account")),
            "last_name" => errors.add("last_name", tr.t("admin-user-error-name")),
            _ => errors.add("first_name", tr.t("admin-user-error-name")),
        },
        other => return Err(PageError::from_domain(desk, other)),
    }
    Ok(errors)
}
