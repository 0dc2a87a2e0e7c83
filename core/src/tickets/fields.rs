//! Setting the dynamic fields of tickets and articles: values given as OTRS's interfaces
//! give them (text, by field name) are checked against the site's field definitions
//! before anything is written, then stored — a ticket's with OTRS's history rows, an
//! article's with the article.

use chrono::{NaiveDate, NaiveDateTime};

use super::TicketService;
use crate::error::{DomainError, DomainResult};
use crate::model::*;
use crate::permission::{AgentPermissions, Permission};

const FIELD: &str = "DynamicField";

impl TicketService {
    /// Checks values for ticket fields by name: each a text (several for a
    /// multiselect); none, or one empty text, clears the field. Nothing is written, so
    /// a caller can check before it creates the ticket the values are for.
    pub async fn dynamic_field_changes(&self, values: Vec<(String, Vec<String>)>) -> DomainResult<Vec<FieldChange>> {
        if values.is_empty() {
            return Ok(Vec::new());
        }
        checked(&self.ticket_field_defs().await?, values, "ticket")
    }

    /// Checks values by field name for a ticket and the article that comes with it,
    /// as OTRS's GenericInterface takes them in one `DynamicField` list: each name is
    /// the site's ticket field or article field of that name. Returns (ticket changes,
    /// article changes); nothing is written.
    pub async fn ticket_and_article_field_changes(
        &self,
        values: Vec<(String, Vec<String>)>,
    ) -> DomainResult<(Vec<FieldChange>, Vec<FieldChange>)> {
        if values.is_empty() {
            return Ok((Vec::new(), Vec::new()));
        }
        let ticket_fields = self.ticket_field_defs().await?;
        let article_fields = self.article_field_defs().await?;
        let (mut ticket, mut article) = (Vec::new(), Vec::new());
        for (name, given) in values {
            if let Some(field) = ticket_fields.iter().find(|f| f.name == name) {
                ticket.push(FieldChange { value: parse(field, given)?, field: field.clone() });
            } else if let Some(field) = article_fields.iter().find(|f| f.name == name) {
                article.push(FieldChange { value: parse(field, given)?, field: field.clone() });
            } else {
                return Err(DomainError::invalid(FIELD, format!("no ticket or article field is named `{name}`")));
            }
        }
        Ok((ticket, article))
    }

    /// Checks values for article fields by name, as [`Self::dynamic_field_changes`]
    /// does for ticket fields; they are stored with the article they are given to.
    pub async fn article_field_changes(&self, values: Vec<(String, Vec<String>)>) -> DomainResult<Vec<FieldChange>> {
        if values.is_empty() {
            return Ok(Vec::new());
        }
        checked(&self.article_field_defs().await?, values, "article")
    }

    /// The site's valid ticket fields, in its order: what a form offers to set.
    pub async fn ticket_field_defs(&self) -> DomainResult<Vec<DynamicFieldDef>> {
        self.kept_defs(|r| &r.field_defs, || self.ports.dynamic_fields.ticket_fields()).await
    }

    /// The site's valid article fields, in its order: what an article form offers.
    pub async fn article_field_defs(&self) -> DomainResult<Vec<DynamicFieldDef>> {
        self.kept_defs(|r| &r.article_field_defs, || self.ports.dynamic_fields.article_fields()).await
    }

    /// Definitions from `memo` when reads are kept, else straight from `load`.
    async fn kept_defs<Fut>(
        &self,
        memo: fn(&super::ReadCache) -> &crate::cached::Memo<(), Vec<DynamicFieldDef>>,
        load: impl Fn() -> Fut,
    ) -> DomainResult<Vec<DynamicFieldDef>>
    where
        Fut: Future<Output = DomainResult<Vec<DynamicFieldDef>>>,
    {
        match &self.reads {
            Some(r) => memo(r).get_or_load((), load).await.map(std::sync::Arc::unwrap_or_clone),
            None => load().await,
        }
    }

    /// Stores checked values on a ticket the actor may change (`rw`, as OTRS asks).
    pub async fn set_dynamic_fields(
        &self,
        actor: &AgentPermissions,
        id: TicketId,
        changes: &[FieldChange],
    ) -> DomainResult<()> {
        if changes.is_empty() {
            return Ok(());
        }
        let ticket = self.load_unversioned(id).await?;
        self.require(actor, (&ticket).into(), Permission::Rw, "changing a ticket's fields").await?;
        self.ports.dynamic_fields.set_ticket_values(id, changes, actor.user_id).await?;
        self.forget_reads();
        Ok(())
    }
}

/// Values by name against `fields` (of tickets or of articles: `object`).
fn checked(
    fields: &[DynamicFieldDef],
    values: Vec<(String, Vec<String>)>,
    object: &str,
) -> DomainResult<Vec<FieldChange>> {
    values
        .into_iter()
        .map(|(name, given)| {
            let field = fields
                .iter()
                .find(|f| f.name == name)
                .ok_or_else(|| DomainError::invalid(FIELD, format!("no {object} field is named `{name}`")))?;
            Ok(FieldChange { value: parse(field, given)?, field: field.clone() })
        })
        .collect()
}

pub(crate) fn parse(field: &DynamicFieldDef, given: Vec<String>) -> DomainResult<Option<FieldValue>> {
    let bad = |why: String| DomainError::invalid(FIELD, format!("{}: {why}", field.name));
    let mut given: Vec<String> = given.into_iter().map(|v| v.trim().to_string()).filter(|v| !v.is_empty()).collect();
    if given.is_empty() {
        return Ok(None);
    }
    let known = |key: &str| field.possible_values.is_empty() || field.possible_values.iter().any(|(k, _)| k == key);
    if field.field_type != FieldType::Multiselect && given.len() > 1 {
        return Err(bad("takes one value".into()));
    }
    let one = given.remove(0);
    Ok(Some(match &field.field_type {
        FieldType::Text | FieldType::TextArea => FieldValue::Text(one),
        FieldType::Dropdown if known(&one) => FieldValue::Text(one),
        FieldType::Dropdown => return Err(bad(format!("`{one}` is not one of its values"))),
        FieldType::Multiselect => {
            given.insert(0, one);
            if let Some(unknown) = given.iter().find(|k| !known(k)) {
                return Err(bad(format!("`{unknown}` is not one of its values")));
            }
            FieldValue::Texts(given)
        }
        FieldType::Checkbox => match one.as_str() {
            "0" | "1" => FieldValue::Int(one.parse().unwrap_or_default()),
            _ => return Err(bad("a checkbox takes 0 or 1".into())),
        },
        FieldType::Date => {
            let day = one.get(..10).unwrap_or(&one);
            FieldValue::Date(
                NaiveDate::parse_from_str(day, "%Y-%m-%d")
                    .map_err(|_| bad(format!("`{one}` is not a YYYY-MM-DD date")))?,
            )
        }
        FieldType::DateTime => FieldValue::DateTime(
            NaiveDateTime::parse_from_str(&one, "%Y-%m-%d %H:%M:%S")
                .map_err(|_| bad(format!("`{one}` is not a YYYY-MM-DD HH:MM:SS time")))?
                .and_utc(),
        ),
        FieldType::Other(kind) => return Err(bad(format!("goats cannot set fields of type {kind}"))),
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn field(field_type: FieldType) -> DynamicFieldDef {
        DynamicFieldDef {
            id: 1,
            name: "F".into(),
            label: "F".into(),
            field_type,
            possible_values: vec![("low".into(), "Low".into()), ("high".into(), "High".into())],
        }
    }

    fn texts(v: &[&str]) -> Vec<String> {
        v.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn values_are_checked_against_the_field() {
        assert_eq!(
            parse(&field(FieldType::Dropdown), texts(&["high"])).unwrap(),
            Some(FieldValue::Text("high".into()))
        );
        assert!(parse(&field(FieldType::Dropdown), texts(&["medium"])).unwrap_err().to_string().contains("not one of"));
        assert!(parse(&field(FieldType::Dropdown), texts(&["low", "high"])).is_err());
        assert_eq!(
            parse(&field(FieldType::Multiselect), texts(&["low", "high"])).unwrap(),
            Some(FieldValue::Texts(texts(&["low", "high"])))
        );
        assert!(parse(&field(FieldType::Checkbox), texts(&["yes"])).is_err());
        assert_eq!(parse(&field(FieldType::Checkbox), texts(&["1"])).unwrap(), Some(FieldValue::Int(1)));
        assert_eq!(
            parse(&field(FieldType::Date), texts(&["2026-12-24 00:00:00"])).unwrap(),
            Some(FieldValue::Date(NaiveDate::from_ymd_opt(2026, 12, 24).unwrap()))
        );
        assert!(parse(&field(FieldType::DateTime), texts(&["tomorrow"])).is_err());
        assert_eq!(parse(&field(FieldType::Text), texts(&[""])).unwrap(), None, "empty clears");
        assert!(parse(&field(FieldType::Other("ProcessID".into())), texts(&["x"])).is_err());
    }
}
