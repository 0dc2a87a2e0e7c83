//! Loads Znuny 7.1.7's genuine schema and default data (`../shared/fixtures`) into a
//! test database with the engine's own client, in Znuny's order: schema, initial
//! insert, then the foreign keys.

use std::path::PathBuf;
use std::process::Command;

use crate::engines::{Engine, TestDatabase};

pub fn fixture_dir() -> PathBuf {
    let dir = std::env::var("GOATS_ZNUNY_FIXTURES")
        .map(PathBuf::from)
        .unwrap_or_else(|_| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../shared/fixtures/znuny/7.1.7"));
    assert!(
        dir.join("schema.mysql.sql").exists(),
        "Znuny fixtures not found at {} (set GOATS_ZNUNY_FIXTURES)",
        dir.display()
    );
    dir
}

pub fn load(db: &TestDatabase) {
    let dir = fixture_dir();
    let (suffix, engine) = match db.engine {
        Engine::Postgres => ("postgresql", db.engine),
        Engine::MySql => ("mysql", db.engine),
        Engine::Sqlite => panic!("Znuny has no SQLite schema"),
    };
    let url = url::Url::parse(&db.url).expect("database URL");
    for part in ["schema", "initial_insert", "schema-post"] {
        let file = dir.join(format!("{part}.{suffix}.sql"));
        let output = match engine {
            Engine::Postgres => Command::new("psql")
                .args(["-q", "-v", "ON_ERROR_STOP=1", "-X", "-o", "/dev/null"])
                .args(["-h", url.host_str().unwrap_or("127.0.0.1"), "-p", &url.port().unwrap_or(5432).to_string()])
                .args(["-U", if url.username().is_empty() { "postgres" } else { url.username() }, "-d", &db.name])
                .arg("-f")
                .arg(&file)
                .output(),
            _ => Command::new("mariadb")
                .args(["-h", url.host_str().unwrap_or("127.0.0.1"), "-P", &url.port().unwrap_or(3306).to_string()])
                .args(["-u", if url.username().is_empty() { "root" } else { url.username() }])
                .args(url.password().map(|p| format!("-p{p}")))
                .arg(&db.name)
                .stdin(std::fs::File::open(&file).expect("fixture file"))
                .output(),
        }
        .unwrap_or_else(|e| {
            panic!(
                "running the {engine:?} client to load {}: {e} (install postgresql-client / mariadb-client)",
                file.display()
            )
        });
        assert!(
            output.status.success(),
            "loading {} failed: {}",
            file.display(),
            String::from_utf8_lossy(&output.stderr)
        );
    }
}

/// Deploys an OTRS setting as OTRS's SysConfig does: its default row (`id`) and the
/// system-wide modification holding `value`, a YAML scalar as written after `--- `
/// (quote it for SQL, e.g. `''42''` for the string "42").
pub async fn deploy_setting(db: &goats_sql::Db, id: i64, name: &str, value: &str) {
    use sea_orm::ConnectionTrait;
    for sql in [
        format!(
            "INSERT INTO sysconfig_default (id, name, description, navigation, is_invisible, is_readonly, is_required, is_valid, has_configlevel, user_modification_possible, user_modification_active, xml_content_raw, xml_content_parsed, xml_filename, effective_value, is_dirty, exclusive_lock_guid, create_time, create_by, change_time, change_by) VALUES ({id}, '{name}', '', 'Core', 0, 0, 1, 1, 0, 0, 0, '', '', 'Framework.xml', '--- default\n', 0, '', current_timestamp, 1, current_timestamp, 1)"
        ),
        format!(
            "INSERT INTO sysconfig_modified (sysconfig_default_id, name, is_valid, user_modification_active, effective_value, is_dirty, reset_to_default, create_time, create_by, change_time, change_by) VALUES ({id}, '{name}', 1, 0, '--- {value}\n', 0, 0, current_timestamp, 1, current_timestamp, 1)"
        ),
    ] {
        db.connection().execute_unprepared(&sql).await.unwrap_or_else(|e| panic!("{sql}: {e}"));
    }
}
