//! The database schema goats creates: OTRS's tables and default rows, and the few
//! `goats_` tables of its own. The definitions live in the repository's `schema/`.

pub mod ddl;
pub mod defaults;
pub mod definition;

use std::sync::OnceLock;

pub use definition::{Column, ColumnType, Table};

const OTRS_TABLES: &str = include_str!("../../../../schema/otrs/tables.schema");
const OTRS_DEFAULTS: &str = include_str!("../../../../schema/otrs/defaults.yaml");

/// goats' own migrations, in order. Each adds `goats_` tables; none changes a column, key
/// or index of OTRS's tables (17 adds goats' own indexes to `ticket`).
pub const GOATS_MIGRATIONS: &[(i32, &str, &str)] = &[
    (1, "goats bookkeeping tables", include_str!("../../../../schema/goats/v1.schema")),
    (2, "refresh tokens and settings", include_str!("../../../../schema/goats/v2.schema")),
    (3, "personal API tokens", include_str!("../../../../schema/goats/v3.schema")),
    (4, "customer sessions", include_str!("../../../../schema/goats/v4.schema")),
    (5, "agents' browser sessions", include_str!("../../../../schema/goats/v5.schema")),
    (6, "scheduled job claims", include_str!("../../../../schema/goats/v6.schema")),
    (7, "OTRS import progress", include_str!("../../../../schema/goats/v7.schema")),
    (8, "customer portal sessions", include_str!("../../../../schema/goats/v8.schema")),
    (9, "queues customers may choose", include_str!("../../../../schema/goats/v9.schema")),
    (10, "notification delivery log", include_str!("../../../../schema/goats/v10.schema")),
    (11, "full-text search index", include_str!("../../../../schema/goats/v11.schema")),
    (12, "OTRS import into a database with tickets", include_str!("../../../../schema/goats/v12.schema")),
    (13, "full-text search index by ticket", include_str!("../../../../schema/goats/v13.schema")),
    (14, "large values written in parts", include_str!("../../../../schema/goats/v14.schema")),
    (15, "full-text search index by blocks of tickets", include_str!("../../../../schema/goats/v15.schema")),
    (16, "InnoDB's full-text documents name their blocks", include_str!("../../../../schema/goats/v16.schema")),
    (17, "indexes the ticket list reads its pages off", include_str!("../../../../schema/goats/v17.schema")),
];

/// Statements of a migration that its schema file cannot describe, in the dialect's DDL.
pub fn engine_statements(d: crate::Dialect, version: i32) -> Vec<String> {
    match version {
        // Schema 11's index (a document per article) is replaced by 13's.
        13 => crate::search::engine::create_statements(d),
        15 => crate::search::engine::word_indexes(d),
        16 => crate::search::engine::block_words_added(d),
        17 => crate::tickets::list_index_statements(d),
        _ => Vec::new(),
    }
}

/// The newest goats schema version this build knows.
pub fn current_version() -> i32 {
    GOATS_MIGRATIONS.last().map_or(0, |m| m.0)
}

/// The OTRS tables, parsed once. The file is part of the binary, and a test parses it,
/// so a failure here is a build defect, not bad input.
#[allow(clippy::expect_used, reason = "the schema is part of the binary and a test parses it")]
pub fn otrs_tables() -> &'static [Table] {
    static TABLES: OnceLock<Vec<Table>> = OnceLock::new();
    TABLES.get_or_init(|| {
        definition::parse("schema/otrs/tables.schema", OTRS_TABLES).expect("the bundled OTRS schema parses")
    })
}

/// OTRS's default rows, parsed once (part of the binary, like the tables).
#[allow(clippy::expect_used, reason = "the rows are part of the binary and a test parses them")]
pub fn otrs_defaults() -> &'static [defaults::DefaultRows] {
    static ROWS: OnceLock<Vec<defaults::DefaultRows>> = OnceLock::new();
    ROWS.get_or_init(|| defaults::parse(OTRS_DEFAULTS).expect("the bundled OTRS default rows parse"))
}

/// goats' own tables of one schema version (part of the binary, like the OTRS tables).
#[allow(clippy::expect_used, reason = "the schema is part of the binary and a test parses it")]
pub fn goats_tables(version: i32) -> Vec<Table> {
    GOATS_MIGRATIONS
        .iter()
        .filter(|m| m.0 == version)
        .flat_map(|m| definition::parse("schema/goats", m.2).expect("the bundled goats schema parses"))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_bundled_schema_has_every_znuny_7_1_table() {
        let tables = otrs_tables();
        assert_eq!(tables.len(), 122);
        let ticket = tables.iter().find(|t| t.name == "ticket").unwrap();
        assert_eq!(ticket.column("tn").unwrap().ty, ColumnType::Varchar(50));
        assert!(tables.iter().all(|t| !t.name.starts_with("goats_")));
    }

    #[test]
    fn defaults_refer_to_known_tables_and_columns() {
        for rows in otrs_defaults() {
            let t = otrs_tables().iter().find(|t| t.name == rows.table).unwrap_or_else(|| panic!("{}", rows.table));
            for c in &rows.columns {
                assert!(t.column(c).is_some(), "{}.{c}", rows.table);
            }
        }
    }

    #[test]
    fn goats_tables_are_prefixed() {
        for (v, ..) in GOATS_MIGRATIONS {
            assert!(goats_tables(*v).iter().all(|t| t.name.starts_with("goats_")));
        }
    }
}
