//! `POST /Session` (SessionCreate): `{UserLogin, Password}` → `{SessionID}`.

use poem::http::Uri;
use poem::web::{Data, Json};

use crate::client_addr::ClientAddr;
use poem::{Body, handler};
use serde_json::{Value, json};

use super::{GiError, respond};
use crate::AppState;

const OP: &str = "SessionCreate";

#[handler]
pub async fn create(state: Data<&AppState>, uri: &Uri, addr: ClientAddr, body: Body) -> Json<Value> {
    respond(session_create(&state, uri, &addr, body).await)
}

async fn session_create(state: &AppState, uri: &Uri, addr: &ClientAddr, body: Body) -> Result<Value, GiError> {
    let p = super::ticket::read_params(OP, uri, body).await?;
    let (Some(login), Some(password)) = (p.str("UserLogin"), p.str("Password")) else {
        return Err(GiError::missing(OP, "UserLogin or Password"));
    };
    let client = addr.0.clone();
    let (user_id, _) = state.auth.check_password(&login, &password, &client).await.map_err(|e| {
        crate::client_addr::note_refusal(&client, &login, &e);
        GiError::auth(OP)
    })?;
    Ok(json!({"SessionID": state.access_tokens.issue_gi_session(user_id)}))
}
