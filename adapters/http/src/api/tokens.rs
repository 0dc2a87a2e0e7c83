//! Short-lived access tokens: HS256 JWTs naming the agent. The key comes from the
//! configuration or, when none is set, is generated once and kept in the database so a
//! restart does not log everyone out.

use std::collections::HashMap;
use std::sync::RwLock;

use chrono::{Duration, Utc};
use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey, Header, Validation, decode, encode};
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Serialize, Deserialize)]
struct Claims {
    sub: String,
    exp: i64,
    iat: i64,
    typ: String,
}

const ACCESS: &str = "access";
const GI_SESSION: &str = "gi-session";
const CUSTOMER: &str = "customer";

/// Seconds a token stays good past its expiry, for clocks that disagree a little.
const LEEWAY: i64 = 5;

/// Past this many checked tokens the memo starts over.
const KEEP_AT_MOST: usize = 10_000;

pub struct AccessTokens {
    encoding: EncodingKey,
    decoding: DecodingKey,
    ttl: Duration,
    /// Tokens whose signature was checked, with their claims. An operation asks up to
    /// three times (a customer's token? an agent's?) and a client sends one token with
    /// every request until it expires, while a check is a signature and a JSON parse —
    /// a sixth of a ticket read. Expiry is checked on every use; refused tokens are not
    /// kept.
    checked: RwLock<HashMap<Box<str>, Claims>>,
}

impl AccessTokens {
    pub fn new(secret: &[u8], ttl: Duration) -> Self {
        Self {
            encoding: EncodingKey::from_secret(secret),
            decoding: DecodingKey::from_secret(secret),
            ttl,
            checked: RwLock::default(),
        }
    }

    pub fn ttl_seconds(&self) -> i64 {
        self.ttl.num_seconds()
    }

    pub fn issue(&self, user_id: i32) -> String {
        self.issue_typed(&user_id.to_string(), ACCESS, self.ttl)
    }

    /// The agent id of a valid, unexpired access token.
    pub fn verify(&self, token: &str) -> Option<i32> {
        self.verify_typed(token, ACCESS)?.parse().ok()
    }

    /// An access token for a customer contact, naming their login.
    pub fn issue_customer(&self, login: &str) -> String {
        self.issue_typed(login, CUSTOMER, self.ttl)
    }

    /// The customer login of a valid, unexpired customer access token.
    pub fn verify_customer(&self, token: &str) -> Option<String> {
        self.verify_typed(token, CUSTOMER)
    }

    /// A GenericInterface `SessionID`: like an access token, but living as long as an
    /// OTRS session does by default (16 hours) and good only on that interface.
    pub fn issue_gi_session(&self, user_id: i32) -> String {
        self.issue_typed(&user_id.to_string(), GI_SESSION, Duration::hours(16))
    }

    pub fn verify_gi_session(&self, token: &str) -> Option<i32> {
        self.verify_typed(token, GI_SESSION)?.parse().ok()
    }

    fn issue_typed(&self, subject: &str, typ: &str, ttl: Duration) -> String {
        let now = Utc::now().timestamp();
        let claims = Claims { sub: subject.to_string(), iat: now, exp: now + ttl.num_seconds(), typ: typ.into() };
        // Encoding HS256 with a valid key cannot fail.
        encode(&Header::new(Algorithm::HS256), &claims, &self.encoding).unwrap_or_default()
    }

    fn verify_typed(&self, token: &str, typ: &str) -> Option<String> {
        let claims = self.claims(token)?;
        (claims.typ == typ).then_some(claims.sub)
    }

    /// The claims of a token signed with our key and not expired.
    fn claims(&self, token: &str) -> Option<Claims> {
        let now = Utc::now().timestamp();
        let kept = self.checked.read().unwrap_or_else(|p| p.into_inner()).get(token).cloned();
        if let Some(claims) = kept {
            return unexpired(claims, now);
        }
        let mut v = Validation::new(Algorithm::HS256);
        v.leeway = LEEWAY as u64;
        let claims = decode::<Claims>(token, &self.decoding, &v).ok()?.claims;
        let mut checked = self.checked.write().unwrap_or_else(|p| p.into_inner());
        if checked.len() >= KEEP_AT_MOST {
            checked.clear();
        }
        checked.insert(token.into(), claims.clone());
        Some(claims)
    }
}

/// `claims` while they are good at `now`, by the rule the JWT check applies.
fn unexpired(claims: Claims, now: i64) -> Option<Claims> {
    (now <= claims.exp + LEEWAY).then_some(claims)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_checked_token_expires_all_the_same() {
        let claims = Claims { sub: "7".into(), exp: 1_000, iat: 100, typ: ACCESS.into() };
        assert!(unexpired(claims.clone(), 1_000 + LEEWAY).is_some());
        assert!(unexpired(claims, 1_001 + LEEWAY).is_none());
        let t = AccessTokens::new(b"0123456789abcdef0123456789abcdef", Duration::minutes(15));
        let token = t.issue(7);
        assert_eq!(t.verify(&token), Some(7));
        assert_eq!(t.verify(&token), Some(7), "kept");
        assert_eq!(t.verify_customer(&token), None, "kept, and still an agent's");
        let at = token.rfind('.').unwrap() + 1;
        let other = if token[at..].starts_with('A') { "B" } else { "A" };
        let forged = format!("{}{other}{}", &token[..at], &token[at + 1..]);
        assert_eq!(t.verify(&forged), None);
    }

    #[test]
    fn issued_tokens_verify_and_others_do_not() {
        let t = AccessTokens::new(b"0123456789abcdef0123456789abcdef", Duration::minutes(15));
        let token = t.issue(7);
        assert_eq!(t.verify(&token), Some(7));
        assert_eq!(AccessTokens::new(b"another key, another signature..", Duration::minutes(15)).verify(&token), None);
        assert_eq!(t.verify("garbage"), None);
        let expired = AccessTokens::new(b"0123456789abcdef0123456789abcdef", Duration::minutes(-10)).issue(7);
        assert_eq!(t.verify(&expired), None);
        let session = t.issue_gi_session(7);
        assert_eq!(t.verify_gi_session(&session), Some(7));
        assert_eq!(t.verify(&session), None, "a GenericInterface session is no API access token");
        assert_eq!(t.verify_gi_session(&token), None);
        let customer = t.issue_customer("jane@acme.example");
        assert_eq!(t.verify_customer(&customer).as_deref(), Some("jane@acme.example"));
        assert_eq!(t.verify(&customer), None, "a customer token is no agent token");
    }
}
