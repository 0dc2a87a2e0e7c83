// The future of `goats::run` nests every command's (serve's start-up most deeply); computing its
// layout in a release build goes past the default depth of 128.
#![recursion_limit = "256"]

use std::process::ExitCode;

use clap::Parser;

// glibc's allocator was a sixth of a page's CPU, its locks contended between worker
// threads; mimalloc serves pages and writes 20–40 % faster (docs/performance.md).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// mimalloc's options by their number in its `mi_option_e` (mimalloc.h, v3 as the
/// lockfile pins it).
const MI_OPTION_ARENA_EAGER_COMMIT: libmimalloc_sys::mi_option_t = 4;
const MI_OPTION_PURGE_DELAY: libmimalloc_sys::mi_option_t = 15;

/// Freed memory goes back to the system at once and arenas are committed as they fill:
/// an idle goats then holds 27 MB rather than 35 MB, at no throughput measured.
fn tune_allocator() {
    // SAFETY: plain setters of mimalloc's option table, called before any thread starts.
    unsafe {
        libmimalloc_sys::mi_option_set(MI_OPTION_PURGE_DELAY, 0);
        libmimalloc_sys::mi_option_set(MI_OPTION_ARENA_EAGER_COMMIT, 0);
    }
}

fn main() -> ExitCode {
    tune_allocator();
    let cli = goats::cli::Cli::parse();
    // A mail server starts `mail ingest` once per message, which works one step after
    // another: worker threads would only cost it their start and their wake-ups. (The
    // allocator stays tuned: with freed pages kept, a 25 MB attachment's peak grew from
    // about 7 to 9–12 times the message.)
    let runtime = if matches!(cli.command, goats::cli::Command::Mail(_)) {
        tokio::runtime::Builder::new_current_thread().enable_all().build()
    } else {
        tokio::runtime::Builder::new_multi_thread().enable_all().build()
    };
    let runtime = match runtime {
        Ok(r) => r,
        Err(e) => {
            eprintln!("goats: error: cannot start the runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    runtime.block_on(run(cli))
}

async fn run(cli: goats::cli::Cli) -> ExitCode {
    match goats::run(cli).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("goats: error: {e}");
            ExitCode::from(e.exit_code())
        }
    }
}
