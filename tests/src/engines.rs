//! Creates a uniquely named database per test and drops it afterwards.
//!
//! PostgreSQL and MariaDB are the machine's servers (`GOATS_TEST_POSTGRES_URL`,
//! `GOATS_TEST_MYSQL_URL`); a server that cannot be reached fails the test and says how
//! to start it. Tests are never skipped for a missing server.

use goats_sql::Db;
use rand::Rng;
use sea_orm::{ConnectionTrait, Database};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Engine {
    Sqlite,
    Postgres,
    MySql,
}

impl Engine {
    pub const ALL: [Engine; 3] = [Engine::Sqlite, Engine::Postgres, Engine::MySql];

    fn admin_url(self) -> String {
        match self {
            Engine::Sqlite => String::new(),
            Engine::Postgres => std::env::var("GOATS_TEST_POSTGRES_URL")
                .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/postgres".into()),
            Engine::MySql => {
                std::env::var("GOATS_TEST_MYSQL_URL").unwrap_or_else(|_| "mysql://root@127.0.0.1:3306/mysql".into())
            }
        }
    }

    fn how_to_start(self) -> &'static str {
        match self {
            Engine::Sqlite => "",
            Engine::Postgres => {
                "start it with: pg_ctlcluster --skip-systemctl-redirect $(ls /etc/postgresql) main start (or set GOATS_TEST_POSTGRES_URL)"
            }
            Engine::MySql => {
                "start it with: start-stop-daemon --start --oknodo --background --exec /usr/sbin/mariadbd (or set GOATS_TEST_MYSQL_URL)"
            }
        }
    }
}

/// A database that exists for one test.
pub struct TestDatabase {
    pub engine: Engine,
    pub url: String,
    pub name: String,
    admin_url: String,
}

impl TestDatabase {
    pub async fn create(engine: Engine) -> Self {
        Self::create_on(engine, engine.admin_url()).await
    }

    /// A database on the server at `admin_url` (a URL of its administrative database),
    /// such as a server of the test's own.
    pub async fn create_on(engine: Engine, admin_url: String) -> Self {
        let name = format!("goats_test_{}", rand::rng().random_range(0..u64::MAX));
        let url = match engine {
            Engine::Sqlite => {
                let path = std::env::temp_dir().join(format!("{name}.db"));
                format!("sqlite://{}", path.display())
            }
            Engine::Postgres | Engine::MySql => {
                let admin = Database::connect(&admin_url).await.unwrap_or_else(|e| {
                    panic!("cannot reach {engine:?} at {admin_url}: {e}\n{}", engine.how_to_start())
                });
                let create = match engine {
                    Engine::Postgres => format!("CREATE DATABASE {name} ENCODING 'UTF8' TEMPLATE template0"),
                    _ => format!("CREATE DATABASE {name} CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci"),
                };
                admin.execute_unprepared(&create).await.unwrap_or_else(|e| panic!("creating {name}: {e}"));
                let _ = admin.close().await;
                let mut u = url::Url::parse(&admin_url).expect("test server URL");
                u.set_path(&format!("/{name}"));
                u.to_string()
            }
        };
        Self { engine, url, name, admin_url }
    }

    pub async fn connect(&self) -> Db {
        Db::connect(&self.url).await.unwrap_or_else(|e| panic!("connecting to {}: {e}", self.url))
    }

    /// Ends every connection to this PostgreSQL database from the server's side, as a
    /// server restart does to its clients; says how many there were.
    pub async fn cut_connections(&self) -> u64 {
        assert_eq!(self.engine, Engine::Postgres, "connections are cut on PostgreSQL");
        let admin = Database::connect(&self.admin_url).await.expect("reach the server");
        let sql = format!(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '{}' AND pid <> pg_backend_pid()",
            self.name
        );
        let cut = admin.query_all_raw(sea_orm::Statement::from_string(sea_orm::DatabaseBackend::Postgres, sql));
        let cut = cut.await.expect("terminate the connections").len() as u64;
        let _ = admin.close().await;
        cut
    }

    /// Drops the database. Called at the end of each test; a failed test leaves its
    /// database behind for inspection (names start with `goats_test_`).
    pub async fn drop_database(self) {
        match self.engine {
            Engine::Sqlite => {
                let path = self.url.trim_start_matches("sqlite://").to_string();
                for suffix in ["", "-wal", "-shm"] {
                    let _ = std::fs::remove_file(format!("{path}{suffix}"));
                }
            }
            Engine::Postgres | Engine::MySql => {
                let admin = Database::connect(&self.admin_url).await.expect("reconnect to drop the test database");
                let sql = match self.engine {
                    Engine::Postgres => format!("DROP DATABASE IF EXISTS {} WITH (FORCE)", self.name),
                    _ => format!("DROP DATABASE IF EXISTS {}", self.name),
                };
                admin.execute_unprepared(&sql).await.expect("drop the test database");
                let _ = admin.close().await;
            }
        }
    }
}
