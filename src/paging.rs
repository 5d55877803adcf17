//! Keyset paging for long histories (invoices, payments): a page continues *after* the last row
//! shown, named by its sort key and id, so reading page 50 costs the same index range scan as
//! page 1 — no `OFFSET` that reads and discards the rows before it.

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

use crate::InputError;

/// One page of rows, and where the next one starts (`None` on the last page).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Page<T> {
    pub items: Vec<T>,
    pub next: Option<String>,
}

/// A sort key that can travel in a URL.
pub trait CursorKey: Sized {
    fn to_text(&self) -> String;
    fn from_text(text: &str) -> Option<Self>;
}

/// The years a cursor may name: every date the portal stores, and none that one of its
/// databases could not bind (PostgreSQL's timestamps end in 294276, its dates start in 4713 BC).
const CURSOR_YEARS: std::ops::RangeInclusive<i32> = 1..=9999;

impl CursorKey for NaiveDate {
    fn to_text(&self) -> String {
        self.format("%Y-%m-%d").to_string()
    }

    fn from_text(text: &str) -> Option<Self> {
        NaiveDate::parse_from_str(text, "%Y-%m-%d")
            .ok()
            .filter(|d| CURSOR_YEARS.contains(&chrono::Datelike::year(d)))
    }
}

impl CursorKey for DateTime<Utc> {
    fn to_text(&self) -> String {
        self.timestamp_micros().to_string()
    }

    fn from_text(text: &str) -> Option<Self> {
        DateTime::from_timestamp_micros(text.parse().ok()?)
            .filter(|t| CURSOR_YEARS.contains(&chrono::Datelike::year(t)))
    }
}

/// The last row of a page: its sort key and id (the tie-breaker).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Cursor<K> {
    pub key: K,
    pub id: i64,
}

impl<K: CursorKey> Cursor<K> {
    /// `<key>_<id>`, safe in a query string.
    pub fn encode(&self) -> String {
        format!("{}_{}", self.key.to_text(), self.id)
    }

    /// # Errors
    /// When the text is not a cursor this portal wrote.
    pub fn decode(text: &str) -> Result<Self, InputError> {
        let bad = || {
            InputError::new(
                "after",
                "That page link is not valid. Start from the first page.",
            )
        };
        let (key, id) = text.rsplit_once('_').ok_or_else(bad)?;
        Ok(Self {
            key: K::from_text(key).ok_or_else(bad)?,
            id: id.parse().map_err(|_| bad())?,
        })
    }
}

impl<K: CursorKey> Cursor<K> {
    /// The `after` query parameter of a list: absent or empty is the first page.
    ///
    /// # Errors
    /// When it is not a cursor this portal wrote.
    pub fn from_query(after: Option<String>) -> Result<Option<Self>, InputError> {
        after
            .filter(|a| !a.is_empty())
            .map(|a| Self::decode(&a))
            .transpose()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_cursor_outside_what_a_database_can_store_is_not_valid() {
        assert!(Cursor::<NaiveDate>::decode("+262142-01-01_1").is_err());
        assert!(Cursor::<NaiveDate>::decode("-4800-01-01_1").is_err());
        assert!(Cursor::<DateTime<Utc>>::decode("9223372036854775807_1").is_err());
        assert!(Cursor::<DateTime<Utc>>::decode("-90000000000000000_1").is_err());
        assert!(Cursor::<NaiveDate>::decode("2026-10-03_99999999999999999999").is_err());
        assert!(Cursor::<NaiveDate>::decode("2026-10-03_-1").is_ok());
    }

    #[test]
    fn cursors_survive_the_address_bar() {
        let date = Cursor {
            key: NaiveDate::from_ymd_opt(2026, 10, 3).unwrap(),
            id: 42,
        };
        assert_eq!(date.encode(), "2026-10-03_42");
        assert_eq!(Cursor::<NaiveDate>::decode("2026-10-03_42").unwrap(), date);
        let instant = Cursor {
            key: DateTime::from_timestamp(1_790_000_000, 5_000).unwrap(),
            id: 7,
        };
        assert_eq!(
            Cursor::<DateTime<Utc>>::decode(&instant.encode()).unwrap(),
            instant
        );
        assert!(Cursor::<NaiveDate>::decode("2026-13-03_42").is_err());
        assert!(Cursor::<NaiveDate>::decode("nonsense").is_err());
        assert!(Cursor::<NaiveDate>::decode("2026-10-03_x").is_err());
    }
}
