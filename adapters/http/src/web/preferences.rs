//! The agent's own settings: `/preferences` shows them all (theme and language, the
//! out-of-office period and its substitute, links to notifications and password); the
//! header menu posts theme and language from any page.

use askama::Template;
use chrono::NaiveDate;
use goats_core::DomainError;
use goats_core::out_of_office::OutOfOffice;
use poem::http::{StatusCode, header};
use poem::web::Form;
use poem::{Request, Response, handler};
use serde::Deserialize;

use super::choices::{self, Choice};
use super::desk::{Desk, PREF_LANGUAGE, PREF_THEME, Theme};
use super::field_errors::FieldErrors;
use super::form_text::FormText;
use super::i18n::Lang;
use super::login::{redirect, safe_next};
use super::page::{Chrome, Nav, PageError, html_status, with_flash};

const PAGE: &str = "/preferences";

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

/// The out-of-office form as typed, so a refused one comes back with nothing lost.
struct AbsenceForm {
    on: bool,
    start: String,
    end: String,
    substitute: String,
}

impl AbsenceForm {
    fn of(period: Option<OutOfOffice>) -> Self {
        match period {
            Some(p) => Self {
                on: true,
                start: p.start.to_string(),
                end: p.end.to_string(),
                substitute: p.substitute.map(|s| s.to_string()).unwrap_or_default(),
            },
            None => Self { on: false, start: String::new(), end: String::new(), substitute: String::new() },
        }
    }
}

#[derive(Template)]
#[template(path = "pages/preferences.html")]
struct PreferencesPage {
    c: Chrome,
    absence: AbsenceForm,
    /// Whether the period set covers today, for the line above the form.
    away_now: bool,
    substitutes: Vec<Choice>,
    errors: FieldErrors,
}

#[handler]
pub async fn show(desk: Desk) -> Result<Response, PageError> {
    let period = desk.state.out_of_office.of(desk.agent.id).await.map_err(|e| PageError::from_domain(&desk, e))?;
    render(&desk, AbsenceForm::of(period), FieldErrors::default(), StatusCode::OK).await
}

/// Sets the period (both days included) and the substitute, or switches it off.
#[handler]
pub async fn save_absence(desk: Desk, body: String) -> Result<Response, PageError> {
    let f = FormText::parse(&body);
    let form = AbsenceForm {
        on: f.get("on") == "1",
        start: f.get("start"),
        end: f.get("end"),
        substitute: f.get("substitute"),
    };
    let tr = desk.tr();
    let mut errors = FieldErrors::default();
    let period = if form.on {
        let day = |v: &str| NaiveDate::parse_from_str(v.trim(), "%Y-%m-%d").ok();
        let (start, end) = (day(&form.start), day(&form.end));
        if start.is_none() {
            errors.add("start", tr.t("pref-ooo-error-date"));
        }
        if end.is_none() {
            errors.add("end", tr.t("pref-ooo-error-date"));
        }
        // Something that is no number names no agent: the service refuses it.
        let substitute = (!form.substitute.trim().is_empty()).then(|| form.substitute.trim().parse().unwrap_or(0));
        match (start, end) {
            (Some(start), Some(end)) => Some(OutOfOffice { start, end, substitute }),
            _ => None,
        }
    } else {
        None
    };
    if errors.is_empty() {
        match desk.state.out_of_office.set(desk.agent.id, period).await {
            Ok(()) => return Ok(with_flash(redirect(PAGE), &tr.t("pref-ooo-saved"))),
            Err(DomainError::Invalid { field: "end", .. }) => errors.add("end", tr.t("pref-ooo-error-order")),
            Err(DomainError::Invalid { field: "substitute", .. }) => {
                errors.add("substitute", tr.t("pref-ooo-error-substitute"))
            }
            Err(e) => return Err(PageError::from_domain(&desk, e)),
        }
    }
    render(&desk, form, errors, StatusCode::UNPROCESSABLE_ENTITY).await
}

async fn render(
    desk: &Desk,
    absence: AbsenceForm,
    errors: FieldErrors,
    status: StatusCode,
) -> Result<Response, PageError> {
    let fail = |e| PageError::from_domain(desk, e);
    let agents = desk.state.agents.list().await.map_err(fail)?;
    let me = desk.agent.id.to_string();
    let substitutes =
        choices::agents_with_absence(desk, &agents).await?.into_iter().filter(|c| c.value != me).collect();
    let today = chrono::Utc::now().date_naive().to_string();
    // ISO dates compare as text.
    let away_now = absence.on && absence.start <= today && today <= absence.end;
    let title = desk.tr().t("pref-title");
    let page = PreferencesPage { c: Chrome::for_desk(desk, Nav::None, title), absence, away_now, substitutes, errors };
    Ok(html_status(&page, status))
}
