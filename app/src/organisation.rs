//! `goats group add` and `goats queue add`: the groups that carry permissions and the
//! queues that belong to them, from the command line.

use goats_core::ports::{GroupRepository, LookupRepository, NewQueue};

use crate::app::App;
use crate::error::AppError;

/// The operator running the CLI acts as the OTRS superuser (id 1).
const CLI_ACTOR: i32 = 1;

pub async fn add_group(app: &App, name: &str, comment: Option<&str>) -> Result<(), AppError> {
    let name = name.trim();
    if name.is_empty() {
        return Err(AppError::Usage("a group needs a name".into()));
    }
    if app.db.groups().await?.iter().any(|g| g.name == name) {
        return Err(AppError::Usage(format!("a group named `{name}` exists already")));
    }
    // Through the cache, so the running instances hear of it.
    let id = app.people.create_group(name, comment, CLI_ACTOR).await?;
    println!("added group {name} (id {id})");
    Ok(())
}

pub async fn add_queue(app: &App, name: &str, group: &str, comment: Option<String>) -> Result<(), AppError> {
    let name = name.trim();
    if name.is_empty() {
        return Err(AppError::Usage("a queue needs a name".into()));
    }
    let group_id = app
        .db
        .groups()
        .await?
        .into_iter()
        .find(|g| g.name == group)
        .map(|g| g.id)
        .ok_or_else(|| AppError::Usage(format!("there is no group named `{group}`")))?;
    if app.db.queue_by_name(name).await?.is_some() {
        return Err(AppError::Usage(format!("a queue named `{name}` exists already")));
    }
    let queue = NewQueue {
        name: name.to_string(),
        group_id,
        unlock_timeout: 0,
        first_response_time: 0,
        update_time: 0,
        solution_time: 0,
        calendar_name: None,
        comments: comment,
        follow_up: goats_core::model::FollowUp::Possible,
        follow_up_lock: false,
        customer_selectable: true,
        customer_closable: true,
        system_address_id: 1,
        salutation_id: 1,
        signature_id: 1,
    };
    // Through the cache, so the running instances hear of it.
    let id = app.lookups.create_queue(queue, CLI_ACTOR).await?;
    println!("added queue {name} (id {id}) for group {group}");
    Ok(())
}
