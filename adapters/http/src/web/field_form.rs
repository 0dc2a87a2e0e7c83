//! The zoom's inputs for dynamic fields — a ticket's, in their own form, and a new
//! article's, in the article form: one input per field the site defines, of the kind its
//! type asks for, filled with the current value; and what a submitted form means, as the
//! texts OTRS's interfaces give (checked by the ticket service).

use goats_core::model::{DynamicFieldDef, DynamicFieldValue, FieldType, FieldValue};

use super::form_text::FormText;

/// What a ticket field's inputs are named after (`df-<name>`).
pub const TICKET: &str = "df";
/// What a new article's field inputs are named after (`af-<name>`): both forms may
/// stand on one page, and a ticket field and an article field may share a name.
pub const ARTICLE: &str = "af";

/// One field as the form shows it.
pub struct FieldInput {
    /// `df` or `af`: its input is named `<prefix>-<name>`.
    pub prefix: &'static str,
    pub name: String,
    pub label: String,
    /// `text`, `textarea`, `select`, `multi`, `checkbox`, `date` or `datetime`.
    pub kind: &'static str,
    /// The value as the input holds it (a dropdown's key, `2026-12-24`, `2026-12-24T09:30`).
    pub value: String,
    /// A multiselect's chosen keys.
    pub chosen: Vec<String>,
    /// A dropdown's or multiselect's keys with their labels.
    pub options: Vec<(String, String)>,
}

impl FieldInput {
    pub fn is_chosen(&self, key: &str) -> bool {
        self.chosen.iter().any(|k| k == key) || (self.kind == "select" && self.value == key)
    }
}

fn kind_of(t: &FieldType) -> Option<&'static str> {
    Some(match t {
        FieldType::Text => "text",
        FieldType::TextArea => "textarea",
        FieldType::Dropdown => "select",
        FieldType::Multiselect => "multi",
        FieldType::Checkbox => "checkbox",
        FieldType::Date => "date",
        FieldType::DateTime => "datetime",
        // A kind goats does not know is shown, never edited.
        FieldType::Other(_) => return None,
    })
}

/// The inputs (named after `prefix`) for the fields the site defines, holding `values`.
pub fn inputs(prefix: &'static str, defs: Vec<DynamicFieldDef>, values: &[DynamicFieldValue]) -> Vec<FieldInput> {
    defs.into_iter()
        .filter_map(|d| {
            let kind = kind_of(&d.field_type)?;
            let current = values.iter().find(|v| v.field_id == d.id).map(|v| &v.value);
            let (value, chosen) = match current {
                None => (String::new(), Vec::new()),
                Some(FieldValue::Text(t)) => (t.clone(), Vec::new()),
                Some(FieldValue::Texts(keys)) => (String::new(), keys.clone()),
                Some(FieldValue::Int(i)) => (i.to_string(), Vec::new()),
                Some(FieldValue::Date(day)) => (day.format("%Y-%m-%d").to_string(), Vec::new()),
                Some(FieldValue::DateTime(t)) => (t.format("%Y-%m-%dT%H:%M").to_string(), Vec::new()),
            };
            Some(FieldInput { prefix, name: d.name, label: d.label, kind, value, chosen, options: d.possible_values })
        })
        .collect()
}

/// The submitted values of the editable fields (inputs named after `prefix`), as texts
/// by field name: what the ticket service checks. A checkbox left unticked is sent by
/// no browser, so it is 0.
pub fn submitted(prefix: &str, defs: &[DynamicFieldDef], form: &FormText) -> Vec<(String, Vec<String>)> {
    defs.iter()
        .filter_map(|d| {
            let kind = kind_of(&d.field_type)?;
            let key = format!("{prefix}-{}", d.name);
            let given: Vec<String> = match kind {
                "checkbox" => vec![if form.get(&key) == "1" { "1" } else { "0" }.to_string()],
                "multi" => form.all(&key).map(str::to_string).collect(),
                // The browser's `2026-12-24T09:30`, as OTRS writes a time.
                "datetime" => {
                    let v = form.get(&key);
                    match v.len() {
                        16 => vec![format!("{}:00", v.replacen('T', " ", 1))],
                        _ => vec![v.replacen('T', " ", 1)],
                    }
                }
                _ => vec![form.raw(&key)],
            };
            Some((d.name.clone(), given))
        })
        .collect()
}

/// What a new article's form gives its fields: only the fields given a value (a
/// checkbox only when ticked), so an article the agent wrote without touching them
/// holds none, as OTRS stores none.
pub fn given_to_article(defs: &[DynamicFieldDef], form: &FormText) -> Vec<(String, Vec<String>)> {
    let checkbox = |name: &str| defs.iter().any(|d| d.name == name && d.field_type == FieldType::Checkbox);
    submitted(ARTICLE, defs, form)
        .into_iter()
        .filter(|(name, given)| {
            let unticked = checkbox(name) && given.iter().all(|g| g == "0");
            !unticked && given.iter().any(|g| !g.trim().is_empty())
        })
        .collect()
}
