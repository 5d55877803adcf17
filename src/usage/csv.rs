//! CSV exports of usage records and of the line overview, as RFC 4180 describes them: comma
//! separated, CRLF line ends, a field quoted when it holds a comma, a quote or a line break, and a
//! quote inside written twice. Figures are for machines, not people: ISO 8601 instants in UTC,
//! quantities in their stored unit with a column naming it, amounts with a dot and two decimals,
//! no thousands separators.
//!
//! A field a spreadsheet would read as a formula (starting with `=`, `+`, `-`, `@`, a tab or a
//! CR) is neutralised with a leading `'` (OWASP's CSV-injection rule), unless it is a plain
//! number: `-12.50` and `+420601123456` stay as they are, `=HYPERLINK(...)` and `-2+3` do not.
//! A line's label is the customer's own text, and a counterpart can be anything a network
//! hands over.

use std::borrow::Cow;

use rust_decimal::Decimal;

use super::lines::allowance_of;
use super::records::UsageRecord;
use crate::balances::{Allowance, AllowanceKind};
use crate::dashboard::LineOverview;
use crate::money::round;

/// One field, neutralised if a spreadsheet would run it, quoted if it must be.
pub fn field(text: &str) -> Cow<'_, str> {
    let text: Cow<'_, str> = if is_formula(text) {
        Cow::Owned(format!("'{text}"))
    } else {
        Cow::Borrowed(text)
    };
    if text.contains([',', '"', '\r', '\n']) {
        Cow::Owned(format!("\"{}\"", text.replace('"', "\"\"")))
    } else {
        text
    }
}

/// Whether a spreadsheet would take the text for a formula: it starts with one of
/// `= + - @ \t \r` and is not a plain number (a sign, digits, at most one dot).
fn is_formula(text: &str) -> bool {
    let Some(first) = text.chars().next() else {
        return false;
    };
    if !matches!(first, '=' | '+' | '-' | '@' | '\t' | '\r') {
        return false;
    }
    let digits = &text[1..];
    let is_number = matches!(first, '+' | '-')
        && !digits.is_empty()
        && digits.bytes().all(|b| b.is_ascii_digit() || b == b'.')
        && digits.bytes().filter(|b| *b == b'.').count() <= 1
        && digits.bytes().any(|b| b.is_ascii_digit());
    !is_number
}

/// One row, CRLF-terminated.
pub fn row<S: AsRef<str>>(fields: &[S]) -> String {
    let mut out = fields
        .iter()
        .map(|f| field(f.as_ref()))
        .collect::<Vec<_>>()
        .join(",");
    out.push_str("\r\n");
    out
}

/// An amount as `1234.50`.
fn amount(value: Decimal) -> String {
    let mut rounded = round(value);
    rounded.rescale(2);
    rounded.to_string()
}

/// The header of a usage-record export.
pub const RECORD_COLUMNS: [&str; 10] = [
    "started_at",
    "type",
    "quantity",
    "unit",
    "number",
    "country",
    "roaming",
    "charge",
    "currency",
    "id",
];

/// A usage record as a CSV row under [`RECORD_COLUMNS`].
pub fn record_row(r: &UsageRecord) -> String {
    row(&[
        r.started_at.format("%Y-%m-%dT%H:%M:%SZ").to_string(),
        r.kind.as_str().to_string(),
        r.quantity.to_string(),
        r.kind.base_unit().to_string(),
        r.counterpart.clone().unwrap_or_default(),
        r.country.clone().unwrap_or_default(),
        if r.roaming { "yes" } else { "no" }.to_string(),
        amount(r.charge.amount),
        r.charge.currency.code().to_string(),
        r.id.to_string(),
    ])
}

/// The header of a line-overview export: the page's columns, allowances as left and included.
pub const LINE_COLUMNS: [&str; 13] = [
    "number",
    "label",
    "plan",
    "minutes_left",
    "minutes_included",
    "sms_left",
    "sms_included",
    "data_left_mb",
    "data_included_mb",
    "credit",
    "currency",
    "period_end",
    "line_id",
];

/// Left and included of one allowance: numbers, `unlimited`, or empty without a period.
fn allowance_fields(a: Option<&Allowance>) -> [String; 2] {
    match a {
        None => [String::new(), String::new()],
        Some(a) => match (a.left(), a.included) {
            (Some(left), Some(included)) => [left.to_string(), included.to_string()],
            _ => ["unlimited".into(), "unlimited".into()],
        },
    }
}

/// A line of the overview as a CSV row under [`LINE_COLUMNS`].
pub fn line_row(line: &LineOverview) -> String {
    let [minutes_left, minutes_included] =
        allowance_fields(allowance_of(line, AllowanceKind::Minutes));
    let [sms_left, sms_included] = allowance_fields(allowance_of(line, AllowanceKind::Sms));
    let [data_left, data_included] = allowance_fields(allowance_of(line, AllowanceKind::Data));
    row(&[
        line.msisdn.as_str().to_string(),
        line.label.clone().unwrap_or_default(),
        line.plan.clone(),
        minutes_left,
        minutes_included,
        sms_left,
        sms_included,
        data_left,
        data_included,
        line.credit.map(|c| amount(c.amount)).unwrap_or_default(),
        line.credit
            .map(|c| c.currency.code())
            .unwrap_or_default()
            .to_string(),
        line.period_ends_on
            .map(|d| d.to_string())
            .unwrap_or_default(),
        line.id.to_string(),
    ])
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::money::{Currency, Money};
    use crate::usage::UsageKind;
    use chrono::DateTime;

    #[test]
    fn a_field_a_spreadsheet_would_run_is_neutralised() {
        for (text, written) in [
            (
                "=HYPERLINK(\"http://evil.example\")",
                "\"'=HYPERLINK(\"\"http://evil.example\"\")\"",
            ),
            ("+1+cmd|' /C calc'!A0", "'+1+cmd|' /C calc'!A0"),
            ("-2+3", "'-2+3"),
            ("@SUM(A1)", "'@SUM(A1)"),
            ("\tx", "'\tx"),
            ("\r=1", "\"'\r=1\""),
            ("-", "'-"),
        ] {
            assert_eq!(field(text), written, "{text:?}");
        }
        for plain in ["-12.50", "+420601123456", "12", "Jana's phone", ""] {
            assert_eq!(field(plain), plain);
        }
    }

    #[test]
    fn fields_are_quoted_only_when_they_must_be() {
        assert_eq!(field("plain"), "plain");
        assert_eq!(field("Kovář, Pavel"), "\"Kovář, Pavel\"");
        assert_eq!(field("say \"hi\""), "\"say \"\"hi\"\"\"");
        assert_eq!(field("two\nlines"), "\"two\nlines\"");
        assert_eq!(row(&["a", "b,c", ""]), "a,\"b,c\",\r\n");
    }

    #[test]
    fn a_record_row_is_written_for_machines() {
        let record = UsageRecord {
            id: 42,
            started_at: DateTime::parse_from_rfc3339("2026-11-05T10:30:07+00:00")
                .unwrap()
                .into(),
            kind: UsageKind::Call,
            quantity: 192,
            counterpart: Some("+420601123456".into()),
            roaming: true,
            country: Some("DE".into()),
            charge: Money::from_cents(123_450, Currency::Czk),
        };
        assert_eq!(
            record_row(&record),
            "2026-11-05T10:30:07Z,call,192,s,+420601123456,DE,yes,1234.50,CZK,42\r\n"
        );
        assert_eq!(row(&RECORD_COLUMNS).split(',').count(), 10);
    }

    #[test]
    fn unlimited_and_missing_allowances_are_written_plainly() {
        assert_eq!(
            allowance_fields(Some(&Allowance::data(None, 5))),
            ["unlimited".to_string(), "unlimited".to_string()]
        );
        assert_eq!(
            allowance_fields(Some(&Allowance::sms(Some(100), 30))),
            ["70".to_string(), "100".to_string()]
        );
        assert_eq!(allowance_fields(None), [String::new(), String::new()]);
    }
}
