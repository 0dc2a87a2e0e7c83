//! `/admin/customer-users`: customer contacts (OTRS's `customer_user`) — searched and
//! paged, added, changed (their login stays), given a password for the portal, set
//! invalid. A contact belongs to a company by its customer id, or to none.

use askama::Template;
use goats_core::DomainError;
use goats_core::model::CustomerUser;
use poem::http::StatusCode;
use poem::web::{Path, Query};
use poem::{Response, handler};

use super::search_pages::{Search, Window};
use crate::web::desk::Desk;
use crate::web::field_errors::FieldErrors;
use crate::web::form_text::FormText;
use crate::web::page::{Chrome, Nav, PageError, html, html_status, with_flash};

const BASE: &str = "/admin/customer-users";

/// The form's text fields after the login, in the order shown: the first four are
/// required.
const FIELDS: [&str; 12] = [
    "first_name",
    "last_name",
    "email",
    "customer_id",
    "title",
    "phone",
    "mobile",
    "street",
    "zip",
    "city",
    "country",
    "comments",
];

/// What the form holds, as typed.
struct ContactForm {
    login: String,
    fields: Vec<(&'static str, String)>,
    valid: bool,
}

impl ContactForm {
    fn new() -> Self {
        Self { login: String::new(), fields: FIELDS.iter().map(|f| (*f, String::new())).collect(), valid: true }
    }

    fn of(u: &CustomerUser) -> Self {
        let opt = |v: &Option<String>| v.clone().unwrap_or_default();
        let values = [
            u.first_name.clone(),
            u.last_name.clone(),
            u.email.clone(),
            u.customer_id.clone(),
            opt(&u.title),
            opt(&u.phone),
            opt(&u.mobile),
            opt(&u.street),
            opt(&u.zip),
            opt(&u.city),
            opt(&u.country),
            opt(&u.comments),
        ];
        Self { login: u.login.clone(), fields: FIELDS.into_iter().zip(values).collect(), valid: u.valid }
    }

    fn read(f: &FormText, login: String) -> Self {
        Self { login, fields: FIELDS.iter().map(|n| (*n, f.get(n))).collect(), valid: f.get("valid") == "1" }
    }

    /// Whether the field must be filled in (the page marks it so).
    fn required(&self, name: &str) -> bool {
        matches!(name, "first_name" | "last_name" | "email")
    }

    fn get(&self, name: &str) -> String {
        self.fields.iter().find(|(n, _)| *n == name).map(|(_, v)| v.clone()).unwrap_or_default()
    }

    /// Writes the form onto a contact (its login and validity aside).
    fn apply(&self, u: &mut CustomerUser) {
        let opt = |name: &str| Some(self.get(name)).filter(|v| !v.is_empty());
        u.first_name = self.get("first_name");
        u.last_name = self.get("last_name");
        u.email = self.get("email");
        u.customer_id = self.get("customer_id");
        u.title = opt("title");
        u.phone = opt("phone");
        u.mobile = opt("mobile");
        u.street = opt("street");
        u.zip = opt("zip");
        u.city = opt("city");
        u.country = opt("country");
        u.comments = opt("comments");
    }

    /// The names required, and every field at most as long as OTRS's column, each
    /// said beside its field before the service (which checks the same) is asked.
    fn check(&self, desk: &Desk) -> FieldErrors {
        let mut errors = FieldErrors::default();
        for (name, value) in &self.fields {
            let required = matches!(*name, "first_name" | "last_name");
            if (required && value.trim().is_empty())
                || value.chars().count() > goats_core::admin::contact_field_limit(name)
            {
                errors.add(name, desk.tr().t("admin-contact-error-field"));
            }
        }
        errors
    }
}

#[derive(Template)]
#[template(path = "pages/admin_contacts.html")]
struct ContactsPage {
    c: Chrome,
    search: Search,
    found: Window<CustomerUser>,
}

impl ContactsPage {
    /// Which entry of the admin menu this list is (`layouts/admin_list.html`).
    fn section(&self) -> &'static str {
        "customer-users"
    }

    fn empty(&self) -> bool {
        self.found.rows.is_empty()
    }
}

#[derive(Template)]
#[template(path = "pages/admin_contact.html")]
struct ContactPage {
    c: Chrome,
    /// `None` for a new contact.
    login: Option<String>,
    form: ContactForm,
    errors: FieldErrors,
}

#[handler]
pub async fn list(desk: Desk, Query(search): Query<Search>) -> Result<Response, PageError> {
    let admin = &desk.state.admin;
    let found = admin.customer_users(&desk.perms, &search.q, search.limit()).await;
    let found = search.window(found.map_err(|e| PageError::from_domain(&desk, e))?, BASE);
    let title = desk.tr().t("admin-contacts-title");
    Ok(html(&ContactsPage { c: Chrome::for_desk(&desk, Nav::Admin, title), search, found }))
}

#[handler]
pub async fn new_form(desk: Desk) -> Response {
    render(&desk, None, ContactForm::new(), FieldErrors::default(), StatusCode::OK)
}

#[handler]
pub async fn edit(desk: Desk, Path(login): Path<String>) -> Result<Response, PageError> {
    let u = desk.state.admin.customer_user(&desk.perms, &login).await.map_err(|e| PageError::from_domain(&desk, e))?;
    Ok(render(&desk, Some(u.login.clone()), ContactForm::of(&u), FieldErrors::default(), StatusCode::OK))
}

#[handler]
pub async fn create(desk: Desk, body: String) -> Result<Response, PageError> {
    let f = FormText::parse(&body);
    let form = ContactForm::read(&f, f.get("login"));
    let password = Some(f.raw("password")).filter(|p| !p.is_empty());
    let errors = form.check(&desk);
    let result = match errors.is_empty() {
        true => {
            let mut u = CustomerUser { login: form.login.clone(), valid: true, ..Default::default() };
            form.apply(&mut u);
            let made = desk.state.admin.create_customer_user(&desk.perms, u, password).await;
            made.map_err(|e| field_errors(&desk, e))
        }
        false => Err(Ok(errors)),
    };
    match result {
        Ok(u) => Ok(saved(&desk, &u, "admin-contact-created")),
        Err(errors) => Ok(render(&desk, None, form, errors?, StatusCode::UNPROCESSABLE_ENTITY)),
    }
}

#[handler]
pub async fn update(desk: Desk, Path(login): Path<String>, body: String) -> Result<Response, PageError> {
    let admin = &desk.state.admin;
    let stored = admin.customer_user(&desk.perms, &login).await.map_err(|e| PageError::from_domain(&desk, e))?;
    let f = FormText::parse(&body);
    let form = ContactForm::read(&f, stored.login.clone());
    let password = Some(f.raw("password")).filter(|p| !p.is_empty());
    let errors = form.check(&desk);
    let result = match errors.is_empty() {
        true => {
            let changes = |u: &mut CustomerUser| {
                form.apply(u);
                u.valid = form.valid;
            };
            let changed = admin.change_customer_user(&desk.perms, &stored.login, changes, password).await;
            changed.map_err(|e| field_errors(&desk, e))
        }
        false => Err(Ok(errors)),
    };
    match result {
        Ok(u) => Ok(saved(&desk, &u, "admin-contact-saved")),
        Err(errors) => Ok(render(&desk, Some(stored.login), form, errors?, StatusCode::UNPROCESSABLE_ENTITY)),
    }
}

fn saved(desk: &Desk, u: &CustomerUser, key: &str) -> Response {
    let path = format!("{BASE}/{}", url::form_urlencoded::byte_serialize(u.login.as_bytes()).collect::<String>());
    with_flash(crate::web::login::redirect(&path), &desk.tr().v(key, &u.login))
}

/// A refusal of the service beside the field it concerns; a failure that is no fault
/// of the form is the error page.
fn field_errors(desk: &Desk, e: DomainError) -> Result<FieldErrors, PageError> {
    let mut errors = FieldErrors::default();
    let tr = desk.tr();
    match e {
        DomainError::Conflict(_) => errors.add("login", tr.t("admin-contact-error-login-taken")),
        DomainError::Invalid { field: "login", .. } => errors.add("login", tr.t("admin-user-error-login")),
        DomainError::Invalid { field: "email", .. } => errors.add("email", tr.t("admin-user-error-email")),
        DomainError::Invalid { field: "customer_id", .. } => {
            errors.add("customer_id", tr.t("admin-contact-error-company"))
        }
        DomainError::Invalid { field: "password", .. } => errors.add("password", tr.t("admin-user-error-password")),
        DomainError::Invalid { field, .. } => {
            errors.add(if FIELDS.contains(&field) { field } else { "first_name" }, tr.t("admin-contact-error-field"))
        }
        other => return Err(PageError::from_domain(desk, other)),
    }
    Ok(errors)
}

fn render(desk: &Desk, login: Option<String>, form: ContactForm, errors: FieldErrors, status: StatusCode) -> Response {
    let title = match &login {
        Some(l) => desk.tr().v("admin-contact-page-title", l),
        None => desk.tr().t("admin-contact-new-title"),
    };
    html_status(&ContactPage { c: Chrome::for_desk(desk, Nav::Admin, title), login, form, errors }, status)
}
