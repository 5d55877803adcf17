//! Identifiers and parsed inputs. Ids are newtypes so a line id never passes for a customer id,
//! and their number is private: an id is made only by name ([`CustomerId::trusted`] and its
//! likes), so one cannot be built from client input by accident. Phone numbers and sign-in
//! identifiers are parsed once, at the edge.

use serde::{Deserialize, Serialize};

use crate::InputError;

macro_rules! id_type {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        #[cfg_attr(feature = "sqlx", derive(sqlx::Type), sqlx(transparent))]
        pub struct $name(i64);

        impl $name {
            /// The id of a row the caller knows to be what it says: read from the database, or
            /// taken from the session, or a number from a request that every query it reaches
            /// scopes to the signed-in customer (so another customer's id finds nothing). The
            /// name is the reminder: nothing else turns a number into an id.
            pub const fn trusted(raw: i64) -> Self {
                Self(raw)
            }

            /// The number, for SQL binds, URLs and forms.
            pub const fn get(self) -> i64 {
                self.0
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                self.0.fmt(f)
            }
        }
    };
}

id_type!(
    /// A customer: the party that signs in and owns accounts and lines.
    CustomerId
);
id_type!(
    /// A billing account: invoices are issued to it.
    AccountId
);
id_type!(
    /// A phone line (a SIM with a number).
    LineId
);
id_type!(
    /// A member of the operator's support staff.
    StaffId
);
id_type!(
    /// An add-on in the operator's catalog.
    AddonId
);
id_type!(
    /// One add-on taken on one line (a row of `line_addons`).
    LineAddonId
);
id_type!(
    /// A service request: one asked-for change to a line's services.
    RequestId
);

/// A phone number in E.164 form: `+` and 8 to 15 digits, the country code first.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Msisdn(String);

impl Msisdn {
    /// Parses what people type: spaces, dashes, dots and brackets are ignored, and `00` may
    /// stand for `+`.
    ///
    /// # Errors
    /// When it is not an international number.
    pub fn parse(input: &str) -> Result<Self, InputError> {
        let compact: String = input
            .chars()
            .filter(|c| !matches!(c, ' ' | '-' | '.' | '(' | ')' | '\u{a0}'))
            .collect();
        let digits = compact
            .strip_prefix('+')
            .or_else(|| compact.strip_prefix("00"))
            .ok_or_else(Self::error)?;
        let valid = (8..=15).contains(&digits.len())
            && digits.bytes().all(|b| b.is_ascii_digit())
            && !digits.starts_with('0');
        if valid {
            Ok(Self(format!("+{digits}")))
        } else {
            Err(Self::error())
        }
    }

    fn error() -> InputError {
        InputError::new(
            "phone",
            "Enter the phone number with its country code, for example +420 601 123 456.",
        )
    }

    /// Trusts a value read back from the database, where only parsed numbers are written.
    pub fn from_stored(value: String) -> Self {
        Self(value)
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// Grouped for reading: `+420 601 123 456`, `+48 601 123 456`, `+370 612 34567`.
    pub fn display(&self) -> String {
        let digits = &self.0[1..];
        let cc_len = ["420", "421", "370", "371", "372", "380"]
            .iter()
            .find(|cc| digits.starts_with(*cc))
            .map_or_else(
                || {
                    if digits.starts_with("48") || digits.starts_with("49") {
                        2
                    } else {
                        3
                    }
                },
                |cc| cc.len(),
            );
        let (cc, rest) = digits.split_at(cc_len.min(digits.len()));
        let groups: Vec<&str> = if cc == "370" && rest.len() == 8 {
            vec![&rest[..3], &rest[3..]]
        } else {
            rest.as_bytes()
                .chunks(3)
                .map(|c| std::str::from_utf8(c).unwrap_or_default())
                .collect()
        };
        format!("+{cc} {}", groups.join(" "))
    }
}

impl std::fmt::Display for Msisdn {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

/// What a customer signs in with: an email address or a phone number.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum LoginIdentifier {
    /// Lower-cased, trimmed.
    Email(String),
    Phone(Msisdn),
}

impl LoginIdentifier {
    /// # Errors
    /// When the input is empty, or neither an email address nor an international number.
    pub fn parse(input: &str) -> Result<Self, InputError> {
        let input = input.trim();
        if input.is_empty() {
            return Err(InputError::new(
                "identifier",
                "Enter your email address or phone number.",
            ));
        }
        if input.contains('@') {
            let email = input.to_lowercase();
            let (local, domain) = email.split_once('@').unwrap_or_default();
            if local.is_empty() || !domain.contains('.') || email.contains(char::is_whitespace) {
                return Err(InputError::new(
                    "identifier",
                    "That email address is not complete.",
                ));
            }
            return Ok(Self::Email(email));
        }
        Msisdn::parse(input)
            .map(Self::Phone)
            .map_err(|e| InputError::new("identifier", e.message))
    }

    /// The normalised form, used as the key for throttling sign-in attempts.
    pub fn key(&self) -> &str {
        match self {
            Self::Email(email) => email,
            Self::Phone(msisdn) => msisdn.as_str(),
        }
    }
}

/// What a member of staff types to find a customer, read the way people type it: a phone
/// number with its country code, an account number (a billing account's id, with or without a
/// leading `#`), an email address, or words of a name (any word, by its beginning).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum CustomerQuery {
    Phone(Msisdn),
    Account(AccountId),
    /// Lower-cased.
    Email(String),
    /// Up to four words as [`crate::locale::name_words`] makes them; each must begin a word
    /// of the name.
    Name(Vec<String>),
}

impl CustomerQuery {
    /// # Errors
    /// When nothing searchable was typed.
    pub fn parse(input: &str) -> Result<Self, InputError> {
        let input = input.trim();
        if input.contains('@') {
            return Ok(Self::Email(input.to_lowercase()));
        }
        if let Ok(msisdn) = Msisdn::parse(input) {
            return Ok(Self::Phone(msisdn));
        }
        let number = input.trim_start_matches('#').trim();
        if !number.is_empty() && number.bytes().all(|b| b.is_ascii_digit()) {
            return number
                .parse()
                .map(|id| Self::Account(AccountId(id)))
                .map_err(|_| Self::error("That account number is too long."));
        }
        let mut words = crate::locale::name_words(input);
        if words.is_empty() {
            return Err(Self::error(
                "Type a phone number, an account number, an email address or a name.",
            ));
        }
        words.truncate(4);
        Ok(Self::Name(words))
    }

    fn error(message: &str) -> InputError {
        InputError::new("q", message)
    }
}

/// The key that makes one form's submission idempotent: the same key twice changes things once.
/// Made by the server (`selfcare_store::secrets::idempotency_key`, 128 random bits) and sent back
/// by the form; parsed here, so a missing or oversized key is refused as an expired form before
/// the store sees it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct IdempotencyKey(String);

impl IdempotencyKey {
    /// # Errors
    /// When the key is empty or longer than 64 characters (no form of ours sends such a key).
    pub fn parse(input: &str) -> Result<Self, InputError> {
        let key = input.trim();
        if key.is_empty() || key.len() > 64 {
            Err(InputError::new(
                "key",
                "This form has expired. Please open it again and retry.",
            ))
        } else {
            Ok(Self(key.to_string()))
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_idempotency_key_is_refused_when_empty_or_oversized() {
        assert_eq!(IdempotencyKey::parse(" abc ").unwrap().as_str(), "abc");
        assert!(IdempotencyKey::parse("  ").is_err());
        assert!(IdempotencyKey::parse(&"a".repeat(65)).is_err());
        assert!(IdempotencyKey::parse(&"a".repeat(64)).is_ok());
    }

    #[test]
    fn a_staff_search_is_read_as_phone_account_email_or_name() {
        assert_eq!(
            CustomerQuery::parse(" 00420 601-123-456 ").unwrap(),
            CustomerQuery::Phone(Msisdn("+420601123456".into()))
        );
        assert_eq!(
            CustomerQuery::parse("#42").unwrap(),
            CustomerQuery::Account(AccountId(42))
        );
        assert_eq!(
            CustomerQuery::parse("Demo@Example.com").unwrap(),
            CustomerQuery::Email("demo@example.com".into())
        );
        assert_eq!(
            CustomerQuery::parse("Nováková jana").unwrap(),
            CustomerQuery::Name(vec!["novakova".into(), "jana".into()])
        );
        assert!(CustomerQuery::parse("  ").is_err());
        assert!(CustomerQuery::parse("99999999999999999999999").is_err());
    }

    #[test]
    fn a_phone_number_is_read_the_way_people_type_it() {
        assert_eq!(
            Msisdn::parse("+420 601 123 456").unwrap().as_str(),
            "+420601123456"
        );
        assert_eq!(
            Msisdn::parse("00 48 (601) 123-456").unwrap().as_str(),
            "+48601123456"
        );
    }

    #[test]
    fn a_number_without_country_code_is_refused() {
        assert!(Msisdn::parse("601 123 456").is_err());
        assert!(Msisdn::parse("+4206011234567890").is_err());
        assert!(Msisdn::parse("+420abc").is_err());
    }

    #[test]
    fn numbers_are_grouped_by_country() {
        assert_eq!(
            Msisdn::parse("+420601123456").unwrap().display(),
            "+420 601 123 456"
        );
        assert_eq!(
            Msisdn::parse("+48601123456").unwrap().display(),
            "+48 601 123 456"
        );
        assert_eq!(
            Msisdn::parse("+37061234567").unwrap().display(),
            "+370 612 34567"
        );
    }

    #[test]
    fn a_login_identifier_is_an_email_or_a_phone_number() {
        assert_eq!(
            LoginIdentifier::parse("  Demo@Example.COM ").unwrap(),
            LoginIdentifier::Email("demo@example.com".into())
        );
        assert_eq!(
            LoginIdentifier::parse("+420 601 123 456").unwrap().key(),
            "+420601123456"
        );
        assert_eq!(LoginIdentifier::parse("").unwrap_err().field, "identifier");
        assert!(LoginIdentifier::parse("demo@").is_err());
        assert!(LoginIdentifier::parse("hello").is_err());
    }
}
