//! `/admin/salutations` and `/admin/signatures`: the texts a queue's replies open and
//! close with — list, add, change, set invalid (OTRS never deletes them: queues may
//! still name them). One set of handlers serves both; which one a request is for, its
//! path says.

use askama::Template;
use goats_core::DomainError;
use goats_core::ports::{QueueText, QueueTextKind};
use poem::http::{StatusCode, Uri};
use poem::web::Path;
use poem::{Response, handler};

use super::path_kind::PathKind;
use crate::web::desk::Desk;
use crate::web::field_errors::FieldErrors;
use crate::web::form_text::FormText;
use crate::web::page::{Chrome, Nav, PageError, html, html_status, with_flash};

/// Which of the two a page is about.
#[derive(Clone, Copy, PartialEq)]
struct Kind(QueueTextKind);

impl PathKind for Kind {
    const ALL: &'static [(Self, &'static str, &'static str)] = &[
        (Kind(QueueTextKind::Salutation), "salutations", "salutation"),
        (Kind(QueueTextKind::Signature), "signatures", "signature"),
    ];
}

#[derive(Template)]
#[template(path = "pages/admin_queue_texts.html")]
struct ListPage {
    c: Chrome,
    kind: Kind,
    rows: Vec<QueueText>,
}

impl ListPage {
    /// Which entry of the admin menu this list is (`layouts/admin_list.html`).
    fn section(&self) -> &'static str {
        self.kind.plural()
    }

    fn empty(&self) -> bool {
        self.rows.is_empty()
    }
}

#[derive(Template)]
#[template(path = "pages/admin_queue_text.html")]
struct FormPage {
    c: Chrome,
    kind: Kind,
    /// As typed; id 0 for a new one.
    form: QueueText,
    errors: FieldErrors,
}

#[handler]
pub async fn list(desk: Desk, uri: &Uri) -> Result<Response, PageError> {
    let kind = Kind::of(uri);
    let rows =
        desk.state.mail_admin.queue_texts(&desk.perms, kind.0).await.map_err(|e| PageError::from_domain(&desk, e))?;
    let title = desk.tr().t(&kind.list_key("title"));
    Ok(html(&ListPage { c: Chrome::for_desk(&desk, Nav::Admin, title), kind, rows }))
}

#[handler]
pub async fn new_form(desk: Desk, uri: &Uri) -> Response {
    let form =
        QueueText { id: 0, name: String::new(), text: String::new(), content_type: None, comments: None, valid: true };
    render(&desk, Kind::of(uri), None, form, FieldErrors::default(), StatusCode::OK)
}

#[handler]
pub async fn edit(desk: Desk, uri: &Uri, Path(id): Path<i32>) -> Result<Response, PageError> {
    let kind = Kind::of(uri);
    let stored = stored(&desk, kind, id).await?;
    Ok(render(&desk, kind, Some(&stored.name), stored.clone(), FieldErrors::default(), StatusCode::OK))
}

#[handler]
pub async fn create(desk: Desk, uri: &Uri, body: String) -> Result<Response, PageError> {
    let form = read(&FormText::parse(&body), 0, None, true);
    save(desk, Kind::of(uri), None, form).await
}

#[handler]
pub async fn update(desk: Desk, uri: &Uri, Path(id): Path<i32>, body: String) -> Result<Response, PageError> {
    let kind = Kind::of(uri);
    // It must exist (and the agent be an admin) before the form is read; what the form
    // does not edit (the content type) stays as stored.
    let stored = stored(&desk, kind, id).await?;
    let f = FormText::parse(&body);
    let form = read(&f, id, stored.content_type.clone(), f.get("valid") == "1");
    save(desk, kind, Some(&stored.name), form).await
}

async fn stored(desk: &Desk, kind: Kind, id: i32) -> Result<QueueText, PageError> {
    desk.state.mail_admin.queue_text(&desk.perms, kind.0, id).await.map_err(|e| PageError::from_domain(desk, e))
}

fn read(f: &FormText, id: i32, content_type: Option<String>, valid: bool) -> QueueText {
    QueueText {
        id,
        name: f.get("name"),
        // The text keeps its lines and spaces as typed, only browsers' CRLF made LF.
        text: f.raw("text").replace("\r\n", "\n"),
        content_type,
        comments: Some(f.get("comments")).filter(|c| !c.is_empty()),
        valid,
    }
}

async fn save(desk: Desk, kind: Kind, stored_name: Option<&str>, form: QueueText) -> Result<Response, PageError> {
    match desk.state.mail_admin.save_queue_text(&desk.perms, kind.0, form.clone()).await {
        Ok(id) => {
            let key = if form.id == 0 { "created" } else { "saved" };
            let done = desk.tr().v(&kind.key(key), form.name.trim());
            Ok(with_flash(crate::web::login::redirect(&format!("/admin/{}/{id}", kind.plural())), &done))
        }
        Err(e) => {
            let errors = field_errors(&desk, kind, e)?;
            Ok(render(&desk, kind, stored_name, form, errors, StatusCode::UNPROCESSABLE_ENTITY))
        }
    }
}

/// A refusal of the service beside the field it concerns; a failure that is no fault
/// of the form is the error page.
fn field_errors(desk: &Desk, kind: Kind, e: DomainError) -> Result<FieldErrors, PageError> {
    let mut errors = FieldErrors::default();
    let tr = desk.tr();
    match e {
        DomainError::Conflict(_) => errors.add("name", tr.t(&kind.key("error-taken"))),
        DomainError::Invalid { field: "text", .. } => errors.add("text", tr.t("admin-queue-text-error-text")),
        DomainError::Invalid { field: "comments", .. } => errors.add("comments", tr.t("admin-error-comments")),
        DomainError::Invalid { .. } => errors.add("name", tr.t("admin-error-name")),
        other => return Err(PageError::from_domain(desk, other)),
    }
    Ok(errors)
}

/// The form for a new one, or for the one stored as `stored_name` (the title whatever
/// was typed).
fn render(
    desk: &Desk,
    kind: Kind,
    stored_name: Option<&str>,
    form: QueueText,
    errors: FieldErrors,
    status: StatusCode,
) -> Response {
    let title = match stored_name {
        Some(name) => desk.tr().v(&kind.key("title"), name),
        None => desk.tr().t(&kind.key("new-title")),
    };
    html_status(&FormPage { c: Chrome::for_desk(desk, Nav::Admin, title), kind, form, errors }, status)
}
