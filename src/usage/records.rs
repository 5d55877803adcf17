//! Usage records: one call, SMS or data session each, rated against the line's allowances. How
//! their quantities read for people, and the filter a customer narrows a list of them with.

use chrono::{DateTime, NaiveDate, NaiveTime, Utc};
use serde::{Deserialize, Serialize};

use crate::customer::text_enum;
use crate::ids::Msisdn;
use crate::locale::Language;
use crate::money::Money;
use crate::InputError;

text_enum!(
    /// What a usage record counts: a call (seconds), an SMS (messages) or data (kB).
    UsageKind { Call = "call", Sms = "sms", Data = "data" }
);

impl UsageKind {
    /// Its name in a list: `Call`, `SMS`, `Data`.
    pub fn label(self) -> &'static str {
        match self {
            Self::Call => "Call",
            Self::Sms => "SMS",
            Self::Data => "Data",
        }
    }

    /// Its name in a URL (`?type=calls`, `?chart=data`): plural where people say it so.
    pub fn param(self) -> &'static str {
        match self {
            Self::Call => "calls",
            Self::Sms => "sms",
            Self::Data => "data",
        }
    }

    pub fn from_param(text: &str) -> Option<Self> {
        Self::ALL.iter().copied().find(|k| k.param() == text)
    }

    /// The unit its quantity is stored in, as a CSV export names it.
    pub fn base_unit(self) -> &'static str {
        match self {
            Self::Call => "s",
            Self::Sms => "message",
            Self::Data => "kB",
        }
    }

    /// A quantity in the stored unit written for people: `3 min 12 s`, `45 s`, `1 SMS`,
    /// `850 kB`, `12,4 MB` (no-break spaces between a number and its unit).
    pub fn format_quantity(self, quantity: i64, lang: Language) -> String {
        let n = |v: i64| lang.group_digits(&v.max(0).to_string());
        match self {
            Self::Call => match (quantity / 60, quantity % 60) {
                (0, s) => format!("{s}\u{a0}s"),
                (m, 0) => format!("{}\u{a0}min", n(m)),
                (m, s) => format!("{}\u{a0}min {s}\u{a0}s", n(m)),
            },
            Self::Sms => format!("{}\u{a0}SMS", n(quantity)),
            Self::Data if quantity < 1_024 => format!("{}\u{a0}kB", n(quantity)),
            Self::Data => format!(
                "{}\u{a0}MB",
                lang.format_tenths(kb_to_tenths_of_mb(quantity))
            ),
        }
    }
}

/// Kilobytes in tenths of a megabyte (1 MB = 1,024 kB), halves rounded up.
pub fn kb_to_tenths_of_mb(kb: i64) -> i64 {
    (kb.max(0) * 10 + 512) / 1_024
}

/// One rated call, SMS or data session of a line.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct UsageRecord {
    pub id: i64,
    pub started_at: DateTime<Utc>,
    pub kind: UsageKind,
    /// Seconds, messages or kB ([`UsageKind::base_unit`]).
    pub quantity: i64,
    /// The number called or texted (E.164); none for data.
    pub counterpart: Option<String>,
    /// Made abroad.
    pub roaming: bool,
    /// ISO 3166 alpha-2 code of where it was made.
    pub country: Option<String>,
    /// Charged beyond the allowance, excluding VAT; zero when the allowance covered it.
    pub charge: Money,
}

impl UsageRecord {
    /// The number called or texted, grouped for reading when it is a phone number.
    pub fn counterpart_display(&self) -> Option<String> {
        let text = self.counterpart.as_deref()?;
        Some(match Msisdn::parse(text) {
            Ok(number) => number.display(),
            Err(_) => text.to_string(),
        })
    }
}

/// Which usage records a list shows: one kind or all, from and to a day (both included, UTC).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct UsageFilter {
    pub kind: Option<UsageKind>,
    pub from: Option<NaiveDate>,
    pub to: Option<NaiveDate>,
}

/// The instants a filter without dates covers. Both engines compare these correctly: RFC 3339
/// text of four-digit years in SQLite, and well inside PostgreSQL's `TIMESTAMPTZ` range.
fn earliest() -> DateTime<Utc> {
    DateTime::UNIX_EPOCH
}

fn latest() -> DateTime<Utc> {
    NaiveDate::from_ymd_opt(9999, 12, 31)
        .unwrap_or_default()
        .and_time(NaiveTime::MIN)
        .and_utc()
}

impl UsageFilter {
    /// Parses the filter form's fields as they arrive in the URL: `type` (empty or `all`,
    /// `calls`, `sms`, `data`), and `from` and `to` (empty, or `YYYY-MM-DD` as a date input sends
    /// it).
    ///
    /// # Errors
    /// When the type is unknown, a date does not parse, or `from` is after `to`; the message
    /// says which and how to write it.
    pub fn parse(kind: &str, from: &str, to: &str) -> Result<Self, InputError> {
        let kind = match kind.trim() {
            "" | "all" => None,
            other => Some(UsageKind::from_param(other).ok_or_else(|| {
                InputError::new("type", "Choose the type of records: calls, SMS or data.")
            })?),
        };
        let date = |field: &'static str, name: &str, text: &str| {
            let text = text.trim();
            if text.is_empty() {
                return Ok(None);
            }
            NaiveDate::parse_from_str(text, "%Y-%m-%d")
                .map(Some)
                .map_err(|_| {
                    InputError::new(
                        field,
                        format!("“{name}” is not a date. Write it as year-month-day, for example 2026-11-05."),
                    )
                })
        };
        let filter = Self {
            kind,
            from: date("from", "From", from)?,
            to: date("to", "To", to)?,
        };
        if let (Some(from), Some(to)) = (filter.from, filter.to) {
            if from > to {
                return Err(InputError::new(
                    "to",
                    format!("“From” ({from}) is after “To” ({to}): choose a first day no later than the last."),
                ));
            }
        }
        Ok(filter)
    }

    /// The instants it covers, `[start, end)`: from the start of `from` to the start of the day
    /// after `to` (UTC), within bounds both engines store.
    pub fn span(&self) -> (DateTime<Utc>, DateTime<Utc>) {
        let start_of = |day: NaiveDate| day.and_time(NaiveTime::MIN).and_utc();
        let start = self
            .from
            .map_or(earliest(), start_of)
            .clamp(earliest(), latest());
        let end = self
            .to
            .and_then(|to| to.succ_opt())
            .map_or(latest(), start_of)
            .clamp(earliest(), latest());
        (start, end)
    }

    /// Whether it narrows anything.
    pub fn is_narrowed(&self) -> bool {
        *self != Self::default()
    }

    /// The query-string pairs that reproduce it (`type`, `from`, `to`), leaving out what is open.
    pub fn query_pairs(&self) -> Vec<(&'static str, String)> {
        let mut pairs = Vec::new();
        if let Some(kind) = self.kind {
            pairs.push(("type", kind.param().to_string()));
        }
        if let Some(from) = self.from {
            pairs.push(("from", from.to_string()));
        }
        if let Some(to) = self.to {
            pairs.push(("to", to.to_string()));
        }
        pairs
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 11, d).unwrap()
    }

    #[test]
    fn quantities_read_as_people_say_them() {
        let plain = |kind: UsageKind, q, lang| kind.format_quantity(q, lang).replace('\u{a0}', " ");
        assert_eq!(plain(UsageKind::Call, 192, Language::Cs), "3 min 12 s");
        assert_eq!(plain(UsageKind::Call, 45, Language::Cs), "45 s");
        assert_eq!(plain(UsageKind::Call, 180, Language::En), "3 min");
        assert_eq!(plain(UsageKind::Sms, 1, Language::Pl), "1 SMS");
        assert_eq!(plain(UsageKind::Data, 850, Language::Cs), "850 kB");
        assert_eq!(plain(UsageKind::Data, 12_698, Language::Cs), "12,4 MB");
        assert_eq!(plain(UsageKind::Data, 12_698, Language::En), "12.4 MB");
        assert_eq!(plain(UsageKind::Data, 1_024, Language::Cs), "1 MB");
        assert_eq!(
            plain(UsageKind::Data, 1_264_000, Language::Cs),
            "1 234,4 MB"
        );
    }

    #[test]
    fn kilobytes_round_to_the_nearest_tenth_of_a_megabyte() {
        assert_eq!(kb_to_tenths_of_mb(0), 0);
        assert_eq!(kb_to_tenths_of_mb(51), 0);
        assert_eq!(kb_to_tenths_of_mb(52), 1);
        assert_eq!(kb_to_tenths_of_mb(1_024), 10);
        assert_eq!(kb_to_tenths_of_mb(12_698), 124);
    }

    #[test]
    fn a_filter_is_read_from_the_form_fields() {
        assert_eq!(
            UsageFilter::parse("", "", "").unwrap(),
            UsageFilter::default()
        );
        assert_eq!(
            UsageFilter::parse("all", " ", "").unwrap(),
            UsageFilter::default()
        );
        let f = UsageFilter::parse("sms", "2026-11-01", "2026-11-05").unwrap();
        assert_eq!(f.kind, Some(UsageKind::Sms));
        assert_eq!((f.from, f.to), (Some(day(1)), Some(day(5))));
        assert_eq!(
            f.query_pairs(),
            vec![
                ("type", "sms".to_string()),
                ("from", "2026-11-01".to_string()),
                ("to", "2026-11-05".to_string())
            ]
        );
        assert!(f.is_narrowed());
    }

    #[test]
    fn a_bad_filter_says_what_is_wrong() {
        let e = UsageFilter::parse("", "5. 11. 2026", "").unwrap_err();
        assert_eq!(e.field, "from");
        assert!(e.message.contains("“From” is not a date"), "{}", e.message);
        assert_eq!(
            UsageFilter::parse("", "", "2026-02-30").unwrap_err().field,
            "to"
        );
        let e = UsageFilter::parse("", "2026-11-06", "2026-11-05").unwrap_err();
        assert_eq!(e.field, "to");
        assert!(e.message.contains("after"), "{}", e.message);
        assert_eq!(
            UsageFilter::parse("faxes", "", "").unwrap_err().field,
            "type"
        );
    }

    #[test]
    fn the_days_of_a_filter_are_included_whole() {
        let f = UsageFilter::parse("", "2026-11-01", "2026-11-05").unwrap();
        let (start, end) = f.span();
        assert_eq!(start.to_rfc3339(), "2026-11-01T00:00:00+00:00");
        assert_eq!(end.to_rfc3339(), "2026-11-06T00:00:00+00:00");
        let (start, end) = UsageFilter::default().span();
        assert!(start < end);
        // Dates far outside what is stored are held to bounds both engines can compare.
        let wide = UsageFilter::parse("", "0001-01-01", "9999-12-31").unwrap();
        assert_eq!(wide.span(), (start, end));
    }

    #[test]
    fn a_number_called_is_grouped_for_reading() {
        let record = UsageRecord {
            id: 1,
            started_at: DateTime::UNIX_EPOCH,
            kind: UsageKind::Call,
            quantity: 1,
            counterpart: Some("+420601123456".into()),
            roaming: false,
            country: Some("CZ".into()),
            charge: Money::from_cents(0, crate::money::Currency::Czk),
        };
        assert_eq!(record.counterpart_display().unwrap(), "+420 601 123 456");
    }
}
