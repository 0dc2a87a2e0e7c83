use super::*;
use crate::permission::{ADMIN_GROUP_ID, Permission};
use crate::ports::{CustomerRepository, GroupRepository, LookupKind, LookupRepository};
use crate::testing::{FixedClock, MemoryStore, queue};
use chrono::Utc;

async fn setup() -> (MemoryStore, AdminService, AgentPermissions, AgentPermissions) {
    let store = MemoryStore::with_defaults(Arc::new(FixedClock::at(Utc::now())));
    let s = Arc::new(store.clone());
    let admin = AdminService::new(AdminPorts::of_one_store(s, Arc::new(crate::ports::InlineCpu)));
    let root = AgentPermissions::new(1, store.grants_for(1).await.unwrap());
    let nobody = AgentPermissions::new(9, []);
    (store, admin, root, nobody)
}

#[tokio::test]
async fn only_admins_administer() {
    let (_, admin, _, nobody) = setup().await;
    assert!(matches!(admin.queues(&nobody).await, Err(DomainError::PermissionDenied(_))));
    assert!(matches!(admin.create_group(&nobody, "x", None).await, Err(DomainError::PermissionDenied(_))));
    assert!(matches!(admin.agents(&nobody).await, Err(DomainError::PermissionDenied(_))));
}

#[tokio::test]
async fn queues_are_checked_changed_and_switched_off() {
    let (_, admin, root, _) = setup().await;
    let q = admin.create_queue(&root, queue("Support", 1)).await.unwrap();
    assert!(matches!(admin.create_queue(&root, queue("Support", 1)).await, Err(DomainError::Conflict(_))));
    assert!(matches!(admin.create_queue(&root, queue("Lost", 99)).await, Err(DomainError::Invalid { .. })));
    assert!(matches!(admin.create_queue(&root, queue("A::", 1)).await, Err(DomainError::Invalid { .. })));
    let changes = QueueChanges { first_response_time: Some(60), valid: Some(false), ..Default::default() };
    let changed = admin.change_queue(&root, q.id, changes).await.unwrap();
    assert_eq!((changed.first_response_time, changed.valid, changed.name.as_str()), (60, false, "Support"));
    let negative = QueueChanges { solution_time: Some(-1), ..Default::default() };
    assert!(admin.change_queue(&root, q.id, negative).await.is_err());
}

#[tokio::test]
async fn lookups_are_renamed_and_switched_but_names_stay_unique() {
    let (store, admin, root, _) = setup().await;
    let id = admin.create_lookup(&root, LookupKind::Priority, "6 urgent", None, None).await.unwrap();
    admin
        .change_lookup(
            &root,
            LookupKind::Priority,
            id,
            LookupChange { name: Some("6 critical"), valid: Some(false), ..Default::default() },
        )
        .await
        .unwrap();
    let p = store.priority(id).await.unwrap().unwrap();
    assert_eq!((p.name.as_str(), p.valid), ("6 critical", false));
    let clash = admin
        .change_lookup(&root, LookupKind::Priority, id, LookupChange { name: Some("3 normal"), ..Default::default() })
        .await;
    assert!(matches!(clash, Err(DomainError::Conflict(_))));
    assert!(
        admin.create_lookup(&root, LookupKind::State, "waiting", None, None).await.is_err(),
        "a state needs a type"
    );
    let s = admin.create_lookup(&root, LookupKind::State, "waiting", Some(StateType::Open), None).await.unwrap();
    assert_eq!(store.state(s).await.unwrap().unwrap().state_type, StateType::Open);
    let missing =
        admin.change_lookup(&root, LookupKind::Type, 999, LookupChange { name: Some("x"), ..Default::default() }).await;
    assert!(matches!(missing, Err(DomainError::NotFound { .. })));
}

#[tokio::test]
async fn states_and_priorities_have_colours_types_have_none() {
    let (store, admin, root, _) = setup().await;
    fn field_of<T: std::fmt::Debug>(r: DomainResult<T>) -> &'static str {
        match r {
            Err(DomainError::Invalid { field, .. }) => field,
            other => panic!("refused as invalid, got {other:?}"),
        }
    }
    // None given: OTRS's grey, as its admin gives a new state.
    let s = admin.create_lookup(&root, LookupKind::State, "waiting", Some(StateType::Open), None).await.unwrap();
    assert_eq!(store.state(s).await.unwrap().unwrap().colour, Some(Colour::new_state()));
    let p = admin.create_lookup(&root, LookupKind::Priority, "6 urgent", None, Some("#FF0000")).await.unwrap();
    assert_eq!(store.priority(p).await.unwrap().unwrap().colour, Colour::parse("#FF0000"));
    let change = LookupChange { colour: Some("#00aa00"), ..Default::default() };
    admin.change_lookup(&root, LookupKind::State, s, change).await.unwrap();
    assert_eq!(store.state(s).await.unwrap().unwrap().colour, Colour::parse("#00aa00"));
    // A bad colour changes nothing, not even the name asked for beside it.
    let bad = LookupChange { name: Some("waiting long"), colour: Some("green"), ..Default::default() };
    assert_eq!(field_of(admin.change_lookup(&root, LookupKind::State, s, bad).await), "color");
    assert_eq!(store.state(s).await.unwrap().unwrap().name, "waiting");
    let refused = admin.create_lookup(&root, LookupKind::Priority, "7 now", None, Some("#12345")).await;
    assert_eq!(field_of(refused), "color");
    assert!(!store.priorities().await.unwrap().iter().any(|p| p.name == "7 now"));
    let typed = admin.create_lookup(&root, LookupKind::Type, "Incident", None, Some("#123456")).await;
    assert_eq!(field_of(typed), "color");
}

#[tokio::test]
async fn companies_and_contacts() {
    let (store, admin, root, _) = setup().await;
    let acme = CustomerCompany {
        customer_id: "ACME".into(),
        name: "Acme Inc.".into(),
        street: None,
        zip: None,
        city: Some("Springfield".into()),
        country: None,
        url: None,
        comments: None,
        valid: true,
    };
    admin.create_company(&root, acme).await.unwrap();
    let acme = admin.change_company(&root, "ACME", |c| c.valid = false).await.unwrap();
    assert!(!acme.valid);
    assert!(admin.change_company(&root, "ACME", |c| c.name = " ".into()).await.is_err());
    let mut jane = crate::testing::contact("jane", "ACME");
    jane.email = "not-an-address".into();
    assert!(admin.create_customer_user(&root, jane.clone(), None).await.is_err());
    jane.email = "jane@acme.example".into();
    jane.customer_id = "NOPE".into();
    assert!(admin.create_customer_user(&root, jane.clone(), None).await.is_err(), "an unknown company");
    jane.customer_id = "ACME".into();
    admin.create_customer_user(&root, jane, Some("jane-password".into())).await.unwrap();
    let jane = admin.change_customer_user(&root, "jane", |u| u.phone = Some("+1 555".into()), None).await.unwrap();
    assert_eq!(jane.phone.as_deref(), Some("+1 555"));
    // No longer than OTRS's columns, refused by the field's name; blank is none.
    let long_name = admin.change_customer_user(&root, "jane", |u| u.last_name = "x".repeat(101), None).await;
    assert!(matches!(long_name, Err(DomainError::Invalid { field: "last_name", .. })), "{long_name:?}");
    let long_title = admin.change_customer_user(&root, "jane", |u| u.title = Some("x".repeat(51)), None).await;
    assert!(matches!(long_title, Err(DomainError::Invalid { field: "title", .. })), "{long_title:?}");
    let blank = admin.change_customer_user(&root, "jane", |u| u.city = Some("  ".into()), None).await.unwrap();
    assert_eq!((blank.city, blank.phone.as_deref()), (None, Some("+1 555")));
    assert!(CustomerRepository::credentials(&store, "jane").await.unwrap().unwrap().password_hash.is_some());
    assert_eq!(admin.customer_users(&root, "jan", 10).await.unwrap().len(), 1);
    assert_eq!(admin.companies(&root, "acme", 10).await.unwrap().len(), 1);
}

#[tokio::test]
async fn agents_roles_and_grants() {
    let (store, admin, root, _) = setup().await;
    let input = |login: &str, password: &str| AgentInput {
        login: login.into(),
        first_name: "Dana".into(),
        last_name: "Diaz".into(),
        email: Some("dana@example.com".into()),
        password: password.into(),
    };
    assert!(admin.create_agent(&root, input("dana", "short")).await.is_err());
    assert!(admin.create_agent(&root, input("da na", "long-enough")).await.is_err());
    let dana = admin.create_agent(&root, input("dana", "long-enough")).await.unwrap();
    assert!(matches!(admin.create_agent(&root, input("dana", "long-enough")).await, Err(DomainError::Conflict(_))));
    let changes = AgentChanges { email: Some(None), last_name: Some("Díaz".into()), ..Default::default() };
    let changed = admin.change_agent(&root, dana.id, changes).await.unwrap();
    assert_eq!((changed.last_name.as_str(), changed.email), ("Díaz", None));
    let too_long = AgentChanges { first_name: Some("D".repeat(101)), ..Default::default() };
    let refused = admin.change_agent(&root, dana.id, too_long).await;
    assert!(matches!(refused, Err(DomainError::Invalid { field: "first_name", .. })), "{refused:?}");

    let role = admin.create_role(&root, "Support", None).await.unwrap();
    admin.grant_role(&root, role.id, 1, Permission::Note).await.unwrap();
    admin.add_agent_to_role(&root, dana.id, role.id).await.unwrap();
    admin.set_agent_grant(&root, dana.id, 3, Permission::Ro, true).await.unwrap();
    let grants = AgentPermissions::new(dana.id, store.grants_for(dana.id).await.unwrap());
    assert!(grants.has(1, Permission::Note) && grants.has(3, Permission::Ro) && !grants.has(1, Permission::Rw));
    // A role or group switched off grants nothing.
    admin.set_role_valid(&root, role.id, false).await.unwrap();
    admin.set_group_valid(&root, 3, false).await.unwrap();
    assert!(store.grants_for(dana.id).await.unwrap().is_empty());

    let no = AgentChanges { valid: Some(false), ..Default::default() };
    assert!(admin.change_agent(&root, 1, no).await.is_err(), "not your own account");
    assert!(admin.set_group_valid(&root, ADMIN_GROUP_ID, false).await.is_err(), "not the admin group");
    assert!(admin.set_agent_grant(&root, 1, ADMIN_GROUP_ID, Permission::Rw, false).await.is_err());
    let off = AgentChanges { valid: Some(false), ..Default::default() };
    assert!(!admin.change_agent(&root, dana.id, off).await.unwrap().valid);
}

#[tokio::test]
async fn groups_and_roles_are_renamed_and_checked_before_anything_is_written() {
    let (store, admin, root, nobody) = setup().await;
    let group = admin.create_group(&root, "billing", Some("  ")).await.unwrap();
    assert_eq!(group.comments, None, "blank comments are none");
    let renamed = admin.change_group(&root, group.id, " invoices ", Some("Money"), false).await.unwrap();
    assert_eq!((renamed.name.as_str(), renamed.comments.as_deref(), renamed.valid), ("invoices", Some("Money"), false));
    let clash = admin.change_group(&root, group.id, "users", None, true).await;
    assert!(matches!(clash, Err(DomainError::Conflict(_))));
    assert!(!store.groups().await.unwrap().iter().find(|g| g.id == group.id).unwrap().valid, "nothing half-saved");
    let long = "x".repeat(251);
    assert!(matches!(
        admin.change_group(&root, group.id, "x", Some(&long), true).await,
        Err(DomainError::Invalid { .. })
    ));
    assert!(admin.change_group(&root, ADMIN_GROUP_ID, "admin", None, false).await.is_err());
    assert!(matches!(admin.change_role(&nobody, 1, "x", None, true).await, Err(DomainError::PermissionDenied(_))));

    let role = admin.create_role(&root, "Support", None).await.unwrap();
    let other = admin.create_role(&root, "Sales", None).await.unwrap();
    assert!(matches!(admin.change_role(&root, role.id, "Sales", None, true).await, Err(DomainError::Conflict(_))));
    let wanted = [(group.id, Permission::Ro), (1, Permission::Rw)].into_iter().collect();
    admin.set_role_grants(&root, role.id, &wanted).await.unwrap();
    let held: std::collections::BTreeSet<_> =
        admin.role_grants(&root, role.id).await.unwrap().into_iter().map(|g| (g.group_id, g.permission)).collect();
    assert_eq!(held, wanted);
    let fewer = [(1, Permission::Rw)].into_iter().collect();
    admin.set_role_grants(&root, role.id, &fewer).await.unwrap();
    assert_eq!(admin.role_grants(&root, role.id).await.unwrap().len(), 1);
    let unknown = [(999, Permission::Ro)].into_iter().collect();
    assert!(matches!(admin.set_role_grants(&root, role.id, &unknown).await, Err(DomainError::NotFound { .. })));
    assert_eq!(admin.role_grants(&root, role.id).await.unwrap().len(), 1, "nothing half-saved");

    admin.set_role_members(&root, role.id, &[1].into_iter().collect()).await.unwrap();
    assert_eq!(admin.role_members(&root, role.id).await.unwrap(), vec![1]);
    admin.set_role_members(&root, role.id, &Default::default()).await.unwrap();
    assert!(admin.role_members(&root, role.id).await.unwrap().is_empty());
    let ghost = [777].into_iter().collect();
    assert!(matches!(admin.set_role_members(&root, role.id, &ghost).await, Err(DomainError::NotFound { .. })));
    assert!(admin.role_members(&root, other.id).await.unwrap().is_empty());
}

#[tokio::test]
async fn an_admin_cannot_take_away_the_administration_a_role_gives_them() {
    let (store, admin, _, _) = setup().await;
    let boss = admin
        .create_agent(
            &AgentPermissions::new(1, store.grants_for(1).await.unwrap()),
            AgentInput {
                login: "boss".into(),
                first_name: "B".into(),
                last_name: "Oss".into(),
                email: None,
                password: "long-enough".into(),
            },
        )
        .await
        .unwrap();
    let root = AgentPermissions::new(1, store.grants_for(1).await.unwrap());
    let admins = admin.create_role(&root, "Admins", None).await.unwrap();
    let administration = [(ADMIN_GROUP_ID, Permission::Rw)].into_iter().collect();
    admin.set_role_grants(&root, admins.id, &administration).await.unwrap();
    admin.set_role_members(&root, admins.id, &[boss.id].into_iter().collect()).await.unwrap();
    let me = AgentPermissions::new(boss.id, store.grants_for(boss.id).await.unwrap());
    assert!(me.is_admin());

    let refused = |r: DomainResult<_>| matches!(r, Err(DomainError::Invalid { .. }));
    assert!(refused(admin.set_role_grants(&me, admins.id, &Default::default()).await));
    assert!(refused(admin.set_role_members(&me, admins.id, &Default::default()).await));
    assert!(refused(admin.change_role(&me, admins.id, "Admins", None, false).await.map(|_| ())));
    assert!(AgentPermissions::new(boss.id, store.grants_for(boss.id).await.unwrap()).is_admin(), "still admin");
    // root's own grant is root's: root may take the role away from boss.
    admin.set_role_members(&root, admins.id, &Default::default()).await.unwrap();
    assert!(!AgentPermissions::new(boss.id, store.grants_for(boss.id).await.unwrap()).is_admin());
}

#[tokio::test]
async fn services_are_named_by_their_path_and_renaming_one_takes_those_below_along() {
    let (_, admin, root, nobody) = setup().await;
    let input = |name: &str, parent: Option<ServiceId>| ServiceInput {
        name: name.into(),
        parent_id: parent,
        comments: None,
        valid: true,
        audience: None,
    };
    let email = admin.save_service(&root, 0, input("Email", None)).await.unwrap();
    let outlook = admin.save_service(&root, 0, input("Outlook", Some(email))).await.unwrap();
    let calendar = admin.save_service(&root, 0, input("Calendar", Some(outlook))).await.unwrap();
    assert_eq!(admin.service(&root, calendar).await.unwrap().name, "Email::Outlook::Calendar");

    let twice = admin.save_service(&root, 0, input("Outlook", Some(email))).await;
    assert!(matches!(twice, Err(DomainError::Conflict(_))), "{twice:?}");
    let path = admin.save_service(&root, 0, input("Email::Thunderbird", None)).await;
    assert!(matches!(path, Err(DomainError::Invalid { field: "name", .. })));
    let lost = admin.save_service(&root, 0, input("Lost", Some(99))).await;
    assert!(matches!(lost, Err(DomainError::Invalid { field: "parent_id", .. })));
    let circle = admin.save_service(&root, email, input("Email", Some(calendar))).await;
    assert!(matches!(circle, Err(DomainError::Invalid { field: "parent_id", .. })), "{circle:?}");
    let long = admin.save_service(&root, email, input(&"x".repeat(190), None)).await;
    assert!(matches!(long, Err(DomainError::Invalid { field: "name", .. })), "the services below would not fit");

    admin.save_service(&root, email, input("Mail", None)).await.unwrap();
    let names: Vec<String> = admin.services(&root).await.unwrap().into_iter().map(|s| s.name).collect();
    assert_eq!(names, ["Mail", "Mail::Outlook", "Mail::Outlook::Calendar"]);
    let off = ServiceInput { valid: false, ..input("Calendar", Some(outlook)) };
    admin.save_service(&root, calendar, off).await.unwrap();
    assert!(!admin.service(&root, calendar).await.unwrap().valid, "set invalid, not deleted");
    assert!(matches!(admin.services(&nobody).await, Err(DomainError::PermissionDenied(_))));
}

#[tokio::test]
async fn slas_are_checked_before_they_are_stored_with_their_services() {
    use crate::escalation::Allowance;
    let (_, admin, root, nobody) = setup().await;
    let input = ServiceInput { name: "Email".into(), valid: true, ..Default::default() };
    let email = admin.save_service(&root, 0, input).await.unwrap();
    let gold = Sla {
        name: " Gold ".into(),
        calendar_name: Some(" ".into()),
        first_response: Allowance { minutes: 30, notify_percent: 80 },
        solution: Allowance { minutes: 480, notify_percent: 0 },
        service_ids: vec![email, email],
        valid: true,
        ..Default::default()
    };
    let id = admin.save_sla(&root, gold.clone()).await.unwrap();
    let stored = admin.sla(&root, id).await.unwrap();
    assert_eq!((stored.name.as_str(), stored.calendar_name.as_deref()), ("Gold", None));
    assert_eq!(stored.service_ids, vec![email]);
    assert_eq!(stored.policy().first_response, Allowance { minutes: 30, notify_percent: 80 });

    let twice = admin.save_sla(&root, gold.clone()).await;
    assert!(matches!(twice, Err(DomainError::Conflict(_))));
    let negative = Sla { name: "Tin".into(), update: Allowance { minutes: -1, notify_percent: 0 }, ..gold.clone() };
    assert!(matches!(admin.save_sla(&root, negative).await, Err(DomainError::Invalid { field: "update", .. })));
    let over = Sla { name: "Tin".into(), solution: Allowance { minutes: 5, notify_percent: 101 }, ..gold.clone() };
    assert!(matches!(admin.save_sla(&root, over).await, Err(DomainError::Invalid { field: "solution", .. })));
    let nowhere = Sla { name: "Tin".into(), service_ids: vec![404], ..gold.clone() };
    assert!(matches!(admin.save_sla(&root, nowhere).await, Err(DomainError::Invalid { field: "service_ids", .. })));
    assert_eq!(admin.slas(&root).await.unwrap().len(), 1, "nothing refused was stored");

    let unlinked = Sla { id, service_ids: vec![], valid: false, ..stored };
    admin.save_sla(&root, unlinked).await.unwrap();
    let after = admin.sla(&root, id).await.unwrap();
    assert!(after.service_ids.is_empty() && !after.valid);
    assert!(matches!(admin.save_sla(&nobody, gold).await, Err(DomainError::PermissionDenied(_))));
}

#[tokio::test]
async fn a_service_is_given_to_customers_who_exist_or_to_every_customer() {
    use crate::ports::{CustomerRepository, ServiceCatalog};
    let (store, admin, root, _) = setup().await;
    store.create_user(crate::testing::contact("jane", "acme"), None, 1).await.unwrap();
    let input = |customers: &[&str]| ServiceInput {
        name: "VPN".into(),
        valid: true,
        audience: Some(ServiceAudience {
            every_customer: false,
            customers: customers.iter().map(|c| c.to_string()).collect(),
        }),
        ..Default::default()
    };
    let unknown = admin.save_service(&root, 0, input(&["jane", "ghost"])).await;
    assert!(matches!(unknown, Err(DomainError::Invalid { field: "customers", .. })), "{unknown:?}");
    let default = admin.save_service(&root, 0, input(&["<DEFAULT>"])).await;
    assert!(matches!(default, Err(DomainError::Invalid { field: "customers", .. })), "{default:?}");
    assert!(admin.services(&root).await.unwrap().is_empty(), "nothing stored for a refused service");

    let vpn = admin.save_service(&root, 0, input(&[" jane ", "jane", ""])).await.unwrap();
    let given = admin.service_audience(&root, vpn).await.unwrap();
    assert_eq!(given, ServiceAudience { every_customer: false, customers: vec!["jane".into()] });
    let everyone = ServiceInput { audience: Some(ServiceAudience::every_customer()), ..input(&[]) };
    admin.save_service(&root, vpn, everyone).await.unwrap();
    assert_eq!(store.customer_service_ids("jane").await.unwrap().by_default, vec![vpn]);
    // A change without an audience leaves it as it was.
    admin.save_service(&root, vpn, ServiceInput { audience: None, ..input(&[]) }).await.unwrap();
    assert!(admin.service_audience(&root, vpn).await.unwrap().every_customer);
}

#[tokio::test]
async fn a_state_is_given_another_type_but_merged_stays_the_merged_states() {
    use crate::ports::LookupRepository;
    let (store, admin, root, _) = setup().await;
    let waiting = admin.create_lookup(&root, LookupKind::State, "waiting for parts", Some(StateType::Open), None).await;
    let waiting = waiting.unwrap();
    admin
        .change_lookup(
            &root,
            LookupKind::State,
            waiting,
            LookupChange { state_type: Some(StateType::PendingReminder), ..Default::default() },
        )
        .await
        .unwrap();
    assert_eq!(store.state(waiting).await.unwrap().unwrap().state_type, StateType::PendingReminder);

    let merged = store.states().await.unwrap().into_iter().find(|s| s.state_type == StateType::Merged).unwrap();
    for (id, to) in [(merged.id, StateType::Closed), (waiting, StateType::Merged)] {
        let refused = admin
            .change_lookup(
                &root,
                LookupKind::State,
                id,
                LookupChange { name: Some("renamed"), state_type: Some(to), ..Default::default() },
            )
            .await;
        assert!(matches!(refused, Err(DomainError::Invalid { field: "state_type", .. })), "{refused:?}");
    }
    assert_eq!(store.state(waiting).await.unwrap().unwrap().name, "waiting for parts", "nothing half-saved");
    let second = admin.create_lookup(&root, LookupKind::State, "merged too", Some(StateType::Merged), None).await;
    assert!(matches!(second, Err(DomainError::Invalid { field: "state_type", .. })));
    let priority = admin
        .change_lookup(
            &root,
            LookupKind::Priority,
            1,
            LookupChange { state_type: Some(StateType::Open), ..Default::default() },
        )
        .await;
    assert!(matches!(priority, Err(DomainError::Invalid { field: "state_type", .. })));
}
