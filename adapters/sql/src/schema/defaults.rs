//! OTRS's default rows (`schema/otrs/defaults.yaml`): states, priorities, queues, groups
//! and the rest that other rows refer to by id.

use serde_yaml::Value as Yaml;

/// The rows of one table; audit columns (`create_by`, `create_time`, …) are added on insert.
#[derive(Debug, Clone)]
pub struct DefaultRows {
    pub table: String,
    pub columns: Vec<String>,
    pub rows: Vec<Vec<DefaultValue>>,
}

#[derive(Debug, Clone, PartialEq)]
pub enum DefaultValue {
    Int(i64),
    Text(String),
}

pub fn parse(text: &str) -> Result<Vec<DefaultRows>, String> {
    let doc: serde_yaml::Mapping = serde_yaml::from_str(text).map_err(|e| e.to_string())?;
    doc.into_iter()
        .map(|(table, body)| {
            let table = table.as_str().ok_or("table names are strings")?.to_string();
            let columns: Vec<String> = body
                .get("columns")
                .and_then(Yaml::as_sequence)
                .ok_or_else(|| format!("{table}: columns missing"))?
                .iter()
                .map(|c| c.as_str().map(str::to_string).ok_or_else(|| format!("{table}: column names are strings")))
                .collect::<Result<_, _>>()?;
            let rows = body
                .get("rows")
                .and_then(Yaml::as_sequence)
                .ok_or_else(|| format!("{table}: rows missing"))?
                .iter()
                .map(|row| {
                    let cells = row.as_sequence().ok_or_else(|| format!("{table}: a row is a list"))?;
                    if cells.len() != columns.len() {
                        return Err(format!("{table}: a row has {} values for {} columns", cells.len(), columns.len()));
                    }
                    cells
                        .iter()
                        .map(|v| match v {
                            Yaml::Number(n) => {
                                n.as_i64().map(DefaultValue::Int).ok_or_else(|| format!("{table}: integers only"))
                            }
                            Yaml::String(s) => Ok(DefaultValue::Text(s.clone())),
                            other => Err(format!("{table}: unsupported value {other:?}")),
                        })
                        .collect()
                })
                .collect::<Result<_, _>>()?;
            Ok(DefaultRows { table, columns, rows })
        })
        .collect()
}
