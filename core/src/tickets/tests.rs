use std::sync::Arc;

use chrono::{DateTime, Duration, Utc};

use super::*;
use crate::permission::{AgentPermissions, Permission};
use crate::testing::{FixedClock, MemoryStore};
use crate::ticket_number::has_valid_checksum;

fn now() -> DateTime<Utc> {
    DateTime::from_timestamp(1_717_243_200, 0).unwrap() // 2024-06-01 12:00 UTC
}

struct World {
    store: MemoryStore,
    clock: Arc<FixedClock>,
    service: TicketService,
    root: AgentPermissions,
}

async fn world() -> World {
    let clock = Arc::new(FixedClock::at(now()));
    let store = MemoryStore::with_defaults(clock.clone());
    let service = TicketService::new(store.ticket_ports(), TicketNumberConfig::default());
    let root = AgentPermissions::new(1, GroupRepository::grants_for(&store, 1).await.unwrap());
    World { store, clock, service, root }
}

fn new_ticket(queue_id: QueueId) -> NewTicket {
    NewTicket {
        title: "Printer on fire".into(),
        queue_id,
        state_id: 1,
        priority_id: 3,
        type_id: None,
        service_id: None,
        sla_id: None,
        owner_id: 1,
        responsible_id: None,
        customer_id: Some("ACME".into()),
        customer_user_id: Some("jane".into()),
        pending_until: None,
        article: NewArticle::note("First", "It is on fire."),
    }
}

async fn agent(w: &World, login: &str, grants: &[(GroupId, Permission)]) -> AgentPermissions {
    let id = AgentRepository::create(
        &w.store,
        NewAgent {
            login: login.into(),
            first_name: "A".into(),
            last_name: "B".into(),
            email: None,
            password_hash: "!".into(),
        },
        1,
    )
    .await
    .unwrap();
    for (g, p) in grants {
        w.store.grant_user(id, *g, *p, 1).await.unwrap();
    }
    AgentPermissions::new(id, w.store.grants_for(id).await.unwrap())
}

#[tokio::test]
async fn creating_a_ticket_numbers_it_and_writes_otrs_history() {
    let w = world().await;
    let t = w.service.create(&w.root, new_ticket(2)).await.unwrap();
    assert_eq!(t.number, "2024060110000012");
    assert!(has_valid_checksum(&t.number));
    assert_eq!((t.queue.as_str(), t.state.as_str(), t.lock), ("Raw", "new", Lock::Unlock));
    let h = w.service.history(&w.root, t.id).await.unwrap();
    let kinds: Vec<&str> = h.iter().map(|h| h.history_type.as_str()).collect();
    assert_eq!(kinds, ["NewTicket", "CustomerUpdate", "AddNote"]);
    assert_eq!(h[0].name, format!("%%{}%%Raw%%3 normal%%new%%{}", t.number, t.id));
    assert_eq!(h[2].article_id, Some(1));

    let second = w.service.create(&w.root, new_ticket(2)).await.unwrap();
    assert_eq!(second.number, "2024060110000021");
    w.clock.advance(Duration::days(1));
    let next_day = w.service.create(&w.root, new_ticket(2)).await.unwrap();
    assert_eq!(next_day.number, "2024060210000011", "date-based counters restart daily");
}

#[tokio::test]
async fn setting_pending_needs_a_future_time_and_records_it() {
    let w = world().await;
    let t = w.service.create(&w.root, new_ticket(2)).await.unwrap();
    let err =
        w.service.change(&w.root, t.id, TicketChange::State { state_id: 6, pending_until: None }).await.unwrap_err();
    assert!(matches!(err, DomainError::Invalid { field: "pending_until", .. }));
    let until = now() + Duration::hours(3);
    let t =
        w.service.change(&w.root, t.id, TicketChange::State { state_id: 6, pending_until: Some(until) }).await.unwrap();
    assert_eq!((t.state_type, t.until_time), (StateType::PendingReminder, until.timestamp()));
    let h = w.service.history(&w.root, t.id).await.unwrap();
    assert_eq!(h[h.len() - 2].name, "%%new%%pending reminder%%");
    assert_eq!(h.last().unwrap().name, "%%2024-06-01 15:00");
}

#[tokio::test]
async fn closing_unlocks_and_an_unchanged_value_writes_nothing() {
    let w = world().await;
    let t = w.service.create(&w.root, new_ticket(2)).await.unwrap();
    w.service.change(&w.root, t.id, TicketChange::Lock(Lock::Lock)).await.unwrap();
    let before = w.service.history(&w.root, t.id).await.unwrap().len();
    w.service.change(&w.root, t.id, TicketChange::Lock(Lock::Lock)).await.unwrap();
    assert_eq!(w.service.history(&w.root, t.id).await.unwrap().len(), before);
    let t = w.service.change(&w.root, t.id, TicketChange::State { state_id: 2, pending_until: None }).await.unwrap();
    assert_eq!(t.lock, Lock::Unlock);
    let kinds: Vec<String> =
        w.service.history(&w.root, t.id).await.unwrap().into_iter().map(|h| h.history_type).collect();
    assert_eq!(&kinds[kinds.len() - 2..], ["StateUpdate", "Unlock"]);
}

#[tokio::test]
async fn permissions_decide_what_an_agent_sees_and_may_do() {
    let w = world().await;
    let team = w.store.create_group("support", None, 1).await.unwrap();
    let q = w.store.create_queue(crate::testing::queue("Support", team), 1).await.unwrap();
    w.store.grant_user(1, team, Permission::Rw, 1).await.unwrap();
    let root = AgentPermissions::new(1, w.store.grants_for(1).await.unwrap());
    let t = w.service.create(&root, new_ticket(q)).await.unwrap();

    let outsider = agent(&w, "outsider", &[(1, Permission::Rw)]).await;
    assert!(matches!(w.service.get(&outsider, t.id, false).await, Err(DomainError::NotFound { .. })));
    let listed = w
        .service
        .list(&outsider, TicketFilter::default(), TicketSort::default(), PageRequest::default())
        .await
        .unwrap();
    assert_eq!(listed.total, 0);

    let reader = agent(&w, "reader", &[(team, Permission::Ro)]).await;
    assert_eq!(w.service.get(&reader, t.id, true).await.unwrap().articles.unwrap().len(), 1);
    assert!(matches!(
        w.service.add_article(&reader, t.id, NewArticle::note("x", "y")).await,
        Err(DomainError::PermissionDenied(_))
    ));
    assert!(matches!(
        w.service.change(&reader, t.id, TicketChange::Priority(5)).await,
        Err(DomainError::PermissionDenied(_))
    ));

    let noter = agent(&w, "noter", &[(team, Permission::Note), (team, Permission::Ro)]).await;
    w.service.add_article(&noter, t.id, NewArticle::note("x", "y")).await.unwrap();

    // Moving needs move_into on the target queue's group.
    assert!(matches!(
        w.service.change(&reader, t.id, TicketChange::Queue(2)).await,
        Err(DomainError::PermissionDenied(_))
    ));
    let mover = agent(&w, "mover", &[(team, Permission::Ro), (1, Permission::MoveInto)]).await;
    let moved = w.service.change(&mover, t.id, TicketChange::Queue(2)).await.unwrap();
    assert_eq!(moved.queue, "Raw");

    // A watcher reaches a ticket outside their groups.
    w.store.add_watcher(t.id, outsider.user_id);
    assert!(w.service.get(&outsider, t.id, false).await.is_ok());
}

/// A route's guard judges the ticket once and hands the verdict on: the operations of
/// that request answer from it while the ticket's deciding facts are unchanged, and
/// evaluate the rule again once they are not.
#[tokio::test]
async fn a_verdict_is_reused_for_the_ticket_it_was_made_on() {
    let w = world().await;
    let team = w.store.create_group("team", None, 1).await.unwrap();
    let q = w.store.create_queue(crate::testing::queue("Support", team), 1).await.unwrap();
    w.store.grant_user(1, team, Permission::Rw, 1).await.unwrap();
    let root = AgentPermissions::new(1, w.store.grants_for(1).await.unwrap());
    let t = w.service.create(&root, new_ticket(q)).await.unwrap();
    let outsider = agent(&w, "outsider", &[(1, Permission::Rw)]).await;

    let verdict = w.service.abilities_on(&outsider, t.id).await.unwrap().unwrap();
    assert!(verdict.abilities().is_empty());
    let judged = outsider.clone().with_verdict(verdict);
    // Watching would now let the outsider in, but the request was judged before: the
    // verdict answers, so the rule is not evaluated a second time.
    w.store.add_watcher(t.id, outsider.user_id);
    assert!(matches!(w.service.get(&judged, t.id, false).await, Err(DomainError::NotFound { .. })));
    assert!(matches!(
        w.service.add_article(&judged, t.id, NewArticle::note("x", "y")).await,
        Err(DomainError::NotFound { .. })
    ));
    assert!(w.service.get(&outsider, t.id, false).await.is_ok());

    // Once the ticket is elsewhere the verdict no longer speaks for it.
    w.service.change(&root, t.id, TicketChange::Queue(2)).await.unwrap();
    assert!(w.service.get(&judged, t.id, false).await.is_ok());
    assert!(w.service.abilities_on(&outsider, 999).await.unwrap().is_none());
}

#[tokio::test]
async fn role_grants_count_like_direct_ones() {
    let w = world().await;
    let a = agent(&w, "via-role", &[]).await;
    let role = w.store.create_role("first level", None, 1).await.unwrap();
    w.store.grant_role(role, 1, Permission::Create, 1).await.unwrap();
    w.store.add_user_to_role(a.user_id, role, 1).await.unwrap();
    let a = AgentPermissions::new(a.user_id, w.store.grants_for(a.user_id).await.unwrap());
    assert!(w.service.create(&a, new_ticket(2)).await.is_ok());
}

#[tokio::test]
async fn bad_input_is_refused_with_the_field_named() {
    let w = world().await;
    let mut n = new_ticket(2);
    n.title = "  ".into();
    assert!(matches!(w.service.create(&w.root, n).await, Err(DomainError::Invalid { field: "title", .. })));
    assert!(matches!(
        w.service.create(&w.root, new_ticket(99)).await,
        Err(DomainError::NotFound { kind: "queue", .. })
    ));
    let mut n = new_ticket(2);
    n.state_id = 9;
    assert!(matches!(w.service.create(&w.root, n).await, Err(DomainError::Invalid { field: "state", .. })));
}

#[tokio::test]
async fn links_are_seen_from_both_tickets_with_history_on_each() {
    let w = world().await;
    let a = w.service.create(&w.root, new_ticket(2)).await.unwrap();
    let b = w.service.create(&w.root, new_ticket(2)).await.unwrap();
    let c = w.service.create(&w.root, new_ticket(2)).await.unwrap();
    assert!(w.service.link(&w.root, a.id, b.id, LinkKind::Normal).await.unwrap());
    // A normal link has no direction: linking back changes nothing.
    assert!(!w.service.link(&w.root, b.id, a.id, LinkKind::Normal).await.unwrap());
    assert!(w.service.link(&w.root, c.id, a.id, LinkKind::ChildOf).await.unwrap());
    let kinds = |l: Vec<LinkedTicket>| l.into_iter().map(|l| (l.ticket.id, l.kind)).collect::<Vec<_>>();
    assert_eq!(
        kinds(w.service.links(&w.root, a.id).await.unwrap()),
        vec![(b.id, LinkKind::Normal), (c.id, LinkKind::ParentOf)]
    );
    assert_eq!(kinds(w.service.links(&w.root, c.id).await.unwrap()), vec![(a.id, LinkKind::ChildOf)]);
    let history = w.service.history(&w.root, b.id).await.unwrap();
    let last = history.last().unwrap();
    assert_eq!(
        (last.history_type.as_str(), last.name.clone()),
        ("TicketLinkAdd", format!("%%{}%%{}%%{}", a.number, a.id, b.id))
    );

    assert!(w.service.unlink(&w.root, b.id, a.id, LinkKind::Normal).await.unwrap());
    assert!(!w.service.unlink(&w.root, b.id, a.id, LinkKind::Normal).await.unwrap());
    assert_eq!(w.service.history(&w.root, a.id).await.unwrap().last().unwrap().history_type, "TicketLinkDelete");
    assert!(matches!(w.service.link(&w.root, a.id, a.id, LinkKind::Normal).await, Err(DomainError::Invalid { .. })));
}

#[tokio::test]
async fn links_need_rw_here_and_never_reveal_unreadable_tickets() {
    let w = world().await;
    let visible = w.service.create(&w.root, new_ticket(2)).await.unwrap();
    let secret_queue = w.store.create_queue(crate::testing::queue("Secret", 2), 1).await.unwrap();
    let secret = w.service.create(&w.root, new_ticket(secret_queue)).await.unwrap();
    w.service.link(&w.root, visible.id, secret.id, LinkKind::Normal).await.unwrap();
    let reader = agent(&w, "reader", &[(1, Permission::Ro)]).await;
    assert!(w.service.links(&reader, visible.id).await.unwrap().is_empty(), "an unreadable ticket showed");
    let other = w.service.create(&w.root, new_ticket(2)).await.unwrap();
    assert!(matches!(
        w.service.link(&reader, visible.id, other.id, LinkKind::Normal).await,
        Err(DomainError::PermissionDenied(_))
    ));
    let writer = agent(&w, "writer", &[(1, Permission::Rw)]).await;
    assert!(matches!(
        w.service.link(&writer, visible.id, secret.id, LinkKind::Normal).await,
        Err(DomainError::NotFound { .. })
    ));
}

#[tokio::test]
async fn attachments_are_sniffed_limited_and_only_reached_through_their_ticket() {
    let w = world().await;
    let service = TicketService::new(w.store.ticket_ports(), TicketNumberConfig::default()).with_attachment_limit(16);
    let a = service.create(&w.root, new_ticket(2)).await.unwrap();
    let b = service.create(&w.root, new_ticket(2)).await.unwrap();
    let mut note = NewArticle::note("Logs", "See the file.");
    note.attachments = vec![NewAttachment::new("../evil.png", b"plain text".to_vec())];
    service.add_article(&w.root, a.id, note).await.unwrap();
    let articles = service.get(&w.root, a.id, true).await.unwrap().articles.unwrap();
    let file = articles.last().unwrap().attachments[0].clone();
    assert_eq!(
        (file.filename.as_str(), file.content_type.as_str(), file.size),
        ("evil.png", "text/plain; charset=utf-8", 10)
    );
    let (_, bytes) = service.attachment(&w.root, a.id, file.id).await.unwrap();
    assert_eq!(bytes, b"plain text");
    // Through another ticket's id, the file does not exist.
    assert!(matches!(service.attachment(&w.root, b.id, file.id).await, Err(DomainError::NotFound { .. })));
    let mut big = NewArticle::note("Big", "Too big.");
    big.attachments = vec![NewAttachment::new("big.bin", vec![0; 17])];
    assert!(matches!(
        service.add_article(&w.root, a.id, big).await,
        Err(DomainError::Invalid { field: "attachments", .. })
    ));
}

#[tokio::test]
async fn reads_are_kept_briefly_and_forgotten_by_this_services_changes() {
    let w = world().await;
    let service =
        TicketService::new(w.store.ticket_ports(), TicketNumberConfig::default()).with_read_cache(Duration::seconds(5));
    let open = || TicketFilter { state_types: vec![StateType::New, StateType::Open], ..Default::default() };
    let total =
        || async { service.list(&w.root, open(), TicketSort::default(), PageRequest::new(1, 10)).await.unwrap().total };
    service.create(&w.root, new_ticket(2)).await.unwrap();
    assert_eq!(total().await, 1);
    // Its own changes show at once.
    let t = service.create(&w.root, new_ticket(2)).await.unwrap();
    assert_eq!(total().await, 2);
    service.change(&w.root, t.id, TicketChange::State { state_id: 2, pending_until: None }).await.unwrap();
    assert_eq!(total().await, 1, "closed successful is not open");
    // A change made past this service (another instance, a scheduled job) shows once the
    // total expires; the page itself is always read fresh.
    let other = TicketService::new(w.store.ticket_ports(), TicketNumberConfig::default());
    other.create(&w.root, new_ticket(2)).await.unwrap();
    let page = service.list(&w.root, open(), TicketSort::default(), PageRequest::new(1, 10)).await.unwrap();
    assert_eq!((page.total, page.items.len()), (1, 1), "the kept page and total");
    w.clock.advance(Duration::seconds(6));
    assert_eq!(total().await, 2);
    // Tickets likewise; a check before a change reads the database.
    let id = page.items[0].id;
    assert_eq!(service.get(&w.root, id, false).await.unwrap().title, "Printer on fire");
    other.change(&w.root, id, TicketChange::Title("Printer out".into())).await.unwrap();
    assert_eq!(service.get(&w.root, id, false).await.unwrap().title, "Printer on fire");
    assert_eq!(service.current(&w.root, id).await.unwrap().title, "Printer out");
    service.forget_reads();
    assert_eq!(service.get(&w.root, id, false).await.unwrap().title, "Printer out");
}

/// An agent's unread marks kept with the reads: news another agent adds shows at once,
/// and so does the agent's own reading of it.
#[tokio::test]
async fn unread_marks_are_kept_and_forgotten_by_news_and_by_reading() {
    let w = world().await;
    let service =
        TicketService::new(w.store.ticket_ports(), TicketNumberConfig::default()).with_read_cache(Duration::seconds(5));
    let amy = agent(&w, "amy", &[(1, Permission::Rw)]).await;
    let t = service.create(&w.root, new_ticket(2)).await.unwrap();
    let unseen = |who: &AgentPermissions| {
        let (service, t) = (&service, t.clone());
        let who = who.clone();
        async move { service.unseen(&who, [&t]).await.unwrap().contains(&t.id) }
    };
    assert!(unseen(&amy).await, "new to amy");
    assert!(!unseen(&w.root).await, "root opened it");
    let zoom = service.zoom(&amy, t.id).await.unwrap();
    assert_eq!(zoom.new_articles.len(), 1);
    assert!(!unseen(&amy).await, "read, and the kept marks know it");
    assert!(service.zoom(&amy, t.id).await.unwrap().new_articles.is_empty());
    service.add_article(&w.root, t.id, NewArticle::note("Any news?", "Called again.")).await.unwrap();
    assert!(unseen(&amy).await, "root's note is news to amy at once");
    assert!(!unseen(&w.root).await, "not to its writer");
    let zoom = service.zoom(&amy, t.id).await.unwrap();
    assert_eq!(zoom.new_articles.len(), 1, "only the note is new");
    assert!(!unseen(&amy).await);
}

mod services {
    use super::*;
    use crate::escalation::Allowance;
    use crate::history::HistoryType;
    use crate::ports::ServiceCatalog;

    /// A service every customer may have, as the admin pages make one.
    async fn service(w: &World, name: &str, valid: bool) -> ServiceId {
        given(w, name, valid, ServiceAudience::every_customer()).await
    }

    async fn given(w: &World, name: &str, valid: bool, audience: ServiceAudience) -> ServiceId {
        let service = Service { name: name.into(), valid, ..Default::default() };
        w.store.save_service(service, Some(audience), 1).await.unwrap()
    }

    fn names(choices: &ServiceChoices) -> Vec<&str> {
        choices.services.iter().map(|s| s.name.as_str()).collect()
    }

    #[tokio::test]
    async fn a_customer_has_the_services_given_to_them_else_the_default_ones() {
        let w = world().await;
        let to = |customers: &[&str], every_customer| ServiceAudience {
            every_customer,
            customers: customers.iter().map(|c| c.to_string()).collect(),
        };
        let vpn = given(&w, "VPN", true, to(&["jane"], false)).await;
        let mail = given(&w, "Mail", true, to(&[], true)).await;
        let fax = given(&w, "Fax", true, to(&[], false)).await;
        given(&w, "Old", false, to(&["jim"], true)).await;

        let choices = |c: Option<&'static str>| w.service.service_choices(c);
        assert_eq!(names(&choices(None).await.unwrap()), ["Fax", "Mail", "VPN"], "no customer: every valid one");
        assert_eq!(names(&choices(Some("jane")).await.unwrap()), ["VPN"], "her own, not the default ones");
        assert_eq!(names(&choices(Some("joe")).await.unwrap()), ["Mail"], "nothing of his own: the default ones");
        // Jim's only service is invalid: as in OTRS he then has the default ones.
        assert_eq!(names(&choices(Some("jim")).await.unwrap()), ["Mail"]);

        let refused = w.service.create(&w.root, NewTicket { service_id: Some(mail), ..new_ticket(2) }).await;
        assert!(matches!(refused, Err(DomainError::Invalid { field: "service", .. })), "{refused:?}");
        let t = w.service.create(&w.root, NewTicket { service_id: Some(vpn), ..new_ticket(2) }).await.unwrap();
        let moved = w.service.change(&w.root, t.id, TicketChange::Service(Some(fax))).await;
        assert!(matches!(moved, Err(DomainError::Invalid { field: "service", .. })), "{moved:?}");
        // Taking VPN from Jane leaves her ticket its service.
        w.store
            .save_service(Service { id: vpn, name: "VPN".into(), valid: true, comments: None }, Some(to(&[], false)), 1)
            .await
            .unwrap();
        let kept = w.service.change(&w.root, t.id, TicketChange::Service(Some(vpn))).await.unwrap();
        assert_eq!(kept.service_id, Some(vpn));
        let anyone = NewTicket { customer_user_id: None, customer_id: None, service_id: Some(fax), ..new_ticket(2) };
        assert_eq!(w.service.create(&w.root, anyone).await.unwrap().service_id, Some(fax), "no customer: any service");
    }

    async fn sla(w: &World, name: &str, services: Vec<ServiceId>) -> SlaId {
        let sla = Sla {
            name: name.into(),
            first_response: Allowance { minutes: 30, notify_percent: 0 },
            service_ids: services,
            valid: true,
            ..Default::default()
        };
        w.store.save_sla(sla, 1).await.unwrap()
    }

    async fn history(w: &World, id: TicketId) -> Vec<(String, String)> {
        w.service
            .history(&w.root, id)
            .await
            .unwrap()
            .into_iter()
            .filter(|h| h.history_type == "ServiceUpdate" || h.history_type == "SLAUpdate")
            .map(|h| (h.history_type, h.name))
            .collect()
    }

    #[tokio::test]
    async fn a_ticket_gets_a_service_and_an_sla_offered_for_it_with_otrs_history() {
        let w = world().await;
        let t = w.service.create(&w.root, new_ticket(2)).await.unwrap();
        let email = service(&w, "Email", true).await;
        let phone = service(&w, "Phone", true).await;
        let gold = sla(&w, "Gold", vec![email]).await;

        let no_service = w.service.change(&w.root, t.id, TicketChange::Sla(Some(gold))).await;
        assert!(matches!(no_service, Err(DomainError::Invalid { field: "sla", .. })), "{no_service:?}");
        let changed = w
            .service
            .change_all(
                &w.root,
                t.id,
                vec![TicketChange::Service(Some(email)), TicketChange::Sla(Some(gold))],
                Precondition::None,
            )
            .await
            .unwrap();
        assert_eq!((changed.service.as_deref(), changed.sla.as_deref()), (Some("Email"), Some("Gold")));
        let wrong = w.service.change(&w.root, t.id, TicketChange::Sla(Some(999))).await;
        assert!(matches!(wrong, Err(DomainError::Invalid { field: "sla", .. })));

        // Gold is not offered for Phone: moving the ticket there takes the SLA off.
        let moved = w.service.change(&w.root, t.id, TicketChange::Service(Some(phone))).await.unwrap();
        assert_eq!((moved.service_id, moved.sla_id), (Some(phone), None));
        let elsewhere = w.service.change(&w.root, t.id, TicketChange::Sla(Some(gold))).await;
        assert!(matches!(elsewhere, Err(DomainError::Invalid { field: "sla", .. })));
        assert_eq!(
            history(&w, t.id).await,
            vec![
                ("ServiceUpdate".into(), format!("%%Email%%{email}%%NULL%%")),
                ("SLAUpdate".into(), format!("%%Gold%%{gold}%%NULL%%")),
                ("ServiceUpdate".into(), format!("%%Phone%%{phone}%%Email%%{email}")),
                ("SLAUpdate".into(), format!("%%NULL%%%%Gold%%{gold}")),
            ]
        );
        assert!(HistoryType::SLAUpdate.id() == 39 && HistoryType::ServiceUpdate.id() == 38);
    }

    #[tokio::test]
    async fn a_ticket_is_opened_with_a_service_and_an_sla_offered_for_it() {
        let w = world().await;
        let email = service(&w, "Email", true).await;
        let phone = service(&w, "Phone", true).await;
        let retired = service(&w, "Fax", false).await;
        let gold = sla(&w, "Gold", vec![email]).await;
        let open = |service_id, sla_id| NewTicket { service_id, sla_id, ..new_ticket(2) };

        let t = w.service.create(&w.root, open(Some(email), Some(gold))).await.unwrap();
        assert_eq!((t.service.as_deref(), t.sla.as_deref()), (Some("Email"), Some("Gold")));
        let stored = w.service.get(&w.root, t.id, false).await.unwrap();
        assert_eq!((stored.service_id, stored.sla_id), (Some(email), Some(gold)));
        // OTRS writes no ServiceUpdate/SLAUpdate rows for what a ticket is opened with.
        assert!(history(&w, t.id).await.is_empty());

        for (service, sla, field) in [
            (None, Some(gold), "sla"),
            (Some(phone), Some(gold), "sla"),
            (Some(retired), None, "service"),
            (Some(404), None, "service"),
            (Some(email), Some(404), "sla"),
        ] {
            let refused = w.service.create(&w.root, open(service, sla)).await;
            assert!(matches!(refused, Err(DomainError::Invalid { field: f, .. }) if f == field), "{refused:?}");
        }
        let all = w.service.list(&w.root, TicketFilter::default(), TicketSort::default(), PageRequest::default());
        assert_eq!(all.await.unwrap().total, 1, "nothing stored for a refused ticket");
    }

    #[tokio::test]
    async fn invalid_services_are_not_given_and_reading_agents_cannot_set_one() {
        let w = world().await;
        let t = w.service.create(&w.root, new_ticket(2)).await.unwrap();
        let retired = service(&w, "Fax", false).await;
        let refused = w.service.change(&w.root, t.id, TicketChange::Service(Some(retired))).await;
        assert!(matches!(refused, Err(DomainError::Invalid { field: "service", .. })));
        let missing = w.service.change(&w.root, t.id, TicketChange::Service(Some(404))).await;
        assert!(matches!(missing, Err(DomainError::Invalid { field: "service", .. })));
        let live = service(&w, "Web", true).await;
        let reader = agent(&w, "reader", &[(1, Permission::Ro)]).await;
        let denied = w.service.change(&reader, t.id, TicketChange::Service(Some(live))).await;
        assert!(matches!(denied, Err(DomainError::PermissionDenied(_))));
        assert_eq!(names(&w.service.service_choices(None).await.unwrap()), ["Web"]);
    }
}

mod defaults {
    use super::*;
    use crate::admin::{AdminPorts, AdminService, LookupChange};
    use crate::model::TicketDefaults;
    use crate::ports::{InlineCpu, LookupKind};

    fn admin(w: &World) -> AdminService {
        let s = Arc::new(w.store.clone());
        AdminService::new(AdminPorts::of_one_store(s, Arc::new(InlineCpu)))
    }

    #[tokio::test]
    async fn new_tickets_get_no_queue_and_otrs_defaults_until_an_admin_sets_others() {
        let w = world().await;
        let admin = admin(&w);
        assert_eq!(w.service.defaults().await.unwrap(), TicketDefaults::default());
        assert_eq!(TicketDefaults::default().queue_id, None);

        let chosen = TicketDefaults { queue_id: Some(2), state_id: 4, priority_id: 4, type_id: 1 };
        admin.set_ticket_defaults(&w.root, chosen).await.unwrap();
        assert_eq!(w.service.defaults().await.unwrap(), chosen);

        // A default set invalid later gives way to OTRS's own; the others stay.
        admin
            .change_lookup(&w.root, LookupKind::Priority, 4, LookupChange { valid: Some(false), ..Default::default() })
            .await
            .unwrap();
        let now = w.service.defaults().await.unwrap();
        assert_eq!((now.queue_id, now.state_id, now.priority_id), (Some(2), 4, 3));
    }

    #[tokio::test]
    async fn defaults_are_checked_as_a_whole_and_only_admins_set_them() {
        let w = world().await;
        let admin = admin(&w);
        let good = TicketDefaults { queue_id: Some(2), ..Default::default() };
        for (bad, field) in [
            (TicketDefaults { queue_id: Some(404), ..good }, "queue"),
            // "pending reminder": a default cannot give the time it needs.
            (TicketDefaults { state_id: 6, ..good }, "state"),
            // "merged"
            (TicketDefaults { state_id: 9, ..good }, "state"),
            (TicketDefaults { priority_id: 404, ..good }, "priority"),
            (TicketDefaults { type_id: 404, ..good }, "type"),
        ] {
            let refused = admin.set_ticket_defaults(&w.root, bad).await;
            assert!(matches!(refused, Err(DomainError::Invalid { field: f, .. }) if f == field), "{refused:?}");
            assert_eq!(w.service.defaults().await.unwrap(), TicketDefaults::default(), "nothing half-saved");
        }
        let agent = agent(&w, "mo", &[(1, Permission::Rw)]).await;
        let denied = admin.set_ticket_defaults(&agent, good).await;
        assert!(matches!(denied, Err(DomainError::PermissionDenied(_))));
        admin.set_ticket_defaults(&w.root, good).await.unwrap();
        admin.set_ticket_defaults(&w.root, TicketDefaults::default()).await.unwrap();
        assert_eq!(w.service.defaults().await.unwrap().queue_id, None, "a default queue is taken away again");
    }
}
