//! `/api/v1/queues|states|priorities|types`: the lookups every agent may read.

use goats_core::permission::Permission;
use poem_openapi::payload::Json;
use poem_openapi::{Object, OpenApi, Tags};

use super::caller::BearerAuth;
use super::problem::ApiError;
use super::tickets::StateTypeDto;
use crate::AppState;

#[derive(Tags)]
enum Tag {
    /// Queues, states, priorities and types.
    Lookups,
}

#[derive(Object)]
struct QueueDto {
    id: i32,
    name: String,
    group_id: i32,
    valid: bool,
    #[oai(skip_serializing_if_is_none)]
    comments: Option<String>,
}

#[derive(Object)]
struct StateDto {
    id: i32,
    name: String,
    state_type: StateTypeDto,
    valid: bool,
    /// `#` and six hexadecimal digits (absent when the stored value is no colour).
    #[oai(skip_serializing_if_is_none)]
    color: Option<String>,
}

#[derive(Object)]
struct PriorityDto {
    id: i32,
    name: String,
    valid: bool,
    /// `#` and six hexadecimal digits (absent when the stored value is no colour).
    #[oai(skip_serializing_if_is_none)]
    color: Option<String>,
}

#[derive(Object)]
struct NamedDto {
    id: i32,
    name: String,
    valid: bool,
}

pub struct LookupApi {
    pub state: AppState,
}

#[OpenApi(prefix_path = "/v1", tag = "Tag::Lookups")]
impl LookupApi {
    /// The queues the caller may read (`ro` on the queue's group).
    #[oai(path = "/queues", method = "get")]
    async fn queues(&self, auth: BearerAuth) -> Result<Json<Vec<QueueDto>>, ApiError> {
        let caller = self.state.reader(&auth).await?;
        let readable = caller.groups_with(Permission::Ro);
        let queues = self.state.lookups.queues().await?;
        Ok(Json(
            queues
                .into_iter()
                .filter(|q| readable.contains(&q.group_id))
                .map(|q| QueueDto {
                    id: q.id,
                    name: q.name,
                    group_id: q.group_id,
                    valid: q.valid,
                    comments: q.comments,
                })
                .collect(),
        ))
    }

    #[oai(path = "/states", method = "get")]
    async fn states(&self, auth: BearerAuth) -> Result<Json<Vec<StateDto>>, ApiError> {
        self.state.reader(&auth).await?;
        let states = self.state.lookups.states().await?;
        Ok(Json(
            states
                .into_iter()
                .map(|s| StateDto {
                    id: s.id,
                    name: s.name,
                    state_type: s.state_type.into(),
                    valid: s.valid,
                    color: s.colour.map(|c| c.to_string()),
                })
                .collect(),
        ))
    }

    #[oai(path = "/priorities", method = "get")]
    async fn priorities(&self, auth: BearerAuth) -> Result<Json<Vec<PriorityDto>>, ApiError> {
        self.state.reader(&auth).await?;
        let rows = self.state.lookups.priorities().await?;
        let color = |p: &goats_core::model::Priority| p.colour.as_ref().map(ToString::to_string);
        Ok(Json(
            rows.into_iter()
                .map(|p| PriorityDto { color: color(&p), id: p.id, name: p.name, valid: p.valid })
                .collect(),
        ))
    }

    #[oai(path = "/types", method = "get")]
    async fn types(&self, auth: BearerAuth) -> Result<Json<Vec<NamedDto>>, ApiError> {
        self.state.reader(&auth).await?;
        let rows = self.state.lookups.types().await?;
        Ok(Json(rows.into_iter().map(|t| NamedDto { id: t.id, name: t.name, valid: t.valid }).collect()))
    }
}
