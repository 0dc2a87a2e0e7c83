//! Escalation: when a ticket must be answered, updated and solved, as OTRS computes it
//! into the four `escalation_*` columns of `ticket`.
//!
//! The times come from the ticket's SLA, or else its queue, in working minutes of a
//! calendar. Finished tickets (closed, merged, removed) do not escalate.
//! - response: created + first-response time, until the first agent article the
//!   customer can see;
//! - update: the last contact + update time, not while the ticket is pending, where the
//!   last contact is the newest agent article the customer saw or, when the customer
//!   wrote since, the first of the customer's articles still unanswered;
//! - solution: created + solution time, until the ticket is closed for the first time;
//! - `escalation_time` is the earliest of the three that are set.

use chrono::{DateTime, Utc};

use crate::calendar::WorkingCalendar;
use crate::model::{SenderType, StateType, TicketId};
use crate::state_rules;

/// One of the three escalation clocks.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize, serde::Deserialize, strum::IntoStaticStr,
)]
#[serde(rename_all = "snake_case")]
#[strum(serialize_all = "snake_case")]
pub enum EscalationKind {
    FirstResponse,
    Update,
    Solution,
}

impl EscalationKind {
    /// `first_response`, `update`, `solution`: as events and claims name the clock.
    pub fn key(self) -> &'static str {
        self.into()
    }
}

/// One clock's allowance: working minutes (0 = this clock is off) and the share of
/// them, in percent, after which a warning goes out (0 = no warning).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Allowance {
    pub minutes: i32,
    pub notify_percent: i32,
}

/// The allowances of a queue or SLA and the calendar they are counted in.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct EscalationPolicy {
    pub first_response: Allowance,
    pub update: Allowance,
    pub solution: Allowance,
    pub calendar_name: Option<String>,
}

impl EscalationPolicy {
    pub fn is_off(&self) -> bool {
        self.first_response.minutes <= 0 && self.update.minutes <= 0 && self.solution.minutes <= 0
    }
}

/// An article as escalation sees it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Contact {
    pub sender: SenderType,
    pub visible_for_customer: bool,
    pub created: DateTime<Utc>,
}

/// What escalation needs to know about one ticket.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EscalationFacts {
    pub ticket_id: TicketId,
    pub state_type: StateType,
    pub created: DateTime<Utc>,
    pub policy: EscalationPolicy,
    /// The ticket's articles, oldest first.
    pub contacts: Vec<Contact>,
    /// Whether the ticket has been in a closed state before.
    pub was_closed: bool,
    /// What the ticket's columns hold now, so unchanged ones are not rewritten.
    pub stored: EscalationColumns,
}

/// One running clock: when it escalates and when it warns.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Deadline {
    pub kind: EscalationKind,
    /// The start the working time is counted from.
    pub started: DateTime<Utc>,
    pub due: DateTime<Utc>,
    pub warn_at: Option<DateTime<Utc>>,
}

/// A ticket's running clocks.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Escalation {
    pub deadlines: Vec<Deadline>,
}

/// The four `ticket` columns as Unix epochs, 0 where unset.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize)]
pub struct EscalationColumns {
    pub escalation_time: i64,
    pub response_time: i64,
    pub update_time: i64,
    pub solution_time: i64,
}

impl Escalation {
    pub fn deadline(&self, kind: EscalationKind) -> Option<&Deadline> {
        self.deadlines.iter().find(|d| d.kind == kind)
    }

    pub fn columns(&self) -> EscalationColumns {
        let epoch = |k| self.deadline(k).map_or(0, |d| d.due.timestamp());
        EscalationColumns {
            escalation_time: self.deadlines.iter().map(|d| d.due.timestamp()).min().unwrap_or(0),
            response_time: epoch(EscalationKind::FirstResponse),
            update_time: epoch(EscalationKind::Update),
            solution_time: epoch(EscalationKind::Solution),
        }
    }
}

/// The clocks running on a ticket, counted in `calendar`.
pub fn compute(facts: &EscalationFacts, calendar: &WorkingCalendar) -> Escalation {
    if state_rules::is_finished(facts.state_type) {
        return Escalation::default();
    }
    let policy = &facts.policy;
    let mut deadlines = Vec::new();
    let mut clock = |kind, started, allowance: Allowance| {
        if allowance.minutes <= 0 {
            return;
        }
        let Some(due) = calendar.add_working_minutes(started, allowance.minutes.into()) else { return };
        let warn_at = (allowance.notify_percent > 0 && allowance.notify_percent < 100)
            .then(|| {
                let share = i64::from(allowance.minutes) * i64::from(allowance.notify_percent) * 60 / 100;
                add_working_seconds(calendar, started, share)
            })
            .flatten();
        deadlines.push(Deadline { kind, started, due, warn_at });
    };
    let answered = facts.contacts.iter().any(|c| c.sender == SenderType::Agent && c.visible_for_customer);
    if !answered {
        clock(EscalationKind::FirstResponse, facts.created, policy.first_response);
    }
    if !state_rules::is_pending(facts.state_type) {
        clock(EscalationKind::Update, last_contact(facts), policy.update);
    }
    if !facts.was_closed {
        clock(EscalationKind::Solution, facts.created, policy.solution);
    }
    Escalation { deadlines }
}

/// Working seconds are added as whole minutes plus the rest; `add_working_minutes`
/// only counts minutes, and warnings at a percentage rarely fall on a whole one.
fn add_working_seconds(calendar: &WorkingCalendar, start: DateTime<Utc>, seconds: i64) -> Option<DateTime<Utc>> {
    let whole = calendar.add_working_minutes(start, seconds / 60)?;
    let rest = seconds % 60;
    if rest == 0 {
        return Some(whole);
    }
    // The remaining seconds fall in the minute after `whole` unless that minute is not
    // worked, in which case they start at the next working minute.
    let next = calendar.add_working_minutes(whole, 1)?;
    Some(next - chrono::Duration::seconds(60 - rest))
}

/// Where the update clock starts: walking back from the newest article the customer
/// can see, the newest agent article, or the oldest of a run of customer articles
/// written since; with no such article, the newest article, or the ticket's creation.
fn last_contact(facts: &EscalationFacts) -> DateTime<Utc> {
    let mut since = facts.contacts.last().map_or(facts.created, |c| c.created);
    let mut customer_waiting = false;
    for c in facts.contacts.iter().rev() {
        if !c.visible_for_customer {
            continue;
        }
        match c.sender {
            SenderType::Agent if customer_waiting => break,
            SenderType::Agent => {
                since = c.created;
                break;
            }
            SenderType::Customer => {
                customer_waiting = true;
                since = c.created;
            }
            SenderType::System => {}
        }
    }
    since
}

/// Where a deadline stands at `now`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DeadlineStatus {
    Running,
    /// The warning share of the allowance is used up.
    Warning,
    Escalated,
}

impl Deadline {
    pub fn status(&self, now: DateTime<Utc>) -> DeadlineStatus {
        if now >= self.due {
            DeadlineStatus::Escalated
        } else if self.warn_at.is_some_and(|w| now >= w) {
            DeadlineStatus::Warning
        } else {
            DeadlineStatus::Running
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn utc(s: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc)
    }

    fn policy(response: i32, update: i32, solution: i32) -> EscalationPolicy {
        let a = |minutes| Allowance { minutes, notify_percent: 80 };
        EscalationPolicy { first_response: a(response), update: a(update), solution: a(solution), calendar_name: None }
    }

    fn contact(sender: SenderType, visible: bool, at: &str) -> Contact {
        Contact { sender, visible_for_customer: visible, created: utc(at) }
    }

    /// A ticket opened by a customer on Wednesday 2026-11-25 at 10:00 UTC.
    fn facts(state_type: StateType, contacts: Vec<Contact>) -> EscalationFacts {
        EscalationFacts {
            ticket_id: 1,
            state_type,
            created: utc("2026-11-25T10:00:00Z"),
            policy: policy(60, 120, 480),
            contacts,
            was_closed: false,
            stored: EscalationColumns::default(),
        }
    }

    fn opened() -> Vec<Contact> {
        vec![contact(SenderType::Customer, true, "2026-11-25T10:00:00Z")]
    }

    #[test]
    fn a_new_ticket_runs_all_three_clocks_and_the_earliest_is_the_escalation_time() {
        let e = compute(&facts(StateType::New, opened()), &WorkingCalendar::otrs_default());
        let c = e.columns();
        assert_eq!(c.response_time, utc("2026-11-25T11:00:00Z").timestamp());
        assert_eq!(c.update_time, utc("2026-11-25T12:00:00Z").timestamp());
        assert_eq!(c.solution_time, utc("2026-11-25T18:00:00Z").timestamp());
        assert_eq!(c.escalation_time, c.response_time);
        // 80 % of an hour: 48 minutes in.
        let r = e.deadline(EscalationKind::FirstResponse).unwrap();
        assert_eq!(r.warn_at, Some(utc("2026-11-25T10:48:00Z")));
        assert_eq!(r.status(utc("2026-11-25T10:47:59Z")), DeadlineStatus::Running);
        assert_eq!(r.status(utc("2026-11-25T10:48:00Z")), DeadlineStatus::Warning);
        assert_eq!(r.status(utc("2026-11-25T11:00:00Z")), DeadlineStatus::Escalated);
    }

    #[test]
    fn an_internal_note_is_no_response_but_a_visible_agent_article_is() {
        let cal = WorkingCalendar::otrs_default();
        let mut contacts = opened();
        contacts.push(contact(SenderType::Agent, false, "2026-11-25T10:20:00Z"));
        let e = compute(&facts(StateType::Open, contacts.clone()), &cal);
        assert!(e.deadline(EscalationKind::FirstResponse).is_some());
        contacts.push(contact(SenderType::Agent, true, "2026-11-25T10:30:00Z"));
        let e = compute(&facts(StateType::Open, contacts), &cal);
        assert_eq!(e.deadline(EscalationKind::FirstResponse), None);
        // The update clock now starts at the answer.
        assert_eq!(e.columns().update_time, utc("2026-11-25T12:30:00Z").timestamp());
        assert_eq!(e.columns().escalation_time, e.columns().update_time);
    }

    #[test]
    fn the_update_clock_starts_at_the_first_unanswered_customer_article() {
        let cal = WorkingCalendar::otrs_default();
        let contacts = vec![
            contact(SenderType::Customer, true, "2026-11-25T10:00:00Z"),
            contact(SenderType::Agent, true, "2026-11-25T10:30:00Z"),
            contact(SenderType::Customer, true, "2026-11-25T11:00:00Z"),
            contact(SenderType::Agent, false, "2026-11-25T11:10:00Z"),
            contact(SenderType::Customer, true, "2026-11-25T11:30:00Z"),
        ];
        let e = compute(&facts(StateType::Open, contacts), &cal);
        assert_eq!(e.deadline(EscalationKind::Update).unwrap().started, utc("2026-11-25T11:00:00Z"));
    }

    #[test]
    fn pending_tickets_have_no_update_clock() {
        let e = compute(&facts(StateType::PendingReminder, opened()), &WorkingCalendar::otrs_default());
        assert_eq!(e.deadline(EscalationKind::Update), None);
        assert!(e.deadline(EscalationKind::Solution).is_some());
    }

    #[test]
    fn finished_tickets_do_not_escalate_and_a_reopened_one_has_no_solution_clock() {
        let cal = WorkingCalendar::otrs_default();
        for t in [StateType::Closed, StateType::Merged, StateType::Removed] {
            assert_eq!(compute(&facts(t, opened()), &cal).columns(), EscalationColumns::default());
        }
        let mut reopened = facts(StateType::Open, opened());
        reopened.was_closed = true;
        let e = compute(&reopened, &cal);
        assert_eq!(e.deadline(EscalationKind::Solution), None);
        assert!(e.deadline(EscalationKind::Update).is_some());
    }

    #[test]
    fn clocks_without_an_allowance_are_off() {
        let mut f = facts(StateType::New, opened());
        f.policy = policy(0, 0, 0);
        assert!(f.policy.is_off());
        assert_eq!(compute(&f, &WorkingCalendar::otrs_default()), Escalation::default());
        f.policy = policy(0, 0, 30);
        let c = compute(&f, &WorkingCalendar::otrs_default()).columns();
        assert_eq!((c.response_time, c.update_time), (0, 0));
        assert_eq!(c.escalation_time, c.solution_time);
    }

    #[test]
    fn a_ticket_opened_on_friday_evening_escalates_on_monday() {
        let mut f = facts(StateType::New, vec![]);
        f.created = utc("2026-11-27T20:30:00Z");
        let e = compute(&f, &WorkingCalendar::otrs_default());
        // 30 minutes on Friday, 30 from Monday 08:00.
        assert_eq!(e.columns().response_time, utc("2026-11-30T08:30:00Z").timestamp());
        // The warning at 48 minutes falls on Monday at 08:18.
        assert_eq!(e.deadline(EscalationKind::FirstResponse).unwrap().warn_at, Some(utc("2026-11-30T08:18:00Z")));
    }

    #[test]
    fn warnings_at_shares_that_are_not_whole_minutes() {
        let mut f = facts(StateType::New, vec![]);
        f.policy.first_response = Allowance { minutes: 1, notify_percent: 50 };
        let e = compute(&f, &WorkingCalendar::otrs_default());
        assert_eq!(e.deadline(EscalationKind::FirstResponse).unwrap().warn_at, Some(utc("2026-11-25T10:00:30Z")));
    }
}
