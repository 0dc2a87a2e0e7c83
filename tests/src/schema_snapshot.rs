//! A comparable picture of a database's schema, read from the engine's catalog
//! (information_schema and friends): one line per column, index, constraint and
//! foreign key, keyed so two databases can be diffed line by line.

use std::collections::BTreeMap;

use goats_sql::{Db, Dialect};
use sea_orm::{ConnectionTrait, QueryResult, Statement};

/// key ("column acl.name", "index acl.acl_name", …) → description.
pub type Snapshot = BTreeMap<String, String>;

fn cell(r: &QueryResult, i: usize) -> String {
    if let Ok(v) = r.try_get_by_index::<Option<String>>(i) {
        return v.unwrap_or_else(|| "NULL".into());
    }
    if let Ok(v) = r.try_get_by_index::<Option<i64>>(i) {
        return v.map_or("NULL".into(), |v| v.to_string());
    }
    if let Ok(v) = r.try_get_by_index::<Option<i32>>(i) {
        return v.map_or("NULL".into(), |v| v.to_string());
    }
    if let Ok(v) = r.try_get_by_index::<Option<u64>>(i) {
        return v.map_or("NULL".into(), |v| v.to_string());
    }
    if let Ok(v) = r.try_get_by_index::<Option<u32>>(i) {
        return v.map_or("NULL".into(), |v| v.to_string());
    }
    if let Ok(v) = r.try_get_by_index::<Option<Vec<u8>>>(i) {
        return v.map_or("NULL".into(), |v| String::from_utf8_lossy(&v).into_owned());
    }
    "?".into()
}

async fn lines(db: &Db, sql: &str, columns: usize) -> Vec<Vec<String>> {
    let stmt = Statement::from_string(db.dialect().backend(), sql.to_string());
    let rows = db.connection().query_all_raw(stmt).await.unwrap_or_else(|e| panic!("{sql}: {e}"));
    rows.iter().map(|r| (0..columns).map(|i| cell(r, i)).collect()).collect()
}

pub async fn take(db: &Db) -> Snapshot {
    let mut s = Snapshot::new();
    match db.dialect() {
        Dialect::Postgres => {
            for r in lines(db, "SELECT table_name::text, column_name::text, data_type::text, character_maximum_length::int, \
                numeric_precision::int, numeric_scale::int, is_nullable::text, column_default::text, datetime_precision::int \
                FROM information_schema.columns WHERE table_schema = 'public'", 9).await {
                s.insert(format!("column {}.{}", r[0], r[1]), r[2..].join(" | "));
            }
            for r in lines(
                db,
                "SELECT tablename::text, indexname::text, indexdef::text FROM pg_indexes WHERE schemaname = 'public'",
                3,
            )
            .await
            {
                s.insert(format!("index {}.{}", r[0], r[1]), r[2].clone());
            }
            for r in lines(
                db,
                "SELECT conrelid::regclass::text, conname::text, contype::text, pg_get_constraintdef(oid)::text \
                FROM pg_constraint WHERE connamespace = 'public'::regnamespace",
                4,
            )
            .await
            {
                s.insert(format!("constraint {}.{}", r[0], r[1]), format!("{} {}", r[2], r[3]));
            }
        }
        Dialect::MySql => {
            for r in lines(
                db,
                "SELECT table_name, column_name, column_type, is_nullable, column_default, extra, \
                character_set_name, collation_name FROM information_schema.columns WHERE table_schema = DATABASE()",
                8,
            )
            .await
            {
                s.insert(format!("column {}.{}", r[0], r[1]), r[2..].join(" | "));
            }
            for r in lines(
                db,
                "SELECT table_name, index_name, seq_in_index, column_name, sub_part, non_unique, index_type \
                FROM information_schema.statistics WHERE table_schema = DATABASE()",
                7,
            )
            .await
            {
                s.insert(format!("index {}.{}.{}", r[0], r[1], r[2]), r[3..].join(" | "));
            }
            for r in lines(db, "SELECT table_name, constraint_name, column_name, referenced_table_name, referenced_column_name \
                FROM information_schema.key_column_usage WHERE table_schema = DATABASE() AND referenced_table_name IS NOT NULL", 5).await {
                s.insert(format!("foreign key {}.{}", r[0], r[1]), r[2..].join(" | "));
            }
            for r in lines(db, "SELECT table_name, engine, table_collation FROM information_schema.tables WHERE table_schema = DATABASE()", 3).await {
                s.insert(format!("table {}", r[0]), r[1..].join(" | "));
            }
        }
        Dialect::Sqlite => {
            for t in
                lines(db, "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'", 1).await
            {
                let t = &t[0];
                for r in lines(
                    db,
                    &format!("SELECT name, type, \"notnull\", dflt_value, pk FROM pragma_table_info('{t}')"),
                    5,
                )
                .await
                {
                    s.insert(format!("column {t}.{}", r[0]), r[1..].join(" | "));
                }
                for r in lines(db, &format!("SELECT name, \"unique\" FROM pragma_index_list('{t}')"), 2).await {
                    s.insert(format!("index {t}.{}", r[0]), r[1].clone());
                }
                for r in
                    lines(db, &format!("SELECT \"from\", \"table\", \"to\" FROM pragma_foreign_key_list('{t}')"), 3)
                        .await
                {
                    s.insert(format!("foreign key {t}.{}", r[0]), r[1..].join(" | "));
                }
            }
        }
    }
    s
}

/// The rows of `table` (the given columns, sorted), as text.
pub async fn rows(db: &Db, table: &str, columns: &[&str]) -> Vec<Vec<String>> {
    let list = columns.join(", ");
    let mut out = lines(db, &format!("SELECT {list} FROM {table} ORDER BY {list}"), columns.len()).await;
    out.sort();
    out
}

/// Lines that differ between two snapshots, prefixed `-` (only in `a`) or `+` (only in `b`).
pub fn diff(a: &Snapshot, b: &Snapshot) -> Vec<String> {
    let mut out = Vec::new();
    for (k, v) in a {
        match b.get(k) {
            None => out.push(format!("- {k}: {v}")),
            Some(w) if w != v => out.push(format!("~ {k}: {v}  ≠  {w}")),
            _ => {}
        }
    }
    for (k, v) in b {
        if !a.contains_key(k) {
            out.push(format!("+ {k}: {v}"));
        }
    }
    out
}
