use std::io::IsTerminal;

use goats_http::routing::meter::SPANS;
use tracing::Level;
use tracing_subscriber::filter::Targets;
use tracing_subscriber::layer::SubscriberExt;
use tracing_subscriber::util::SubscriberInitExt;
use tracing_subscriber::{EnvFilter, Layer, Registry};

use crate::config::{LogConfig, LogFormat};
use crate::traces::Traces;

/// Human-readable logs on a terminal, JSON lines when asked; `GOATS_LOG` (a tracing
/// filter) overrides the configured level. Logs go to standard error, each with the
/// span it happened in (a request's has its route and trace id). The spans also go to
/// `traces`.
pub fn init(config: &LogConfig, traces: &Traces) {
    // Whatever the level, a line logged in a request or a job names it and its trace.
    let level = std::env::var("GOATS_LOG").ok().filter(|l| EnvFilter::try_new(l).is_ok());
    let level = level.unwrap_or_else(|| config.level.clone());
    let filter = EnvFilter::try_new(format!("{level},{SPANS}=info"))
        .unwrap_or_else(|_| EnvFilter::new(format!("info,{SPANS}=info")));
    let lines: Box<dyn Layer<Registry> + Send + Sync> = match config.format {
        LogFormat::Json => {
            tracing_subscriber::fmt::layer().json().flatten_event(true).with_writer(std::io::stderr).boxed()
        }
        LogFormat::Text => tracing_subscriber::fmt::layer()
            .with_ansi(std::io::stderr().is_terminal())
            .with_writer(std::io::stderr)
            .boxed(),
    };
    // Traces hold the requests and jobs, and, when they are sent, the queries in them.
    let mut traced = Targets::new().with_target(SPANS, Level::INFO);
    if traces.exporting() {
        traced = traced.with_target("sea_orm", Level::INFO);
    }
    let spans = tracing_opentelemetry::layer().with_tracer(traces.tracer()).with_filter(traced);
    let result = tracing_subscriber::registry().with(lines.with_filter(filter)).with(spans).try_init();
    // Already initialised (tests calling run twice): keep the first subscriber.
    drop(result);
}
