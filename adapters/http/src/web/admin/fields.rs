//! `/admin/fields`: the site's dynamic fields (OTRS's `dynamic_field`) — list, add a
//! ticket field, change a field's label, order, list values and default, set it
//! invalid. A list's values are typed one per line as `key: label`.

use askama::Template;
use goats_core::DomainError;
use goats_core::admin::fields::ADDABLE;
use goats_core::model::{FieldDefinition, FieldType};
use poem::http::StatusCode;
use poem::web::Path;
use poem::{Response, handler};

use crate::web::choices::Choice;
use crate::web::desk::Desk;
use crate::web::field_errors::FieldErrors;
use crate::web::form_text::FormText;
use crate::web::page::{Chrome, Nav, PageError, html, html_status, with_flash};

#[derive(Template)]
#[template(path = "pages/admin_fields.html")]
struct FieldsPage {
    c: Chrome,
    fields: Vec<FieldDefinition>,
}

impl FieldsPage {
    /// Which entry of the admin menu this list is (`layouts/admin_list.html`).
    fn section(&self) -> &'static str {
        "fields"
    }

    fn empty(&self) -> bool {
        self.fields.is_empty()
    }

    fn type_name(&self, f: &FieldDefinition) -> String {
        type_label(&self.c, &f.field_type)
    }

    fn object_name(&self, f: &FieldDefinition) -> String {
        match f.object_type.as_str() {
            "Ticket" => self.c.t("admin-field-object-ticket").into_owned(),
            "Article" => self.c.t("admin-field-object-article").into_owned(),
            other => other.to_string(),
        }
    }
}

#[derive(Template)]
#[template(path = "pages/admin_field.html")]
struct FieldPage {
    c: Chrome,
    form: FieldDefinition,
    /// The list values as the text area holds them.
    values_text: String,
    types: Vec<Choice>,
    errors: FieldErrors,
}

impl FieldPage {
    fn type_value(&self) -> &str {
        self.form.field_type.otrs_name()
    }

    fn type_name(&self) -> String {
        type_label(&self.c, &self.form.field_type)
    }

    /// Whether the form offers list values (a new field may become a list).
    fn has_values(&self) -> bool {
        self.form.id == 0 || matches!(self.form.field_type, FieldType::Dropdown | FieldType::Multiselect)
    }

    /// Whether the form offers a default (not for a kind goats does not know).
    fn has_default(&self) -> bool {
        !matches!(self.form.field_type, FieldType::Other(_))
    }

    fn default_text(&self) -> &str {
        self.form.default_value.as_deref().unwrap_or_default()
    }
}

fn type_label(c: &Chrome, t: &FieldType) -> String {
    let key = match t {
        FieldType::Text => "admin-field-type-text",
        FieldType::TextArea => "admin-field-type-textarea",
        FieldType::Dropdown => "admin-field-type-dropdown",
        FieldType::Multiselect => "admin-field-type-multiselect",
        FieldType::Checkbox => "admin-field-type-checkbox",
        FieldType::Date => "admin-field-type-date",
        FieldType::DateTime => "admin-field-type-datetime",
        FieldType::Other(name) => return name.clone(),
    };
    c.t(key).into_owned()
}

#[handler]
pub async fn list(desk: Desk) -> Result<Response, PageError> {
    let fields = desk.state.field_admin.fields(&desk.perms).await.map_err(|e| PageError::from_domain(&desk, e))?;
    let title = desk.tr().t("admin-fields-title");
    Ok(html(&FieldsPage { c: Chrome::for_desk(&desk, Nav::Admin, title), fields }))
}

#[handler]
pub async fn new_form(desk: Desk) -> Result<Response, PageError> {
    // Only an admin sees the form.
    desk.state.field_admin.fields(&desk.perms).await.map_err(|e| PageError::from_domain(&desk, e))?;
    let form = FieldDefinition {
        id: 0,
        name: String::new(),
        label: String::new(),
        field_type: FieldType::Text,
        object_type: "Ticket".into(),
        field_order: 0,
        valid: true,
        internal: false,
        possible_values: Vec::new(),
        default_value: None,
    };
    render(&desk, form, None, FieldErrors::default(), StatusCode::OK)
}

#[handler]
pub async fn edit(desk: Desk, Path(id): Path<i32>) -> Result<Response, PageError> {
    let field = desk.state.field_admin.field(&desk.perms, id).await.map_err(|e| PageError::from_domain(&desk, e))?;
    render(&desk, field, None, FieldErrors::default(), StatusCode::OK)
}

#[handler]
pub async fn create(desk: Desk, body: String) -> Result<Response, PageError> {
    let f = FormText::parse(&body);
    let given = f.get("field_type");
    let field_type = ADDABLE.into_iter().find(|t| t.otrs_name() == given).unwrap_or(FieldType::Other(given));
    let form = FieldDefinition { object_type: f.get("object_type"), ..read(&f, 0, field_type) };
    save(desk, form).await
}

#[handler]
pub async fn update(desk: Desk, Path(id): Path<i32>, body: String) -> Result<Response, PageError> {
    // The field must exist (and the agent be an admin) before the form is read; its
    // type is the stored one, which no form changes.
    let stored = desk.state.field_admin.field(&desk.perms, id).await.map_err(|e| PageError::from_domain(&desk, e))?;
    let mut form = read(&FormText::parse(&body), id, stored.field_type.clone());
    if stored.internal {
        form.name = stored.name;
    }
    save(desk, form).await
}

async fn save(desk: Desk, form: FieldDefinition) -> Result<Response, PageError> {
    let values_text = values_text(&form.possible_values);
    match desk.state.field_admin.save(&desk.perms, form.clone()).await {
        Ok(id) => {
            let key = if form.id == 0 { "admin-field-created" } else { "admin-field-saved" };
            let done = desk.tr().v(key, &form.name);
            Ok(with_flash(crate::web::login::redirect(&format!("/admin/fields/{id}")), &done))
        }
        Err(e) => {
            let errors = field_errors(&desk, e)?;
            render(&desk, form, Some(values_text), errors, StatusCode::UNPROCESSABLE_ENTITY)
        }
    }
}

fn read(f: &FormText, id: i32, field_type: FieldType) -> FieldDefinition {
    FieldDefinition {
        id,
        name: f.get("name"),
        label: f.get("label"),
        field_type,
        object_type: String::new(),
        // Left empty, a new field goes last; a number that is none is refused.
        field_order: match f.get("field_order").trim() {
            "" => 0,
            n => n.parse().unwrap_or(-1),
        },
        valid: f.get("valid") == "1",
        internal: false,
        possible_values: parse_values(&f.raw("possible_values")),
        default_value: Some(f.get("default_value")),
    }
}

/// `key: label` per line; a line without a colon is a key that is its own label.
fn parse_values(text: &str) -> Vec<(String, String)> {
    text.lines()
        .filter(|l| !l.trim().is_empty())
        .map(|l| match l.split_once(':') {
            Some((k, v)) => (k.trim().to_string(), v.trim().to_string()),
            None => (l.trim().to_string(), String::new()),
        })
        .collect()
}

fn values_text(values: &[(String, String)]) -> String {
    values.iter().map(|(k, v)| format!("{k}: {v}")).collect::<Vec<_>>().join("\n")
}

/// A refusal of the service beside the field it concerns; a failure that is no fault
/// of the form is the error page.
fn field_errors(desk: &Desk, e: DomainError) -> Result<FieldErrors, PageError> {
    let mut errors = FieldErrors::default();
    let tr = desk.tr();
    match e {
        DomainError::Invalid { field: "name", .. } => errors.add("name", tr.t("admin-field-error-name")),
        DomainError::Invalid { field: "label", .. } => errors.add("label", tr.t("admin-field-error-label")),
        DomainError::Invalid { field: "field_type", .. } => errors.add("field_type", tr.t("admin-field-error-type")),
        DomainError::Invalid { field: "object_type", .. } => {
            errors.add("object_type", tr.t("admin-field-error-object"))
        }
        DomainError::Invalid { field: "field_order", .. } => errors.add("field_order", tr.t("admin-field-error-order")),
        DomainError::Invalid { field: "possible_values", .. } => {
            errors.add("possible_values", tr.t("admin-field-error-values"))
        }
        DomainError::Invalid { field: "default_value", .. } => {
            errors.add("default_value", tr.t("admin-field-error-default"))
        }
        DomainError::Conflict(_) => errors.add("name", tr.t("admin-field-error-taken")),
        other => return Err(PageError::from_domain(desk, other)),
    }
    Ok(errors)
}

fn render(
    desk: &Desk,
    form: FieldDefinition,
    values_text_given: Option<String>,
    errors: FieldErrors,
    status: StatusCode,
) -> Result<Response, PageError> {
    let c = Chrome::for_desk(desk, Nav::Admin, String::new());
    let types = ADDABLE.iter().map(|t| Choice { value: t.otrs_name().to_string(), label: type_label(&c, t) }).collect();
    let title = match form.id {
        0 => desk.tr().t("admin-field-new-title"),
        _ => desk.tr().v("admin-field-edit-title", &form.name),
    };
    let values_text = values_text_given.unwrap_or_else(|| values_text(&form.possible_values));
    let page = FieldPage { c: Chrome { title, ..c }, form, values_text, types, errors };
    Ok(html_status(&page, status))
}

#[cfg(test)]
mod tests {
    #[test]
    fn list_values_are_typed_one_per_line() {
        let typed = "low: Low\n\n  high : Very high: urgent \nplain\n";
        let values = super::parse_values(typed);
        assert_eq!(
            values,
            [
                ("low".into(), "Low".into()),
                ("high".into(), "Very high: urgent".into()),
                ("plain".into(), String::new())
            ]
        );
        assert_eq!(super::values_text(&values[..2]), "low: Low\nhigh: Very high: urgent");
    }
}
