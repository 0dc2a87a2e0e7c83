//! `/api/v1/admin/services`, `/slas` and `/templates`: the services tickets are about,
//! the SLAs that set how fast they are answered, and the answer templates agents reply
//! from, for members of the admin group — the same checks as their admin pages. Nothing
//! is deleted: `valid: false` switches one off, as OTRS does.

use goats_core::admin::ServiceInput;
use goats_core::escalation::Allowance;
use goats_core::model::{AnswerTemplate, Service, ServiceAudience, ServiceId, Sla};
use goats_core::permission::AgentPermissions;
use poem_openapi::param::Path;
use poem_openapi::payload::Json;
use poem_openapi::types::MaybeUndefined;
use poem_openapi::{ApiResponse, Object, OpenApi, Tags};

use super::admin::maybe;
use super::caller::BearerAuth;
use super::problem::ApiError;
use super::text::Text;
use crate::AppState;

#[derive(Tags)]
enum Tag {
    /// Services, SLAs and answer templates (admin group only).
    ServiceAdmin,
}

#[derive(Object)]
struct ServiceDto {
    id: i32,
    /// The whole name, with the services above it: `Email::Outlook`.
    name: String,
    /// The service it belongs to, if any.
    #[oai(skip_serializing_if_is_none)]
    parent_id: Option<i32>,
    #[oai(skip_serializing_if_is_none)]
    comments: Option<String>,
    valid: bool,
}

#[derive(Object)]
struct NewServiceDto {
    /// Its own name, without `::`; `parent_id` puts it below another.
    #[oai(validator(min_length = 1, max_length = 200))]
    name: Text,
    #[oai(nullable)]
    parent_id: Option<i32>,
    #[oai(nullable, validator(max_length = 250))]
    comments: Option<Text>,
    #[oai(nullable)]
    valid: Option<bool>,
    /// A default service, which every customer without services of their own may have
    /// (true unless told otherwise); `/services/{id}/customers` names customers.
    #[oai(nullable)]
    every_customer: Option<bool>,
}

/// Which customers may have a service on their tickets (OTRS's `service_customer_user`).
/// A customer given services by name has only those; everyone else has the default
/// services. Tickets without a customer may have any service.
#[derive(Object)]
struct ServiceCustomersDto {
    /// A default service: every customer without services of their own may have it.
    every_customer: bool,
    /// Customer user logins it is given to by name (at most 1000).
    #[oai(validator(max_items = 1000))]
    customers: Vec<Text>,
}

#[derive(Object)]
struct ServicePatch {
    /// Its own name, without `::`; the services below it follow a rename.
    #[oai(nullable, validator(min_length = 1, max_length = 200))]
    name: Option<Text>,
    /// `null` makes it a top-level service.
    #[oai(nullable)]
    parent_id: MaybeUndefined<i32>,
    #[oai(nullable, validator(max_length = 250))]
    comments: MaybeUndefined<Text>,
    #[oai(nullable)]
    valid: Option<bool>,
}

#[derive(Object)]
struct SlaDto {
    id: i32,
    name: String,
    /// The calendar its times count in; none counts in the default one.
    #[oai(skip_serializing_if_is_none)]
    calendar_name: Option<String>,
    /// Working minutes (0 = off) and the percentage of them after which agents are warned.
    first_response_time: i32,
    first_response_notify: i32,
    update_time: i32,
    update_notify: i32,
    solution_time: i32,
    solution_notify: i32,
    /// The services it is offered for.
    service_ids: Vec<i32>,
    #[oai(skip_serializing_if_is_none)]
    comments: Option<String>,
    valid: bool,
}

#[derive(Object)]
struct NewSlaDto {
    #[oai(validator(min_length = 1, max_length = 200))]
    name: Text,
    #[oai(nullable, validator(max_length = 100))]
    calendar_name: Option<Text>,
    #[oai(nullable)]
    first_response_time: Option<i32>,
    #[oai(nullable)]
    first_response_notify: Option<i32>,
    #[oai(nullable)]
    update_time: Option<i32>,
    #[oai(nullable)]
    update_notify: Option<i32>,
    #[oai(nullable)]
    solution_time: Option<i32>,
    #[oai(nullable)]
    solution_notify: Option<i32>,
    #[oai(nullable)]
    service_ids: Option<Vec<i32>>,
    #[oai(nullable, validator(max_length = 250))]
    comments: Option<Text>,
    #[oai(nullable)]
    valid: Option<bool>,
}

#[derive(Object)]
struct SlaPatch {
    #[oai(nullable, validator(min_length = 1, max_length = 200))]
    name: Option<Text>,
    #[oai(nullable, validator(max_length = 100))]
    calendar_name: MaybeUndefined<Text>,
    #[oai(nullable)]
    first_response_time: Option<i32>,
    #[oai(nullable)]
    first_response_notify: Option<i32>,
    #[oai(nullable)]
    update_time: Option<i32>,
    #[oai(nullable)]
    update_notify: Option<i32>,
    #[oai(nullable)]
    solution_time: Option<i32>,
    #[oai(nullable)]
    solution_notify: Option<i32>,
    /// Replaces the services it is offered for.
    #[oai(nullable)]
    service_ids: Option<Vec<i32>>,
    #[oai(nullable, validator(max_length = 250))]
    comments: MaybeUndefined<Text>,
    #[oai(nullable)]
    valid: Option<bool>,
}

#[derive(Object)]
struct TemplateDto {
    id: i32,
    name: String,
    /// The text, with OTRS's `<OTRS_…>` tags filled in when an agent uses it.
    text: String,
    /// OTRS's kind: `Answer` for those goats makes; another kind from an OTRS site keeps its kind.
    template_type: String,
    /// The queues whose tickets offer it in a reply.
    queue_ids: Vec<i32>,
    #[oai(skip_serializing_if_is_none)]
    comments: Option<String>,
    valid: bool,
}

#[derive(Object)]
struct NewTemplateDto {
    #[oai(validator(min_length = 1, max_length = 200))]
    name: Text,
    #[oai(nullable)]
    text: Option<Text>,
    #[oai(nullable)]
    queue_ids: Option<Vec<i32>>,
    #[oai(nullable, validator(max_length = 250))]
    comments: Option<Text>,
    #[oai(nullable)]
    valid: Option<bool>,
}

#[derive(Object)]
struct TemplatePatch {
    #[oai(nullable, validator(min_length = 1, max_length = 200))]
    name: Option<Text>,
    #[oai(nullable)]
    text: Option<Text>,
    /// Replaces the queues offering it.
    #[oai(nullable)]
    queue_ids: Option<Vec<i32>>,
    #[oai(nullable, validator(max_length = 250))]
    comments: MaybeUndefined<Text>,
    #[oai(nullable)]
    valid: Option<bool>,
}

#[derive(ApiResponse)]
enum CreatedService {
    #[oai(status = 201)]
    Created(Json<ServiceDto>),
}

#[derive(ApiResponse)]
enum CreatedSla {
    #[oai(status = 201)]
    Created(Json<SlaDto>),
}

#[derive(ApiResponse)]
enum CreatedTemplate {
    #[oai(status = 201)]
    Created(Json<TemplateDto>),
}

fn service_dto(s: &Service, all: &[Service]) -> ServiceDto {
    let parent_id = s.parent_name().and_then(|p| all.iter().find(|x| x.name == p)).map(|p| p.id);
    ServiceDto { id: s.id, name: s.name.clone(), parent_id, comments: s.comments.clone(), valid: s.valid }
}

impl From<ServiceAudience> for ServiceCustomersDto {
    fn from(a: ServiceAudience) -> Self {
        Self { every_customer: a.every_customer, customers: a.customers.into_iter().map(Text).collect() }
    }
}

impl From<Sla> for SlaDto {
    fn from(s: Sla) -> Self {
        Self {
            id: s.id,
            name: s.name,
            calendar_name: s.calendar_name,
            first_response_time: s.first_response.minutes,
            first_response_notify: s.first_response.notify_percent,
            update_time: s.update.minutes,
            update_notify: s.update.notify_percent,
            solution_time: s.solution.minutes,
            solution_notify: s.solution.notify_percent,
            service_ids: s.service_ids,
            comments: s.comments,
            valid: s.valid,
        }
    }
}

impl From<AnswerTemplate> for TemplateDto {
    fn from(t: AnswerTemplate) -> Self {
        Self {
            id: t.id,
            name: t.name,
            text: t.text,
            template_type: t.template_type,
            queue_ids: t.queue_ids,
            comments: t.comments,
            valid: t.valid,
        }
    }
}

/// A changed allowance: the minutes and the warning percentage each as given, else as
/// they were.
fn allowance(was: Allowance, minutes: Option<i32>, notify: Option<i32>) -> Allowance {
    Allowance { minutes: minutes.unwrap_or(was.minutes), notify_percent: notify.unwrap_or(was.notify_percent) }
}

pub struct ServiceAdminApi {
    pub state: AppState,
}

impl ServiceAdminApi {
    /// The stored service as the admin service takes it, to change a part of. One read
    /// of the services gives it and the one it belongs to.
    async fn stored_input(&self, caller: &AgentPermissions, id: ServiceId) -> Result<ServiceInput, ApiError> {
        let all = self.state.admin.services(caller).await?;
        let stored = found(&all, id)?;
        let was = service_dto(stored, &all);
        Ok(ServiceInput {
            name: stored.leaf().to_string(),
            parent_id: was.parent_id,
            comments: was.comments,
            valid: was.valid,
            audience: None,
        })
    }

    async fn service_answer(&self, caller: &AgentPermissions, id: ServiceId) -> Result<ServiceDto, ApiError> {
        let all = self.state.admin.services(caller).await?;
        Ok(service_dto(found(&all, id)?, &all))
    }
}

fn found(all: &[Service], id: ServiceId) -> Result<&Service, ApiError> {
    all.iter().find(|s| s.id == id).ok_or_else(|| ApiError::not_found(format!("service {id} does not exist")))
}

#[OpenApi(prefix_path = "/v1/admin", tag = "Tag::ServiceAdmin")]
impl ServiceAdminApi {
    /// Every service, valid or not, each after the one it belongs to.
    #[oai(path = "/services", method = "get")]
    async fn services(&self, auth: BearerAuth) -> Result<Json<Vec<ServiceDto>>, ApiError> {
        let caller = self.state.reader(&auth).await?;
        let all = self.state.admin.services(&caller).await?;
        Ok(Json(all.iter().map(|s| service_dto(s, &all)).collect()))
    }

    /// A new service, at the top or below `parent_id`.
    #[oai(path = "/services", method = "post")]
    async fn create_service(&self, auth: BearerAuth, body: Json<NewServiceDto>) -> Result<CreatedService, ApiError> {
        let caller = self.state.writer(&auth).await?;
        let b = body.0;
        let input = ServiceInput {
            name: b.name.0,
            parent_id: b.parent_id,
            comments: b.comments.map(Into::into),
            valid: b.valid.unwrap_or(true),
            audience: Some(ServiceAudience { every_customer: b.every_customer.unwrap_or(true), customers: Vec::new() }),
        };
        let id = self.state.admin.save_service(&caller, 0, input).await?;
        Ok(CreatedService::Created(Json(self.service_answer(&caller, id).await?)))
    }

    #[oai(path = "/services/:id", method = "get")]
    async fn service(&self, auth: BearerAuth, id: Path<i32>) -> Result<Json<ServiceDto>, ApiError> {
        let caller = self.state.reader(&auth).await?;
        Ok(Json(self.service_answer(&caller, id.0).await?))
    }

    /// Renames or moves a service (the ones below it follow), or sets it invalid.
    #[oai(path = "/services/:id", method = "patch")]
    async fn change_service(
        &self,
        auth: BearerAuth,
        id: Path<i32>,
        body: Json<ServicePatch>,
    ) -> Result<Json<ServiceDto>, ApiError> {
        let caller = self.state.writer(&auth).await?;
        let was = self.stored_input(&caller, id.0).await?;
        let b = body.0;
        let input = ServiceInput {
            name: b.name.map(Into::into).unwrap_or(was.name),
            parent_id: match b.parent_id {
                MaybeUndefined::Undefined => was.parent_id,
                MaybeUndefined::Null => None,
                MaybeUndefined::Value(p) => Some(p),
            },
            comments: maybe(b.comments).unwrap_or(was.comments),
            valid: b.valid.unwrap_or(was.valid),
            audience: None,
        };
        self.state.admin.save_service(&caller, id.0, input).await?;
        Ok(Json(self.service_answer(&caller, id.0).await?))
    }

    /// Which customers may have the service.
    #[oai(path = "/services/:id/customers", method = "get")]
    async fn service_customers(&self, auth: BearerAuth, id: Path<i32>) -> Result<Json<ServiceCustomersDto>, ApiError> {
        let caller = self.state.reader(&auth).await?;
        found(&self.state.admin.services(&caller).await?, id.0)?;
        Ok(Json(self.state.admin.service_audience(&caller, id.0).await?.into()))
    }

    /// Replaces which customers may have the service; every login must be a customer
    /// user's.
    #[oai(path = "/services/:id/customers", method = "put")]
    async fn set_service_customers(
        &self,
        auth: BearerAuth,
        id: Path<i32>,
        body: Json<ServiceCustomersDto>,
    ) -> Result<Json<ServiceCustomersDto>, ApiError> {
        let caller = self.state.writer(&auth).await?;
        let b = body.0;
        let audience = ServiceAudience {
            every_customer: b.every_customer,
            customers: b.customers.into_iter().map(|c| c.0).collect(),
        };
        let input = ServiceInput { audience: Some(audience), ..self.stored_input(&caller, id.0).await? };
        self.state.admin.save_service(&caller, id.0, input).await?;
        Ok(Json(self.state.admin.service_audience(&caller, id.0).await?.into()))
    }

    /// Every SLA, valid or not, with the services it is offered for.
    #[oai(path = "/slas", method = "get")]
    async fn slas(&self, auth: BearerAuth) -> Result<Json<Vec<SlaDto>>, ApiError> {
        let caller = self.state.reader(&auth).await?;
        Ok(Json(self.state.admin.slas(&caller).await?.into_iter().map(Into::into).collect()))
    }

    /// A new SLA; times left out are off.
    #[oai(path = "/slas", method = "post")]
    async fn create_sla(&self, auth: BearerAuth, body: Json<NewSlaDto>) -> Result<CreatedSla, ApiError> {
        let caller = self.state.writer(&auth).await?;
        let b = body.0;
        let sla = Sla {
            id: 0,
            name: b.name.0,
            calendar_name: b.calendar_name.map(Into::into),
            first_response: allowance(Allowance::default(), b.first_response_time, b.first_response_notify),
            update: allowance(Allowance::default(), b.update_time, b.update_notify),
            solution: allowance(Allowance::default(), b.solution_time, b.solution_notify),
            service_ids: b.service_ids.unwrap_or_default(),
            comments: b.comments.map(Into::into),
            valid: b.valid.unwrap_or(true),
        };
        let id = self.state.admin.save_sla(&caller, sla).await?;
        Ok(CreatedSla::Created(Json(self.state.admin.sla(&caller, id).await?.into())))
    }

    #[oai(path = "/slas/:id", method = "get")]
    async fn sla(&self, auth: BearerAuth, id: Path<i32>) -> Result<Json<SlaDto>, ApiError> {
        let caller = self.state.reader(&auth).await?;
        Ok(Json(self.state.admin.sla(&caller, id.0).await?.into()))
    }

    /// Changes the given settings; `valid: false` switches the SLA off.
    #[oai(path = "/slas/:id", method = "patch")]
    async fn change_sla(
        &self,
        auth: BearerAuth,
        id: Path<i32>,
        body: Json<SlaPatch>,
    ) -> Result<Json<SlaDto>, ApiError> {
        let caller = self.state.writer(&auth).await?;
        let was = self.state.admin.sla(&caller, id.0).await?;
        let b = body.0;
        let sla = Sla {
            id: was.id,
            name: b.name.map(Into::into).unwrap_or(was.name),
            calendar_name: maybe(b.calendar_name).unwrap_or(was.calendar_name),
            first_response: allowance(was.first_response, b.first_response_time, b.first_response_notify),
            update: allowance(was.update, b.update_time, b.update_notify),
            solution: allowance(was.solution, b.solution_time, b.solution_notify),
            service_ids: b.service_ids.unwrap_or(was.service_ids),
            comments: maybe(b.comments).unwrap_or(was.comments),
            valid: b.valid.unwrap_or(was.valid),
        };
        self.state.admin.save_sla(&caller, sla).await?;
        Ok(Json(self.state.admin.sla(&caller, id.0).await?.into()))
    }

    /// Every answer template, valid or not, with the queues offering it.
    #[oai(path = "/templates", method = "get")]
    async fn templates(&self, auth: BearerAuth) -> Result<Json<Vec<TemplateDto>>, ApiError> {
        let caller = self.state.reader(&auth).await?;
        Ok(Json(self.state.admin.answer_templates(&caller).await?.into_iter().map(Into::into).collect()))
    }

    /// A new answer template, offered in the replies of `queue_ids`.
    #[oai(path = "/templates", method = "post")]
    async fn create_template(&self, auth: BearerAuth, body: Json<NewTemplateDto>) -> Result<CreatedTemplate, ApiError> {
        let caller = self.state.writer(&auth).await?;
        let b = body.0;
        let template = AnswerTemplate {
            id: 0,
            name: b.name.0,
            text: b.text.map(Into::into).unwrap_or_default(),
            content_type: None,
            template_type: String::new(),
            comments: b.comments.map(Into::into),
            valid: b.valid.unwrap_or(true),
            queue_ids: b.queue_ids.unwrap_or_default(),
        };
        let id = self.state.admin.save_answer_template(&caller, template).await?;
        Ok(CreatedTemplate::Created(Json(self.state.admin.answer_template(&caller, id).await?.into())))
    }

    #[oai(path = "/templates/:id", method = "get")]
    async fn template(&self, auth: BearerAuth, id: Path<i32>) -> Result<Json<TemplateDto>, ApiError> {
        let caller = self.state.reader(&auth).await?;
        Ok(Json(self.state.admin.answer_template(&caller, id.0).await?.into()))
    }

    /// Changes the given settings; `valid: false` switches the template off.
    #[oai(path = "/templates/:id", method = "patch")]
    async fn change_template(
        &self,
        auth: BearerAuth,
        id: Path<i32>,
        body: Json<TemplatePatch>,
    ) -> Result<Json<TemplateDto>, ApiError> {
        let caller = self.state.writer(&auth).await?;
        let was = self.state.admin.answer_template(&caller, id.0).await?;
        let b = body.0;
        let template = AnswerTemplate {
            name: b.name.map(Into::into).unwrap_or(was.name),
            text: b.text.map(Into::into).unwrap_or(was.text),
            comments: maybe(b.comments).unwrap_or(was.comments),
            valid: b.valid.unwrap_or(was.valid),
            queue_ids: b.queue_ids.unwrap_or(was.queue_ids),
            ..was
        };
        self.state.admin.save_answer_template(&caller, template).await?;
        Ok(Json(self.state.admin.answer_template(&caller, id.0).await?.into()))
    }
}
