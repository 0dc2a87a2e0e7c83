//! The site's dynamic fields (`dynamic_field`), as an admin maintains them: add a ticket
//! field, change its label, order, values and default, set it invalid. As in OTRS a
//! field's type never changes once it holds values, OTRS's own fields keep their names,
//! and nothing is deleted (history rows name the field).

use std::sync::Arc;

use super::AdminService;
use crate::error::{DomainError, DomainResult};
use crate::model::*;
use crate::permission::AgentPermissions;
use crate::ports::DynamicFieldStore;
use crate::tickets::TicketService;

/// The kinds of field an admin can add: those goats can show, set and filter by.
pub const ADDABLE: [FieldType; 7] = [
    FieldType::Text,
    FieldType::TextArea,
    FieldType::Dropdown,
    FieldType::Multiselect,
    FieldType::Checkbox,
    FieldType::Date,
    FieldType::DateTime,
];

pub struct FieldAdmin {
    store: Arc<dyn DynamicFieldStore>,
    /// Keeps the definitions its forms and filters read; told when they change.
    tickets: Arc<TicketService>,
}

impl FieldAdmin {
    pub fn new(store: Arc<dyn DynamicFieldStore>, tickets: Arc<TicketService>) -> Self {
        Self { store, tickets }
    }

    /// Every field, of tickets and of articles, valid or not, in the site's order.
    pub async fn fields(&self, actor: &AgentPermissions) -> DomainResult<Vec<FieldDefinition>> {
        AdminService::check(actor)?;
        self.store.field_definitions().await
    }

    pub async fn field(&self, actor: &AgentPermissions, id: i32) -> DomainResult<FieldDefinition> {
        self.fields(actor)
            .await?
            .into_iter()
            .find(|f| f.id == id)
            .ok_or_else(|| DomainError::not_found("dynamic field", id))
    }

    /// Adds a ticket field (id 0) or changes one; returns its id. What the form cannot
    /// change (the type, the object, an OTRS field's name) is taken from the stored field.
    pub async fn save(&self, actor: &AgentPermissions, mut f: FieldDefinition) -> DomainResult<i32> {
        let all = self.fields(actor).await?;
        let stored = match f.id {
            0 => None,
            id => Some(all.iter().find(|x| x.id == id).ok_or_else(|| DomainError::not_found("dynamic field", id))?),
        };
        f.name = f.name.trim().to_string();
        f.label = f.label.trim().to_string();
        match stored {
            None => {
                if !ADDABLE.contains(&f.field_type) {
                    return Err(DomainError::invalid("field_type", "choose one of the field types"));
                }
                // goats adds fields of tickets and of articles; an empty choice is a ticket's.
                f.object_type = match f.object_type.as_str() {
                    "" | "Ticket" => "Ticket".into(),
                    "Article" => "Article".into(),
                    _ => return Err(DomainError::invalid("object_type", "a field is of tickets or of articles")),
                };
                f.internal = false;
                if f.field_order <= 0 {
                    f.field_order = all.iter().map(|x| x.field_order).max().unwrap_or(0) + 1;
                }
            }
            Some(s) => {
                if f.field_type != s.field_type {
                    return Err(DomainError::invalid("field_type", "a field's type cannot change"));
                }
                if s.internal && f.name != s.name {
                    return Err(DomainError::invalid("name", "OTRS's own fields keep their names"));
                }
                f.object_type = s.object_type.clone();
                f.internal = s.internal;
                if matches!(f.field_type, FieldType::Other(_)) {
                    f.possible_values = s.possible_values.clone();
                    f.default_value = s.default_value.clone();
                }
            }
        }
        check_name(&f, &all)?;
        if f.label.is_empty() || f.label.chars().count() > 200 {
            return Err(DomainError::invalid("label", "a label of 1 to 200 characters is required"));
        }
        if !(1..=1_000_000).contains(&f.field_order) {
            return Err(DomainError::invalid("field_order", "the order is a number from 1"));
        }
        f.possible_values = checked_values(&f)?;
        f.default_value = checked_default(&f)?;
        let id = self.store.save_field_definition(&f, actor.user_id).await?;
        self.tickets.forget_field_defs();
        Ok(id)
    }
}

/// Letters and digits only, as OTRS requires (the name is part of template tags and
/// of `DynamicField_<Name>` parameters), and taken once whatever its case.
fn check_name(f: &FieldDefinition, all: &[FieldDefinition]) -> DomainResult<()> {
    if f.name.is_empty() || f.name.len() > 200 || !f.name.chars().all(|c| c.is_ascii_alphanumeric()) {
        return Err(DomainError::invalid("name", "a name of letters and digits only is required"));
    }
    if all.iter().any(|x| x.id != f.id && x.name.eq_ignore_ascii_case(&f.name)) {
        return Err(DomainError::Conflict(format!("a field named {} exists", f.name)));
    }
    Ok(())
}

/// A list's keys and labels: each key once, a label defaulting to its key; other kinds
/// of field have none.
fn checked_values(f: &FieldDefinition) -> DomainResult<Vec<(String, String)>> {
    if !matches!(f.field_type, FieldType::Dropdown | FieldType::Multiselect) {
        return Ok(if matches!(f.field_type, FieldType::Other(_)) { f.possible_values.clone() } else { Vec::new() });
    }
    let mut values: Vec<(String, String)> = Vec::new();
    for (key, label) in &f.possible_values {
        let (key, label) = (key.trim(), label.trim());
        if key.is_empty() && label.is_empty() {
            continue;
        }
        if key.is_empty() {
            return Err(DomainError::invalid("possible_values", format!("the value labelled {label} needs a key")));
        }
        if values.iter().any(|(k, _)| k == key) {
            return Err(DomainError::invalid("possible_values", format!("the key {key} is given twice")));
        }
        values.push((key.to_string(), if label.is_empty() { key } else { label }.to_string()));
    }
    if values.is_empty() {
        return Err(DomainError::invalid("possible_values", "a list needs at least one value"));
    }
    Ok(values)
}

/// A default value the field could hold, checked as a ticket's value would be.
fn checked_default(f: &FieldDefinition) -> DomainResult<Option<String>> {
    let Some(given) = f.default_value.as_deref().map(str::trim).filter(|v| !v.is_empty()) else { return Ok(None) };
    if matches!(f.field_type, FieldType::Other(_)) {
        return Ok(Some(given.to_string()));
    }
    let field = FieldDefinition { possible_values: checked_values(f)?, ..f.clone() }.def();
    crate::tickets::fields::parse(&field, vec![given.to_string()]).map_err(|e| match e {
        DomainError::Invalid { reason, .. } => DomainError::invalid("default_value", reason),
        other => other,
    })?;
    Ok(Some(given.to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::{FixedClock, MemoryStore};
    use crate::ticket_number::TicketNumberConfig;

    async fn admin() -> (FieldAdmin, AgentPermissions) {
        use crate::ports::GroupRepository;
        let store = Arc::new(MemoryStore::with_defaults(Arc::new(FixedClock::at(chrono::Utc::now()))));
        let tickets = Arc::new(TicketService::new(store.ticket_ports(), TicketNumberConfig::default()));
        let root = AgentPermissions::new(1, store.grants_for(1).await.unwrap());
        (FieldAdmin::new(store, tickets), root)
    }

    fn field(name: &str, field_type: FieldType) -> FieldDefinition {
        FieldDefinition {
            id: 0,
            name: name.into(),
            label: format!("{name} label"),
            field_type,
            object_type: String::new(),
            field_order: 0,
            valid: true,
            internal: true,
            possible_values: Vec::new(),
            default_value: None,
        }
    }

    fn refused_at(r: DomainResult<i32>) -> &'static str {
        match r {
            Err(DomainError::Invalid { field, .. }) => field,
            other => panic!("not refused: {other:?}"),
        }
    }

    #[tokio::test]
    async fn an_admin_adds_and_changes_ticket_fields() {
        let (admin, root) = admin().await;
        let id = admin.save(&root, field("Contract", FieldType::Text)).await.unwrap();
        let stored = admin.field(&root, id).await.unwrap();
        assert_eq!((stored.object_type.as_str(), stored.internal, stored.field_order), ("Ticket", false, 1));

        let mut list = field("Severity", FieldType::Dropdown);
        list.possible_values =
            vec![(" low ".into(), "".into()), ("".into(), "".into()), ("high".into(), "High".into())];
        list.default_value = Some("high".into());
        let severity = admin.save(&root, list.clone()).await.unwrap();
        let stored = admin.field(&root, severity).await.unwrap();
        assert_eq!(stored.possible_values, [("low".to_string(), "low".to_string()), ("high".into(), "High".into())]);
        assert_eq!(stored.field_order, 2, "after the others");

        let renamed = FieldDefinition { label: "How bad".into(), valid: false, ..stored.clone() };
        admin.save(&root, renamed).await.unwrap();
        assert_eq!(admin.field(&root, severity).await.unwrap().label, "How bad");
        assert!(admin.tickets.ticket_field_defs().await.unwrap().iter().all(|d| d.name != "Severity"), "invalid");

        let taken = admin.save(&root, field("contract", FieldType::Text)).await;
        assert!(matches!(taken, Err(DomainError::Conflict(_))), "taken whatever its case: {taken:?}");
        assert_eq!(refused_at(admin.save(&root, field("Has space", FieldType::Text)).await), "name");
        assert_eq!(
            refused_at(admin.save(&root, FieldDefinition { label: " ".into(), ..field("X", FieldType::Text) }).await),
            "label"
        );
        assert_eq!(refused_at(admin.save(&root, field("Pick", FieldType::Dropdown)).await), "possible_values");
        let twice = FieldDefinition {
            possible_values: vec![("a".into(), "A".into()), ("a".into(), "B".into())],
            ..field("Pick", FieldType::Multiselect)
        };
        assert_eq!(refused_at(admin.save(&root, twice).await), "possible_values");
        let bad_default = FieldDefinition { default_value: Some("medium".into()), ..list.clone() };
        assert_eq!(
            refused_at(admin.save(&root, FieldDefinition { name: "Other".into(), ..bad_default }).await),
            "default_value"
        );
        let bad_date = FieldDefinition { default_value: Some("soon".into()), ..field("Due", FieldType::Date) };
        assert_eq!(refused_at(admin.save(&root, bad_date).await), "default_value");
        let process = field("ProcessID", FieldType::Other("ProcessID".into()));
        assert_eq!(refused_at(admin.save(&root, process).await), "field_type", "only the kinds goats knows are added");
        let retyped = FieldDefinition { field_type: FieldType::Multiselect, ..stored };
        assert_eq!(refused_at(admin.save(&root, retyped).await), "field_type");

        let reader = AgentPermissions::new(9, []);
        assert!(matches!(admin.fields(&reader).await, Err(DomainError::PermissionDenied(_))));
        let of = |object: &str| FieldDefinition { object_type: object.into(), ..field("Reason", FieldType::Text) };
        assert_eq!(refused_at(admin.save(&root, of("CustomerUser")).await), "object_type");
        let reason = admin.save(&root, of("Article")).await.unwrap();
        assert_eq!(admin.field(&root, reason).await.unwrap().object_type, "Article");
    }
}
