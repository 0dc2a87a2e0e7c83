//! `goats user add|passwd|list`: managing agents from the command line.

use std::io::Read;

use goats_core::password;
use goats_core::permission::Permission;
use goats_core::ports::{AgentRepository, GroupRepository, NewAgent};

use crate::app::App;
use crate::bootstrap::generate_password;
use crate::cli::UserAdd;
use crate::error::AppError;

/// The operator running the CLI acts as the OTRS superuser (id 1).
const CLI_ACTOR: i32 = 1;

pub async fn add(app: &App, args: UserAdd) -> Result<(), AppError> {
    let (secret, generated) = read_or_generate(args.password_stdin)?;
    let groups = app.db.groups().await?;
    let mut wanted = args.groups.clone();
    if args.admin {
        wanted.push("admin".into());
    }
    let group_ids = wanted
        .iter()
        .map(|name| {
            groups
                .iter()
                .find(|g| &g.name == name)
                .map(|g| g.id)
                .ok_or_else(|| AppError::Usage(format!("there is no group named `{name}`")))
        })
        .collect::<Result<Vec<_>, _>>()?;
    let id = AgentRepository::create(
        &app.db,
        NewAgent {
            login: args.login.clone(),
            first_name: args.first_name,
            last_name: args.last_name,
            email: args.email,
            password_hash: password::hash(&secret),
        },
        CLI_ACTOR,
    )
    .await?;
    for group in group_ids {
        app.db.grant_user(id, group, Permission::Rw, CLI_ACTOR).await?;
    }
    println!("added agent {} (id {id}) with rw on {}", args.login, wanted.join(", "));
    if generated {
        println!("password: {secret}");
    }
    Ok(())
}

pub async fn passwd(app: &App, login: &str, from_stdin: bool) -> Result<(), AppError> {
    let agent = app
        .db
        .by_login(login)
        .await?
        .ok_or_else(|| AppError::Usage(format!("there is no agent with login `{login}`")))?;
    let (secret, generated) = read_or_generate(from_stdin)?;
    app.db.set_password_hash(agent.id, &password::hash(&secret), CLI_ACTOR).await?;
    println!("password of {login} changed");
    if generated {
        println!("password: {secret}");
    }
    Ok(())
}

pub async fn list(app: &App) -> Result<(), AppError> {
    let agents = AgentRepository::list(&app.db).await?;
    println!("{:>5}  {:<24} {:<28} {:<32} valid", "id", "login", "name", "email");
    for a in agents {
        println!(
            "{:>5}  {:<24} {:<28} {:<32} {}",
            a.id,
            a.login,
            a.full_name(),
            a.email.as_deref().unwrap_or("-"),
            if a.valid { "yes" } else { "no" }
        );
    }
    Ok(())
}

/// The first line of standard input, or a generated password.
fn read_or_generate(from_stdin: bool) -> Result<(String, bool), AppError> {
    if !from_stdin {
        return Ok((generate_password(), true));
    }
    let mut input = String::new();
    std::io::stdin().read_to_string(&mut input)?;
    let secret = input.lines().next().unwrap_or("").to_string();
    if secret.chars().count() < 8 {
        return Err(AppError::Usage("the password must have at least 8 characters".into()));
    }
    Ok((secret, false))
}
