//! `/api/v1/users/me/tokens`: personal API tokens for integrations.

use chrono::{DateTime, Utc};
use goats_core::ports::{ApiTokenRecord, TokenScope};
use poem_openapi::param::Path;
use poem_openapi::payload::Json;
use poem_openapi::{ApiResponse, Enum, Object, OpenApi, Tags};

use super::caller::BearerAuth;
use super::problem::ApiError;
use super::text::Text;
use crate::AppState;

#[derive(Tags)]
enum Tag {
    /// Personal API tokens: create with a login session, use as `Authorization: Bearer goats_…`.
    Tokens,
}

#[derive(Debug, Clone, Copy, Enum)]
#[oai(rename_all = "kebab-case")]
enum ScopeDto {
    /// Reading only.
    ReadOnly,
    ReadWrite,
}

impl From<ScopeDto> for TokenScope {
    fn from(s: ScopeDto) -> Self {
        match s {
            ScopeDto::ReadOnly => TokenScope::ReadOnly,
            ScopeDto::ReadWrite => TokenScope::ReadWrite,
        }
    }
}

impl From<TokenScope> for ScopeDto {
    fn from(s: TokenScope) -> Self {
        match s {
            TokenScope::ReadOnly => ScopeDto::ReadOnly,
            TokenScope::ReadWrite => ScopeDto::ReadWrite,
        }
    }
}

#[derive(Object)]
struct NewTokenDto {
    #[oai(validator(min_length = 1, max_length = 200))]
    name: Text,
    scope: ScopeDto,
    /// Days until the token expires; without it, it lives until revoked.
    #[oai(nullable, validator(minimum(value = "1"), maximum(value = "3650")))]
    expires_in_days: Option<i64>,
}

#[derive(Object)]
struct TokenDto {
    id: i64,
    name: String,
    scope: ScopeDto,
    created: DateTime<Utc>,
    #[oai(skip_serializing_if_is_none)]
    expires_at: Option<DateTime<Utc>>,
    #[oai(skip_serializing_if_is_none)]
    last_used_at: Option<DateTime<Utc>>,
    revoked: bool,
}

impl From<ApiTokenRecord> for TokenDto {
    fn from(r: ApiTokenRecord) -> Self {
        Self {
            id: r.id,
            name: r.name,
            scope: r.scope.into(),
            created: r.created,
            expires_at: r.expires_at,
            last_used_at: r.last_used_at,
            revoked: r.revoked,
        }
    }
}

#[derive(Object)]
struct CreatedTokenDto {
    #[oai(flatten)]
    token: TokenDto,
    /// The secret. It is shown this once and cannot be retrieved again.
    secret: String,
}

#[derive(ApiResponse)]
enum TokenCreated {
    #[oai(status = 201)]
    Created(Json<CreatedTokenDto>),
}

#[derive(ApiResponse)]
enum TokenRevoked {
    #[oai(status = 204)]
    Done,
}

pub struct TokenApi {
    pub state: AppState,
}

#[OpenApi(prefix_path = "/v1", tag = "Tag::Tokens")]
impl TokenApi {
    /// The caller's API tokens (never their secrets).
    #[oai(path = "/users/me/tokens", method = "get")]
    async fn list(&self, auth: BearerAuth) -> Result<Json<Vec<TokenDto>>, ApiError> {
        let caller = self.state.session_user(&auth).await?;
        Ok(Json(self.state.api_tokens.list(caller.user_id).await?.into_iter().map(Into::into).collect()))
    }

    /// Create a token; the response carries its secret, once.
    #[oai(path = "/users/me/tokens", method = "post")]
    async fn create(&self, auth: BearerAuth, body: Json<NewTokenDto>) -> Result<TokenCreated, ApiError> {
        let caller = self.state.session_user(&auth).await?;
        let b = body.0;
        let t =
            self.state.api_tokens.create(caller.user_id, b.name.as_ref(), b.scope.into(), b.expires_in_days).await?;
        Ok(TokenCreated::Created(Json(CreatedTokenDto { token: t.record.into(), secret: t.secret })))
    }

    /// Revoke one of the caller's tokens.
    #[oai(path = "/users/me/tokens/:id", method = "delete")]
    async fn revoke(&self, auth: BearerAuth, id: Path<i64>) -> Result<TokenRevoked, ApiError> {
        let caller = self.state.session_user(&auth).await?;
        self.state.api_tokens.revoke(caller.user_id, id.0).await?;
        Ok(TokenRevoked::Done)
    }
}
