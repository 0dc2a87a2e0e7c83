//! OTRS's dynamic fields: the site's own ticket attributes (`dynamic_field`), with
//! their values kept one row per value in `dynamic_field_value`.

use chrono::{DateTime, NaiveDate, Utc};

/// A field's kind, as OTRS names it in `dynamic_field.field_type`.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub enum FieldType {
    Text,
    TextArea,
    Dropdown,
    Multiselect,
    Checkbox,
    Date,
    DateTime,
    /// A kind goats does not know (process management's, an add-on's); its values are
    /// shown as OTRS stored them.
    Other(String),
}

impl FieldType {
    pub fn from_otrs(name: &str) -> Self {
        match name {
            "Text" => Self::Text,
            "TextArea" => Self::TextArea,
            "Dropdown" => Self::Dropdown,
            "Multiselect" => Self::Multiselect,
            "Checkbox" => Self::Checkbox,
            "Date" => Self::Date,
            "DateTime" => Self::DateTime,
            other => Self::Other(other.to_string()),
        }
    }

    pub fn otrs_name(&self) -> &str {
        match self {
            Self::Text => "Text",
            Self::TextArea => "TextArea",
            Self::Dropdown => "Dropdown",
            Self::Multiselect => "Multiselect",
            Self::Checkbox => "Checkbox",
            Self::Date => "Date",
            Self::DateTime => "DateTime",
            Self::Other(name) => name,
        }
    }
}

/// What a field holds for one ticket.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
#[serde(untagged)]
pub enum FieldValue {
    Text(String),
    /// A multiselect's chosen keys.
    Texts(Vec<String>),
    /// A checkbox: 1 ticked, 0 not.
    Int(i64),
    Date(NaiveDate),
    DateTime(DateTime<Utc>),
}

/// A ticket field as the site defined it: what a value given for it must be.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DynamicFieldDef {
    pub id: i32,
    pub name: String,
    pub label: String,
    pub field_type: FieldType,
    /// A dropdown's or multiselect's keys with their labels (`PossibleValues`).
    pub possible_values: Vec<(String, String)>,
}

/// A value to store for a field; `None` clears it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldChange {
    pub field: DynamicFieldDef,
    pub value: Option<FieldValue>,
}

impl FieldValue {
    /// The value as OTRS writes it into a history row.
    pub fn history_text(&self) -> String {
        match self {
            FieldValue::Text(t) => t.clone(),
            FieldValue::Texts(keys) => keys.join(","),
            FieldValue::Int(i) => i.to_string(),
            FieldValue::Date(d) => d.format("%Y-%m-%d 00:00:00").to_string(),
            FieldValue::DateTime(t) => t.format("%Y-%m-%d %H:%M:%S").to_string(),
        }
    }
}

/// One dynamic field of a ticket that has a value.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct DynamicFieldValue {
    pub field_id: i32,
    pub name: String,
    pub label: String,
    pub field_type: FieldType,
    pub value: FieldValue,
    /// A dropdown's or multiselect's labels for its keys (`PossibleValues`).
    #[serde(skip)]
    pub possible_values: Vec<(String, String)>,
}

impl DynamicFieldValue {
    /// The value as an agent reads it: labels for chosen keys, "Yes"/"No" is left to
    /// the page (it is translated there), dates as ISO dates.
    pub fn display(&self) -> String {
        let label =
            |key: &str| self.possible_values.iter().find(|(k, _)| k == key).map_or(key.to_string(), |(_, l)| l.clone());
        match &self.value {
            FieldValue::Text(t) if self.field_type == FieldType::Dropdown => label(t),
            FieldValue::Text(t) => t.clone(),
            FieldValue::Texts(keys) => keys.iter().map(|k| label(k)).collect::<Vec<_>>().join(", "),
            FieldValue::Int(i) => i.to_string(),
            FieldValue::Date(d) => d.format("%Y-%m-%d").to_string(),
            FieldValue::DateTime(t) => t.format("%Y-%m-%d %H:%M:%S").to_string(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chosen_keys_show_their_labels() {
        let f = DynamicFieldValue {
            field_id: 7,
            name: "Severity".into(),
            label: "Severity".into(),
            field_type: FieldType::Multiselect,
            value: FieldValue::Texts(vec!["1".into(), "3".into(), "9".into()]),
            possible_values: vec![("1".into(), "Low".into()), ("3".into(), "High".into())],
        };
        assert_eq!(f.display(), "Low, High, 9");
        assert_eq!(FieldType::from_otrs("ProcessID"), FieldType::Other("ProcessID".into()));
        assert_eq!(FieldType::from_otrs("Dropdown").otrs_name(), "Dropdown");
    }
}
