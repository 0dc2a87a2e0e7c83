//! `/api/v1/admin/notifications/deliveries`: what the notification channels did, for
//! admins looking into a mail or webhook that did not arrive.

use chrono::{DateTime, Utc};
use goats_core::ports::DeliveryFilter;
use poem_openapi::param::Query;
use poem_openapi::payload::Json;
use poem_openapi::{Object, OpenApi, Tags};

use super::caller::BearerAuth;
use super::problem::ApiError;
use crate::AppState;

#[derive(Tags)]
enum Tag {
    /// What the notification channels delivered (admin group only).
    Notifications,
}

/// One attempt to deliver one event on one channel.
#[derive(Object)]
struct DeliveryDto {
    at: DateTime<Utc>,
    /// `toast`, `email`, `webhook:<name>` or a team's own channel.
    channel: String,
    /// The event kind, such as `pending_reminder`.
    event: String,
    ticket_number: String,
    /// 1 for the first try.
    attempt: u32,
    /// `delivered`, `failed` (to be retried) or `gave_up`.
    outcome: String,
    #[oai(skip_serializing_if_is_none)]
    error: Option<String>,
}

pub struct DeliveryApi {
    pub state: AppState,
}

#[OpenApi(prefix_path = "/v1", tag = "Tag::Notifications")]
impl DeliveryApi {
    /// The newest delivery attempts first, from every instance (kept in the database for
    /// `notifications.delivery_log_days`); narrowed by channel, outcome or ticket number.
    #[oai(path = "/admin/notifications/deliveries", method = "get")]
    async fn deliveries(
        &self,
        auth: BearerAuth,
        #[oai(default = "default_limit", validator(minimum(value = "1"), maximum(value = "1000")))] limit: Query<u64>,
        /// How many of the newest to skip, for paging.
        #[oai(default, validator(minimum(value = "0"), maximum(value = "1000000")))]
        offset: Query<u64>,
        channel: Query<Option<String>>,
        /// `delivered`, `failed` or `gave_up`.
        outcome: Query<Option<String>>,
        ticket_number: Query<Option<String>>,
    ) -> Result<Json<Vec<DeliveryDto>>, ApiError> {
        let caller = self.state.reader(&auth).await?;
        if !caller.is_admin() {
            return Err(ApiError::forbidden("the delivery log is for members of the admin group"));
        }
        let filter = DeliveryFilter { channel: channel.0, outcome: outcome.0, ticket_number: ticket_number.0 };
        let found = self.state.deliveries.recent(&filter, offset.0, limit.0).await?;
        Ok(Json(
            found
                .into_iter()
                .map(|a| DeliveryDto {
                    at: a.at,
                    channel: a.channel,
                    event: a.event,
                    ticket_number: a.ticket_number,
                    attempt: a.attempt,
                    outcome: a.outcome,
                    error: a.error,
                })
                .collect(),
        ))
    }
}

fn default_limit() -> u64 {
    100
}
