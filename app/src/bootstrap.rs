//! The first admin password. goats never ships a known one: on a new database,
//! `root@localhost` gets `GOATS_ADMIN_PASSWORD` or a generated password, printed once.

use goats_core::password;
use goats_core::ports::AgentRepository;
use goats_sql::Db;
use rand::Rng;

use crate::error::AppError;

/// The OTRS superuser, id 1 in the default data.
pub const ROOT_LOGIN: &str = "root@localhost";

pub async fn set_initial_admin_password(db: &Db) -> Result<(), AppError> {
    let root = db
        .by_login(ROOT_LOGIN)
        .await?
        .ok_or_else(|| AppError::Usage(format!("{ROOT_LOGIN} is missing from the new database")))?;
    let (secret, generated) = match std::env::var("GOATS_ADMIN_PASSWORD").ok().filter(|p| !p.is_empty()) {
        Some(p) => (p, false),
        None => (generate_password(), true),
    };
    db.set_password_hash(root.id, &password::hash(&secret), root.id).await?;
    if generated {
        eprintln!("goats: the administrator is {ROOT_LOGIN} with password: {secret}");
        eprintln!("goats: this password is shown only once; change it with `goats user passwd {ROOT_LOGIN}`");
    } else {
        tracing::info!("set the password of {ROOT_LOGIN} from GOATS_ADMIN_PASSWORD");
    }
    Ok(())
}

/// 20 characters from an alphabet without look-alikes (no 0/O, 1/l/I).
pub fn generate_password() -> String {
    const ALPHABET: &[u8] = b"abcdefghijkmnopqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789";
    let mut rng = rand::rng();
    (0..20).map(|_| ALPHABET[rng.random_range(0..ALPHABET.len())] as char).collect()
}
