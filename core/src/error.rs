use thiserror::Error;

/// Everything a domain operation can refuse or fail with.
#[derive(Debug, Error, Clone, PartialEq, Eq)]
pub enum DomainError {
    #[error("{kind} {id} does not exist")]
    NotFound { kind: &'static str, id: String },
    #[error("permission denied: {0}")]
    PermissionDenied(String),
    #[error("invalid input: {field}: {reason}")]
    Invalid { field: &'static str, reason: String },
    #[error("conflict: {0}")]
    Conflict(String),
    /// The thing changed since the caller read it (an `If-Match` that no longer holds);
    /// `current` names what it is now (an entity tag).
    #[error("{kind} {id} changed meanwhile; it is now at {current}")]
    Stale { kind: &'static str, id: String, current: String },
    /// A port failed for reasons outside the domain (database down, …).
    #[error("storage: {0}")]
    Storage(String),
}

impl DomainError {
    pub fn not_found(kind: &'static str, id: impl ToString) -> Self {
        Self::NotFound { kind, id: id.to_string() }
    }

    pub fn invalid(field: &'static str, reason: impl Into<String>) -> Self {
        Self::Invalid { field, reason: reason.into() }
    }
}

pub type DomainResult<T> = Result<T, DomainError>;
