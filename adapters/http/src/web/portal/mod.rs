//! The customer portal at `/customer`: customers sign in with the password OTRS stored
//! for them, follow their own and their company's tickets, read what is meant for them
//! (internal notes never leave the server), answer, and open tickets. It has its own
//! session cookie (sent only to `/customer` pages) and its own frame
//! (`layouts/portal.html`); what customers may do is decided by the same core services
//! as the REST API's customer operations.

pub(crate) mod live;
pub(crate) mod login;
pub(crate) mod profile;
pub(crate) mod tickets;

use goats_core::DomainError;
use goats_core::model::CustomerUser;
use poem::http::StatusCode;
use poem::{FromRequest, Request, RequestBody, Response};

use super::desk::{Theme, browser_lang, is_htmx};
use super::i18n::{Lang, Tr};
use super::page::{Chrome, Nav, PageError};
use super::session::CurrentSession;
use crate::AppState;

/// A page request of a signed-in customer.
#[derive(Clone)]
pub struct Visit {
    pub state: AppState,
    pub customer: CustomerUser,
    pub csrf: String,
    pub lang: Lang,
    /// Whether HTMX sent the request.
    pub htmx: bool,
    /// The toast the previous action left for this page.
    pub flash: Option<String>,
}

impl Visit {
    /// The signed-in customer of the request; a visitor who is not signed in (or whose
    /// account was set invalid since) is sent to the portal's login.
    pub async fn load(req: &Request) -> poem::Result<Self> {
        let state = req
            .data::<AppState>()
            .cloned()
            .ok_or_else(|| poem::Error::from_status(StatusCode::INTERNAL_SERVER_ERROR))?;
        let current = req.extensions().get::<CurrentSession>();
        let flash = current.and_then(|s| s.flash.clone());
        let Some(active) = current.and_then(|s| s.customer.clone()) else {
            return Err(poem::Error::from_response(to_login(req)));
        };
        let customer = state.customers.user(&active.holder).await.map_err(|e| {
            tracing::error!(error = %e, "loading the signed-in customer failed");
            poem::Error::from_status(StatusCode::SERVICE_UNAVAILABLE)
        })?;
        let Some(customer) = customer.filter(|c| c.valid) else {
            return Err(poem::Error::from_response(to_login(req)));
        };
        // The language the customer chose in their settings, else their browser's.
        let chosen = state.customer_profiles.language(&customer.login).await.map_err(|e| {
            tracing::error!(error = %e, "reading the customer's language failed");
            poem::Error::from_status(StatusCode::SERVICE_UNAVAILABLE)
        })?;
        let lang = chosen.as_deref().and_then(Lang::from_code).unwrap_or_else(|| browser_lang(req));
        Ok(Visit { state, customer, csrf: active.csrf_token, lang, htmx: is_htmx(req), flash })
    }

    pub fn tr(&self) -> Tr {
        Tr(self.lang)
    }

    /// The portal's frame around a page.
    pub fn chrome(&self, nav: Nav, title: String) -> Chrome {
        Chrome {
            tr: self.tr(),
            lang: self.lang,
            theme: Theme::System,
            csrf: self.csrf.clone(),
            user_name: Some(self.customer.full_name()),
            is_admin: false,
            nav,
            title,
            flash: self.flash.clone(),
        }
    }

    pub fn error(&self, status: StatusCode, title_key: &str) -> PageError {
        PageError::in_lang(self.lang, self.htmx, status, title_key).in_portal()
    }

    pub fn invalid(&self, detail_key: &str) -> PageError {
        PageError {
            detail: Some(self.tr().t(detail_key)),
            ..self.error(StatusCode::UNPROCESSABLE_ENTITY, "error-invalid")
        }
    }

    pub fn failed(&self, e: DomainError) -> PageError {
        PageError::domain_in_lang(self.lang, self.htmx, e).in_portal()
    }

    /// The customer's login and company, as the ticket service's customer reads take them.
    pub fn scope(&self) -> (&str, &str) {
        (&self.customer.login, &self.customer.customer_id)
    }
}

/// The visit the `customer` guard found, or found now.
impl<'a> FromRequest<'a> for Visit {
    async fn from_request(req: &'a Request, _body: &mut RequestBody) -> poem::Result<Self> {
        match req.extensions().get::<Visit>() {
            Some(visit) => Ok(visit.clone()),
            None => Visit::load(req).await,
        }
    }
}

/// Sends a signed-out visitor to the portal's login, remembering where they were going.
fn to_login(req: &Request) -> Response {
    let target = req.uri().path_and_query().map(|p| p.as_str()).unwrap_or(login::HOME);
    let location = if target == login::HOME || !is_htmx(req) && req.method() != poem::http::Method::GET {
        login::LOGIN.to_string()
    } else {
        format!("{}?next={}", login::LOGIN, url::form_urlencoded::byte_serialize(target.as_bytes()).collect::<String>())
    };
    if is_htmx(req) {
        Response::builder().status(StatusCode::UNAUTHORIZED).header("hx-redirect", location).finish()
    } else {
        Response::builder().status(StatusCode::SEE_OTHER).header("location", location).finish()
    }
}
