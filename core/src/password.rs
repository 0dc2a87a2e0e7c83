//! Passwords in every form OTRS stores them (`users.pw`, `customer_user.pw`).
//!
//! Verification recognises the stored form by its shape, as OTRS does. New passwords
//! are written in OTRS's own `BCRYPT:cost:salt:hash` form so that an OTRS sharing the
//! database can verify them too.

use md5::{Digest as _, Md5};
use rand::Rng;
use sha1::Sha1;
use sha2::{Sha256, Sha512};

/// bcrypt cost for new passwords; OTRS's default is 12.
pub const DEFAULT_BCRYPT_COST: u32 = 12;

/// A stored value that no password matches: accounts wait in this state until an
/// administrator sets a password, so goats never ships a known default.
pub const LOCKED: &str = "!";

/// Whether `password` matches `stored` for the account `login`.
pub fn verify(password: &str, stored: &str, login: &str) -> bool {
    if stored.is_empty() || stored == LOCKED {
        return false;
    }
    let computed = if let Some(rest) = stored.strip_prefix("BCRYPT:") {
        match otrs_bcrypt_from(rest, password) {
            Some(hash) => hash,
            None => return false,
        }
    } else if stored.starts_with("$1$") {
        md5_crypt(password, stored, "$1$")
    } else if stored.starts_with("$apr1$") {
        md5_crypt(password, stored, "$apr1$")
    } else if is_hex(stored, 64) {
        hex(&Sha256::digest(password.as_bytes()))
    } else if is_hex(stored, 40) {
        hex(&Sha1::digest(password.as_bytes()))
    } else if is_hex(stored, 128) {
        hex(&Sha512::digest(password.as_bytes()))
    } else if stored.len() == 13 {
        des_crypt(password, &stored[..2])
    } else {
        des_crypt(password, login.get(..2).unwrap_or(login))
    };
    constant_time_eq(computed.as_bytes(), stored.as_bytes())
}

/// Hashes a new password in OTRS's `BCRYPT:` form with a random salt.
pub fn hash(password: &str) -> String {
    hash_with_cost(password, DEFAULT_BCRYPT_COST)
}

pub fn hash_with_cost(password: &str, cost: u32) -> String {
    const SALT_CHARS: &[u8] = b"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
    let mut rng = rand::rng();
    let salt: String = (0..16).map(|_| SALT_CHARS[rng.random_range(0..SALT_CHARS.len())] as char).collect();
    format!("BCRYPT:{cost}:{salt}:{}", otrs_bcrypt(cost, salt.as_bytes(), password))
}

/// `cost:salt:hash` → the `BCRYPT:` value this password would produce.
fn otrs_bcrypt_from(rest: &str, password: &str) -> Option<String> {
    let mut parts = rest.splitn(3, ':');
    let cost: u32 = parts.next()?.parse().ok()?;
    let salt = parts.next()?.as_bytes();
    parts.next()?;
    if !(4..=31).contains(&cost) || salt.len() != 16 {
        return None;
    }
    Some(format!("BCRYPT:{cost}:{}:{}", String::from_utf8_lossy(salt), otrs_bcrypt(cost, salt, password)))
}

/// OTRS hashes the password plus a trailing NUL with the 16 salt bytes as given, keeps
/// 23 bytes of the result and encodes them in bcrypt's base64 alphabet.
fn otrs_bcrypt(cost: u32, salt: &[u8], password: &str) -> String {
    let mut key: Vec<u8> = password.as_bytes().to_vec();
    key.truncate(71);
    key.push(0);
    let mut salt16 = [0u8; 16];
    salt16.copy_from_slice(salt);
    let raw = bcrypt::bcrypt(cost, salt16, &key);
    crypt_base64(&raw[..23], BCRYPT_ALPHABET)
}

#[allow(deprecated)] // verifying the legacy form OTRS stored, never writing it
fn des_crypt(password: &str, salt: &str) -> String {
    pwhash::unix_crypt::hash_with(salt, password).unwrap_or_default()
}

const BCRYPT_ALPHABET: &[u8; 64] = b"./ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
const CRYPT_ALPHABET: &[u8; 64] = b"./0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

/// bcrypt's base64: big-endian bit order, no padding.
fn crypt_base64(data: &[u8], alphabet: &[u8; 64]) -> String {
    let mut out = String::new();
    let (mut bits, mut n) = (0u32, 0u32);
    for &b in data {
        bits = (bits << 8) | b as u32;
        n += 8;
        while n >= 6 {
            n -= 6;
            out.push(alphabet[((bits >> n) & 63) as usize] as char);
        }
    }
    if n > 0 {
        out.push(alphabet[((bits << (6 - n)) & 63) as usize] as char);
    }
    out
}

/// The md5-crypt scheme behind `$1$` and Apache's `$apr1$`; they differ only in magic.
fn md5_crypt(password: &str, stored: &str, magic: &str) -> String {
    let after = &stored[magic.len()..];
    let salt = after.split('$').next().unwrap_or("");
    let salt = &salt[..salt.len().min(8)];
    let (pw, s) = (password.as_bytes(), salt.as_bytes());

    let alt = Md5::new().chain_update(pw).chain_update(s).chain_update(pw).finalize();
    let mut ctx = Md5::new().chain_update(pw).chain_update(magic.as_bytes()).chain_update(s);
    let mut left = pw.len();
    while left > 0 {
        ctx.update(&alt[..left.min(16)]);
        left = left.saturating_sub(16);
    }
    let mut i = pw.len();
    while i > 0 {
        if i & 1 == 1 {
            ctx.update([0u8]);
        } else {
            ctx.update(&pw[..1.min(pw.len())]);
        }
        i >>= 1;
    }
    let mut digest = ctx.finalize();
    for round in 0..1000 {
        let mut c = Md5::new();
        if round & 1 == 1 {
            c.update(pw);
        } else {
            c.update(digest);
        }
        if round % 3 != 0 {
            c.update(s);
        }
        if round % 7 != 0 {
            c.update(pw);
        }
        if round & 1 == 1 {
            c.update(digest);
        } else {
            c.update(pw);
        }
        digest = c.finalize();
    }
    // The final digest is emitted in groups of three bytes in this fixed order.
    let d = digest;
    let groups =
        [(d[0], d[6], d[12]), (d[1], d[7], d[13]), (d[2], d[8], d[14]), (d[3], d[9], d[15]), (d[4], d[10], d[5])];
    let mut out = format!("{magic}{salt}$");
    for (a, b, c) in groups {
        push_crypt64(&mut out, ((a as u32) << 16) | ((b as u32) << 8) | c as u32, 4);
    }
    push_crypt64(&mut out, d[11] as u32, 2);
    out
}

/// Little-endian 6-bit groups, as crypt(3) writes them.
fn push_crypt64(out: &mut String, mut v: u32, n: usize) {
    for _ in 0..n {
        out.push(CRYPT_ALPHABET[(v & 63) as usize] as char);
        v >>= 6;
    }
}

fn is_hex(s: &str, len: usize) -> bool {
    s.len() == len && s.bytes().all(|b| b.is_ascii_hexdigit())
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

#[cfg(test)]
mod tests {
    use super::*;

    // Vectors from independent implementations: see core/tests/password_vectors.py.
    const PW: &str = "Goats-Passw0rd!";

    #[test]
    fn otrs_default_root_password_is_des_crypt_of_root() {
        assert!(verify("root", "roK20XGbWEsSM", "root@localhost"));
        assert!(!verify("Root", "roK20XGbWEsSM", "root@localhost"));
    }

    #[test]
    fn unsalted_digests() {
        let sha256 = "d807ea825d4704f6302b4cfec36341d5543c1d4b25bae38a8f0ea56dcb988b12";
        let sha1 = "02212c462e06c6899abd686dd66ecc895dadf858";
        let sha512 = "d9008c9ce89cb0c197e534d78060ea6d8c6a9fdf73b5317c63abb9ba0fe6a0cc5750652672c3437711c53321b765fc7e90765e76248324e4881943871ddc0b7d";
        for stored in [sha256, sha1, sha512] {
            assert!(verify(PW, stored, "agent"), "{stored}");
            assert!(!verify("wrong", stored, "agent"), "{stored}");
        }
    }

    #[test]
    fn crypt_forms() {
        for stored in ["abiaWAjCgFJmk", "$1$agent$X1ujJGulqcSUhBjwf/w7o/", "$apr1$agent$iFQwK.6ymJmp7zJ/SfRdP1"] {
            assert!(verify(PW, stored, "agent"), "{stored}");
            // DES crypt reads only eight characters, so change one of those.
            assert!(!verify("goats-Passw0rd!", stored, "agent"), "{stored}");
        }
    }

    #[test]
    fn otrs_bcrypt_form_from_python_bcrypt() {
        let stored = "BCRYPT:5:0123456789abcdef:xjcJumHFdqlEGy4X2JN1RUL/mAIvJSq";
        assert!(verify(PW, stored, "agent"));
        assert!(!verify("x", stored, "agent"));
    }

    #[test]
    fn new_hashes_use_the_bcrypt_form_and_verify() {
        let stored = hash_with_cost("s3cret ümlaut", 4);
        assert!(stored.starts_with("BCRYPT:4:"));
        assert_eq!(stored.split(':').nth(2).map(str::len), Some(16));
        assert!(verify("s3cret ümlaut", &stored, "x"));
        assert!(!verify("s3cret umlaut", &stored, "x"));
        assert_ne!(stored, hash_with_cost("s3cret ümlaut", 4), "salts differ");
    }

    #[test]
    fn locked_and_malformed_values_never_verify() {
        assert!(!verify("", LOCKED, "root@localhost"));
        assert!(!verify("", "", "root@localhost"));
        assert!(!verify("x", "BCRYPT:99:short:abc", "a"));
        assert!(!verify("x", "BCRYPT:notanumber", "a"));
    }
}
