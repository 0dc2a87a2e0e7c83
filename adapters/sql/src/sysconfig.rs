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
        let tables = self.table_names().await?;
        let mut out = BTreeMap::new();
        for (table, filter) in [
            ("sysconfig_modified", " AND is_valid = 1 AND user_id IS NULL"),
            ("sysconfig_default", " AND is_valid = 1"),
        ] {
            if !tables.iter().any(|t| t == table) {
                continue;
            }
            for name in names {
                if out.contains_key(*name) {
                    continue;
                }
                let sql = format!("SELECT effective_value FROM {table} WHERE name = ?{filter}");
                let row = self.conn.query_one_raw(self.stmt(&sql, [(*name).into()])).await?;
                if let Some(raw) = row.and_then(|r| crate::row::text_at(&r, 0)) {
                    out.insert(name.to_string(), scalar(&raw));
                }
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
