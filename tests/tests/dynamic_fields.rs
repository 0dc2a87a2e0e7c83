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
