//! Customer kinds and the attributes of a line that rules depend on; what the staff console
//! shows of a customer before the caller is verified (names are found by `locale::name_words`).

macro_rules! text_enum {
    ($(#[$doc:meta])* $name:ident { $($variant:ident = $text:literal),+ $(,)? }) => {
        $(#[$doc])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, ::serde::Serialize, ::serde::Deserialize)]
        #[serde(rename_all = "snake_case")]
        pub enum $name { $($variant),+ }

        impl $name {
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            /// The text stored in the database.
            pub fn as_str(self) -> &'static str {
                match self { $($name::$variant => $text),+ }
            }

            pub fn parse(text: &str) -> Option<Self> {
                match text { $($text => Some($name::$variant),)+ _ => None }
            }
        }
    };
}
pub(crate) use text_enum;

text_enum!(
    /// Who the customer is; decides which add-ons and views apply.
    CustomerKind { Private = "private", Prepaid = "prepaid", Business = "business", Corporate = "corporate" }
);

text_enum!(
    /// How a line pays: from credit up front, or by invoice afterwards.
    PaymentType { Prepaid = "prepaid", Postpaid = "postpaid" }
);

text_enum!(
    /// Whether a line can be used.
    LineStatus { Active = "active", Suspended = "suspended", Terminated = "terminated" }
);

impl CustomerKind {
    /// Business and corporate customers hold one account with many lines.
    pub fn is_organisation(self) -> bool {
        matches!(self, Self::Business | Self::Corporate)
    }
}

/// Who is signed in, as every page needs it: the name to greet, the kind that decides what
/// applies, and the language and currency amounts are written in.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Profile {
    pub name: String,
    pub kind: CustomerKind,
    pub language: crate::locale::Language,
    pub currency: crate::money::Currency,
}

/// How many customers one staff search lists at most.
pub const SEARCH_LIMIT: i64 = 20;

/// A customer as the staff console lists them before the caller has proved who they are: the
/// name and the lines (numbers and labels), on purpose nothing else.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct CustomerMatch {
    pub id: crate::ids::CustomerId,
    pub name: String,
    pub lines: Vec<MatchedLine>,
}

/// One line of a [`CustomerMatch`].
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct MatchedLine {
    pub msisdn: crate::ids::Msisdn,
    pub label: Option<String>,
}
