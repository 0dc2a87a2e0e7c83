//! The agent's own settings from the header menu: theme and language.

use poem::http::header;
use poem::web::Form;
use poem::{Request, Response, handler};
use serde::Deserialize;

use super::desk::{Desk, PREF_LANGUAGE, PREF_THEME, Theme};
use super::i18n::Lang;
use super::login::{redirect, safe_next};
use super::page::PageError;

#[derive(Deserialize)]
pub struct Preferences {
    theme: Option<String>,
    language: Option<String>,
}

/// Saves the agent's theme and language (OTRS's `UserLanguage`) and goes back to the
/// page the agent was on.
#[handler]
pub async fn save(req: &Request, desk: Desk, Form(f): Form<Preferences>) -> Result<Response, PageError> {
    let prefs = &desk.state.preferences;
    if let Some(theme) = f.theme.as_deref().and_then(Theme::from_key) {
        prefs
            .set_preference(desk.agent.id, PREF_THEME, theme.key())
            .await
            .map_err(|e| PageError::from_domain(&desk, e))?;
    }
    if let Some(lang) = f.language.as_deref().and_then(Lang::from_code) {
        prefs
            .set_preference(desk.agent.id, PREF_LANGUAGE, lang.code())
            .await
            .map_err(|e| PageError::from_domain(&desk, e))?;
    }
    let back = req
        .headers()
        .get(header::REFERER)
        .and_then(|v| v.to_str().ok())
        .and_then(|r| url::Url::parse(r).ok())
        .map(|u| safe_next(Some(&format!("{}{}", u.path(), u.query().map(|q| format!("?{q}")).unwrap_or_default()))))
        .unwrap_or_else(|| "/dashboard".into());
    Ok(redirect(&back))
}
