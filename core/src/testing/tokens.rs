use async_trait::async_trait;
use chrono::{DateTime, Utc};

use super::MemoryStore;
use crate::DomainResult;
use crate::model::UserId;
use crate::ports::{RefreshTokenRecord, RefreshTokenStore, SessionStore, SettingsStore, Subject, WebSessionRecord};

#[async_trait]
impl RefreshTokenStore for MemoryStore {
    async fn insert(
        &self,
        family: &str,
        subject: &Subject,
        token_hash: &str,
        expires_at: DateTime<Utc>,
    ) -> DomainResult<()> {
        let mut s = self.lock();
        let id = s.refresh_tokens.len() as i64 + 1;
        let record = RefreshTokenRecord {
            id,
            family: family.into(),
            subject: subject.clone(),
            expires_at,
            rotated: false,
            revoked: false,
        };
        s.refresh_tokens.push((record, token_hash.into()));
        Ok(())
    }

    async fn find(&self, token_hash: &str) -> DomainResult<Option<RefreshTokenRecord>> {
        Ok(self.lock().refresh_tokens.iter().find(|t| t.1 == token_hash).map(|t| t.0.clone()))
    }

    async fn mark_rotated(&self, id: i64, _at: DateTime<Utc>) -> DomainResult<bool> {
        let mut s = self.lock();
        match s.refresh_tokens.iter_mut().find(|t| t.0.id == id) {
            Some(t) if !t.0.rotated => {
                t.0.rotated = true;
                Ok(true)
            }
            _ => Ok(false),
        }
    }

    async fn revoke_family(&self, family: &str, _at: DateTime<Utc>) -> DomainResult<()> {
        for t in self.lock().refresh_tokens.iter_mut().filter(|t| t.0.family == family) {
            t.0.revoked = true;
        }
        Ok(())
    }

    async fn revoke_subject(&self, subject: &Subject, _at: DateTime<Utc>) -> DomainResult<()> {
        for t in self.lock().refresh_tokens.iter_mut().filter(|t| &t.0.subject == subject) {
            t.0.revoked = true;
        }
        Ok(())
    }
}

#[async_trait]
impl SettingsStore for MemoryStore {
    async fn get(&self, key: &str) -> DomainResult<Option<String>> {
        Ok(self.lock().settings.iter().find(|s| s.0 == key).map(|s| s.1.clone()))
    }

    async fn get_all(&self, keys: &[&str]) -> DomainResult<Vec<Option<String>>> {
        let s = self.lock();
        Ok(keys.iter().map(|k| s.settings.iter().find(|x| x.0 == *k).map(|x| x.1.clone())).collect())
    }

    async fn get_or_insert(&self, key: &str, value: &str) -> DomainResult<String> {
        let mut s = self.lock();
        if let Some(v) = s.settings.iter().find(|s| s.0 == key) {
            return Ok(v.1.clone());
        }
        s.settings.push((key.into(), value.into()));
        Ok(value.into())
    }

    async fn set_all(&self, values: &[(&str, Option<String>)]) -> DomainResult<()> {
        let mut s = self.lock();
        for (key, value) in values {
            s.settings.retain(|(k, _)| k != key);
            if let Some(v) = value {
                s.settings.push((key.to_string(), v.clone()));
            }
        }
        Ok(())
    }
}

#[async_trait]
impl crate::ports::ApiTokenStore for MemoryStore {
    async fn insert(
        &self,
        user_id: UserId,
        name: &str,
        token_hash: &str,
        scope: crate::ports::TokenScope,
        expires_at: Option<DateTime<Utc>>,
    ) -> DomainResult<i64> {
        let now = self.now();
        let mut s = self.lock();
        let id = s.api_tokens.len() as i64 + 1;
        let record = crate::ports::ApiTokenRecord {
            id,
            user_id,
            name: name.into(),
            scope,
            created: now,
            expires_at,
            last_used_at: None,
            revoked: false,
        };
        s.api_tokens.push((record, token_hash.into()));
        Ok(id)
    }

    async fn list_for_user(&self, user_id: UserId) -> DomainResult<Vec<crate::ports::ApiTokenRecord>> {
        Ok(self.lock().api_tokens.iter().filter(|t| t.0.user_id == user_id).map(|t| t.0.clone()).collect())
    }

    async fn find_by_hash(&self, token_hash: &str) -> DomainResult<Option<crate::ports::ApiTokenRecord>> {
        Ok(self.lock().api_tokens.iter().find(|t| t.1 == token_hash).map(|t| t.0.clone()))
    }

    async fn touch(&self, id: i64, at: DateTime<Utc>) -> DomainResult<()> {
        if let Some(t) = self.lock().api_tokens.iter_mut().find(|t| t.0.id == id) {
            t.0.last_used_at = Some(at);
        }
        Ok(())
    }

    async fn revoke(&self, id: i64, user_id: UserId, _at: DateTime<Utc>) -> DomainResult<bool> {
        match self.lock().api_tokens.iter_mut().find(|t| t.0.id == id && t.0.user_id == user_id && !t.0.revoked) {
            Some(t) => {
                t.0.revoked = true;
                Ok(true)
            }
            None => Ok(false),
        }
    }
}

/// Where each kind of session lives in the memory store.
trait SessionHolder: Clone + PartialEq + Send + Sync + 'static {
    fn sessions(state: &mut super::State) -> &mut Vec<WebSessionRecord<Self>>;
}

impl SessionHolder for UserId {
    fn sessions(state: &mut super::State) -> &mut Vec<WebSessionRecord<Self>> {
        &mut state.web_sessions
    }
}

impl SessionHolder for String {
    fn sessions(state: &mut super::State) -> &mut Vec<WebSessionRecord<Self>> {
        &mut state.customer_sessions
    }
}

#[async_trait]
impl<H: SessionHolder> SessionStore<H> for MemoryStore {
    async fn insert(&self, session: &WebSessionRecord<H>) -> DomainResult<()> {
        H::sessions(&mut self.lock()).push(session.clone());
        Ok(())
    }

    async fn find(&self, id_hash: &str) -> DomainResult<Option<WebSessionRecord<H>>> {
        Ok(H::sessions(&mut self.lock()).iter().find(|s| s.id_hash == id_hash).cloned())
    }

    async fn touch(&self, id_hash: &str, at: DateTime<Utc>) -> DomainResult<()> {
        for s in H::sessions(&mut self.lock()).iter_mut().filter(|s| s.id_hash == id_hash) {
            s.last_seen_at = at;
        }
        Ok(())
    }

    async fn delete(&self, id_hash: &str) -> DomainResult<()> {
        H::sessions(&mut self.lock()).retain(|s| s.id_hash != id_hash);
        Ok(())
    }

    async fn delete_others(&self, holder: &H, keep: &str) -> DomainResult<u64> {
        let mut state = self.lock();
        let sessions = H::sessions(&mut state);
        let before = sessions.len();
        sessions.retain(|s| &s.holder != holder || s.id_hash == keep);
        Ok((before - sessions.len()) as u64)
    }

    async fn delete_expired(&self, idle_before: DateTime<Utc>, created_before: DateTime<Utc>) -> DomainResult<u64> {
        let mut state = self.lock();
        let sessions = H::sessions(&mut state);
        let before = sessions.len();
        sessions.retain(|s| s.last_seen_at >= idle_before && s.created_at >= created_before);
        Ok((before - sessions.len()) as u64)
    }
}

#[async_trait]
impl crate::ports::PreferenceStore for MemoryStore {
    async fn preference(&self, user_id: UserId, key: &str) -> DomainResult<Option<String>> {
        Ok(self.lock().preferences.iter().find(|p| p.0 == user_id && p.1 == key).map(|p| p.2.clone()))
    }

    async fn set_preference(&self, user_id: UserId, key: &str, value: &str) -> DomainResult<()> {
        let mut s = self.lock();
        s.preferences.retain(|p| !(p.0 == user_id && p.1 == key));
        s.preferences.push((user_id, key.into(), value.into()));
        Ok(())
    }

    async fn users_with(&self, key: &str, value: &str) -> DomainResult<Vec<UserId>> {
        let mut ids: Vec<UserId> =
            self.lock().preferences.iter().filter(|p| p.1 == key && p.2 == value).map(|p| p.0).collect();
        ids.sort_unstable();
        Ok(ids)
    }
}

#[async_trait]
impl crate::ports::CustomerPreferenceStore for MemoryStore {
    async fn customer_preference(&self, login: &str, key: &str) -> DomainResult<Option<String>> {
        Ok(self.lock().customer_preferences.iter().find(|p| p.0 == login && p.1 == key).map(|p| p.2.clone()))
    }

    async fn set_customer_preference(&self, login: &str, key: &str, value: &str) -> DomainResult<()> {
        let mut s = self.lock();
        s.customer_preferences.retain(|p| !(p.0 == login && p.1 == key));
        s.customer_preferences.push((login.into(), key.into(), value.into()));
        Ok(())
    }
}
