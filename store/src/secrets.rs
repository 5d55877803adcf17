//! Secrets: password hashing, session tokens, one-time codes, idempotency keys, check phrases.
//!
//! Everything here needs the operating system's CSPRNG or a slow hash, so it lives on the server
//! side, apart from the domain (which decides what a code or a token is, and builds for WASM).
//! What the database keeps of a secret is always a hash of it: a password's argon2id PHC string,
//! a session token's SHA-256, and for the short secrets (a six-digit code, a sixteen-digit
//! voucher) an HMAC-SHA256 keyed with the server secret ([`ServerSecret`], `SELFCARE_SECRET`):
//! their few digits could be tried exhaustively against a plain hash, so a copy of the
//! database without the secret must yield no live code (NIST SP 800-63B 5.1.1.2).
//!
//! # The server secret
//!
//! One per process, installed at start ([`install_secret`]) before anything is hashed.
//! Rotation: start with the new secret as `SELFCARE_SECRET` and the old one as
//! `SELFCARE_SECRET_PREVIOUS`; codes and vouchers hashed with either are found. Codes live
//! five minutes; keep the previous secret until the last voucher sold under it has expired.
//! Vouchers loaded before secrets were keyed still match their plain SHA-256 until spent.

use argon2::password_hash::{
    rand_core::OsRng, PasswordHash, PasswordHasher, PasswordVerifier, SaltString,
};
use argon2::Argon2;
use hmac::{Hmac, Mac};
use rand::{Rng, RngCore};
use selfcare::credit::VoucherCode;
use selfcare::ids::CustomerId;
use selfcare::support::codes::{OneTimeCode, CHECK_WORDS};
use sha2::{Digest, Sha256};

/// The server secret, and the one before it during a rotation.
#[derive(Clone, PartialEq, Eq)]
pub struct ServerSecret {
    current: Vec<u8>,
    previous: Option<Vec<u8>>,
}

/// The shortest server secret accepted: 32 characters (a generated one is 64 hex digits).
pub const MIN_SECRET_LEN: usize = 32;

impl ServerSecret {
    /// The secret in `current`, with `previous` still accepted.
    ///
    /// # Errors
    /// When either is shorter than [`MIN_SECRET_LEN`].
    pub fn new(current: &str, previous: Option<&str>) -> Result<Self, String> {
        let check = |s: &str, name: &str| {
            if s.len() < MIN_SECRET_LEN {
                Err(format!(
                    "{name} must be at least {MIN_SECRET_LEN} characters"
                ))
            } else {
                Ok(s.as_bytes().to_vec())
            }
        };
        Ok(Self {
            current: check(current, "SELFCARE_SECRET")?,
            previous: previous
                .map(|p| check(p, "SELFCARE_SECRET_PREVIOUS"))
                .transpose()?,
        })
    }

    /// A new random secret, as stored for a demo database: 256 bits, hex.
    pub fn generate() -> String {
        let mut bytes = [0u8; 32];
        rand::rngs::OsRng.fill_bytes(&mut bytes);
        hex::encode(bytes)
    }

    fn keys(&self) -> impl Iterator<Item = &[u8]> {
        std::iter::once(self.current.as_slice()).chain(self.previous.as_deref())
    }
}

impl std::fmt::Debug for ServerSecret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("ServerSecret(..)")
    }
}

static SECRET: std::sync::OnceLock<ServerSecret> = std::sync::OnceLock::new();

/// Installs the process's server secret. The first one installed stays: answers whether it is
/// `secret` (a second app in the same process, as in tests, with another secret gets false).
pub fn install_secret(secret: ServerSecret) -> bool {
    let installed = SECRET.get_or_init(|| secret.clone());
    *installed == secret
}

/// The installed secret; before one is installed (store tests, say), a random one for the
/// process, so nothing is ever hashed with a key anyone knows.
fn secret() -> &'static ServerSecret {
    SECRET.get_or_init(|| ServerSecret {
        current: ServerSecret::generate().into_bytes(),
        previous: None,
    })
}

/// HMAC-SHA256 of `text` under `key`.
fn mac(key: &[u8], text: &str) -> [u8; 32] {
    // HMAC takes a key of any length.
    let mut mac = Hmac::<Sha256>::new_from_slice(key).expect("HMAC takes any key length");
    mac.update(text.as_bytes());
    mac.finalize().into_bytes().into()
}

fn keyed(key: &[u8], text: &str) -> String {
    hex::encode(mac(key, text))
}

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

/// What a session keeps of the password it was opened with: the first 128 bits of SHA-256 of
/// the password's argon2 string (salted, so equal passwords give different fingerprints). It
/// tells whether the password is still the same, and yields nothing to try.
pub fn credential_fingerprint(password_hash: &str) -> String {
    hex::encode(&Sha256::digest(password_hash.as_bytes())[..16])
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

/// What is stored of a code: the HMAC of the customer's id and the code under the server
/// secret, so the same digits hash differently for every customer, and a copy of the table
/// without the secret cannot be tried against the million codes there are.
pub fn code_hash(code: &OneTimeCode, customer: CustomerId) -> String {
    keyed(&secret().current, &format!("{customer}:{}", code.digits()))
}

/// Every hash a code typed now may be stored under: the current secret's, and the previous
/// one's during a rotation (the current one's again without one, so a query binds two).
pub fn code_hashes(code: &OneTimeCode, customer: CustomerId) -> [String; 2] {
    let text = format!("{customer}:{}", code.digits());
    let mut hashes = secret().keys().map(|key| keyed(key, &text));
    let current = hashes.next().unwrap_or_default();
    let previous = hashes.next().unwrap_or_else(|| current.clone());
    [current, previous]
}

/// What the database keeps instead of a voucher's code: its HMAC under the server secret. A
/// copy of the table does not hand out unspent vouchers.
pub fn voucher_hash(code: &VoucherCode) -> String {
    keyed(&secret().current, code.digits())
}

/// Every hash a voucher typed now may be stored under: the current and the previous secret's,
/// and the plain SHA-256 vouchers had before hashes were keyed. Always three, the last ones
/// repeated when there is no previous secret, so a query binds a fixed number.
pub fn voucher_hashes(code: &VoucherCode) -> [String; 3] {
    let mut keyed: Vec<String> = secret()
        .keys()
        .map(|key| keyed(key, code.digits()))
        .collect();
    let legacy = hex::encode(Sha256::digest(code.digits().as_bytes()));
    let previous = keyed.get(1).cloned().unwrap_or_else(|| legacy.clone());
    [keyed.swap_remove(0), previous, legacy]
}

/// A code sealed for the customer's next page: encrypted under the server secret with a fresh
/// nonce (the digits XOR an HMAC-SHA256 keystream of the nonce, the customer and the code's
/// row), `<nonce>.<cipher>` in hex. Only the server that holds the secret opens it.
pub fn seal_code(code: &OneTimeCode, customer: CustomerId, row: i64) -> String {
    let mut nonce = [0u8; 16];
    rand::rngs::OsRng.fill_bytes(&mut nonce);
    let nonce = hex::encode(nonce);
    let stream = keystream(&nonce, customer, row);
    let cipher: Vec<u8> = code
        .digits()
        .bytes()
        .zip(stream)
        .map(|(d, k)| d ^ k)
        .collect();
    format!("{nonce}.{}", hex::encode(cipher))
}

/// The code [`seal_code`] sealed for this customer and row, if it opens.
pub fn unseal_code(sealed: &str, customer: CustomerId, row: i64) -> Option<OneTimeCode> {
    let (nonce, cipher) = sealed.split_once('.')?;
    let cipher = hex::decode(cipher).ok()?;
    let digits: Vec<u8> = cipher
        .iter()
        .zip(keystream(nonce, customer, row))
        .map(|(c, k)| c ^ k)
        .collect();
    OneTimeCode::parse(std::str::from_utf8(&digits).ok()?).ok()
}

fn keystream(nonce: &str, customer: CustomerId, row: i64) -> [u8; 32] {
    mac(&secret().current, &format!("seal:{nonce}:{customer}:{row}"))
}

/// The CSRF token of the session whose token hashes to `session_hash`: HMAC-SHA256 under the
/// server secret, so only this server can make it and it dies with the session. Forms carry
/// it for the browsers that send neither `Origin` nor `Sec-Fetch-Site`.
pub fn csrf_token(session_hash: &str) -> String {
    keyed(&secret().current, &format!("csrf:{session_hash}"))
}

/// Whether `given` is the CSRF token of the session `session_hash`, under the current or the
/// previous secret; compared in constant time.
pub fn csrf_token_matches(session_hash: &str, given: &str) -> bool {
    let Ok(given) = hex::decode(given) else {
        return false;
    };
    secret().keys().any(|key| {
        let mut mac = Hmac::<Sha256>::new_from_slice(key).expect("HMAC takes any key length");
        mac.update(format!("csrf:{session_hash}").as_bytes());
        mac.verify_slice(&given).is_ok()
    })
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
    fn a_sealed_code_opens_only_for_its_customer_and_row() {
        let code = OneTimeCode::parse("048213").unwrap();
        let sealed = seal_code(&code, CustomerId::trusted(7), 3);
        assert!(!sealed.contains("048213"));
        assert_eq!(
            unseal_code(&sealed, CustomerId::trusted(7), 3),
            Some(code.clone())
        );
        assert_ne!(
            unseal_code(&sealed, CustomerId::trusted(8), 3),
            Some(code.clone())
        );
        assert_ne!(
            unseal_code(&sealed, CustomerId::trusted(7), 4),
            Some(code.clone())
        );
        assert_ne!(
            seal_code(&code, CustomerId::trusted(7), 3),
            sealed,
            "a fresh nonce each time"
        );
        assert_eq!(unseal_code("garbage", CustomerId::trusted(7), 3), None);
    }

    #[test]
    fn a_stored_hash_needs_the_server_secret() {
        let voucher = VoucherCode::parse("3902 1145 7781 0200").unwrap();
        let plain = hex::encode(Sha256::digest(voucher.digits().as_bytes()));
        assert_ne!(voucher_hash(&voucher), plain);
        assert_eq!(voucher_hashes(&voucher)[0], voucher_hash(&voucher));
        assert_eq!(
            voucher_hashes(&voucher)[2],
            plain,
            "old vouchers are still found"
        );
        let other = ServerSecret::new(&"x".repeat(32), None).unwrap();
        assert_ne!(
            keyed(&other.current, voucher.digits()),
            voucher_hash(&voucher)
        );
        assert!(ServerSecret::new("short", None).is_err());
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
