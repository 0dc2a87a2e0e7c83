use goats_core::DomainError;
use sea_orm::DbErr;

/// Failures of the storage layer that callers outside the domain need to tell apart.
#[derive(Debug, thiserror::Error)]
pub enum SqlError {
    #[error("database URL {url} is not valid: {reason}")]
    BadUrl { url: String, reason: String },
    #[error("cannot reach the database at {url}: {reason}")]
    Unreachable { url: String, reason: String },
    #[error(
        "the database holds goats schema version {found}, newer than this goats understands ({supported}); upgrade goats"
    )]
    NewerSchema { found: i32, supported: i32 },
    #[error("the database holds tables but no OTRS schema (no `ticket` table); refusing to touch it")]
    ForeignSchema,
    #[error("database error: {0}")]
    Db(#[from] DbErr),
}

/// A URL with its password replaced, fit for logs and error messages. Works on text
/// that does not parse as a URL too, since that is exactly when it gets printed.
pub fn mask_url(url: &str) -> String {
    let Some(scheme_end) = url.find("://") else { return url.to_string() };
    let rest = &url[scheme_end + 3..];
    let Some(at) = rest.rfind('@') else { return url.to_string() };
    match rest[..at].split_once(':') {
        Some((user, _)) => format!("{}{user}:*****{}", &url[..scheme_end + 3], &rest[at..]),
        None => url.to_string(),
    }
}

/// Storage failures reach the domain as `Storage`; unique-key clashes as `Conflict`.
pub(crate) fn to_domain(e: DbErr) -> DomainError {
    let text = e.to_string();
    let lower = text.to_lowercase();
    if lower.contains("unique") || lower.contains("duplicate") {
        DomainError::Conflict(text)
    } else {
        DomainError::Storage(text)
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn passwords_are_masked() {
        assert_eq!(super::mask_url("postgres://u:secret@h:5432/db"), "postgres://u:*****@h:5432/db");
        assert_eq!(super::mask_url("sqlite://data/goats.db"), "sqlite://data/goats.db");
        assert_eq!(super::mask_url("postgres://u:hunter2@"), "postgres://u:*****@");
        assert_eq!(super::mask_url("mysql://u:p@ss@h/db"), "mysql://u:*****@h/db");
        assert_eq!(super::mask_url("mysql://root@h/db"), "mysql://root@h/db");
    }
}
