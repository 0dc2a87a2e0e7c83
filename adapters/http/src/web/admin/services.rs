//! `/admin/services`: what tickets can be about — list, add, change, set invalid. A
//! service sits below another (`Email::Outlook`); the form asks for its own name and
//! the one it belongs to, and moving or renaming one takes those below it along. It
//! also says which customers may have it: every customer without services of their own
//! (a default service, checked for a new one), and customers named one per line.

use askama::Template;
use goats_core::DomainError;
use goats_core::admin::{ServiceInput, UNKNOWN_CUSTOMER};
use goats_core::model::{Service, ServiceAudience, ServiceId};
use poem::http::StatusCode;
use poem::web::Path;
use poem::{Response, handler};

use crate::web::desk::Desk;
use crate::web::field_errors::FieldErrors;
use crate::web::form_text::FormText;
use crate::web::page::{Chrome, Nav, PageError, html, html_status, with_flash};

#[derive(Template)]
#[template(path = "pages/admin_services.html")]
struct ListPage {
    c: Chrome,
    rows: Vec<Service>,
}

impl ListPage {
    /// Which entry of the admin menu this list is (`layouts/admin_list.html`).
    fn section(&self) -> &'static str {
        "services"
    }

    fn empty(&self) -> bool {
        self.rows.is_empty()
    }
}

/// The service form as typed: a refused form comes back with nothing lost.
struct ServiceForm {
    name: String,
    parent_id: String,
    comments: String,
    valid: bool,
    every_customer: bool,
    /// Customer logins, one per line.
    customers: String,
}

#[derive(Template)]
#[template(path = "pages/admin_service.html")]
struct FormPage {
    c: Chrome,
    /// `None` for a new service.
    id: Option<ServiceId>,
    form: ServiceForm,
    /// The services it may be put below: not itself, nor one below it.
    parents: Vec<Service>,
    errors: FieldErrors,
}

#[handler]
pub async fn list(desk: Desk) -> Result<Response, PageError> {
    let rows = desk.state.admin.services(&desk.perms).await.map_err(|e| PageError::from_domain(&desk, e))?;
    let title = desk.tr().t("admin-services-title");
    Ok(html(&ListPage { c: Chrome::for_desk(&desk, Nav::Admin, title), rows }))
}

#[handler]
pub async fn new_form(desk: Desk) -> Result<Response, PageError> {
    let form = ServiceForm {
        name: String::new(),
        parent_id: String::new(),
        comments: String::new(),
        valid: true,
        every_customer: true,
        customers: String::new(),
    };
    let all = catalog(&desk).await?;
    Ok(render(&desk, None, form, FieldErrors::default(), StatusCode::OK, all))
}

#[handler]
pub async fn edit(desk: Desk, Path(id): Path<ServiceId>) -> Result<Response, PageError> {
    let all = catalog(&desk).await?;
    let s = find(&desk, &all, id)?;
    let parent = s.parent_name().and_then(|p| all.iter().find(|x| x.name == p)).map(|p| p.id.to_string());
    let audience =
        desk.state.admin.service_audience(&desk.perms, id).await.map_err(|e| PageError::from_domain(&desk, e))?;
    let form = ServiceForm {
        name: s.leaf().to_string(),
        parent_id: parent.unwrap_or_default(),
        comments: s.comments.clone().unwrap_or_default(),
        valid: s.valid,
        every_customer: audience.every_customer,
        customers: audience.customers.join("\n"),
    };
    Ok(render(&desk, Some(&s), form, FieldErrors::default(), StatusCode::OK, all))
}

#[handler]
pub async fn create(desk: Desk, body: String) -> Result<Response, PageError> {
    let f = FormText::parse(&body);
    save(desk, None, read(&f, true)).await
}

#[handler]
pub async fn update(desk: Desk, Path(id): Path<ServiceId>, body: String) -> Result<Response, PageError> {
    // It must exist (and the agent be an admin) before the form is read.
    let current = find(&desk, &catalog(&desk).await?, id)?;
    let f = FormText::parse(&body);
    save(desk, Some(current), read(&f, f.get("valid") == "1")).await
}

/// Every service: what a service page needs to find one and to offer its parents.
async fn catalog(desk: &Desk) -> Result<Vec<Service>, PageError> {
    desk.state.admin.services(&desk.perms).await.map_err(|e| PageError::from_domain(desk, e))
}

fn find(desk: &Desk, all: &[Service], id: ServiceId) -> Result<Service, PageError> {
    let found = all.iter().find(|s| s.id == id).cloned();
    found.ok_or_else(|| PageError::from_domain(desk, DomainError::not_found("service", id)))
}

fn read(f: &FormText, valid: bool) -> ServiceForm {
    ServiceForm {
        name: f.get("name"),
        parent_id: f.get("parent_id"),
        comments: f.get("comments"),
        valid,
        every_customer: f.get("every_customer") == "1",
        customers: f.get("customers"),
    }
}

async fn save(desk: Desk, current: Option<Service>, form: ServiceForm) -> Result<Response, PageError> {
    let input = ServiceInput {
        name: form.name.clone(),
        // A parent that is no number names nothing: the service refuses it beside its field.
        parent_id: (!form.parent_id.is_empty()).then(|| form.parent_id.parse().unwrap_or(0)),
        comments: Some(form.comments.clone()),
        valid: form.valid,
        audience: Some(ServiceAudience {
            every_customer: form.every_customer,
            customers: form.customers.split([',', '\n']).map(str::to_string).collect(),
        }),
    };
    let id = current.as_ref().map_or(0, |s| s.id);
    match desk.state.admin.save_service(&desk.perms, id, input).await {
        Ok(id) => {
            let key = if current.is_none() { "admin-service-created" } else { "admin-service-saved" };
            let done = desk.tr().v(key, form.name.trim());
            Ok(with_flash(crate::web::login::redirect(&format!("/admin/services/{id}")), &done))
        }
        Err(e) => {
            let errors = field_errors(&desk, e)?;
            let all = catalog(&desk).await?;
            Ok(render(&desk, current.as_ref(), form, errors, StatusCode::UNPROCESSABLE_ENTITY, all))
        }
    }
}

/// A refusal of the service beside the field it concerns; a failure that is no fault
/// of the form is the error page.
fn field_errors(desk: &Desk, e: DomainError) -> Result<FieldErrors, PageError> {
    let mut errors = FieldErrors::default();
    let tr = desk.tr();
    match e {
        DomainError::Conflict(_) => errors.add("name", tr.t("admin-service-error-taken")),
        DomainError::Invalid { field: "parent_id", .. } => errors.add("parent_id", tr.t("admin-service-error-parent")),
        DomainError::Invalid { field: "comments", .. } => errors.add("comments", tr.t("admin-error-comments")),
        DomainError::Invalid { field: "name", .. } => errors.add("name", tr.t("admin-service-error-name")),
        DomainError::Invalid { field: "customers", reason } => match reason.strip_prefix(UNKNOWN_CUSTOMER) {
            Some(login) => errors.add("customers", tr.v("admin-service-error-unknown-customer", login)),
            None => errors.add("customers", tr.t("admin-service-error-customers")),
        },
        other => return Err(PageError::from_domain(desk, other)),
    }
    Ok(errors)
}

/// The form for a new service, or for `current` (whose stored name is the title
/// whatever was typed), offering parents out of `all`.
fn render(
    desk: &Desk,
    current: Option<&Service>,
    form: ServiceForm,
    errors: FieldErrors,
    status: StatusCode,
    all: Vec<Service>,
) -> Response {
    let parents = all
        .into_iter()
        .filter(|p| current.is_none_or(|c| c.id != p.id && !c.is_above(p)))
        .filter(|p| p.valid || p.id.to_string() == form.parent_id)
        .collect();
    let title = match current {
        Some(s) => desk.tr().v("admin-service-title", &s.name),
        None => desk.tr().t("admin-service-new-title"),
    };
    let page =
        FormPage { c: Chrome::for_desk(desk, Nav::Admin, title), id: current.map(|s| s.id), form, parents, errors };
    html_status(&page, status)
}
