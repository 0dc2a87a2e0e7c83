//! `/admin/ticket-defaults`: the queue, state, priority and type a new ticket gets
//! unless the agent (or an API caller) chooses otherwise. No queue by default.

use askama::Template;
use goats_core::DomainError;
use goats_core::model::{StateType, TicketDefaults};
use poem::http::StatusCode;
use poem::{Response, handler};

use crate::web::choices::Choice;
use crate::web::desk::Desk;
use crate::web::field_errors::FieldErrors;
use crate::web::form_text::FormText;
use crate::web::page::{Chrome, Nav, PageError, html_status, with_flash};

/// The form as typed, so a refused one comes back with nothing lost.
struct DefaultsForm {
    queue: String,
    state: String,
    priority: String,
    type_id: String,
}

#[derive(Template)]
#[template(path = "pages/admin_ticket_defaults.html")]
struct DefaultsPage {
    c: Chrome,
    form: DefaultsForm,
    queues: Vec<Choice>,
    states: Vec<Choice>,
    priorities: Vec<Choice>,
    types: Vec<Choice>,
    errors: FieldErrors,
}

#[handler]
pub async fn show(desk: Desk) -> Result<Response, PageError> {
    if !desk.perms.is_admin() {
        return Err(PageError::from_domain(&desk, DomainError::PermissionDenied("administration".into())));
    }
    let d = desk.state.tickets.defaults().await.map_err(|e| PageError::from_domain(&desk, e))?;
    let form = DefaultsForm {
        queue: d.queue_id.map(|q| q.to_string()).unwrap_or_default(),
        state: d.state_id.to_string(),
        priority: d.priority_id.to_string(),
        type_id: d.type_id.to_string(),
    };
    render(&desk, form, FieldErrors::default(), StatusCode::OK).await
}

#[handler]
pub async fn save(desk: Desk, body: String) -> Result<Response, PageError> {
    let f = FormText::parse(&body);
    let form = DefaultsForm {
        queue: f.get("queue"),
        state: f.get("state"),
        priority: f.get("priority"),
        type_id: f.get("type"),
    };
    // Something that is no number names nothing: the service refuses it beside its field.
    let id = |v: &str| v.trim().parse::<i32>().unwrap_or(0);
    let defaults = TicketDefaults {
        queue_id: (!form.queue.trim().is_empty()).then(|| id(&form.queue)),
        state_id: id(&form.state),
        priority_id: id(&form.priority),
        type_id: id(&form.type_id),
    };
    match desk.state.admin.set_ticket_defaults(&desk.perms, defaults).await {
        Ok(()) => {
            let done = desk.tr().t("admin-defaults-saved");
            Ok(with_flash(crate::web::login::redirect("/admin/ticket-defaults"), &done))
        }
        Err(DomainError::Invalid { field, .. }) => {
            let mut errors = FieldErrors::default();
            let tr = desk.tr();
            match field {
                "queue" => errors.add("queue", tr.t("admin-defaults-error-queue")),
                "state" => errors.add("state", tr.t("admin-defaults-error-state")),
                "priority" => errors.add("priority", tr.t("admin-defaults-error-priority")),
                _ => errors.add("type", tr.t("admin-defaults-error-type")),
            }
            render(&desk, form, errors, StatusCode::UNPROCESSABLE_ENTITY).await
        }
        Err(other) => Err(PageError::from_domain(&desk, other)),
    }
}

async fn render(
    desk: &Desk,
    form: DefaultsForm,
    errors: FieldErrors,
    status: StatusCode,
) -> Result<Response, PageError> {
    let fail = |e| PageError::from_domain(desk, e);
    let l = &desk.state.lookups;
    let choice = |id: i32, name: String| Choice { value: id.to_string(), label: name };
    let queues =
        l.queues().await.map_err(fail)?.into_iter().filter(|q| q.valid).map(|q| choice(q.id, q.name)).collect();
    // The states a ticket can start in with nothing more asked (no pending time).
    let states = l
        .states()
        .await
        .map_err(fail)?
        .into_iter()
        .filter(|s| s.valid && matches!(s.state_type, StateType::New | StateType::Open | StateType::Closed))
        .map(|s| choice(s.id, s.name))
        .collect();
    let priorities =
        l.priorities().await.map_err(fail)?.into_iter().filter(|p| p.valid).map(|p| choice(p.id, p.name)).collect();
    let types = l.types().await.map_err(fail)?.into_iter().filter(|t| t.valid).map(|t| choice(t.id, t.name)).collect();
    let title = desk.tr().t("admin-defaults-title");
    let page =
        DefaultsPage { c: Chrome::for_desk(desk, Nav::Admin, title), form, queues, states, priorities, types, errors };
    Ok(html_status(&page, status))
}
