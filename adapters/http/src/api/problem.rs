//! Errors as `application/problem+json` (RFC 9457): a stable `type`, a human `title`,
//! the status, and for validation errors the offending fields.

use goats_core::DomainError;
use goats_core::auth::AuthError;
use poem::http::StatusCode;
use poem::{IntoResponse, Response};
use poem_openapi::payload::Json;
use poem_openapi::{ApiResponse, Object};

pub const CONTENT_TYPE: &str = "application/problem+json";

#[derive(Debug, Clone, Object)]
pub struct FieldError {
    pub field: String,
    pub reason: String,
}

#[derive(Debug, Clone, Object)]
pub struct Problem {
    /// A URI naming the kind of problem; stable across releases.
    #[oai(rename = "type")]
    pub kind: String,
    pub title: String,
    pub status: u16,
    #[oai(skip_serializing_if_is_none)]
    pub detail: Option<String>,
    #[oai(skip_serializing_if_is_none)]
    pub errors: Option<Vec<FieldError>>,
}

impl Problem {
    pub fn new(status: StatusCode, kind: &str, title: impl Into<String>) -> Self {
        Self {
            kind: format!("https://goats.dev/problems/{kind}"),
            title: title.into(),
            status: status.as_u16(),
            detail: None,
            errors: None,
        }
    }

    pub fn detail(mut self, detail: impl Into<String>) -> Self {
        self.detail = Some(detail.into());
        self
    }
}

/// Every error an API operation can answer with.
#[derive(Debug, ApiResponse)]
#[oai(bad_request_handler = "bad_request")]
pub enum ApiError {
    /// The request could not be read (bad JSON, wrong types, missing parameters).
    #[oai(status = 400, content_type = "application/problem+json")]
    BadRequest(Json<Problem>),
    /// No valid credentials.
    #[oai(status = 401, content_type = "application/problem+json")]
    Unauthorized(Json<Problem>),
    /// Authenticated, but not allowed.
    #[oai(status = 403, content_type = "application/problem+json")]
    Forbidden(Json<Problem>),
    /// No such resource, or one the caller may not see.
    #[oai(status = 404, content_type = "application/problem+json")]
    NotFound(Json<Problem>),
    /// The request body is larger than the server accepts.
    #[oai(status = 413, content_type = "application/problem+json")]
    PayloadTooLarge(Json<Problem>),
    /// The request body is not `application/json`.
    #[oai(status = 415, content_type = "application/problem+json")]
    UnsupportedMediaType(Json<Problem>),
    /// The change conflicts with the current state.
    #[oai(status = 409, content_type = "application/problem+json")]
    Conflict(Json<Problem>),
    /// `If-Match` named another version of the resource: someone changed it meanwhile.
    #[oai(status = 412, content_type = "application/problem+json")]
    PreconditionFailed(Json<Problem>),
    /// Well-formed, but the values are not acceptable.
    #[oai(status = 422, content_type = "application/problem+json")]
    Unprocessable(Json<Problem>),
    /// Too many attempts; retry after the given number of seconds.
    #[oai(status = 429, content_type = "application/problem+json")]
    TooManyRequests(Json<Problem>, #[oai(header = "Retry-After")] u64),
    /// A backing service (the database) is unavailable.
    #[oai(status = 503, content_type = "application/problem+json")]
    Unavailable(Json<Problem>),
}

fn bad_request(err: poem::Error) -> ApiError {
    ApiError::BadRequest(Json(
        Problem::new(StatusCode::BAD_REQUEST, "bad-request", "The request could not be read").detail(err.to_string()),
    ))
}

impl ApiError {
    pub fn unauthorized(detail: &str) -> Self {
        Self::Unauthorized(Json(
            Problem::new(StatusCode::UNAUTHORIZED, "unauthorized", "Authentication required").detail(detail),
        ))
    }

    pub fn forbidden(detail: impl Into<String>) -> Self {
        Self::Forbidden(Json(Problem::new(StatusCode::FORBIDDEN, "forbidden", "Not allowed").detail(detail)))
    }

    pub fn not_found(detail: impl Into<String>) -> Self {
        Self::NotFound(Json(Problem::new(StatusCode::NOT_FOUND, "not-found", "Not found").detail(detail)))
    }

    pub fn precondition_failed(current: &str) -> Self {
        Self::PreconditionFailed(Json(
            Problem::new(StatusCode::PRECONDITION_FAILED, "precondition-failed", "The resource changed meanwhile")
                .detail(format!("the ticket is now at {current}; read it again and reapply the change")),
        ))
    }

    pub fn invalid(field: &str, reason: impl Into<String>) -> Self {
        let reason = reason.into();
        let mut p = Problem::new(StatusCode::UNPROCESSABLE_ENTITY, "validation", "Some values are not acceptable")
            .detail(format!("{field}: {reason}"));
        p.errors = Some(vec![FieldError { field: field.into(), reason }]);
        Self::Unprocessable(Json(p))
    }
}

impl From<DomainError> for ApiError {
    fn from(e: DomainError) -> Self {
        match e {
            DomainError::NotFound { kind, id } => Self::not_found(format!("{kind} {id} does not exist")),
            DomainError::PermissionDenied(why) => Self::forbidden(why),
            DomainError::Invalid { field, reason } => Self::invalid(field, reason),
            DomainError::Conflict(why) => {
                Self::Conflict(Json(Problem::new(StatusCode::CONFLICT, "conflict", "Conflict").detail(why)))
            }
            DomainError::Stale { current, .. } => Self::precondition_failed(&current),
            DomainError::Storage(why) => {
                tracing::error!(error = %why, "storage failure");
                Self::Unavailable(Json(Problem::new(
                    StatusCode::SERVICE_UNAVAILABLE,
                    "unavailable",
                    "Storage is unavailable; try again shortly",
                )))
            }
        }
    }
}

impl From<AuthError> for ApiError {
    fn from(e: AuthError) -> Self {
        match e {
            AuthError::InvalidCredentials => Self::unauthorized("login or password is wrong"),
            AuthError::InvalidToken => Self::unauthorized("the token is invalid or expired"),
            AuthError::Throttled { retry_after_secs } => Self::TooManyRequests(
                Json(
                    Problem::new(StatusCode::TOO_MANY_REQUESTS, "too-many-requests", "Too many failed logins")
                        .detail(format!("try again in {retry_after_secs} s")),
                ),
                retry_after_secs,
            ),
            AuthError::Domain(d) => d.into(),
        }
    }
}

/// Turns errors raised outside an operation (an unknown path, a missing credential, an
/// oversized body) into the same problem+json shape.
pub fn from_poem_error(err: poem::Error) -> Response {
    let detail = err.to_string();
    let response = err.into_response();
    let already = response
        .headers()
        .get(poem::http::header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with(CONTENT_TYPE));
    if already {
        // An `ApiError` an operation returned: keep it whole, headers and all.
        return response;
    }
    let status = response.status();
    let kind = match status {
        StatusCode::NOT_FOUND => "not-found",
        StatusCode::UNAUTHORIZED => "unauthorized",
        StatusCode::METHOD_NOT_ALLOWED => "method-not-allowed",
        StatusCode::PAYLOAD_TOO_LARGE => "payload-too-large",
        StatusCode::UNSUPPORTED_MEDIA_TYPE => "unsupported-media-type",
        s if s.is_server_error() => "internal",
        _ => "bad-request",
    };
    let title = status.canonical_reason().unwrap_or("Error");
    let detail = if status.is_server_error() { "an internal error occurred".to_string() } else { detail };
    let body = serde_json::json!({"type": format!("https://goats.dev/problems/{kind}"), "title": title, "status": status.as_u16(), "detail": detail});
    poem::web::Json(body).with_status(status).with_content_type(CONTENT_TYPE).into_response()
}
