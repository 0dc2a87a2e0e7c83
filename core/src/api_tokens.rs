//! Personal API tokens: an agent names a token, picks a scope and an expiry, sees the
//! secret once, and can revoke it. Only the secret's hash is stored.

use std::sync::Arc;

use chrono::Duration;

use crate::auth::{AuthError, new_secret, token_hash};
use crate::error::DomainError;
use crate::model::UserId;
use crate::ports::{ApiTokenRecord, ApiTokenStore, Clock, TokenScope};

/// Every API token starts with this, so it is recognisable in a header or a leaked log.
pub const PREFIX: &str = "goats_";

pub struct ApiTokens {
    store: Arc<dyn ApiTokenStore>,
    clock: Arc<dyn Clock>,
}

/// A token just created: the only time its secret is known.
pub struct NewToken {
    pub record: ApiTokenRecord,
    pub secret: String,
}

impl ApiTokens {
    pub fn new(store: Arc<dyn ApiTokenStore>, clock: Arc<dyn Clock>) -> Self {
        Self { store, clock }
    }

    pub async fn create(
        &self,
        user_id: UserId,
        name: &str,
        scope: TokenScope,
        expires_in_days: Option<i64>,
    ) -> Result<NewToken, DomainError> {
        let name = name.trim();
        if name.is_empty() || name.chars().count() > 200 {
            return Err(DomainError::invalid("name", "a name of 1 to 200 characters is required"));
        }
        if expires_in_days.is_some_and(|d| !(1..=3650).contains(&d)) {
            return Err(DomainError::invalid("expires_in_days", "between 1 and 3650 days"));
        }
        let now = self.clock.now();
        let expires_at = expires_in_days.map(|d| now + Duration::days(d));
        let secret = format!("{PREFIX}{}", new_secret());
        let id = self.store.insert(user_id, name, &token_hash(&secret), scope, expires_at).await?;
        let record = ApiTokenRecord {
            id,
            user_id,
            name: name.into(),
            scope,
            created: now,
            expires_at,
            last_used_at: None,
            revoked: false,
        };
        Ok(NewToken { record, secret })
    }

    pub async fn list(&self, user_id: UserId) -> Result<Vec<ApiTokenRecord>, DomainError> {
        self.store.list_for_user(user_id).await
    }

    pub async fn revoke(&self, user_id: UserId, id: i64) -> Result<(), DomainError> {
        if self.store.revoke(id, user_id, self.clock.now()).await? {
            Ok(())
        } else {
            Err(DomainError::not_found("token", id))
        }
    }

    /// The owner and scope of a live token.
    pub async fn resolve(&self, secret: &str) -> Result<(UserId, TokenScope), AuthError> {
        let record = self.store.find_by_hash(&token_hash(secret)).await?.ok_or(AuthError::InvalidToken)?;
        let now = self.clock.now();
        if record.revoked || record.expires_at.is_some_and(|e| e <= now) {
            return Err(AuthError::InvalidToken);
        }
        // Recording the last use is a convenience; a failure here must not refuse the call.
        let _ = self.store.touch(record.id, now).await;
        Ok((record.user_id, record.scope))
    }

    pub fn is_api_token(bearer: &str) -> bool {
        bearer.starts_with(PREFIX)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::{FixedClock, MemoryStore};
    use chrono::DateTime;

    fn setup() -> (ApiTokens, Arc<FixedClock>) {
        let clock = Arc::new(FixedClock::at(DateTime::from_timestamp(1_717_243_200, 0).unwrap()));
        let store = MemoryStore::with_defaults(clock.clone());
        (ApiTokens::new(Arc::new(store), clock.clone()), clock)
    }

    #[tokio::test]
    async fn a_token_works_until_revoked_or_expired() {
        let (tokens, clock) = setup();
        let t = tokens.create(1, "CI bot", TokenScope::ReadOnly, Some(30)).await.unwrap();
        assert!(t.secret.starts_with("goats_") && t.secret.len() == 70);
        assert_eq!(tokens.resolve(&t.secret).await.unwrap(), (1, TokenScope::ReadOnly));
        assert!(tokens.list(1).await.unwrap()[0].last_used_at.is_some());
        clock.advance(Duration::days(31));
        assert_eq!(tokens.resolve(&t.secret).await.unwrap_err(), AuthError::InvalidToken);

        let t = tokens.create(1, "forever", TokenScope::ReadWrite, None).await.unwrap();
        assert!(
            matches!(tokens.revoke(2, t.record.id).await, Err(DomainError::NotFound { .. })),
            "only the owner revokes"
        );
        tokens.revoke(1, t.record.id).await.unwrap();
        assert_eq!(tokens.resolve(&t.secret).await.unwrap_err(), AuthError::InvalidToken);
        assert_eq!(tokens.resolve("goats_nonsense").await.unwrap_err(), AuthError::InvalidToken);
    }

    #[tokio::test]
    async fn bad_names_and_expiries_are_refused() {
        let (tokens, _) = setup();
        assert!(tokens.create(1, " ", TokenScope::ReadOnly, None).await.is_err());
        assert!(tokens.create(1, "x", TokenScope::ReadOnly, Some(0)).await.is_err());
    }
}
