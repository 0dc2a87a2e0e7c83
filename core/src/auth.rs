//! Logging in: checking an agent's password, throttling guessers, and the refresh
//! tokens that keep a session alive — rotated on every use, stored only as hashes, and
//! revoked as a whole family when one is replayed.
//!
//! Access tokens (short-lived JWTs) are minted at the HTTP edge from what this returns.

use std::sync::Arc;

use chrono::{DateTime, Duration, Utc};
use rand::Rng;
use sha2::{Digest, Sha256};

use crate::error::DomainError;
use crate::login_throttle::{LocalFailures, LoginThrottle};
use crate::model::{Agent, UserId};
use crate::permission::AgentPermissions;
use crate::ports::{
    AgentRepository, Clock, CpuWork, CustomerRepository, FailedLogins, GroupRepository, InlineCpu, RefreshTokenStore,
    Subject,
};

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum AuthError {
    /// Wrong login, wrong password or an invalid account: never said which.
    #[error("login or password is wrong")]
    InvalidCredentials,
    #[error("too many failed logins; try again in {retry_after_secs} s")]
    Throttled { retry_after_secs: u64 },
    #[error("the token is invalid or expired")]
    InvalidToken,
    #[error(transparent)]
    Domain(#[from] DomainError),
}

/// A logged-in agent or customer and the refresh token that continues the session.
#[derive(Debug, Clone)]
pub struct Session {
    pub subject: Subject,
    pub refresh_token: String,
    pub refresh_expires: DateTime<Utc>,
}

pub struct AuthService {
    agents: Arc<dyn AgentRepository>,
    groups: Arc<dyn GroupRepository>,
    customers: Arc<dyn CustomerRepository>,
    tokens: Arc<dyn RefreshTokenStore>,
    clock: Arc<dyn Clock>,
    refresh_ttl: Duration,
    /// Failures of one account from one client (see [`account_throttle`]).
    by_account: LoginThrottle,
    /// Failures from one client, whatever the account.
    by_client: LoginThrottle,
    cpu: Arc<dyn CpuWork>,
}

/// SHA-256 of a token secret, as stored.
pub fn token_hash(secret: &str) -> String {
    Sha256::digest(secret.as_bytes()).iter().map(|b| format!("{b:02x}")).collect()
}

/// 32 random bytes, hex-encoded.
pub fn new_secret() -> String {
    let mut rng = rand::rng();
    (0..32).map(|_| format!("{:02x}", rng.random::<u8>())).collect()
}

impl AuthService {
    pub fn new(
        agents: Arc<dyn AgentRepository>,
        groups: Arc<dyn GroupRepository>,
        customers: Arc<dyn CustomerRepository>,
        tokens: Arc<dyn RefreshTokenStore>,
        clock: Arc<dyn Clock>,
        refresh_ttl: Duration,
    ) -> Self {
        Self {
            agents,
            groups,
            customers,
            tokens,
            clock,
            refresh_ttl,
            by_account: account_throttle(Arc::new(LocalFailures::default())),
            by_client: client_throttle(Arc::new(LocalFailures::default())),
            cpu: Arc::new(InlineCpu),
        }
    }

    /// Counts failed logins in `failures` (shared by every instance) instead of this
    /// process.
    pub fn with_failures(mut self, failures: Arc<dyn FailedLogins>) -> Self {
        self.by_account = account_throttle(failures.clone());
        self.by_client = client_throttle(failures);
        self
    }

    /// Checks password hashes on `cpu` instead of the calling task.
    pub fn with_cpu(mut self, cpu: Arc<dyn CpuWork>) -> Self {
        self.cpu = cpu;
        self
    }

    async fn verify(&self, secret: &str, hash: &str, login: &str) -> bool {
        self.cpu.verify_password(secret.to_string(), hash.to_string(), login.to_string()).await
    }

    pub async fn login(&self, login: &str, secret: &str, client: &str) -> Result<Session, AuthError> {
        let (user_id, _) = self.check_password(login, secret, client).await?;
        self.issue(&new_secret(), Subject::Agent(user_id), self.clock.now()).await
    }

    /// Logs a customer contact in (`customer_user`): same throttling, same sessions.
    pub async fn customer_login(&self, login: &str, secret: &str, client: &str) -> Result<Session, AuthError> {
        let (login, _) = self.check_customer_password(login, secret, client).await?;
        self.issue(&new_secret(), Subject::Customer(login), self.clock.now()).await
    }

    /// A customer's login and password checked, throttled like an agent's, without
    /// issuing a token (the portal starts a browser session instead): their login as
    /// stored and their company.
    pub async fn check_customer_password(
        &self,
        login: &str,
        secret: &str,
        client: &str,
    ) -> Result<(String, String), AuthError> {
        let now = self.clock.now();
        let key = format!("customer:{}", login.trim().to_lowercase());
        self.throttled(&key, client, now).await?;
        let creds = self.customers.credentials(login.trim()).await?;
        let ok = match creds.as_ref() {
            Some(c) if c.valid => match c.password_hash.as_deref() {
                Some(h) => self.verify(secret, h, &c.login).await,
                None => false,
            },
            _ => false,
        };
        let Some(creds) = creds.filter(|_| ok) else {
            self.failed(&key, client, now).await?;
            return Err(AuthError::InvalidCredentials);
        };
        self.by_account.clear(&account_key(&key, client)).await?;
        Ok((creds.login, creds.customer_id))
    }

    /// Checks login and password, throttled like a login, without starting a session:
    /// for callers that send credentials with every request (the OTRS GenericInterface).
    pub async fn check_password(&self, login: &str, secret: &str, client: &str) -> Result<(UserId, String), AuthError> {
        let now = self.clock.now();
        let login_key = login.trim().to_lowercase();
        self.throttled(&login_key, client, now).await?;
        let creds = self.agents.credentials(login.trim()).await?;
        let ok = match creds.as_ref() {
            Some(c) if c.valid => self.verify(secret, &c.password_hash, &c.login).await,
            _ => false,
        };
        let Some(creds) = creds.filter(|_| ok) else {
            self.failed(&login_key, client, now).await?;
            return Err(AuthError::InvalidCredentials);
        };
        self.by_account.clear(&account_key(&login_key, client)).await?;
        Ok((creds.user_id, creds.login))
    }

    /// An agent changes their own password: the current one is checked as a login is
    /// (a wrong one counts towards the throttle), the new one must follow the rules and
    /// differ from it. Their API refresh tokens are revoked: a client that had the old
    /// password logs in again. (Browser sessions are ended by the caller, which knows
    /// which one to keep.)
    pub async fn change_password(
        &self,
        user_id: UserId,
        current: &str,
        new: &str,
        client: &str,
    ) -> Result<(), AuthError> {
        let agent = self.agents.get(user_id).await?.ok_or(AuthError::InvalidCredentials)?;
        self.check_password(&agent.login, current, client).await?;
        let hash = self.new_password_hash(current, new).await?;
        self.agents.set_password_hash(user_id, &hash, user_id).await?;
        self.tokens.revoke_subject(&Subject::Agent(user_id), self.clock.now()).await?;
        Ok(())
    }

    /// A customer changes their own password, checked as an agent's is. The change is
    /// recorded as made by OTRS's customer-panel user (1), as OTRS records it.
    pub async fn change_customer_password(
        &self,
        login: &str,
        current: &str,
        new: &str,
        client: &str,
    ) -> Result<(), AuthError> {
        let (login, _) = self.check_customer_password(login, current, client).await?;
        let hash = self.new_password_hash(current, new).await?;
        self.customers.set_user_password_hash(&login, &hash, 1).await?;
        self.tokens.revoke_subject(&Subject::Customer(login), self.clock.now()).await?;
        Ok(())
    }

    async fn new_password_hash(&self, current: &str, new: &str) -> Result<String, AuthError> {
        crate::admin::checked_password(new)?;
        if new == current {
            return Err(DomainError::invalid("password_unchanged", "the new password is the current one").into());
        }
        Ok(self.cpu.hash_password(new.to_string()).await?)
    }

    /// Exchanges a refresh token for a new one. A token used twice means it leaked: the
    /// whole family is revoked and the caller must log in again.
    pub async fn refresh(&self, secret: &str) -> Result<Session, AuthError> {
        let now = self.clock.now();
        let record = self.tokens.find(&token_hash(secret)).await?.ok_or(AuthError::InvalidToken)?;
        if record.revoked || record.expires_at <= now {
            return Err(AuthError::InvalidToken);
        }
        if record.rotated || !self.tokens.mark_rotated(record.id, now).await? {
            self.tokens.revoke_family(&record.family, now).await?;
            return Err(AuthError::InvalidToken);
        }
        self.still_valid(&record.subject).await?;
        self.issue(&record.family, record.subject, now).await
    }

    /// Ends the session the refresh token belongs to.
    pub async fn logout(&self, secret: &str) -> Result<(), AuthError> {
        let record = self.tokens.find(&token_hash(secret)).await?.ok_or(AuthError::InvalidToken)?;
        self.tokens.revoke_family(&record.family, self.clock.now()).await?;
        Ok(())
    }

    /// What a (valid) agent may do right now; an invalid account holds nothing.
    pub async fn permissions(&self, user_id: UserId) -> Result<AgentPermissions, AuthError> {
        let agent = self.agents.get(user_id).await?.filter(|a| a.valid).ok_or(AuthError::InvalidToken)?;
        self.permissions_of(&agent).await
    }

    /// The permissions of an agent the caller has already loaded (and found valid).
    pub async fn permissions_of(&self, agent: &Agent) -> Result<AgentPermissions, AuthError> {
        Ok(AgentPermissions::new(agent.id, self.groups.grants_for(agent.id).await?))
    }

    async fn issue(&self, family: &str, subject: Subject, now: DateTime<Utc>) -> Result<Session, AuthError> {
        let secret = new_secret();
        let expires = now + self.refresh_ttl;
        self.tokens.insert(family, &subject, &token_hash(&secret), expires).await?;
        Ok(Session { subject, refresh_token: secret, refresh_expires: expires })
    }

    /// A session only continues while its account stays valid.
    async fn still_valid(&self, subject: &Subject) -> Result<(), AuthError> {
        let valid = match subject {
            Subject::Agent(id) => self.agents.get(*id).await?.is_some_and(|a| a.valid),
            Subject::Customer(login) => self.customers.credentials(login).await?.is_some_and(|c| c.valid),
        };
        if valid { Ok(()) } else { Err(AuthError::InvalidToken) }
    }

    /// The customer behind a customer access token, with their company, while valid.
    pub async fn customer(&self, login: &str) -> Result<(String, String), AuthError> {
        let c = self.customers.credentials(login).await?.filter(|c| c.valid).ok_or(AuthError::InvalidToken)?;
        Ok((c.login, c.customer_id))
    }

    async fn throttled(&self, key: &str, client: &str, now: DateTime<Utc>) -> Result<(), AuthError> {
        let a = self.by_account.locked_for(&account_key(key, client), now).await?;
        let b = self.by_client.locked_for(client, now).await?;
        match a.max(b) {
            Some(retry_after_secs) => Err(AuthError::Throttled { retry_after_secs }),
            None => Ok(()),
        }
    }

    async fn failed(&self, key: &str, client: &str, now: DateTime<Utc>) -> Result<(), AuthError> {
        self.by_account.fail(&account_key(key, client), now).await?;
        self.by_client.fail(client, now).await?;
        Ok(())
    }
}

/// The key of one account's failures from one client.
fn account_key(account: &str, client: &str) -> String {
    format!("{account}\u{1f}{client}")
}

/// Failures of one account from one client: a stranger guessing slows down only their
/// own tries, never the account's owner elsewhere. Five wrong passwords in 15 minutes,
/// then 30 s, 1 min, 2 min … up to 15 min between tries.
fn account_throttle(failures: Arc<dyn FailedLogins>) -> LoginThrottle {
    LoginThrottle::new("account", 5, Duration::minutes(15), Duration::seconds(30), failures)
}

/// Failures from one client, whatever the account: one guesser trying many logins.
/// Twenty in 15 minutes, then the same waits.
fn client_throttle(failures: Arc<dyn FailedLogins>) -> LoginThrottle {
    LoginThrottle::new("client", 20, Duration::minutes(15), Duration::seconds(30), failures)
}

#[cfg(test)]
#[path = "auth_tests.rs"]
mod tests;
