//! The customer's language, and how numbers and dates read in it. Formatting lives here, on the
//! server side of the UI, so server-rendered and hydrated markup agree.

use chrono::{DateTime, Datelike, NaiveDate, Timelike, Utc};
use serde::{Deserialize, Serialize};

/// The languages the portal serves.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Language {
    Cs,
    Pl,
    Lt,
    Ru,
    En,
}

impl Language {
    pub const ALL: [Language; 5] = [Self::Cs, Self::Pl, Self::Lt, Self::Ru, Self::En];

    pub fn code(self) -> &'static str {
        match self {
            Self::Cs => "cs",
            Self::Pl => "pl",
            Self::Lt => "lt",
            Self::Ru => "ru",
            Self::En => "en",
        }
    }

    pub fn from_code(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|l| l.code() == code)
    }

    /// Thousands separator and decimal mark (CLDR). The group separator is a no-break space
    /// where the language uses a space, so `1 234,50` never wraps.
    pub fn number_marks(self) -> (char, char) {
        match self {
            Self::En => (',', '.'),
            Self::Cs | Self::Pl | Self::Lt | Self::Ru => ('\u{a0}', ','),
        }
    }

    /// A date as people in this language write it.
    pub fn format_date(self, date: NaiveDate) -> String {
        let (d, m, y) = (date.day(), date.month(), date.year());
        match self {
            Self::Cs => format!("{d}.\u{a0}{m}.\u{a0}{y}"),
            Self::Pl | Self::Ru => format!("{d:02}.{m:02}.{y}"),
            Self::Lt => format!("{y}-{m:02}-{d:02}"),
            Self::En => {
                const MONTHS: [&str; 12] = [
                    "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov",
                    "Dec",
                ];
                format!("{d} {} {y}", MONTHS[date.month0() as usize])
            }
        }
    }

    /// A period of days, first to last: `1. 10. 2026 – 31. 10. 2026`.
    pub fn format_period(self, first: NaiveDate, last: NaiveDate) -> String {
        format!("{} – {}", self.format_date(first), self.format_date(last))
    }

    /// A VAT rate in basis points as a percentage: `21 %` (`21%` in English), `10,5 %`.
    pub fn format_rate(self, basis_points: i64) -> String {
        let (_, decimal_mark) = self.number_marks();
        let whole = basis_points / 100;
        let fraction = (basis_points % 100).abs();
        let number = match fraction {
            0 => whole.to_string(),
            f if f % 10 == 0 => format!("{whole}{decimal_mark}{}", f / 10),
            f => format!("{whole}{decimal_mark}{f:02}"),
        };
        match self {
            Self::En => format!("{number}%"),
            _ => format!("{number}\u{a0}%"),
        }
    }

    /// A date and a time of day (24-hour) as people in this language write them, in UTC:
    /// `25. 11. 2026 10:30`, `25 Nov 2026 10:30`. Pages that show it label it "UTC".
    pub fn format_date_time(self, at: DateTime<Utc>) -> String {
        format!(
            "{} {:02}:{:02}",
            self.format_date(at.date_naive()),
            at.hour(),
            at.minute()
        )
    }

    /// A number given in tenths, with one decimal where it has one: `124` → `12,4`, `120` → `12`,
    /// `12344` → `1 234,4`.
    pub fn format_tenths(self, tenths: i64) -> String {
        let (_, decimal_mark) = self.number_marks();
        let sign = if tenths < 0 { "-" } else { "" };
        let (whole, tenth) = (tenths.unsigned_abs() / 10, tenths.unsigned_abs() % 10);
        let whole = self.group_digits(&whole.to_string());
        match tenth {
            0 => format!("{sign}{whole}"),
            t => format!("{sign}{whole}{decimal_mark}{t}"),
        }
    }

    /// Groups the digits of a whole number: `12345` → `12 345` (or `12,345` in English).
    pub fn group_digits(self, digits: &str) -> String {
        let (sep, _) = self.number_marks();
        let mut out = String::with_capacity(digits.len() + digits.len() / 3 * 2);
        for (i, c) in digits.chars().enumerate() {
            if i > 0 && (digits.len() - i) % 3 == 0 {
                out.push(sep);
            }
            out.push(c);
        }
        out
    }
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
            .map(base_letter)
            .collect();
        if !folded.is_empty() && !words.contains(&folded) {
            words.push(folded);
        }
    }
    words
}

/// A lower-case letter without its diacritic (`č` → `c`, `ł` → `l`, `ų` → `u`: Czech, Slovak,
/// Polish, Lithuanian, German, ...); anything else as it is. For finding and sorting names and
/// for plain-ASCII slugs.
pub fn base_letter(c: char) -> char {
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

    #[test]
    fn dates_read_as_each_language_writes_them() {
        let date = NaiveDate::from_ymd_opt(2026, 3, 5).unwrap();
        assert_eq!(Language::Cs.format_date(date), "5.\u{a0}3.\u{a0}2026");
        assert_eq!(Language::Pl.format_date(date), "05.03.2026");
        assert_eq!(Language::Lt.format_date(date), "2026-03-05");
        assert_eq!(Language::En.format_date(date), "5 Mar 2026");
    }

    #[test]
    fn vat_rates_read_as_percentages() {
        assert_eq!(Language::Cs.format_rate(2100), "21\u{a0}%");
        assert_eq!(Language::En.format_rate(2300), "23%");
        assert_eq!(Language::Pl.format_rate(1050), "10,5\u{a0}%");
        assert_eq!(Language::Lt.format_rate(0), "0\u{a0}%");
    }

    #[test]
    fn a_moment_reads_as_its_date_and_time_of_day() {
        let at = DateTime::parse_from_rfc3339("2026-11-25T10:30:59Z")
            .unwrap()
            .with_timezone(&Utc);
        assert_eq!(
            Language::Cs.format_date_time(at),
            "25.\u{a0}11.\u{a0}2026 10:30"
        );
        assert_eq!(Language::En.format_date_time(at), "25 Nov 2026 10:30");
        assert_eq!(Language::Pl.format_date_time(at), "25.11.2026 10:30");
    }

    #[test]
    fn tenths_show_one_decimal_when_there_is_one() {
        assert_eq!(Language::Cs.format_tenths(124), "12,4");
        assert_eq!(Language::En.format_tenths(124), "12.4");
        assert_eq!(Language::Cs.format_tenths(120), "12");
        assert_eq!(Language::Cs.format_tenths(12_344), "1\u{a0}234,4");
        assert_eq!(Language::En.format_tenths(-5), "-0.5");
    }

    #[test]
    fn digits_are_grouped_in_threes() {
        assert_eq!(Language::En.group_digits("1234567"), "1,234,567");
        assert_eq!(Language::Cs.group_digits("999"), "999");
        assert_eq!(Language::Cs.group_digits("1000"), "1\u{a0}000");
    }
}
