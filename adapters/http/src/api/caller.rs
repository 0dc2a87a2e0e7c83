//! Who is calling: the bearer token of every API operation, resolved to the agent's
//! current permissions (so revoking a grant takes effect on the next request).

use goats_core::permission::AgentPermissions;
use poem_openapi::SecurityScheme;
use poem_openapi::auth::Bearer;

use super::problem::ApiError;
use crate::AppState;

/// `Authorization: Bearer <access token>` from `POST /api/v1/auth/login`.
#[derive(SecurityScheme)]
#[oai(ty = "bearer", bearer_format = "JWT")]
pub struct BearerAuth(pub Bearer);

impl AppState {
    pub async fn caller(&self, auth: &BearerAuth) -> Result<AgentPermissions, ApiError> {
        let user_id = self
            .access_tokens
            .verify(&auth.0.token)
            .ok_or_else(|| ApiError::unauthorized("the access token is invalid or expired"))?;
        Ok(self.auth.permissions(user_id).await?)
    }
}
