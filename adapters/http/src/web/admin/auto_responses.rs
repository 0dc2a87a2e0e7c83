//! `/admin/auto-responses`: the automatic answers queues give (OTRS's `auto_response`)
//! — list, add, change, set invalid — and which answer each queue gives
//! (`queue_auto_response`: at most one of each kind per queue).

use askama::Template;
use goats_core::DomainError;
use goats_core::model::{Queue, QueueId};
use goats_core::ports::{AutoResponseKind, NewAutoResponse, SystemAddressRecord};
use poem::http::StatusCode;
use poem::web::Path;
use poem::{Response, handler};

use crate::web::desk::Desk;
use crate::web::field_errors::FieldErrors;
use crate::web::form_text::FormText;
use crate::web::i18n::Tr;
use crate::web::page::{Chrome, Nav, PageError, html, html_status, with_flash};

const KINDS: [AutoResponseKind; 4] = [
    AutoResponseKind::Reply,
    AutoResponseKind::Reject,
    AutoResponseKind::FollowUp,
    AutoResponseKind::NewTicketAfterClosed,
];

/// What a kind is called on the pages.
fn kind_label(tr: Tr, kind: AutoResponseKind) -> String {
    tr.t(match kind {
        AutoResponseKind::Reply => "admin-auto-kind-reply",
        AutoResponseKind::Reject => "admin-auto-kind-reject",
        AutoResponseKind::FollowUp => "admin-auto-kind-follow-up",
        AutoResponseKind::NewTicketAfterClosed => "admin-auto-kind-new-ticket",
    })
}

/// One kind as a form's choice: its value and label.
struct KindChoice {
    value: i32,
    label: String,
}

fn kind_choices(tr: Tr) -> Vec<KindChoice> {
    KINDS.iter().map(|k| KindChoice { value: *k as i32, label: kind_label(tr, *k) }).collect()
}

/// A queue with the names of the answers it gives, one per kind (empty for none).
struct QueueRow {
    queue: Queue,
    answers: Vec<String>,
}

#[derive(Template)]
#[template(path = "pages/admin_auto_responses.html")]
struct ResponsesPage {
    c: Chrome,
    responses: Vec<(i32, NewAutoResponse)>,
    kinds: Vec<KindChoice>,
    queues: Vec<QueueRow>,
}

impl ResponsesPage {
    /// Which entry of the admin menu this list is (`layouts/admin_list.html`).
    fn section(&self) -> &'static str {
        "auto-responses"
    }

    fn empty(&self) -> bool {
        self.responses.is_empty()
    }
}

impl ResponsesPage {
    fn kind(&self, r: &NewAutoResponse) -> String {
        kind_label(self.c.tr, r.kind)
    }
}

#[derive(Template)]
#[template(path = "pages/admin_auto_response.html")]
struct ResponsePage {
    c: Chrome,
    /// `None` for a new auto-response.
    id: Option<i32>,
    form: NewAutoResponse,
    kinds: Vec<KindChoice>,
    addresses: Vec<SystemAddressRecord>,
    errors: FieldErrors,
}

impl ResponsePage {
    fn kind_value(&self) -> i32 {
        self.form.kind as i32
    }
}

/// The answers of one kind a queue may be given.
struct KindOptions {
    kind: KindChoice,
    options: Vec<(i32, String)>,
    chosen: i32,
}

#[derive(Template)]
#[template(path = "pages/admin_queue_auto_responses.html")]
struct QueuePage {
    c: Chrome,
    queue: Queue,
    kinds: Vec<KindOptions>,
    errors: FieldErrors,
}

#[handler]
pub async fn list(desk: Desk) -> Result<Response, PageError> {
    let fail = |e| PageError::from_domain(&desk, e);
    let responses = desk.state.mail_admin.auto_responses(&desk.perms).await.map_err(fail)?;
    let mut queues = Vec::new();
    for queue in desk.state.lookups.queues().await.map_err(fail)? {
        let ids = desk.state.mail_admin.queue_auto_responses(&desk.perms, queue.id).await.map_err(fail)?;
        let answers = KINDS
            .iter()
            .map(|kind| {
                let given = responses.iter().find(|(id, r)| r.kind == *kind && ids.contains(id));
                given.map(|(_, r)| r.name.clone()).unwrap_or_default()
            })
            .collect();
        queues.push(QueueRow { queue, answers });
    }
    let title = desk.tr().t("admin-auto-title");
    let kinds = kind_choices(desk.tr());
    Ok(html(&ResponsesPage { c: Chrome::for_desk(&desk, Nav::Admin, title), responses, kinds, queues }))
}

#[handler]
pub async fn new_form(desk: Desk) -> Result<Response, PageError> {
    let form = NewAutoResponse {
        name: String::new(),
        kind: AutoResponseKind::Reply,
        subject: "RE: <OTRS_CUSTOMER_SUBJECT[40]>".into(),
        body: String::new(),
        system_address_id: 1,
        valid: true,
    };
    render(&desk, None, form, FieldErrors::default(), StatusCode::OK).await
}

#[handler]
pub async fn edit(desk: Desk, Path(id): Path<i32>) -> Result<Response, PageError> {
    let form =
        desk.state.mail_admin.auto_response(&desk.perms, id).await.map_err(|e| PageError::from_domain(&desk, e))?;
    render(&desk, Some(id), form, FieldErrors::default(), StatusCode::OK).await
}

#[handler]
pub async fn create(desk: Desk, body: String) -> Result<Response, PageError> {
    let form = read(&body);
    let Some(form) = form else { return refused_kind(&desk, None, &body).await };
    match desk.state.mail_admin.create_auto_response(&desk.perms, form.clone()).await {
        Ok(id) => saved(&desk, id, &form.name, "admin-auto-created"),
        Err(e) => refused(&desk, None, form, e).await,
    }
}

#[handler]
pub async fn update(desk: Desk, Path(id): Path<i32>, body: String) -> Result<Response, PageError> {
    // The response must exist (and the agent be an admin) before the form is read.
    desk.state.mail_admin.auto_response(&desk.perms, id).await.map_err(|e| PageError::from_domain(&desk, e))?;
    let Some(form) = read(&body) else { return refused_kind(&desk, Some(id), &body).await };
    match desk.state.mail_admin.update_auto_response(&desk.perms, id, form.clone()).await {
        Ok(()) => saved(&desk, id, &form.name, "admin-auto-saved"),
        Err(e) => refused(&desk, Some(id), form, e).await,
    }
}

#[handler]
pub async fn queue_form(desk: Desk, Path(id): Path<QueueId>) -> Result<Response, PageError> {
    let fail = |e| PageError::from_domain(&desk, e);
    let chosen = desk.state.mail_admin.queue_auto_responses(&desk.perms, id).await.map_err(fail)?;
    render_queue(&desk, id, chosen, FieldErrors::default(), StatusCode::OK).await
}

#[handler]
pub async fn queue_save(desk: Desk, Path(id): Path<QueueId>, body: String) -> Result<Response, PageError> {
    let fail = |e| PageError::from_domain(&desk, e);
    desk.state.mail_admin.queue_auto_responses(&desk.perms, id).await.map_err(fail)?;
    let responses = desk.state.mail_admin.auto_responses(&desk.perms).await.map_err(fail)?;
    let f = FormText::parse(&body);
    let mut chosen = Vec::new();
    let mut misplaced = false;
    for kind in KINDS {
        let Some(choice) = f.get(&format!("kind_{}", kind as i32)).parse::<i32>().ok().filter(|id| *id > 0) else {
            continue;
        };
        // Each list offers answers of its own kind; another kind's there is a forged form.
        misplaced |= responses.iter().any(|(x, r)| *x == choice && r.kind != kind);
        chosen.push(choice);
    }
    let outcome = if misplaced {
        Err(DomainError::invalid("ids", "an auto-response is chosen for another kind than its own"))
    } else {
        desk.state.mail_admin.assign_auto_responses(&desk.perms, id, &chosen).await
    };
    match outcome {
        Ok(()) => {
            let queue = desk.state.lookups.queue(id).await.map_err(fail)?.map(|q| q.name).unwrap_or_default();
            let done = desk.tr().v("admin-auto-queue-saved", &queue);
            Ok(with_flash(crate::web::login::redirect("/admin/auto-responses"), &done))
        }
        Err(DomainError::Invalid { field, .. }) => {
            let mut errors = FieldErrors::default();
            let key = if field == "queue_id" { "admin-auto-error-queue" } else { "admin-auto-error-choice" };
            errors.add("kinds", desk.tr().t(key));
            render_queue(&desk, id, chosen, errors, StatusCode::UNPROCESSABLE_ENTITY).await
        }
        Err(e) => Err(fail(e)),
    }
}

fn saved(desk: &Desk, id: i32, name: &str, key: &str) -> Result<Response, PageError> {
    let done = desk.tr().v(key, name);
    Ok(with_flash(crate::web::login::redirect(&format!("/admin/auto-responses/{id}")), &done))
}

/// The form as an auto-response; `None` when its kind is none goats knows.
fn read(body: &str) -> Option<NewAutoResponse> {
    let f = FormText::parse(body);
    let kind = f.get("kind").parse::<usize>().ok().and_then(AutoResponseKind::from_repr)?;
    Some(NewAutoResponse {
        name: f.get("name"),
        kind,
        subject: f.get("subject"),
        body: f.raw("body"),
        system_address_id: f.get("system_address_id").parse().unwrap_or(0),
        valid: f.get("valid") == "1",
    })
}

/// A form whose kind is unknown comes back with what was typed and the kind marked.
async fn refused_kind(desk: &Desk, id: Option<i32>, body: &str) -> Result<Response, PageError> {
    let f = FormText::parse(body);
    let form = NewAutoResponse {
        name: f.get("name"),
        kind: AutoResponseKind::Reply,
        subject: f.get("subject"),
        body: f.raw("body"),
        system_address_id: f.get("system_address_id").parse().unwrap_or(0),
        valid: f.get("valid") == "1",
    };
    let mut errors = FieldErrors::default();
    errors.add("kind", desk.tr().t("admin-auto-error-kind"));
    render(desk, id, form, errors, StatusCode::UNPROCESSABLE_ENTITY).await
}

async fn refused(desk: &Desk, id: Option<i32>, form: NewAutoResponse, e: DomainError) -> Result<Response, PageError> {
    let mut errors = FieldErrors::default();
    let tr = desk.tr();
    match e {
        DomainError::Invalid { field: "name", .. } => errors.add("name", tr.t("admin-auto-error-name")),
        DomainError::Invalid { field: "subject", .. } => errors.add("subject", tr.t("admin-auto-error-subject")),
        DomainError::Invalid { field: "body", .. } => errors.add("body", tr.t("admin-auto-error-body")),
        DomainError::Invalid { .. } => errors.add("system_address_id", tr.t("admin-auto-error-address")),
        DomainError::Conflict(_) => errors.add("name", tr.t("admin-auto-error-taken")),
        other => return Err(PageError::from_domain(desk, other)),
    }
    render(desk, id, form, errors, StatusCode::UNPROCESSABLE_ENTITY).await
}

async fn render(
    desk: &Desk,
    id: Option<i32>,
    form: NewAutoResponse,
    errors: FieldErrors,
    status: StatusCode,
) -> Result<Response, PageError> {
    let addresses =
        desk.state.mail_admin.system_addresses(&desk.perms).await.map_err(|e| PageError::from_domain(desk, e))?;
    let title = match id {
        Some(_) => desk.tr().v("admin-auto-edit-title", &form.name),
        None => desk.tr().t("admin-auto-new-title"),
    };
    let kinds = kind_choices(desk.tr());
    let page = ResponsePage { c: Chrome::for_desk(desk, Nav::Admin, title), id, form, kinds, addresses, errors };
    Ok(html_status(&page, status))
}

async fn render_queue(
    desk: &Desk,
    id: QueueId,
    chosen: Vec<i32>,
    errors: FieldErrors,
    status: StatusCode,
) -> Result<Response, PageError> {
    let fail = |e| PageError::from_domain(desk, e);
    let queue =
        desk.state.lookups.queue(id).await.map_err(fail)?.ok_or_else(|| fail(DomainError::not_found("queue", id)))?;
    let responses = desk.state.mail_admin.auto_responses(&desk.perms).await.map_err(fail)?;
    let kinds = kind_choices(desk.tr())
        .into_iter()
        .zip(KINDS)
        .map(|(choice, kind)| {
            let of_kind: Vec<(i32, NewAutoResponse)> =
                responses.iter().filter(|(_, r)| r.kind == kind).cloned().collect();
            let chosen = of_kind.iter().find(|(id, _)| chosen.contains(id)).map_or(0, |(id, _)| *id);
            // An invalid answer is offered only while the queue still has it.
            let options =
                of_kind.into_iter().filter(|(id, r)| r.valid || *id == chosen).map(|(id, r)| (id, r.name)).collect();
            KindOptions { kind: choice, options, chosen }
        })
        .collect();
    let title = desk.tr().v("admin-auto-queue-title", &queue.name);
    let page = QueuePage { c: Chrome::for_desk(desk, Nav::Admin, title), queue, kinds, errors };
    Ok(html_status(&page, status))
}
