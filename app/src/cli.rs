use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};

/// goats — an OTRS-compatible help desk.
#[derive(Debug, Parser)]
#[command(name = "goats", version, about)]
pub struct Cli {
    /// YAML configuration file (default: ./goats.yaml when present).
    #[arg(long, global = true, env = "GOATS_CONFIG")]
    pub config: Option<PathBuf>,

    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Run the server (migrates the database first).
    Serve {
        /// Address to listen on, e.g. 0.0.0.0:8080.
        #[arg(long)]
        listen: Option<String>,
    },
    /// Create the OTRS schema on an empty database, or add goats' tables to an existing
    /// OTRS/Znuny database.
    Migrate,
    /// Asks the goats serving on the configured listen address whether it is ready
    /// (`/readyz`): exit status 0 if so, 1 otherwise. For container health checks.
    Healthcheck,
    /// Fill the database with realistic tickets, agents and customers (for benchmarks and
    /// demos). Expects no other writer while it runs.
    Seed {
        #[arg(long, default_value_t = 1000)]
        tickets: u64,
        #[arg(long, default_value_t = 2)]
        articles_per_ticket: u32,
        /// Same seed, same data.
        #[arg(long, default_value_t = 1)]
        seed: u64,
    },
    /// Manage agents.
    #[command(subcommand)]
    User(UserCommand),
    /// Manage permission groups.
    #[command(subcommand)]
    Group(GroupCommand),
    /// Manage queues.
    #[command(subcommand)]
    Queue(QueueCommand),
    /// Mail that arrives.
    #[command(subcommand)]
    Mail(MailCommand),
    /// Inspect the configuration.
    #[command(subcommand)]
    Config(ConfigCommand),
    /// Move a help desk's data into goats.
    #[command(subcommand)]
    Import(ImportCommand),
    /// The full-text search index.
    #[command(subcommand)]
    Search(SearchCommand),
    /// The route files (`routes/`, or `ROUTES_DIR`): manifest, drift check, link map and
    /// coverage. None of these needs a database.
    #[command(subcommand)]
    Routes(RoutesCommand),
}

#[derive(Debug, Subcommand)]
pub enum RoutesCommand {
    /// Check the route files and write the manifest of every route.
    Generate {
        #[arg(long, default_value = "runtime/routes-manifest.json")]
        out: PathBuf,
    },
    /// Compare the manifest with the committed baseline (generating it first if it is
    /// missing); fails on breaking changes and warnings.
    Verify {
        #[arg(long, default_value = "runtime/routes-manifest.json")]
        manifest: PathBuf,
        #[arg(long, default_value = "runtime/routes-manifest.baseline.json")]
        baseline: PathBuf,
        /// Print the changes as JSON.
        #[arg(long)]
        json: bool,
    },
    /// Link templates and scripts to the routes they call; write the map as JSON,
    /// Mermaid and Graphviz.
    Map {
        #[arg(long, default_value = "runtime")]
        out_dir: PathBuf,
    },
    /// Hits per route of a running server since it started (an admin's API token).
    Coverage {
        #[arg(long, default_value = "http://127.0.0.1:8080")]
        url: String,
        #[arg(long, env = "GOATS_TOKEN", hide_env_values = true)]
        token: String,
        /// Only the routes nobody has called.
        #[arg(long)]
        unused: bool,
    },
}

#[derive(Debug, Subcommand)]
pub enum GroupCommand {
    /// Add a group; agents get rights on it with `goats user add --group`.
    Add {
        name: String,
        #[arg(long)]
        comment: Option<String>,
    },
}

#[derive(Debug, Subcommand)]
pub enum QueueCommand {
    /// Add a queue whose tickets the members of `--group` may work on.
    Add {
        name: String,
        #[arg(long)]
        group: String,
        #[arg(long)]
        comment: Option<String>,
    },
}

#[derive(Debug, Subcommand)]
pub enum UserCommand {
    /// Add an agent. The password is read from standard input with --password-stdin,
    /// otherwise generated and printed once.
    Add(UserAdd),
    /// Set an agent's password (from standard input with --password-stdin, otherwise
    /// generated and printed once).
    Passwd {
        login: String,
        #[arg(long)]
        password_stdin: bool,
    },
    /// List agents.
    List,
}

#[derive(Debug, Args)]
pub struct UserAdd {
    pub login: String,
    #[arg(long)]
    pub first_name: String,
    #[arg(long)]
    pub last_name: String,
    #[arg(long)]
    pub email: Option<String>,
    #[arg(long)]
    pub password_stdin: bool,
    /// Also grant rw on the admin group.
    #[arg(long)]
    pub admin: bool,
    /// Groups to grant rw on (default: users).
    #[arg(long = "group", default_values_t = ["users".to_string()])]
    pub groups: Vec<String>,
}

#[derive(Debug, Subcommand)]
pub enum ConfigCommand {
    /// Print the effective configuration, secrets masked.
    Show,
}

#[derive(Debug, Subcommand)]
pub enum ImportCommand {
    /// Copy an OTRS or Znuny database (MySQL/MariaDB or PostgreSQL; OTRS 6, Znuny 6.x
    /// and 7.x) into the database goats is configured for, ids kept, then verify the
    /// copy. The target must hold no tickets. Interrupted, the same command continues
    /// where it stopped. Exits 0 when the copy is verified, 65 when the source has
    /// problems to fix first or the copy differs, 75 when a database failed.
    Otrs {
        /// The OTRS database, e.g. mysql://otrs:secret@db/otrs.
        #[arg(long, env = "GOATS_IMPORT_FROM", hide_env_values = true)]
        from: String,
        /// A copy of OTRS's ArticleDataDir (e.g. /opt/otrs/var/article), for a site
        /// that keeps article files on disk (ArticleStorageFS).
        #[arg(long)]
        attachments_dir: Option<PathBuf>,
        /// Only inspect the source: what would be copied, what cannot be carried, and
        /// the data problems that must be fixed first. Changes nothing.
        #[arg(long)]
        dry_run: bool,
        /// Add the source's tickets to a database that holds tickets already (goats'
        /// own, or an earlier import). Queues, states, agents, customers and other
        /// names both sides have are merged into the target's; everything else is
        /// added with new ids. The target's settings stand. Stop goats while it runs.
        #[arg(long)]
        append: bool,
        /// Write the inspection (with --dry-run) or the verification report as JSON.
        #[arg(long)]
        report: Option<PathBuf>,
    },
}

#[derive(Debug, Subcommand)]
pub enum SearchCommand {
    /// Build the index from every ticket and article in the database: for tickets goats
    /// did not write (an OTRS database goats was pointed at) or after a restore. goats
    /// keeps the index up to date with its own writes. A run that is stopped goes on
    /// from where it was the next time.
    Reindex {
        /// Start from the first ticket even if an earlier run stopped halfway.
        #[arg(long)]
        restart: bool,
    },
}

#[derive(Debug, Subcommand)]
pub enum MailCommand {
    /// Deliver one message read from standard input, as an MTA pipes it: a new ticket
    /// or a follow-up. Exits 0 when it is stored (or was stored before), 75 when the
    /// MTA should try again later (the database cannot be reached), 64/78 for a wrong
    /// command line or configuration.
    Ingest {
        /// The queue a new ticket goes to (default: Raw, as OTRS's postmaster).
        #[arg(long)]
        queue: Option<String>,
        /// Believe the message's X-OTRS-* headers (queue, priority, state, type,
        /// customer, ignore): only for mail from a source you control.
        #[arg(long)]
        trusted: bool,
    },
}
