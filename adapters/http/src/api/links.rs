//! Links between tickets (OTRS's LinkObject): normal links and parent/child links.

use goats_core::model::{LinkKind, LinkedTicket};
use poem_openapi::param::{Path, Query};
use poem_openapi::payload::Json;
use poem_openapi::{ApiResponse, Enum, Object, OpenApi, Tags};

use super::caller::BearerAuth;
use super::problem::ApiError;
use crate::AppState;

#[derive(Tags)]
enum LinkTags {
    /// Links between tickets.
    Links,
}

/// How the ticket relates to the linked one.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Enum)]
#[oai(rename_all = "snake_case")]
enum LinkKindDto {
    Normal,
    /// The ticket is the parent of the linked one.
    ParentOf,
    /// The ticket is a child of the linked one.
    ChildOf,
}

impl From<LinkKindDto> for LinkKind {
    fn from(k: LinkKindDto) -> Self {
        match k {
            LinkKindDto::Normal => LinkKind::Normal,
            LinkKindDto::ParentOf => LinkKind::ParentOf,
            LinkKindDto::ChildOf => LinkKind::ChildOf,
        }
    }
}

impl From<LinkKind> for LinkKindDto {
    fn from(k: LinkKind) -> Self {
        match k {
            LinkKind::Normal => LinkKindDto::Normal,
            LinkKind::ParentOf => LinkKindDto::ParentOf,
            LinkKind::ChildOf => LinkKindDto::ChildOf,
        }
    }
}

/// A linked ticket the caller may read.
#[derive(Object)]
struct LinkDto {
    kind: LinkKindDto,
    ticket_id: i64,
    number: String,
    title: String,
    state: String,
}

impl From<LinkedTicket> for LinkDto {
    fn from(l: LinkedTicket) -> Self {
        Self {
            kind: l.kind.into(),
            ticket_id: l.ticket.id,
            number: l.ticket.number,
            title: l.ticket.title,
            state: l.ticket.state,
        }
    }
}

#[derive(Object)]
struct NewLinkDto {
    /// The ticket to link to.
    target_id: i64,
    #[oai(default = "normal_kind")]
    kind: LinkKindDto,
}

fn normal_kind() -> LinkKindDto {
    LinkKindDto::Normal
}

#[derive(ApiResponse)]
enum LinkAdded {
    /// The link was made.
    #[oai(status = 201)]
    Created,
    /// The link existed already; nothing changed.
    #[oai(status = 204)]
    Existed,
}

#[derive(ApiResponse)]
enum LinkRemoved {
    /// The link is gone.
    #[oai(status = 204)]
    Removed,
}

pub struct LinkApi {
    pub state: AppState,
}

#[OpenApi(prefix_path = "/v1", tag = "LinkTags::Links")]
impl LinkApi {
    /// The tickets linked to this one that the caller may read.
    #[oai(path = "/tickets/:id/links", method = "get")]
    async fn list(&self, auth: BearerAuth, id: Path<i64>) -> Result<Json<Vec<LinkDto>>, ApiError> {
        let caller = self.state.reader(&auth).await?;
        Ok(Json(self.state.tickets.links(&caller, id.0).await?.into_iter().map(Into::into).collect()))
    }

    /// Link the ticket to another. Needs `rw` on this ticket and sight of the other.
    #[oai(path = "/tickets/:id/links", method = "post")]
    async fn add(&self, auth: BearerAuth, id: Path<i64>, body: Json<NewLinkDto>) -> Result<LinkAdded, ApiError> {
        let caller = self.state.writer(&auth).await?;
        let created = self.state.tickets.link(&caller, id.0, body.0.target_id, body.0.kind.into()).await?;
        Ok(if created { LinkAdded::Created } else { LinkAdded::Existed })
    }

    /// Remove a link; 404 when the tickets are not linked that way.
    #[oai(path = "/tickets/:id/links/:target_id", method = "delete")]
    async fn remove(
        &self,
        auth: BearerAuth,
        id: Path<i64>,
        target_id: Path<i64>,
        #[oai(default = "normal_kind")] kind: Query<LinkKindDto>,
    ) -> Result<LinkRemoved, ApiError> {
        let caller = self.state.writer(&auth).await?;
        if self.state.tickets.unlink(&caller, id.0, target_id.0, kind.0.into()).await? {
            Ok(LinkRemoved::Removed)
        } else {
            Err(ApiError::not_found(format!("ticket {} is not linked to ticket {} that way", id.0, target_id.0)))
        }
    }
}
