//! `ticket_history` rows as OTRS writes them: a type and a `%%`-separated `name`.

use chrono::{DateTime, Utc};

use crate::model::{ArticleId, PriorityId, QueueId, StateId, TicketId, TypeId, UserId};

/// The history types goats writes, with their ids and names from OTRS's default data
/// (`ticket_history_type`): the names are the variants' own.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    strum::IntoStaticStr,
    strum::EnumString,
    strum::VariantArray,
    serde::Serialize,
    serde::Deserialize,
)]
pub enum HistoryType {
    NewTicket = 1,
    FollowUp = 2,
    SendAutoReject = 3,
    SendAutoReply = 4,
    SendAutoFollowUp = 5,
    SendAnswer = 8,
    SendAgentNotification = 9,
    EmailAgent = 11,
    EmailCustomer = 12,
    PhoneCallAgent = 13,
    PhoneCallCustomer = 14,
    AddNote = 15,
    Move = 16,
    TimeAccounting = 20,
    WebRequestCustomer = 29,
    TicketLinkAdd = 30,
    TicketLinkDelete = 31,
    Lock = 17,
    Unlock = 18,
    CustomerUpdate = 21,
    PriorityUpdate = 22,
    OwnerUpdate = 23,
    SetPendingTime = 26,
    StateUpdate = 27,
    TicketDynamicFieldUpdate = 28,
    Merged = 33,
    ResponsibleUpdate = 34,
    Subscribe = 35,
    Unsubscribe = 36,
    TypeUpdate = 37,
    ServiceUpdate = 38,
    SLAUpdate = 39,
    TitleUpdate = 50,
}

impl HistoryType {
    pub fn id(self) -> i32 {
        self as i32
    }

    /// The name OTRS gives this type (`ticket_history_type.name`), e.g. `StateUpdate`.
    pub fn name(self) -> &'static str {
        self.into()
    }
}

/// A history entry before it is stored: the ticket snapshot columns are filled by the
/// repository from the ticket as it is after the change.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HistoryEntry {
    pub history_type: HistoryType,
    pub name: String,
    pub article_id: Option<ArticleId>,
}

impl HistoryEntry {
    pub fn new(history_type: HistoryType, name: impl Into<String>) -> Self {
        Self { history_type, name: name.into(), article_id: None }
    }

    /// The TimeAccounting row for `units` more, bringing the ticket to `total`. The
    /// repository writes it, as only it sees the total in the transaction that adds
    /// the units.
    pub fn time_accounting(units: f64, total: f64, article_id: Option<ArticleId>) -> Self {
        Self { article_id, ..Self::new(HistoryType::TimeAccounting, names::time_accounting(units, total)) }
    }
}

/// What a change did, as events and webhooks name it (`TicketUpdated`'s `change`): the
/// OTRS history types of its rows, comma-separated (`StateUpdate,Unlock`). OTRS documents
/// these names and never renames them.
pub fn change_names(entries: &[HistoryEntry]) -> String {
    entries.iter().map(|h| h.history_type.name()).collect::<Vec<_>>().join(",")
}

/// A stored history row, as read back.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct HistoryRecord {
    pub id: i64,
    pub ticket_id: TicketId,
    pub article_id: Option<ArticleId>,
    pub history_type: String,
    pub name: String,
    pub queue_id: QueueId,
    pub owner_id: UserId,
    pub priority_id: PriorityId,
    pub state_id: StateId,
    pub type_id: TypeId,
    pub created: DateTime<Utc>,
    pub created_by: UserId,
}

/// OTRS's `name` formats, one constructor per history type.
pub mod names {
    use chrono::{DateTime, Utc};

    /// `%%<tn>%%<queue>%%<priority>%%<state>%%<ticket id>`
    pub fn new_ticket(tn: &str, queue: &str, priority: &str, state: &str, ticket_id: i64) -> String {
        format!("%%{tn}%%{queue}%%{priority}%%{state}%%{ticket_id}")
    }
    /// `%%<old state>%%<new state>%%`
    pub fn state_update(old: &str, new: &str) -> String {
        format!("%%{old}%%{new}%%")
    }
    /// `%%<new queue>%%<new id>%%<old queue>%%<old id>`
    pub fn moved(new: &str, new_id: i32, old: &str, old_id: i32) -> String {
        format!("%%{new}%%{new_id}%%{old}%%{old_id}")
    }
    /// `%%<old>%%<old id>%%<new>%%<new id>`
    pub fn priority_update(old: &str, old_id: i32, new: &str, new_id: i32) -> String {
        format!("%%{old}%%{old_id}%%{new}%%{new_id}")
    }
    /// `%%<login>%%<user id>` (owner and responsible alike)
    pub fn person(login: &str, user_id: i32) -> String {
        format!("%%{login}%%{user_id}")
    }
    pub fn lock(locked: bool) -> String {
        if locked { "%%lock".into() } else { "%%unlock".into() }
    }
    /// `%%YYYY-MM-DD HH:MM`, or `%%00-00-00 00:00` when the pending time is removed.
    pub fn pending_time(until: Option<DateTime<Utc>>) -> String {
        match until {
            Some(t) => format!("%%{}", t.format("%Y-%m-%d %H:%M")),
            None => "%%00-00-00 00:00".into(),
        }
    }
    /// `%%<old title>%%<new title>`, each cut to 50 characters plus `...` as OTRS does.
    pub fn title_update(old: &str, new: &str) -> String {
        format!("%%{}%%{}", cut(old), cut(new))
    }
    /// `%%CustomerID=<id>;CustomerUser=<login>;`
    pub fn customer_update(customer_id: &str, customer_user: &str) -> String {
        format!("%%CustomerID={customer_id};CustomerUser={customer_user};")
    }
    /// `%%<merged tn>%%<merged id>%%<main tn>%%<main id>`
    pub fn merged(source_tn: &str, source_id: i64, target_tn: &str, target_id: i64) -> String {
        format!("%%{source_tn}%%{source_id}%%{target_tn}%%{target_id}")
    }
    /// `%%<other number>%%<other id>%%<this id>` for TicketLinkAdd and TicketLinkDelete.
    pub fn link(other_tn: &str, other_id: i64, this_id: i64) -> String {
        format!("%%{other_tn}%%{other_id}%%{this_id}")
    }
    /// `%%<first> <last> (<login>)` for Subscribe and Unsubscribe.
    pub fn watcher(first_name: &str, last_name: &str, login: &str) -> String {
        format!("%%{first_name} {last_name} ({login})")
    }
    /// `%%<units now>%%<total accounted>`
    pub fn time_accounting(units: f64, total: f64) -> String {
        format!("%%{}%%{}", number(units), number(total))
    }
    /// `%%FieldName%%<name>%%Value%%<new>%%OldValue%%<old>`, several values joined
    /// with commas.
    pub fn dynamic_field(name: &str, value: &str, old: &str) -> String {
        format!("%%FieldName%%{name}%%Value%%{value}%%OldValue%%{old}")
    }
    /// `%%<new type>%%<new id>%%<old type>%%<old id>`
    pub fn type_update(new: &str, new_id: i32, old: &str, old_id: i32) -> String {
        format!("%%{new}%%{new_id}%%{old}%%{old_id}")
    }
    /// `%%<new>%%<new id>%%<old>%%<old id>` of a service or SLA, `NULL` and an empty id
    /// standing for none.
    pub fn service_or_sla_update(new: Option<(&str, i32)>, old: Option<(&str, i32)>) -> String {
        let part = |v: Option<(&str, i32)>| {
            v.map_or(("NULL".to_string(), String::new()), |(n, id)| (n.to_string(), id.to_string()))
        };
        let ((new, new_id), (old, old_id)) = (part(new), part(old));
        format!("%%{new}%%{new_id}%%{old}%%{old_id}")
    }
    /// Article history carries a short comment: `%%Note` for notes, `%%` otherwise.
    pub fn article(is_note: bool) -> String {
        if is_note { "%%Note".into() } else { "%%".into() }
    }

    /// 1.5 → "1.5", 2.0 → "2": how OTRS prints accounted time.
    fn number(v: f64) -> String {
        let s = format!("{v:.2}");
        s.trim_end_matches('0').trim_end_matches('.').to_string()
    }

    fn cut(s: &str) -> String {
        if s.chars().count() > 50 { format!("{}...", s.chars().take(50).collect::<String>()) } else { s.to_string() }
    }

    #[cfg(test)]
    mod tests {
        use super::*;

        #[test]
        fn formats() {
            assert_eq!(state_update("new", "open"), "%%new%%open%%");
            assert_eq!(moved("Misc", 4, "Raw", 2), "%%Misc%%4%%Raw%%2");
            assert_eq!(pending_time(None), "%%00-00-00 00:00");
            let t = DateTime::from_timestamp(1_700_000_000, 0).unwrap();
            assert_eq!(pending_time(Some(t)), "%%2023-11-14 22:13");
            let long = "x".repeat(60);
            assert_eq!(title_update("a", &long), format!("%%a%%{}...", "x".repeat(50)));
            assert_eq!(time_accounting(1.5, 4.0), "%%1.5%%4");
            assert_eq!(watcher("Ada", "Lovelace", "ada"), "%%Ada Lovelace (ada)");
        }
    }
}
