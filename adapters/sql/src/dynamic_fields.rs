//! OTRS's dynamic fields of tickets and articles: `dynamic_field` (its definition, the
//! config as YAML, its `object_type`) joined to `dynamic_field_value` (one row per
//! value: text, date or integer; `object_id` the ticket's or the article's id).

use async_trait::async_trait;
use goats_core::error::{DomainError, DomainResult};
use goats_core::history::{HistoryEntry, HistoryType, names};
use goats_core::model::{
    ArticleId, DynamicFieldDef, DynamicFieldValue, FieldChange, FieldDefinition, FieldType, FieldValue, TicketId,
    UserId,
};
use goats_core::ports::DynamicFieldStore;
use sea_orm::{ConnectionTrait, DatabaseTransaction, TransactionTrait, Value};
use serde_yaml::{Mapping, Value as YamlValue};

use crate::Db;
use crate::error::to_domain;
use crate::row::{int, opt_int, opt_text, text};

#[async_trait]
impl DynamicFieldStore for Db {
    async fn ticket_values(&self, ticket: TicketId) -> DomainResult<Vec<DynamicFieldValue>> {
        Ok(self.values_of("Ticket", &[ticket]).await?.into_iter().map(|(_, v)| v).collect())
    }

    async fn ticket_fields(&self) -> DomainResult<Vec<DynamicFieldDef>> {
        self.fields_of("Ticket").await
    }

    async fn article_values(&self, articles: &[ArticleId]) -> DomainResult<Vec<(ArticleId, DynamicFieldValue)>> {
        let mut out = Vec::new();
        // Bounded statements: a ticket with thousands of articles reads them in pages.
        for ids in articles.chunks(500) {
            out.extend(self.values_of("Article", ids).await?);
        }
        Ok(out)
    }

    async fn article_fields(&self) -> DomainResult<Vec<DynamicFieldDef>> {
        self.fields_of("Article").await
    }

    async fn field_definitions(&self) -> DomainResult<Vec<FieldDefinition>> {
        let rows = self
            .conn
            .query_all_raw(self.stmt(
                "SELECT id, internal_field, name, label, field_order, field_type, object_type, config, valid_id \
                 FROM dynamic_field ORDER BY field_order, id",
                [],
            ))
            .await
            .map_err(to_domain)?;
        rows.iter()
            .map(|r| {
                let config = opt_text(r, "config")?;
                Ok(FieldDefinition {
                    id: int(r, "id")? as i32,
                    name: text(r, "name")?,
                    label: text(r, "label")?,
                    field_type: FieldType::from_otrs(&text(r, "field_type")?),
                    object_type: text(r, "object_type")?,
                    field_order: int(r, "field_order")? as i32,
                    valid: int(r, "valid_id")? == 1,
                    internal: int(r, "internal_field")? == 1,
                    possible_values: possible_values(config.as_deref()),
                    default_value: default_value(config.as_deref()),
                })
            })
            .collect()
    }

    async fn save_field_definition(&self, f: &FieldDefinition, by: UserId) -> DomainResult<i32> {
        let stored = if f.id == 0 { None } else { self.field_config(f.id).await? };
        let config = edited_config(stored.as_deref(), f);
        let valid_id = if f.valid { 1 } else { 2 };
        let values: Vec<Value> = vec![
            f.name.clone().into(),
            f.label.clone().into(),
            f.field_order.into(),
            f.field_type.otrs_name().into(),
            f.object_type.clone().into(),
            config.into(),
            valid_id.into(),
        ];
        if f.id == 0 {
            let mut columns = FIELD_COLUMNS.to_vec();
            columns.push("internal_field");
            let mut values = values;
            values.push(0.into());
            return Ok(self.insert_audited("dynamic_field", &columns, values, by).await? as i32);
        }
        let set: Vec<String> = FIELD_COLUMNS.iter().map(|c| format!("{c} = ?")).collect();
        let sql = format!("UPDATE dynamic_field SET {}, change_time = ?, change_by = ? WHERE id = ?", set.join(", "));
        let mut values = values;
        values.extend([self.now().into(), by.into(), f.id.into()]);
        self.update_one(&sql, values, "dynamic field", &f.id.to_string()).await?;
        Ok(f.id)
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
    /// The values of valid fields of `object_type` held by each of `ids`, by object and
    /// then in the site's field order; a multiselect's keys gathered into one value.
    async fn values_of(&self, object_type: &str, ids: &[i64]) -> DomainResult<Vec<(i64, DynamicFieldValue)>> {
        let marks = vec!["?"; ids.len()].join(", ");
        let sql = format!(
            "SELECT v.object_id, f.id, f.name, f.label, f.field_type, f.config, v.value_text, v.value_date, v.value_int \
             FROM dynamic_field_value v JOIN dynamic_field f ON f.id = v.field_id \
             WHERE v.object_id IN ({marks}) AND f.object_type = ? AND f.valid_id = 1 \
             ORDER BY v.object_id, f.field_order, f.id, v.id"
        );
        let mut values: Vec<Value> = ids.iter().map(|&id| id.into()).collect();
        values.push(object_type.into());
        let rows = self.conn.query_all_raw(self.stmt(&sql, values)).await.map_err(to_domain)?;
        let mut out: Vec<(i64, DynamicFieldValue)> = Vec::new();
        for r in &rows {
            let object_id = int(r, "object_id")?;
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
            if let (Some((last_object, last)), FieldValue::Texts(more)) = (out.last_mut(), &value)
                && *last_object == object_id
                && last.field_id == field_id
            {
                if let FieldValue::Texts(keys) = &mut last.value {
                    keys.extend(more.iter().cloned());
                }
                continue;
            }
            out.push((
                object_id,
                DynamicFieldValue {
                    field_id,
                    name: text(r, "name")?,
                    label: text(r, "label")?,
                    possible_values: possible_values(opt_text(r, "config")?.as_deref()),
                    field_type,
                    value,
                },
            ));
        }
        Ok(out)
    }

    /// The valid fields of `object_type`, in the site's field order.
    async fn fields_of(&self, object_type: &str) -> DomainResult<Vec<DynamicFieldDef>> {
        let rows = self
            .conn
            .query_all_raw(self.stmt(
                "SELECT id, name, label, field_type, config FROM dynamic_field \
                 WHERE object_type = ? AND valid_id = 1 ORDER BY field_order, id",
                [object_type.into()],
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

    /// A new article's field values, in its own transaction (no history: OTRS writes
    /// none for an article's fields).
    pub(crate) async fn insert_article_fields(
        &self,
        txn: &DatabaseTransaction,
        article: ArticleId,
        changes: &[FieldChange],
    ) -> Result<(), sea_orm::DbErr> {
        for c in changes {
            self.insert_value_rows(txn, c, article).await?;
        }
        Ok(())
    }

    /// A field's value for one ticket or article: a row per chosen key of a multiselect.
    async fn insert_value_rows(
        &self,
        txn: &DatabaseTransaction,
        change: &FieldChange,
        object_id: i64,
    ) -> Result<(), sea_orm::DbErr> {
        for (text_value, date, int_value) in rows_of(change.value.as_ref()) {
            txn.execute_raw(self.stmt(
                "INSERT INTO dynamic_field_value (field_id, object_id, value_text, value_date, value_int) VALUES (?, ?, ?, ?, ?)",
                [
                    change.field.id.into(),
                    object_id.into(),
                    Value::String(text_value),
                    Value::ChronoDateTime(date),
                    Value::BigInt(int_value),
                ],
            ))
            .await?;
        }
        Ok(())
    }

    async fn field_config(&self, id: i32) -> DomainResult<Option<String>> {
        let row = self
            .conn
            .query_one_raw(self.stmt("SELECT config FROM dynamic_field WHERE id = ?", [id.into()]))
            .await
            .map_err(to_domain)?;
        match row {
            Some(r) => Ok(opt_text(&r, "config")?),
            None => Err(DomainError::not_found("dynamic field", id)),
        }
    }

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
            self.insert_value_rows(txn, c, ticket).await.map_err(to_domain)?;
            let new_text = c.value.as_ref().map(FieldValue::history_text).unwrap_or_default();
            history.push(HistoryEntry::new(
                HistoryType::TicketDynamicFieldUpdate,
                names::dynamic_field(&c.field.name, &new_text, &old_text),
            ));
        }
        // The ticket is found by its fields' texts.
        if !changes.is_empty() {
            self.reindex_ticket_fields(txn, &[ticket]).await.map_err(to_domain)?;
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

/// The columns an admin's edit writes.
const FIELD_COLUMNS: [&str; 7] = ["name", "label", "field_order", "field_type", "object_type", "config", "valid_id"];

/// A field's YAML config as a mapping; empty when there is none or it does not parse.
fn config_mapping(config: Option<&str>) -> Mapping {
    match config.map(serde_yaml::from_str::<YamlValue>) {
        Some(Ok(YamlValue::Mapping(top))) => top,
        _ => Mapping::new(),
    }
}

fn scalar(v: &YamlValue) -> Option<String> {
    match v {
        YamlValue::String(s) => Some(s.clone()),
        YamlValue::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

/// The config an admin's edit leaves: the stored one (or, for a new field, the settings
/// OTRS's admin page starts a field of its type with) with the default value and the
/// possible values replaced, every other setting (links, regular expressions, tree view,
/// year ranges) as it was. Written as OTRS's YAML writer does, after `---`.
fn edited_config(stored: Option<&str>, f: &FieldDefinition) -> String {
    let mut top = config_mapping(stored);
    if stored.is_none() {
        let mut starts = vec![("DefaultValue", YamlValue::String(String::new()))];
        match f.field_type {
            FieldType::Text | FieldType::TextArea => {
                starts.push(("Link", YamlValue::String(String::new())));
                starts.push(("RegExList", YamlValue::Sequence(Vec::new())));
            }
            FieldType::Dropdown | FieldType::Multiselect => {
                starts.push(("PossibleNone", YamlValue::String("1".into())));
                starts.push(("TranslatableValues", YamlValue::String("0".into())));
                starts.push(("TreeView", YamlValue::String("0".into())));
            }
            FieldType::Date | FieldType::DateTime => {
                starts.push(("YearsPeriod", YamlValue::String("0".into())));
                starts.push(("YearsInFuture", YamlValue::String("5".into())));
                starts.push(("YearsInPast", YamlValue::String("5".into())));
            }
            _ => {}
        }
        for (key, value) in starts {
            top.insert(key.into(), value);
        }
    }
    top.insert("DefaultValue".into(), YamlValue::String(f.default_value.clone().unwrap_or_default()));
    if matches!(f.field_type, FieldType::Dropdown | FieldType::Multiselect) {
        let values: Mapping = f
            .possible_values
            .iter()
            .map(|(k, l)| (YamlValue::String(k.clone()), YamlValue::String(l.clone())))
            .collect();
        top.insert("PossibleValues".into(), YamlValue::Mapping(values));
    }
    let yaml = serde_yaml::to_string(&YamlValue::Mapping(top)).unwrap_or_default();
    format!("---\n{yaml}")
}

/// OTRS's `DefaultValue`, when it says anything.
fn default_value(config: Option<&str>) -> Option<String> {
    config_mapping(config).get("DefaultValue").and_then(scalar).filter(|v| !v.is_empty())
}

/// A dropdown's or multiselect's `PossibleValues` (key → label) from its YAML config.
fn possible_values(config: Option<&str>) -> Vec<(String, String)> {
    let top = config_mapping(config);
    match top.get("PossibleValues") {
        Some(YamlValue::Mapping(values)) => values.iter().filter_map(|(k, v)| Some((scalar(k)?, scalar(v)?))).collect(),
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

    #[test]
    fn an_edit_keeps_the_settings_goats_does_not_edit() {
        use goats_core::model::{FieldDefinition, FieldType};
        let stored = "---\nDefaultValue: low\nLink: https://crm.example/?q=[% Data.Value %]\nPossibleValues:\n  low: Low\nTreeView: '1'\n";
        let f = FieldDefinition {
            id: 3,
            name: "Severity".into(),
            label: "Severity".into(),
            field_type: FieldType::Dropdown,
            object_type: "Ticket".into(),
            field_order: 1,
            valid: true,
            internal: false,
            possible_values: vec![("high".into(), "High".into()), ("low".into(), "Low".into())],
            default_value: Some("high".into()),
        };
        let edited = super::edited_config(Some(stored), &f);
        assert!(edited.starts_with("---\n"), "{edited}");
        assert_eq!(super::possible_values(Some(&edited)), f.possible_values, "in the admin's order");
        assert_eq!(super::default_value(Some(&edited)).as_deref(), Some("high"));
        assert!(
            edited.contains("Link: https://crm.example/?q=[% Data.Value %]") && edited.contains("TreeView: '1'"),
            "{edited}"
        );
        let new = super::edited_config(None, &FieldDefinition { default_value: None, ..f });
        assert!(new.contains("PossibleNone: '1'") && new.contains("DefaultValue: ''"), "{new}");
    }
}
