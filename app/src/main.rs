use std::process::ExitCode;

use clap::Parser;

#[tokio::main]
async fn main() -> ExitCode {
    let cli = goats::cli::Cli::parse();
    match goats::run(cli).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("goats: error: {e}");
            ExitCode::FAILURE
        }
    }
}
