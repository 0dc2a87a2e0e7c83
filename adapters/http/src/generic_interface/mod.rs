//! OTRS's GenericTicketConnectorREST, so scripts written against OTRS run against goats
//! unchanged: the same routes (mounted by `routes/api/otrs-generic-interface.yaml`),
//! parameter names, response shapes and error objects.
//!
//! As in OTRS, an operation that fails answers HTTP 200 with
//! `{"Error":{"ErrorCode":"TicketCreate.AuthFail","ErrorMessage":"…"}}`; only a request
//! that cannot be read at all is a 4xx. Credentials come with every request, as
//! `UserLogin` + `Password` or a `SessionID` from `POST /Session`.

mod format;
mod params;
pub(crate) mod session;
pub(crate) mod ticket;

use goats_core::permission::AgentPermissions;
use poem::web::Json;
use serde_json::{Value, json};

use crate::AppState;
use params::Params;

/// An operation's failure, in OTRS's words.
pub struct GiError {
    code: String,
    message: String,
}

impl GiError {
    pub fn new(operation: &str, code: &str, message: impl Into<String>) -> Self {
        Self { code: format!("{operation}.{code}"), message: format!("{operation}: {}", message.into()) }
    }

    fn auth(operation: &str) -> Self {
        Self::new(operation, "AuthFail", "Authorization failing!")
    }

    pub fn missing(operation: &str, what: &str) -> Self {
        Self::new(operation, "MissingParameter", format!("{what} parameter is missing!"))
    }

    pub fn invalid(operation: &str, what: &str) -> Self {
        Self::new(operation, "InvalidParameter", format!("{what} parameter is invalid!"))
    }

    pub fn access_denied(operation: &str) -> Self {
        Self::new(operation, "AccessDenied", "User does not have access to the ticket!")
    }

    pub fn into_json(self) -> Json<Value> {
        Json(json!({"Error": {"ErrorCode": self.code, "ErrorMessage": self.message}}))
    }
}

/// An operation's answer: its data, or OTRS's error object (both HTTP 200).
pub fn respond(result: Result<Value, GiError>) -> Json<Value> {
    match result {
        Ok(v) => Json(v),
        Err(e) => e.into_json(),
    }
}

/// The agent behind `SessionID`, or behind `UserLogin` + `Password`.
pub async fn authenticate(
    state: &AppState,
    p: &Params,
    operation: &str,
    client: &str,
) -> Result<AgentPermissions, GiError> {
    let user_id = if let Some(session) = p.str("SessionID") {
        state.access_tokens.verify_gi_session(&session).ok_or_else(|| GiError::auth(operation))?
    } else {
        let (Some(login), Some(password)) = (p.str("UserLogin"), p.str("Password")) else {
            return Err(GiError::auth(operation));
        };
        let checked = state.auth.check_password(&login, &password, client).await;
        checked
            .map_err(|e| {
                crate::client_addr::note_refusal(client, &login, &e);
                GiError::auth(operation)
            })?
            .0
    };
    state.auth.permissions(user_id).await.map_err(|_| GiError::auth(operation))
}
