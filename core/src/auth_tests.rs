use std::sync::Arc;

use chrono::{DateTime, Duration};

use super::*;
use crate::password;
use crate::ports::{CustomerRepository, NewAgent, Subject};
use crate::testing::{FixedClock, MemoryStore};

struct World {
    store: MemoryStore,
    clock: Arc<FixedClock>,
    auth: AuthService,
}

async fn world() -> World {
    let clock = Arc::new(FixedClock::at(DateTime::from_timestamp(1_717_243_200, 0).unwrap()));
    let store = MemoryStore::with_defaults(clock.clone());
    let s = Arc::new(store.clone());
    let auth = AuthService::new(s.clone(), s.clone(), s.clone(), s, clock.clone(), Duration::days(7));
    let agent = NewAgent {
        login: "ada".into(),
        first_name: "Ada".into(),
        last_name: "L".into(),
        email: None,
        password_hash: password::hash_with_cost("right password", 4),
    };
    AgentRepository::create(&store, agent, 1).await.unwrap();
    World { store, clock, auth }
}

#[tokio::test]
async fn login_checks_the_password_and_says_nothing_more() {
    let w = world().await;
    let s = w.auth.login("ada", "right password", "10.0.0.1").await.unwrap();
    assert_eq!(s.subject, Subject::Agent(2));
    assert_eq!(s.refresh_token.len(), 64);
    assert_eq!(w.auth.login("ada", "wrong", "10.0.0.1").await.unwrap_err(), AuthError::InvalidCredentials);
    assert_eq!(w.auth.login("nobody", "x", "10.0.0.1").await.unwrap_err(), AuthError::InvalidCredentials);
    w.store.set_valid(2, false, 1).await.unwrap();
    assert_eq!(w.auth.login("ada", "right password", "10.0.0.1").await.unwrap_err(), AuthError::InvalidCredentials);
}

fn waits(r: Result<Session, AuthError>) -> Option<u64> {
    match r {
        Err(AuthError::Throttled { retry_after_secs }) => Some(retry_after_secs),
        _ => None,
    }
}

#[tokio::test]
async fn a_stranger_guessing_slows_down_only_themselves_and_ever_more() {
    let w = world().await;
    for _ in 0..5 {
        assert_eq!(w.auth.login("ada", "guess", "10.0.0.2").await.unwrap_err(), AuthError::InvalidCredentials);
    }
    // The guesser waits; Ada, elsewhere, is not locked out of her own account.
    assert_eq!(waits(w.auth.login("ada", "guess", "10.0.0.2").await), Some(30));
    assert!(w.auth.login("ada", "right password", "10.0.0.3").await.is_ok());
    // Each further failure within the window doubles the wait.
    let mut seen = Vec::new();
    for _ in 0..4 {
        let wait = waits(w.auth.login("ada", "guess", "10.0.0.2").await).expect("throttled");
        seen.push(wait);
        w.clock.advance(Duration::seconds(wait as i64));
        assert_eq!(w.auth.login("ada", "guess", "10.0.0.2").await.unwrap_err(), AuthError::InvalidCredentials);
    }
    assert_eq!(seen, [30, 60, 120, 240]);
    assert_eq!(waits(w.auth.login("ada", "guess", "10.0.0.2").await), Some(480));
    // Fifteen quiet minutes forgive everything.
    w.clock.advance(Duration::minutes(16));
    assert!(w.auth.login("ada", "right password", "10.0.0.2").await.is_ok());
}

#[tokio::test]
async fn one_client_trying_many_logins_is_slowed_down_alone() {
    let w = world().await;
    for n in 0..20 {
        let r = w.auth.login(&format!("user{n}"), "guess", "10.0.0.9").await;
        assert_eq!(r.unwrap_err(), AuthError::InvalidCredentials);
    }
    assert_eq!(waits(w.auth.login("ada", "right password", "10.0.0.9").await), Some(30), "that client waits");
    assert!(w.auth.login("ada", "right password", "10.0.0.4").await.is_ok(), "everyone else does not");
}

#[tokio::test]
async fn refresh_tokens_rotate_and_a_replay_revokes_the_family() {
    let w = world().await;
    let first = w.auth.login("ada", "right password", "c").await.unwrap();
    let second = w.auth.refresh(&first.refresh_token).await.unwrap();
    assert_ne!(first.refresh_token, second.refresh_token);
    // The first token was used already: replaying it kills the whole family …
    assert_eq!(w.auth.refresh(&first.refresh_token).await.unwrap_err(), AuthError::InvalidToken);
    // … including the token that was current.
    assert_eq!(w.auth.refresh(&second.refresh_token).await.unwrap_err(), AuthError::InvalidToken);
}

#[tokio::test]
async fn logout_and_expiry_end_a_session() {
    let w = world().await;
    let s = w.auth.login("ada", "right password", "c").await.unwrap();
    w.auth.logout(&s.refresh_token).await.unwrap();
    assert_eq!(w.auth.refresh(&s.refresh_token).await.unwrap_err(), AuthError::InvalidToken);
    let s = w.auth.login("ada", "right password", "c").await.unwrap();
    w.clock.advance(Duration::days(8));
    assert_eq!(w.auth.refresh(&s.refresh_token).await.unwrap_err(), AuthError::InvalidToken);
    assert_eq!(w.auth.refresh("not-a-token").await.unwrap_err(), AuthError::InvalidToken);
}

#[tokio::test]
async fn permissions_come_from_grants_of_a_valid_agent() {
    let w = world().await;
    assert!(w.auth.permissions(1).await.unwrap().is_admin());
    assert!(!w.auth.permissions(2).await.unwrap().is_admin());
    assert_eq!(w.auth.permissions(99).await.unwrap_err(), AuthError::InvalidToken);
}

#[tokio::test]
async fn customers_log_in_with_their_own_accounts() {
    let w = world().await;
    let jane = crate::testing::contact("jane", "ACME");
    w.store.create_user(jane, Some(password::hash_with_cost("customer pw", 4)), 1).await.unwrap();
    let s = w.auth.customer_login("jane", "customer pw", "c").await.unwrap();
    assert_eq!(s.subject, Subject::Customer("jane".into()));
    assert_eq!(w.auth.customer("jane").await.unwrap(), ("jane".into(), "ACME".into()));
    let next = w.auth.refresh(&s.refresh_token).await.unwrap();
    assert_eq!(next.subject, Subject::Customer("jane".into()));
    // An agent's password is no customer's, and the other way round.
    assert_eq!(w.auth.customer_login("ada", "right password", "c").await.unwrap_err(), AuthError::InvalidCredentials);
    assert_eq!(w.auth.login("jane", "customer pw", "c").await.unwrap_err(), AuthError::InvalidCredentials);
}

#[tokio::test]
async fn agents_and_customers_change_their_own_passwords() {
    let w = world().await;
    let refused = |r: Result<(), AuthError>| match r {
        Err(AuthError::Domain(DomainError::Invalid { field, .. })) => field,
        other => panic!("not refused as invalid: {other:?}"),
    };
    assert_eq!(
        w.auth.change_password(2, "wrong", "a new password", "c").await.unwrap_err(),
        AuthError::InvalidCredentials
    );
    assert_eq!(refused(w.auth.change_password(2, "right password", "short", "c").await), "password");
    assert_eq!(refused(w.auth.change_password(2, "right password", "right password", "c").await), "password_unchanged");
    let before = w.auth.login("ada", "right password", "c").await.unwrap();
    w.auth.change_password(2, "right password", "a new password", "c").await.unwrap();
    assert_eq!(w.auth.refresh(&before.refresh_token).await.unwrap_err(), AuthError::InvalidToken);
    assert_eq!(w.auth.login("ada", "right password", "c").await.unwrap_err(), AuthError::InvalidCredentials);
    assert!(w.auth.login("ada", "a new password", "c").await.is_ok());

    let jane = crate::testing::contact("jane", "ACME");
    w.store.create_user(jane, Some(password::hash_with_cost("customer pw", 4)), 1).await.unwrap();
    let r = w.auth.change_customer_password("jane", "guess", "jane's new pw", "c").await;
    assert_eq!(r.unwrap_err(), AuthError::InvalidCredentials);
    w.auth.change_customer_password("jane", "customer pw", "jane's new pw", "c").await.unwrap();
    assert!(w.auth.customer_login("jane", "jane's new pw", "c").await.is_ok());
    assert_eq!(w.auth.customer_login("jane", "customer pw", "c").await.unwrap_err(), AuthError::InvalidCredentials);
}

#[tokio::test]
async fn guessing_the_current_password_is_throttled_like_a_login() {
    let w = world().await;
    for _ in 0..5 {
        let r = w.auth.change_password(2, "guess", "a new password", "10.0.0.5").await;
        assert_eq!(r.unwrap_err(), AuthError::InvalidCredentials);
    }
    let r = w.auth.change_password(2, "right password", "a new password", "10.0.0.5").await;
    assert_eq!(r.unwrap_err(), AuthError::Throttled { retry_after_secs: 30 });
}
