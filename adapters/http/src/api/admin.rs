//! `/api/v1/admin/…`: queues, states, priorities, types, groups, roles and agents, for
//! members of the admin group. Nothing is deleted: `valid: false` switches a row off,
//! as OTRS does.

use goats_core::admin::{AgentChanges, AgentInput, LookupChange, QueueChanges};
use goats_core::model::{Agent, FollowUp, Group, Queue, Role};
use goats_core::permission::Permission;
use goats_core::ports::{LookupKind, NewQueue};
use poem_openapi::param::Path;
use poem_openapi::payload::Json;
use poem_openapi::types::MaybeUndefined;
use poem_openapi::{ApiResponse, Enum, Object, OpenApi, Tags};

use super::caller::BearerAuth;
use super::problem::ApiError;
use super::text::Text;
use super::tickets::StateTypeDto;
use crate::AppState;

#[derive(Tags)]
enum Tag {
    /// Administration (admin group only): nothing is deleted, rows are set invalid.
    Admin,
}

#[derive(Object)]
struct AdminQueueDto {
    id: i32,
    name: String,
    group_id: i32,
    /// Minutes after which a locked ticket is unlocked (0 = never).
    unlock_timeout: i32,
    /// Escalation allowances in working minutes (0 = off).
    first_response_time: i32,
    update_time: i32,
    solution_time: i32,
    #[oai(skip_serializing_if_is_none)]
    calendar_name: Option<String>,
    #[oai(skip_serializing_if_is_none)]
    comments: Option<String>,
    /// What a mail answering a closed ticket of this queue does.
    follow_up: FollowUpDto,
    /// Whether such a follow-up locks the ticket to its owner again.
    follow_up_lock: bool,
    /// Whether customers may open tickets in it from the portal (and the API).
    customer_selectable: bool,
    /// Whether customers may close its tickets from the portal.
    customer_closable: bool,
    /// The system address its mail leaves from.
    system_address_id: i32,
    /// The salutation and signature its replies open and close with.
    salutation_id: i32,
    signature_id: i32,
    valid: bool,
}

/// What a mail answering a closed ticket does: `possible` reopens the ticket, `reject`
/// adds the mail but leaves the ticket closed, `new_ticket` opens a new one.
#[derive(Debug, Clone, Copy, Enum, PartialEq, Eq)]
#[oai(rename_all = "snake_case")]
enum FollowUpDto {
    Possible,
    Reject,
    NewTicket,
}

impl From<FollowUp> for FollowUpDto {
    fn from(f: FollowUp) -> Self {
        match f {
            FollowUp::Possible => Self::Possible,
            FollowUp::Reject => Self::Reject,
            FollowUp::NewTicket => Self::NewTicket,
        }
    }
}

impl From<FollowUpDto> for FollowUp {
    fn from(f: FollowUpDto) -> Self {
        match f {
            FollowUpDto::Possible => Self::Possible,
            FollowUpDto::Reject => Self::Reject,
            FollowUpDto::NewTicket => Self::NewTicket,
        }
    }
}

impl From<Queue> for AdminQueueDto {
    fn from(q: Queue) -> Self {
        Self {
            id: q.id,
            name: q.name,
            group_id: q.group_id,
            unlock_timeout: q.unlock_timeout,
            first_response_time: q.first_response_time,
            update_time: q.update_time,
            solution_time: q.solution_time,
            calendar_name: q.calendar_name,
            comments: q.comments,
            follow_up: q.follow_up.into(),
            follow_up_lock: q.follow_up_lock,
            customer_selectable: q.customer_selectable,
            customer_closable: q.customer_closable,
            system_address_id: q.system_address_id,
            salutation_id: q.salutation_id,
            signature_id: q.signature_id,
            valid: q.valid,
        }
    }
}

#[derive(Object)]
struct NewQueueDto {
    #[oai(validator(min_length = 1, max_length = 200))]
    name: Text,
    group_id: i32,
    /// Minutes; 0 or absent = never.
    #[oai(nullable)]
    unlock_timeout: Option<i32>,
    /// Working minutes; 0 or absent = off.
    #[oai(nullable)]
    first_response_time: Option<i32>,
    #[oai(nullable)]
    update_time: Option<i32>,
    #[oai(nullable)]
    solution_time: Option<i32>,
    #[oai(nullable, validator(max_length = 100))]
    calendar_name: Option<Text>,
    #[oai(nullable, validator(max_length = 250))]
    comments: Option<Text>,
    /// `possible` when absent.
    #[oai(nullable)]
    follow_up: Option<FollowUpDto>,
    /// False when absent.
    #[oai(nullable)]
    follow_up_lock: Option<bool>,
    /// True when absent.
    #[oai(nullable)]
    customer_selectable: Option<bool>,
    /// True when absent.
    #[oai(nullable)]
    customer_closable: Option<bool>,
    /// 1 (OTRS's default address, salutation, signature) when absent.
    #[oai(nullable)]
    system_address_id: Option<i32>,
    #[oai(nullable)]
    salutation_id: Option<i32>,
    #[oai(nullable)]
    signature_id: Option<i32>,
}

#[derive(Object)]
struct QueuePatch {
    #[oai(nullable, validator(min_length = 1, max_length = 200))]
    name: Option<Text>,
    #[oai(nullable)]
    group_id: Option<i32>,
    #[oai(nullable)]
    unlock_timeout: Option<i32>,
    #[oai(nullable)]
    first_response_time: Option<i32>,
    #[oai(nullable)]
    update_time: Option<i32>,
    #[oai(nullable)]
    solution_time: Option<i32>,
    /// `null` removes it.
    #[oai(nullable, validator(max_length = 100))]
    calendar_name: MaybeUndefined<Text>,
    #[oai(nullable, validator(max_length = 250))]
    comments: MaybeUndefined<Text>,
    #[oai(nullable)]
    follow_up: Option<FollowUpDto>,
    #[oai(nullable)]
    follow_up_lock: Option<bool>,
    #[oai(nullable)]
    customer_selectable: Option<bool>,
    #[oai(nullable)]
    customer_closable: Option<bool>,
    #[oai(nullable)]
    system_address_id: Option<i32>,
    #[oai(nullable)]
    salutation_id: Option<i32>,
    #[oai(nullable)]
    signature_id: Option<i32>,
    #[oai(nullable)]
    valid: Option<bool>,
}

pub(super) fn maybe(v: MaybeUndefined<Text>) -> Option<Option<String>> {
    match v {
        MaybeUndefined::Undefined => None,
        MaybeUndefined::Null => Some(None),
        MaybeUndefined::Value(t) => Some(Some(t.0)),
    }
}

#[derive(Object)]
struct LookupDto {
    id: i32,
    name: String,
    /// For states only.
    #[oai(skip_serializing_if_is_none)]
    state_type: Option<StateTypeDto>,
    valid: bool,
    /// States and priorities: `#` and six hexadecimal digits (absent when the stored
    /// value is no colour).
    #[oai(skip_serializing_if_is_none)]
    color: Option<String>,
}

#[derive(Object)]
struct NewLookupDto {
    #[oai(validator(min_length = 1, max_length = 200))]
    name: Text,
    /// Required for states, ignored otherwise.
    #[oai(nullable)]
    state_type: Option<StateTypeDto>,
    /// States and priorities (refused for types): `#` and six hexadecimal digits, e.g.
    /// `#3DD598`; OTRS's grey when left out.
    #[oai(nullable, validator(max_length = 7))]
    color: Option<String>,
}

#[derive(Object)]
struct LookupPatch {
    #[oai(nullable, validator(min_length = 1, max_length = 200))]
    name: Option<Text>,
    #[oai(nullable)]
    valid: Option<bool>,
    /// A state's type (refused for priorities and types; the merged state keeps its own).
    #[oai(nullable)]
    state_type: Option<StateTypeDto>,
    /// A state's or priority's colour (refused for types).
    #[oai(nullable, validator(max_length = 7))]
    color: Option<String>,
}

#[derive(Object)]
struct GroupOrRoleDto {
    id: i32,
    name: String,
    #[oai(skip_serializing_if_is_none)]
    comments: Option<String>,
    valid: bool,
}

impl From<Group> for GroupOrRoleDto {
    fn from(g: Group) -> Self {
        Self { id: g.id, name: g.name, comments: g.comments, valid: g.valid }
    }
}

impl From<Role> for GroupOrRoleDto {
    fn from(r: Role) -> Self {
        Self { id: r.id, name: r.name, comments: r.comments, valid: r.valid }
    }
}

#[derive(Object)]
struct NewGroupOrRole {
    #[oai(validator(min_length = 1, max_length = 200))]
    name: Text,
    #[oai(nullable, validator(max_length = 250))]
    comments: Option<Text>,
}

#[derive(Object)]
struct ValidPatch {
    valid: bool,
}

#[derive(Object)]
struct AdminAgentDto {
    id: i32,
    login: String,
    first_name: String,
    last_name: String,
    #[oai(skip_serializing_if_is_none)]
    email: Option<String>,
    valid: bool,
}

impl From<Agent> for AdminAgentDto {
    fn from(a: Agent) -> Self {
        Self {
            id: a.id,
            login: a.login,
            first_name: a.first_name,
            last_name: a.last_name,
            email: a.email,
            valid: a.valid,
        }
    }
}

#[derive(Object)]
struct NewAgentDto {
    #[oai(validator(min_length = 1, max_length = 200))]
    login: Text,
    #[oai(validator(min_length = 1, max_length = 200))]
    first_name: Text,
    #[oai(validator(min_length = 1, max_length = 200))]
    last_name: Text,
    #[oai(nullable, validator(max_length = 250))]
    email: Option<Text>,
    /// At least 8 characters; stored as OTRS's `BCRYPT:` hash.
    #[oai(validator(min_length = 8, max_length = 200))]
    password: Text,
}

#[derive(Object)]
struct AgentPatch {
    #[oai(nullable, validator(min_length = 1, max_length = 200))]
    first_name: Option<Text>,
    #[oai(nullable, validator(min_length = 1, max_length = 200))]
    last_name: Option<Text>,
    /// `null` removes it.
    #[oai(nullable, validator(max_length = 250))]
    email: MaybeUndefined<Text>,
    #[oai(nullable, validator(min_length = 8, max_length = 200))]
    password: Option<Text>,
    #[oai(nullable)]
    valid: Option<bool>,
}

/// OTRS's permission types; `rw` implies all the others.
#[derive(Debug, Clone, Copy, Enum, PartialEq, Eq)]
#[oai(rename_all = "snake_case")]
enum PermissionDto {
    Ro,
    MoveInto,
    Create,
    Note,
    Owner,
    Priority,
    Rw,
}

impl From<PermissionDto> for Permission {
    fn from(p: PermissionDto) -> Self {
        match p {
            PermissionDto::Ro => Permission::Ro,
            PermissionDto::MoveInto => Permission::MoveInto,
            PermissionDto::Create => Permission::Create,
            PermissionDto::Note => Permission::Note,
            PermissionDto::Owner => Permission::Owner,
            PermissionDto::Priority => Permission::Priority,
            PermissionDto::Rw => Permission::Rw,
        }
    }
}

#[derive(ApiResponse)]
enum CreatedQueue {
    #[oai(status = 201)]
    Created(Json<AdminQueueDto>),
}

#[derive(ApiResponse)]
enum CreatedLookup {
    #[oai(status = 201)]
    Created(Json<LookupDto>),
}

#[derive(ApiResponse)]
enum CreatedNamed {
    #[oai(status = 201)]
    Created(Json<GroupOrRoleDto>),
}

#[derive(ApiResponse)]
enum CreatedAgent {
    #[oai(status = 201)]
    Created(Json<AdminAgentDto>),
}

#[derive(ApiResponse)]
enum Done {
    /// Done (doing it again changes nothing).
    #[oai(status = 204)]
    Done,
}

pub struct AdminApi {
    pub state: AppState,
}

impl AdminApi {
    async fn lookups(&self, kind: LookupKind) -> Result<Vec<LookupDto>, ApiError> {
        let l = &self.state.lookups;
        Ok(match kind {
            LookupKind::State => l
                .states()
                .await?
                .into_iter()
                .map(|s| LookupDto {
                    id: s.id,
                    name: s.name,
                    state_type: Some(s.state_type.into()),
                    valid: s.valid,
                    color: s.colour.map(|c| c.to_string()),
                })
                .collect(),
            LookupKind::Priority => l
                .priorities()
                .await?
                .into_iter()
                .map(|p| LookupDto {
                    id: p.id,
                    name: p.name,
                    state_type: None,
                    valid: p.valid,
                    color: p.colour.map(|c| c.to_string()),
                })
                .collect(),
            LookupKind::Type => l
                .types()
                .await?
                .into_iter()
                .map(|t| LookupDto { id: t.id, name: t.name, state_type: None, valid: t.valid, color: None })
                .collect(),
        })
    }

    async fn list_lookup(&self, auth: &BearerAuth, kind: LookupKind) -> Result<Json<Vec<LookupDto>>, ApiError> {
        let caller = self.state.reader(auth).await?;
        if !caller.is_admin() {
            return Err(ApiError::forbidden("administration needs rw on the admin group"));
        }
        Ok(Json(self.lookups(kind).await?))
    }

    async fn create_lookup(
        &self,
        auth: &BearerAuth,
        kind: LookupKind,
        body: NewLookupDto,
    ) -> Result<CreatedLookup, ApiError> {
        let caller = self.state.writer(auth).await?;
        let state_type = body.state_type.map(Into::into);
        let id = self.state.admin.create_lookup(&caller, kind, &body.name.0, state_type, body.color.as_deref()).await?;
        self.one_lookup(kind, id).await.map(|l| CreatedLookup::Created(Json(l)))
    }

    async fn patch_lookup(
        &self,
        auth: &BearerAuth,
        kind: LookupKind,
        id: i32,
        body: LookupPatch,
    ) -> Result<Json<LookupDto>, ApiError> {
        let caller = self.state.writer(auth).await?;
        let change = LookupChange {
            name: body.name.as_ref().map(|n| n.0.as_str()),
            valid: body.valid,
            state_type: body.state_type.map(Into::into),
            colour: body.color.as_deref(),
        };
        self.state.admin.change_lookup(&caller, kind, id, change).await?;
        self.one_lookup(kind, id).await.map(Json)
    }

    async fn one_lookup(&self, kind: LookupKind, id: i32) -> Result<LookupDto, ApiError> {
        self.lookups(kind)
            .await?
            .into_iter()
            .find(|l| l.id == id)
            .ok_or_else(|| ApiError::not_found(format!("{} {id} does not exist", kind.noun())))
    }
}

#[OpenApi(prefix_path = "/v1/admin", tag = "Tag::Admin")]
impl AdminApi {
    /// Every queue, valid or not.
    #[oai(path = "/queues", method = "get")]
    async fn queues(&self, auth: BearerAuth) -> Result<Json<Vec<AdminQueueDto>>, ApiError> {
        let caller = self.state.reader(&auth).await?;
        Ok(Json(self.state.admin.queues(&caller).await?.into_iter().map(Into::into).collect()))
    }

    /// A new queue; its tickets belong to `group_id` for permissions.
    #[oai(path = "/queues", method = "post")]
    async fn create_queue(&self, auth: BearerAuth, body: Json<NewQueueDto>) -> Result<CreatedQueue, ApiError> {
        let caller = self.state.writer(&auth).await?;
        let b = body.0;
        let queue = NewQueue {
            name: b.name.0,
            group_id: b.group_id,
            unlock_timeout: b.unlock_timeout.unwrap_or(0),
            first_response_time: b.first_response_time.unwrap_or(0),
            update_time: b.update_time.unwrap_or(0),
            solution_time: b.solution_time.unwrap_or(0),
            calendar_name: b.calendar_name.map(Into::into),
            comments: b.comments.map(Into::into),
            follow_up: b.follow_up.map(Into::into).unwrap_or_default(),
            follow_up_lock: b.follow_up_lock.unwrap_or(false),
            customer_selectable: b.customer_selectable.unwrap_or(true),
            customer_closable: b.customer_closable.unwrap_or(true),
            system_address_id: b.system_address_id.unwrap_or(1),
            salutation_id: b.salutation_id.unwrap_or(1),
            signature_id: b.signature_id.unwrap_or(1),
        };
        Ok(CreatedQueue::Created(Json(self.state.admin.create_queue(&caller, queue).await?.into())))
    }

    #[oai(path = "/queues/:id", method = "get")]
    async fn queue(&self, auth: BearerAuth, id: Path<i32>) -> Result<Json<AdminQueueDto>, ApiError> {
        let caller = self.state.reader(&auth).await?;
        Ok(Json(self.state.admin.queue(&caller, id.0).await?.into()))
    }

    /// Changes the given settings; `valid: false` switches the queue off.
    #[oai(path = "/queues/:id", method = "patch")]
    async fn change_queue(
        &self,
        auth: BearerAuth,
        id: Path<i32>,
        body: Json<QueuePatch>,
    ) -> Result<Json<AdminQueueDto>, ApiError> {
        let caller = self.state.writer(&auth).await?;
        let b = body.0;
        let changes = QueueChanges {
            name: b.name.map(Into::into),
            group_id: b.group_id,
            unlock_timeout: b.unlock_timeout,
            first_response_time: b.first_response_time,
            update_time: b.update_time,
            solution_time: b.solution_time,
            calendar_name: maybe(b.calendar_name),
            comments: maybe(b.comments),
            follow_up: b.follow_up.map(Into::into),
            follow_up_lock: b.follow_up_lock,
            customer_selectable: b.customer_selectable,
            customer_closable: b.customer_closable,
            system_address_id: b.system_address_id,
            salutation_id: b.salutation_id,
            signature_id: b.signature_id,
            valid: b.valid,
        };
        Ok(Json(self.state.admin.change_queue(&caller, id.0, changes).await?.into()))
    }

    /// Every state, valid or not.
    #[oai(path = "/states", method = "get")]
    async fn states(&self, auth: BearerAuth) -> Result<Json<Vec<LookupDto>>, ApiError> {
        self.list_lookup(&auth, LookupKind::State).await
    }

    /// A new state of a state type.
    #[oai(path = "/states", method = "post")]
    async fn create_state(&self, auth: BearerAuth, body: Json<NewLookupDto>) -> Result<CreatedLookup, ApiError> {
        self.create_lookup(&auth, LookupKind::State, body.0).await
    }

    /// Renames a state or switches it on or off.
    #[oai(path = "/states/:id", method = "patch")]
    async fn change_state(
        &self,
        auth: BearerAuth,
        id: Path<i32>,
        body: Json<LookupPatch>,
    ) -> Result<Json<LookupDto>, ApiError> {
        self.patch_lookup(&auth, LookupKind::State, id.0, body.0).await
    }

    /// Every priority, valid or not.
    #[oai(path = "/priorities", method = "get")]
    async fn priorities(&self, auth: BearerAuth) -> Result<Json<Vec<LookupDto>>, ApiError> {
        self.list_lookup(&auth, LookupKind::Priority).await
    }

    #[oai(path = "/priorities", method = "post")]
    async fn create_priority(&self, auth: BearerAuth, body: Json<NewLookupDto>) -> Result<CreatedLookup, ApiError> {
        self.create_lookup(&auth, LookupKind::Priority, body.0).await
    }

    #[oai(path = "/priorities/:id", method = "patch")]
    async fn change_priority(
        &self,
        auth: BearerAuth,
        id: Path<i32>,
        body: Json<LookupPatch>,
    ) -> Result<Json<LookupDto>, ApiError> {
        self.patch_lookup(&auth, LookupKind::Priority, id.0, body.0).await
    }

    /// Every ticket type, valid or not.
    #[oai(path = "/types", method = "get")]
    async fn types(&self, auth: BearerAuth) -> Result<Json<Vec<LookupDto>>, ApiError> {
        self.list_lookup(&auth, LookupKind::Type).await
    }

    #[oai(path = "/types", method = "post")]
    async fn create_type(&self, auth: BearerAuth, body: Json<NewLookupDto>) -> Result<CreatedLookup, ApiError> {
        self.create_lookup(&auth, LookupKind::Type, body.0).await
    }

    #[oai(path = "/types/:id", method = "patch")]
    async fn change_type(
        &self,
        auth: BearerAuth,
        id: Path<i32>,
        body: Json<LookupPatch>,
    ) -> Result<Json<LookupDto>, ApiError> {
        self.patch_lookup(&auth, LookupKind::Type, id.0, body.0).await
    }

    /// Every group, valid or not.
    #[oai(path = "/groups", method = "get")]
    async fn groups(&self, auth: BearerAuth) -> Result<Json<Vec<GroupOrRoleDto>>, ApiError> {
        let caller = self.state.reader(&auth).await?;
        Ok(Json(self.state.admin.groups(&caller).await?.into_iter().map(Into::into).collect()))
    }

    #[oai(path = "/groups", method = "post")]
    async fn create_group(&self, auth: BearerAuth, body: Json<NewGroupOrRole>) -> Result<CreatedNamed, ApiError> {
        let caller = self.state.writer(&auth).await?;
        let comments = body.0.comments.map(String::from);
        let group = self.state.admin.create_group(&caller, &body.0.name.0, comments.as_deref()).await?;
        Ok(CreatedNamed::Created(Json(group.into())))
    }

    /// Switches a group on or off (the admin group stays on).
    #[oai(path = "/groups/:id", method = "patch")]
    async fn change_group(
        &self,
        auth: BearerAuth,
        id: Path<i32>,
        body: Json<ValidPatch>,
    ) -> Result<Json<GroupOrRoleDto>, ApiError> {
        let caller = self.state.writer(&auth).await?;
        Ok(Json(self.state.admin.set_group_valid(&caller, id.0, body.0.valid).await?.into()))
    }

    /// Every role, valid or not.
    #[oai(path = "/roles", method = "get")]
    async fn roles(&self, auth: BearerAuth) -> Result<Json<Vec<GroupOrRoleDto>>, ApiError> {
        let caller = self.state.reader(&auth).await?;
        Ok(Json(self.state.admin.roles(&caller).await?.into_iter().map(Into::into).collect()))
    }

    #[oai(path = "/roles", method = "post")]
    async fn create_role(&self, auth: BearerAuth, body: Json<NewGroupOrRole>) -> Result<CreatedNamed, ApiError> {
        let caller = self.state.writer(&auth).await?;
        let comments = body.0.comments.map(String::from);
        let role = self.state.admin.create_role(&caller, &body.0.name.0, comments.as_deref()).await?;
        Ok(CreatedNamed::Created(Json(role.into())))
    }

    #[oai(path = "/roles/:id", method = "patch")]
    async fn change_role(
        &self,
        auth: BearerAuth,
        id: Path<i32>,
        body: Json<ValidPatch>,
    ) -> Result<Json<GroupOrRoleDto>, ApiError> {
        let caller = self.state.writer(&auth).await?;
        Ok(Json(self.state.admin.set_role_valid(&caller, id.0, body.0.valid).await?.into()))
    }

    /// Gives the role a permission on a group.
    #[oai(path = "/roles/:id/grants/:group_id/:permission", method = "put")]
    async fn grant_role(
        &self,
        auth: BearerAuth,
        id: Path<i32>,
        group_id: Path<i32>,
        permission: Path<PermissionDto>,
    ) -> Result<Done, ApiError> {
        let caller = self.state.writer(&auth).await?;
        self.state.admin.grant_role(&caller, id.0, group_id.0, permission.0.into()).await?;
        Ok(Done::Done)
    }

    /// Makes the agent a member of the role.
    #[oai(path = "/roles/:id/agents/:agent_id", method = "put")]
    async fn add_to_role(&self, auth: BearerAuth, id: Path<i32>, agent_id: Path<i32>) -> Result<Done, ApiError> {
        let caller = self.state.writer(&auth).await?;
        self.state.admin.add_agent_to_role(&caller, agent_id.0, id.0).await?;
        Ok(Done::Done)
    }

    /// Every agent, valid or not.
    #[oai(path = "/agents", method = "get")]
    async fn agents(&self, auth: BearerAuth) -> Result<Json<Vec<AdminAgentDto>>, ApiError> {
        let caller = self.state.reader(&auth).await?;
        Ok(Json(self.state.admin.agents(&caller).await?.into_iter().map(Into::into).collect()))
    }

    #[oai(path = "/agents", method = "post")]
    async fn create_agent(&self, auth: BearerAuth, body: Json<NewAgentDto>) -> Result<CreatedAgent, ApiError> {
        let caller = self.state.writer(&auth).await?;
        let b = body.0;
        let input = AgentInput {
            login: b.login.0,
            first_name: b.first_name.0,
            last_name: b.last_name.0,
            email: b.email.map(Into::into),
            password: b.password.0,
        };
        Ok(CreatedAgent::Created(Json(self.state.admin.create_agent(&caller, input).await?.into())))
    }

    #[oai(path = "/agents/:id", method = "get")]
    async fn agent(&self, auth: BearerAuth, id: Path<i32>) -> Result<Json<AdminAgentDto>, ApiError> {
        let caller = self.state.reader(&auth).await?;
        Ok(Json(self.state.admin.agent(&caller, id.0).await?.into()))
    }

    /// Changes names, address or password; `valid: false` switches the account off
    /// (not your own).
    #[oai(path = "/agents/:id", method = "patch")]
    async fn change_agent(
        &self,
        auth: BearerAuth,
        id: Path<i32>,
        body: Json<AgentPatch>,
    ) -> Result<Json<AdminAgentDto>, ApiError> {
        let caller = self.state.writer(&auth).await?;
        let b = body.0;
        let changes = AgentChanges {
            first_name: b.first_name.map(Into::into),
            last_name: b.last_name.map(Into::into),
            email: maybe(b.email),
            valid: b.valid,
            password: b.password.map(Into::into),
        };
        Ok(Json(self.state.admin.change_agent(&caller, id.0, changes).await?.into()))
    }

    /// Grants the agent a permission on a group.
    #[oai(path = "/agents/:id/grants/:group_id/:permission", method = "put")]
    async fn grant_agent(
        &self,
        auth: BearerAuth,
        id: Path<i32>,
        group_id: Path<i32>,
        permission: Path<PermissionDto>,
    ) -> Result<Done, ApiError> {
        let caller = self.state.writer(&auth).await?;
        self.state.admin.set_agent_grant(&caller, id.0, group_id.0, permission.0.into(), true).await?;
        Ok(Done::Done)
    }

    /// Takes the permission away again.
    #[oai(path = "/agents/:id/grants/:group_id/:permission", method = "delete")]
    async fn revoke_agent(
        &self,
        auth: BearerAuth,
        id: Path<i32>,
        group_id: Path<i32>,
        permission: Path<PermissionDto>,
    ) -> Result<Done, ApiError> {
        let caller = self.state.writer(&auth).await?;
        self.state.admin.set_agent_grant(&caller, id.0, group_id.0, permission.0.into(), false).await?;
        Ok(Done::Done)
    }
}
