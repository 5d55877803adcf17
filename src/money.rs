//! Money: an exact decimal amount and its currency. Never a float.
//!
//! In the database an amount is a whole number of minor units (cents, haléře, grosze), so sums
//! are exact on both engines; in code it is a `Decimal`. Rounding happens only in [`round`].

use rust_decimal::{Decimal, RoundingStrategy};
use serde::{Deserialize, Serialize};

use crate::locale::Language;

/// The currencies of the markets we serve. All have two decimal places.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Currency {
    #[serde(rename = "CZK")]
    Czk,
    #[serde(rename = "PLN")]
    Pln,
    #[serde(rename = "EUR")]
    Eur,
}

impl Currency {
    pub fn code(self) -> &'static str {
        match self {
            Self::Czk => "CZK",
            Self::Pln => "PLN",
            Self::Eur => "EUR",
        }
    }

    pub fn from_code(code: &str) -> Option<Self> {
        [Self::Czk, Self::Pln, Self::Eur]
            .into_iter()
            .find(|c| c.code() == code)
    }

    /// The symbol where the language has one, else the ISO code (CLDR usage).
    fn symbol(self, language: Language) -> &'static str {
        match (self, language) {
            (Self::Eur, _) => "€",
            (Self::Czk, Language::Cs) => "Kč",
            (Self::Pln, Language::Pl) => "zł",
            (other, _) => other.code(),
        }
    }
}

/// An exact amount of money in one currency.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Money {
    pub amount: Decimal,
    pub currency: Currency,
}

/// The one rounding rule: to the cent, halves away from zero ("commercial rounding"), which is
/// what Czech, Polish and Lithuanian VAT law and customers' own calculators expect.
pub fn round(amount: Decimal) -> Decimal {
    amount.round_dp_with_strategy(2, RoundingStrategy::MidpointAwayFromZero)
}

impl Money {
    pub fn new(amount: Decimal, currency: Currency) -> Self {
        Self { amount, currency }
    }

    /// From integer minor units, as stored.
    pub fn from_cents(cents: i64, currency: Currency) -> Self {
        Self {
            amount: Decimal::new(cents, 2),
            currency,
        }
    }

    /// To integer minor units, rounding by [`round`] first.
    pub fn cents(&self) -> i64 {
        let rounded = round(self.amount);
        // A rounded amount has scale 2 or less, so its mantissa at scale 2 is the cents.
        let mut at_scale_2 = rounded;
        at_scale_2.rescale(2);
        i64::try_from(at_scale_2.mantissa()).unwrap_or(i64::MAX)
    }

    pub fn is_zero(&self) -> bool {
        self.amount.is_zero()
    }

    /// Formats for a reader of `language`: `1 234,50 Kč`, `1 234,50 zł`, `1 234,50 €`,
    /// `€1,234.50`, `CZK 1,234.50`.
    pub fn format(&self, language: Language) -> String {
        let (_, decimal_mark) = language.number_marks();
        let mut rounded = round(self.amount).abs();
        rounded.rescale(2);
        let text = rounded.to_string();
        let (whole, cents) = text.split_once('.').unwrap_or((&text, "00"));
        let number = format!("{}{decimal_mark}{cents}", language.group_digits(whole));
        let sign = if self.amount.is_sign_negative() && !rounded.is_zero() {
            "-"
        } else {
            ""
        };
        let symbol = self.currency.symbol(language);
        match language {
            Language::En if symbol == "€" => format!("{sign}€{number}"),
            Language::En => format!("{sign}{symbol}\u{a0}{number}"),
            _ => format!("{sign}{number}\u{a0}{symbol}"),
        }
    }

    /// Reads an amount as a customer types it: `15`, `15,50`, `15.5`, `1 500 Kč`. At most two
    /// decimals, not negative.
    ///
    /// # Errors
    /// When it is not such an amount.
    pub fn parse_input(text: &str, currency: Currency) -> Result<Self, crate::InputError> {
        let bad = || {
            crate::InputError::new(
                "amount",
                "Enter an amount such as 15 or 15,50, without a minus sign.",
            )
        };
        let mut compact: String = text
            .chars()
            .filter(|c| !c.is_whitespace() && *c != '\u{a0}')
            .collect();
        for suffix in ["Kč", "zł", "€", currency.code()] {
            if let Some(rest) = compact.strip_suffix(suffix) {
                compact = rest.to_string();
            }
        }
        let normalised = compact.replacen(',', ".", 1);
        let (whole, fraction) = normalised.split_once('.').unwrap_or((&normalised, ""));
        let digits_only = |s: &str| s.bytes().all(|b| b.is_ascii_digit());
        if whole.is_empty()
            || whole.len() > 9
            || fraction.len() > 2
            || !digits_only(whole)
            || !digits_only(fraction)
        {
            return Err(bad());
        }
        let amount: Decimal = normalised.parse().map_err(|_| bad())?;
        Ok(Self::new(amount, currency))
    }

    /// Like [`Money::format`], with an explicit sign for a change: `+120,00 Kč`, `−54,90 Kč`
    /// (a true minus sign), `0,00 Kč`.
    pub fn format_signed(&self, language: Language) -> String {
        let text = Money::new(self.amount.abs(), self.currency).format(language);
        match round(self.amount) {
            a if a.is_sign_positive() && !a.is_zero() => format!("+{text}"),
            a if a.is_sign_negative() && !a.is_zero() => format!("\u{2212}{text}"),
            _ => text,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn m(cents: i64, currency: Currency) -> Money {
        Money::from_cents(cents, currency)
    }

    #[test]
    fn amounts_are_formatted_for_the_reader() {
        let nb = '\u{a0}';
        assert_eq!(
            m(123450, Currency::Czk).format(Language::Cs),
            format!("1{nb}234,50{nb}Kč")
        );
        assert_eq!(
            m(123450, Currency::Pln).format(Language::Pl),
            format!("1{nb}234,50{nb}zł")
        );
        assert_eq!(
            m(123450, Currency::Eur).format(Language::Lt),
            format!("1{nb}234,50{nb}€")
        );
        assert_eq!(m(123450, Currency::Eur).format(Language::En), "€1,234.50");
        assert_eq!(
            m(123450, Currency::Czk).format(Language::En),
            format!("CZK{nb}1,234.50")
        );
        assert_eq!(m(-5, Currency::Eur).format(Language::En), "-€0.05");
        assert_eq!(
            m(0, Currency::Czk).format(Language::Cs),
            format!("0,00{nb}Kč")
        );
    }

    #[test]
    fn a_change_carries_its_sign() {
        assert_eq!(
            m(12000, Currency::Eur).format_signed(Language::En),
            "+€120.00"
        );
        assert_eq!(
            m(-5490, Currency::Eur).format_signed(Language::En),
            "\u{2212}€54.90"
        );
        assert_eq!(m(0, Currency::Eur).format_signed(Language::En), "€0.00");
    }

    #[test]
    fn typed_amounts_are_read_in_either_decimal_mark() {
        let read = |t| Money::parse_input(t, Currency::Pln).map(|m| m.cents());
        assert_eq!(read("15"), Ok(1500));
        assert_eq!(read("15,50"), Ok(1550));
        assert_eq!(read(" 1 500.5 zł"), Ok(150_050));
        assert!(read("-5").is_err());
        assert!(read("1,234,5").is_err());
        assert!(read("1.234").is_err());
        assert!(read("").is_err());
        assert!(read("abc").is_err());
    }

    #[test]
    fn halves_round_away_from_zero() {
        assert_eq!(round(Decimal::new(12345, 3)), Decimal::new(1235, 2));
        assert_eq!(round(Decimal::new(-12345, 3)), Decimal::new(-1235, 2));
        assert_eq!(round(Decimal::new(12344, 3)), Decimal::new(1234, 2));
    }

    #[test]
    fn cents_survive_a_round_trip() {
        for cents in [0, 1, -1, 99, 100, 123456789, -987654321] {
            assert_eq!(m(cents, Currency::Pln).cents(), cents);
        }
        assert_eq!(Money::new(Decimal::new(1, 0), Currency::Eur).cents(), 100);
    }
}
