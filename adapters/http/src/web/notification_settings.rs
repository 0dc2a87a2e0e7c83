//! `/preferences/notifications`: the agent chooses which notifications reach them and
//! by which way (mail, the in-app feed), and which queues and services are "My Queues"
//! and "My Services". Only the notifications an admin made choosable are listed; the
//! others go out regardless.

use askama::Template;
use goats_core::DomainError;
use goats_core::agent_notifications::{AgentChoices, Transport};
use goats_core::model::{QueueId, ServiceId};
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
    errors: Errors,
}

/// A refused choice, beside the queues or the services.
#[derive(Default)]
struct Errors {
    queue: Option<String>,
    service: Option<String>,
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

fn page(desk: &Desk, choices: AgentChoices, errors: Errors, status: StatusCode) -> Response {
    let title = desk.tr().t("notify-settings-title");
    let body = html(&SettingsPage { c: Chrome::for_desk(desk, Nav::None, title), choices, errors });
    (status, body).into_response()
}

#[handler]
pub async fn show(desk: Desk) -> Result<Response, PageError> {
    let choices =
        desk.state.notification_choices.of(&desk.perms).await.map_err(|e| PageError::from_domain(&desk, e))?;
    Ok(page(&desk, choices, Errors::default(), StatusCode::OK))
}

/// The form sends one `notify=<id>:<transport>` per ticked box, one `queue=<id>` per
/// chosen queue and one `service=<id>` per chosen service.
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
    let mut services = Vec::new();
    for s in f.all("service") {
        match s.parse::<ServiceId>() {
            Ok(id) => services.push(id),
            Err(_) => return Err(PageError::invalid(&desk, "notify-error-service").beside("service")),
        }
    }
    let service = &desk.state.notification_choices;
    match service.save(&desk.perms, &on, &queues, &services).await {
        Ok(()) => Ok(with_flash(super::login::redirect("/preferences/notifications"), &desk.tr().t("notify-saved"))),
        Err(DomainError::Invalid { field, .. }) => {
            let choices = service.of(&desk.perms).await.map_err(|e| PageError::from_domain(&desk, e))?;
            let errors = match field {
                "services" => Errors { service: Some(desk.tr().t("notify-error-service")), ..Errors::default() },
                _ => Errors { queue: Some(desk.tr().t("notify-error-queue")), ..Errors::default() },
            };
            Ok(page(&desk, choices, errors, StatusCode::UNPROCESSABLE_ENTITY))
        }
        Err(e) => Err(PageError::from_domain(&desk, e)),
    }
}
