//! `goats import otrs --append`: a second site's rows added to a target that holds
//! tickets already, nothing of either lost.
//!
//! The rules, table by table:
//! - the target's settings stand: the tables in [`KEPT_FROM_TARGET`] are not carried;
//! - a row that names the same thing as a target row (a queue, state or group by name,
//!   an agent or customer by login, a grant by its agent, group and permission; see
//!   [`natural_keys`]) is merged into it: the target's row stays as it is and every
//!   reference to the source's row is turned to it;
//! - every other row is added with its id moved up past the target's highest id
//!   (`id_offset`, fixed when the append starts, so a resumed run moves ids alike),
//!   and every id it holds — foreign keys, the keys OTRS keeps without one (see
//!   [`UNDECLARED_REFERENCES`]), a dynamic field value's object and a link's ends — is
//!   moved with the row it names;
//! - a ticket number both sides hold is refused before anything is written.

use std::collections::{BTreeSet, HashMap, HashSet};
use std::sync::OnceLock;

use sea_orm::{ConnectionTrait, Value};

use super::ImportError;
use super::cells::{self, Cell, Kind, Reading};
use super::copy::{read_row, select_list};
use super::source::TablePlan;
use crate::schema::{self, Table};
use crate::{Db, Dialect};

/// Tables whose rows are the target's own configuration or transient state, or hold ids
/// inside text no generic rule can move (a notification's queue ids, a generic agent
/// job's). The report lists them; they are set up again in the target where wanted.
pub const KEPT_FROM_TARGET: &[&str] = &[
    "sysconfig_default",
    "sysconfig_default_version",
    "sysconfig_modified",
    "sysconfig_modified_version",
    "sysconfig_deployment",
    "sysconfig_deployment_lock",
    "system_data",
    "ticket_number_counter",
    "sessions",
    "web_upload_cache",
    "scheduler_task",
    "scheduler_future_task",
    "scheduler_recurrent_task",
    "package_repository",
    "process_id",
    "acl",
    "acl_sync",
    "acl_ticket_attribute_relations",
    "pm_entity_sync",
    "generic_agent_jobs",
    "notification_event",
    "notification_event_message",
    "notification_event_item",
    "mail_account",
    "postmaster_filter",
    "gi_webservice_config",
    "gi_webservice_config_history",
    "gi_debugger_entry",
    "gi_debugger_entry_content",
    "communication_log",
    "communication_log_object",
    "communication_log_object_entry",
    "communication_log_obj_lookup",
    "form_draft",
    "xml_storage",
    "virtual_fs",
    "virtual_fs_preferences",
    "virtual_fs_db",
];

/// What makes two rows of a table without a unique key the same fact.
const SAME_FACT: &[(&str, &[&str])] = &[
    ("user_preferences", &["user_id", "preferences_key"]),
    ("queue_preferences", &["queue_id", "preferences_key"]),
    ("service_preferences", &["service_id", "preferences_key"]),
    ("sla_preferences", &["sla_id", "preferences_key"]),
    ("customer_preferences", &["user_id", "preferences_key"]),
    ("group_user", &["user_id", "group_id", "permission_key"]),
    ("group_role", &["role_id", "group_id", "permission_key"]),
    ("group_customer_user", &["user_id", "group_id", "permission_key"]),
    ("group_customer", &["customer_id", "group_id", "permission_key", "permission_context"]),
    ("role_user", &["user_id", "role_id"]),
    ("personal_queues", &["user_id", "queue_id"]),
    ("personal_services", &["user_id", "service_id"]),
    ("queue_standard_template", &["queue_id", "standard_template_id"]),
    ("standard_template_attachment", &["standard_template_id", "standard_attachment_id"]),
    ("queue_auto_response", &["queue_id", "auto_response_id"]),
    ("service_customer_user", &["customer_user_login", "service_id"]),
    ("customer_user_customer", &["user_id", "customer_id"]),
    ("system_address", &["value0"]),
    ("search_profile", &["login", "profile_name", "profile_type", "profile_key"]),
];

/// Integer columns that name a row of another table without a foreign key in OTRS's
/// schema: `(table, column, the table it names)`.
pub const UNDECLARED_REFERENCES: &[(&str, &str, &str)] = &[
    ("role_user", "role_id", "roles"),
    ("customer_company", "valid_id", "valid"),
    ("customer_company", "create_by", "users"),
    ("customer_company", "change_by", "users"),
    ("service", "valid_id", "valid"),
    ("sla", "valid_id", "valid"),
    ("ticket_priority", "valid_id", "valid"),
    ("system_address", "queue_id", "queue"),
    ("mention", "user_id", "users"),
    ("mention", "ticket_id", "ticket"),
    ("mention", "article_id", "article"),
];

/// Whether the append carries `table`.
pub fn carried(table: &str) -> bool {
    !KEPT_FROM_TARGET.contains(&table)
}

/// The columns of `table` that name another table's row by its id, with that table.
fn references(table: &Table) -> Vec<(String, String)> {
    let declared = table
        .foreign_keys
        .iter()
        .filter(|fk| fk.references_column == "id")
        .map(|fk| (fk.column.clone(), fk.references_table.clone()));
    let undeclared = UNDECLARED_REFERENCES
        .iter()
        .filter(|(t, ..)| *t == table.name)
        .map(|(_, c, parent)| (c.to_string(), parent.to_string()));
    declared.chain(undeclared).collect()
}

/// The table's own id, when the database gives it (every OTRS table but
/// `customer_company` and `system_data`).
fn own_id(table: &Table) -> Option<&str> {
    table.columns.iter().find(|c| c.auto_increment).map(|c| c.name.as_str())
}

/// Tables whose rows belong to tickets: `ticket` and every table that names one of
/// them. Their rows are always added (they hang off a ticket that is new to the target).
fn ticket_data() -> &'static HashSet<String> {
    static DATA: OnceLock<HashSet<String>> = OnceLock::new();
    DATA.get_or_init(|| {
        let mut data: HashSet<String> =
            ["ticket", "dynamic_field_value", "link_relation"].into_iter().map(String::from).collect();
        loop {
            let before = data.len();
            for t in schema::otrs_tables() {
                if references(t).iter().any(|(_, parent)| data.contains(parent)) {
                    data.insert(t.name.clone());
                }
            }
            if data.len() == before {
                return data;
            }
        }
    })
}

/// The column sets by which a row of `table` is the same as a target row: its key
/// when the database does not give it, its unique keys, and [`SAME_FACT`]. Empty for
/// the tables of tickets.
pub fn natural_keys(table: &Table) -> Vec<Vec<String>> {
    if ticket_data().contains(&table.name) {
        return Vec::new();
    }
    let mut keys = Vec::new();
    if own_id(table).is_none() && !table.primary_key.is_empty() {
        keys.push(table.primary_key.clone());
    }
    keys.extend(table.uniques.iter().map(|u| u.columns.iter().map(|c| c.name.clone()).collect()));
    if let Some((_, columns)) = SAME_FACT.iter().find(|(t, _)| *t == table.name) {
        keys.push(columns.iter().map(|c| c.to_string()).collect());
    }
    keys
}

/// How the source's ids become the target's, for one append.
#[derive(Debug, Clone, Default)]
pub struct Remap {
    /// Per table with its own id: how far the source's ids move up.
    pub offsets: HashMap<String, i64>,
    /// Per table: source ids whose rows were merged into a target row, and that row's id.
    matched: HashMap<String, HashMap<i64, i64>>,
    /// The source's dynamic fields: id → object type (`Ticket`, `Article`, …).
    field_objects: HashMap<i64, String>,
    /// The source's link objects: id → name (`Ticket`, …).
    link_objects: HashMap<i64, String>,
}

impl Remap {
    /// The target's id for the source row `id` of `table`.
    pub fn id(&self, table: &str, id: i64) -> i64 {
        if let Some(to) = self.matched.get(table).and_then(|m| m.get(&id)) {
            return *to;
        }
        id + self.offsets.get(table).copied().unwrap_or(0)
    }

    fn moved(&self, table: &str, cell: &Cell) -> Cell {
        match cell {
            Cell::Int(v) => Cell::Int(self.id(table, *v)),
            other => other.clone(),
        }
    }

    /// A source row of `plan`'s table as the target is to hold it.
    pub fn row(&self, plan: &TablePlan, row: &[Cell]) -> Vec<Cell> {
        let position = |name: &str| plan.columns.iter().position(|(c, _)| c == name);
        let mut out = row.to_vec();
        if let Some(i) = own_id(plan.table).and_then(position) {
            out[i] = self.moved(plan.name(), &row[i]);
        }
        for (column, parent) in references(plan.table) {
            if let Some(i) = position(&column) {
                out[i] = self.moved(&parent, &row[i]);
            }
        }
        let object = |by: &HashMap<i64, String>, kind_at: Option<usize>| -> Option<&'static str> {
            let Cell::Int(kind) = row.get(kind_at?)? else { return None };
            match by.get(kind)?.as_str() {
                "Ticket" => Some("ticket"),
                "Article" => Some("article"),
                _ => None,
            }
        };
        match plan.name() {
            "dynamic_field_value" => {
                if let (Some(table), Some(i)) =
                    (object(&self.field_objects, position("field_id")), position("object_id"))
                {
                    out[i] = self.moved(table, &row[i]);
                }
            }
            "link_relation" => {
                for (kind, key) in [("source_object_id", "source_key"), ("target_object_id", "target_key")] {
                    if let (Some(table), Some(i)) = (object(&self.link_objects, position(kind)), position(key))
                        && let Cell::Text(id) = &row[i]
                        && let Ok(id) = id.trim().parse::<i64>()
                    {
                        out[i] = Cell::Text(self.id(table, id).to_string());
                    }
                }
            }
            _ => {}
        }
        out
    }
}

/// What the append found in the target for one table, fixed when it starts.
#[derive(Debug, Clone, Default)]
pub struct TableStart {
    pub id_offset: i64,
    pub before_rows: u64,
    pub before_checksum: u64,
    pub rows_merged: u64,
}

pub async fn table_start(target: &Db, table: &str) -> Result<Option<TableStart>, ImportError> {
    let row = target
        .conn
        .query_one_raw(target.stmt(
            "SELECT id_offset, before_rows, before_checksum, rows_merged FROM goats_import_append WHERE table_name = ?",
            [table.into()],
        ))
        .await?;
    let Some(r) = row else { return Ok(None) };
    Ok(Some(TableStart {
        id_offset: crate::row::int(&r, "id_offset")?,
        before_rows: crate::row::int(&r, "before_rows")?.max(0) as u64,
        before_checksum: crate::row::int(&r, "before_checksum")? as u64,
        rows_merged: crate::row::int(&r, "rows_merged")?.max(0) as u64,
    }))
}

/// Whether the target holds an append under way (its tables' starts are written with the
/// run, and emptied by a fresh import).
pub async fn under_way(target: &Db) -> Result<bool, ImportError> {
    Ok(super::source::count(target, "goats_import_append").await? > 0)
}

/// Ticket numbers both sides hold, at most `limit` of them.
pub async fn clashing_numbers(source: &Db, target: &Db, limit: usize) -> Result<Vec<String>, ImportError> {
    let mut clashes = Vec::new();
    let mut after = String::new();
    loop {
        let rows = source
            .conn
            .query_all_raw(
                source.stmt("SELECT tn FROM ticket WHERE tn > ? ORDER BY tn LIMIT 1000", [after.clone().into()]),
            )
            .await?;
        let numbers: Vec<String> = rows.iter().filter_map(|r| crate::row::text_at(r, 0)).collect();
        let Some(last) = numbers.last().cloned() else { break };
        let marks = vec!["?"; numbers.len()].join(", ");
        let found = target
            .conn
            .query_all_raw(target.stmt(
                &format!("SELECT tn FROM ticket WHERE tn IN ({marks}) ORDER BY tn"),
                numbers.iter().map(|n| Value::from(n.clone())),
            ))
            .await?;
        clashes.extend(found.iter().filter_map(|r| crate::row::text_at(r, 0)));
        if clashes.len() >= limit || numbers.len() < 1000 {
            break;
        }
        after = last;
    }
    clashes.truncate(limit);
    Ok(clashes)
}

/// The highest id of `table` in `db`, 0 when it is empty.
pub async fn max_id(db: &Db, table: &str, column: &str) -> Result<i64, ImportError> {
    let sql = format!("SELECT {} FROM {table}", Kind::Int.select(db.dialect, &format!("MAX({column})")));
    let row = db.conn.query_one_raw(db.stmt(&sql, [])).await?;
    Ok(row.and_then(|r| r.try_get_by_index::<Option<i64>>(0).ok().flatten()).unwrap_or(0))
}

/// Each table's offset: past the target's highest id. Stored before the first row is
/// written; a resumed run reads them back.
pub async fn offset_for(target: &Db, table: &Table) -> Result<i64, ImportError> {
    match own_id(table) {
        Some(id) => max_id(target, &table.name, id).await,
        None => Ok(0),
    }
}

/// Builds the remap for `plans` (what was carried): the offsets stored at the start, the
/// source's dynamic fields and link objects, and which lookup rows match a target row.
/// Deterministic, so a resumed run maps alike: a row the run added matches itself, at
/// the id the offset gives it.
pub async fn remap(source: &Db, reading: &Reading, target: &Db, plans: &[TablePlan]) -> Result<Remap, ImportError> {
    let mut remap = Remap::default();
    for plan in plans {
        if let Some(start) = table_start(target, plan.name()).await? {
            remap.offsets.insert(plan.name().to_string(), start.id_offset);
        }
    }
    remap.field_objects = names(source, "SELECT id, object_type FROM dynamic_field").await?;
    remap.link_objects = names(source, "SELECT id, name FROM link_object").await?;
    // Lookups named by other tables, those keyed by their own columns first (a grant's
    // key names an agent and a group, whose matches must be known).
    let named: BTreeSet<String> = plans.iter().flat_map(|p| references(p.table)).map(|(_, parent)| parent).collect();
    let mut lookups: Vec<&TablePlan> = plans
        .iter()
        .filter(|p| named.contains(p.name()) && own_id(p.table).is_some() && !natural_keys(p.table).is_empty())
        .collect();
    let keyed_by_references = |p: &TablePlan| {
        let refs: Vec<String> = references(p.table).into_iter().map(|(c, _)| c).collect();
        natural_keys(p.table).iter().flatten().any(|c| refs.contains(c))
    };
    lookups.sort_by_key(|p| keyed_by_references(p));
    for plan in lookups {
        let Some(id) = own_id(plan.table) else { continue };
        let id_at = plan.columns.iter().position(|(c, _)| c == id);
        let mut matched = HashMap::new();
        let mut after = i64::MIN;
        loop {
            let sql = format!(
                "SELECT {} FROM {} WHERE {id} > ? ORDER BY {id} LIMIT 1000",
                select_list(source.dialect, &plan.columns),
                plan.source_name
            );
            let rows = source.conn.query_all_raw(source.stmt(&sql, [after.into()])).await?;
            let mut page = Vec::with_capacity(rows.len());
            for r in &rows {
                page.push(read_row(reading, plan, r)?);
            }
            let moved: Vec<Vec<Cell>> = page.iter().map(|row| remap.row(plan, row)).collect();
            let found = in_target(target, plan, &moved).await?;
            for (row, to) in page.iter().zip(found) {
                if let (Some(Cell::Int(from)), Some(to)) = (id_at.and_then(|i| row.get(i)), to) {
                    matched.insert(*from, to);
                }
            }
            match page.last().and_then(|row| id_at.and_then(|i| row.get(i).cloned())) {
                Some(Cell::Int(last)) if rows.len() == 1000 => after = last,
                _ => break,
            }
        }
        remap.matched.insert(plan.name().to_string(), matched);
    }
    Ok(remap)
}

async fn names(source: &Db, sql: &str) -> Result<HashMap<i64, String>, ImportError> {
    let rows = source.conn.query_all_raw(source.stmt(sql, [])).await?;
    let mut out = HashMap::new();
    for r in &rows {
        if let (Ok(id), Some(name)) = (r.try_get_by_index::<i64>(0), crate::row::text_at(r, 1)) {
            out.insert(id, name);
        }
    }
    Ok(out)
}

/// For each row (as the target would hold it), the id of the target row it is the same
/// as by one of the table's natural keys (`Some(0)` for a table without its own id), or
/// `None` for a row to add. Text compares as MySQL's collations compare it, ignoring
/// case, so a row MySQL's unique index would refuse is merged instead.
pub async fn in_target(target: &Db, plan: &TablePlan, rows: &[Vec<Cell>]) -> Result<Vec<Option<i64>>, ImportError> {
    let mut found: Vec<Option<i64>> = vec![None; rows.len()];
    if rows.is_empty() {
        return Ok(found);
    }
    let id = own_id(plan.table);
    for key in natural_keys(plan.table) {
        let at: Option<Vec<(usize, Kind)>> =
            key.iter().map(|k| plan.columns.iter().position(|(c, _)| c == k).map(|i| (i, plan.columns[i].1))).collect();
        // A key the source lacks a column of cannot match.
        let Some(at) = at else { continue };
        let same = match target.dialect {
            Dialect::Postgres => "IS NOT DISTINCT FROM",
            Dialect::MySql => "<=>",
            Dialect::Sqlite => "IS",
        };
        let one: Vec<String> = key.iter().map(|k| format!("{k} {same} ?")).collect();
        let one = format!("({})", one.join(" AND "));
        let mut columns: Vec<(String, Kind)> = at.iter().map(|&(i, kind)| (plan.columns[i].0.clone(), kind)).collect();
        columns.push((id.unwrap_or(&key[0]).to_string(), if id.is_some() { Kind::Int } else { at[0].1 }));
        let per_query = (20_000 / key.len()).clamp(1, 500);
        for chunk_start in (0..rows.len()).step_by(per_query) {
            let chunk = &rows[chunk_start..(chunk_start + per_query).min(rows.len())];
            let values: Vec<Value> = chunk
                .iter()
                .flat_map(|row| at.iter().map(|&(i, kind)| cells::value(target.dialect, kind, &row[i])))
                .collect();
            let sql = format!(
                "SELECT {} FROM {} WHERE {}",
                select_list(target.dialect, &columns),
                plan.name(),
                vec![one.as_str(); chunk.len()].join(" OR ")
            );
            let hits = target.conn.query_all_raw(target.stmt(&sql, values)).await?;
            let reading = Reading::utc(target.dialect);
            let mut there: HashMap<Vec<Cell>, i64> = HashMap::new();
            for r in &hits {
                let mut cells = Vec::with_capacity(columns.len());
                for (i, (name, kind)) in columns.iter().enumerate() {
                    cells.push(reading.read(r, i, name, *kind)?);
                }
                let found_id = match (id, cells.pop()) {
                    (Some(_), Some(Cell::Int(v))) => v,
                    _ => 0,
                };
                there.entry(folded(&cells)).or_insert(found_id);
            }
            for (offset, row) in chunk.iter().enumerate() {
                let slot = &mut found[chunk_start + offset];
                if slot.is_none() {
                    let key: Vec<Cell> = at.iter().map(|&(i, _)| row[i].clone()).collect();
                    *slot = there.get(&folded(&key)).copied();
                }
            }
        }
    }
    Ok(found)
}

fn folded(cells: &[Cell]) -> Vec<Cell> {
    cells
        .iter()
        .map(|c| match c {
            Cell::Text(s) => Cell::Text(s.to_lowercase()),
            other => other.clone(),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn table(name: &str) -> &'static Table {
        schema::otrs_tables().iter().find(|t| t.name == name).unwrap()
    }

    #[test]
    fn what_belongs_to_tickets_is_always_added() {
        for t in ["ticket", "article", "article_data_mime_attachment", "ticket_history", "ticket_flag", "mention"] {
            assert!(natural_keys(table(t)).is_empty(), "{t}");
        }
        assert_eq!(natural_keys(table("queue")), vec![vec!["name".to_string()]]);
        assert_eq!(natural_keys(table("customer_company")), vec![vec!["customer_id".to_string()], vec!["name".into()]]);
        assert_eq!(natural_keys(table("group_user"))[0], ["user_id", "group_id", "permission_key"]);
    }

    #[test]
    fn every_listed_table_and_column_exists() {
        for name in KEPT_FROM_TARGET {
            assert!(schema::otrs_tables().iter().any(|t| t.name == *name), "{name}");
        }
        for (t, columns) in SAME_FACT {
            for c in *columns {
                assert!(table(t).column(c).is_some(), "{t}.{c}");
            }
        }
        for (t, c, parent) in UNDECLARED_REFERENCES {
            assert!(table(t).column(c).is_some(), "{t}.{c}");
            assert!(own_id(table(parent)).is_some(), "{parent}");
        }
    }

    #[test]
    fn ids_move_past_the_target_and_merged_rows_point_at_the_target_row() {
        let mut remap = Remap::default();
        remap.offsets.insert("ticket".into(), 1000);
        remap.offsets.insert("users".into(), 10);
        remap.matched.insert("users".into(), HashMap::from([(1, 1), (2, 7)]));
        remap.field_objects.insert(3, "Ticket".into());
        let plan = |name: &str| {
            let t = table(name);
            TablePlan {
                table: t,
                source_name: name.into(),
                columns: t.columns.iter().map(|c| (c.name.clone(), Kind::of(name, c))).collect(),
                key: None,
                rows: 0,
            }
        };
        // A row of `plan` with the named integers and NULL elsewhere.
        let row_of = |plan: &TablePlan, named: &[(&str, i64)]| -> Vec<Cell> {
            let value = |c: &str| named.iter().find(|(n, _)| *n == c).map_or(Cell::Null, |(_, v)| Cell::Int(*v));
            plan.columns.iter().map(|(c, _)| value(c)).collect()
        };
        let watcher = plan("ticket_watcher");
        let row = row_of(&watcher, &[("ticket_id", 5), ("user_id", 2), ("create_by", 3), ("change_by", 1)]);
        let moved = remap.row(&watcher, &row);
        let get = |name: &str| moved[watcher.columns.iter().position(|(c, _)| c == name).unwrap()].clone();
        assert_eq!(get("ticket_id"), Cell::Int(1005));
        assert_eq!(get("user_id"), Cell::Int(7));
        assert_eq!(get("create_by"), Cell::Int(13));
        assert_eq!(get("change_by"), Cell::Int(1));

        let value = plan("dynamic_field_value");
        let row = row_of(&value, &[("field_id", 3), ("object_id", 5)]);
        let moved = remap.row(&value, &row);
        assert_eq!(moved[value.columns.iter().position(|(c, _)| c == "object_id").unwrap()], Cell::Int(1005));
    }
}
