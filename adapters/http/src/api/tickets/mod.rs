//! `/api/v1/tickets`: list, open, read and change tickets, their articles and history.
//! Every operation goes through the core ticket service, which applies the OTRS
//! permission model: a ticket the caller cannot read is a 404, as if it did not exist.

use chrono::{DateTime, Utc};
use goats_core::model::{self, *};
use goats_core::search::SearchQuery;
use goats_core::tickets::CustomerWords;
use goats_core::tickets::Precondition;
use poem_openapi::param::{Header, Path, Query};
use poem_openapi::payload::{Attachment, AttachmentType, Json};
use poem_openapi::{OpenApi, Tags};

use super::caller::BearerAuth;
use super::json_body::JsonBody;
use super::problem::ApiError;
use crate::AppState;

mod dto;

use dto::*;

pub use dto::StateTypeDto;

#[derive(Tags)]
enum Tag {
    /// Tickets, their articles and history.
    Tickets,
}

pub struct TicketApi {
    pub state: AppState,
}

impl TicketApi {
    /// An agent's article as given, its fields' values checked against the site's
    /// article fields (stored with it).
    async fn agent_article(&self, mut given: NewArticleDto) -> Result<NewArticle, ApiError> {
        let fields = self.state.tickets.article_field_changes(given.field_values()?).await;
        let dynamic_fields = named_as(fields, "article.dynamic_fields")?;
        Ok(NewArticle { dynamic_fields, ..given.try_into()? })
    }
}

/// A customer's article: customers set no fields (refused rather than dropped).
fn customer_article(given: NewArticleDto) -> Result<NewArticle, ApiError> {
    if given.dynamic_fields.as_ref().is_some_and(|f| !f.is_empty()) {
        return Err(ApiError::invalid("article.dynamic_fields", "customers do not set fields"));
    }
    given.try_into()
}

/// A refusal of checked field values, named as this API names the member, not as
/// OTRS's interfaces do.
fn named_as(
    checked: goats_core::DomainResult<Vec<FieldChange>>,
    member: &'static str,
) -> Result<Vec<FieldChange>, ApiError> {
    match checked {
        Ok(fields) => Ok(fields),
        Err(goats_core::DomainError::Invalid { reason, .. }) => Err(ApiError::invalid(member, reason)),
        Err(e) => Err(e.into()),
    }
}

#[OpenApi(prefix_path = "/v1", tag = "Tag::Tickets")]
impl TicketApi {
    /// Tickets in the queues the caller may read. Repeat a filter to match any of its values.
    #[allow(clippy::too_many_arguments)]
    #[oai(path = "/tickets", method = "get")]
    async fn list(
        &self,
        auth: BearerAuth,
        queue_id: Query<Vec<i32>>,
        state_id: Query<Vec<i32>>,
        state_type: Query<Vec<StateTypeDto>>,
        priority_id: Query<Vec<i32>>,
        owner_id: Query<Vec<i32>>,
        responsible_id: Query<Vec<i32>>,
        customer_id: Query<Vec<String>>,
        customer_user_id: Query<Vec<String>>,
        type_id: Query<Vec<i32>>,
        lock: Query<Option<LockDto>>,
        /// Created at or after this instant (RFC 3339).
        created_from: Query<Option<DateTime<Utc>>>,
        /// Created before this instant.
        created_until: Query<Option<DateTime<Utc>>>,
        /// Changed at or after this instant.
        changed_from: Query<Option<DateTime<Utc>>>,
        /// Changed before this instant.
        changed_until: Query<Option<DateTime<Utc>>>,
        /// Part of the title, case-insensitive.
        #[oai(validator(max_length = 255))]
        title: Query<Option<String>>,
        /// A full-text search over the ticket's number, title and customer and its
        /// articles' senders, recipients, subjects, bodies and file names: all words
        /// must match, in any order, case and accents aside; `"a phrase"`, `prefix*`,
        /// `-excluded`, and `field:value` for `number`, `title`, `customer`, `from`,
        /// `to`, `subject`, `body`, `attachment`, `queue`, `state`, `owner`. At most 24
        /// terms. A customer's search looks only into articles shown to customers.
        /// Matches are counted to 1,000 (see `total_capped`).
        #[oai(validator(max_length = 1000))]
        text: Query<Option<String>>,
        /// Only tickets past their earliest escalation time (`true`), as the escalation
        /// job last computed it.
        escalated: Query<Option<bool>>,
        /// A condition on a dynamic field, `Name:value`: words in a text (`*` a
        /// wildcard), a key or label of a list, `yes` or `no` for a checkbox, a day
        /// `YYYY-MM-DD` or days `FROM..UNTIL` for a date. Repeat for several; all must
        /// hold. For agents only.
        field: Query<Vec<String>>,
        /// Sort column; `relevance` with `text`, `created` without.
        sort: Query<Option<SortField>>,
        /// `desc` by default.
        order: Query<Option<Order>>,
        #[oai(default = "default_page", validator(minimum(value = "1"), maximum(value = "1000000")))] page: Query<u64>,
        #[oai(default = "default_per_page", validator(minimum(value = "1"), maximum(value = "500")))] per_page: Query<
            u64,
        >,
    ) -> Result<JsonBody<TicketPage>, ApiError> {
        let mut filter = TicketFilter {
            queue_ids: queue_id.0,
            state_ids: state_id.0,
            state_types: state_type.0.into_iter().map(Into::into).collect(),
            priority_ids: priority_id.0,
            owner_ids: owner_id.0,
            responsible_ids: responsible_id.0,
            customer_ids: customer_id.0,
            customer_user_ids: customer_user_id.0,
            type_ids: type_id.0,
            lock: lock.0.map(Into::into),
            title_contains: title.0,
            text: text.0.as_deref().map(SearchQuery::parse).transpose()?.filter(|q| !q.is_empty()),
            created_from: created_from.0,
            created_until: created_until.0,
            changed_from: changed_from.0,
            changed_until: changed_until.0,
            escalated_by: escalated.0.unwrap_or(false).then(Utc::now),
            customer_scope: None,
            fields: Vec::new(),
        };
        // Who asks is settled before anything is looked up for them.
        let (customer, agent) = match self.state.customer(&auth).await? {
            Some(_) if !field.0.is_empty() => {
                return Err(ApiError::forbidden("filtering by ticket fields is for agents"));
            }
            Some(scope) => (Some(scope), None),
            None => (None, Some(self.state.reader(&auth).await?)),
        };
        for condition in field.0 {
            let (name, value) = condition
                .split_once(':')
                .ok_or_else(|| ApiError::invalid("field", format!("`{condition}` is not `Name:value`")))?;
            filter.fields.push(self.state.tickets.field_filter(name.trim(), value).await?);
        }
        let default_sort = if filter.text.is_some() { SortField::Relevance } else { SortField::Created };
        let field = match sort.0.unwrap_or(default_sort) {
            SortField::Number => TicketSortField::Number,
            SortField::Title => TicketSortField::Title,
            SortField::Queue => TicketSortField::Queue,
            SortField::State => TicketSortField::State,
            SortField::Priority => TicketSortField::Priority,
            SortField::Owner => TicketSortField::Owner,
            SortField::Created => TicketSortField::Created,
            SortField::Changed => TicketSortField::Changed,
            SortField::PendingUntil => TicketSortField::PendingUntil,
            SortField::Relevance => TicketSortField::Relevance,
        };
        let direction = match order.0.unwrap_or(Order::Desc) {
            Order::Asc => SortDirection::Asc,
            Order::Desc => SortDirection::Desc,
        };
        let (sort, page) = (TicketSort { field, direction }, PageRequest::new(page.0, per_page.0));
        // A customer sees their own and their company's tickets; an agent what their groups allow.
        let page = match (customer, agent) {
            (Some((login, company)), _) => {
                self.state.tickets.list_for_customer(&login, &company, filter, sort, page).await?
            }
            (None, Some(agent)) => self.state.tickets.list(&agent, filter, sort, page).await?,
            (None, None) => unreachable!("a caller is a customer or an agent"),
        };
        Ok(JsonBody(TicketPage {
            items: page.items.into_iter().map(Into::into).collect(),
            total: page.total,
            total_capped: page.total_capped,
            page: page.page,
            per_page: page.per_page,
        }))
    }

    /// Open a ticket with its first article. Agents need `create` on the queue. A
    /// customer opens one for themselves: only the title, queue, service (one of theirs)
    /// and the article's subject, body and attachments are taken; the rest is set as
    /// OTRS's customer interface sets it.
    #[oai(path = "/tickets", method = "post")]
    async fn create(&self, auth: BearerAuth, body: Json<NewTicketDto>) -> Result<TicketCreated, ApiError> {
        let b = body.0;
        if let Some(customer) = self.state.customer_user(&auth).await? {
            let queue_id = b.queue_id.ok_or_else(|| ApiError::invalid("queue_id", "choose a queue"))?;
            let title: String = b.title.into();
            let article = customer_article(b.article)?;
            let words =
                CustomerWords { subject: article.subject, body: article.body, attachments: article.attachments };
            let ticket =
                self.state.tickets.create_for_customer(&customer, queue_id, b.service_id, title, words).await?;
            return Ok(TicketCreated::Created(JsonBody(ticket.into())));
        }
        let caller = self.state.writer(&auth).await?;
        let defaults = self.state.tickets.defaults().await?;
        let queue_id = b
            .queue_id
            .or(defaults.queue_id)
            .ok_or_else(|| ApiError::invalid("queue_id", "choose a queue (no default queue is set for new tickets)"))?;
        let new = model::NewTicket {
            title: b.title.into(),
            queue_id,
            state_id: b.state_id.unwrap_or(defaults.state_id),
            priority_id: b.priority_id.unwrap_or(defaults.priority_id),
            type_id: Some(b.type_id.unwrap_or(defaults.type_id)),
            service_id: b.service_id,
            sla_id: b.sla_id,
            owner_id: b.owner_id.unwrap_or(caller.user_id),
            responsible_id: b.responsible_id,
            customer_id: b.customer_id.map(Into::into),
            customer_user_id: b.customer_user_id.map(Into::into),
            pending_until: b.pending_until,
            article: self.agent_article(b.article).await?,
        };
        let ticket = self.state.tickets.create(&caller, new).await?;
        Ok(TicketCreated::Created(JsonBody(ticket.into())))
    }

    /// One ticket; with `articles=true`, its articles too.
    #[oai(path = "/tickets/:id", method = "get")]
    async fn get(
        &self,
        auth: BearerAuth,
        id: Path<i64>,
        #[oai(default)] articles: Query<bool>,
    ) -> Result<TicketWithTag, ApiError> {
        if let Some((login, company)) = self.state.customer(&auth).await? {
            let mut ticket = self.state.tickets.get_for_customer(&login, &company, id.0).await?;
            if !articles.0 {
                ticket.articles = None;
            }
            return Ok(ticket.into());
        }
        let caller = self.state.reader(&auth).await?;
        Ok(self.state.tickets.get(&caller, id.0, articles.0).await?.into())
    }

    /// Change a ticket. Each field needs its OTRS permission: `priority` for the
    /// priority, `owner` for the owner, `move_into` on the target queue, `rw` for the rest.
    /// With `If-Match`, the change only happens if the ticket is still at that ETag.
    #[oai(path = "/tickets/:id", method = "patch")]
    async fn update(
        &self,
        auth: BearerAuth,
        id: Path<i64>,
        #[oai(name = "If-Match")] if_match: Header<Option<String>>,
        body: Json<TicketPatch>,
    ) -> Result<TicketWithTag, ApiError> {
        let caller = self.state.writer(&auth).await?;
        let ticket = self.state.tickets.current(&caller, id.0).await?;
        let precondition = match if_match.0.as_deref().map(str::trim).filter(|v| !v.is_empty() && *v != "*") {
            None => Precondition::None,
            Some(tags) => {
                // Tags of this ticket name versions; a tag of anything else cannot match.
                let versions = tags.split(',').filter_map(|tag| version_in_tag(tag, id.0)).collect::<Vec<_>>();
                if !versions.contains(&ticket.version) {
                    return Err(ApiError::precondition_failed(&ticket.etag()));
                }
                // Checked again where the change is written: another writer may get there first.
                Precondition::Version(versions)
            }
        };
        let mut patch = body.0;
        let fields = self.state.tickets.dynamic_field_changes(patch.field_values()?).await;
        let fields = named_as(fields, "dynamic_fields")?;
        let changes = patch.changes(&ticket);
        if changes.is_empty() && fields.is_empty() {
            return Ok(ticket.into());
        }
        let changed = self.state.tickets.change_with_fields(&caller, id.0, changes, fields, precondition).await?;
        // Read back as a GET answers it, dynamic fields included; a ticket the change
        // moved out of the caller's sight is answered as it was written.
        match self.state.tickets.get(&caller, id.0, false).await {
            Ok(ticket) => Ok(ticket.into()),
            Err(goats_core::DomainError::NotFound { .. }) => Ok(changed.into()),
            Err(e) => Err(e.into()),
        }
    }

    /// The ticket's articles, oldest first.
    #[oai(path = "/tickets/:id/articles", method = "get")]
    async fn articles(&self, auth: BearerAuth, id: Path<i64>) -> Result<JsonBody<Vec<ArticleDto>>, ApiError> {
        let caller = self.state.reader(&auth).await?;
        let articles = self.state.tickets.get(&caller, id.0, true).await?.articles.unwrap_or_default();
        let deliveries = self.state.tickets.deliveries_of(&articles).await?;
        Ok(JsonBody(ArticleDto::with_deliveries(articles, deliveries)))
    }

    /// One article of the ticket, with its attachments listed. Customers reach only
    /// the articles shown to them; anything else is 404, like a ticket one cannot read.
    #[oai(path = "/tickets/:id/articles/:article_id", method = "get")]
    async fn article(
        &self,
        auth: BearerAuth,
        id: Path<i64>,
        article_id: Path<i64>,
    ) -> Result<JsonBody<ArticleDto>, ApiError> {
        let (ticket, deliveries) = match self.state.customer(&auth).await? {
            Some((login, company)) => (self.state.tickets.get_for_customer(&login, &company, id.0).await?, Vec::new()),
            None => {
                let caller = self.state.reader(&auth).await?;
                let ticket = self.state.tickets.get(&caller, id.0, true).await?;
                let deliveries =
                    self.state.tickets.deliveries_of(ticket.articles.as_deref().unwrap_or_default()).await?;
                (ticket, deliveries)
            }
        };
        let articles = ticket.articles.unwrap_or_default().into_iter().filter(|a| a.id == article_id.0).collect();
        ArticleDto::with_deliveries(articles, deliveries)
            .pop()
            .map(JsonBody)
            .ok_or_else(|| ApiError::not_found(format!("ticket {} has no article {}", id.0, article_id.0)))
    }

    /// Add an article: internal notes need `note`, anything the customer sees needs `rw`.
    /// A customer's article is a follow-up (only subject, body and attachments are
    /// taken) and opens a closed ticket again.
    #[oai(path = "/tickets/:id/articles", method = "post")]
    async fn add_article(
        &self,
        auth: BearerAuth,
        id: Path<i64>,
        body: Json<NewArticleDto>,
    ) -> Result<ArticleCreated, ApiError> {
        if let Some(customer) = self.state.customer_user(&auth).await? {
            let article = customer_article(body.0)?;
            let words =
                CustomerWords { subject: article.subject, body: article.body, attachments: article.attachments };
            let article_id = self.state.tickets.customer_follow_up(&customer, id.0, words).await?;
            return Ok(ArticleCreated::Created(Json(CreatedArticle { id: article_id })));
        }
        let caller = self.state.writer(&auth).await?;
        let article = self.agent_article(body.0).await?;
        let article_id = self.state.tickets.add_article(&caller, id.0, article).await?;
        Ok(ArticleCreated::Created(Json(CreatedArticle { id: article_id })))
    }

    /// Merge this ticket into another: its articles and watchers move there, it is set
    /// to `merged`. Needs `rw` on both. Answers with the ticket merged into.
    #[oai(path = "/tickets/:id/merge", method = "post")]
    async fn merge(&self, auth: BearerAuth, id: Path<i64>, body: Json<MergeDto>) -> Result<TicketWithTag, ApiError> {
        let caller = self.state.writer(&auth).await?;
        Ok(self.state.tickets.merge(&caller, id.0, body.0.into).await?.into())
    }

    /// Watch the ticket: a watcher reaches it whatever their groups, and hears of changes.
    #[oai(path = "/tickets/:id/watch", method = "put")]
    async fn watch(&self, auth: BearerAuth, id: Path<i64>) -> Result<WatchChanged, ApiError> {
        let caller = self.state.writer(&auth).await?;
        self.state.tickets.set_watching(&caller, id.0, true).await?;
        Ok(WatchChanged::Done)
    }

    /// Stop watching the ticket.
    #[oai(path = "/tickets/:id/watch", method = "delete")]
    async fn unwatch(&self, auth: BearerAuth, id: Path<i64>) -> Result<WatchChanged, ApiError> {
        let caller = self.state.writer(&auth).await?;
        self.state.tickets.set_watching(&caller, id.0, false).await?;
        Ok(WatchChanged::Done)
    }

    /// The time accounted on the ticket.
    #[oai(path = "/tickets/:id/time-accounting", method = "get")]
    async fn accounted_time(&self, auth: BearerAuth, id: Path<i64>) -> Result<Json<AccountedTime>, ApiError> {
        let caller = self.state.reader(&auth).await?;
        Ok(Json(AccountedTime { total: self.state.tickets.accounted_time(&caller, id.0).await? }))
    }

    /// Account time worked on the ticket (needs `note`).
    #[oai(path = "/tickets/:id/time-accounting", method = "post")]
    async fn account_time(
        &self,
        auth: BearerAuth,
        id: Path<i64>,
        body: Json<TimeAccountingDto>,
    ) -> Result<TimeAccounted, ApiError> {
        let caller = self.state.writer(&auth).await?;
        let total = self.state.tickets.account_time(&caller, id.0, body.0.time_unit, body.0.article_id).await?;
        Ok(TimeAccounted::Created(Json(AccountedTime { total })))
    }

    /// One attachment's bytes, always as a download (its sniffed type is in the
    /// article's `attachments`). Customers reach only those of articles shown to them.
    #[oai(path = "/tickets/:id/attachments/:attachment_id", method = "get")]
    async fn attachment(
        &self,
        auth: BearerAuth,
        id: Path<i64>,
        attachment_id: Path<i64>,
    ) -> Result<Attachment<Vec<u8>>, ApiError> {
        let (meta, bytes) = match self.state.customer(&auth).await? {
            Some((login, company)) => {
                self.state.tickets.attachment_for_customer(&login, &company, id.0, attachment_id.0).await?
            }
            None => {
                let caller = self.state.reader(&auth).await?;
                self.state.tickets.attachment(&caller, id.0, attachment_id.0).await?
            }
        };
        Ok(Attachment::new(bytes).attachment_type(AttachmentType::Attachment).filename(meta.filename))
    }

    /// Everything that happened to the ticket, as OTRS records it.
    #[oai(path = "/tickets/:id/history", method = "get")]
    async fn history(&self, auth: BearerAuth, id: Path<i64>) -> Result<JsonBody<Vec<HistoryDto>>, ApiError> {
        let caller = self.state.reader(&auth).await?;
        let rows = self.state.tickets.history(&caller, id.0).await?;
        Ok(JsonBody(
            rows.into_iter()
                .map(|h| HistoryDto {
                    id: h.id,
                    history_type: h.history_type,
                    name: h.name,
                    article_id: h.article_id,
                    queue_id: h.queue_id,
                    owner_id: h.owner_id,
                    priority_id: h.priority_id,
                    state_id: h.state_id,
                    created: h.created,
                    created_by: h.created_by,
                })
                .collect(),
        ))
    }
}

/// The version an entity tag (`"<id>-<version>"`, possibly weak) names, when it is a tag
/// of ticket `id`.
fn version_in_tag(tag: &str, id: i64) -> Option<i64> {
    let inner = tag.trim().trim_start_matches("W/").trim_matches('"');
    let (of, version) = inner.split_once('-')?;
    (of.parse::<i64>().ok()? == id).then(|| version.parse().ok()).flatten()
}

#[cfg(test)]
mod tests {
    #[test]
    fn entity_tags_name_versions_of_their_own_ticket_only() {
        assert_eq!(super::version_in_tag("\"7-42\"", 7), Some(42));
        assert_eq!(super::version_in_tag(" W/\"7-42\" ", 7), Some(42));
        assert_eq!(super::version_in_tag("\"8-42\"", 7), None);
        assert_eq!(super::version_in_tag("\"7-x\"", 7), None);
        assert_eq!(super::version_in_tag("garbage", 7), None);
    }
}
