//! `/admin/slas`: the service level agreements — list, add, change, set invalid. An SLA
//! holds its tickets to a first response, an update and a solution time (each with a
//! warning before it runs out), counted in a calendar, and is offered for services.

use askama::Template;
use goats_core::DomainError;
use goats_core::escalation::Allowance;
use goats_core::model::{Service, Sla, SlaId};
use poem::http::StatusCode;
use poem::web::Path;
use poem::{Response, handler};

use super::calendar_choice::{CALENDARS, other_calendar};
use crate::web::desk::Desk;
use crate::web::field_errors::FieldErrors;
use crate::web::form_text::FormText;
use crate::web::page::{Chrome, Nav, PageError, html, html_status, with_flash};

/// The three clocks, as the form and the service name them.
const CLOCKS: [&str; 3] = ["first_response", "update", "solution"];

#[derive(Template)]
#[template(path = "pages/admin_slas.html")]
struct ListPage {
    c: Chrome,
    rows: Vec<Sla>,
    services: Vec<Service>,
}

impl ListPage {
    /// Which entry of the admin menu this list is (`layouts/admin_list.html`).
    fn section(&self) -> &'static str {
        "slas"
    }

    fn empty(&self) -> bool {
        self.rows.is_empty()
    }

    /// Its three times for the list: minutes, or a dash for a clock that is off.
    fn times(&self, sla: &Sla) -> Vec<String> {
        let shown = |a: Allowance| match a.minutes {
            0 => "–".to_string(),
            m => self.c.v("admin-sla-minutes", &m.to_string()),
        };
        vec![shown(sla.first_response), shown(sla.update), shown(sla.solution)]
    }

    fn service_names(&self, sla: &Sla) -> String {
        let named = self.services.iter().filter(|s| sla.offered_for(s.id)).map(|s| s.name.as_str());
        named.collect::<Vec<_>>().join(", ")
    }
}

/// One clock as typed: its minutes and its warning in percent.
struct ClockForm {
    name: &'static str,
    minutes: String,
    notify: String,
}

/// The SLA form as typed: a refused form comes back with nothing lost.
struct SlaForm {
    name: String,
    calendar_name: String,
    clocks: Vec<ClockForm>,
    service_ids: Vec<String>,
    comments: String,
    valid: bool,
}

impl SlaForm {
    fn of(s: &Sla) -> Self {
        let clocks = CLOCKS
            .into_iter()
            .zip([s.first_response, s.update, s.solution])
            .map(|(name, a)| ClockForm { name, minutes: a.minutes.to_string(), notify: a.notify_percent.to_string() })
            .collect();
        Self {
            name: s.name.clone(),
            calendar_name: s.calendar_name.clone().unwrap_or_default(),
            clocks,
            service_ids: s.service_ids.iter().map(ToString::to_string).collect(),
            comments: s.comments.clone().unwrap_or_default(),
            valid: s.valid,
        }
    }

    fn read(f: &FormText, valid: bool) -> Self {
        let clocks = CLOCKS
            .into_iter()
            .map(|name| ClockForm {
                name,
                minutes: f.get(&format!("{name}_time")),
                notify: f.get(&format!("{name}_notify")),
            })
            .collect();
        Self {
            name: f.get("name"),
            calendar_name: f.get("calendar_name"),
            clocks,
            service_ids: f.all("service_ids").map(str::to_string).collect(),
            comments: f.get("comments"),
            valid,
        }
    }

    /// The SLA the form describes, or the numbers a browser's own checks would have
    /// refused. The rest the service checks.
    fn sla(&self, desk: &Desk, id: SlaId) -> Result<Sla, FieldErrors> {
        let mut errors = FieldErrors::default();
        let number = |typed: &str| if typed.trim().is_empty() { Some(0) } else { typed.trim().parse::<i32>().ok() };
        let mut allowances = [Allowance::default(); 3];
        for (i, clock) in self.clocks.iter().enumerate() {
            match (number(&clock.minutes), number(&clock.notify)) {
                (Some(minutes), Some(notify_percent)) => allowances[i] = Allowance { minutes, notify_percent },
                _ => errors.add(clock.name, desk.tr().t("admin-sla-error-time")),
            }
        }
        if !errors.is_empty() {
            return Err(errors);
        }
        let [first_response, update_time, solution] = allowances;
        Ok(Sla {
            id,
            name: self.name.clone(),
            calendar_name: Some(self.calendar_name.clone()),
            first_response,
            update: update_time,
            solution,
            // An id that is no number names nothing: the service refuses 0 beside its field.
            service_ids: self.service_ids.iter().map(|s| s.parse().unwrap_or(0)).collect(),
            comments: Some(self.comments.clone()),
            valid: self.valid,
        })
    }
}

#[derive(Template)]
#[template(path = "pages/admin_sla.html")]
struct FormPage {
    c: Chrome,
    /// `None` for a new SLA.
    id: Option<SlaId>,
    form: SlaForm,
    services: Vec<Service>,
    errors: FieldErrors,
}

impl FormPage {
    fn calendars(&self) -> &'static [&'static str] {
        &CALENDARS
    }

    fn other_calendar(&self) -> Option<&str> {
        other_calendar(&self.form.calendar_name)
    }

    fn offered(&self, s: &Service) -> bool {
        self.form.service_ids.contains(&s.id.to_string())
    }
}

#[handler]
pub async fn list(desk: Desk) -> Result<Response, PageError> {
    let fail = |e| PageError::from_domain(&desk, e);
    let rows = desk.state.admin.slas(&desk.perms).await.map_err(fail)?;
    let services = desk.state.admin.services(&desk.perms).await.map_err(fail)?;
    let title = desk.tr().t("admin-slas-title");
    Ok(html(&ListPage { c: Chrome::for_desk(&desk, Nav::Admin, title), rows, services }))
}

#[handler]
pub async fn new_form(desk: Desk) -> Result<Response, PageError> {
    let form = SlaForm::of(&Sla { valid: true, ..Default::default() });
    render(&desk, None, form, FieldErrors::default(), StatusCode::OK).await
}

#[handler]
pub async fn edit(desk: Desk, Path(id): Path<SlaId>) -> Result<Response, PageError> {
    let s = stored(&desk, id).await?;
    render(&desk, Some(&s), SlaForm::of(&s), FieldErrors::default(), StatusCode::OK).await
}

#[handler]
pub async fn create(desk: Desk, body: String) -> Result<Response, PageError> {
    save(desk, None, SlaForm::read(&FormText::parse(&body), true)).await
}

#[handler]
pub async fn update(desk: Desk, Path(id): Path<SlaId>, body: String) -> Result<Response, PageError> {
    // It must exist (and the agent be an admin) before the form is read.
    let current = stored(&desk, id).await?;
    let f = FormText::parse(&body);
    save(desk, Some(current), SlaForm::read(&f, f.get("valid") == "1")).await
}

async fn stored(desk: &Desk, id: SlaId) -> Result<Sla, PageError> {
    desk.state.admin.sla(&desk.perms, id).await.map_err(|e| PageError::from_domain(desk, e))
}

async fn save(desk: Desk, current: Option<Sla>, form: SlaForm) -> Result<Response, PageError> {
    let id = current.as_ref().map_or(0, |s| s.id);
    let result = match form.sla(&desk, id) {
        Ok(sla) => desk.state.admin.save_sla(&desk.perms, sla).await.map_err(|e| field_errors(&desk, e)),
        Err(errors) => Err(Ok(errors)),
    };
    match result {
        Ok(id) => {
            let key = if current.is_none() { "admin-sla-created" } else { "admin-sla-saved" };
            let done = desk.tr().v(key, form.name.trim());
            Ok(with_flash(crate::web::login::redirect(&format!("/admin/slas/{id}")), &done))
        }
        Err(errors) => render(&desk, current.as_ref(), form, errors?, StatusCode::UNPROCESSABLE_ENTITY).await,
    }
}

/// A refusal of the service beside the field it concerns; a failure that is no fault
/// of the form is the error page.
fn field_errors(desk: &Desk, e: DomainError) -> Result<FieldErrors, PageError> {
    let mut errors = FieldErrors::default();
    let tr = desk.tr();
    match e {
        DomainError::Conflict(_) => errors.add("name", tr.t("admin-sla-error-taken")),
        DomainError::Invalid { field: "name", .. } => errors.add("name", tr.t("admin-error-name")),
        DomainError::Invalid { field: "comments", .. } => errors.add("comments", tr.t("admin-error-comments")),
        DomainError::Invalid { field: "service_ids", .. } => {
            errors.add("service_ids", tr.t("admin-sla-error-services"))
        }
        DomainError::Invalid { field, .. } if CLOCKS.contains(&field) => {
            errors.add(field, tr.t("admin-sla-error-time"))
        }
        other => return Err(PageError::from_domain(desk, other)),
    }
    Ok(errors)
}

/// The form for a new SLA, or for `current` (whose stored name is the title whatever
/// was typed).
async fn render(
    desk: &Desk,
    current: Option<&Sla>,
    form: SlaForm,
    errors: FieldErrors,
    status: StatusCode,
) -> Result<Response, PageError> {
    let all = desk.state.admin.services(&desk.perms).await.map_err(|e| PageError::from_domain(desk, e))?;
    let services = all.into_iter().filter(|s| s.valid || form.service_ids.contains(&s.id.to_string())).collect();
    let title = match current {
        Some(s) => desk.tr().v("admin-sla-title", &s.name),
        None => desk.tr().t("admin-sla-new-title"),
    };
    let page =
        FormPage { c: Chrome::for_desk(desk, Nav::Admin, title), id: current.map(|s| s.id), form, services, errors };
    Ok(html_status(&page, status))
}
