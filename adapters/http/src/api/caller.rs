//! Who is calling: the bearer token of every API operation — a JWT from a login or a
//! personal API token — resolved to the agent's current permissions (so revoking a
//! grant takes effect on the next request).

use goats_core::api_tokens::ApiTokens;
use goats_core::permission::AgentPermissions;
use goats_core::ports::TokenScope;
use poem_openapi::SecurityScheme;
use poem_openapi::auth::Bearer;

use super::problem::ApiError;
use crate::AppState;

/// `Authorization: Bearer <token>`: an access token from `POST /api/v1/auth/login`, or
/// a personal API token (`goats_…`) from `POST /api/v1/users/me/tokens`.
#[derive(SecurityScheme)]
#[oai(ty = "bearer", bearer_format = "JWT or goats_ API token")]
pub struct BearerAuth(pub Bearer);

impl AppState {
    /// The caller of an operation that only reads.
    pub async fn reader(&self, auth: &BearerAuth) -> Result<AgentPermissions, ApiError> {
        Ok(self.resolve(auth).await?.0)
    }

    /// The caller of an operation that changes something: read-only API tokens stop here.
    pub async fn writer(&self, auth: &BearerAuth) -> Result<AgentPermissions, ApiError> {
        match self.resolve(auth).await? {
            (_, TokenScope::ReadOnly) => Err(ApiError::forbidden("this API token is read-only")),
            (caller, TokenScope::ReadWrite) => Ok(caller),
        }
    }

    /// The caller of an operation that needs a logged-in session, not an API token
    /// (managing API tokens: a leaked token must not mint more).
    pub async fn session_user(&self, auth: &BearerAuth) -> Result<AgentPermissions, ApiError> {
        if ApiTokens::is_api_token(&auth.0.token) {
            return Err(ApiError::forbidden("API tokens are managed with a login session, not with an API token"));
        }
        self.reader(auth).await
    }

    /// A customer's login and company, when the token is a customer's.
    pub async fn customer(&self, auth: &BearerAuth) -> Result<Option<(String, String)>, ApiError> {
        match self.access_tokens.verify_customer(&auth.0.token) {
            Some(login) => Ok(Some(self.auth.customer(&login).await?)),
            None => Ok(None),
        }
    }

    /// The customer user behind a customer's token, with name and address.
    pub async fn customer_user(&self, auth: &BearerAuth) -> Result<Option<goats_core::model::CustomerUser>, ApiError> {
        let Some((login, _)) = self.customer(auth).await? else { return Ok(None) };
        let user = self.customers.user(&login).await?;
        Ok(Some(user.ok_or_else(|| ApiError::unauthorized("the token is invalid or expired"))?))
    }

    async fn resolve(&self, auth: &BearerAuth) -> Result<(AgentPermissions, TokenScope), ApiError> {
        let token = auth.0.token.as_str();
        if self.access_tokens.verify_customer(token).is_some() {
            return Err(ApiError::forbidden("customers cannot use this operation"));
        }
        let (user_id, scope) = if ApiTokens::is_api_token(token) {
            self.api_tokens.resolve(token).await?
        } else {
            let id = self
                .access_tokens
                .verify(token)
                .ok_or_else(|| ApiError::unauthorized("the access token is invalid or expired"))?;
            (id, TokenScope::ReadWrite)
        };
        Ok((self.auth.permissions(user_id).await?, scope))
    }
}
