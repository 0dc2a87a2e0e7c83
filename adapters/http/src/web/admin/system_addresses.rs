//! `/admin/system-addresses`: the addresses goats sends mail from (OTRS's
//! `system_address`), each with the queue mail to it belongs in — list, add, change,
//! set invalid (nothing is deleted, as in OTRS).

use askama::Template;
use goats_core::DomainError;
use goats_core::model::Queue;
use goats_core::ports::{SystemAddress, SystemAddressRecord};
use poem::http::StatusCode;
use poem::web::Path;
use poem::{Response, handler};

use crate::web::desk::Desk;
use crate::web::field_errors::FieldErrors;
use crate::web::form_text::FormText;
use crate::web::page::{Chrome, Nav, PageError, html, html_status, with_flash};

#[derive(Template)]
#[template(path = "pages/admin_system_addresses.html")]
struct AddressesPage {
    c: Chrome,
    addresses: Vec<SystemAddressRecord>,
    queues: Vec<Queue>,
}

impl AddressesPage {
    /// Which entry of the admin menu this list is (`layouts/admin_list.html`).
    fn section(&self) -> &'static str {
        "addresses"
    }

    fn empty(&self) -> bool {
        self.addresses.is_empty()
    }
}

impl AddressesPage {
    fn queue_name(&self, a: &SystemAddressRecord) -> String {
        self.queues.iter().find(|q| q.id == a.queue_id).map_or_else(|| a.queue_id.to_string(), |q| q.name.clone())
    }
}

#[derive(Template)]
#[template(path = "pages/admin_system_address.html")]
struct AddressPage {
    c: Chrome,
    form: SystemAddressRecord,
    queues: Vec<Queue>,
    errors: FieldErrors,
}

#[handler]
pub async fn list(desk: Desk) -> Result<Response, PageError> {
    let fail = |e| PageError::from_domain(&desk, e);
    let addresses = desk.state.mail_admin.system_addresses(&desk.perms).await.map_err(fail)?;
    let queues = desk.state.lookups.queues().await.map_err(fail)?;
    let title = desk.tr().t("admin-address-title");
    Ok(html(&AddressesPage { c: Chrome::for_desk(&desk, Nav::Admin, title), addresses, queues }))
}

#[handler]
pub async fn new_form(desk: Desk) -> Result<Response, PageError> {
    let form = SystemAddressRecord {
        id: 0,
        address: SystemAddress { email: String::new(), name: String::new() },
        queue_id: 0,
        comments: None,
        valid: true,
    };
    render(&desk, form, FieldErrors::default(), StatusCode::OK).await
}

#[handler]
pub async fn edit(desk: Desk, Path(id): Path<i32>) -> Result<Response, PageError> {
    let fail = |e| PageError::from_domain(&desk, e);
    let address = desk.state.mail_admin.system_address(&desk.perms, id).await.map_err(fail)?;
    render(&desk, address, FieldErrors::default(), StatusCode::OK).await
}

#[handler]
pub async fn create(desk: Desk, body: String) -> Result<Response, PageError> {
    save(desk, read(&body, 0)).await
}

#[handler]
pub async fn update(desk: Desk, Path(id): Path<i32>, body: String) -> Result<Response, PageError> {
    // The address must exist (and the agent be an admin) before the form is read.
    desk.state.mail_admin.system_address(&desk.perms, id).await.map_err(|e| PageError::from_domain(&desk, e))?;
    save(desk, read(&body, id)).await
}

async fn save(desk: Desk, form: SystemAddressRecord) -> Result<Response, PageError> {
    match desk.state.mail_admin.save_system_address(&desk.perms, form.clone()).await {
        Ok(id) => {
            let key = if form.id == 0 { "admin-address-created" } else { "admin-address-saved" };
            let done = desk.tr().v(key, &form.address.email);
            Ok(with_flash(crate::web::login::redirect(&format!("/admin/system-addresses/{id}")), &done))
        }
        Err(e) => {
            let errors = field_errors(&desk, e)?;
            render(&desk, form, errors, StatusCode::UNPROCESSABLE_ENTITY).await
        }
    }
}

fn read(body: &str, id: i32) -> SystemAddressRecord {
    let f = FormText::parse(body);
    SystemAddressRecord {
        id,
        address: SystemAddress { email: f.get("email"), name: f.get("name") },
        queue_id: f.get("queue_id").parse().unwrap_or(0),
        comments: Some(f.get("comments")).filter(|c| !c.is_empty()),
        valid: f.get("valid") == "1",
    }
}

/// A refusal of the service beside the field it concerns; a failure that is no fault
/// of the form is the error page.
fn field_errors(desk: &Desk, e: DomainError) -> Result<FieldErrors, PageError> {
    let mut errors = FieldErrors::default();
    let tr = desk.tr();
    match e {
        DomainError::Invalid { field: "email", .. } => errors.add("email", tr.t("admin-address-error-email")),
        DomainError::Invalid { field: "name", .. } => errors.add("name", tr.t("admin-address-error-name")),
        DomainError::Invalid { field: "comments", .. } => errors.add("comments", tr.t("admin-error-comments")),
        DomainError::Invalid { .. } => errors.add("queue_id", tr.t("admin-address-error-queue")),
        DomainError::Conflict(_) => errors.add("email", tr.t("admin-address-error-taken")),
        other => return Err(PageError::from_domain(desk, other)),
    }
    Ok(errors)
}

async fn render(
    desk: &Desk,
    form: SystemAddressRecord,
    errors: FieldErrors,
    status: StatusCode,
) -> Result<Response, PageError> {
    let queues = desk.state.lookups.queues().await.map_err(|e| PageError::from_domain(desk, e))?;
    let title = match form.id {
        0 => desk.tr().t("admin-address-new-title"),
        _ => desk.tr().v("admin-address-edit-title", &form.address.email),
    };
    let page = AddressPage { c: Chrome::for_desk(desk, Nav::Admin, title), form, queues, errors };
    Ok(html_status(&page, status))
}
