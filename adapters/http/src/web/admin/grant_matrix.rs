//! The permission matrix of one agent or one role: every group down, every permission
//! across, each box ticked where it is held. The form sends one `grant=<group>:<key>`
//! per ticked box.

use std::collections::BTreeSet;

use goats_core::model::{Group, GroupGrant, GroupId};
use goats_core::permission::Permission;

use crate::web::form_text::FormText;

pub(crate) struct GrantRow {
    pub group: Group,
    /// The permission keys held, in [`Permission::ALL`]'s order.
    pub held: Vec<(&'static str, bool)>,
}

/// One row per group, in the order given.
pub(crate) fn rows(groups: Vec<Group>, held: &[GroupGrant]) -> Vec<GrantRow> {
    groups
        .into_iter()
        .map(|group| {
            let held = Permission::ALL
                .iter()
                .map(|p| (p.key(), held.iter().any(|g| g.group_id == group.id && g.permission == *p)))
                .collect();
            GrantRow { group, held }
        })
        .collect()
}

/// The matrix's columns.
pub(crate) fn permission_keys() -> Vec<&'static str> {
    Permission::ALL.iter().map(|p| p.key()).collect()
}

/// The ticked boxes of a posted matrix; a box naming no permission is ignored.
pub(crate) fn ticked(f: &FormText) -> BTreeSet<(GroupId, Permission)> {
    f.all("grant")
        .filter_map(|v| {
            let (g, p) = v.split_once(':')?;
            Some((g.parse().ok()?, Permission::from_key(p)?))
        })
        .collect()
}
