//! `/admin/postmaster-filters`: the rules the postmaster applies to incoming mail
//! (OTRS's `postmaster_filter`), for administrators — list, add, change, delete. A
//! filter's conditions are headers matched by regular expressions (or not matched);
//! when all hold, it sets `X-OTRS-*` headers that steer the new ticket.

use askama::Template;
use goats_core::DomainError;
use goats_core::mail::{FilterMatch, PostmasterFilter};
use poem::http::StatusCode;
use poem::web::Path;
use poem::{Response, handler};

use crate::web::desk::Desk;
use crate::web::field_errors::FieldErrors;
use crate::web::form_text::FormText;
use crate::web::page::{Chrome, Nav, PageError, html, html_status, with_flash};

/// The headers a filter may set: those the postmaster acts on.
const SETTABLE: [&str; 7] = [
    "X-OTRS-Queue",
    "X-OTRS-State",
    "X-OTRS-Priority",
    "X-OTRS-Type",
    "X-OTRS-CustomerUser",
    "X-OTRS-CustomerNo",
    "X-OTRS-Ignore",
];

/// Empty rows offered beside a filter's own, for more conditions and headers.
const SPARE_ROWS: usize = 2;
/// The most rows a form is read for.
const MAX_ROWS: usize = 30;

#[derive(Template)]
#[template(path = "pages/admin_postmaster_filters.html")]
struct FiltersPage {
    c: Chrome,
    filters: Vec<PostmasterFilter>,
}

impl FiltersPage {
    /// Which entry of the admin menu this list is (`layouts/admin_list.html`).
    fn section(&self) -> &'static str {
        "filters"
    }

    fn empty(&self) -> bool {
        self.filters.is_empty()
    }
}

#[derive(Template)]
#[template(path = "pages/admin_postmaster_filter.html")]
struct FilterPage {
    c: Chrome,
    /// Whether the filter is stored already (its name then cannot change).
    stored: bool,
    form: PostmasterFilter,
    settable: Vec<&'static str>,
    errors: FieldErrors,
}

impl FilterPage {
    /// The filter's conditions and headers, with spare empty rows.
    fn match_rows(&self) -> Vec<FilterMatch> {
        let mut rows = self.form.matches.clone();
        rows.extend((0..SPARE_ROWS).map(|_| FilterMatch {
            header: String::new(),
            pattern: String::new(),
            negate: false,
        }));
        rows
    }

    fn set_rows(&self) -> Vec<(String, String)> {
        let mut rows = self.form.sets.clone();
        rows.extend((0..SPARE_ROWS).map(|_| (String::new(), String::new())));
        rows
    }
}

#[handler]
pub async fn list(desk: Desk) -> Result<Response, PageError> {
    let filters = desk.state.mail_admin.filters(&desk.perms).await.map_err(|e| PageError::from_domain(&desk, e))?;
    let title = desk.tr().t("admin-filters-title");
    Ok(html(&FiltersPage { c: Chrome::for_desk(&desk, Nav::Admin, title), filters }))
}

#[handler]
pub async fn new_form(desk: Desk) -> Result<Response, PageError> {
    // Admins only, before anything is shown.
    desk.state.mail_admin.filters(&desk.perms).await.map_err(|e| PageError::from_domain(&desk, e))?;
    let form = PostmasterFilter { name: String::new(), stop: false, matches: Vec::new(), sets: Vec::new() };
    Ok(render(&desk, false, form, FieldErrors::default(), StatusCode::OK))
}

#[handler]
pub async fn edit(desk: Desk, Path(name): Path<String>) -> Result<Response, PageError> {
    let filters = desk.state.mail_admin.filters(&desk.perms).await.map_err(|e| PageError::from_domain(&desk, e))?;
    let filter = filters
        .into_iter()
        .find(|f| f.name == name)
        .ok_or_else(|| PageError::from_domain(&desk, DomainError::not_found("filter", &name)))?;
    Ok(render(&desk, true, filter, FieldErrors::default(), StatusCode::OK))
}

/// Stores the filter under its name, replacing one of that name.
#[handler]
pub async fn save(desk: Desk, body: String) -> Result<Response, PageError> {
    let f = FormText::parse(&body);
    let stored = f.get("stored") == "1";
    let form = read(&f);
    match desk.state.mail_admin.save_filter(&desk.perms, form.clone()).await {
        Ok(()) => {
            let done = desk.tr().v("admin-filter-saved", &form.name);
            Ok(with_flash(crate::web::login::redirect("/admin/postmaster-filters"), &done))
        }
        Err(DomainError::Invalid { field, .. }) => {
            let mut errors = FieldErrors::default();
            let tr = desk.tr();
            match field {
                "name" => errors.add("name", tr.t("admin-filter-error-name")),
                "matches" => errors.add("matches", tr.t("admin-filter-error-matches")),
                "pattern" => errors.add("matches", tr.t("admin-filter-error-pattern")),
                _ => errors.add("sets", tr.t("admin-filter-error-sets")),
            }
            Ok(render(&desk, stored, form, errors, StatusCode::UNPROCESSABLE_ENTITY))
        }
        Err(e) => Err(PageError::from_domain(&desk, e)),
    }
}

#[handler]
pub async fn delete(desk: Desk, Path(name): Path<String>) -> Result<Response, PageError> {
    desk.state.mail_admin.delete_filter(&desk.perms, &name).await.map_err(|e| PageError::from_domain(&desk, e))?;
    Ok(with_flash(
        crate::web::login::redirect("/admin/postmaster-filters"),
        &desk.tr().v("admin-filter-deleted", &name),
    ))
}

/// The form's rows (`m<n>_header`, `m<n>_pattern`, `m<n>_negate`; `s<n>_header`,
/// `s<n>_value`); a row without a header is left out.
fn read(f: &FormText) -> PostmasterFilter {
    let matches = (0..MAX_ROWS)
        .map(|n| FilterMatch {
            header: f.get(&format!("m{n}_header")),
            pattern: f.raw(&format!("m{n}_pattern")),
            negate: f.get(&format!("m{n}_negate")) == "1",
        })
        .filter(|m| !m.header.is_empty())
        .collect();
    let sets = (0..MAX_ROWS)
        .map(|n| (f.get(&format!("s{n}_header")), f.get(&format!("s{n}_value"))))
        .filter(|(h, _)| !h.is_empty())
        .collect();
    PostmasterFilter { name: f.get("name"), stop: f.get("stop") == "1", matches, sets }
}

fn render(desk: &Desk, stored: bool, form: PostmasterFilter, errors: FieldErrors, status: StatusCode) -> Response {
    let title =
        if stored { desk.tr().v("admin-filter-edit-title", &form.name) } else { desk.tr().t("admin-filter-new-title") };
    let page =
        FilterPage { c: Chrome::for_desk(desk, Nav::Admin, title), stored, form, settable: SETTABLE.to_vec(), errors };
    html_status(&page, status)
}
