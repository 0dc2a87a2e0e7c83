//! Customers signing in and out of the portal. As for agents, a login always starts a
//! new session, the throttle is the login service's, and failures never say whether the
//! login or the password was wrong.

use askama::Template;
use goats_core::auth::new_secret;
use poem::http::StatusCode;
use poem::web::{Form, Query};
use poem::{Request, Response, handler};
use serde::Deserialize;

use super::super::desk::{Theme, browser_lang};
use super::super::i18n::Tr;
use super::super::login::redirect;
use super::super::page::{Chrome, Nav, html_status};
use super::super::session::{CurrentSession, LOGIN_CSRF_COOKIE, set_customer_cookie, set_private_cookie};
use crate::AppState;
use crate::client_addr::ClientAddr;

/// Where a customer lands: their tickets.
pub const HOME: &str = "/customer";
pub const LOGIN: &str = "/customer/login";

#[derive(Template)]
#[template(path = "pages/portal_login.html")]
struct LoginPage {
    c: Chrome,
    next: String,
    login: String,
    error: Option<String>,
}

#[derive(Deserialize)]
pub struct NextQuery {
    next: Option<String>,
}

#[handler]
pub fn form(req: &Request, Query(q): Query<NextQuery>) -> Response {
    if req.extensions().get::<CurrentSession>().is_some_and(|s| s.customer.is_some()) {
        return redirect(&safe_next(q.next.as_deref()));
    }
    render(req, safe_next(q.next.as_deref()), String::new(), None, StatusCode::OK)
}

#[derive(Deserialize)]
pub struct Credentials {
    login: String,
    password: String,
    next: Option<String>,
}

#[handler]
pub async fn submit(
    req: &Request,
    state: poem::web::Data<&AppState>,
    ClientAddr(client): ClientAddr,
    Form(f): Form<Credentials>,
) -> Response {
    let tr = Tr(browser_lang(req));
    let next = safe_next(f.next.as_deref());
    let (login, _) = match state.auth.check_customer_password(&f.login, &f.password, &client).await {
        Ok(ok) => ok,
        Err(e) => {
            let (status, msg) = super::super::login::refusal(&e, tr, &client, &f.login);
            return render(req, next, f.login, Some(msg), status);
        }
    };
    let previous = req.extensions().get::<CurrentSession>().and_then(|s| s.customer_secret.clone());
    match state.customer_sessions.start(login, previous.as_deref()).await {
        Ok((secret, _)) => {
            let max_age = state.customer_sessions.timeouts().absolute.num_seconds();
            let mut resp = redirect(&next);
            set_customer_cookie(&mut resp, req, &secret, Some(max_age));
            set_private_cookie(&mut resp, req, LOGIN_CSRF_COOKIE, "", Some(0));
            resp
        }
        Err(e) => {
            tracing::error!(error = %e, "starting a customer session failed");
            render(req, next, f.login, Some(tr.t("error-unavailable")), StatusCode::SERVICE_UNAVAILABLE)
        }
    }
}

#[handler]
pub async fn logout(req: &Request, state: poem::web::Data<&AppState>) -> Response {
    if let Some(secret) = req.extensions().get::<CurrentSession>().and_then(|s| s.customer_secret.clone())
        && let Err(e) = state.customer_sessions.end(&secret).await
    {
        tracing::error!(error = %e, "ending a customer session failed");
    }
    let mut resp = redirect(LOGIN);
    set_customer_cookie(&mut resp, req, "", Some(0));
    resp
}

/// Only the portal's own pages: a login must not lead off the site, nor into the
/// agents' pages.
fn safe_next(next: Option<&str>) -> String {
    match next {
        Some(n)
            if (n == HOME || n.starts_with("/customer/") || n.starts_with("/customer?")) && !n.starts_with(LOGIN) =>
        {
            n.to_string()
        }
        _ => HOME.to_string(),
    }
}

/// The login form, with a fresh double-submit CSRF token in its cookie.
fn render(req: &Request, next: String, login: String, error: Option<String>, status: StatusCode) -> Response {
    let lang = browser_lang(req);
    let token = new_secret();
    let c = Chrome {
        tr: Tr(lang),
        lang,
        theme: Theme::System,
        csrf: token.clone(),
        user_name: None,
        is_admin: false,
        nav: Nav::None,
        title: Tr(lang).t("portal-login-title"),
        flash: None,
    };
    let mut resp = html_status(&LoginPage { c, next, login, error }, status);
    set_private_cookie(&mut resp, req, LOGIN_CSRF_COOKIE, &token, None);
    resp
}

#[cfg(test)]
mod tests {
    use super::safe_next;

    #[test]
    fn next_stays_in_the_portal() {
        assert_eq!(safe_next(Some("/customer/tickets/4")), "/customer/tickets/4");
        assert_eq!(safe_next(Some("/customer?state=closed")), "/customer?state=closed");
        for elsewhere in ["//evil.example", "https://evil.example", "/tickets/4", "/customers", "/customer/login?x"] {
            assert_eq!(safe_next(Some(elsewhere)), "/customer", "{elsewhere}");
        }
        assert_eq!(safe_next(None), "/customer");
    }
}
