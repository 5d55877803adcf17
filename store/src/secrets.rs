//! Secrets: password hashing, session tokens, one-time codes, idempotency keys, check phrases.
//!
//! Everything here needs the operating system's CSPRNG or a slow hash, so it lives on the server
//! side, apart from the domain (which decides what a code or a token is, and builds for WASM).
//! What the database keeps of a secret is always a hash of it: a password's argon2id PHC string,
//! a session token's SHA-256, a code's SHA-256 salted with its customer's id, a voucher's SHA-256.

use argon2::password_hash::{
    rand_core::OsRng, PasswordHash, PasswordHasher, PasswordVerifier, SaltString,
};
use argon2::Argon2;
use rand::{Rng, RngCore};
use selfcare::credit::VoucherCode;
use selfcare::ids::CustomerId;
use selfcare::support::codes::{OneTimeCode, CHECK_WORDS};
use sha2::{Digest, Sha256};

/// Hashes a password with argon2id at the crate's defaults (m = 19 MiB, t = 2, p = 1),
/// OWASP's recommended parameters.
pub fn hash_password(password: &str) -> String {
    let salt = SaltString::generate(&mut OsRng);
    Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .map(|hash| hash.to_string())
        // Hashing with valid default parameters and a fresh salt cannot fail.
        .unwrap_or_default()
}

/// Checks a password against a stored PHC string; false for a malformed hash.
pub fn verify_password(password: &str, phc: &str) -> bool {
    PasswordHash::new(phc)
        .map(|hash| {
            Argon2::default()
                .verify_password(password.as_bytes(), &hash)
                .is_ok()
        })
        .unwrap_or(false)
}

/// Checks a password against nothing, taking as long as a real check, so an unknown user
/// cannot be told from a wrong password by timing.
pub fn spend_a_verification(password: &str) {
    static DUMMY: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    let dummy = DUMMY.get_or_init(|| hash_password("not a real password"));
    let _ = verify_password(password, dummy);
}

/// A key that makes one form's submission idempotent: 128 random bits, hex-encoded.
pub fn idempotency_key() -> String {
    let mut bytes = [0u8; 16];
    rand::rngs::OsRng.fill_bytes(&mut bytes);
    hex::encode(bytes)
}

/// A session token: 256 bits from the operating system's CSPRNG, hex-encoded. The cookie
/// carries it; the database keeps only [`SessionToken::hash`].
#[derive(Clone, PartialEq, Eq)]
pub struct SessionToken(String);

impl SessionToken {
    pub fn generate() -> Self {
        let mut bytes = [0u8; 32];
        rand::rngs::OsRng.fill_bytes(&mut bytes);
        Self(hex::encode(bytes))
    }

    pub fn from_cookie(value: &str) -> Option<Self> {
        (value.len() == 64 && value.bytes().all(|b| b.is_ascii_hexdigit()))
            .then(|| Self(value.to_string()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    pub fn hash(&self) -> String {
        hex::encode(Sha256::digest(self.0.as_bytes()))
    }
}

impl std::fmt::Debug for SessionToken {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("SessionToken(..)")
    }
}

/// A fresh one-time code, uniform over 000000–999999.
pub fn new_code() -> OneTimeCode {
    OneTimeCode::from_number(rand::rngs::OsRng.gen_range(0..1_000_000u32))
}

/// What is stored of a code: SHA-256 of the customer's id and the code, so the same digits hash
/// differently for every customer. (A code lives five minutes; the hash only has to keep a copy
/// of the table from handing out live codes at a glance.)
pub fn code_hash(code: &OneTimeCode, customer: CustomerId) -> String {
    hex::encode(Sha256::digest(
        format!("{customer}:{}", code.digits()).as_bytes(),
    ))
}

/// What the database keeps instead of a voucher's code: its SHA-256, hex-encoded. A copy of the
/// table does not hand out unspent vouchers.
pub fn voucher_hash(code: &VoucherCode) -> String {
    hex::encode(Sha256::digest(code.digits().as_bytes()))
}

/// A short phrase both the agent's and the customer's screens show after a verification: two
/// words of [`CHECK_WORDS`], 4 096 combinations, enough to tell a real agent (who sees it) from
/// an impostor (who does not) without being something to remember.
pub fn check_phrase() -> String {
    let mut rng = rand::rngs::OsRng;
    let first = CHECK_WORDS[rng.gen_range(0..CHECK_WORDS.len())];
    let second = CHECK_WORDS[rng.gen_range(0..CHECK_WORDS.len())];
    format!("{first} {second}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_password_verifies_only_against_its_own_hash() {
        let hash = hash_password("correct horse");
        assert!(hash.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"));
        assert!(verify_password("correct horse", &hash));
        assert!(!verify_password("wrong", &hash));
        assert!(!verify_password("x", "not a hash"));
    }

    #[test]
    fn session_tokens_are_long_random_and_stored_hashed() {
        let a = SessionToken::generate();
        let b = SessionToken::generate();
        assert_ne!(a.as_str(), b.as_str());
        assert_eq!(a.as_str().len(), 64);
        assert_ne!(a.hash(), a.as_str());
        assert_eq!(SessionToken::from_cookie(a.as_str()), Some(a.clone()));
        assert_eq!(SessionToken::from_cookie("short"), None);
    }

    #[test]
    fn generated_codes_are_six_digits_and_hash_per_customer() {
        for _ in 0..1000 {
            let code = new_code();
            assert!(OneTimeCode::parse(code.digits()).is_ok());
        }
        let code = OneTimeCode::parse("000123").unwrap();
        assert_ne!(
            code_hash(&code, CustomerId::trusted(1)),
            code_hash(&code, CustomerId::trusted(2))
        );
        assert_eq!(
            code_hash(&code, CustomerId::trusted(1)),
            code_hash(&code, CustomerId::trusted(1))
        );
        assert_eq!(check_phrase().split(' ').count(), 2);
    }
}
