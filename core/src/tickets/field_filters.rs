//! Ticket lists filtered by dynamic fields: what an agent types beside a field's name
//! (the pages, the REST API), or an OTRS operator with its value (the
//! GenericInterface's `DynamicField_<Name>`), turned into a [`FieldFilter`] checked
//! against the site's field definitions.

use chrono::{DateTime, Duration, NaiveDate, NaiveDateTime, Utc};

use super::TicketService;
use crate::error::{DomainError, DomainResult};
use crate::model::*;

const FIELD: &str = "DynamicField";

/// The comparisons OTRS's ticket search takes for a dynamic field.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FieldOperator {
    Equals,
    Like,
    GreaterThan,
    GreaterThanEquals,
    SmallerThan,
    SmallerThanEquals,
}

impl FieldOperator {
    pub fn from_otrs(name: &str) -> Option<Self> {
        Some(match name {
            "Equals" => Self::Equals,
            "Like" => Self::Like,
            "GreaterThan" => Self::GreaterThan,
            "GreaterThanEquals" => Self::GreaterThanEquals,
            "SmallerThan" => Self::SmallerThan,
            "SmallerThanEquals" => Self::SmallerThanEquals,
            _ => return None,
        })
    }
}

impl TicketService {
    /// The field named `name`, a ticket field or else an article field (then any
    /// article of the ticket may hold the value, marked by `on_articles`), or a clear
    /// refusal naming it.
    async fn named_field(&self, name: &str) -> DomainResult<(DynamicFieldDef, bool)> {
        if let Some(field) = self.ticket_field_defs().await?.into_iter().find(|f| f.name == name) {
            return Ok((field, false));
        }
        match self.article_field_defs().await?.into_iter().find(|f| f.name == name) {
            Some(field) => Ok((field, true)),
            None => Err(DomainError::invalid(FIELD, format!("no ticket or article field is named `{name}`"))),
        }
    }

    /// A list condition from what a person typed for the field `name` (see
    /// [`Self::named_field`] and [`filter_for`]).
    pub async fn field_filter(&self, name: &str, value: &str) -> DomainResult<FieldFilter> {
        let (field, on_articles) = self.named_field(name).await?;
        Ok(FieldFilter { on_articles, ..filter_for(&field, value)? })
    }

    /// A list condition from an OTRS search operator and its value: OTRS's ticket
    /// search takes article fields too, matching a ticket by any of its articles.
    pub async fn field_filter_by(&self, name: &str, op: FieldOperator, value: &str) -> DomainResult<FieldFilter> {
        let (field, on_articles) = self.named_field(name).await?;
        Ok(FieldFilter { on_articles, ..filter_by(&field, op, value)? })
    }
}

/// What a person types to find tickets by a field: words in a text (`*` a wildcard,
/// otherwise anywhere in it); a key or a label of a list (any case); yes or no for a
/// checkbox; a day, or days `FROM..UNTIL` (either end may be left open), for a date or
/// a time.
pub fn filter_for(field: &DynamicFieldDef, value: &str) -> DomainResult<FieldFilter> {
    let bad = |why: String| DomainError::invalid(FIELD, format!("{}: {why}", field.name));
    let value = value.trim();
    if value.is_empty() {
        return Err(bad("give a value to look for".into()));
    }
    let test = match &field.field_type {
        FieldType::Text | FieldType::TextArea if value.contains('*') => FieldTest::Like(value.into()),
        FieldType::Text | FieldType::TextArea => FieldTest::Like(format!("*{value}*")),
        FieldType::Dropdown | FieldType::Multiselect if field.possible_values.is_empty() => {
            FieldTest::AnyOf(vec![value.into()])
        }
        FieldType::Dropdown | FieldType::Multiselect => {
            let keys: Vec<String> = field
                .possible_values
                .iter()
                .filter(|(k, l)| k == value || l.to_lowercase() == value.to_lowercase())
                .map(|(k, _)| k.clone())
                .collect();
            if keys.is_empty() {
                return Err(bad(format!("`{value}` is not one of its values")));
            }
            FieldTest::AnyOf(keys)
        }
        // The words of the pages' languages, as an agent types them.
        FieldType::Checkbox => match value.to_lowercase().as_str() {
            "1" | "yes" | "true" | "checked" | "ja" => FieldTest::Is(1),
            "0" | "no" | "false" | "unchecked" | "nein" => FieldTest::Is(0),
            _ => return Err(bad("a checkbox is looked for with yes or no".into())),
        },
        FieldType::Date | FieldType::DateTime => {
            let day = |d: &str| -> DomainResult<Option<DateTime<Utc>>> {
                let d = d.trim();
                if d.is_empty() {
                    return Ok(None);
                }
                NaiveDate::parse_from_str(d, "%Y-%m-%d")
                    .map(|d| Some(d.and_hms_opt(0, 0, 0).unwrap_or_default().and_utc()))
                    .map_err(|_| bad(format!("`{d}` is not a YYYY-MM-DD date")))
            };
            let (from, until) = value.split_once("..").unwrap_or((value, value));
            let (from, until) = (day(from)?, day(until)?.map(|u| u + Duration::days(1)));
            if from.is_none() && until.is_none() {
                return Err(bad("give a day, or days as FROM..UNTIL".into()));
            }
            FieldTest::Within { from, until }
        }
        FieldType::Other(kind) => return Err(bad(format!("goats cannot look for values of fields of type {kind}"))),
    };
    Ok(FieldFilter { field_id: field.id, test, on_articles: false })
}

/// OTRS's search operators: `Equals` a stored value as OTRS writes it (a checkbox's
/// `-1` meaning unticked, as OTRS's search form sends it); `Like` a `*` pattern of a
/// text or a list's keys; the comparisons only for dates and times.
pub fn filter_by(field: &DynamicFieldDef, op: FieldOperator, value: &str) -> DomainResult<FieldFilter> {
    let bad = |why: String| DomainError::invalid(FIELD, format!("{}: {why}", field.name));
    let value = value.trim();
    let dated = matches!(field.field_type, FieldType::Date | FieldType::DateTime);
    let test = match (op, &field.field_type) {
        (_, FieldType::Other(kind)) => {
            return Err(bad(format!("goats cannot look for values of fields of type {kind}")));
        }
        (FieldOperator::Equals, FieldType::Checkbox) => match value {
            "1" => FieldTest::Is(1),
            "0" | "-1" => FieldTest::Is(0),
            _ => return Err(bad("a checkbox is looked for with 1 or -1".into())),
        },
        (FieldOperator::Equals, _) if dated => {
            let at = otrs_time(field, value)?;
            FieldTest::Within { from: Some(at), until: Some(at + Duration::seconds(1)) }
        }
        (FieldOperator::Equals, _) => FieldTest::AnyOf(vec![value.into()]),
        (FieldOperator::Like, FieldType::Checkbox) => return Err(bad("a checkbox takes Equals".into())),
        (FieldOperator::Like, _) if dated => return Err(bad("a date takes Equals or a comparison".into())),
        (FieldOperator::Like, _) => FieldTest::Like(value.into()),
        (_, _) if !dated => return Err(bad("only dates and times can be compared".into())),
        (op, _) => {
            let at = otrs_time(field, value)?;
            let second = Duration::seconds(1);
            match op {
                FieldOperator::GreaterThan => FieldTest::Within { from: Some(at + second), until: None },
                FieldOperator::GreaterThanEquals => FieldTest::Within { from: Some(at), until: None },
                FieldOperator::SmallerThan => FieldTest::Within { from: None, until: Some(at) },
                _ => FieldTest::Within { from: None, until: Some(at + second) },
            }
        }
    };
    Ok(FieldFilter { field_id: field.id, test, on_articles: false })
}

/// A time as OTRS's search takes it: `YYYY-MM-DD HH:MM:SS`, or a day for its start.
fn otrs_time(field: &DynamicFieldDef, value: &str) -> DomainResult<DateTime<Utc>> {
    NaiveDateTime::parse_from_str(value, "%Y-%m-%d %H:%M:%S")
        .or_else(|_| NaiveDate::parse_from_str(value, "%Y-%m-%d").map(|d| d.and_hms_opt(0, 0, 0).unwrap_or_default()))
        .map(|t| t.and_utc())
        .map_err(|_| {
            DomainError::invalid(FIELD, format!("{}: `{value}` is not a YYYY-MM-DD HH:MM:SS time", field.name))
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn field(field_type: FieldType) -> DynamicFieldDef {
        DynamicFieldDef {
            id: 4,
            name: "F".into(),
            label: "F".into(),
            field_type,
            possible_values: vec![("low".into(), "Low".into()), ("high".into(), "Very high".into())],
        }
    }

    fn test(field_type: FieldType, typed: &str) -> DomainResult<FieldTest> {
        filter_for(&field(field_type), typed).map(|f| f.test)
    }

    fn day(d: u32) -> Option<DateTime<Utc>> {
        Some(NaiveDate::from_ymd_opt(2026, 12, d).unwrap().and_hms_opt(0, 0, 0).unwrap().and_utc())
    }

    #[test]
    fn what_a_person_types_becomes_a_condition() {
        assert_eq!(test(FieldType::Text, " vpn ").unwrap(), FieldTest::Like("*vpn*".into()));
        assert_eq!(test(FieldType::TextArea, "INV-*").unwrap(), FieldTest::Like("INV-*".into()));
        assert_eq!(test(FieldType::Dropdown, "very HIGH").unwrap(), FieldTest::AnyOf(vec!["high".into()]));
        assert_eq!(test(FieldType::Multiselect, "low").unwrap(), FieldTest::AnyOf(vec!["low".into()]));
        assert!(test(FieldType::Dropdown, "medium").unwrap_err().to_string().contains("not one of its values"));
        assert_eq!(test(FieldType::Checkbox, "Yes").unwrap(), FieldTest::Is(1));
        assert_eq!(test(FieldType::Checkbox, "0").unwrap(), FieldTest::Is(0));
        assert!(test(FieldType::Checkbox, "maybe").is_err());
        assert_eq!(test(FieldType::Date, "2026-12-24").unwrap(), FieldTest::Within { from: day(24), until: day(25) });
        assert_eq!(
            test(FieldType::DateTime, "2026-12-01..2026-12-24").unwrap(),
            FieldTest::Within { from: day(1), until: day(25) }
        );
        assert_eq!(test(FieldType::Date, "..2026-12-24").unwrap(), FieldTest::Within { from: None, until: day(25) });
        assert!(test(FieldType::Date, "..").is_err());
        assert!(test(FieldType::Date, "yesterday").unwrap_err().to_string().contains("YYYY-MM-DD"));
        assert!(test(FieldType::Text, "  ").is_err());
        assert!(test(FieldType::Other("ProcessID".into()), "x").is_err());
    }

    #[test]
    fn otrs_operators_become_conditions() {
        let by = |t: FieldType, op, v: &str| filter_by(&field(t), op, v).map(|f| f.test);
        assert_eq!(by(FieldType::Text, FieldOperator::Equals, "a").unwrap(), FieldTest::AnyOf(vec!["a".into()]));
        assert_eq!(by(FieldType::Text, FieldOperator::Like, "a*").unwrap(), FieldTest::Like("a*".into()));
        assert_eq!(by(FieldType::Checkbox, FieldOperator::Equals, "-1").unwrap(), FieldTest::Is(0));
        assert_eq!(
            by(FieldType::Date, FieldOperator::GreaterThanEquals, "2026-12-24 00:00:00").unwrap(),
            FieldTest::Within { from: day(24), until: None }
        );
        assert_eq!(
            by(FieldType::DateTime, FieldOperator::SmallerThanEquals, "2026-12-23 23:59:59").unwrap(),
            FieldTest::Within { from: None, until: day(24) }
        );
        assert!(by(FieldType::Text, FieldOperator::GreaterThan, "a").unwrap_err().to_string().contains("compared"));
        assert!(by(FieldType::Checkbox, FieldOperator::Like, "1").is_err());
        assert!(by(FieldType::Date, FieldOperator::Equals, "soon").is_err());
    }
}
