//! Changing one's own password, for agents (`/preferences/password`) and customers
//! (`/customer/password`): the current password, the new one twice. The form and how a
//! refusal reads are shared; each side checks with its own account kind, and a change
//! ends that person's other browser sessions.

use askama::Template;
use goats_core::DomainError;
use goats_core::auth::AuthError;
use poem::http::StatusCode;
use poem::web::Form;
use poem::{IntoResponse, Request, Response, handler};
use serde::Deserialize;

use super::desk::Desk;
use super::i18n::Tr;
use super::login::redirect;
use super::page::{Chrome, Nav, PageError, html, with_flash};
use super::portal::Visit;
use super::session::CurrentSession;
use crate::client_addr::ClientAddr;

const AGENT_PAGE: &str = "/preferences/password";
const CUSTOMER_PAGE: &str = "/customer/password";

#[derive(Template)]
#[template(path = "pages/password.html")]
struct AgentPage<'a> {
    c: Chrome,
    action: &'a str,
    errors: PasswordErrors,
}

#[derive(Template)]
#[template(path = "pages/portal_password.html")]
struct CustomerPage<'a> {
    c: Chrome,
    action: &'a str,
    errors: PasswordErrors,
}

fn agent_page(desk: &Desk, errors: PasswordErrors, status: StatusCode) -> Response {
    let c = Chrome::for_desk(desk, Nav::None, desk.tr().t("password-title"));
    (status, html(&AgentPage { c, action: AGENT_PAGE, errors })).into_response()
}

fn customer_page(visit: &Visit, errors: PasswordErrors, status: StatusCode) -> Response {
    let c = visit.chrome(Nav::PortalPassword, visit.tr().t("password-title"));
    (status, html(&CustomerPage { c, action: CUSTOMER_PAGE, errors })).into_response()
}

#[handler]
pub async fn agent_form(desk: Desk) -> Response {
    agent_page(&desk, PasswordErrors::default(), StatusCode::OK)
}

#[handler]
pub async fn agent_save(
    req: &Request,
    desk: Desk,
    ClientAddr(client): ClientAddr,
    Form(f): Form<PasswordForm>,
) -> Result<Response, PageError> {
    let tr = desk.tr();
    if let Some(errors) = PasswordErrors::mismatch(&f, tr) {
        return Ok(agent_page(&desk, errors, StatusCode::UNPROCESSABLE_ENTITY));
    }
    if let Err(e) = desk.state.auth.change_password(desk.agent.id, &f.current, &f.new, &client).await {
        let (status, errors) = PasswordErrors::from_refusal(&e, tr);
        return Ok(agent_page(&desk, errors, status));
    }
    let secret = req.extensions().get::<CurrentSession>().and_then(|s| s.secret.clone());
    if let Some(secret) = secret {
        desk.state.sessions.end_others(&desk.agent.id, &secret).await.map_err(|e| PageError::from_domain(&desk, e))?;
    }
    Ok(with_flash(redirect(AGENT_PAGE), &tr.t("password-changed")))
}

#[handler]
pub async fn customer_form(visit: Visit) -> Response {
    customer_page(&visit, PasswordErrors::default(), StatusCode::OK)
}

#[handler]
pub async fn customer_save(
    req: &Request,
    visit: Visit,
    ClientAddr(client): ClientAddr,
    Form(f): Form<PasswordForm>,
) -> Result<Response, PageError> {
    let tr = visit.tr();
    if let Some(errors) = PasswordErrors::mismatch(&f, tr) {
        return Ok(customer_page(&visit, errors, StatusCode::UNPROCESSABLE_ENTITY));
    }
    let login = &visit.customer.login;
    if let Err(e) = visit.state.auth.change_customer_password(login, &f.current, &f.new, &client).await {
        let (status, errors) = PasswordErrors::from_refusal(&e, tr);
        return Ok(customer_page(&visit, errors, status));
    }
    let secret = req.extensions().get::<CurrentSession>().and_then(|s| s.customer_secret.clone());
    if let Some(secret) = secret {
        visit.state.customer_sessions.end_others(login, &secret).await.map_err(|e| visit.failed(e))?;
    }
    Ok(with_flash(redirect(CUSTOMER_PAGE), &tr.t("password-changed")))
}

#[derive(Deserialize)]
pub struct PasswordForm {
    pub current: String,
    pub new: String,
    pub repeat: String,
}

/// The form's refusals, beside their fields.
#[derive(Default)]
pub struct PasswordErrors {
    pub current: Option<String>,
    pub new: Option<String>,
    pub repeat: Option<String>,
    /// Not about a field: the store failed.
    pub general: Option<String>,
}

impl PasswordErrors {
    /// What a repeat that differs says, before anything is checked.
    pub fn mismatch(f: &PasswordForm, tr: Tr) -> Option<Self> {
        (f.new != f.repeat).then(|| Self { repeat: Some(tr.t("password-error-repeat")), ..Self::default() })
    }

    /// What a refused change says, and the status it answers with.
    pub fn from_refusal(e: &AuthError, tr: Tr) -> (StatusCode, Self) {
        match e {
            AuthError::InvalidCredentials => (
                StatusCode::UNPROCESSABLE_ENTITY,
                Self { current: Some(tr.t("password-error-current")), ..Self::default() },
            ),
            AuthError::Throttled { retry_after_secs } => (
                StatusCode::TOO_MANY_REQUESTS,
                Self { current: Some(tr.n("login-throttled", *retry_after_secs as f64)), ..Self::default() },
            ),
            AuthError::Domain(DomainError::Invalid { field, .. }) => {
                let key = if *field == "password_unchanged" { "password-error-same" } else { "password-error-rules" };
                (StatusCode::UNPROCESSABLE_ENTITY, Self { new: Some(tr.t(key)), ..Self::default() })
            }
            other => {
                tracing::error!(error = %other, "changing a password failed");
                (StatusCode::SERVICE_UNAVAILABLE, Self { general: Some(tr.t("error-unavailable")), ..Self::default() })
            }
        }
    }
}
