//! goats, the application: configuration, wiring, the command line and the server.
//! Other crates may embed goats through [`App`].

pub mod app;
pub mod bootstrap;
pub mod cli;
pub mod config;
pub mod cpu;
pub mod error;
pub mod healthcheck;
pub mod import;
pub mod logging;
pub mod mail;
pub mod metrics;
pub mod notifications;
pub mod organisation;
pub mod routes;
pub mod scheduler;
pub mod search;
pub mod serve;
pub mod shared;
pub mod traces;
pub mod user;

pub use app::{App, Extensions};

/// Everything a team needs to write its own notification channel and register it with
/// [`Extensions::channel`] (see `examples/custom-channel`).
pub mod channel {
    pub use async_trait::async_trait;
    pub use goats_core::event::{Event, TicketRef};
    pub use goats_core::ports::{ChannelError, NotificationChannel, Recipient};
    pub use goats_notify::ChannelFilter;
}
pub use config::Config;
pub use error::AppError;

use cli::{
    Cli, Command, ConfigCommand, GroupCommand, ImportCommand, MailCommand, QueueCommand, SearchCommand, UserCommand,
};

/// Runs one command line.
pub async fn run(cli: Cli) -> Result<(), AppError> {
    run_with(cli, Extensions::default()).await
}

/// Runs one command line with a program's own additions, such as its notification
/// channels: how a team's binary embeds goats.
pub async fn run_with(cli: Cli, extensions: Extensions) -> Result<(), AppError> {
    let mut config = Config::load(cli.config.as_deref(), &config::ProcessEnv)?;
    if let Command::Serve { listen: Some(listen) } = &cli.command {
        config.listen = listen.clone();
        config.validate()?;
    }
    let endpoint = traces::endpoint_from_env().map_err(AppError::Config)?;
    let traces = traces::Traces::start(endpoint.as_deref()).map_err(AppError::Config)?;
    logging::init(&config.log, &traces);
    let result = run_command(cli, config, extensions).await;
    traces.shutdown();
    result
}

async fn run_command(cli: Cli, config: Config, extensions: Extensions) -> Result<(), AppError> {
    match cli.command {
        Command::Routes(cmd) => routes::run(cmd).await,
        Command::Config(ConfigCommand::Show) => {
            print!("{}", config.to_masked_yaml());
            Ok(())
        }
        Command::Import(ImportCommand::Otrs { from, attachments_dir, dry_run, append, report }) => {
            let how = import::How { dry_run, append };
            import::otrs(&config, &from, attachments_dir.as_deref(), how, report.as_deref()).await
        }
        Command::Healthcheck => healthcheck::run(&config),
        Command::Migrate => {
            let app = App::start(config).await?;
            println!("database is at goats schema version {}", goats_sql::schema::current_version());
            app.close().await;
            Ok(())
        }
        Command::Serve { .. } => {
            let routes = serve::CheckedRoutes::load()?;
            let app = App::start_with(config, &extensions).await?;
            search::warn_if_unindexed(&app.db).await;
            serve::serve(app, routes).await
        }
        Command::Search(SearchCommand::Reindex { restart }) => {
            let app = App::start(config).await?;
            let result = search::reindex(&app.db, restart).await;
            app.close().await;
            let done = result?;
            println!("indexed {} of {} tickets for search", done.tickets_done, done.tickets_total);
            Ok(())
        }
        Command::Seed { tickets, articles_per_ticket, seed } => {
            let app = App::start(config).await?;
            let result = seed_command(&app, tickets, articles_per_ticket, seed).await;
            app.close().await;
            result
        }
        Command::Group(GroupCommand::Add { name, comment }) => {
            let app = App::start(config).await?;
            let result = organisation::add_group(&app, &name, comment.as_deref()).await;
            app.close().await;
            result
        }
        Command::Queue(QueueCommand::Add { name, group, comment }) => {
            let app = App::start(config).await?;
            let result = organisation::add_queue(&app, &name, &group, comment).await;
            app.close().await;
            result
        }
        Command::Mail(MailCommand::Ingest { queue, trusted }) => {
            let app = App::start_single(config).await?;
            let result = mail::ingest(&app, queue.as_deref(), trusted).await;
            app.close().await;
            result
        }
        Command::User(cmd) => {
            let app = App::start(config).await?;
            let result = match cmd {
                UserCommand::Add(args) => user::add(&app, args).await,
                UserCommand::Passwd { login, password_stdin } => user::passwd(&app, &login, password_stdin).await,
                UserCommand::List => user::list(&app).await,
            };
            app.close().await;
            result
        }
    }
}

async fn seed_command(app: &App, tickets: u64, articles_per_ticket: u32, seed: u64) -> Result<(), AppError> {
    use std::io::{IsTerminal, Write};
    if articles_per_ticket == 0 || articles_per_ticket > 100 {
        return Err(AppError::Usage("--articles-per-ticket must be 1 to 100".into()));
    }
    let plan = goats_sql::seed::SeedPlan { tickets, articles_per_ticket, seed };
    let started = std::time::Instant::now();
    let terminal = std::io::stderr().is_terminal();
    let report = goats_sql::seed::seed(&app.db, &plan, &app.config.tickets.numbers(), |done, all| {
        if terminal {
            eprint!("\rseeding: {done}/{all} tickets");
            let _ = std::io::stderr().flush();
        }
    })
    .await?;
    if terminal {
        eprintln!();
    }
    println!(
        "seeded {} tickets with {} articles ({} with a file), {} agents and {} customers in {:.1} s",
        report.tickets,
        report.articles,
        report.attachments,
        report.agents,
        report.customers,
        started.elapsed().as_secs_f64()
    );
    Ok(())
}
