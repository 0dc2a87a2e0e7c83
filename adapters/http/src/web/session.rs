//! The session layer in front of every page (the `session` middleware): finds the
//! agent's session from its cookie — or, in the portal, the customer's from theirs — and
//! sets the security headers every page carries.
//! The CSRF check on state-changing requests (`csrf`, `login-csrf`) is [`CsrfGuard`].

use bytes::Bytes;
use goats_core::web_session::ActiveSession;
use poem::http::{HeaderValue, Method, StatusCode, header};
use poem::web::Multipart;
use poem::web::cookie::{Cookie, SameSite};
use poem::{Body, Endpoint, FromRequest, IntoResponse, Middleware, Request, RequestBody, Response, Result};

use crate::AppState;

pub const SESSION_COOKIE: &str = "goats_session";
/// A customer's session in the portal: its own cookie, sent only to `/customer` pages,
/// so being signed in as a customer never opens an agent page and the reverse.
pub const CUSTOMER_SESSION_COOKIE: &str = "goats_customer_session";
pub const PORTAL_PATH: &str = "/customer";
/// Before login there is no session to hold a CSRF token; the login form's token is
/// kept in this cookie instead and must come back in the form (double submit).
pub const LOGIN_CSRF_COOKIE: &str = "goats_login_csrf";
/// A message for the next page (see `page::with_flash`), read once.
pub const FLASH_COOKIE: &str = "goats_flash";
pub const CSRF_FIELD: &str = "_csrf";
pub const CSRF_HEADER: &str = "x-csrf-token";

/// Forms are small; a body larger than this is not read for its token.
const MAX_FORM_BYTES: usize = 1024 * 1024;

/// Scripts and styles only from our own origin: no inline code, no eval (Alpine's CSP
/// build), no framing.
const CSP: &str = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; \
                   object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'";

/// The session of the request, found by [`SessionLayer`].
#[derive(Clone)]
pub struct CurrentSession {
    pub secret: Option<String>,
    pub active: Option<ActiveSession>,
    /// The portal's session, when the browser sent its cookie.
    pub customer_secret: Option<String>,
    pub customer: Option<ActiveSession<String>>,
    pub flash: Option<String>,
}

pub struct SessionLayer;

impl<E: Endpoint> Middleware<E> for SessionLayer {
    type Output = SessionEndpoint<E>;

    fn transform(&self, ep: E) -> Self::Output {
        SessionEndpoint(ep)
    }
}

pub struct SessionEndpoint<E>(E);

impl<E: Endpoint> Endpoint for SessionEndpoint<E> {
    type Output = Response;

    async fn call(&self, mut req: Request) -> Result<Self::Output> {
        let state = req
            .data::<AppState>()
            .cloned()
            .ok_or_else(|| poem::Error::from_status(StatusCode::INTERNAL_SERVER_ERROR))?;
        let secret = cookie(&req, SESSION_COOKIE);
        let customer_secret = cookie(&req, CUSTOMER_SESSION_COOKIE);
        let tls = is_tls(&req);
        let unavailable = |e: goats_core::DomainError| {
            tracing::error!(error = %e, "session lookup failed");
            poem::Error::from_status(StatusCode::SERVICE_UNAVAILABLE)
        };
        let active = match &secret {
            Some(s) => state.sessions.resume(s).await.map_err(unavailable)?,
            None => None,
        };
        let customer = match &customer_secret {
            Some(s) => state.customer_sessions.resume(s).await.map_err(unavailable)?,
            None => None,
        };
        let flash = cookie(&req, FLASH_COOKIE).map(|v| {
            url::form_urlencoded::parse(format!("m={v}").as_bytes()).map(|(_, m)| m.into_owned()).collect::<String>()
        });
        let shown = flash.is_some() && (active.is_some() || customer.is_some());
        req.extensions_mut().insert(CurrentSession { secret, active, customer_secret, customer, flash });
        let mut resp = self.0.call(req).await?.into_response();
        // The page that showed the flash clears it.
        let is_page = resp.status() == StatusCode::OK
            && resp.headers().get(header::CONTENT_TYPE).is_some_and(|v| v.as_bytes().starts_with(b"text/html"));
        if shown && is_page {
            let clear = format!("{FLASH_COOKIE}=; Path=/; HttpOnly; SameSite=Lax; Max-Age=0");
            if let Ok(v) = clear.parse() {
                resp.headers_mut().append(header::SET_COOKIE, v);
            }
        }
        if tls {
            secure_flash(&mut resp);
        }
        Ok(with_headers(resp))
    }
}

/// Refuses a state-changing request that does not carry the session's CSRF token —
/// or, on the sign-in form (`login-csrf`, posted before there is a session, perhaps
/// from a tab whose session is still alive), the login cookie's.
pub struct CsrfGuard<E> {
    pub inner: E,
    pub login_form: bool,
}

impl<E: Endpoint> Endpoint for CsrfGuard<E> {
    type Output = Response;

    async fn call(&self, mut req: Request) -> Result<Self::Output> {
        if !is_safe(req.method()) {
            let current = req.extensions().get::<CurrentSession>();
            // A customer's token counts only where the browser sends the portal's cookie:
            // on `/customer` pages.
            let mut expected: Vec<String> = current
                .into_iter()
                .flat_map(|s| [s.active.as_ref().map(|a| &a.csrf_token), s.customer.as_ref().map(|c| &c.csrf_token)])
                .flatten()
                .cloned()
                .collect();
            if self.login_form {
                expected.extend(cookie(&req, LOGIN_CSRF_COOKIE));
            }
            let presented = presented_token(&mut req).await?;
            let ok = presented.is_some_and(|p| expected.iter().any(|e| constant_time_eq(e, &p)));
            if !ok {
                return Ok(csrf_refusal(&req));
            }
        }
        self.inner.call(req).await.map(IntoResponse::into_response)
    }
}

fn is_safe(method: &Method) -> bool {
    matches!(*method, Method::GET | Method::HEAD | Method::OPTIONS)
}

/// The token from the `X-CSRF-Token` header (HTMX sends it on every request), or from
/// the `_csrf` field of a plain form post — url-encoded, or multipart when a form with
/// files is sent without JavaScript; the body is put back for the handler.
async fn presented_token(req: &mut Request) -> Result<Option<String>> {
    if let Some(v) = req.headers().get(CSRF_HEADER).and_then(|v| v.to_str().ok()) {
        return Ok(Some(v.to_string()));
    }
    let content_type = req.headers().get(header::CONTENT_TYPE).and_then(|v| v.to_str().ok()).unwrap_or_default();
    let too_large = || poem::Error::from_string("the form is too large", StatusCode::PAYLOAD_TOO_LARGE);
    if content_type.starts_with("application/x-www-form-urlencoded") {
        let bytes = req.take_body().into_bytes_limit(MAX_FORM_BYTES).await.map_err(|_| too_large())?;
        let token = url::form_urlencoded::parse(&bytes).find(|(k, _)| k == CSRF_FIELD).map(|(_, v)| v.into_owned());
        req.set_body(Body::from(bytes));
        return Ok(token);
    }
    if content_type.starts_with("multipart/form-data") {
        let content_type = content_type.to_string();
        // Room for what the article form may carry: files at their limit and the text.
        let limit = req
            .data::<AppState>()
            .map(|s| s.tickets.max_attachment_bytes().saturating_mul(4).saturating_add(1024 * 1024))
            .unwrap_or(MAX_FORM_BYTES as u64);
        let limit = usize::try_from(limit).unwrap_or(usize::MAX);
        let bytes = req.take_body().into_bytes_limit(limit).await.map_err(|_| too_large())?;
        let token = multipart_field(&content_type, bytes.clone(), CSRF_FIELD).await;
        req.set_body(Body::from(bytes));
        return Ok(token);
    }
    Ok(None)
}

/// One text field of a multipart body (the others are skipped unread).
async fn multipart_field(content_type: &str, bytes: Bytes, name: &str) -> Option<String> {
    let probe = Request::builder().header(header::CONTENT_TYPE, content_type).finish();
    let mut body = RequestBody::new(Body::from(bytes));
    let mut form = Multipart::from_request(&probe, &mut body).await.ok()?;
    while let Ok(Some(field)) = form.next_field().await {
        if field.name() == Some(name) {
            return field.text().await.ok();
        }
    }
    None
}

fn constant_time_eq(a: &str, b: &str) -> bool {
    a.len() == b.len() && a.bytes().zip(b.bytes()).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// A form from an expired session or another site: nothing is done. HTMX callers get a
/// full reload (to the login page if the session is gone); others a plain 403.
fn csrf_refusal(req: &Request) -> Response {
    let mut resp = Response::builder()
        .status(StatusCode::FORBIDDEN)
        .content_type("text/plain; charset=utf-8")
        .body("This form has expired or did not come from goats. Reload the page and try again.");
    if req.headers().contains_key("hx-request") {
        resp.headers_mut().insert("hx-refresh", HeaderValue::from_static("true"));
    }
    resp
}

fn with_headers(mut resp: Response) -> Response {
    let h = resp.headers_mut();
    h.insert(header::CONTENT_SECURITY_POLICY, HeaderValue::from_static(CSP));
    h.insert(header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    h.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    h.insert(header::REFERRER_POLICY, HeaderValue::from_static("same-origin"));
    if !h.contains_key(header::CACHE_CONTROL) {
        h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    }
    resp
}

/// The value of one cookie of the request.
pub fn cookie(req: &Request, name: &str) -> Option<String> {
    req.headers()
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v.to_string())
        .filter(|v| !v.is_empty())
}

/// Whether the request came over TLS (directly or through a proxy saying so).
fn is_tls(req: &Request) -> bool {
    req.uri().scheme_str() == Some("https")
        || req.headers().get("x-forwarded-proto").and_then(|v| v.to_str().ok()) == Some("https")
}

/// The flash cookie is written by handlers that do not see the request's scheme; over
/// TLS it gets `Secure` here, like every other cookie of ours.
fn secure_flash(resp: &mut Response) {
    let prefix = format!("{FLASH_COOKIE}=");
    let cookies: Vec<HeaderValue> = resp.headers().get_all(header::SET_COOKIE).iter().cloned().collect();
    if !cookies.iter().any(|c| c.as_bytes().starts_with(prefix.as_bytes())) {
        return;
    }
    resp.headers_mut().remove(header::SET_COOKIE);
    for c in cookies {
        let text = c.to_str().unwrap_or_default();
        let patched = if text.starts_with(&prefix) && !text.contains("; Secure") {
            HeaderValue::from_str(&format!("{text}; Secure")).unwrap_or(c)
        } else {
            c
        };
        resp.headers_mut().append(header::SET_COOKIE, patched);
    }
}

/// A cookie only our pages read: HttpOnly, SameSite=Lax, and Secure when the request
/// came over TLS (directly or through a proxy saying so).
pub fn private_cookie(req: &Request, name: &str, value: &str, max_age_secs: Option<i64>) -> String {
    private_cookie_at(req, "/", name, value, max_age_secs)
}

/// A [`private_cookie`] the browser sends only to pages under `path`.
pub fn private_cookie_at(req: &Request, path: &str, name: &str, value: &str, max_age_secs: Option<i64>) -> String {
    let mut c = Cookie::new_with_str(name, value);
    c.set_path(path);
    c.set_http_only(true);
    c.set_same_site(SameSite::Lax);
    c.set_secure(is_tls(req));
    if let Some(secs) = max_age_secs {
        c.set_max_age(std::time::Duration::from_secs(secs.max(0) as u64));
    }
    c.to_string()
}

/// Adds the `Set-Cookie` header of a [`private_cookie`] to a response.
#[allow(clippy::expect_used, reason = "a cookie of a fixed name, a URL-safe secret and attributes is ASCII")]
pub fn set_private_cookie(resp: &mut Response, req: &Request, name: &str, value: &str, max_age_secs: Option<i64>) {
    let cookie = private_cookie(req, name, value, max_age_secs).parse().expect("cookie is ASCII");
    resp.headers_mut().append(header::SET_COOKIE, cookie);
}

/// Sets or clears the portal's session cookie (sent only to `/customer` pages).
#[allow(clippy::expect_used, reason = "a cookie of a fixed name, a URL-safe secret and attributes is ASCII")]
pub fn set_customer_cookie(resp: &mut Response, req: &Request, value: &str, max_age_secs: Option<i64>) {
    let cookie = private_cookie_at(req, PORTAL_PATH, CUSTOMER_SESSION_COOKIE, value, max_age_secs);
    resp.headers_mut().append(header::SET_COOKIE, cookie.parse().expect("cookie is ASCII"));
}
