//! OTRS's dynamic fields read on every engine: definitions and values written as OTRS
//! writes them (one row per value, the config as YAML) come back typed, in the site's
//! field order, with labels for chosen keys.

use std::sync::Arc;

use chrono::{NaiveDate, TimeZone, Utc};
use goats_core::model::*;
use goats_core::permission::AgentPermissions;
use goats_core::ports::*;
use goats_core::tickets::{Precondition, TicketChange};
use goats_sql::migrate;
use goats_tests::{Engine, TestDatabase, ticket_service};
use sea_orm::ConnectionTrait;

#[tokio::test]
async fn a_tickets_dynamic_fields_on_every_engine() {
    for engine in Engine::ALL {
        let t = TestDatabase::create(engine).await;
        let db = t.connect().await;
        migrate(&db).await.unwrap();
        let s = ticket_service(&db, Arc::new(SystemClock));
        let root = AgentPermissions::new(1, db.grants_for(1).await.unwrap());
        let ticket = s
            .create(&root, NewTicket { title: "Fields".into(), ..goats_core::testing::phoned_ticket(2) })
            .await
            .unwrap();
        assert_eq!(s.get(&root, ticket.id, false).await.unwrap().dynamic_fields, Some(vec![]));

        let id = ticket.id;
        let config = "---\nDefaultValue: ~\nPossibleValues:\n  low: Low\n  high: High — urgent\n";
        let defs = [
            (10, "Severity", "Severity", 3, "Dropdown", "Ticket", config, 1),
            (
                11,
                "Systems",
                "Affected systems",
                2,
                "Multiselect",
                "Ticket",
                "---\nPossibleValues:\n  mail: Mail\n  web: Web\n",
                1,
            ),
            (12, "Billable", "Billable", 4, "Checkbox", "Ticket", "---\nDefaultValue: 0\n", 1),
            (13, "Due", "Due date", 5, "Date", "Ticket", "---\n", 1),
            (14, "Callback", "Call back at", 6, "DateTime", "Ticket", "---\n", 1),
            (15, "Contract", "Contract", 1, "Text", "Ticket", "---\n", 1),
            (16, "Retired", "Retired", 7, "Text", "Ticket", "---\n", 2),
            (17, "Mood", "Mood", 8, "Text", "Article", "---\n", 1),
        ];
        for (fid, name, label, order, ty, object, config, valid) in defs {
            let sql = format!(
                "INSERT INTO dynamic_field (id, internal_field, name, label, field_order, field_type, object_type, config, valid_id, create_time, create_by, change_time, change_by) VALUES ({fid}, 0, '{name}', '{label}', {order}, '{ty}', '{object}', '{config}', {valid}, current_timestamp, 1, current_timestamp, 1)"
            );
            db.connection().execute_unprepared(&sql).await.unwrap();
        }
        for (fid, column, value) in [
            (10, "value_text", "'high'"),
            (11, "value_text", "'web'"),
            (11, "value_text", "'mail'"),
            (12, "value_int", "1"),
            (13, "value_date", "'2026-12-24 00:00:00'"),
            (14, "value_date", "'2026-12-04 09:30:00'"),
            (15, "value_text", "'C-77 <gold>'"),
            (16, "value_text", "'gone'"),
            (17, "value_text", "'calm'"),
        ] {
            let sql = format!(
                "INSERT INTO dynamic_field_value (field_id, object_id, {column}) VALUES ({fid}, {id}, {value})"
            );
            db.connection().execute_unprepared(&sql).await.unwrap();
        }

        let fields = s.get(&root, id, false).await.unwrap().dynamic_fields.unwrap();
        let names: Vec<&str> = fields.iter().map(|f| f.name.as_str()).collect();
        assert_eq!(
            names,
            ["Contract", "Systems", "Severity", "Billable", "Due", "Callback"],
            "{engine:?}: field order, only valid ticket fields"
        );
        let by = |n: &str| fields.iter().find(|f| f.name == n).unwrap();
        assert_eq!(by("Contract").value, FieldValue::Text("C-77 <gold>".into()));
        assert_eq!(by("Systems").value, FieldValue::Texts(vec!["web".into(), "mail".into()]));
        assert_eq!(by("Systems").display(), "Web, Mail");
        assert_eq!(
            (by("Severity").field_type.clone(), by("Severity").display()),
            (FieldType::Dropdown, "High — urgent".into())
        );
        assert_eq!(by("Billable").value, FieldValue::Int(1));
        assert_eq!(by("Due").value, FieldValue::Date(NaiveDate::from_ymd_opt(2026, 12, 24).unwrap()));
        assert_eq!(by("Callback").value, FieldValue::DateTime(Utc.with_ymd_and_hms(2026, 12, 4, 9, 30, 0).unwrap()));
        assert_eq!(by("Callback").label, "Call back at");
        // The zoom reads them too.
        assert_eq!(s.zoom(&root, id).await.unwrap().ticket.dynamic_fields.unwrap().len(), 6);

        // Setting them: checked first, then written with OTRS's history rows; the
        // ticket's version moves, so an ETag taken before no longer matches.
        let before = s.current(&root, id).await.unwrap().version;
        let wrong = s.dynamic_field_changes(vec![("Severity".into(), vec!["medium".into()])]).await.unwrap_err();
        assert!(wrong.to_string().contains("not one of its values"), "{wrong}");
        let changes = s
            .dynamic_field_changes(vec![
                ("Severity".into(), vec!["low".into()]),
                ("Systems".into(), vec!["mail".into()]),
                ("Contract".into(), vec![]),
                ("Due".into(), vec!["2027-01-15".into()]),
            ])
            .await
            .unwrap();
        s.set_dynamic_fields(&root, id, &changes).await.unwrap();
        let fields = s.get(&root, id, false).await.unwrap().dynamic_fields.unwrap();
        let by = |n: &str| fields.iter().find(|f| f.name == n).map(|f| f.value.clone());
        assert_eq!(by("Severity"), Some(FieldValue::Text("low".into())), "{engine:?}");
        assert_eq!(by("Systems"), Some(FieldValue::Texts(vec!["mail".into()])));
        assert_eq!(by("Contract"), None, "cleared");
        assert_eq!(by("Due"), Some(FieldValue::Date(NaiveDate::from_ymd_opt(2027, 1, 15).unwrap())));
        let history = s.history(&root, id).await.unwrap();
        let names: Vec<&str> =
            history.iter().filter(|h| h.history_type == "TicketDynamicFieldUpdate").map(|h| h.name.as_str()).collect();
        assert_eq!(
            names,
            [
                "%%FieldName%%Severity%%Value%%low%%OldValue%%high",
                "%%FieldName%%Systems%%Value%%mail%%OldValue%%web,mail",
                "%%FieldName%%Contract%%Value%%%%OldValue%%C-77 <gold>",
                "%%FieldName%%Due%%Value%%2027-01-15 00:00:00%%OldValue%%2026-12-24 00:00:00",
            ],
            "{engine:?}"
        );
        assert!(s.current(&root, id).await.unwrap().version > before);

        // With other changes in one edit: the `If-Match` version covers the fields too.
        // Of two writers expecting one version, the second writes neither its title
        // nor its field.
        let version = s.current(&root, id).await.unwrap().version;
        let expecting = || Precondition::Version(vec![version]);
        let first = s.dynamic_field_changes(vec![("Severity".into(), vec!["high".into()])]).await.unwrap();
        let second = s.dynamic_field_changes(vec![("Severity".into(), vec![])]).await.unwrap();
        let title = |t: &str| vec![TicketChange::Title(t.into())];
        s.change_with_fields(&root, id, title("First writer"), first, expecting()).await.unwrap();
        let late = s.change_with_fields(&root, id, title("Second writer"), second, expecting()).await;
        assert!(matches!(late, Err(goats_core::DomainError::Stale { .. })), "{engine:?}: {late:?}");
        let stored = s.get(&root, id, false).await.unwrap();
        assert_eq!(stored.title, "First writer", "{engine:?}");
        let severity = stored.dynamic_fields.unwrap().into_iter().find(|f| f.name == "Severity").map(|f| f.value);
        assert_eq!(severity, Some(FieldValue::Text("high".into())), "{engine:?}: the stale writer wrote nothing");
        let last = s.history(&root, id).await.unwrap();
        let kinds: Vec<&str> = last.iter().rev().take(2).map(|h| h.history_type.as_str()).collect();
        assert_eq!(kinds, ["TicketDynamicFieldUpdate", "TitleUpdate"], "{engine:?}: one edit, both rows");

        db.close().await;
        t.drop_database().await;
    }
}

/// Article fields on every engine: values given with an article are written in its
/// own transaction (`object_id` the article's id, as OTRS keeps them), read back on that
/// article only, by agents only; a value a field does not have is refused before
/// anything is written.
#[tokio::test]
async fn an_articles_dynamic_fields_on_every_engine() {
    for engine in Engine::ALL {
        let t = TestDatabase::create(engine).await;
        let db = t.connect().await;
        migrate(&db).await.unwrap();
        let s = ticket_service(&db, Arc::new(SystemClock));
        let root = AgentPermissions::new(1, db.grants_for(1).await.unwrap());
        for (fid, name, ty, config) in [
            (20, "Reason", "Dropdown", "---\nPossibleValues:\n  call: Phone call\n  visit: Visit\n"),
            (21, "Minutes", "Text", "---\n"),
        ] {
            let sql = format!(
                "INSERT INTO dynamic_field (id, internal_field, name, label, field_order, field_type, object_type, config, valid_id, create_time, create_by, change_time, change_by) VALUES ({fid}, 0, '{name}', '{name}', {fid}, '{ty}', 'Article', '{config}', 1, current_timestamp, 1, current_timestamp, 1)"
            );
            db.connection().execute_unprepared(&sql).await.unwrap();
        }
        let wrong = s.article_field_changes(vec![("Reason".into(), vec!["email".into()])]).await.unwrap_err();
        assert!(wrong.to_string().contains("not one of its values"), "{wrong}");
        assert!(s.article_field_changes(vec![("Nope".into(), vec!["x".into()])]).await.is_err());
        let fields = s
            .article_field_changes(vec![("Reason".into(), vec!["call".into()]), ("Minutes".into(), vec!["15".into()])])
            .await
            .unwrap();
        let mut phoned = goats_core::testing::phoned_ticket(2);
        phoned.article.dynamic_fields = fields;
        phoned.customer_user_id = Some("jane".into());
        phoned.customer_id = Some("ACME".into());
        let ticket = s.create(&root, phoned).await.unwrap();
        let visit = s.article_field_changes(vec![("Reason".into(), vec!["visit".into()])]).await.unwrap();
        let note = NewArticle { dynamic_fields: visit, ..NewArticle::note("Visited", "On site.") };
        let second = s.add_article(&root, ticket.id, note).await.unwrap();

        let articles = s.get(&root, ticket.id, true).await.unwrap().articles.unwrap();
        let shown = |a: &Article| a.dynamic_fields.iter().map(|f| (f.name.clone(), f.display())).collect::<Vec<_>>();
        assert_eq!(
            shown(&articles[0]),
            [("Reason".to_string(), "Phone call".to_string()), ("Minutes".to_string(), "15".to_string())],
            "{engine:?}"
        );
        assert_eq!(articles[1].id, second);
        assert_eq!(shown(&articles[1]), [("Reason".to_string(), "Visit".to_string())], "{engine:?}");
        assert_eq!(s.get(&root, ticket.id, false).await.unwrap().dynamic_fields, Some(vec![]), "not the ticket's");
        let stored = db
            .connection()
            .query_one_raw(sea_orm::Statement::from_string(
                db.connection().get_database_backend(),
                format!("SELECT COUNT(*) AS n FROM dynamic_field_value WHERE object_id = {second} AND field_id = 20"),
            ))
            .await
            .unwrap()
            .unwrap();
        assert_eq!(stored.try_get::<i64>("", "n").unwrap(), 1, "{engine:?}: keyed by the article's id");
        let theirs = s.get_for_customer("jane", "ACME", ticket.id).await.unwrap().articles.unwrap();
        assert_eq!(theirs.len(), 1, "the phone call, not the note");
        assert!(theirs[0].dynamic_fields.is_empty(), "{engine:?}: customers read no fields");

        // The list finds a ticket by what any of its articles holds, not by what
        // another ticket's do.
        let other = s.create(&root, goats_core::testing::phoned_ticket(2)).await.unwrap();
        let found = |name: &'static str, value: &'static str| {
            let s = &s;
            let root = &root;
            async move {
                let filter = TicketFilter { fields: vec![s.field_filter(name, value).await?], ..Default::default() };
                let page = s.list(root, filter, TicketSort::default(), PageRequest::default()).await?;
                Ok::<_, goats_core::DomainError>(page.items.iter().map(|t| t.id).collect::<Vec<_>>())
            }
        };
        assert_eq!(found("Reason", "visit").await.unwrap(), [ticket.id], "{engine:?}: the second article's");
        assert_eq!(found("Reason", "Phone call").await.unwrap(), [ticket.id], "{engine:?}: by label");
        assert_eq!(found("Minutes", "15").await.unwrap(), [ticket.id], "{engine:?}");
        assert!(found("Minutes", "99").await.unwrap().is_empty(), "{engine:?}");
        assert!(!found("Reason", "call").await.unwrap().contains(&other.id), "{engine:?}");
        let unknown = found("Nope", "x").await.unwrap_err().to_string();
        assert!(unknown.contains("no ticket or article field is named `Nope`"), "{unknown}");

        db.close().await;
        t.drop_database().await;
    }
}

/// An admin's edit of a field on every engine: OTRS's own fields are listed, a new
/// ticket field gets OTRS's starting config, and an edit replaces the values and the
/// default while the settings goats does not edit (a link, a tree view) stay in the
/// YAML as they were.
#[tokio::test]
async fn an_admin_edits_fields_and_their_config_on_every_engine() {
    use goats_core::admin::fields::FieldAdmin;
    for engine in Engine::ALL {
        let t = TestDatabase::create(engine).await;
        let db = t.connect().await;
        migrate(&db).await.unwrap();
        let tickets = Arc::new(ticket_service(&db, Arc::new(SystemClock)));
        let admin = FieldAdmin::new(Arc::new(db.clone()), tickets.clone());
        let root = AgentPermissions::new(1, db.grants_for(1).await.unwrap());
        // OTRS's own process field, as Znuny's default data has it.
        let sql = "INSERT INTO dynamic_field (internal_field, name, label, field_order, field_type, object_type, config, valid_id, create_time, create_by, change_time, change_by) VALUES (1, 'ProcessManagementProcessID', 'Process', 1, 'ProcessID', 'Ticket', '---\nDefaultValue: ''''\n', 1, current_timestamp, 1, current_timestamp, 1)";
        db.connection().execute_unprepared(sql).await.unwrap();
        let all = admin.fields(&root).await.unwrap();
        let process = all.iter().find(|f| f.name == "ProcessManagementProcessID").expect("OTRS's own field");
        assert!(process.internal && process.field_type == FieldType::Other("ProcessID".into()), "{engine:?}");
        assert_eq!(process.default_value, None, "an empty default says nothing");

        let config = "---\nDefaultValue: low\nLink: https://crm.example/?q=[% Data.Value %]\nPossibleValues:\n  low: Low\nTreeView: '1'\n";
        let sql = format!(
            "INSERT INTO dynamic_field (internal_field, name, label, field_order, field_type, object_type, config, valid_id, create_time, create_by, change_time, change_by) VALUES (0, 'Severity', 'Severity', 3, 'Dropdown', 'Ticket', '{}', 1, current_timestamp, 1, current_timestamp, 1)",
            config.replace('\'', "''")
        );
        db.connection().execute_unprepared(&sql).await.unwrap();
        let severity = admin.fields(&root).await.unwrap().into_iter().find(|f| f.name == "Severity").unwrap();
        assert_eq!(severity.default_value.as_deref(), Some("low"));
        let edited = FieldDefinition {
            label: "How bad".into(),
            possible_values: vec![("low".into(), "Low".into()), ("high".into(), "High — urgent".into())],
            default_value: Some("high".into()),
            ..severity.clone()
        };
        admin.save(&root, edited).await.unwrap();
        let row = db
            .connection()
            .query_one_raw(sea_orm::Statement::from_string(
                db.connection().get_database_backend(),
                format!("SELECT config, label FROM dynamic_field WHERE id = {}", severity.id),
            ))
            .await
            .unwrap()
            .unwrap();
        let stored: String = row.try_get("", "config").unwrap();
        assert!(stored.starts_with("---\n") && stored.contains("TreeView: '1'"), "{engine:?}: {stored}");
        assert!(stored.contains("Link: https://crm.example/?q=[% Data.Value %]"), "{engine:?}: {stored}");
        let again = admin.field(&root, severity.id).await.unwrap();
        assert_eq!((again.label.as_str(), again.default_value.as_deref()), ("How bad", Some("high")), "{engine:?}");
        assert_eq!(again.possible_values[1], ("high".to_string(), "High — urgent".to_string()));
        assert_eq!(
            tickets.ticket_field_defs().await.unwrap().iter().find(|d| d.name == "Severity").unwrap().label,
            "How bad"
        );

        let new = FieldDefinition {
            id: 0,
            name: "Billable".into(),
            label: "Billable".into(),
            field_type: FieldType::Checkbox,
            object_type: String::new(),
            field_order: 0,
            valid: true,
            internal: false,
            possible_values: Vec::new(),
            default_value: Some("1".into()),
        };
        let id = admin.save(&root, new.clone()).await.unwrap();
        let billable = admin.field(&root, id).await.unwrap();
        assert_eq!((billable.object_type.as_str(), billable.default_value.as_deref()), ("Ticket", Some("1")));
        assert!(billable.field_order > 3, "{engine:?}: last");
        let taken = admin.save(&root, FieldDefinition { name: "BILLABLE".into(), ..new }).await;
        assert!(matches!(taken, Err(goats_core::DomainError::Conflict(_))), "{engine:?}: {taken:?}");
        db.close().await;
        t.drop_database().await;
    }
}
