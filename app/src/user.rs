//! `goats user add|passwd|list`: managing agents from the command line.

use std::io::Read;

use goats_core::DomainError;
use goats_core::admin::{AgentChanges, AgentInput};
use goats_core::model::GroupGrant;
use goats_core::permission::{ADMIN_GROUP_ID, AgentPermissions, Permission};
use goats_core::ports::{AgentRepository, GroupRepository};

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
    // The same checks as an admin adding an agent in the API or the pages.
    let input = AgentInput {
        login: args.login.clone(),
        first_name: args.first_name,
        last_name: args.last_name,
        email: args.email,
        password: secret.clone(),
    };
    let agent = app.admin.create_agent(&operator(), input).await.map_err(refused)?;
    for group in group_ids {
        app.admin.set_agent_grant(&operator(), agent.id, group, Permission::Rw, true).await.map_err(refused)?;
    }
    println!("added agent {} (id {}) with rw on {}", agent.login, agent.id, wanted.join(", "));
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
    let change = AgentChanges { password: Some(secret.clone()), ..AgentChanges::default() };
    app.admin.change_agent(&operator(), agent.id, change).await.map_err(refused)?;
    println!("password of {login} changed");
    if generated {
        println!("password: {secret}");
    }
    Ok(())
}

/// Whoever runs the command line on the server administers goats: they act as OTRS's
/// superuser (id 1) with the admin group's rights, whatever the database says of id 1.
fn operator() -> AgentPermissions {
    AgentPermissions::new(CLI_ACTOR, [GroupGrant { group_id: ADMIN_GROUP_ID, permission: Permission::Rw }])
}

/// A refusal of the input (a taken login, a short password, a malformed address) is the
/// operator's to fix: said as a usage error, with the field it concerns.
fn refused(e: DomainError) -> AppError {
    match e {
        DomainError::Invalid { field, reason } => AppError::Usage(format!("{field}: {reason}")),
        DomainError::Conflict(why) => AppError::Usage(why),
        other => AppError::from(other),
    }
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
