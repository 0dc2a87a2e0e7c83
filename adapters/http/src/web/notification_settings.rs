//! `/preferences/notifications`: the agent chooses which notifications reach them and
//! by which way (mail, the in-app feed), and which queues are "My Queues". Only the
//! notifications an admin made choosable are listed; the others go out regardless.

use askama::Template;
use goats_core::DomainError;
use goats_core::agent_notifications::{AgentChoices, Transport};
use goats_core::model::QueueId;
use poem::http::StatusCode;
use poem::{IntoResponse, Response, handler};

use super::desk::Desk;
use super::form_text::FormText;
use super::page::{Chrome, Nav, PageError, html, with_flash};

#[derive(Template)]
#[template(path = "pages/notification_settings.html")]
struct SettingsPage {
    c: Chrome,
    choices: AgentChoices,
    queue_error: Option<String>,
}

impl SettingsPage {
    fn transport_label(&self, t: &Transport) -> String {
        self.c
            .t(match t {
                Transport::Email => "notify-transport-email",
                Transport::NotificationView => "notify-transport-in-app",
            })
            .into_owned()
    }
}

fn page(desk: &Desk, choices: AgentChoices, queue_error: Option<String>, status: StatusCode) -> Response {
    let title = desk.tr().t("notify-settings-title");
    let body = html(&SettingsPage { c: Chrome::for_desk(desk, Nav::None, title), choices, queue_error });
    (status, body).into_response()
}

#[handler]
pub async fn show(desk: Desk) -> Result<Response, PageError> {
    let choices =
        desk.state.notification_choices.of(&desk.perms).await.map_err(|e| PageError::from_domain(&desk, e))?;
    Ok(page(&desk, choices, None, StatusCode::OK))
}

/// The form sends one `notify=<id>:<transport>` per ticked box and one `queue=<id>` per
/// chosen queue.
#[handler]
pub async fn save(desk: Desk, body: String) -> Result<Response, PageError> {
    let f = FormText::parse(&body);
    let on: Vec<(i32, Transport)> = f
        .all("notify")
        .filter_map(|v| v.split_once(':'))
        .filter_map(|(id, t)| Some((id.parse().ok()?, t.parse().ok()?)))
        .collect();
    let mut queues = Vec::new();
    for q in f.all("queue") {
        match q.parse::<QueueId>() {
            Ok(id) => queues.push(id),
            Err(_) => return Err(PageError::invalid(&desk, "notify-error-queue").beside("queue")),
        }
    }
    let service = &desk.state.notification_choices;
    match service.save(&desk.perms, &on, &queues).await {
        Ok(()) => Ok(with_flash(super::login::redirect("/preferences/notifications"), &desk.tr().t("notify-saved"))),
        Err(DomainError::Invalid { .. }) => {
            let choices = service.of(&desk.perms).await.map_err(|e| PageError::from_domain(&desk, e))?;
            let error = Some(desk.tr().t("notify-error-queue"));
            Ok(page(&desk, choices, error, StatusCode::UNPROCESSABLE_ENTITY))
        }
        Err(e) => Err(PageError::from_domain(&desk, e)),
    }
}
