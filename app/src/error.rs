use goats_core::DomainError;
use goats_sql::SqlError;
use goats_sql::import::ImportError;

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
    #[error("import: {0}")]
    Import(#[from] goats_sql::import::ImportError),
    /// A server goats needs (Valkey) does not answer; trying later may work.
    #[error("{0}")]
    Unavailable(String),
    /// `goats healthcheck` found goats not serving.
    #[error("{0}")]
    Unhealthy(String),
}

impl AppError {
    /// The process's exit status, in sysexits.h's terms, so that a mail transfer agent
    /// piping a message in knows whether to try again: 75 (EX_TEMPFAIL) when storage
    /// failed and a later attempt may succeed, 64 (EX_USAGE) for a wrong command line,
    /// 78 (EX_CONFIG) for a wrong configuration, 65 (EX_DATAERR) for input refused, 74
    /// (EX_IOERR) when input could not be read; 1 from a failed health check.
    pub fn exit_code(&self) -> u8 {
        match self {
            Self::Config(_) => 78,
            Self::Storage(_) | Self::Domain(DomainError::Storage(_)) => 75,
            Self::Domain(_) => 65,
            Self::Usage(_) => 64,
            Self::Io(_) => 74,
            Self::Import(ImportError::Sql(_) | ImportError::Db(_)) => 75,
            Self::Import(_) => 65,
            Self::Unavailable(_) => 75,
            // What container runtimes take as "unhealthy".
            Self::Unhealthy(_) => 1,
        }
    }
}
