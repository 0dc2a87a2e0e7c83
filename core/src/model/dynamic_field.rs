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

/// A field as an admin maintains it (`dynamic_field`): of tickets or of articles
/// (`object_type`), valid or not.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldDefinition {
    /// 0 for a field not stored yet.
    pub id: i32,
    pub name: String,
    pub label: String,
    pub field_type: FieldType,
    /// `Ticket`, `Article`, or another object an add-on gave fields.
    pub object_type: String,
    pub field_order: i32,
    pub valid: bool,
    /// One of OTRS's own (process management's): its name stays as it is.
    pub internal: bool,
    /// A dropdown's or multiselect's keys with their labels, in order.
    pub possible_values: Vec<(String, String)>,
    /// The value a new ticket's form starts with (OTRS's `DefaultValue`), as text.
    pub default_value: Option<String>,
}

impl FieldDefinition {
    /// What a ticket's forms need of it.
    pub fn def(&self) -> DynamicFieldDef {
        DynamicFieldDef {
            id: self.id,
            name: self.name.clone(),
            label: self.label.clone(),
            field_type: self.field_type.clone(),
            possible_values: self.possible_values.clone(),
        }
    }

    pub fn is_ticket_field(&self) -> bool {
        self.object_type == "Ticket"
    }

    pub fn is_article_field(&self) -> bool {
        self.object_type == "Article"
    }
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

/// A ticket list's condition on one dynamic field: tickets with a value for the field
/// that passes the test — for an article field, tickets with an article holding one.
/// A ticket without a value never matches.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldFilter {
    pub field_id: i32,
    pub test: FieldTest,
    /// The field is an article field.
    pub on_articles: bool,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FieldTest {
    /// The stored text is one of these (a dropdown's or multiselect's keys, a text as a
    /// whole).
    AnyOf(Vec<String>),
    /// The stored text matches this pattern without regard to case, `*` standing for
    /// any run of characters (OTRS's `Like`).
    Like(String),
    /// A checkbox's stored 1 (ticked) or 0.
    Is(i64),
    /// A stored date or time at or after `from` and before `until`.
    Within { from: Option<DateTime<Utc>>, until: Option<DateTime<Utc>> },
}

impl FieldTest {
    /// Whether a stored value passes: what the SQL stores ask their database, for the
    /// in-memory store and for checking a ticket already read.
    pub fn passes(&self, value: &FieldValue) -> bool {
        let texts: Vec<&str> = match value {
            FieldValue::Text(t) => vec![t.as_str()],
            FieldValue::Texts(keys) => keys.iter().map(String::as_str).collect(),
            _ => Vec::new(),
        };
        match (self, value) {
            (FieldTest::AnyOf(wanted), _) => texts.iter().any(|t| wanted.iter().any(|w| w == t)),
            (FieldTest::Like(pattern), _) => texts.iter().any(|t| like(pattern, t)),
            (FieldTest::Is(want), FieldValue::Int(i)) => i == want,
            (FieldTest::Within { from, until }, FieldValue::Date(_) | FieldValue::DateTime(_)) => {
                let at = match value {
                    FieldValue::Date(d) => d.and_hms_opt(0, 0, 0).unwrap_or_default().and_utc(),
                    FieldValue::DateTime(t) => *t,
                    _ => unreachable!("matched above"),
                };
                from.is_none_or(|f| at >= f) && until.is_none_or(|u| at < u)
            }
            _ => false,
        }
    }
}

/// `*`-pattern matching without regard to case.
fn like(pattern: &str, text: &str) -> bool {
    let (pattern, text) = (pattern.to_lowercase(), text.to_lowercase());
    let parts: Vec<&str> = pattern.split('*').collect();
    let (first, last) = (parts[0], parts[parts.len() - 1]);
    if parts.len() == 1 {
        return text == first;
    }
    if !text.starts_with(first) || !text[first.len()..].ends_with(last) {
        return false;
    }
    let mut rest = &text[first.len()..text.len() - last.len()];
    for middle in &parts[1..parts.len() - 1] {
        match rest.find(middle) {
            Some(at) => rest = &rest[at + middle.len()..],
            None => return false,
        }
    }
    true
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

    #[test]
    fn filters_test_stored_values_as_the_database_would() {
        let text = |t: &str| FieldValue::Text(t.into());
        let like = |p: &str| FieldTest::Like(p.into());
        assert!(like("*vpn*").passes(&text("Our VPN is down")));
        assert!(like("inv-*").passes(&text("INV-2026")));
        assert!(!like("inv-*").passes(&text("x INV-2026")));
        assert!(like("a*b*c").passes(&text("abc")));
        assert!(!like("a*b*c").passes(&text("acb")));
        assert!(!like("ab*ba").passes(&text("aba")), "the two ends may not share a character");
        assert!(like("exact").passes(&text("EXACT")) && !like("exact").passes(&text("exactly")));
        let keys = FieldValue::Texts(vec!["low".into(), "high".into()]);
        assert!(FieldTest::AnyOf(vec!["high".into()]).passes(&keys));
        assert!(!FieldTest::AnyOf(vec!["mid".into()]).passes(&keys));
        assert!(FieldTest::Is(0).passes(&FieldValue::Int(0)) && !FieldTest::Is(1).passes(&FieldValue::Int(0)));
        let day = FieldValue::Date(NaiveDate::from_ymd_opt(2026, 12, 24).unwrap());
        let at = |d: u32| Some(NaiveDate::from_ymd_opt(2026, 12, d).unwrap().and_hms_opt(0, 0, 0).unwrap().and_utc());
        assert!(FieldTest::Within { from: at(24), until: at(25) }.passes(&day));
        assert!(!FieldTest::Within { from: at(25), until: None }.passes(&day));
        assert!(!FieldTest::Within { from: None, until: at(24) }.passes(&day));
        assert!(!FieldTest::Is(1).passes(&text("1")), "a test of another kind never passes");
    }
}
