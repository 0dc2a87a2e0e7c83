//! Short-lived access tokens: HS256 JWTs naming the agent. The key comes from the
//! configuration or, when none is set, is generated once and kept in the database so a
//! restart does not log everyone out.

use chrono::{Duration, Utc};
use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey, Header, Validation, decode, encode};
use serde::{Deserialize, Serialize};

#[derive(Debug, Serialize, Deserialize)]
struct Claims {
    sub: String,
    exp: i64,
    iat: i64,
    typ: String,
}

pub struct AccessTokens {
    encoding: EncodingKey,
    decoding: DecodingKey,
    ttl: Duration,
}

impl AccessTokens {
    pub fn new(secret: &[u8], ttl: Duration) -> Self {
        Self { encoding: EncodingKey::from_secret(secret), decoding: DecodingKey::from_secret(secret), ttl }
    }

    pub fn ttl_seconds(&self) -> i64 {
        self.ttl.num_seconds()
    }

    pub fn issue(&self, user_id: i32) -> String {
        let now = Utc::now().timestamp();
        let claims =
            Claims { sub: user_id.to_string(), iat: now, exp: now + self.ttl.num_seconds(), typ: "access".into() };
        // Encoding HS256 with a valid key cannot fail.
        encode(&Header::new(Algorithm::HS256), &claims, &self.encoding).unwrap_or_default()
    }

    /// The agent id of a valid, unexpired access token.
    pub fn verify(&self, token: &str) -> Option<i32> {
        let mut v = Validation::new(Algorithm::HS256);
        v.leeway = 5;
        let data = decode::<Claims>(token, &self.decoding, &v).ok()?;
        (data.claims.typ == "access").then_some(())?;
        data.claims.sub.parse().ok()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn issued_tokens_verify_and_others_do_not() {
        let t = AccessTokens::new(b"0123456789abcdef0123456789abcdef", Duration::minutes(15));
        let token = t.issue(7);
        assert_eq!(t.verify(&token), Some(7));
        assert_eq!(AccessTokens::new(b"another key, another signature..", Duration::minutes(15)).verify(&token), None);
        assert_eq!(t.verify("garbage"), None);
        let expired = AccessTokens::new(b"0123456789abcdef0123456789abcdef", Duration::minutes(-10)).issue(7);
        assert_eq!(t.verify(&expired), None);
    }
}
