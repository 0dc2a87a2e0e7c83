use std::io::IsTerminal;

use tracing_subscriber::EnvFilter;

use crate::config::{LogConfig, LogFormat};

/// Human-readable logs on a terminal, JSON lines when asked; `GOATS_LOG` (a tracing
/// filter) overrides the configured level. Logs go to standard error.
pub fn init(config: &LogConfig) {
    let filter = EnvFilter::try_from_env("GOATS_LOG")
        .or_else(|_| EnvFilter::try_new(&config.level))
        .unwrap_or_else(|_| EnvFilter::new("info"));
    let builder = tracing_subscriber::fmt().with_env_filter(filter).with_writer(std::io::stderr);
    let result = match config.format {
        LogFormat::Json => builder.json().flatten_event(true).try_init(),
        LogFormat::Text => builder.with_ansi(std::io::stderr().is_terminal()).try_init(),
    };
    // Already initialised (tests calling run twice): keep the first subscriber.
    drop(result);
}
