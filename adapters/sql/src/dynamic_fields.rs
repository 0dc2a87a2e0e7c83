//! OTRS's dynamic fields of a ticket: `dynamic_field` (its definition, the config as
//! YAML) joined to `dynamic_field_value` (one row per value: text, date or integer).

use async_trait::async_trait;
use goats_core::error::DomainResult;
use goats_core::history::{HistoryEntry, HistoryType, names};
use goats_core::model::{DynamicFieldDef, DynamicFieldValue, FieldChange, FieldType, FieldValue, TicketId, UserId};
use goats_core::ports::DynamicFieldStore;
use sea_orm::{ConnectionTrait, DatabaseTransaction, TransactionTrait, Value};

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

    async fn ticket_fields(&self) -> DomainResult<Vec<DynamicFieldDef>> {
        let rows = self
            .conn
            .query_all_raw(self.stmt(
                "SELECT id, name, label, field_type, config FROM dynamic_field \
                 WHERE object_type = 'Ticket' AND valid_id = 1 ORDER BY field_order, id",
                [],
            ))
            .await
            .map_err(to_domain)?;
        rows.iter()
            .map(|r| {
                Ok(DynamicFieldDef {
                    id: int(r, "id")? as i32,
                    name: text(r, "name")?,
                    label: text(r, "label")?,
                    field_type: FieldType::from_otrs(&text(r, "field_type")?),
                    possible_values: possible_values(opt_text(r, "config")?.as_deref()),
                })
            })
            .collect()
    }

    async fn set_ticket_values(&self, ticket: TicketId, changes: &[FieldChange], by: UserId) -> DomainResult<()> {
        let _w = self.write_guard().await;
        let txn = self.conn.begin().await.map_err(to_domain)?;
        let history = self.write_field_values(&txn, ticket, changes).await?;
        self.write_history(&txn, ticket, history, by).await.map_err(to_domain)?;
        txn.commit().await.map_err(to_domain)?;
        Ok(())
    }
}

impl Db {
    /// Replaces the values of each changed field in `txn`; returns their
    /// `TicketDynamicFieldUpdate` history rows, each naming the value it replaced.
    pub(crate) async fn write_field_values(
        &self,
        txn: &DatabaseTransaction,
        ticket: TicketId,
        changes: &[FieldChange],
    ) -> DomainResult<Vec<HistoryEntry>> {
        let mut history = Vec::new();
        for c in changes {
            let old = txn
                .query_all_raw(self.stmt(
                    "SELECT value_text, value_date, value_int FROM dynamic_field_value WHERE field_id = ? AND object_id = ? ORDER BY id",
                    [c.field.id.into(), ticket.into()],
                ))
                .await
                .map_err(to_domain)?;
            let old_text = old
                .iter()
                .map(|r| {
                    let date = r.try_get::<Option<chrono::NaiveDateTime>>("", "value_date").ok().flatten();
                    let text_value = opt_text(r, "value_text")?;
                    let int_value = opt_int(r, "value_int")?;
                    Ok(text_value
                        .or_else(|| date.map(|d| d.format("%Y-%m-%d %H:%M:%S").to_string()))
                        .or_else(|| int_value.map(|i| i.to_string()))
                        .unwrap_or_default())
                })
                .collect::<DomainResult<Vec<String>>>()?
                .join(",");
            txn.execute_raw(self.stmt(
                "DELETE FROM dynamic_field_value WHERE field_id = ? AND object_id = ?",
                [c.field.id.into(), ticket.into()],
            ))
            .await
            .map_err(to_domain)?;
            for (text_value, date, int_value) in rows_of(c.value.as_ref()) {
                txn.execute_raw(self.stmt(
                    "INSERT INTO dynamic_field_value (field_id, object_id, value_text, value_date, value_int) VALUES (?, ?, ?, ?, ?)",
                    [
                        c.field.id.into(),
                        ticket.into(),
                        Value::String(text_value),
                        Value::ChronoDateTime(date),
                        Value::BigInt(int_value),
                    ],
                ))
                .await
                .map_err(to_domain)?;
            }
            let new_text = c.value.as_ref().map(FieldValue::history_text).unwrap_or_default();
            history.push(HistoryEntry::new(
                HistoryType::TicketDynamicFieldUpdate,
                names::dynamic_field(&c.field.name, &new_text, &old_text),
            ));
        }
        Ok(history)
    }
}

/// The `dynamic_field_value` rows of a value: one per chosen key of a multiselect.
fn rows_of(value: Option<&FieldValue>) -> Vec<(Option<String>, Option<chrono::NaiveDateTime>, Option<i64>)> {
    match value {
        None => Vec::new(),
        Some(FieldValue::Text(t)) => vec![(Some(t.clone()), None, None)],
        Some(FieldValue::Texts(keys)) => keys.iter().map(|k| (Some(k.clone()), None, None)).collect(),
        Some(FieldValue::Int(i)) => vec![(None, None, Some(*i))],
        Some(FieldValue::Date(d)) => vec![(None, d.and_hms_opt(0, 0, 0), None)],
        Some(FieldValue::DateTime(t)) => vec![(None, Some(t.naive_utc()), None)],
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
