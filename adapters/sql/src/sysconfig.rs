//! OTRS's settings as its SysConfig stores them (`sysconfig_modified` over
//! `sysconfig_default`), for an OTRS database goats runs on or imports.

use std::collections::BTreeMap;

use sea_orm::ConnectionTrait;

use crate::{Db, SqlError};

impl Db {
    /// The effective values of `names`: the deployed system-wide modification when
    /// there is one (an agent's personal one is not), else the valid default. Values
    /// are YAML documents; a scalar comes back as its text. Names OTRS does not hold
    /// are left out, as on a database goats created.
    pub async fn otrs_settings(&self, names: &[&str]) -> Result<BTreeMap<String, String>, SqlError> {
        let mut out = BTreeMap::new();
        if names.is_empty() {
            return Ok(out);
        }
        let marks = vec!["?"; names.len()].join(", ");
        for (table, filter) in [
            ("sysconfig_modified", " AND is_valid = 1 AND user_id IS NULL"),
            ("sysconfig_default", " AND is_valid = 1"),
        ] {
            if !self.has_table(table).await? {
                continue;
            }
            let sql = format!("SELECT name, effective_value FROM {table} WHERE name IN ({marks}){filter}");
            let rows = self.conn.query_all_raw(self.stmt(&sql, names.iter().map(|n| (*n).into()))).await?;
            for row in rows {
                let (Some(name), Some(raw)) = (crate::row::text_at(&row, 0), crate::row::text_at(&row, 1)) else {
                    continue;
                };
                out.entry(name).or_insert_with(|| scalar(&raw));
            }
        }
        Ok(out)
    }
}

fn scalar(raw: &str) -> String {
    match serde_yaml::from_str::<serde_yaml::Value>(raw) {
        Ok(serde_yaml::Value::String(s)) => s.trim().to_string(),
        Ok(serde_yaml::Value::Number(n)) => n.to_string(),
        Ok(serde_yaml::Value::Bool(b)) => if b { "1" } else { "0" }.into(),
        _ => raw.trim().to_string(),
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn yaml_scalars_come_back_as_text() {
        assert_eq!(super::scalar("--- Europe/Berlin\n"), "Europe/Berlin");
        assert_eq!(super::scalar("--- '42'\n"), "42");
        assert_eq!(super::scalar("--- 10\n"), "10");
        assert_eq!(
            super::scalar("--- Kernel::System::Ticket::Number::AutoIncrement\n"),
            "Kernel::System::Ticket::Number::AutoIncrement"
        );
    }
}
