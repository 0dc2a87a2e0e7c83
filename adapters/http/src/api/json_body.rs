//! A JSON response written by serde straight from the value.
//!
//! poem-openapi's `Json` first builds a `serde_json::Value` tree of the whole response
//! (a map, a string copy and an allocation per field) and then writes the tree: for a
//! page of 50 tickets that was most of the list's own CPU. [`JsonBody`] takes the schema
//! from the type as `Json` does, so the OpenAPI document is the same, and writes the
//! body with the type's `Serialize`. The two must agree field for field; the tests in
//! `tickets.rs` compare them for every type sent this way.

use poem::http::{HeaderValue, StatusCode, header};
use poem::{IntoResponse, Response};
use poem_openapi::ApiResponse;
use poem_openapi::payload::Payload;
use poem_openapi::registry::{MetaMediaType, MetaResponse, MetaResponses, MetaSchemaRef, Registry};
use poem_openapi::types::Type;
use serde::{Serialize, Serializer};

const CONTENT_TYPE: &str = "application/json; charset=utf-8";

pub struct JsonBody<T>(pub T);

impl<T: Type> Payload for JsonBody<T> {
    const CONTENT_TYPE: &'static str = CONTENT_TYPE;

    fn check_content_type(content_type: &str) -> bool {
        content_type.starts_with("application/json")
    }

    fn schema_ref() -> MetaSchemaRef {
        T::schema_ref()
    }

    fn register(registry: &mut Registry) {
        T::register(registry);
    }
}

impl<T: Serialize + Send> IntoResponse for JsonBody<T> {
    fn into_response(self) -> Response {
        match serde_json::to_vec(&self.0) {
            Ok(body) => {
                Response::builder().header(header::CONTENT_TYPE, HeaderValue::from_static(CONTENT_TYPE)).body(body)
            }
            Err(e) => {
                // Only a map with non-string keys fails to serialize; none is sent.
                tracing::error!(error = %e, "response not serialisable");
                StatusCode::INTERNAL_SERVER_ERROR.into_response()
            }
        }
    }
}

impl<T: Type + Serialize + Send> ApiResponse for JsonBody<T> {
    fn meta() -> MetaResponses {
        MetaResponses {
            responses: vec![MetaResponse {
                description: "",
                status: Some(200),
                status_range: None,
                content: vec![MetaMediaType { content_type: CONTENT_TYPE, schema: T::schema_ref() }],
                headers: vec![],
            }],
        }
    }

    fn register(registry: &mut Registry) {
        T::register(registry);
    }
}

/// An instant as poem-openapi writes one (`to_rfc3339`: `+00:00`, not serde's `Z`), so a
/// field reads the same whichever way its response was written.
pub fn rfc3339<S: Serializer>(at: &chrono::DateTime<chrono::Utc>, s: S) -> Result<S::Ok, S::Error> {
    s.collect_str(&at.to_rfc3339())
}

/// [`rfc3339`] for an optional instant that is left out when absent.
pub fn rfc3339_opt<S: Serializer>(at: &Option<chrono::DateTime<chrono::Utc>>, s: S) -> Result<S::Ok, S::Error> {
    match at {
        Some(at) => rfc3339(at, s),
        None => s.serialize_none(),
    }
}
