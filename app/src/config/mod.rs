//! goats' configuration: a YAML file, then the environment, then the command line —
//! each overriding the one before. With nothing configured, goats runs on an embedded
//! SQLite file under `./data`.

use std::collections::BTreeMap;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};

use goats_core::ticket_number::{Generator, TicketNumberConfig};
use serde::{Deserialize, Serialize};

use crate::error::AppError;

mod jobs;
mod mail;
mod notifications;
pub mod otrs_settings;

pub use jobs::{CalendarConfig, JobSchedule, JobsConfig};
pub use mail::{MailConfig, SmtpConfig};
pub use notifications::{NotificationsConfig, WebhookConfig};

pub const DEFAULT_DATABASE_URL: &str = "sqlite://data/goats.db";
pub const DEFAULT_CONFIG_FILE: &str = "goats.yaml";

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields, default)]
pub struct Config {
    /// Address the HTTP server binds.
    pub listen: String,
    /// Reverse proxies (addresses or networks such as `10.88.0.0/16`) whose
    /// `Forwarded`/`X-Forwarded-For` name the client; anyone else's are ignored. Logins
    /// are throttled and logged by that address. Also `GOATS_TRUSTED_PROXIES`
    /// (comma-separated).
    pub trusted_proxies: Vec<String>,
    pub database: DatabaseConfig,
    pub log: LogConfig,
    pub tickets: TicketsConfig,
    pub auth: AuthConfig,
    pub jobs: JobsConfig,
    /// The calendar tickets use when their queue or SLA names none.
    pub default_calendar: CalendarConfig,
    /// Calendars by the name queues and SLAs give (OTRS uses "1" to "9").
    pub calendars: BTreeMap<String, CalendarConfig>,
    pub notifications: NotificationsConfig,
    pub mail: MailConfig,
    pub metrics: MetricsConfig,
    pub valkey: ValkeyConfig,
}

/// Valkey (or Redis), shared by several instances: browser sessions, cache notices,
/// login throttling and the live feed. Without it each instance keeps these itself,
/// which serves one instance.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields, default)]
pub struct ValkeyConfig {
    /// `redis://[:password@]host:6379[/db]` (or `valkey://`). Also `GOATS_VALKEY_URL`.
    pub url: Option<String>,
    /// Put before every key, so several sites can share one Valkey. Also
    /// `GOATS_VALKEY_PREFIX`.
    pub prefix: String,
}

impl Default for ValkeyConfig {
    fn default() -> Self {
        Self { url: None, prefix: goats_valkey::DEFAULT_PREFIX.into() }
    }
}

/// `GET /metrics` (Prometheus's text format).
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields, default)]
pub struct MetricsConfig {
    /// The bearer token a scraper sends (at least 16 characters); without one `/metrics`
    /// is off. Also `GOATS_METRICS_TOKEN`.
    pub token: Option<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields, default)]
pub struct AuthConfig {
    /// Key that signs access tokens (HS256, at least 32 characters). Without one, goats
    /// generates a key and keeps it in the database, so restarts keep sessions valid.
    pub jwt_secret: Option<String>,
    /// Lifetime of an access token.
    pub access_token_minutes: i64,
    /// Lifetime of a refresh token (each is good for one exchange).
    pub refresh_token_days: i64,
    /// An agent's browser session ends after this long without a request…
    pub session_idle_minutes: i64,
    /// …and this long after login in any case.
    pub session_absolute_hours: i64,
}

impl Default for AuthConfig {
    fn default() -> Self {
        Self {
            jwt_secret: None,
            access_token_minutes: 15,
            refresh_token_days: 14,
            session_idle_minutes: 120,
            session_absolute_hours: 12,
        }
    }
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields, default)]
pub struct DatabaseConfig {
    /// `sqlite://path`, `postgres://user:pass@host/db` or `mysql://user:pass@host/db`.
    pub url: String,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields, default)]
pub struct LogConfig {
    /// `text` (human-readable) or `json`.
    pub format: LogFormat,
    /// A tracing filter such as `info` or `goats=debug,sqlx=warn`.
    pub level: String,
}

#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
pub enum LogFormat {
    Text,
    Json,
}

/// OTRS's ticket number settings (`Ticket::NumberGenerator`, `SystemID`, …).
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields, default)]
pub struct TicketsConfig {
    pub number_generator: Generator,
    pub system_id: String,
    pub min_counter_size: usize,
    pub hook: String,
    /// The largest file an article may carry, in MiB.
    pub max_attachment_mb: u64,
    /// Live mode on an OTRS site that keeps article files on disk (`ArticleStorageFS`):
    /// its `ArticleDataDir`, or a copy or mount of it.
    pub article_dir: Option<PathBuf>,
}

impl Default for Config {
    fn default() -> Self {
        Self {
            listen: "127.0.0.1:8080".into(),
            trusted_proxies: Vec::new(),
            database: DatabaseConfig::default(),
            log: LogConfig::default(),
            tickets: TicketsConfig::default(),
            auth: AuthConfig::default(),
            jobs: JobsConfig::default(),
            default_calendar: CalendarConfig::default(),
            calendars: BTreeMap::new(),
            notifications: NotificationsConfig::default(),
            mail: MailConfig::default(),
            metrics: MetricsConfig::default(),
            valkey: ValkeyConfig::default(),
        }
    }
}

impl Default for DatabaseConfig {
    fn default() -> Self {
        Self { url: DEFAULT_DATABASE_URL.into() }
    }
}

impl Default for LogConfig {
    fn default() -> Self {
        Self { format: LogFormat::Text, level: "info".into() }
    }
}

impl Default for TicketsConfig {
    fn default() -> Self {
        let d = TicketNumberConfig::default();
        Self {
            number_generator: d.generator,
            system_id: d.system_id,
            min_counter_size: d.min_counter_size,
            hook: d.hook,
            max_attachment_mb: 10,
            article_dir: None,
        }
    }
}

impl TicketsConfig {
    pub fn numbers(&self) -> TicketNumberConfig {
        TicketNumberConfig {
            generator: self.number_generator,
            system_id: self.system_id.clone(),
            min_counter_size: self.min_counter_size,
            hook: self.hook.clone(),
        }
    }
}

/// Where the environment comes from; tests pass a map instead of the process's.
pub trait Environment {
    fn get(&self, key: &str) -> Option<String>;
}

pub struct ProcessEnv;

impl Environment for ProcessEnv {
    fn get(&self, key: &str) -> Option<String> {
        std::env::var(key).ok().filter(|v| !v.is_empty())
    }
}

impl<const N: usize> Environment for [(&str, &str); N] {
    fn get(&self, key: &str) -> Option<String> {
        self.iter().find(|(k, _)| *k == key).map(|(_, v)| v.to_string())
    }
}

impl Config {
    /// Reads the file (`explicit`, or `./goats.yaml` when present), then applies the
    /// environment. A named file that is missing is an error; the default one is optional.
    pub fn load(explicit: Option<&Path>, env: &dyn Environment) -> Result<Self, AppError> {
        let path: Option<PathBuf> = match explicit {
            Some(p) => Some(p.to_path_buf()),
            None => Some(PathBuf::from(DEFAULT_CONFIG_FILE)).filter(|p| p.exists()),
        };
        let mut config = match &path {
            Some(p) => {
                let text = std::fs::read_to_string(p)
                    .map_err(|e| AppError::Config(format!("cannot read {}: {e}", p.display())))?;
                Self::from_yaml(&text).map_err(|e| AppError::Config(format!("{}: {e}", p.display())))?
            }
            None => Self::default(),
        };
        config.apply_env(env)?;
        config.validate()?;
        Ok(config)
    }

    pub fn from_yaml(text: &str) -> Result<Self, String> {
        if text.trim().is_empty() {
            return Ok(Self::default());
        }
        serde_yaml::from_str(text).map_err(|e| e.to_string())
    }

    /// `GOATS_*` variables win over the GOTRS-style `DB_*` ones, which win over the file.
    pub fn apply_env(&mut self, env: &dyn Environment) -> Result<(), AppError> {
        if let Some(url) = db_url_from_parts(env)? {
            self.database.url = url;
        }
        if let Some(v) = env.get("GOATS_DATABASE_URL") {
            self.database.url = v;
        }
        if let Some(v) = env.get("GOATS_VALKEY_URL") {
            self.valkey.url = Some(v);
        }
        if let Some(v) = env.get("GOATS_VALKEY_PREFIX") {
            self.valkey.prefix = v;
        }
        if let Some(v) = env.get("GOATS_TRUSTED_PROXIES") {
            self.trusted_proxies = v.split(',').map(|p| p.trim().to_string()).filter(|p| !p.is_empty()).collect();
        }
        if let Some(v) = env.get("GOATS_LISTEN") {
            self.listen = v;
        }
        if let Some(v) = env.get("GOATS_LOG_FORMAT") {
            self.log.format = match v.as_str() {
                "json" => LogFormat::Json,
                "text" => LogFormat::Text,
                other => return Err(AppError::Config(format!("GOATS_LOG_FORMAT must be text or json, not `{other}`"))),
            };
        }
        if let Some(v) = env.get("GOATS_LOG_LEVEL") {
            self.log.level = v;
        }
        if let Some(v) = env.get("GOATS_SYSTEM_ID") {
            self.tickets.system_id = v;
        }
        if let Some(v) = env.get("GOATS_ARTICLE_DIR") {
            self.tickets.article_dir = Some(PathBuf::from(v));
        }
        if let Some(v) = env.get("GOATS_JWT_SECRET") {
            self.auth.jwt_secret = Some(v);
        }
        if let Some(v) = env.get("GOATS_METRICS_TOKEN") {
            self.metrics.token = Some(v);
        }
        if let Some(v) = env.get("GOATS_MAIL_LMTP_LISTEN") {
            self.mail.lmtp.get_or_insert_with(Default::default).listen = v;
        }
        if let Some(v) = env.get("GOATS_MAIL_SMTP_PASSWORD")
            && let Some(smtp) = &mut self.mail.smtp
        {
            smtp.password = Some(v);
        }
        Ok(())
    }

    pub fn validate(&self) -> Result<(), AppError> {
        self.listen_addr()?;
        goats_http::client_addr::TrustedProxies::parse(&self.trusted_proxies)
            .map_err(|e| AppError::Config(format!("trusted_proxies: {e}")))?;
        let url = url::Url::parse(&self.database.url).map_err(|e| {
            AppError::Config(format!("database.url {} is not a URL: {e}", goats_sql::mask_url(&self.database.url)))
        })?;
        if !["sqlite", "postgres", "postgresql", "mysql", "mariadb"].contains(&url.scheme()) {
            return Err(AppError::Config(format!(
                "database.url scheme `{}` is not supported (use sqlite, postgres or mysql)",
                url.scheme()
            )));
        }
        if let Some(valkey) = &self.valkey.url {
            let scheme = url::Url::parse(valkey).map(|u| u.scheme().to_string()).map_err(|e| {
                AppError::Config(format!("valkey.url {} is not a URL: {e}", goats_valkey::mask_url(valkey)))
            })?;
            if !["redis", "valkey"].contains(&scheme.as_str()) {
                return Err(AppError::Config(format!(
                    "valkey.url must be a redis:// or valkey:// URL, not `{scheme}`"
                )));
            }
        }
        if self.valkey.prefix.len() > 64 || self.valkey.prefix.chars().any(|c| c.is_whitespace()) {
            return Err(AppError::Config("valkey.prefix must be at most 64 characters without spaces".into()));
        }
        if self.metrics.token.as_ref().is_some_and(|t| t.len() < 16 || t.chars().any(char::is_whitespace)) {
            return Err(AppError::Config("metrics.token must have at least 16 characters and no spaces".into()));
        }
        if self.auth.jwt_secret.as_ref().is_some_and(|s| s.len() < 32) {
            return Err(AppError::Config("auth.jwt_secret must have at least 32 characters".into()));
        }
        if !(1..=1440).contains(&self.auth.access_token_minutes) || !(1..=365).contains(&self.auth.refresh_token_days) {
            return Err(AppError::Config(
                "auth.access_token_minutes must be 1–1440 and auth.refresh_token_days 1–365".into(),
            ));
        }
        if !(1..=10_080).contains(&self.auth.session_idle_minutes)
            || !(1..=720).contains(&self.auth.session_absolute_hours)
        {
            return Err(AppError::Config(
                "auth.session_idle_minutes must be 1–10080 and auth.session_absolute_hours 1–720".into(),
            ));
        }
        if !(1..=1024).contains(&self.tickets.max_attachment_mb) {
            return Err(AppError::Config("tickets.max_attachment_mb must be 1–1024".into()));
        }
        if self.tickets.system_id.is_empty() || !self.tickets.system_id.bytes().all(|b| b.is_ascii_digit()) {
            return Err(AppError::Config(format!(
                "tickets.system_id must be digits, not `{}`",
                self.tickets.system_id
            )));
        }
        self.jobs.validate()?;
        self.calendars()?;
        self.notifications.validate()?;
        self.mail.validate()?;
        Ok(())
    }

    pub fn calendars(&self) -> Result<goats_core::calendar::Calendars, AppError> {
        jobs::calendars(&self.default_calendar, &self.calendars)
    }

    pub fn listen_addr(&self) -> Result<SocketAddr, AppError> {
        self.listen.parse().map_err(|_| AppError::Config(format!("listen address `{}` is not host:port", self.listen)))
    }

    /// The effective configuration as YAML, with secrets masked.
    pub fn to_masked_yaml(&self) -> String {
        let mut shown = self.clone();
        shown.database.url = goats_sql::mask_url(&shown.database.url);
        if shown.auth.jwt_secret.is_some() {
            shown.auth.jwt_secret = Some("*****".into());
        }
        if shown.metrics.token.is_some() {
            shown.metrics.token = Some("*****".into());
        }
        shown.notifications = shown.notifications.masked();
        shown.mail = shown.mail.masked();
        shown.jobs.store = shown.jobs.store.as_deref().map(goats_sql::mask_url);
        shown.valkey.url = shown.valkey.url.as_deref().map(goats_valkey::mask_url);
        serde_yaml::to_string(&shown).unwrap_or_default()
    }
}

/// `DB_DRIVER`, `DB_HOST`, `DB_PORT`, `DB_USER`, `DB_PASSWORD`, `DB_NAME`, as GOTRS
/// deployments set them.
fn db_url_from_parts(env: &dyn Environment) -> Result<Option<String>, AppError> {
    let Some(driver) = env.get("DB_DRIVER") else { return Ok(None) };
    let (scheme, default_port) = match driver.to_lowercase().as_str() {
        "postgres" | "postgresql" | "pgsql" | "pg" => ("postgres", 5432),
        "mysql" | "mariadb" => ("mysql", 3306),
        "sqlite" | "sqlite3" => {
            let name = env.get("DB_NAME").unwrap_or_else(|| "data/goats.db".into());
            return Ok(Some(format!("sqlite://{name}")));
        }
        other => {
            return Err(AppError::Config(format!(
                "DB_DRIVER `{other}` is not supported (use postgres, mysql or sqlite)"
            )));
        }
    };
    let host = env.get("DB_HOST").unwrap_or_else(|| "127.0.0.1".into());
    let port = env.get("DB_PORT").unwrap_or_else(|| default_port.to_string());
    let name = env.get("DB_NAME").unwrap_or_else(|| "goats".into());
    let mut url = url::Url::parse(&format!("{scheme}://{host}:{port}/{name}"))
        .map_err(|e| AppError::Config(format!("DB_HOST/DB_PORT/DB_NAME do not form a URL: {e}")))?;
    if let Some(user) = env.get("DB_USER") {
        let _ = url.set_username(&user);
    }
    if let Some(pw) = env.get("DB_PASSWORD") {
        let _ = url.set_password(Some(&pw));
    }
    Ok(Some(url.to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nothing_configured_means_embedded_sqlite() {
        let c = Config::load(None, &[("UNRELATED", "1")]).unwrap();
        assert_eq!(c.database.url, DEFAULT_DATABASE_URL);
        assert_eq!(c.listen, "127.0.0.1:8080");
    }

    #[test]
    fn unknown_keys_are_refused_with_their_place() {
        let e = Config::from_yaml("listen: 0.0.0.0:80\ndatabse:\n  url: x\n").unwrap_err();
        assert!(e.contains("unknown field `databse`"), "{e}");
        assert!(e.contains("line 2"), "{e}");
        let e = Config::from_yaml("database:\n  uri: x\n").unwrap_err();
        assert!(e.contains("unknown field `uri`"), "{e}");
    }

    #[test]
    fn environment_overrides_the_file_and_gotrs_variables_are_understood() {
        let mut c = Config::from_yaml("database:\n  url: sqlite://file.db\n").unwrap();
        c.apply_env(&[
            ("DB_DRIVER", "postgres"),
            ("DB_HOST", "db"),
            ("DB_USER", "otrs"),
            ("DB_PASSWORD", "p@ss"),
            ("DB_NAME", "otrs"),
        ])
        .unwrap();
        assert_eq!(c.database.url, "postgres://otrs:p%40ss@db:5432/otrs");
        c.apply_env(&[("DB_DRIVER", "mysql"), ("GOATS_DATABASE_URL", "mysql://x@y/z"), ("GOATS_LOG_FORMAT", "json")])
            .unwrap();
        assert_eq!(c.database.url, "mysql://x@y/z");
        assert_eq!(c.log.format, LogFormat::Json);
        assert!(c.apply_env(&[("DB_DRIVER", "oracle")]).is_err());
    }

    #[test]
    fn bad_values_name_the_problem_and_hide_passwords() {
        let mut c = Config::default();
        c.database.url = "ftp://u:hunter2@host/db".into();
        let e = c.validate().unwrap_err().to_string();
        assert!(e.contains("scheme `ftp`") && !e.contains("hunter2"), "{e}");
        c.database.url = "not a url".into();
        assert!(c.validate().unwrap_err().to_string().contains("not a URL"));
        let c = Config { listen: "localhost".into(), ..Default::default() };
        assert!(c.validate().unwrap_err().to_string().contains("host:port"));
    }

    #[test]
    fn the_example_file_holds_every_section_and_is_valid() {
        let c = Config::from_yaml(include_str!("../../../goats.example.yaml")).unwrap();
        c.validate().unwrap();
        assert_eq!(c.jobs, JobsConfig::default());
        assert_eq!(c.default_calendar, CalendarConfig::default());
        assert_eq!(c.mail, MailConfig::default());
        assert_eq!(c.valkey, ValkeyConfig::default());
        // And the compose setup's.
        Config::from_yaml(include_str!("../../../compose/goats.yaml")).unwrap().validate().unwrap();
    }

    #[test]
    fn valkey_comes_from_the_environment_is_checked_and_masked() {
        let mut c = Config::default();
        c.apply_env(&[("GOATS_VALKEY_URL", "redis://:hunter2@cache:6379/1"), ("GOATS_VALKEY_PREFIX", "site-a:")])
            .unwrap();
        c.validate().unwrap();
        assert_eq!(c.valkey.prefix, "site-a:");
        let shown = c.to_masked_yaml();
        assert!(shown.contains("redis://:*****@cache:6379/1") && !shown.contains("hunter2"), "{shown}");
        c.valkey.url = Some("rediss://cache:6380".into());
        assert!(c.validate().unwrap_err().to_string().contains("redis:// or valkey://"));
        c.valkey.url = Some("redis://cache".into());
        c.valkey.prefix = "two words".into();
        assert!(c.validate().unwrap_err().to_string().contains("valkey.prefix"));
    }

    #[test]
    fn the_smtp_password_comes_from_the_environment_and_is_masked() {
        let mut c = Config::from_yaml("mail:\n  smtp: {host: mail.example.com}\n").unwrap();
        c.apply_env(&[("GOATS_MAIL_SMTP_PASSWORD", "s3cret-pass")]).unwrap();
        c.validate().unwrap();
        let smtp = c.mail.smtp.clone().unwrap();
        assert_eq!((smtp.port, smtp.password.as_deref()), (587, Some("s3cret-pass")));
        let shown = c.to_masked_yaml();
        assert!(!shown.contains("s3cret-pass") && shown.contains("*****"), "{shown}");
        let bad = Config::from_yaml("mail:\n  retry: {attempts: 0}\n").unwrap();
        assert!(bad.validate().unwrap_err().to_string().contains("mail.retry"));
    }

    #[test]
    fn the_old_email_channel_is_refused_with_where_its_settings_went() {
        let old = Config::from_yaml("notifications:\n  email: {enabled: true, host: smtp.example.com}\n").unwrap();
        let e = old.validate().unwrap_err().to_string();
        assert!(e.contains("notifications") && e.contains("mail.smtp"), "{e}");
    }

    #[test]
    fn webhook_secrets_and_urls_are_masked_and_bad_hooks_refused() {
        let yaml = "notifications:\n  webhooks:\n    - name: chat\n      url: https://hooks.example.com/T0/B0/tok3n\n      secret: a-secret-of-some-length\n";
        let c = Config::from_yaml(yaml).unwrap();
        c.validate().unwrap();
        let shown = c.to_masked_yaml();
        assert!(!shown.contains("tok3n") && !shown.contains("a-secret-of-some-length"), "{shown}");
        let short = Config::from_yaml(&yaml.replace("a-secret-of-some-length", "short")).unwrap();
        assert!(short.validate().unwrap_err().to_string().contains("16 characters"));
        let typo = Config::from_yaml(&yaml.replace("secret:", "secrett:"));
        assert!(typo.is_err());
    }

    #[test]
    fn shown_configuration_masks_the_database_password() {
        let mut c = Config::default();
        c.database.url = "postgres://goats:hunter2@db/goats".into();
        c.auth.jwt_secret = Some("a-very-long-signing-secret-of-40-chars!!".into());
        let shown = c.to_masked_yaml();
        assert!(!shown.contains("hunter2") && shown.contains("*****"), "{shown}");
        assert!(!shown.contains("a-very-long-signing-secret"), "{shown}");
    }
}
