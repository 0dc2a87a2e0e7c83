//! goats with one more notification channel: the same command line, plus every event
//! appended to the file named by `GOATS_EVENT_LOG` (default `events.jsonl`).

use std::process::ExitCode;
use std::sync::Arc;

use clap::Parser;
use goats::channel::ChannelFilter;
use goats_file_log::FileChannel;

#[tokio::main]
async fn main() -> ExitCode {
    let path = std::env::var("GOATS_EVENT_LOG").unwrap_or_else(|_| "events.jsonl".into());
    let extensions = goats::Extensions::default().channel(Arc::new(FileChannel::new(path)), ChannelFilter::default());
    match goats::run_with(goats::cli::Cli::parse(), extensions).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("goats: error: {e}");
            ExitCode::FAILURE
        }
    }
}
