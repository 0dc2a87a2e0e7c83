//! Renders table definitions as each engine's DDL, the way OTRS lays its schema out:
//! tables with their keys and indexes first, foreign keys after the default rows.

use super::definition::{Column, ColumnType, Index, Table};
use crate::Dialect;

/// `CREATE TABLE` plus the separate `CREATE INDEX` statements the dialect needs.
/// On SQLite the foreign keys are part of the table, since it cannot add them later.
pub fn create_table(d: Dialect, t: &Table) -> Vec<String> {
    let mut parts: Vec<String> = t.columns.iter().map(|c| column(d, t, c)).collect();
    let inline_pk = d == Dialect::Sqlite && t.columns.iter().any(|c| c.auto_increment);
    if !t.primary_key.is_empty() && !inline_pk {
        parts.push(format!("PRIMARY KEY({})", t.primary_key.join(", ")));
    }
    let mut after = Vec::new();
    match d {
        Dialect::MySql => {
            parts.extend(t.uniques.iter().map(|u| format!("UNIQUE INDEX {} ({})", u.name, index_columns(u, true))));
            parts.extend(t.indexes.iter().map(|i| format!("INDEX {} ({})", i.name, index_columns(i, true))));
        }
        Dialect::Postgres => {
            parts.extend(
                t.uniques.iter().map(|u| format!("CONSTRAINT {} UNIQUE ({})", u.name, index_columns(u, false))),
            );
            after.extend(
                t.indexes
                    .iter()
                    .map(|i| format!("CREATE INDEX {} ON {} ({})", i.name, t.name, index_columns(i, false))),
            );
        }
        Dialect::Sqlite => {
            parts.extend(t.foreign_keys.iter().map(|f| {
                format!(
                    "CONSTRAINT {} FOREIGN KEY ({}) REFERENCES {} ({})",
                    f.name, f.column, f.references_table, f.references_column
                )
            }));
            after.extend(
                t.uniques
                    .iter()
                    .map(|u| format!("CREATE UNIQUE INDEX {} ON {} ({})", u.name, t.name, index_columns(u, false))),
            );
            after.extend(
                t.indexes
                    .iter()
                    .map(|i| format!("CREATE INDEX {} ON {} ({})", i.name, t.name, index_columns(i, false))),
            );
        }
    }
    let mut out = vec![format!("CREATE TABLE {} (\n    {}\n)", t.name, parts.join(",\n    "))];
    out.extend(after);
    out
}

/// `ALTER TABLE … ADD CONSTRAINT … FOREIGN KEY`; none on SQLite (they are inline).
pub fn foreign_keys(d: Dialect, t: &Table) -> Vec<String> {
    if d == Dialect::Sqlite {
        return Vec::new();
    }
    t.foreign_keys
        .iter()
        .map(|f| {
            format!(
                "ALTER TABLE {} ADD CONSTRAINT {} FOREIGN KEY ({}) REFERENCES {} ({})",
                t.name, f.name, f.column, f.references_table, f.references_column
            )
        })
        .collect()
}

fn index_columns(i: &Index, with_prefix: bool) -> String {
    i.columns
        .iter()
        .map(|c| match (with_prefix, c.prefix) {
            (true, Some(p)) => format!("{}({p})", c.name),
            _ => c.name.clone(),
        })
        .collect::<Vec<_>>()
        .join(", ")
}

fn column(d: Dialect, t: &Table, c: &Column) -> String {
    let null = if c.nullable { "NULL" } else { "NOT NULL" };
    let default = c.default.as_deref().map(|v| format!(" DEFAULT {v}")).unwrap_or_default();
    match d {
        Dialect::MySql => {
            let auto = if c.auto_increment { " AUTO_INCREMENT" } else { "" };
            format!("{} {} {null}{auto}{default}", c.name, mysql_type(&c.ty))
        }
        Dialect::Postgres => {
            let ty = match (&c.ty, c.auto_increment) {
                (ColumnType::BigInt, true) => "bigserial".to_string(),
                (_, true) => "serial".to_string(),
                (ty, false) => postgres_type(ty),
            };
            format!("{} {ty}{default} {null}", c.name)
        }
        Dialect::Sqlite => {
            // Only a column declared exactly INTEGER PRIMARY KEY aliases the rowid and
            // counts up by itself.
            if c.auto_increment && t.primary_key == [c.name.clone()] {
                format!("{} INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT", c.name)
            } else {
                format!("{} {} {null}{default}", c.name, mysql_type(&c.ty))
            }
        }
    }
}

fn mysql_type(ty: &ColumnType) -> String {
    match ty {
        ColumnType::SmallInt => "SMALLINT".into(),
        ColumnType::Int => "INTEGER".into(),
        ColumnType::BigInt => "BIGINT".into(),
        ColumnType::DateTime => "DATETIME".into(),
        ColumnType::Decimal(p, s) => format!("DECIMAL ({p},{s})"),
        ColumnType::Varchar(n) => format!("VARCHAR ({n})"),
        ColumnType::Text(_) => "TEXT".into(),
        ColumnType::MediumText => "MEDIUMTEXT".into(),
        ColumnType::LongText => "LONGTEXT".into(),
        ColumnType::Blob => "LONGBLOB".into(),
    }
}

fn postgres_type(ty: &ColumnType) -> String {
    match ty {
        ColumnType::DateTime => "timestamp(0)".into(),
        ColumnType::Blob => "TEXT".into(),
        ColumnType::Text(Some(n)) => format!("VARCHAR ({n})"),
        ColumnType::Text(None) | ColumnType::MediumText | ColumnType::LongText => "VARCHAR".into(),
        other => mysql_type(other),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::schema::definition::parse;

    fn table() -> Table {
        parse("t", "table t\n id smallint auto\n a text(3000) null\n b smallint default 0\n primary key (id)\n unique t_a (a)\n index t_b (b(10))\n foreign key FK_t_b (b) references u (id)\n")
            .unwrap()
            .remove(0)
    }

    #[test]
    fn mysql() {
        let s = create_table(Dialect::MySql, &table());
        assert_eq!(s.len(), 1);
        assert!(s[0].contains("id SMALLINT NOT NULL AUTO_INCREMENT"));
        assert!(s[0].contains("b SMALLINT NOT NULL DEFAULT 0"));
        assert!(s[0].contains("INDEX t_b (b(10))"));
        assert_eq!(
            foreign_keys(Dialect::MySql, &table()),
            ["ALTER TABLE t ADD CONSTRAINT FK_t_b FOREIGN KEY (b) REFERENCES u (id)"]
        );
    }

    #[test]
    fn postgres() {
        let s = create_table(Dialect::Postgres, &table());
        assert!(s[0].contains("id serial NOT NULL"));
        assert!(s[0].contains("a VARCHAR (3000) NULL"));
        assert!(s[0].contains("b SMALLINT DEFAULT 0 NOT NULL"));
        assert!(s[0].contains("CONSTRAINT t_a UNIQUE (a)"));
        assert_eq!(s[1], "CREATE INDEX t_b ON t (b)");
    }

    #[test]
    fn sqlite() {
        let s = create_table(Dialect::Sqlite, &table());
        assert!(s[0].contains("id INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT"));
        assert!(!s[0].contains("PRIMARY KEY(id)"));
        assert!(s[0].contains("CONSTRAINT FK_t_b FOREIGN KEY (b) REFERENCES u (id)"));
        assert!(foreign_keys(Dialect::Sqlite, &table()).is_empty());
    }
}
