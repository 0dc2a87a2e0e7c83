//! `/admin/notifications`: the agent notifications (OTRS's `notification_event`), for
//! administrators — list, add, change, set invalid. A notification fires on events, for
//! recipients, by ways, optionally only for some queues, with a text per language (the
//! form edits English and German; texts in other languages are kept).

use askama::Template;
use goats_core::DomainError;
use goats_core::admin::notifications::NotificationAdmin;
use goats_core::agent_notifications::{NotificationMessage, TicketNotification, Transport};
use goats_core::model::Queue;
use goats_core::ports::NotificationRecord;
use poem::http::StatusCode;
use poem::web::Path;
use poem::{Response, handler};

use crate::web::desk::Desk;
use crate::web::field_errors::FieldErrors;
use crate::web::form_text::FormText;
use crate::web::page::{Chrome, Nav, PageError, html, html_status, with_flash};

/// The languages the form edits texts in.
const LANGUAGES: [&str; 2] = ["en", "de"];

#[derive(Template)]
#[template(path = "pages/admin_notifications.html")]
struct ListPage {
    c: Chrome,
    records: Vec<NotificationRecord>,
}

impl ListPage {
    /// Which entry of the admin menu this list is (`layouts/admin_list.html`).
    fn section(&self) -> &'static str {
        "notifications"
    }

    fn empty(&self) -> bool {
        self.records.is_empty()
    }
}

#[derive(Template)]
#[template(path = "pages/admin_notification.html")]
struct EditPage {
    c: Chrome,
    form: TicketNotification,
    valid: bool,
    events: Vec<String>,
    rules: Vec<String>,
    transports: Vec<&'static str>,
    queues: Vec<Queue>,
    /// The edited languages with their subject and text.
    texts: Vec<(&'static str, String, String)>,
    unknown: Vec<String>,
    errors: FieldErrors,
}

impl EditPage {
    fn has_event(&self, e: &str) -> bool {
        self.form.events.iter().any(|x| x == e)
    }
    fn has_rule(&self, r: &str) -> bool {
        self.form.recipients.iter().any(|x| x == r)
    }
    fn has_transport(&self, t: &str) -> bool {
        self.form.transports.iter().any(|x| x.name() == t)
    }
    fn on_by_default(&self, t: &str) -> bool {
        self.form.enabled_by_default.iter().any(|x| x.name() == t)
    }
    fn narrowed_to(&self, q: &Queue) -> bool {
        self.form.ticket_conditions.get("QueueID").is_some_and(|v| v.iter().any(|x| x.trim() == q.id.to_string()))
    }
}

#[handler]
pub async fn list(desk: Desk) -> Result<Response, PageError> {
    let records =
        desk.state.notification_admin.list(&desk.perms).await.map_err(|e| PageError::from_domain(&desk, e))?;
    let title = desk.tr().t("admin-notifications-title");
    Ok(html(&ListPage { c: Chrome::for_desk(&desk, Nav::Admin, title), records }))
}

#[handler]
pub async fn new_form(desk: Desk) -> Result<Response, PageError> {
    desk.state.notification_admin.list(&desk.perms).await.map_err(|e| PageError::from_domain(&desk, e))?;
    let form = TicketNotification {
        transports: vec![Transport::Email],
        enabled_by_default: vec![Transport::Email],
        visible_for_agent: true,
        send_on_out_of_office: true,
        ..TicketNotification::default()
    };
    render(&desk, form, true, None, FieldErrors::default(), StatusCode::OK).await
}

#[handler]
pub async fn edit(desk: Desk, Path(id): Path<i32>) -> Result<Response, PageError> {
    let record =
        desk.state.notification_admin.get(&desk.perms, id).await.map_err(|e| PageError::from_domain(&desk, e))?;
    let (form, valid) = (record.notification.clone(), record.valid);
    render(&desk, form, valid, Some(&record), FieldErrors::default(), StatusCode::OK).await
}

#[handler]
pub async fn save(desk: Desk, body: String) -> Result<Response, PageError> {
    let f = FormText::parse(&body);
    let id: i32 = f.get("id").parse().unwrap_or(0);
    let form = read(&f, id);
    let valid = f.get("valid") == "1";
    match desk.state.notification_admin.save(&desk.perms, form.clone(), valid).await {
        Ok(id) => {
            let done = desk.tr().v("admin-notification-saved", &form.name);
            Ok(with_flash(crate::web::login::redirect(&format!("/admin/notifications/{id}")), &done))
        }
        Err(e) => {
            let mut errors = FieldErrors::default();
            let tr = desk.tr();
            match e {
                DomainError::Conflict(_) => errors.add("name", tr.t("admin-notification-error-name-taken")),
                DomainError::Invalid { field, .. } => match field {
                    "events" => errors.add("events", tr.t("admin-notification-error-events")),
                    "recipients" => errors.add("recipients", tr.t("admin-notification-error-recipients")),
                    "transports" => errors.add("transports", tr.t("admin-notification-error-transports")),
                    "messages" => errors.add("messages", tr.t("admin-notification-error-messages")),
                    "queues" => errors.add("queues", tr.t("admin-notification-error-queues")),
                    _ => errors.add("name", tr.t("admin-notification-error-name")),
                },
                other => return Err(PageError::from_domain(&desk, other)),
            }
            // The stored notification only for the page: the events and rules it names
            // beyond goats' own.
            let record = match id {
                0 => None,
                _ => Some(
                    desk.state
                        .notification_admin
                        .get(&desk.perms, id)
                        .await
                        .map_err(|e| PageError::from_domain(&desk, e))?,
                ),
            };
            render(&desk, form, valid, record.as_ref(), errors, StatusCode::UNPROCESSABLE_ENTITY).await
        }
    }
}

/// The form as a notification: ticked boxes, and one subject and text per language.
fn read(f: &FormText, id: i32) -> TicketNotification {
    let transports = |name: &str| f.all(name).filter_map(|t| t.parse::<Transport>().ok()).collect::<Vec<_>>();
    let mut n = TicketNotification {
        id,
        name: f.get("name"),
        events: f.all("event").map(str::to_string).collect(),
        recipients: f.all("rule").map(str::to_string).collect(),
        transports: transports("transport"),
        enabled_by_default: transports("default"),
        visible_for_agent: f.get("visible_for_agent") == "1",
        send_on_out_of_office: f.get("send_on_out_of_office") == "1",
        once_per_day: f.get("once_per_day") == "1",
        ..TicketNotification::default()
    };
    let queues: Vec<String> = f.all("queue").map(str::to_string).collect();
    if !queues.is_empty() {
        n.ticket_conditions.insert("QueueID".into(), queues);
    }
    n.messages = LANGUAGES
        .iter()
        .map(|l| NotificationMessage {
            language: (*l).to_string(),
            subject: f.get(&format!("subject_{l}")),
            text: f.raw(&format!("text_{l}")).replace("\r\n", "\n"),
            content_type: "text/plain".into(),
        })
        .collect();
    n
}

async fn render(
    desk: &Desk,
    form: TicketNotification,
    valid: bool,
    record: Option<&NotificationRecord>,
    errors: FieldErrors,
    status: StatusCode,
) -> Result<Response, PageError> {
    let queues = desk.state.lookups.queues().await.map_err(|e| PageError::from_domain(desk, e))?;
    let (events, rules) = NotificationAdmin::choices(record);
    let texts = LANGUAGES
        .iter()
        .map(|l| {
            let m = form.messages.iter().find(|m| m.language == *l);
            (*l, m.map(|m| m.subject.clone()).unwrap_or_default(), m.map(|m| m.text.clone()).unwrap_or_default())
        })
        .collect();
    let title = if form.id == 0 {
        desk.tr().t("admin-notification-new-title")
    } else {
        desk.tr().v("admin-notification-edit-title", &form.name)
    };
    let page = EditPage {
        c: Chrome::for_desk(desk, Nav::Admin, title),
        form,
        valid,
        events,
        rules,
        transports: Transport::ALL.iter().map(|t| t.name()).collect(),
        queues,
        texts,
        unknown: record.map(|r| r.unknown.clone()).unwrap_or_default(),
        errors,
    };
    Ok(html_status(&page, status))
}
