//! What every page shares: the frame around it (navigation, the agent's name, theme and
//! language, the CSRF token HTMX sends back), rendering, and the error page.

use askama::Template;
use goats_core::DomainError;
use poem::error::ResponseError;
use poem::http::StatusCode;
use poem::{IntoResponse, Response};

use super::assets;
use super::desk::{Desk, Theme};
use super::i18n::{Lang, Tr};
use super::session::FLASH_COOKIE;

/// The section of the navigation a page belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Nav {
    None,
    Dashboard,
    Tickets,
    NewTicket,
    Admin,
    /// The portal's pages: a customer's tickets, and opening one.
    MyTickets,
    PortalNewTicket,
    PortalPassword,
    PortalPreferences,
}

/// The frame of a page.
pub struct Chrome {
    pub tr: Tr,
    pub lang: Lang,
    pub theme: Theme,
    pub csrf: String,
    /// The signed-in agent's name (the customer's in the portal); `None` on pages for
    /// visitors who are not signed in.
    pub user_name: Option<String>,
    /// Whether the administration pages are linked.
    pub is_admin: bool,
    pub nav: Nav,
    pub title: String,
    /// A message left by the previous action, shown as a toast.
    pub flash: Option<String>,
}

impl Chrome {
    pub fn for_desk(desk: &Desk, nav: Nav, title: String) -> Self {
        Self {
            tr: desk.tr(),
            lang: desk.lang,
            theme: desk.theme,
            csrf: desk.csrf.clone(),
            user_name: Some(desk.agent.full_name()),
            is_admin: desk.perms.is_admin(),
            nav,
            title,
            flash: desk.flash.clone(),
        }
    }

    pub fn t(&self, key: &str) -> std::borrow::Cow<'static, str> {
        self.tr.text(key)
    }

    pub fn n(&self, key: &str, n: impl Count) -> String {
        self.tr.n(key, n.count())
    }

    pub fn v(&self, key: &str, v: &str) -> String {
        self.tr.v(key, v)
    }

    pub fn asset(&self, name: &str) -> std::borrow::Cow<'static, str> {
        assets::url(name)
    }

    /// The JSON HTMX adds to every request as headers: the CSRF token.
    pub fn hx_headers(&self) -> String {
        serde_json::json!({ "X-CSRF-Token": self.csrf }).to_string()
    }

    pub fn is(&self, nav: Nav) -> bool {
        self.nav == nav
    }
}

/// A number a template passes to a plural-aware text, by value or by reference.
pub trait Count {
    fn count(&self) -> f64;
}

macro_rules! count_for {
    ($($t:ty),*) => {$(
        impl Count for $t {
            fn count(&self) -> f64 {
                *self as f64
            }
        }
    )*};
}
count_for!(f64, i32, i64, u64, usize);

impl<T: Count> Count for &T {
    fn count(&self) -> f64 {
        (*self).count()
    }
}

/// Room a page is rendered into. The ticket list and a zoom with a thread are 40-60 KB;
/// grown from askama's estimate, such a page was copied four times as it was written.
const PAGE_BYTES: usize = 64 * 1024;

/// Renders a template into an HTML response.
pub fn html<T: Template>(template: &T) -> Response {
    let mut body = String::with_capacity(PAGE_BYTES.max(T::SIZE_HINT));
    match template.render_into(&mut body) {
        Ok(()) => Response::builder().content_type("text/html; charset=utf-8").body(body),
        Err(e) => {
            tracing::error!(error = %e, "rendering a page failed");
            StatusCode::INTERNAL_SERVER_ERROR.into_response()
        }
    }
}

/// Renders a template answering with `status` (a refused form is 422); a page that
/// fails to render stays a 500.
pub fn html_status<T: Template>(template: &T, status: StatusCode) -> Response {
    let mut resp = html(template);
    if resp.status().is_success() {
        resp.set_status(status);
    }
    resp
}

/// A refusal or failure shown to the agent: a page of its own for a full request, a
/// toast for an HTMX request (so the page and what the agent typed stay as they were).
#[derive(Debug, thiserror::Error)]
#[error("{title}")]
pub struct PageError {
    pub status: StatusCode,
    pub title: String,
    pub detail: Option<String>,
    pub lang: Lang,
    pub htmx: bool,
    /// The form field at fault, shown beside it when the form has it.
    pub field: Option<String>,
    /// Whether a customer in the portal is asking: the page then leads back to the
    /// portal, not to the agents' dashboard.
    pub in_portal: bool,
}

impl PageError {
    pub fn new(desk: &Desk, status: StatusCode, title_key: &str) -> Self {
        Self::in_lang(desk.lang, desk.htmx, status, title_key)
    }

    /// An error for whoever is asking, in their language (the portal's customers too).
    pub fn in_lang(lang: Lang, htmx: bool, status: StatusCode, title_key: &str) -> Self {
        Self { status, title: Tr(lang).t(title_key), detail: None, lang, htmx, field: None, in_portal: false }
    }

    /// The same error, for a customer in the portal.
    pub fn in_portal(self) -> Self {
        Self { in_portal: true, ..self }
    }

    /// Names the form field the error belongs beside.
    pub fn beside(self, field: &str) -> Self {
        Self { field: Some(field.to_string()), ..self }
    }

    pub fn from_domain(desk: &Desk, e: DomainError) -> Self {
        Self::domain_in_lang(desk.lang, desk.htmx, e)
    }

    /// [`PageError::from_domain`] for whoever is asking.
    pub fn domain_in_lang(lang: Lang, htmx: bool, e: DomainError) -> Self {
        let field = match &e {
            DomainError::Invalid { field, .. } => Some(field.to_string()),
            _ => None,
        };
        let (status, key, detail) = match e {
            DomainError::NotFound { .. } => (StatusCode::NOT_FOUND, "error-not-found", None),
            DomainError::PermissionDenied(_) => (StatusCode::FORBIDDEN, "error-forbidden", None),
            DomainError::Invalid { reason, .. } => (StatusCode::UNPROCESSABLE_ENTITY, "error-invalid", Some(reason)),
            DomainError::Conflict(why) => (StatusCode::CONFLICT, "error-conflict", Some(why)),
            stale @ DomainError::Stale { .. } => (StatusCode::CONFLICT, "error-conflict", Some(stale.to_string())),
            DomainError::Storage(why) => {
                tracing::error!(error = %why, "storage failure");
                (StatusCode::SERVICE_UNAVAILABLE, "error-unavailable", None)
            }
        };
        Self { detail, field, ..Self::in_lang(lang, htmx, status, key) }
    }

    pub fn invalid(desk: &Desk, detail_key: &str) -> Self {
        Self {
            detail: Some(desk.tr().t(detail_key)),
            ..Self::new(desk, StatusCode::UNPROCESSABLE_ENTITY, "error-invalid")
        }
    }
}

#[derive(Template)]
#[template(path = "pages/error.html")]
struct ErrorPage<'a> {
    c: Chrome,
    status: u16,
    /// Where "home" is for whoever is asking, and what it is called.
    home: &'a str,
    home_label: String,
    detail: Option<&'a str>,
}

impl ResponseError for PageError {
    fn status(&self) -> StatusCode {
        self.status
    }

    fn as_response(&self) -> Response {
        if self.htmx {
            let message = match &self.detail {
                Some(d) => format!("{}: {d}", self.title),
                None => self.title.clone(),
            };
            // Beside the field when there is one (app.js falls back to a toast when the
            // form has no such field), else a toast.
            let trigger = match &self.field {
                Some(field) => serde_json::json!({ "goats:field-error": { "field": field, "message": message } }),
                None => serde_json::json!({ "goats:toast": { "kind": "error", "message": message } }),
            };
            return Response::builder()
                .status(self.status)
                .header("hx-trigger", trigger.to_string())
                .header("hx-reswap", "none")
                .finish();
        }
        let c = Chrome {
            tr: Tr(self.lang),
            lang: self.lang,
            theme: Theme::System,
            csrf: String::new(),
            user_name: None,
            is_admin: false,
            nav: Nav::None,
            title: self.title.clone(),
            flash: None,
        };
        let (home, home_key) =
            if self.in_portal { ("/customer", "portal-nav-tickets") } else { ("/dashboard", "nav-dashboard") };
        let home_label = Tr(self.lang).t(home_key);
        let page = ErrorPage { c, status: self.status.as_u16(), home, home_label, detail: self.detail.as_deref() };
        let mut resp = html(&page);
        resp.set_status(self.status);
        resp
    }
}

/// What a request that failed inside goats gets: the error page (in English: the panic
/// has no request to take a language from), with the details only in the log.
pub fn panic_page(err: Box<dyn std::any::Any + Send + 'static>) -> Response {
    let what = err
        .downcast_ref::<&str>()
        .map(|s| s.to_string())
        .or_else(|| err.downcast_ref::<String>().cloned())
        .unwrap_or_default();
    tracing::error!(panic = %what, "a page request failed");
    let error = PageError {
        status: StatusCode::INTERNAL_SERVER_ERROR,
        title: Tr(Lang::En).t("error-internal"),
        detail: None,
        lang: Lang::En,
        htmx: false,
        field: None,
        in_portal: false,
    };
    error.as_response()
}

/// A toast for the next page the agent sees: for actions that navigate away (a new
/// ticket, a merge), where a toast on this response would be lost with the page.
pub fn with_flash(mut resp: Response, message: &str) -> Response {
    let value: String = url::form_urlencoded::byte_serialize(message.as_bytes()).collect();
    let cookie = format!("{FLASH_COOKIE}={value}; Path=/; HttpOnly; SameSite=Lax; Max-Age=60");
    if let Ok(v) = cookie.parse() {
        resp.headers_mut().append(poem::http::header::SET_COOKIE, v);
    }
    resp
}

/// A toast for the agent after an HTMX action succeeded.
pub fn with_toast(mut resp: Response, message: &str) -> Response {
    let trigger = serde_json::json!({ "goats:toast": { "kind": "success", "message": message } });
    if let Ok(v) = trigger.to_string().parse() {
        resp.headers_mut().insert("hx-trigger", v);
    }
    resp
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_panic_becomes_the_error_page() {
        let resp = panic_page(Box::new("index out of bounds"));
        assert_eq!(resp.status(), StatusCode::INTERNAL_SERVER_ERROR);
        let body = resp.into_body().into_string().await.unwrap();
        assert!(body.contains("Something went wrong inside goats") && !body.contains("index out of bounds"));
    }
}
