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
