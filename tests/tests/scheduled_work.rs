//! The scheduled jobs against real databases: reminders, auto-close, unlock timeouts
//! and escalation columns, with two "instances" (separate connection pools on one
//! database) running every job at the same moment — each action happens once.

use std::sync::Arc;

use chrono::{DateTime, Duration, Utc};
use goats_core::calendar::{Calendars, WorkingCalendar};
use goats_core::event::Event;
use goats_core::model::*;
use goats_core::permission::AgentPermissions;
use goats_core::ports::*;
use goats_core::scheduled::{
    EscalationIndexer, JobPorts, LockTimeoutReleaser, PendingAutoCloser, PendingReminderDetector,
};
use goats_core::testing::{FixedClock, RecordingBus, phoned_ticket};
use goats_core::tickets::TicketChange;
use goats_sql::{Db, migrate};
use goats_tests::{Engine, TestDatabase, ticket_service};
use sea_orm::{ConnectionTrait, Statement};

fn ports(db: &Db, clock: Arc<FixedClock>, bus: &RecordingBus) -> JobPorts {
    let p = Arc::new(db.clone());
    JobPorts {
        tickets: p.clone(),
        lookups: p.clone(),
        agents: p.clone(),
        schedule: p,
        events: Arc::new(bus.clone()),
        clock,
    }
}

/// Every hour of every day, so the test does not depend on when it runs.
fn always() -> Calendars {
    let all: &[&str] = &["00:00-24:00"];
    Calendars::new(WorkingCalendar::new("UTC", [all; 7], &[]).unwrap())
}

async fn escalation_columns(db: &Db, id: TicketId) -> [i64; 4] {
    let row = db
        .connection()
        .query_one_raw(Statement::from_string(
            db.connection().get_database_backend(),
            format!(
                "SELECT escalation_time, escalation_response_time, escalation_update_time, escalation_solution_time \
                 FROM ticket WHERE id = {id}"
            ),
        ))
        .await
        .unwrap()
        .unwrap();
    // INTEGER columns: 32 bits on PostgreSQL and MariaDB, 64 on SQLite.
    let get =
        |i: usize| row.try_get_by_index::<i64>(i).or_else(|_| row.try_get_by_index::<i32>(i).map(i64::from)).unwrap();
    [get(0), get(1), get(2), get(3)]
}

async fn history_kinds(db: &Db, id: TicketId) -> Vec<String> {
    TicketRepository::history(db, id).await.unwrap().into_iter().map(|h| h.history_type).collect()
}

#[tokio::test]
async fn two_instances_act_once_on_every_engine() {
    for engine in Engine::ALL {
        let t = TestDatabase::create(engine).await;
        let (one, two) = (t.connect().await, t.connect().await);
        migrate(&one).await.unwrap();
        run_the_jobs_twice(engine, &one, &two).await;
        one.close().await;
        two.close().await;
        t.drop_database().await;
    }
}

async fn run_the_jobs_twice(engine: Engine, one: &Db, two: &Db) {
    let start: DateTime<Utc> = DateTime::from_timestamp(Utc::now().timestamp(), 0).unwrap();
    let clock = Arc::new(FixedClock::at(start));
    let s = ticket_service(one, clock.clone());
    let root = AgentPermissions::new(1, one.grants_for(1).await.unwrap());
    let mut q = goats_core::testing::queue("Timed", 1);
    q.unlock_timeout = 30;
    q.first_response_time = 60;
    q.solution_time = 600;
    let timed = one.create_queue(q, 1).await.unwrap();
    one.connection()
        .execute_unprepared(&format!("UPDATE queue SET first_response_notify = 50 WHERE id = {timed}"))
        .await
        .unwrap();

    let reminder = s.create(&root, phoned_ticket(4)).await.unwrap();
    let soon = Some(start + Duration::minutes(1));
    s.change(&root, reminder.id, TicketChange::State { state_id: 6, pending_until: soon }).await.unwrap();
    let closing = s.create(&root, phoned_ticket(4)).await.unwrap();
    s.change(&root, closing.id, TicketChange::Lock(Lock::Lock)).await.unwrap();
    s.change(&root, closing.id, TicketChange::State { state_id: 8, pending_until: soon }).await.unwrap();
    let locked = s.create(&root, phoned_ticket(timed)).await.unwrap();
    s.change(&root, locked.id, TicketChange::Lock(Lock::Lock)).await.unwrap();
    let escalating = s.create(&root, phoned_ticket(timed)).await.unwrap();

    let (bus_one, bus_two) = (RecordingBus::default(), RecordingBus::default());
    let (p1, p2) = (ports(one, clock.clone(), &bus_one), ports(two, clock.clone(), &bus_two));
    let hour = Duration::minutes(60);
    let reminders = (PendingReminderDetector::new(p1.clone(), hour), PendingReminderDetector::new(p2.clone(), hour));
    let closers = (
        PendingAutoCloser::new(p1.clone(), PendingAutoCloser::default_states()),
        PendingAutoCloser::new(p2.clone(), PendingAutoCloser::default_states()),
    );
    let releasers = (LockTimeoutReleaser::new(p1.clone(), always()), LockTimeoutReleaser::new(p2.clone(), always()));
    let indexers = (EscalationIndexer::new(p1, always()), EscalationIndexer::new(p2, always()));

    // Nothing is due yet; the escalation columns are written.
    let (a, b) = tokio::join!(reminders.0.run(), reminders.1.run());
    assert_eq!(a.unwrap() + b.unwrap(), 0, "{engine:?}");
    let (a, b) = tokio::join!(indexers.0.run(), indexers.1.run());
    let (a, b) = (a.unwrap(), b.unwrap());
    assert!(a.rewritten + b.rewritten >= 2, "{engine:?}: {a:?} {b:?}");
    let created = TicketRepository::get(one, escalating.id).await.unwrap().unwrap().created;
    let cols = escalation_columns(one, escalating.id).await;
    assert_eq!(cols[1], (created + Duration::minutes(60)).timestamp(), "{engine:?}: response");
    assert_eq!(cols[3], (created + Duration::minutes(600)).timestamp(), "{engine:?}: solution");
    assert_eq!((cols[0], cols[2]), (cols[1], 0), "{engine:?}");
    assert_eq!(escalation_columns(one, reminder.id).await, [0; 4], "{engine:?}: a queue without allowances");

    // 31 minutes on: the reminder and the auto-close are due, the lock has timed out,
    // and half the response allowance is used.
    clock.advance(Duration::minutes(31));
    let (a, b) = tokio::join!(reminders.0.run(), reminders.1.run());
    assert_eq!(a.unwrap() + b.unwrap(), 1, "{engine:?}: one reminder");
    let (a, b) = tokio::join!(closers.0.run(), closers.1.run());
    assert_eq!(a.unwrap() + b.unwrap(), 1, "{engine:?}: one close");
    let (a, b) = tokio::join!(releasers.0.run(), releasers.1.run());
    assert_eq!(a.unwrap() + b.unwrap(), 1, "{engine:?}: one unlock");
    let (a, b) = tokio::join!(indexers.0.run(), indexers.1.run());
    assert_eq!(a.unwrap().announced + b.unwrap().announced, 2, "{engine:?}: a warning on each timed ticket");

    let closed = TicketRepository::get(one, closing.id).await.unwrap().unwrap();
    assert_eq!((closed.state.as_str(), closed.lock, closed.until_time), ("closed unsuccessful", Lock::Unlock, 0));
    let kinds = history_kinds(one, closing.id).await;
    assert_eq!(kinds.iter().filter(|k| *k == "StateUpdate").count(), 2, "{engine:?}: {kinds:?}");
    assert!(kinds.ends_with(&["StateUpdate".into(), "SetPendingTime".into(), "Unlock".into()]), "{kinds:?}");
    assert_eq!(TicketRepository::get(one, locked.id).await.unwrap().unwrap().lock, Lock::Unlock);
    assert_eq!(history_kinds(one, locked.id).await.last().map(String::as_str), Some("Unlock"));

    let mut events = bus_one.events();
    events.extend(bus_two.events());
    let count = |kind: &str| events.iter().filter(|e| e.kind() == kind).count();
    assert_eq!(count("pending_reminder"), 1, "{engine:?}");
    assert_eq!(count("escalation_warning"), 2, "{engine:?}");
    assert_eq!(count("ticket_updated"), 2, "{engine:?}: the close and the unlock");
    assert!(
        events
            .iter()
            .any(|e| matches!(e, Event::PendingReminder { ticket, recipient: 1, .. } if ticket.id == reminder.id))
    );

    // Closing a timed ticket clears its columns on the next run.
    s.change(&root, escalating.id, TicketChange::State { state_id: 2, pending_until: None }).await.unwrap();
    indexers.0.run().await.unwrap();
    assert_eq!(escalation_columns(one, escalating.id).await, [0; 4], "{engine:?}");

    // Claims are forgotten after a while.
    let schedule: &dyn ScheduleStore = one;
    assert!(schedule.claim("test:once", start).await.unwrap());
    assert!(!schedule.claim("test:once", start).await.unwrap());
    assert!(schedule.forget_claims(start + Duration::days(1)).await.unwrap() >= 1);
    assert!(schedule.claim("test:once", start).await.unwrap());
}

#[tokio::test]
async fn an_sla_times_its_tickets_on_every_engine() {
    use goats_core::escalation::Allowance;
    use goats_core::ports::ServiceCatalog;
    for engine in Engine::ALL {
        let t = TestDatabase::create(engine).await;
        let db = t.connect().await;
        migrate(&db).await.unwrap();
        let start: DateTime<Utc> = DateTime::from_timestamp(Utc::now().timestamp(), 0).unwrap();
        let clock = Arc::new(FixedClock::at(start));
        let s = ticket_service(&db, clock.clone());
        let root = AgentPermissions::new(1, db.grants_for(1).await.unwrap());
        let service = Service { name: "Email".into(), valid: true, ..Default::default() };
        let service = db.save_service(service, Some(ServiceAudience::every_customer()), 1).await.unwrap();
        let sla = Sla {
            name: "Gold".into(),
            first_response: Allowance { minutes: 15, notify_percent: 0 },
            solution: Allowance { minutes: 120, notify_percent: 50 },
            service_ids: vec![service],
            valid: true,
            ..Default::default()
        };
        let sla = db.save_sla(sla, 1).await.unwrap();
        // Queue 4 has no times of its own: only the SLA's can make it escalate.
        let ticket = s.create(&root, phoned_ticket(4)).await.unwrap();
        let set = vec![TicketChange::Service(Some(service)), TicketChange::Sla(Some(sla))];
        s.change_all(&root, ticket.id, set, goats_core::tickets::Precondition::None).await.unwrap();
        let bus = RecordingBus::default();
        EscalationIndexer::new(ports(&db, clock.clone(), &bus), always()).run().await.unwrap();
        let cols = escalation_columns(&db, ticket.id).await;
        let created = ticket.created;
        assert_eq!(cols[1], (created + Duration::minutes(15)).timestamp(), "{engine:?}: response");
        assert_eq!(cols[3], (created + Duration::minutes(120)).timestamp(), "{engine:?}: solution");
        let read = TicketRepository::get(&db, ticket.id).await.unwrap().unwrap();
        assert_eq!((read.service.as_deref(), read.sla.as_deref()), (Some("Email"), Some("Gold")), "{engine:?}");
        assert_eq!([read.escalation.escalation_time, read.escalation.response_time], [cols[0], cols[1]]);
        db.close().await;
        t.drop_database().await;
    }
}
