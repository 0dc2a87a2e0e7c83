//! `/customer/preferences`: a customer's own name and the language the portal speaks to
//! them in (kept as OTRS keeps it, so OTRS's customer interface agrees).

use askama::Template;
use goats_core::DomainError;
use poem::http::StatusCode;
use poem::{IntoResponse, Response, handler};

use super::Visit;
use crate::web::field_errors::FieldErrors;
use crate::web::form_text::FormText;
use crate::web::i18n::{Lang, Tr};
use crate::web::login::redirect;
use crate::web::page::{Chrome, Nav, PageError, html, with_flash};

const PAGE: &str = "/customer/preferences";

/// The form as typed, so a refused one comes back with nothing lost.
struct ProfileForm {
    first_name: String,
    last_name: String,
    language: String,
}

#[derive(Template)]
#[template(path = "pages/portal_preferences.html")]
struct ProfilePage {
    c: Chrome,
    form: ProfileForm,
    errors: FieldErrors,
}

fn page(visit: &Visit, form: ProfileForm, errors: FieldErrors, status: StatusCode) -> Response {
    let c = visit.chrome(Nav::PortalPreferences, visit.tr().t("portal-pref-title"));
    (status, html(&ProfilePage { c, form, errors })).into_response()
}

#[handler]
pub async fn show(visit: Visit) -> Response {
    let form = ProfileForm {
        first_name: visit.customer.first_name.clone(),
        last_name: visit.customer.last_name.clone(),
        // The language the portal speaks now, chosen or the browser's.
        language: visit.lang.code().to_string(),
    };
    page(&visit, form, FieldErrors::default(), StatusCode::OK)
}

#[handler]
pub async fn save(visit: Visit, body: String) -> Result<Response, PageError> {
    let f = FormText::parse(&body);
    let form =
        ProfileForm { first_name: f.get("first_name"), last_name: f.get("last_name"), language: f.get("language") };
    let tr = visit.tr();
    let Some(lang) = Lang::from_code(form.language.trim()) else {
        let mut errors = FieldErrors::default();
        errors.add("language", tr.t("portal-pref-error-language"));
        return Ok(page(&visit, form, errors, StatusCode::UNPROCESSABLE_ENTITY));
    };
    let profiles = &visit.state.customer_profiles;
    match profiles.change(&visit.customer.login, &form.first_name, &form.last_name, Some(lang.code())).await {
        // Said in the language just chosen: the next page speaks it.
        Ok(_) => Ok(with_flash(redirect(PAGE), &Tr(lang).t("portal-pref-saved"))),
        Err(DomainError::Invalid { field, .. }) => {
            let mut errors = FieldErrors::default();
            match field {
                "first_name" => errors.add("first_name", tr.t("portal-pref-error-name")),
                "last_name" => errors.add("last_name", tr.t("portal-pref-error-name")),
                _ => errors.add("language", tr.t("portal-pref-error-language")),
            }
            Ok(page(&visit, form, errors, StatusCode::UNPROCESSABLE_ENTITY))
        }
        Err(e) => Err(visit.failed(e)),
    }
}
