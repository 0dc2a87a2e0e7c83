//! goats, the application: configuration, wiring, the command line and the server.
//! Other crates may embed goats through [`App`].

pub mod app;
pub mod bootstrap;
pub mod cli;
pub mod config;
pub mod error;
pub mod logging;
pub mod serve;
pub mod user;

pub use app::App;
pub use config::Config;
pub use error::AppError;

use cli::{Cli, Command, ConfigCommand, UserCommand};

/// Runs one command line.
pub async fn run(cli: Cli) -> Result<(), AppError> {
    let mut config = Config::load(cli.config.as_deref(), &config::ProcessEnv)?;
    if let Command::Serve { listen: Some(listen) } = &cli.command {
        config.listen = listen.clone();
        config.validate()?;
    }
    logging::init(&config.log);
    match cli.command {
        Command::Config(ConfigCommand::Show) => {
            print!("{}", config.to_masked_yaml());
            Ok(())
        }
        Command::Migrate => {
            let app = App::start(config).await?;
            println!("database is at goats schema version {}", goats_sql::schema::current_version());
            app.db.close().await;
            Ok(())
        }
        Command::Serve { .. } => serve::serve(App::start(config).await?).await,
        Command::User(cmd) => {
            let app = App::start(config).await?;
            let result = match cmd {
                UserCommand::Add(args) => user::add(&app, args).await,
                UserCommand::Passwd { login, password_stdin } => user::passwd(&app, &login, password_stdin).await,
                UserCommand::List => user::list(&app).await,
            };
            app.db.close().await;
            result
        }
    }
}
