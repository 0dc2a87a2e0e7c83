//! `/admin/templates`: the answer templates an agent starts a reply from in the zoom,
//! and the queues whose tickets offer each — list, add, change, set invalid (OTRS
//! never deletes them). Templates of other kinds from an OTRS site are listed and
//! edited with their kind kept.

use askama::Template;
use goats_core::DomainError;
use goats_core::model::{AnswerTemplate, Queue};
use poem::http::StatusCode;
use poem::web::Path;
use poem::{Response, handler};

use crate::web::desk::Desk;
use crate::web::field_errors::FieldErrors;
use crate::web::form_text::FormText;
use crate::web::page::{Chrome, Nav, PageError, html, html_status, with_flash};

#[derive(Template)]
#[template(path = "pages/admin_answer_templates.html")]
struct ListPage {
    c: Chrome,
    rows: Vec<AnswerTemplate>,
    queues: Vec<Queue>,
}

impl ListPage {
    /// Which entry of the admin menu this list is (`layouts/admin_list.html`).
    fn section(&self) -> &'static str {
        "templates"
    }

    fn empty(&self) -> bool {
        self.rows.is_empty()
    }

    fn queue_names(&self, t: &AnswerTemplate) -> String {
        let named = self.queues.iter().filter(|q| t.offered_in(q.id)).map(|q| q.name.as_str());
        named.collect::<Vec<_>>().join(", ")
    }
}

/// The form as typed: a refused form comes back with nothing lost.
struct TemplateForm {
    name: String,
    text: String,
    queue_ids: Vec<String>,
    comments: String,
    valid: bool,
}

impl TemplateForm {
    fn of(t: &AnswerTemplate) -> Self {
        Self {
            name: t.name.clone(),
            text: t.text.clone(),
            queue_ids: t.queue_ids.iter().map(ToString::to_string).collect(),
            comments: t.comments.clone().unwrap_or_default(),
            valid: t.valid,
        }
    }

    fn read(f: &FormText, valid: bool) -> Self {
        Self {
            name: f.get("name"),
            // The text keeps its lines and spaces as typed, only browsers' CRLF made LF.
            text: f.raw("text").replace("\r\n", "\n"),
            queue_ids: f.all("queue_ids").map(str::to_string).collect(),
            comments: f.get("comments"),
            valid,
        }
    }

    /// What the service is asked to store; kind and content type it keeps itself.
    fn template(&self, id: i32) -> AnswerTemplate {
        AnswerTemplate {
            id,
            name: self.name.clone(),
            text: self.text.clone(),
            // An id that is no number names nothing: the service refuses 0 beside its field.
            queue_ids: self.queue_ids.iter().map(|q| q.parse().unwrap_or(0)).collect(),
            comments: Some(self.comments.clone()),
            valid: self.valid,
            ..Default::default()
        }
    }
}

#[derive(Template)]
#[template(path = "pages/admin_answer_template.html")]
struct FormPage {
    c: Chrome,
    /// `None` for a new template.
    id: Option<i32>,
    /// OTRS's kind of a stored template other than an answer, shown since the zoom
    /// does not offer it.
    other_kind: Option<String>,
    form: TemplateForm,
    queues: Vec<Queue>,
    errors: FieldErrors,
}

impl FormPage {
    fn offered(&self, q: &Queue) -> bool {
        self.form.queue_ids.contains(&q.id.to_string())
    }
}

#[handler]
pub async fn list(desk: Desk) -> Result<Response, PageError> {
    let fail = |e| PageError::from_domain(&desk, e);
    let rows = desk.state.admin.answer_templates(&desk.perms).await.map_err(fail)?;
    let queues = desk.state.lookups.queues().await.map_err(fail)?;
    let title = desk.tr().t("admin-templates-title");
    Ok(html(&ListPage { c: Chrome::for_desk(&desk, Nav::Admin, title), rows, queues }))
}

#[handler]
pub async fn new_form(desk: Desk) -> Result<Response, PageError> {
    let form = TemplateForm::of(&AnswerTemplate { valid: true, ..Default::default() });
    render(&desk, None, form, FieldErrors::default(), StatusCode::OK).await
}

#[handler]
pub async fn edit(desk: Desk, Path(id): Path<i32>) -> Result<Response, PageError> {
    let t = stored(&desk, id).await?;
    render(&desk, Some(&t), TemplateForm::of(&t), FieldErrors::default(), StatusCode::OK).await
}

#[handler]
pub async fn create(desk: Desk, body: String) -> Result<Response, PageError> {
    save(desk, None, TemplateForm::read(&FormText::parse(&body), true)).await
}

#[handler]
pub async fn update(desk: Desk, Path(id): Path<i32>, body: String) -> Result<Response, PageError> {
    // It must exist (and the agent be an admin) before the form is read.
    let current = stored(&desk, id).await?;
    let f = FormText::parse(&body);
    save(desk, Some(current), TemplateForm::read(&f, f.get("valid") == "1")).await
}

async fn stored(desk: &Desk, id: i32) -> Result<AnswerTemplate, PageError> {
    desk.state.admin.answer_template(&desk.perms, id).await.map_err(|e| PageError::from_domain(desk, e))
}

async fn save(desk: Desk, current: Option<AnswerTemplate>, form: TemplateForm) -> Result<Response, PageError> {
    let id = current.as_ref().map_or(0, |t| t.id);
    match desk.state.admin.save_answer_template(&desk.perms, form.template(id)).await {
        Ok(id) => {
            let key = if current.is_none() { "admin-template-created" } else { "admin-template-saved" };
            let done = desk.tr().v(key, form.name.trim());
            Ok(with_flash(crate::web::login::redirect(&format!("/admin/templates/{id}")), &done))
        }
        Err(e) => {
            let errors = field_errors(&desk, e)?;
            render(&desk, current.as_ref(), form, errors, StatusCode::UNPROCESSABLE_ENTITY).await
        }
    }
}

/// A refusal of the service beside the field it concerns; a failure that is no fault
/// of the form is the error page.
fn field_errors(desk: &Desk, e: DomainError) -> Result<FieldErrors, PageError> {
    let mut errors = FieldErrors::default();
    let tr = desk.tr();
    match e {
        DomainError::Conflict(_) => errors.add("name", tr.t("admin-template-error-taken")),
        DomainError::Invalid { field: "name", .. } => errors.add("name", tr.t("admin-error-name")),
        DomainError::Invalid { field: "text", .. } => errors.add("text", tr.t("admin-template-error-text")),
        DomainError::Invalid { field: "comments", .. } => errors.add("comments", tr.t("admin-error-comments")),
        DomainError::Invalid { field: "queue_ids", .. } => errors.add("queue_ids", tr.t("admin-template-error-queues")),
        other => return Err(PageError::from_domain(desk, other)),
    }
    Ok(errors)
}

/// The form for a new template, or for `current` (whose stored name is the title
/// whatever was typed).
async fn render(
    desk: &Desk,
    current: Option<&AnswerTemplate>,
    form: TemplateForm,
    errors: FieldErrors,
    status: StatusCode,
) -> Result<Response, PageError> {
    let all = desk.state.lookups.queues().await.map_err(|e| PageError::from_domain(desk, e))?;
    // Invalid queues only when the template is offered in them, so that it stays so.
    let queues = all.into_iter().filter(|q| q.valid || form.queue_ids.contains(&q.id.to_string())).collect();
    let title = match current {
        Some(t) => desk.tr().v("admin-template-title", &t.name),
        None => desk.tr().t("admin-template-new-title"),
    };
    let page = FormPage {
        c: Chrome::for_desk(desk, Nav::Admin, title),
        id: current.map(|t| t.id),
        other_kind: current.filter(|t| !t.is_answer()).map(|t| t.template_type.clone()),
        form,
        queues,
        errors,
    };
    Ok(html_status(&page, status))
}
