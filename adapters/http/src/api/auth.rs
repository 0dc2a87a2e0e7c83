//! `/api/v1/auth/*` and `/api/v1/users/me`.

use goats_core::ports::Subject;
use poem::Request;
use poem_openapi::payload::Json;
use poem_openapi::{ApiResponse, Enum, Object, OpenApi, Tags};

use super::caller::BearerAuth;
use super::problem::ApiError;
use super::text::Text;
use crate::AppState;

#[derive(Tags)]
enum Tag {
    /// Logging in and out, refreshing access tokens.
    Auth,
}

#[derive(Debug, Clone, Copy, Enum, PartialEq, Eq)]
#[oai(rename_all = "snake_case")]
enum LoginKind {
    /// An agent (`users`).
    Agent,
    /// A customer contact (`customer_user`).
    Customer,
}

#[derive(Object)]
struct LoginRequest {
    /// Who logs in; `agent` by default.
    #[oai(nullable)]
    kind: Option<LoginKind>,
    /// The agent's or customer's login.
    #[oai(validator(min_length = 1, max_length = 200))]
    login: Text,
    #[oai(validator(max_length = 1024))]
    password: Text,
}

#[derive(Object)]
struct RefreshRequest {
    #[oai(validator(min_length = 1, max_length = 200))]
    refresh_token: Text,
}

#[derive(Object)]
struct TokenPair {
    /// A JWT to send as `Authorization: Bearer …`.
    access_token: String,
    /// Exchange for a new pair at `/auth/refresh`; each one works once.
    refresh_token: String,
    /// Always `Bearer`.
    token_type: String,
    /// Seconds until the access token expires.
    expires_in: i64,
}

#[derive(Object)]
struct Me {
    id: i32,
    login: String,
    first_name: String,
    last_name: String,
    #[oai(skip_serializing_if_is_none)]
    email: Option<String>,
    is_admin: bool,
}

#[derive(ApiResponse)]
enum LoggedOut {
    /// The session's refresh tokens are revoked.
    #[oai(status = 204)]
    Done,
}

pub struct AuthApi {
    pub state: AppState,
}

impl AuthApi {
    fn pair(&self, session: goats_core::auth::Session) -> Json<TokenPair> {
        Json(TokenPair {
            access_token: match &session.subject {
                Subject::Agent(id) => self.state.access_tokens.issue(*id),
                Subject::Customer(login) => self.state.access_tokens.issue_customer(login),
            },
            refresh_token: session.refresh_token,
            token_type: "Bearer".into(),
            expires_in: self.state.access_tokens.ttl_seconds(),
        })
    }
}

#[OpenApi(prefix_path = "/v1", tag = "Tag::Auth")]
impl AuthApi {
    /// Log in with login and password — an agent, or with `"kind": "customer"` a customer
    /// contact; returns an access and a refresh token.
    #[oai(path = "/auth/login", method = "post")]
    async fn login(&self, body: Json<LoginRequest>, req: &Request) -> Result<Json<TokenPair>, ApiError> {
        let peer = req.remote_addr().as_socket_addr().map(|a| a.ip());
        let client = self.state.trusted_proxies.client(peer, req);
        let login = body.login.as_ref();
        let outcome = match body.kind.unwrap_or(LoginKind::Agent) {
            LoginKind::Agent => self.state.auth.login(login, body.password.as_ref(), &client).await,
            LoginKind::Customer => self.state.auth.customer_login(login, body.password.as_ref(), &client).await,
        };
        if let Err(e) = &outcome {
            crate::client_addr::note_refusal(&client, login, e);
        }
        let session = outcome?;
        Ok(self.pair(session))
    }

    /// Exchange a refresh token for a new pair. Reusing a refresh token ends the session.
    #[oai(path = "/auth/refresh", method = "post")]
    async fn refresh(&self, body: Json<RefreshRequest>) -> Result<Json<TokenPair>, ApiError> {
        let session = self.state.auth.refresh(body.refresh_token.as_ref()).await?;
        Ok(self.pair(session))
    }

    /// End the session a refresh token belongs to.
    #[oai(path = "/auth/logout", method = "post")]
    async fn logout(&self, body: Json<RefreshRequest>) -> Result<LoggedOut, ApiError> {
        self.state.auth.logout(body.refresh_token.as_ref()).await?;
        Ok(LoggedOut::Done)
    }

    /// The calling agent.
    #[oai(path = "/users/me", method = "get")]
    async fn me(&self, auth: BearerAuth) -> Result<Json<Me>, ApiError> {
        let caller = self.state.reader(&auth).await?;
        let agent = self
            .state
            .agents
            .get(caller.user_id)
            .await?
            .ok_or_else(|| ApiError::unauthorized("the agent no longer exists"))?;
        Ok(Json(Me {
            id: agent.id,
            login: agent.login,
            first_name: agent.first_name,
            last_name: agent.last_name,
            email: agent.email,
            is_admin: caller.is_admin(),
        }))
    }
}
