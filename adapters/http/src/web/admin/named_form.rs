//! Things that are a name, a comment and a validity — groups and roles: their list and
//! their form.

use askama::Template;
use goats_core::DomainError;
use goats_core::model::{Group, Role};
use poem::Response;

use crate::web::desk::Desk;
use crate::web::field_errors::FieldErrors;
use crate::web::form_text::FormText;
use crate::web::page::{Chrome, Nav, PageError, html};

/// One line of the list.
pub(crate) struct NamedRow {
    pub id: i32,
    pub name: String,
    pub comments: Option<String>,
    pub valid: bool,
}

impl From<Group> for NamedRow {
    fn from(g: Group) -> Self {
        Self { id: g.id, name: g.name, comments: g.comments, valid: g.valid }
    }
}

impl From<Role> for NamedRow {
    fn from(r: Role) -> Self {
        Self { id: r.id, name: r.name, comments: r.comments, valid: r.valid }
    }
}

/// Which named things a list holds.
#[derive(Clone, Copy)]
pub(crate) enum Named {
    Groups,
    Roles,
}

impl Named {
    /// The path below `/admin/`, which is also the admin menu's entry.
    fn path(self) -> &'static str {
        match self {
            Named::Groups => "groups",
            Named::Roles => "roles",
        }
    }

    fn keys(self) -> [&'static str; 3] {
        match self {
            Named::Groups => ["admin-groups-title", "admin-group-add", "admin-groups-none"],
            Named::Roles => ["admin-roles-title", "admin-role-add", "admin-roles-none"],
        }
    }
}

#[derive(Template)]
#[template(path = "pages/admin_named_list.html")]
struct NamedList {
    c: Chrome,
    kind: Named,
    rows: Vec<NamedRow>,
}

impl NamedList {
    /// Which entry of the admin menu this list is (`layouts/admin_list.html`).
    fn section(&self) -> &'static str {
        self.kind.path()
    }

    fn empty(&self) -> bool {
        self.rows.is_empty()
    }

    fn add_key(&self) -> &'static str {
        self.kind.keys()[1]
    }

    fn none_key(&self) -> &'static str {
        self.kind.keys()[2]
    }
}

/// The list page of groups or roles.
pub(crate) fn list(desk: &Desk, kind: Named, rows: Vec<NamedRow>) -> Response {
    let title = desk.tr().t(kind.keys()[0]);
    html(&NamedList { c: Chrome::for_desk(desk, Nav::Admin, title), kind, rows })
}

/// What the form holds, as typed.
pub(crate) struct NamedForm {
    pub name: String,
    pub comments: String,
    pub valid: bool,
}

impl NamedForm {
    pub fn new() -> Self {
        Self { name: String::new(), comments: String::new(), valid: true }
    }

    pub fn of(name: &str, comments: Option<&str>, valid: bool) -> Self {
        Self { name: name.into(), comments: comments.unwrap_or_default().into(), valid }
    }

    pub fn read(f: &FormText) -> Self {
        Self { name: f.get("name"), comments: f.get("comments"), valid: f.get("valid") == "1" }
    }

    pub fn comments(&self) -> Option<&str> {
        Some(self.comments.as_str()).filter(|c| !c.is_empty())
    }
}

/// A refusal of the service beside the field it concerns (`taken_key` says the name is
/// another's, `valid_key` why it must stay valid); a failure that is no fault of the
/// form is the error page.
pub(crate) fn field_errors(
    desk: &Desk,
    e: DomainError,
    taken_key: &str,
    valid_key: &str,
) -> Result<FieldErrors, PageError> {
    let mut errors = FieldErrors::default();
    let tr = desk.tr();
    match e {
        DomainError::Conflict(_) => errors.add("name", tr.t(taken_key)),
        DomainError::Invalid { field: "comments", .. } => errors.add("comments", tr.t("admin-error-comments")),
        DomainError::Invalid { field: "valid", .. } => errors.add("valid", tr.t(valid_key)),
        DomainError::Invalid { field: "name", .. } => errors.add("name", tr.t("admin-error-name")),
        other => return Err(PageError::from_domain(desk, other)),
    }
    Ok(errors)
}
