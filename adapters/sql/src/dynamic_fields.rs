//! OTRS's dynamic fields of a ticket: `dynamic_field` (its definition, the config as
//! YAML) joined to `dynamic_field_value` (one row per value: text, date or integer).

use async_trait::async_trait;
use goats_core::error::DomainResult;
use goats_core::model::{DynamicFieldValue, FieldType, FieldValue, TicketId};
use goats_core::ports::DynamicFieldStore;
use sea_orm::ConnectionTrait;

use crate::Db;
use crate::error::to_domain;
use crate::row::{int, opt_int, opt_text, text};

#[async_trait]
impl DynamicFieldStore for Db {
    async fn ticket_values(&self, ticket: TicketId) -> DomainResult<Vec<DynamicFieldValue>> {
        let rows = self
            .conn
            .query_all_raw(self.stmt(
                "SELECT f.id, f.name, f.label, f.field_type, f.config, v.value_text, v.value_date, v.value_int \
                 FROM dynamic_field_value v JOIN dynamic_field f ON f.id = v.field_id \
                 WHERE v.object_id = ? AND f.object_type = 'Ticket' AND f.valid_id = 1 \
                 ORDER BY f.field_order, f.id, v.id",
                [ticket.into()],
            ))
            .await
            .map_err(to_domain)?;
        let mut out: Vec<DynamicFieldValue> = Vec::new();
        for r in &rows {
            let field_id = int(r, "id")? as i32;
            let field_type = FieldType::from_otrs(&text(r, "field_type")?);
            let value_text = opt_text(r, "value_text")?;
            let value_date = r.try_get::<Option<chrono::NaiveDateTime>>("", "value_date").ok().flatten();
            let value_int = opt_int(r, "value_int")?;
            let value = match (&field_type, value_text, value_date, value_int) {
                (FieldType::Checkbox, _, _, Some(i)) => FieldValue::Int(i),
                (FieldType::Date, _, Some(d), _) => FieldValue::Date(d.date()),
                (FieldType::DateTime, _, Some(d), _) => FieldValue::DateTime(d.and_utc()),
                (FieldType::Multiselect, Some(t), ..) => FieldValue::Texts(vec![t]),
                (_, Some(t), ..) => FieldValue::Text(t),
                (_, None, Some(d), _) => FieldValue::DateTime(d.and_utc()),
                (_, None, None, Some(i)) => FieldValue::Int(i),
                (_, None, None, None) => continue,
            };
            // A multiselect keeps one row per chosen key.
            if let (Some(last), FieldValue::Texts(more)) = (out.last_mut(), &value)
                && last.field_id == field_id
            {
                if let FieldValue::Texts(keys) = &mut last.value {
                    keys.extend(more.iter().cloned());
                }
                continue;
            }
            out.push(DynamicFieldValue {
                field_id,
                name: text(r, "name")?,
                label: text(r, "label")?,
                possible_values: possible_values(opt_text(r, "config")?.as_deref()),
                field_type,
                value,
            });
        }
        Ok(out)
    }
}

/// A dropdown's or multiselect's `PossibleValues` (key → label) from its YAML config.
fn possible_values(config: Option<&str>) -> Vec<(String, String)> {
    let Some(yaml) = config else { return Vec::new() };
    let Ok(serde_yaml::Value::Mapping(top)) = serde_yaml::from_str::<serde_yaml::Value>(yaml) else {
        return Vec::new();
    };
    let scalar = |v: &serde_yaml::Value| match v {
        serde_yaml::Value::String(s) => Some(s.clone()),
        serde_yaml::Value::Number(n) => Some(n.to_string()),
        _ => None,
    };
    match top.get("PossibleValues") {
        Some(serde_yaml::Value::Mapping(values)) => {
            values.iter().filter_map(|(k, v)| Some((scalar(k)?, scalar(v)?))).collect()
        }
        _ => Vec::new(),
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn possible_values_come_from_the_yaml_config() {
        let config = "---\nDefaultValue: ''\nPossibleValues:\n  '1': Low\n  high: High\nTranslatableValues: '0'\n";
        assert_eq!(
            super::possible_values(Some(config)),
            [("1".to_string(), "Low".to_string()), ("high".to_string(), "High".to_string())]
        );
        assert!(super::possible_values(Some("not: [yaml")).is_empty());
    }
}
