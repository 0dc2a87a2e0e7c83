//! `/admin/queues`: the queues tickets wait in — list, add, change, set invalid. A
//! queue's group decides who reaches its tickets; its follow-up option what a reply to
//! a closed ticket does; its times when its tickets unlock and escalate.

use askama::Template;
use goats_core::DomainError;
use goats_core::admin::QueueChanges;
use goats_core::model::{FollowUp, Group, Queue, QueueId};
use goats_core::ports::{NewQueue, QueueText, QueueTextKind, SystemAddressRecord};
use poem::http::StatusCode;
use poem::web::Path;
use poem::{Response, handler};

use super::calendar_choice::{CALENDARS, other_calendar};
use crate::web::desk::Desk;
use crate::web::field_errors::FieldErrors;
use crate::web::form_text::FormText;
use crate::web::page::{Chrome, Nav, PageError, html, html_status, with_flash};

/// The minute fields, in the order the form shows them.
const MINUTES: [&str; 4] = ["first_response_time", "update_time", "solution_time", "unlock_timeout"];

/// What the queue form holds, as typed: a refused form comes back with nothing lost.
struct QueueForm {
    name: String,
    group_id: String,
    follow_up: FollowUp,
    follow_up_lock: bool,
    customer_selectable: bool,
    customer_closable: bool,
    /// The ids of the system address, salutation and signature chosen, as sent.
    system_address_id: String,
    salutation_id: String,
    signature_id: String,
    /// The minute fields by [`MINUTES`]' names.
    minutes: Vec<(&'static str, String)>,
    calendar_name: String,
    comments: String,
    valid: bool,
}

impl QueueForm {
    fn new() -> Self {
        Self {
            name: String::new(),
            group_id: String::new(),
            follow_up: FollowUp::Possible,
            follow_up_lock: false,
            customer_selectable: true,
            customer_closable: true,
            // OTRS's admin form preselects its default address, salutation and signature.
            system_address_id: "1".into(),
            salutation_id: "1".into(),
            signature_id: "1".into(),
            minutes: MINUTES.iter().map(|m| (*m, "0".to_string())).collect(),
            calendar_name: String::new(),
            comments: String::new(),
            valid: true,
        }
    }

    fn of(q: &Queue) -> Self {
        let minutes = [q.first_response_time, q.update_time, q.solution_time, q.unlock_timeout];
        Self {
            name: q.name.clone(),
            group_id: q.group_id.to_string(),
            follow_up: q.follow_up,
            follow_up_lock: q.follow_up_lock,
            customer_selectable: q.customer_selectable,
            customer_closable: q.customer_closable,
            system_address_id: q.system_address_id.to_string(),
            salutation_id: q.salutation_id.to_string(),
            signature_id: q.signature_id.to_string(),
            minutes: MINUTES.into_iter().zip(minutes).map(|(m, v)| (m, v.to_string())).collect(),
            calendar_name: q.calendar_name.clone().unwrap_or_default(),
            comments: q.comments.clone().unwrap_or_default(),
            valid: q.valid,
        }
    }

    fn read(f: &FormText) -> Self {
        Self {
            name: f.get("name"),
            group_id: f.get("group_id"),
            follow_up: f.get("follow_up").parse().ok().and_then(FollowUp::from_repr).unwrap_or_default(),
            follow_up_lock: f.get("follow_up_lock") == "1",
            customer_selectable: f.get("customer_selectable") == "1",
            customer_closable: f.get("customer_closable") == "1",
            system_address_id: f.get("system_address_id"),
            salutation_id: f.get("salutation_id"),
            signature_id: f.get("signature_id"),
            minutes: MINUTES.iter().map(|m| (*m, f.get(m))).collect(),
            calendar_name: f.get("calendar_name"),
            comments: f.get("comments"),
            valid: f.get("valid") == "1",
        }
    }

    /// The queue the form describes, or the problems a browser's own checks would have
    /// caught: no group chosen, minutes that are no number. The rest the service checks.
    fn queue(&self, desk: &Desk) -> Result<NewQueue, FieldErrors> {
        let mut errors = FieldErrors::default();
        let group_id = self.group_id.parse().unwrap_or(0);
        if group_id <= 0 {
            errors.add("group_id", desk.tr().t("admin-queue-error-group"));
        }
        let mut minutes = [0; 4];
        for (i, (field, typed)) in self.minutes.iter().enumerate() {
            match typed.parse::<i32>() {
                Ok(m) if (0..=525_600).contains(&m) => minutes[i] = m,
                _ if typed.is_empty() => {}
                _ => errors.add(field, desk.tr().t("admin-queue-error-minutes")),
            }
        }
        if !errors.is_empty() {
            return Err(errors);
        }
        let [first_response_time, update_time, solution_time, unlock_timeout] = minutes;
        Ok(NewQueue {
            name: self.name.clone(),
            group_id,
            unlock_timeout,
            first_response_time,
            update_time,
            solution_time,
            calendar_name: Some(self.calendar_name.clone()).filter(|c| !c.is_empty()),
            comments: Some(self.comments.clone()).filter(|c| !c.is_empty()),
            follow_up: self.follow_up,
            follow_up_lock: self.follow_up_lock,
            customer_selectable: self.customer_selectable,
            customer_closable: self.customer_closable,
            // An id that is no number names nothing: the service refuses 0 beside its field.
            system_address_id: self.system_address_id.parse().unwrap_or(0),
            salutation_id: self.salutation_id.parse().unwrap_or(0),
            signature_id: self.signature_id.parse().unwrap_or(0),
        })
    }
}

#[derive(Template)]
#[template(path = "pages/admin_queues.html")]
struct QueuesPage {
    c: Chrome,
    queues: Vec<Queue>,
    groups: Vec<Group>,
}

impl QueuesPage {
    /// Which entry of the admin menu this list is (`layouts/admin_list.html`).
    fn section(&self) -> &'static str {
        "queues"
    }

    fn empty(&self) -> bool {
        self.queues.is_empty()
    }

    fn group_name(&self, q: &Queue) -> String {
        self.groups.iter().find(|g| g.id == q.group_id).map_or_else(|| q.group_id.to_string(), |g| g.name.clone())
    }
}

#[derive(Template)]
#[template(path = "pages/admin_queue.html")]
struct QueuePage {
    c: Chrome,
    /// `None` for a new queue.
    id: Option<QueueId>,
    form: QueueForm,
    errors: FieldErrors,
    groups: Vec<Group>,
    follow_ups: [(FollowUp, &'static str); 3],
    addresses: Vec<SystemAddressRecord>,
    salutations: Vec<QueueText>,
    signatures: Vec<QueueText>,
}

impl QueuePage {
    fn calendars(&self) -> &'static [&'static str] {
        &CALENDARS
    }

    /// A calendar name outside OTRS's "1" to "9" (a site's own), kept as it is.
    fn other_calendar(&self) -> Option<&str> {
        other_calendar(&self.form.calendar_name)
    }
}

#[handler]
pub async fn list(desk: Desk) -> Result<Response, PageError> {
    let fail = |e| PageError::from_domain(&desk, e);
    let mut queues = desk.state.admin.queues(&desk.perms).await.map_err(fail)?;
    queues.sort_by_key(|q| (!q.valid, q.name.to_lowercase()));
    let groups = desk.state.admin.groups(&desk.perms).await.map_err(fail)?;
    let title = desk.tr().t("admin-queues-title");
    Ok(html(&QueuesPage { c: Chrome::for_desk(&desk, Nav::Admin, title), queues, groups }))
}

#[handler]
pub async fn new_form(desk: Desk) -> Result<Response, PageError> {
    render(&desk, None, QueueForm::new(), FieldErrors::default(), StatusCode::OK).await
}

#[handler]
pub async fn edit(desk: Desk, Path(id): Path<QueueId>) -> Result<Response, PageError> {
    let q = desk.state.admin.queue(&desk.perms, id).await.map_err(|e| PageError::from_domain(&desk, e))?;
    render(&desk, Some(&q), QueueForm::of(&q), FieldErrors::default(), StatusCode::OK).await
}

#[handler]
pub async fn create(desk: Desk, body: String) -> Result<Response, PageError> {
    let form = QueueForm::read(&FormText::parse(&body));
    let result = match form.queue(&desk) {
        Ok(queue) => desk.state.admin.create_queue(&desk.perms, queue).await.map_err(|e| field_errors(&desk, e)),
        Err(errors) => Err(Ok(errors)),
    };
    match result {
        Ok(q) => Ok(saved(&desk, &q, "admin-queue-created")),
        Err(errors) => render(&desk, None, form, errors?, StatusCode::UNPROCESSABLE_ENTITY).await,
    }
}

#[handler]
pub async fn update(desk: Desk, Path(id): Path<QueueId>, body: String) -> Result<Response, PageError> {
    // The queue must exist (and the agent be an admin) before the form is read.
    let current = desk.state.admin.queue(&desk.perms, id).await.map_err(|e| PageError::from_domain(&desk, e))?;
    let form = QueueForm::read(&FormText::parse(&body));
    let result = match form.queue(&desk) {
        Ok(q) => {
            let changes = QueueChanges {
                name: Some(q.name),
                group_id: Some(q.group_id),
                unlock_timeout: Some(q.unlock_timeout),
                first_response_time: Some(q.first_response_time),
                update_time: Some(q.update_time),
                solution_time: Some(q.solution_time),
                calendar_name: Some(q.calendar_name),
                comments: Some(q.comments),
                follow_up: Some(q.follow_up),
                follow_up_lock: Some(q.follow_up_lock),
                customer_selectable: Some(q.customer_selectable),
                customer_closable: Some(q.customer_closable),
                system_address_id: Some(q.system_address_id),
                salutation_id: Some(q.salutation_id),
                signature_id: Some(q.signature_id),
                valid: Some(form.valid),
            };
            desk.state.admin.change_queue(&desk.perms, id, changes).await.map_err(|e| field_errors(&desk, e))
        }
        Err(errors) => Err(Ok(errors)),
    };
    match result {
        Ok(q) => Ok(saved(&desk, &q, "admin-queue-saved")),
        Err(errors) => render(&desk, Some(&current), form, errors?, StatusCode::UNPROCESSABLE_ENTITY).await,
    }
}

fn saved(desk: &Desk, q: &Queue, key: &str) -> Response {
    with_flash(crate::web::login::redirect(&format!("/admin/queues/{}", q.id)), &desk.tr().v(key, &q.name))
}

/// A refusal of the service beside the field it concerns; a failure that is no fault
/// of the form is the error page.
fn field_errors(desk: &Desk, e: DomainError) -> Result<FieldErrors, PageError> {
    let mut errors = FieldErrors::default();
    let tr = desk.tr();
    match e {
        DomainError::Conflict(_) => errors.add("name", tr.t("admin-queue-error-taken")),
        DomainError::Invalid { field: "name", .. } => errors.add("name", tr.t("admin-queue-error-name")),
        DomainError::Invalid { field: "group_id", .. } => errors.add("group_id", tr.t("admin-queue-error-group")),
        DomainError::Invalid { field: "comments", .. } => errors.add("comments", tr.t("admin-error-comments")),
        DomainError::Invalid { field: field @ ("system_address_id" | "salutation_id" | "signature_id"), .. } => {
            errors.add(field, tr.t("admin-queue-error-choice"))
        }
        DomainError::Invalid { field, .. } if MINUTES.contains(&field) => {
            errors.add(field, tr.t("admin-queue-error-minutes"))
        }
        other => return Err(PageError::from_domain(desk, other)),
    }
    Ok(errors)
}

/// The form for a new queue, or for `current` (whose stored name is the title whatever
/// was typed).
async fn render(
    desk: &Desk,
    current: Option<&Queue>,
    form: QueueForm,
    errors: FieldErrors,
    status: StatusCode,
) -> Result<Response, PageError> {
    let fail = |e| PageError::from_domain(desk, e);
    let groups = desk.state.admin.groups(&desk.perms).await.map_err(fail)?;
    let mail = &desk.state.mail_admin;
    let addresses = mail.system_addresses(&desk.perms).await.map_err(fail)?;
    let salutations = mail.queue_texts(&desk.perms, QueueTextKind::Salutation).await.map_err(fail)?;
    let signatures = mail.queue_texts(&desk.perms, QueueTextKind::Signature).await.map_err(fail)?;
    let title = match current {
        Some(q) => desk.tr().v("admin-queue-title", &q.name),
        None => desk.tr().t("admin-queue-new-title"),
    };
    let page = QueuePage {
        c: Chrome::for_desk(desk, Nav::Admin, title),
        id: current.map(|q| q.id),
        form,
        errors,
        groups,
        follow_ups: [
            (FollowUp::Possible, "admin-queue-follow-up-possible"),
            (FollowUp::Reject, "admin-queue-follow-up-reject"),
            (FollowUp::NewTicket, "admin-queue-follow-up-new-ticket"),
        ],
        addresses,
        salutations,
        signatures,
    };
    Ok(html_status(&page, status))
}
