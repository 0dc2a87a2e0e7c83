//! `POST /Session` (SessionCreate): `{UserLogin, Password}` → `{SessionID}`.

use poem::http::Uri;
use poem::web::{Data, Json, RemoteAddr};
use poem::{Body, handler};
use serde_json::{Value, json};

use super::{GiError, respond};
use crate::AppState;

const OP: &str = "SessionCreate";

#[handler]
pub async fn create(state: Data<&AppState>, uri: &Uri, addr: &RemoteAddr, body: Body) -> Json<Value> {
    respond(session_create(&state, uri, addr, body).await)
}

async fn session_create(state: &AppState, uri: &Uri, addr: &RemoteAddr, body: Body) -> Result<Value, GiError> {
    let p = super::ticket::read_params(OP, uri, body).await?;
    let (Some(login), Some(password)) = (p.str("UserLogin"), p.str("Password")) else {
        return Err(GiError::missing(OP, "UserLogin or Password"));
    };
    let client = super::ticket::client(addr);
    let (user_id, _) = state.auth.check_password(&login, &password, &client).await.map_err(|_| GiError::auth(OP))?;
    Ok(json!({"SessionID": state.access_tokens.issue_gi_session(user_id)}))
}
