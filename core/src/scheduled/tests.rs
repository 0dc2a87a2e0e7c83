use std::sync::Arc;

use chrono::{DateTime, Duration, Utc};

use super::*;
use crate::calendar::Calendars;
use crate::escalation::{Allowance, EscalationKind, EscalationPolicy};
use crate::event::Event;
use crate::model::*;
use crate::permission::AgentPermissions;
use crate::ports::{AgentRepository, GroupRepository, LookupRepository, NewAgent, TicketRepository};
use crate::testing::{FixedClock, MemoryStore, RecordingBus, phoned_ticket, queue};
use crate::ticket_number::TicketNumberConfig;
use crate::tickets::TicketChange;
use crate::tickets::TicketService;

/// Wednesday 2026-11-25 10:00 UTC: inside the default calendar's working hours.
fn wednesday() -> DateTime<Utc> {
    DateTime::parse_from_rfc3339("2026-11-25T10:00:00Z").unwrap().with_timezone(&Utc)
}

struct World {
    store: MemoryStore,
    clock: Arc<FixedClock>,
    bus: RecordingBus,
    service: TicketService,
    root: AgentPermissions,
}

impl World {
    async fn new() -> Self {
        let clock = Arc::new(FixedClock::at(wednesday()));
        let store = MemoryStore::with_defaults(clock.clone());
        let service = TicketService::new(store.ticket_ports(), TicketNumberConfig::default());
        let root = AgentPermissions::new(1, GroupRepository::grants_for(&store, 1).await.unwrap());
        Self { store, clock, bus: RecordingBus::default(), service, root }
    }

    fn ports(&self) -> JobPorts {
        self.store.job_ports(Arc::new(self.bus.clone()))
    }

    async fn ticket(&self, queue_id: QueueId) -> Ticket {
        self.service.create(&self.root, phoned_ticket(queue_id)).await.unwrap()
    }

    async fn change(&self, id: TicketId, change: TicketChange) -> Ticket {
        self.service.change(&self.root, id, change).await.unwrap()
    }

    async fn get(&self, id: TicketId) -> Ticket {
        TicketRepository::get(&self.store, id).await.unwrap().unwrap()
    }

    fn later(&self, minutes: i64) -> DateTime<Utc> {
        wednesday() + Duration::minutes(minutes)
    }

    async fn agent(&self, login: &str) -> UserId {
        let agent = NewAgent {
            login: login.into(),
            first_name: "A".into(),
            last_name: "B".into(),
            email: None,
            password_hash: "!".into(),
        };
        AgentRepository::create(&self.store, agent, 1).await.unwrap()
    }
}

fn reminders(events: &[Event]) -> Vec<(TicketId, UserId)> {
    events
        .iter()
        .filter_map(|e| match e {
            Event::PendingReminder { ticket, recipient, .. } => Some((ticket.id, *recipient)),
            _ => None,
        })
        .collect()
}

#[tokio::test]
async fn a_due_reminder_goes_to_the_responsible_agent_once_per_interval() {
    let w = World::new().await;
    let jane = w.agent("jane").await;
    let t = w.ticket(4).await;
    w.change(t.id, TicketChange::Responsible(jane)).await;
    w.change(t.id, TicketChange::State { state_id: 6, pending_until: Some(w.later(30)) }).await;
    let detector = PendingReminderDetector::new(w.ports(), Duration::minutes(60));

    assert_eq!(detector.run().await.unwrap(), 0, "not due yet");
    w.clock.advance(Duration::minutes(31));
    assert_eq!(detector.run().await.unwrap(), 1);
    assert_eq!(reminders(&w.bus.take()), vec![(t.id, jane)]);
    // The same interval: nothing more, however often the job runs.
    w.clock.advance(Duration::minutes(58));
    assert_eq!(detector.run().await.unwrap(), 0);
    // The next interval: reminded again.
    w.clock.advance(Duration::minutes(2));
    assert_eq!(detector.run().await.unwrap(), 1);
    // Moving the pending time on starts over; leaving the pending state ends it.
    w.change(t.id, TicketChange::PendingTime(w.clock_now() + Duration::minutes(5))).await;
    assert_eq!(detector.run().await.unwrap(), 0);
    w.clock.advance(Duration::minutes(6));
    assert_eq!(detector.run().await.unwrap(), 1);
    w.change(t.id, TicketChange::State { state_id: 4, pending_until: None }).await;
    w.clock.advance(Duration::minutes(120));
    assert_eq!(detector.run().await.unwrap(), 0);
}

impl World {
    fn clock_now(&self) -> DateTime<Utc> {
        use crate::ports::Clock;
        self.clock.now()
    }
}

#[tokio::test]
async fn two_instances_send_each_reminder_once() {
    let w = World::new().await;
    let t = w.ticket(4).await;
    w.change(t.id, TicketChange::State { state_id: 6, pending_until: Some(w.later(1)) }).await;
    w.clock.advance(Duration::minutes(2));
    let first = PendingReminderDetector::new(w.ports(), Duration::minutes(60));
    let second = PendingReminderDetector::new(w.ports(), Duration::minutes(60));
    let (a, b) = tokio::join!(first.run(), second.run());
    assert_eq!(a.unwrap() + b.unwrap(), 1);
    assert_eq!(reminders(&w.bus.events()).len(), 1);
}

#[tokio::test]
async fn the_owner_is_reminded_when_the_responsible_agent_is_invalid() {
    let w = World::new().await;
    let jane = w.agent("jane").await;
    let t = w.ticket(4).await;
    w.change(t.id, TicketChange::Responsible(jane)).await;
    w.change(t.id, TicketChange::State { state_id: 6, pending_until: Some(w.later(1)) }).await;
    AgentRepository::set_valid(&w.store, jane, false, 1).await.unwrap();
    w.clock.advance(Duration::minutes(2));
    PendingReminderDetector::new(w.ports(), Duration::minutes(60)).run().await.unwrap();
    assert_eq!(reminders(&w.bus.events()), vec![(t.id, 1)]);
}

#[tokio::test]
async fn pending_auto_close_closes_unlocks_and_records_it_once() {
    let w = World::new().await;
    let plus = w.ticket(4).await;
    let minus = w.ticket(4).await;
    let later = w.ticket(4).await;
    w.change(plus.id, TicketChange::Lock(Lock::Lock)).await;
    w.change(plus.id, TicketChange::State { state_id: 7, pending_until: Some(w.later(10)) }).await;
    w.change(minus.id, TicketChange::State { state_id: 8, pending_until: Some(w.later(10)) }).await;
    w.change(later.id, TicketChange::State { state_id: 7, pending_until: Some(w.later(100)) }).await;
    let closer = PendingAutoCloser::new(w.ports(), PendingAutoCloser::default_states());
    let other_instance = PendingAutoCloser::new(w.ports(), PendingAutoCloser::default_states());

    assert_eq!(closer.run().await.unwrap(), 0);
    w.clock.advance(Duration::minutes(11));
    let (a, b) = tokio::join!(closer.run(), other_instance.run());
    assert_eq!(a.unwrap() + b.unwrap(), 2);

    let plus = w.get(plus.id).await;
    assert_eq!((plus.state.as_str(), plus.lock, plus.until_time), ("closed successful", Lock::Unlock, 0));
    assert_eq!(w.get(minus.id).await.state, "closed unsuccessful");
    assert_eq!(w.get(later.id).await.state, "pending auto close+");
    let history = TicketRepository::history(&w.store, plus.id).await.unwrap();
    let kinds: Vec<&str> = history.iter().map(|h| h.history_type.as_str()).collect();
    assert!(kinds.ends_with(&["StateUpdate", "SetPendingTime", "Unlock"]), "{kinds:?}");
    assert_eq!(history.last().unwrap().created_by, 1);
    let updates = w.bus.events().iter().filter(|e| e.kind() == "ticket_updated").count();
    assert_eq!(updates, 2);
}

#[tokio::test]
async fn a_lock_is_released_after_the_queues_unlock_timeout_in_working_time() {
    let w = World::new().await;
    let mut q = queue("Timed", 1);
    q.unlock_timeout = 30;
    let queue_id = LookupRepository::create_queue(&w.store, q, 1).await.unwrap();
    let t = w.ticket(queue_id).await;
    w.change(t.id, TicketChange::Lock(Lock::Lock)).await;
    let releaser = LockTimeoutReleaser::new(w.ports(), Calendars::default());

    w.clock.advance(Duration::minutes(29));
    assert_eq!(releaser.run().await.unwrap(), 0);
    assert!(w.get(t.id).await.lock.is_locked());
    w.clock.advance(Duration::minutes(1));
    assert_eq!(releaser.run().await.unwrap(), 1);
    assert_eq!(w.get(t.id).await.lock, Lock::Unlock);
    let history = TicketRepository::history(&w.store, t.id).await.unwrap();
    assert_eq!(history.last().unwrap().history_type, "Unlock");
    assert_eq!(releaser.run().await.unwrap(), 0);
}

#[tokio::test]
async fn a_lock_taken_in_the_evening_outlives_the_night() {
    let w = World::new().await;
    let mut q = queue("Timed", 1);
    q.unlock_timeout = 60;
    let queue_id = LookupRepository::create_queue(&w.store, q, 1).await.unwrap();
    let t = w.ticket(queue_id).await;
    // Locked at 20:30: 30 working minutes until 21:00, the other 30 from 08:00.
    w.clock.advance(Duration::minutes(630));
    w.change(t.id, TicketChange::Lock(Lock::Lock)).await;
    let releaser = LockTimeoutReleaser::new(w.ports(), Calendars::default());
    w.clock.advance(Duration::hours(11) + Duration::minutes(59)); // Thursday 08:29
    assert_eq!(releaser.run().await.unwrap(), 0);
    w.clock.advance(Duration::minutes(1));
    assert_eq!(releaser.run().await.unwrap(), 1);
}

fn office_policy() -> EscalationPolicy {
    EscalationPolicy {
        first_response: Allowance { minutes: 60, notify_percent: 50 },
        update: Allowance { minutes: 120, notify_percent: 0 },
        solution: Allowance { minutes: 480, notify_percent: 0 },
        calendar_name: None,
    }
}

#[tokio::test]
async fn escalation_columns_follow_the_ticket_and_each_deadline_is_announced_once() {
    let w = World::new().await;
    w.store.set_queue_escalation(4, office_policy());
    let t = w.ticket(4).await;
    let indexer = EscalationIndexer::new(w.ports(), Calendars::default());
    let other_instance = EscalationIndexer::new(w.ports(), Calendars::default());

    let run = indexer.run().await.unwrap();
    assert_eq!(run, EscalationRun { rewritten: 1, announced: 0 });
    let columns = w.store.escalation_columns(t.id);
    assert_eq!(columns.response_time, w.later(60).timestamp());
    assert_eq!(columns.escalation_time, columns.response_time);
    assert_eq!(indexer.run().await.unwrap(), EscalationRun::default(), "nothing changed");

    w.clock.advance(Duration::minutes(30));
    let (a, b) = tokio::join!(indexer.run(), other_instance.run());
    assert_eq!(a.unwrap().announced + b.unwrap().announced, 1);
    assert!(matches!(w.bus.take().as_slice(), [Event::EscalationWarning { clock: EscalationKind::FirstResponse, .. }]));
    w.clock.advance(Duration::minutes(30));
    assert_eq!(indexer.run().await.unwrap().announced, 1);
    assert!(matches!(w.bus.take().as_slice(), [Event::Escalated { clock: EscalationKind::FirstResponse, .. }]));
    assert_eq!(indexer.run().await.unwrap().announced, 0);

    // An answer the customer sees stops the response clock and restarts the update clock.
    let answer = NewArticle { visible_for_customer: true, ..NewArticle::note("Re: Help", "On our way.") };
    w.service.add_article(&w.root, t.id, answer).await.unwrap();
    indexer.run().await.unwrap();
    let columns = w.store.escalation_columns(t.id);
    assert_eq!(columns.response_time, 0);
    assert_eq!(columns.update_time, w.later(60 + 120).timestamp());

    // Closing clears every column.
    w.change(t.id, TicketChange::State { state_id: 2, pending_until: None }).await;
    indexer.run().await.unwrap();
    assert_eq!(w.store.escalation_columns(t.id), Default::default());
}

#[tokio::test]
async fn an_sla_on_a_ticket_replaces_its_queues_times_until_it_is_taken_off() {
    use crate::ports::ServiceCatalog;
    let w = World::new().await;
    w.store.set_queue_escalation(4, office_policy());
    let service = Service { name: "Email".into(), valid: true, ..Default::default() };
    let service = w.store.save_service(service, None, 1).await.unwrap();
    let sla = Sla {
        name: "Gold".into(),
        first_response: Allowance { minutes: 15, notify_percent: 0 },
        service_ids: vec![service],
        valid: true,
        ..Default::default()
    };
    let sla = w.store.save_sla(sla, 1).await.unwrap();
    let t = w.ticket(4).await;
    let indexer = EscalationIndexer::new(w.ports(), Calendars::default());

    indexer.run().await.unwrap();
    assert_eq!(w.store.escalation_columns(t.id).response_time, w.later(60).timestamp(), "the queue's hour");
    w.change(t.id, TicketChange::Service(Some(service))).await;
    w.change(t.id, TicketChange::Sla(Some(sla))).await;
    indexer.run().await.unwrap();
    let columns = w.store.escalation_columns(t.id);
    assert_eq!(columns.response_time, w.later(15).timestamp(), "the SLA's quarter of an hour");
    assert_eq!((columns.update_time, columns.solution_time), (0, 0), "the SLA sets no other clock");
    assert_eq!(w.get(t.id).await.escalation, columns, "the ticket tells its deadlines");

    w.clock.advance(Duration::minutes(16));
    indexer.run().await.unwrap();
    assert!(matches!(w.bus.take().as_slice(), [Event::Escalated { clock: EscalationKind::FirstResponse, .. }]));

    w.change(t.id, TicketChange::Sla(None)).await;
    indexer.run().await.unwrap();
    assert_eq!(w.store.escalation_columns(t.id).response_time, w.later(60).timestamp(), "the queue's again");
}
