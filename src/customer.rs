//! Customer kinds and the attributes of a line that rules depend on; what the staff console
//! shows of a customer before the caller is verified, and the words a name is found by.

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

/// The words a name is found by: split on anything not a letter or digit, lower-cased, with the
/// diacritics of the Latin alphabets we serve removed, each word once.
///
/// Computed in Rust, not with SQL's `lower()`: SQLite's lowers ASCII only, so `Šťastná` and
/// `šťastná` would differ there and not in PostgreSQL. Diacritics go so that an agent typing
/// `novakova` finds `Nováková`.
pub fn name_words(name: &str) -> Vec<String> {
    let mut words: Vec<String> = Vec::new();
    for word in name.split(|c: char| !c.is_alphanumeric()) {
        let folded: String = word
            .chars()
            .flat_map(char::to_lowercase)
            .map(fold)
            .collect();
        if !folded.is_empty() && !words.contains(&folded) {
            words.push(folded);
        }
    }
    words
}

/// A lower-case letter without its diacritic (Czech, Slovak, Polish, Lithuanian, German, ...).
fn fold(c: char) -> char {
    match c {
        'à' | 'á' | 'â' | 'ã' | 'ä' | 'å' | 'ā' | 'ă' | 'ą' => 'a',
        'ç' | 'ć' | 'ĉ' | 'ċ' | 'č' => 'c',
        'ď' | 'đ' => 'd',
        'è' | 'é' | 'ê' | 'ë' | 'ē' | 'ĕ' | 'ė' | 'ę' | 'ě' => 'e',
        'ì' | 'í' | 'î' | 'ï' | 'ī' | 'į' | 'ı' => 'i',
        'ĺ' | 'ľ' | 'ł' => 'l',
        'ñ' | 'ń' | 'ņ' | 'ň' => 'n',
        'ò' | 'ó' | 'ô' | 'õ' | 'ö' | 'ø' | 'ō' | 'ő' => 'o',
        'ŕ' | 'ř' => 'r',
        'ś' | 'ş' | 'š' | 'ș' | 'ß' => 's',
        'ţ' | 'ť' | 'ț' => 't',
        'ù' | 'ú' | 'û' | 'ü' | 'ū' | 'ů' | 'ű' | 'ų' => 'u',
        'ý' | 'ÿ' => 'y',
        'ź' | 'ż' | 'ž' => 'z',
        other => other,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_name_is_found_by_its_words_without_case_or_diacritics() {
        assert_eq!(name_words("Jana Nováková"), ["jana", "novakova"]);
        assert_eq!(name_words("ŠŤASTNÁ, Žofie"), ["stastna", "zofie"]);
        assert_eq!(name_words("Łukasz Wiśniewski"), ["lukasz", "wisniewski"]);
        assert_eq!(name_words("Novák & Novák s.r.o."), ["novak", "s", "r", "o"]);
        assert_eq!(name_words("Иван Петров"), ["иван", "петров"]);
        assert!(name_words(" - ").is_empty());
    }
}
