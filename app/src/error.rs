use goats_core::DomainError;
use goats_sql::SqlError;

/// Everything that can stop a goats command; each prints as one line naming the problem.
#[derive(Debug, thiserror::Error)]
pub enum AppError {
    #[error("configuration: {0}")]
    Config(String),
    #[error(transparent)]
    Storage(#[from] SqlError),
    #[error("{0}")]
    Domain(#[from] DomainError),
    #[error("{0}")]
    Usage(String),
    #[error("{0}")]
    Io(#[from] std::io::Error),
}
