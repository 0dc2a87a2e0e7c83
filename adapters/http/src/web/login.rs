//! Signing in and out. A login always starts a new session (the one the browser had is
//! ended), so a session id planted before login is worthless after it.

use askama::Template;
use goats_core::auth::{AuthError, new_secret};
use poem::http::{StatusCode, header};
use poem::web::{Form, Query};
use poem::{Request, Response, handler};
use serde::Deserialize;

use super::desk::{Theme, browser_lang};
use super::i18n::Tr;
use super::page::{Chrome, Nav, html_status};
use super::session::{CurrentSession, LOGIN_CSRF_COOKIE, SESSION_COOKIE, set_private_cookie};
use crate::AppState;
use crate::client_addr::ClientAddr;

#[derive(Template)]
#[template(path = "pages/login.html")]
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
    if req.extensions().get::<CurrentSession>().is_some_and(|s| s.active.is_some()) {
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

/// What a refused login answers, agents' and customers' alike: a throttled client is
/// noted for the operator, a failed store is logged, and a wrong password says no more.
pub(super) fn refusal(e: &AuthError, tr: Tr, client: &str, login: &str) -> (StatusCode, String) {
    match e {
        AuthError::Throttled { retry_after_secs } => {
            crate::client_addr::note_refusal(client, login, e);
            (StatusCode::TOO_MANY_REQUESTS, tr.n("login-throttled", *retry_after_secs as f64))
        }
        AuthError::Domain(d) => {
            tracing::error!(error = %d, "login failed on storage");
            (StatusCode::SERVICE_UNAVAILABLE, tr.t("error-unavailable"))
        }
        _ => (StatusCode::UNAUTHORIZED, tr.t("login-failed")),
    }
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
    let (user_id, _) = match state.auth.check_password(&f.login, &f.password, &client).await {
        Ok(ok) => ok,
        Err(e) => {
            let (status, msg) = refusal(&e, tr, &client, &f.login);
            return render(req, next, f.login, Some(msg), status);
        }
    };
    let previous = req.extensions().get::<CurrentSession>().and_then(|s| s.secret.clone());
    match state.sessions.start(user_id, previous.as_deref()).await {
        Ok((secret, _)) => {
            let max_age = state.sessions.timeouts().absolute.num_seconds();
            let mut resp = redirect(&next);
            set_private_cookie(&mut resp, req, SESSION_COOKIE, &secret, Some(max_age));
            set_private_cookie(&mut resp, req, LOGIN_CSRF_COOKIE, "", Some(0));
            resp
        }
        Err(e) => {
            tracing::error!(error = %e, "starting a session failed");
            render(req, next, f.login, Some(tr.t("error-unavailable")), StatusCode::SERVICE_UNAVAILABLE)
        }
    }
}

#[handler]
pub async fn logout(req: &Request, state: poem::web::Data<&AppState>) -> Response {
    if let Some(secret) = req.extensions().get::<CurrentSession>().and_then(|s| s.secret.clone())
        && let Err(e) = state.sessions.end(&secret).await
    {
        tracing::error!(error = %e, "ending a session failed");
    }
    let mut resp = redirect("/login");
    set_private_cookie(&mut resp, req, SESSION_COOKIE, "", Some(0));
    if req.headers().contains_key("hx-request") {
        resp.headers_mut().insert("hx-redirect", poem::http::HeaderValue::from_static("/login"));
    }
    resp
}

/// Only paths on this server: `next=//evil.example` or `https://…` must not turn the
/// login page into an open redirect.
pub(super) fn safe_next(next: Option<&str>) -> String {
    match next {
        Some(n) if n.starts_with('/') && !n.starts_with("//") && !n.starts_with("/\\") && !n.starts_with("/login") => {
            n.to_string()
        }
        _ => "/dashboard".to_string(),
    }
}

pub(super) fn redirect(to: &str) -> Response {
    Response::builder().status(StatusCode::SEE_OTHER).header(header::LOCATION, to).finish()
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
        title: Tr(lang).t("login-title"),
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
    fn next_never_leaves_the_site() {
        assert_eq!(safe_next(Some("/tickets/4?x=1")), "/tickets/4?x=1");
        for evil in ["//evil.example", "https://evil.example", "/\\evil.example", "javascript:x", "/login?next=/x"] {
            assert_eq!(safe_next(Some(evil)), "/dashboard", "{evil}");
        }
        assert_eq!(safe_next(None), "/dashboard");
    }
}
