use async_trait::async_trait;
use chrono::{DateTime, Utc};

use super::{MemoryStore, State};
use crate::error::{DomainError, DomainResult};
use crate::history::{HistoryEntry, HistoryRecord, HistoryType};
use crate::model::*;
use crate::ports::*;
use crate::search::{MAX_INDEXED_CHARS, Pattern, SearchField, SearchQuery, field_contains, index_text};
use crate::tickets::{Applied, Column, Precondition, TicketEdit};

impl State {
    /// The in-memory twin of the SQL store's `apply`: the precondition, the columns and
    /// the history under one lock.
    fn apply_edit(&mut self, id: TicketId, edit: TicketEdit, by: UserId, now: DateTime<Utc>) -> DomainResult<Applied> {
        let version = self.ticket(id).map(|t| t.version);
        let t = self.tickets.iter_mut().find(|t| t.1 == id).ok_or_else(|| DomainError::not_found("ticket", id))?;
        let d = &mut t.0;
        let holds = match &edit.precondition {
            Precondition::None => true,
            Precondition::Version(expected) => version.is_some_and(|v| expected.contains(&v)),
            Precondition::Columns(g) => {
                d.state_id == g.state_id
                    && d.until_time == g.until_time
                    && d.lock == g.lock
                    && g.lock_time.is_none_or(|at| at == d.lock_time)
            }
        };
        if !holds {
            return Ok(Applied::Stale);
        }
        for c in edit.columns {
            write_column(d, c);
        }
        t.3 = now;
        let mut history = edit.history;
        history.extend(self.write_fields(id, &edit.fields));
        self.append_history(id, history, by, now);
        Ok(Applied::Done)
    }

    pub(super) fn ticket(&self, id: TicketId) -> Option<Ticket> {
        let (d, id, created, changed) = self.tickets.iter().find(|t| t.1 == id)?;
        let state = self.states.iter().find(|s| s.id == d.state_id)?;
        Some(Ticket {
            id: *id,
            number: d.number.clone(),
            title: d.title.clone(),
            queue_id: d.queue_id,
            queue: self.queues.iter().find(|q| q.id == d.queue_id)?.name.clone(),
            state_id: d.state_id,
            state: state.name.clone(),
            state_type: state.state_type,
            priority_id: d.priority_id,
            priority: self.priorities.iter().find(|p| p.id == d.priority_id)?.name.clone(),
            type_id: Some(d.type_id),
            service_id: d.service_id,
            service: d.service_id.and_then(|id| self.services.iter().find(|s| s.id == id)).map(|s| s.name.clone()),
            sla_id: d.sla_id,
            sla: d.sla_id.and_then(|id| self.slas.iter().find(|s| s.id == id)).map(|s| s.name.clone()),
            lock: d.lock,
            owner_id: d.owner_id,
            responsible_id: d.responsible_id,
            customer_id: d.customer_id.clone(),
            customer_user_id: d.customer_user_id.clone(),
            until_time: d.until_time,
            escalation: self.escalations.iter().find(|e| e.0 == *id).map(|e| e.1).unwrap_or_default(),
            created: *created,
            changed: *changed,
            version: self
                .history
                .iter()
                .filter(|h| h.ticket_id == *id && h.history_type != HistoryType::SendAgentNotification.name())
                .map(|h| h.id)
                .max()
                .unwrap_or(0),
            articles: None,
            dynamic_fields: None,
        })
    }

    pub(super) fn append_history(
        &mut self,
        ticket_id: TicketId,
        entries: Vec<HistoryEntry>,
        by: UserId,
        now: DateTime<Utc>,
    ) {
        let Some((d, ..)) = self.tickets.iter().find(|t| t.1 == ticket_id).cloned() else { return };
        for e in entries {
            let id = self.history.len() as i64 + 1;
            self.history.push(HistoryRecord {
                id,
                ticket_id,
                article_id: e.article_id,
                history_type: e.history_type.name().to_string(),
                name: e.name,
                queue_id: d.queue_id,
                owner_id: d.owner_id,
                priority_id: d.priority_id,
                state_id: d.state_id,
                type_id: d.type_id,
                created: now,
                created_by: by,
            });
        }
    }

    /// Adds time to a ticket with its history row; the new total.
    fn account(&mut self, id: TicketId, article: Option<ArticleId>, units: f64, by: UserId, now: DateTime<Utc>) -> f64 {
        self.time.push((id, units));
        let total = self.time.iter().filter(|t| t.0 == id).map(|t| t.1).sum();
        self.append_history(id, vec![HistoryEntry::time_accounting(units, total, article)], by, now);
        total
    }

    /// Stores the article with its history rows, then the time it accounts for.
    fn add_article(
        &mut self,
        ticket_id: TicketId,
        a: NewArticle,
        history: &HistoryBuilder,
        by: UserId,
        now: DateTime<Utc>,
    ) -> ArticleId {
        let units = a.time_unit;
        let plain = a.plain.as_ref().map(|p| self.take_bytes(p));
        let outbound = a.outbound.clone();
        let id = self.insert_article(ticket_id, a, by, now);
        if let Some(plain) = plain {
            if let Some(envelope) = outbound {
                self.mail_ids += 1;
                let raw = plain.to_vec();
                let mail = QueuedMail { id: self.mail_ids, article_id: Some(id), envelope, raw, attempts: 0 };
                self.mail_queue.push(super::mail::Queued { mail, due: None, last_error: None });
            }
            self.plain.push((id, plain));
        }
        let entries = history(ticket_id, id);
        self.append_history(ticket_id, entries, by, now);
        if let Some(units) = units {
            self.account(ticket_id, Some(id), units, by, now);
        }
        id
    }

    fn insert_article(&mut self, ticket_id: TicketId, a: NewArticle, by: UserId, now: DateTime<Utc>) -> ArticleId {
        let id = self.articles.len() as i64 + 1;
        let mut attachments = Vec::new();
        for file in &a.attachments {
            let meta = Attachment {
                id: self.attachments.len() as i64 + 1,
                article_id: id,
                filename: file.filename().into(),
                content_type: file.content_type().into(),
                size: file.size(),
                disposition: "attachment".into(),
            };
            let bytes = self.take_bytes(file.content());
            self.attachments.push((meta.clone(), bytes.to_vec()));
            attachments.push(meta);
        }
        self.articles.push(Article {
            id,
            ticket_id,
            sender_type: a.sender_type,
            channel: a.channel,
            visible_for_customer: a.visible_for_customer,
            from: a.from,
            to: a.to,
            cc: a.cc,
            subject: Some(a.subject),
            body: a.body,
            content_type: a.content_type,
            message_id: a.message_id,
            in_reply_to: a.in_reply_to,
            references: a.references,
            incoming_time: now.timestamp(),
            created: now,
            created_by: by,
            attachments,
            has_source: a.plain.is_some(),
            dynamic_fields: Vec::new(),
        });
        self.write_article_fields(id, &a.dynamic_fields);
        self.seen_tickets.retain(|&(t, _)| t != ticket_id);
        self.seen_articles.insert((id, by));
        if self.unseen_articles(ticket_id, by).is_empty() {
            self.seen_tickets.insert((ticket_id, by));
        }
        id
    }

    pub(super) fn unseen_articles(&self, ticket_id: TicketId, by: UserId) -> Vec<ArticleId> {
        let of_ticket = self.articles.iter().filter(|a| a.ticket_id == ticket_id);
        of_ticket.map(|a| a.id).filter(|&a| !self.seen_articles.contains(&(a, by))).collect()
    }
}

fn write_column(d: &mut TicketDraft, c: Column) {
    match c {
        Column::Title(v) => d.title = v,
        Column::Queue(v) => d.queue_id = v,
        Column::State(v) => d.state_id = v,
        Column::Priority(v) => d.priority_id = v,
        Column::Type(v) => d.type_id = v,
        Column::Service(v) => d.service_id = v,
        Column::Sla(v) => d.sla_id = v,
        Column::Lock(v) => d.lock = v,
        Column::Owner(v) => d.owner_id = v,
        Column::Responsible(v) => d.responsible_id = v,
        Column::CustomerId(v) => d.customer_id = v,
        Column::CustomerUser(v) => d.customer_user_id = v,
        Column::PendingUntil(v) => d.until_time = v,
        Column::LockedAt(v) => d.lock_time = v,
    }
}

/// A ticket's articles, only those shown to customers when `customer_only`.
fn shown_articles(s: &State, ticket: TicketId, customer_only: bool) -> impl Iterator<Item = &Article> {
    s.articles.iter().filter(move |a| a.ticket_id == ticket && (!customer_only || a.visible_for_customer))
}

fn file_names(s: &State, article: ArticleId) -> impl Iterator<Item = &str> {
    s.attachments.iter().filter(move |f| f.0.article_id == article).map(|f| f.0.filename.as_str())
}

/// Texts as the index holds them: folded words.
fn indexed_words<'a>(texts: impl IntoIterator<Item = &'a str>) -> Vec<String> {
    index_text(texts, MAX_INDEXED_CHARS).split(' ').filter(|w| !w.is_empty()).map(String::from).collect()
}

/// An article's document, as the SQL stores index it.
fn article_words(s: &State, a: &Article) -> Vec<String> {
    let headers = [a.from.as_deref(), a.to.as_deref(), a.cc.as_deref(), a.subject.as_deref()];
    indexed_words(headers.into_iter().flatten().chain([a.body.as_str()]).chain(file_names(s, a.id)))
}

/// A ticket's document as the SQL stores index it: its own fields (with its dynamic
/// fields' texts), and its articles' words one after the other (see [`shown_articles`]).
fn search_docs(s: &State, t: &Ticket, customer_only: bool) -> Vec<Vec<String>> {
    let customer = s.customers.iter().find(|c| Some(&c.0.login) == t.customer_user_id.as_ref());
    let name = customer.map(|c| format!("{} {}", c.0.first_name, c.0.last_name));
    let own =
        [Some(t.number.as_str()), Some(t.title.as_str()), t.customer_user_id.as_deref(), t.customer_id.as_deref()];
    let field_texts = s.dynamic_fields.iter().filter(|(ticket, _)| *ticket == t.id).flat_map(|(_, v)| match &v.value {
        FieldValue::Text(text) => vec![text.as_str()],
        FieldValue::Texts(texts) => texts.iter().map(String::as_str).collect(),
        _ => Vec::new(),
    });
    let own = indexed_words(own.into_iter().flatten().chain(name.as_deref()).chain(field_texts));
    let articles = shown_articles(s, t.id, customer_only).flat_map(|a| article_words(s, a)).collect();
    [own, articles].into_iter().filter(|d: &Vec<String>| !d.is_empty()).collect()
}

/// How often the ticket's document holds each word of the search, summed: the
/// in-memory stand-in for an engine's ranking, which counts a word's occurrences.
fn relevance(s: &State, t: &Ticket, q: &SearchQuery, customer_only: bool) -> usize {
    let words: Vec<String> = search_docs(s, t, customer_only).concat();
    let occurrences = |p: &Pattern| match p {
        Pattern::Word(w) => words.iter().filter(|t| *t == w).count(),
        Pattern::Prefix(w) => words.iter().filter(|t| t.starts_with(w.as_str())).count(),
        Pattern::Phrase(ws) => words.windows(ws.len()).filter(|window| *window == ws.as_slice()).count(),
    };
    q.patterns(false).map(occurrences).sum()
}

/// Whether the ticket answers a search, read the way the SQL stores index it: every
/// pattern in one of its documents (its fields, or an article a customer may see when
/// `customer_only`), no excluded one in any, every field condition holding.
fn answers(s: &State, t: &Ticket, q: &SearchQuery, customer_only: bool) -> bool {
    let articles: Vec<&Article> = shown_articles(s, t.id, customer_only).collect();
    let docs = search_docs(s, t, customer_only);
    let found = |p: &Pattern| docs.iter().any(|d| p.found_in(d));
    let owner = s.agents.iter().find(|a| a.0.id == t.owner_id).map_or("", |a| a.0.login.as_str());
    let field_holds = |field: SearchField, value: &str| {
        let in_articles = |text: &dyn Fn(&Article) -> Option<&str>| {
            articles.iter().any(|a| text(a).is_some_and(|x| field_contains(x, value)))
        };
        match field {
            SearchField::Number => field_contains(&t.number, value),
            SearchField::Title => field_contains(&t.title, value),
            SearchField::Customer => [&t.customer_user_id, &t.customer_id]
                .into_iter()
                .any(|c| c.as_deref().is_some_and(|c| field_contains(c, value))),
            SearchField::From => in_articles(&|a| a.from.as_deref()),
            SearchField::To => in_articles(&|a| a.to.as_deref()),
            SearchField::Subject => in_articles(&|a| a.subject.as_deref()),
            SearchField::Body => in_articles(&|a| Some(a.body.as_str())),
            SearchField::Attachment => articles.iter().any(|a| file_names(s, a.id).any(|f| field_contains(f, value))),
            SearchField::Queue => field_contains(&t.queue, value),
            SearchField::State => field_contains(&t.state, value),
            SearchField::Owner => field_contains(owner, value),
        }
    };
    q.patterns(false).all(found)
        && !q.patterns(true).any(found)
        && q.fields().all(|(negated, field, value)| field_holds(field, value) != negated)
}

fn matches(s: &State, t: &Ticket, f: &TicketFilter) -> bool {
    let fields = &s.dynamic_fields;
    fn any<T: PartialEq>(set: &[T], v: &T) -> bool {
        set.is_empty() || set.contains(v)
    }
    any(&f.queue_ids, &t.queue_id)
        && any(&f.state_ids, &t.state_id)
        && any(&f.state_types, &t.state_type)
        && any(&f.priority_ids, &t.priority_id)
        && any(&f.owner_ids, &t.owner_id)
        && any(&f.responsible_ids, &t.responsible_id)
        && (f.customer_ids.is_empty() || t.customer_id.as_ref().is_some_and(|c| f.customer_ids.contains(c)))
        && (f.customer_user_ids.is_empty()
            || t.customer_user_id.as_ref().is_some_and(|c| f.customer_user_ids.contains(c)))
        && (f.type_ids.is_empty() || t.type_id.is_some_and(|x| f.type_ids.contains(&x)))
        && f.lock.is_none_or(|l| l == t.lock)
        && f.created_from.is_none_or(|x| t.created >= x)
        && f.created_until.is_none_or(|x| t.created < x)
        && f.changed_from.is_none_or(|x| t.changed >= x)
        && f.changed_until.is_none_or(|x| t.changed < x)
        && f.customer_scope
            .as_ref()
            .is_none_or(|(login, company)| crate::permission::customer_can_see(t, login, company))
        && f.title_contains.as_ref().is_none_or(|s| t.title.to_lowercase().contains(&s.to_lowercase()))
        && f.text.as_ref().is_none_or(|q| answers(s, t, q, f.customer_scope.is_some()))
        && f.fields.iter().all(|c| {
            let passes = |v: &DynamicFieldValue| v.field_id == c.field_id && c.test.passes(&v.value);
            if c.on_articles {
                let of_ticket = |a: &ArticleId| s.articles.iter().any(|x| x.id == *a && x.ticket_id == t.id);
                s.article_fields.iter().any(|(a, v)| of_ticket(a) && passes(v))
            } else {
                fields.iter().any(|(ticket, v)| *ticket == t.id && passes(v))
            }
        })
}

#[async_trait]
impl TicketRepository for MemoryStore {
    async fn create(
        &self,
        draft: TicketDraft,
        article: NewArticle,
        history: HistoryBuilder,
        by: UserId,
    ) -> DomainResult<CreatedTicket> {
        let now = self.now();
        let mut s = self.lock();
        if s.tickets.iter().any(|t| t.0.number == draft.number) {
            return Err(DomainError::Conflict(format!("ticket number {} exists", draft.number)));
        }
        let id = s.tickets.len() as i64 + 1;
        s.tickets.push((draft, id, now, now));
        let article_id = s.add_article(id, article, &history, by, now);
        let version = s.ticket(id).map_or(0, |t| t.version);
        Ok(CreatedTicket { id, article_id, created: now, version })
    }

    async fn get(&self, id: TicketId) -> DomainResult<Option<Ticket>> {
        Ok(self.lock().ticket(id))
    }

    async fn id_by_number(&self, number: &str) -> DomainResult<Option<TicketId>> {
        Ok(self.lock().tickets.iter().find(|t| t.0.number == number).map(|t| t.1))
    }

    async fn count(&self, filter: &TicketFilter, limit: Option<u64>) -> DomainResult<u64> {
        let n = self.matching(filter, TicketSort::default()).len() as u64;
        Ok(limit.map_or(n, |l| n.min(l + 1)))
    }

    async fn page(&self, filter: &TicketFilter, sort: TicketSort, page: PageRequest) -> DomainResult<Vec<Ticket>> {
        let all = self.matching(filter, sort);
        Ok(all.into_iter().skip(page.offset() as usize).take(page.per_page as usize).collect())
    }

    async fn apply(&self, id: TicketId, edit: TicketEdit, by: UserId) -> DomainResult<Applied> {
        let now = self.now();
        self.lock().apply_edit(id, edit, by, now)
    }

    async fn history(&self, id: TicketId) -> DomainResult<Vec<HistoryRecord>> {
        Ok(self.lock().history.iter().filter(|h| h.ticket_id == id).cloned().collect())
    }

    async fn watchers(&self, id: TicketId) -> DomainResult<Vec<UserId>> {
        Ok(self.lock().watchers.iter().filter(|w| w.0 == id).map(|w| w.1).collect())
    }

    async fn set_watching(
        &self,
        id: TicketId,
        user: UserId,
        watching: bool,
        history: HistoryEntry,
        by: UserId,
    ) -> DomainResult<bool> {
        let now = self.now();
        let mut s = self.lock();
        let present = s.watchers.contains(&(id, user));
        if present == watching {
            return Ok(false);
        }
        if watching {
            s.watchers.push((id, user));
        } else {
            s.watchers.retain(|w| *w != (id, user));
        }
        s.append_history(id, vec![history], by, now);
        Ok(true)
    }

    async fn merge(&self, source: TicketId, target: TicketId, plan: MergePlan, by: UserId) -> DomainResult<()> {
        let now = self.now();
        let mut s = self.lock();
        for a in s.articles.iter_mut().filter(|a| a.ticket_id == source) {
            a.ticket_id = target;
        }
        let moving: Vec<UserId> = s.watchers.iter().filter(|w| w.0 == source).map(|w| w.1).collect();
        s.watchers.retain(|w| w.0 != source);
        for u in moving {
            if !s.watchers.contains(&(target, u)) {
                s.watchers.push((target, u));
            }
        }
        s.insert_article(source, plan.note, by, now);
        let t = s.tickets.iter_mut().find(|t| t.1 == source).ok_or_else(|| DomainError::not_found("ticket", source))?;
        for c in plan.source_columns {
            write_column(&mut t.0, c);
        }
        t.3 = now;
        if plan.link_as_child && !s.links.contains(&(target, source, "ParentChild")) {
            s.links.push((target, source, "ParentChild"));
        }
        s.append_history(source, plan.source_history, by, now);
        s.append_history(target, plan.target_history, by, now);
        Ok(())
    }

    async fn account_time(
        &self,
        id: TicketId,
        article: Option<ArticleId>,
        units: f64,
        by: UserId,
    ) -> DomainResult<f64> {
        let now = self.now();
        let mut s = self.lock();
        if s.ticket(id).is_none() {
            return Err(DomainError::not_found("ticket", id));
        }
        Ok(s.account(id, article, units, by, now))
    }

    async fn accounted_time(&self, id: TicketId) -> DomainResult<f64> {
        Ok(self.lock().time.iter().filter(|t| t.0 == id).map(|t| t.1).sum())
    }

    async fn links(&self, id: TicketId) -> DomainResult<Vec<(TicketId, LinkKind)>> {
        let s = self.lock();
        Ok(s.links
            .iter()
            .filter_map(|(src, tgt, ty)| match (*ty, *src == id, *tgt == id) {
                ("Normal", true, _) => Some((*tgt, LinkKind::Normal)),
                ("Normal", _, true) => Some((*src, LinkKind::Normal)),
                (_, true, _) => Some((*tgt, LinkKind::ParentOf)),
                (_, _, true) => Some((*src, LinkKind::ChildOf)),
                _ => None,
            })
            .collect())
    }

    async fn add_link(
        &self,
        id: TicketId,
        other: TicketId,
        kind: LinkKind,
        history: [(TicketId, HistoryEntry); 2],
        by: UserId,
    ) -> DomainResult<bool> {
        let now = self.now();
        let mut s = self.lock();
        if s.links.iter().any(|l| same_link(l, id, other, kind)) {
            return Ok(false);
        }
        let (src, tgt) = if kind == LinkKind::ChildOf { (other, id) } else { (id, other) };
        s.links.push((src, tgt, kind.otrs_type()));
        for (ticket, entry) in history {
            s.append_history(ticket, vec![entry], by, now);
        }
        Ok(true)
    }

    async fn remove_link(
        &self,
        id: TicketId,
        other: TicketId,
        kind: LinkKind,
        history: [(TicketId, HistoryEntry); 2],
        by: UserId,
    ) -> DomainResult<bool> {
        let now = self.now();
        let mut s = self.lock();
        let before = s.links.len();
        s.links.retain(|l| !same_link(l, id, other, kind));
        if s.links.len() == before {
            return Ok(false);
        }
        for (ticket, entry) in history {
            s.append_history(ticket, vec![entry], by, now);
        }
        Ok(true)
    }

    async fn search_passages(
        &self,
        tickets: &[TicketId],
        query: &SearchQuery,
        customer_only: bool,
    ) -> DomainResult<Vec<(TicketId, String)>> {
        let s = self.lock();
        let mut found = Vec::new();
        for &id in tickets {
            let first = shown_articles(&s, id, customer_only)
                .find(|a| query.patterns(false).any(|p| p.found_in(&article_words(&s, a))));
            if let Some(a) = first {
                found.push((id, format!("{}\n{}", a.subject.as_deref().unwrap_or_default(), a.body)));
            }
        }
        Ok(found)
    }

    async fn count_by_queue_and_state(&self) -> DomainResult<Vec<(QueueId, StateId, u64)>> {
        let mut counts: Vec<(QueueId, StateId, u64)> = Vec::new();
        for (draft, ..) in &self.lock().tickets {
            match counts.iter_mut().find(|c| c.0 == draft.queue_id && c.1 == draft.state_id) {
                Some(c) => c.2 += 1,
                None => counts.push((draft.queue_id, draft.state_id, 1)),
            }
        }
        Ok(counts)
    }
}

impl MemoryStore {
    pub fn add_watcher(&self, ticket: TicketId, user: UserId) {
        self.lock().watchers.push((ticket, user));
    }
}

#[async_trait]
impl ArticleRepository for MemoryStore {
    async fn add(
        &self,
        ticket_id: TicketId,
        article: NewArticle,
        history: HistoryBuilder,
        by: UserId,
    ) -> DomainResult<ArticleId> {
        let now = self.now();
        let mut s = self.lock();
        if s.ticket(ticket_id).is_none() {
            return Err(DomainError::not_found("ticket", ticket_id));
        }
        Ok(s.add_article(ticket_id, article, &history, by, now))
    }

    async fn get(&self, id: ArticleId) -> DomainResult<Option<Article>> {
        Ok(self.lock().articles.iter().find(|a| a.id == id).cloned())
    }

    async fn list_for_ticket(&self, ticket_id: TicketId) -> DomainResult<Vec<Article>> {
        Ok(self.lock().articles.iter().filter(|a| a.ticket_id == ticket_id).cloned().collect())
    }

    async fn plain(&self, article_id: ArticleId) -> DomainResult<Option<Vec<u8>>> {
        Ok(self.lock().plain.iter().find(|p| p.0 == article_id).map(|p| p.1.to_vec()))
    }

    async fn by_message_id(&self, message_id: &str) -> DomainResult<Option<(TicketId, ArticleId)>> {
        let s = self.lock();
        Ok(s.articles.iter().find(|a| a.message_id.as_deref() == Some(message_id)).map(|a| (a.ticket_id, a.id)))
    }

    async fn attachment(&self, id: i64) -> DomainResult<Option<(Attachment, Vec<u8>)>> {
        Ok(self.lock().attachments.iter().find(|a| a.0.id == id).cloned())
    }
}

/// The counter follows OTRS's table rules: one row per allocation, numbered in row
/// order, counting from the first row of the day for date-based generators.
#[async_trait]
impl TicketNumberCounter for MemoryStore {
    async fn next(&self, date_based: bool, offset: u64, now: DateTime<Utc>) -> DomainResult<u64> {
        let mut s = self.lock();
        let midnight = now.date_naive().and_hms_opt(0, 0, 0).map(|t| t.and_utc());
        let previous =
            s.counters.iter().rev().find(|c| !date_based || midnight.is_some_and(|m| c.2 >= m)).map_or(0, |c| c.1);
        let counter = previous + offset;
        let id = s.counters.len() as i64 + 1;
        s.counters.push((id, counter, now));
        Ok(counter)
    }
}

/// Whether a stored link is the link `kind` between `id` and `other` (a `Normal` link in
/// either direction).
fn same_link(l: &(TicketId, TicketId, &'static str), id: TicketId, other: TicketId, kind: LinkKind) -> bool {
    let (src, tgt) = if kind == LinkKind::ChildOf { (other, id) } else { (id, other) };
    l.2 == kind.otrs_type() && ((l.0, l.1) == (src, tgt) || kind == LinkKind::Normal && (l.0, l.1) == (tgt, src))
}

impl MemoryStore {
    /// The tickets matching `filter`, in `sort` order.
    fn matching(&self, filter: &TicketFilter, sort: TicketSort) -> Vec<Ticket> {
        let s = self.lock();
        let escalated = |t: &Ticket| {
            filter.escalated_by.is_none_or(|at| {
                let e = s.escalations.iter().find(|e| e.0 == t.id).map_or(0, |e| e.1.escalation_time);
                e > 0 && e <= at.timestamp()
            })
        };
        let mut all: Vec<Ticket> =
            s.tickets.iter().filter_map(|t| s.ticket(t.1)).filter(|t| matches(&s, t, filter) && escalated(t)).collect();
        // Each ticket scored once, not at every comparison.
        let scores: std::collections::HashMap<TicketId, usize> = match (sort.field, &filter.text) {
            (TicketSortField::Relevance, Some(q)) if q.patterns(false).next().is_some() => {
                // Only the newest candidates are ranked, as the databases do.
                all.sort_by_key(|t| std::cmp::Reverse(t.id));
                all.truncate(crate::ports::RELEVANCE_CANDIDATES as usize);
                all.iter().map(|t| (t.id, relevance(&s, t, q, filter.customer_scope.is_some()))).collect()
            }
            _ => Default::default(),
        };
        all.sort_by(|a, b| {
            let o = match sort.field {
                TicketSortField::Number => a.number.cmp(&b.number),
                TicketSortField::Title => a.title.to_lowercase().cmp(&b.title.to_lowercase()),
                TicketSortField::Queue => a.queue.to_lowercase().cmp(&b.queue.to_lowercase()),
                TicketSortField::State => a.state.to_lowercase().cmp(&b.state.to_lowercase()),
                TicketSortField::Priority => a.priority_id.cmp(&b.priority_id),
                TicketSortField::Owner => a.owner_id.cmp(&b.owner_id),
                TicketSortField::Created => a.created.cmp(&b.created),
                TicketSortField::Changed => a.changed.cmp(&b.changed),
                TicketSortField::PendingUntil => a.until_time.cmp(&b.until_time),
                TicketSortField::Relevance if !scores.is_empty() => scores.get(&a.id).cmp(&scores.get(&b.id)),
                TicketSortField::Relevance => a.changed.cmp(&b.changed),
            }
            .then(a.id.cmp(&b.id));
            if sort.direction == SortDirection::Desc { o.reverse() } else { o }
        });
        all
    }
}
