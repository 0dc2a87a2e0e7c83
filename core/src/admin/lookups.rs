//! States, priorities and types: named, switched on and off, never deleted.

use crate::error::{DomainError, DomainResult};
use crate::model::*;
use crate::permission::AgentPermissions;
use crate::ports::LookupKind;

use super::{AdminService, checked_name};

/// What an admin changes on a state, priority or type; `None` leaves it as it is.
#[derive(Debug, Clone, Copy, Default)]
pub struct LookupChange<'a> {
    pub name: Option<&'a str>,
    pub valid: Option<bool>,
    /// States only.
    pub state_type: Option<StateType>,
    /// States and priorities only: `#` and six hexadecimal digits.
    pub colour: Option<&'a str>,
}

/// The colour an admin gave, checked; types have none.
fn checked_colour(kind: LookupKind, colour: &str) -> DomainResult<Colour> {
    if kind == LookupKind::Type {
        return Err(DomainError::invalid("color", "types have no colour"));
    }
    Colour::parse(colour)
        .ok_or_else(|| DomainError::invalid("color", "a colour is # and six hexadecimal digits, e.g. #3DD598"))
}

impl AdminService {
    /// Adds a state (with its type), priority or type; `state_type` only for states, a
    /// colour for states and priorities (OTRS's grey when none is given).
    pub async fn create_lookup(
        &self,
        actor: &AgentPermissions,
        kind: LookupKind,
        name: &str,
        state_type: Option<StateType>,
        colour: Option<&str>,
    ) -> DomainResult<i32> {
        Self::check(actor)?;
        let name = checked_name(name)?;
        let colour = colour.map(|c| checked_colour(kind, c)).transpose()?;
        name_free(kind, &self.lookup_names(kind).await?, &name, None)?;
        let l = &self.ports.lookups;
        match kind {
            LookupKind::State => {
                let t = state_type.ok_or_else(|| DomainError::invalid("state_type", "a state needs a state type"))?;
                if t == StateType::Merged {
                    return Err(DomainError::invalid("state_type", "only the merged state is of type merged"));
                }
                l.create_state(&name, t, &colour.unwrap_or_else(Colour::new_state), actor.user_id).await
            }
            LookupKind::Priority => {
                l.create_priority(&name, &colour.unwrap_or_else(Colour::new_priority), actor.user_id).await
            }
            LookupKind::Type => l.create_type(&name, actor.user_id).await,
        }
    }

    /// Renames and/or switches a state, priority or type, gives a state another type
    /// and a state or priority another colour; all checked before anything is written.
    /// The merged state keeps its type and no other state takes it: merging tickets
    /// looks that state up by its type.
    pub async fn change_lookup(
        &self,
        actor: &AgentPermissions,
        kind: LookupKind,
        id: i32,
        change: LookupChange<'_>,
    ) -> DomainResult<()> {
        let LookupChange { name, valid, state_type, colour } = change;
        Self::check(actor)?;
        // One read of the names serves both checks: that it exists, and that a new name
        // is free.
        let names = self.lookup_names(kind).await?;
        if !names.iter().any(|(x, _)| *x == id) {
            return Err(DomainError::not_found(kind.noun(), id));
        }
        let retype = match (kind, state_type) {
            (_, None) => None,
            (LookupKind::State, Some(new)) => {
                let old = self.ports.lookups.state(id).await?.ok_or_else(|| DomainError::not_found("state", id))?;
                if old.state_type != new && (old.state_type == StateType::Merged || new == StateType::Merged) {
                    return Err(DomainError::invalid(
                        "state_type",
                        "the merged state keeps its type, and no other state takes it",
                    ));
                }
                (old.state_type != new).then_some(new)
            }
            (_, Some(_)) => return Err(DomainError::invalid("state_type", "only states have a type")),
        };
        let name = name.map(checked_name).transpose()?;
        let colour = colour.map(|c| checked_colour(kind, c)).transpose()?;
        if let Some(name) = &name {
            name_free(kind, &names, name, Some(id))?;
        }
        let l = &self.ports.lookups;
        if let Some(name) = name {
            l.rename_lookup(kind, id, &name, actor.user_id).await?;
        }
        if let Some(valid) = valid {
            l.set_lookup_valid(kind, id, valid, actor.user_id).await?;
        }
        if let Some(t) = retype {
            l.set_state_type(id, t, actor.user_id).await?;
        }
        if let Some(colour) = colour {
            l.set_lookup_colour(kind, id, &colour, actor.user_id).await?;
        }
        Ok(())
    }

    pub(super) async fn lookup_names(&self, kind: LookupKind) -> DomainResult<Vec<(i32, String)>> {
        let l = &self.ports.lookups;
        Ok(match kind {
            LookupKind::State => l.states().await?.into_iter().map(|x| (x.id, x.name)).collect(),
            LookupKind::Priority => l.priorities().await?.into_iter().map(|x| (x.id, x.name)).collect(),
            LookupKind::Type => l.types().await?.into_iter().map(|x| (x.id, x.name)).collect(),
        })
    }
}

/// Refuses a name another one of the kind (not `except`) already has.
fn name_free(kind: LookupKind, names: &[(i32, String)], name: &str, except: Option<i32>) -> DomainResult<()> {
    if names.iter().any(|(id, n)| n == name && Some(*id) != except) {
        return Err(DomainError::Conflict(format!("a {} named {name} exists", kind.noun())));
    }
    Ok(())
}
