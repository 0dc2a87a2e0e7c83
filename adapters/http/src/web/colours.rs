//! The colours states and priorities are shown in (OTRS's `color` columns), read once
//! per page from the cached lookups and looked up per ticket.

use std::collections::HashMap;

use goats_core::DomainResult;
use goats_core::model::{Colour, PriorityId, StateId};

use super::desk::Desk;

pub struct Colours {
    states: HashMap<StateId, Colour>,
    priorities: HashMap<PriorityId, Colour>,
}

impl Colours {
    pub async fn of(desk: &Desk) -> DomainResult<Self> {
        let l = &desk.state.lookups;
        let states = l.states().await?.into_iter().filter_map(|s| Some((s.id, s.colour?))).collect();
        let priorities = l.priorities().await?.into_iter().filter_map(|p| Some((p.id, p.colour?))).collect();
        Ok(Self { states, priorities })
    }

    pub fn state(&self, id: StateId) -> Option<Colour> {
        self.states.get(&id).cloned()
    }

    pub fn priority(&self, id: PriorityId) -> Option<Colour> {
        self.priorities.get(&id).cloned()
    }
}
