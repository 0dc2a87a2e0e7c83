//! `/admin/customer-companies`: the companies contacts belong to (OTRS's
//! `customer_company`) — searched and paged, added, changed (their customer id stays:
//! tickets and contacts refer to it), set invalid.

use askama::Template;
use goats_core::DomainError;
use goats_core::model::CustomerCompany;
use poem::http::StatusCode;
use poem::web::{Path, Query};
use poem::{Response, handler};

use super::search_pages::{Search, Window};
use crate::web::desk::Desk;
use crate::web::field_errors::FieldErrors;
use crate::web::form_text::FormText;
use crate::web::page::{Chrome, Nav, PageError, html, html_status, with_flash};

const BASE: &str = "/admin/customer-companies";

/// The form's text fields after the customer id, in the order shown; the name is
/// required.
const FIELDS: [&str; 7] = ["name", "street", "zip", "city", "country", "url", "comments"];

/// What the form holds, as typed.
struct CompanyForm {
    customer_id: String,
    fields: Vec<(&'static str, String)>,
    valid: bool,
}

impl CompanyForm {
    fn new() -> Self {
        Self { customer_id: String::new(), fields: FIELDS.iter().map(|f| (*f, String::new())).collect(), valid: true }
    }

    fn of(c: &CustomerCompany) -> Self {
        let opt = |v: &Option<String>| v.clone().unwrap_or_default();
        let values =
            [c.name.clone(), opt(&c.street), opt(&c.zip), opt(&c.city), opt(&c.country), opt(&c.url), opt(&c.comments)];
        Self { customer_id: c.customer_id.clone(), fields: FIELDS.into_iter().zip(values).collect(), valid: c.valid }
    }

    fn read(f: &FormText, customer_id: String) -> Self {
        Self { customer_id, fields: FIELDS.iter().map(|n| (*n, f.get(n))).collect(), valid: f.get("valid") == "1" }
    }

    /// Whether the field must be filled in (the page marks it so).
    fn required(&self, name: &str) -> bool {
        name == "name"
    }

    fn get(&self, name: &str) -> String {
        self.fields.iter().find(|(n, _)| *n == name).map(|(_, v)| v.clone()).unwrap_or_default()
    }

    /// Writes the form onto a company (its id and validity aside).
    fn apply(&self, c: &mut CustomerCompany) {
        let opt = |name: &str| Some(self.get(name)).filter(|v| !v.is_empty());
        c.name = self.get("name");
        c.street = opt("street");
        c.zip = opt("zip");
        c.city = opt("city");
        c.country = opt("country");
        c.url = opt("url");
        c.comments = opt("comments");
    }

    /// Every field at most as long as OTRS's column.
    fn check(&self, desk: &Desk) -> FieldErrors {
        let mut errors = FieldErrors::default();
        for (name, value) in &self.fields {
            if value.chars().count() > 200 {
                errors.add(name, desk.tr().t("admin-contact-error-field"));
            }
        }
        errors
    }
}

#[derive(Template)]
#[template(path = "pages/admin_companies.html")]
struct CompaniesPage {
    c: Chrome,
    search: Search,
    found: Window<CustomerCompany>,
}

impl CompaniesPage {
    /// Which entry of the admin menu this list is (`layouts/admin_list.html`).
    fn section(&self) -> &'static str {
        "customer-companies"
    }

    fn empty(&self) -> bool {
        self.found.rows.is_empty()
    }
}

#[derive(Template)]
#[template(path = "pages/admin_company.html")]
struct CompanyPage {
    c: Chrome,
    /// `None` for a new company.
    id: Option<String>,
    form: CompanyForm,
    errors: FieldErrors,
}

#[handler]
pub async fn list(desk: Desk, Query(search): Query<Search>) -> Result<Response, PageError> {
    let found = desk.state.admin.companies(&desk.perms, &search.q, search.limit()).await;
    let found = search.window(found.map_err(|e| PageError::from_domain(&desk, e))?, BASE);
    let title = desk.tr().t("admin-companies-title");
    Ok(html(&CompaniesPage { c: Chrome::for_desk(&desk, Nav::Admin, title), search, found }))
}

#[handler]
pub async fn new_form(desk: Desk) -> Response {
    render(&desk, None, CompanyForm::new(), FieldErrors::default(), StatusCode::OK)
}

#[handler]
pub async fn edit(desk: Desk, Path(id): Path<String>) -> Result<Response, PageError> {
    let c = desk.state.admin.company(&desk.perms, &id).await.map_err(|e| PageError::from_domain(&desk, e))?;
    Ok(render(&desk, Some(c.customer_id.clone()), CompanyForm::of(&c), FieldErrors::default(), StatusCode::OK))
}

#[handler]
pub async fn create(desk: Desk, body: String) -> Result<Response, PageError> {
    let f = FormText::parse(&body);
    let form = CompanyForm::read(&f, f.get("customer_id"));
    let errors = form.check(&desk);
    let result = match errors.is_empty() {
        true => {
            let mut c = CustomerCompany { customer_id: form.customer_id.clone(), valid: true, ..Default::default() };
            form.apply(&mut c);
            desk.state.admin.create_company(&desk.perms, c).await.map_err(|e| field_errors(&desk, e))
        }
        false => Err(Ok(errors)),
    };
    match result {
        Ok(c) => Ok(saved(&desk, &c, "admin-company-created")),
        Err(errors) => Ok(render(&desk, None, form, errors?, StatusCode::UNPROCESSABLE_ENTITY)),
    }
}

#[handler]
pub async fn update(desk: Desk, Path(id): Path<String>, body: String) -> Result<Response, PageError> {
    let admin = &desk.state.admin;
    let stored = admin.company(&desk.perms, &id).await.map_err(|e| PageError::from_domain(&desk, e))?;
    let form = CompanyForm::read(&FormText::parse(&body), stored.customer_id.clone());
    let errors = form.check(&desk);
    let result = match errors.is_empty() {
        true => {
            let changes = |c: &mut CustomerCompany| {
                form.apply(c);
                c.valid = form.valid;
            };
            admin.change_company(&desk.perms, &stored.customer_id, changes).await.map_err(|e| field_errors(&desk, e))
        }
        false => Err(Ok(errors)),
    };
    match result {
        Ok(c) => Ok(saved(&desk, &c, "admin-company-saved")),
        Err(errors) => Ok(render(&desk, Some(stored.customer_id), form, errors?, StatusCode::UNPROCESSABLE_ENTITY)),
    }
}

fn saved(desk: &Desk, c: &CustomerCompany, key: &str) -> Response {
    let id: String = url::form_urlencoded::byte_serialize(c.customer_id.as_bytes()).collect();
    with_flash(crate::web::login::redirect(&format!("{BASE}/{id}")), &desk.tr().v(key, &c.name))
}

/// A refusal of the service beside the field it concerns; a failure that is no fault
/// of the form is the error page.
fn field_errors(desk: &Desk, e: DomainError) -> Result<FieldErrors, PageError> {
    let mut errors = FieldErrors::default();
    let tr = desk.tr();
    match e {
        DomainError::Conflict(_) => errors.add("customer_id", tr.t("admin-company-error-taken")),
        DomainError::Invalid { field: "customer_id", .. } => errors.add("customer_id", tr.t("admin-company-error-id")),
        DomainError::Invalid { .. } => errors.add("name", tr.t("admin-error-name")),
        other => return Err(PageError::from_domain(desk, other)),
    }
    Ok(errors)
}

fn render(desk: &Desk, id: Option<String>, form: CompanyForm, errors: FieldErrors, status: StatusCode) -> Response {
    let title = match &id {
        Some(i) => desk.tr().v("admin-company-title", i),
        None => desk.tr().t("admin-company-new-title"),
    };
    html_status(&CompanyPage { c: Chrome::for_desk(desk, Nav::Admin, title), id, form, errors }, status)
}
