//! Who is working: the signed-in agent of a page request with everything each page
//! needs about them — permissions, language, theme and the CSRF token for forms.

use goats_core::model::Agent;
use goats_core::permission::AgentPermissions;
use poem::http::StatusCode;
use poem::{FromRequest, Request, RequestBody, Response};

use super::i18n::{Lang, Tr};
use super::session::CurrentSession;
use crate::AppState;

/// The agent's preference keys in `user_preferences`. `UserLanguage` is OTRS's own.
pub const PREF_LANGUAGE: &str = "UserLanguage";
pub const PREF_THEME: &str = "GoatsTheme";

/// Light, dark, or whatever the operating system says.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Theme {
    System,
    Light,
    Dark,
}

impl Theme {
    pub fn key(self) -> &'static str {
        match self {
            Theme::System => "system",
            Theme::Light => "light",
            Theme::Dark => "dark",
        }
    }

    pub fn from_key(key: &str) -> Option<Self> {
        [Theme::System, Theme::Light, Theme::Dark].into_iter().find(|t| t.key() == key)
    }
}

/// A page request of a signed-in agent.
#[derive(Clone)]
pub struct Desk {
    pub state: AppState,
    pub perms: AgentPermissions,
    pub agent: Agent,
    pub csrf: String,
    pub lang: Lang,
    pub theme: Theme,
    /// Whether HTMX sent the request (it then wants a fragment, not a page).
    pub htmx: bool,
    /// The toast the previous action left for this page.
    pub flash: Option<String>,
}

/// The language for someone not signed in: what the browser asks for.
pub fn browser_lang(req: &Request) -> Lang {
    req.headers()
        .get("accept-language")
        .and_then(|v| v.to_str().ok())
        .and_then(Lang::from_accept_language)
        .unwrap_or(Lang::En)
}

pub fn is_htmx(req: &Request) -> bool {
    req.headers().contains_key("hx-request")
}

/// The desk the `auth` guard found for this request, or found now (a handler mounted
/// without that guard still gets the same check).
impl<'a> FromRequest<'a> for Desk {
    async fn from_request(req: &'a Request, _body: &mut RequestBody) -> poem::Result<Self> {
        match req.extensions().get::<Desk>() {
            Some(desk) => Ok(desk.clone()),
            None => Desk::load(req).await,
        }
    }
}

impl Desk {
    pub fn tr(&self) -> Tr {
        Tr(self.lang)
    }

    /// The signed-in agent of the request with their permissions and preferences; a
    /// visitor who is not signed in (or whose account was set invalid) is sent to log in.
    pub async fn load(req: &Request) -> poem::Result<Self> {
        let state = req
            .data::<AppState>()
            .cloned()
            .ok_or_else(|| poem::Error::from_status(StatusCode::INTERNAL_SERVER_ERROR))?;
        let current = req.extensions().get::<CurrentSession>();
        let active = current.and_then(|s| s.active.clone());
        let flash = current.and_then(|s| s.flash.clone());
        let Some(active) = active else {
            return Err(poem::Error::from_response(to_login(req)));
        };
        let unavailable = |e: goats_core::DomainError| {
            tracing::error!(error = %e, "loading the signed-in agent failed");
            poem::Error::from_status(StatusCode::SERVICE_UNAVAILABLE)
        };
        let agent = state.agents.get(active.holder).await.map_err(unavailable)?;
        // An agent set invalid since login is signed out at the next click.
        let Some(agent) = agent.filter(|a| a.valid) else {
            return Err(poem::Error::from_response(to_login(req)));
        };
        let perms = state.auth.permissions_of(&agent).await.map_err(|e| {
            tracing::error!(error = %e, "loading permissions failed");
            poem::Error::from_status(StatusCode::SERVICE_UNAVAILABLE)
        })?;
        let lang = state
            .preferences
            .preference(agent.id, PREF_LANGUAGE)
            .await
            .map_err(unavailable)?
            .and_then(|c| Lang::from_code(&c))
            .unwrap_or_else(|| browser_lang(req));
        let theme = state
            .preferences
            .preference(agent.id, PREF_THEME)
            .await
            .map_err(unavailable)?
            .and_then(|t| Theme::from_key(&t))
            .unwrap_or(Theme::System);
        Ok(Desk { state, perms, agent, csrf: active.csrf_token, lang, theme, htmx: is_htmx(req), flash })
    }
}

/// Sends a signed-out visitor to the login page, remembering where they were going.
/// HTMX requests get the redirect as a header so the whole page navigates.
fn to_login(req: &Request) -> Response {
    let target = req.uri().path_and_query().map(|p| p.as_str()).unwrap_or("/");
    // The dashboard is where a login leads anyway.
    let plain = target == "/" || target == "/dashboard";
    let location = if plain || !is_htmx(req) && req.method() != poem::http::Method::GET {
        "/login".to_string()
    } else {
        format!("/login?next={}", url::form_urlencoded::byte_serialize(target.as_bytes()).collect::<String>())
    };
    if is_htmx(req) {
        Response::builder().status(StatusCode::UNAUTHORIZED).header("hx-redirect", location).finish()
    } else {
        Response::builder().status(StatusCode::SEE_OTHER).header("location", location).finish()
    }
}
