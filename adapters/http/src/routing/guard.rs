//! The middleware tokens a route file may name. Each is a guard the request passes
//! before the handler; the implementations live with the pages (`web::guards`).

use std::fmt;

use goats_core::permission::Permission;

/// One middleware token.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Guard {
    /// The session cookie is read and the page's security headers are set.
    Session,
    /// A state-changing request must carry the session's CSRF token.
    Csrf,
    /// The sign-in form's CSRF token, checked against the login cookie (there is no
    /// session yet to hold one).
    LoginCsrf,
    /// A signed-in agent; anyone else is sent to the login page.
    Auth,
    /// A signed-in customer (the portal); anyone else is sent to the portal's login.
    Customer,
    /// An agent in the admin group.
    Admin,
    /// The agent holds this permission on the ticket named by the path's `:id`.
    Ticket(Permission),
    /// A bearer token, required by a REST operation itself (from its OpenAPI security);
    /// shown in the manifest, never written in a route file.
    Bearer,
}

impl Guard {
    /// The token as written in route files and the manifest.
    pub fn token(self) -> String {
        match self {
            Guard::Session => "session".into(),
            Guard::Csrf => "csrf".into(),
            Guard::LoginCsrf => "login-csrf".into(),
            Guard::Auth => "auth".into(),
            Guard::Customer => "customer".into(),
            Guard::Admin => "admin".into(),
            Guard::Ticket(p) => format!("ticket:{}", p.key()),
            Guard::Bearer => "bearer".into(),
        }
    }

    /// The guard a route file's token names.
    pub fn parse(token: &str) -> Result<Guard, String> {
        let guard = match token {
            "session" => Guard::Session,
            "csrf" => Guard::Csrf,
            "login-csrf" => Guard::LoginCsrf,
            "auth" => Guard::Auth,
            "customer" => Guard::Customer,
            "admin" => Guard::Admin,
            "bearer" => {
                return Err("`bearer` is declared by the REST operations themselves, not in route files".into());
            }
            other => match other.strip_prefix("ticket:") {
                Some(key) => Guard::Ticket(Permission::from_key(key).ok_or_else(|| {
                    let keys: Vec<&str> = Permission::ALL.iter().map(|p| p.key()).collect();
                    format!("unknown ticket permission `{key}` (known: {})", keys.join(", "))
                })?),
                None => {
                    return Err(format!(
                        "unknown middleware `{other}` (known: session, csrf, login-csrf, auth, customer, admin, ticket:<permission>)"
                    ));
                }
            },
        };
        Ok(guard)
    }

    pub fn is_csrf(self) -> bool {
        matches!(self, Guard::Csrf | Guard::LoginCsrf)
    }

    /// What the guard cannot work without: every guard but the session's reads the
    /// session; the admin and ticket checks need the signed-in agent.
    fn implies(self) -> &'static [Guard] {
        match self {
            Guard::Csrf | Guard::LoginCsrf | Guard::Auth | Guard::Customer => &[Guard::Session],
            Guard::Admin | Guard::Ticket(_) => &[Guard::Session, Guard::Auth],
            Guard::Session | Guard::Bearer => &[],
        }
    }
}

impl fmt::Display for Guard {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.token())
    }
}

/// The guards a route really runs: what it names, what those need, once each, in the
/// order they apply (session first, the handler's own checks last).
pub fn effective(named: impl IntoIterator<Item = Guard>) -> Vec<Guard> {
    let mut all: Vec<Guard> = Vec::new();
    for g in named {
        all.push(g);
        all.extend_from_slice(g.implies());
    }
    all.sort();
    all.dedup();
    all
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_round_trip() {
        for token in ["session", "csrf", "login-csrf", "auth", "customer", "admin", "ticket:note", "ticket:move_into"] {
            assert_eq!(Guard::parse(token).unwrap().token(), token);
        }
        assert!(Guard::parse("ticket:write").unwrap_err().contains("unknown ticket permission"));
        assert!(Guard::parse("auht").unwrap_err().contains("unknown middleware `auht`"));
        assert!(Guard::parse("bearer").is_err());
    }

    #[test]
    fn effective_guards_add_what_they_need_in_order() {
        let g = effective([Guard::Ticket(Permission::Note), Guard::Csrf]);
        assert_eq!(g, vec![Guard::Session, Guard::Csrf, Guard::Auth, Guard::Ticket(Permission::Note)]);
        assert_eq!(effective([Guard::Admin]), vec![Guard::Session, Guard::Auth, Guard::Admin]);
    }
}
