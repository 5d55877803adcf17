//! Payments: what a customer has paid, and how to pay what is due — the operator's bank account
//! for the invoice's currency, the payment reference, the amount, the due date, and the QR code
//! the market's banking apps read.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::billing::invoices::InvoiceSummary;
use crate::billing::payment_qr::{epc, spayd, zbp, Iban};
use crate::money::{Currency, Money};
use crate::InputError;

/// The operator's bank account for one currency.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PayeeAccount {
    pub currency: Currency,
    pub iban: Iban,
    /// Needed by some banks for EUR transfers from abroad.
    pub bic: Option<String>,
}

/// Whom customers pay: the operator's name and its bank account per currency. From
/// configuration (see the README); never from customer input.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Payee {
    pub name: String,
    /// The Polish tax number (NIP), which the Polish QR code may carry.
    pub nip: Option<String>,
    pub accounts: Vec<PayeeAccount>,
}

impl Payee {
    /// Bank details for the demo data. Plainly fictitious: the name says so, and the portal
    /// uses them only when no bank account is configured and the database holds the demo data.
    ///
    /// # Panics
    /// Never: the IBANs are constants with valid check digits (a unit test checks them).
    pub fn demo() -> Self {
        let account = |currency, iban: &str, bic: Option<&str>| PayeeAccount {
            currency,
            iban: Iban::parse(iban).expect("demo IBAN is valid"),
            bic: bic.map(str::to_string),
        };
        Self {
            name: "Selfcare Demo Operator".into(),
            nip: Some("5260250274".into()),
            accounts: vec![
                account(Currency::Czk, "CZ6508000000192000145399", None),
                account(Currency::Pln, "PL61109010140000071219812874", None),
                account(Currency::Eur, "LT121000011101001000", Some("HABALT22")),
            ],
        }
    }

    pub fn account(&self, currency: Currency) -> Option<&PayeeAccount> {
        self.accounts.iter().find(|a| a.currency == currency)
    }
}

/// The QR payment standards we write.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum QrStandard {
    /// SPAYD, the Czech banks' "QR Platba".
    Spayd,
    /// The European Payments Council's SEPA credit transfer code.
    Epc,
    /// The Polish banks' (ZBP) 2D code for a domestic transfer.
    Zbp,
}

impl QrStandard {
    pub fn name(self) -> &'static str {
        match self {
            Self::Spayd => "QR Platba",
            Self::Epc => "EPC QR code (SEPA)",
            Self::Zbp => "Polish bank transfer QR code",
        }
    }
}

/// How and by when to pay one invoice, ready to show.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PaymentInstructions {
    pub invoice_number: String,
    pub payee: String,
    /// Grouped in fours.
    pub iban: String,
    /// The account as written at home, where the market has its own form:
    /// `19-2000145399/0800` in Czechia, the 26-digit NRB in Poland.
    pub domestic_account: Option<String>,
    pub bic: Option<String>,
    /// The variable symbol (Czechia) or transfer title reference to quote.
    pub reference: String,
    pub amount: Money,
    pub due_on: NaiveDate,
    /// What a banking app reads, and which standard it follows; `None` when no standard can
    /// carry this payment exactly (a Polish amount over 9 999,99 zł).
    pub qr: Option<(QrStandard, String)>,
}

/// Instructions for paying what is left of `invoice`, or `None` when nothing is left or the
/// operator has no account in the invoice's currency.
pub fn payment_instructions(
    payee: &Payee,
    invoice: &InvoiceSummary,
) -> Option<PaymentInstructions> {
    let reference = invoice.payment_reference.as_str();
    let amount = invoice.remaining();
    if amount.amount <= rust_decimal::Decimal::ZERO {
        return None;
    }
    let account = payee.account(amount.currency)?;
    let message = format!("Invoice {}", invoice.number);
    let qr = match amount.currency {
        Currency::Czk => Some((
            QrStandard::Spayd,
            spayd(
                &account.iban,
                amount.amount,
                reference,
                invoice.due_on,
                &message,
            ),
        )),
        Currency::Eur => Some((
            QrStandard::Epc,
            epc(
                &payee.name,
                &account.iban,
                account.bic.as_deref(),
                amount.amount,
                &format!("{message}, ref. {reference}"),
            ),
        )),
        Currency::Pln => zbp(
            payee.nip.as_deref(),
            &account.iban,
            amount.amount,
            &payee.name,
            &format!("Faktura {} {reference}", invoice.number),
        )
        .map(|payload| (QrStandard::Zbp, payload)),
    };
    Some(PaymentInstructions {
        invoice_number: invoice.number.clone(),
        payee: payee.name.clone(),
        iban: account.iban.display(),
        domestic_account: domestic_account(&account.iban),
        bic: account.bic.clone(),
        reference: reference.to_string(),
        amount,
        due_on: invoice.due_on,
        qr,
    })
}

/// The account number as written at home, derived from the IBAN.
///
/// - Czechia: `CZkk BBBB PPPPPP AAAAAAAAAA` is `prefix-account/bank` without leading zeros.
/// - Poland: the NRB is the IBAN without `PL`, 26 digits, written `kk BBBB BBBB ...`.
pub fn domestic_account(iban: &Iban) -> Option<String> {
    let s = iban.as_str();
    match &s[..2] {
        "CZ" if s.len() == 24 => {
            let (bank, prefix, number) = (&s[4..8], &s[8..14], &s[14..24]);
            let strip = |digits: &str| digits.trim_start_matches('0').to_string();
            let number = strip(number);
            Some(match strip(prefix) {
                p if p.is_empty() => format!("{number}/{bank}"),
                p => format!("{p}-{number}/{bank}"),
            })
        }
        "PL" if s.len() == 28 => {
            let digits = &s[2..];
            let mut out = digits[..2].to_string();
            for chunk in digits.as_bytes()[2..].chunks(4) {
                out.push(' ');
                out.push_str(std::str::from_utf8(chunk).unwrap_or_default());
            }
            Some(out)
        }
        _ => None,
    }
}

/// Parses the configured bank details of one currency.
///
/// # Errors
/// When the IBAN is not valid.
pub fn payee_account(
    currency: Currency,
    iban: &str,
    bic: Option<&str>,
) -> Result<PayeeAccount, InputError> {
    Ok(PayeeAccount {
        currency,
        iban: Iban::parse(iban)?,
        bic: bic
            .map(|b| b.trim().to_uppercase())
            .filter(|b| !b.is_empty()),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::billing::invoices::InvoiceStatus;
    use crate::ids::AccountId;

    fn invoice(currency: Currency, total: i64, paid: i64) -> InvoiceSummary {
        let day = |d| NaiveDate::from_ymd_opt(2026, 11, d).unwrap();
        InvoiceSummary {
            number: "202610000001".into(),
            account_id: AccountId::trusted(1),
            period_start: day(1),
            period_end: day(30),
            issued_on: day(3),
            due_on: day(17),
            total: Money::from_cents(total, currency),
            paid: Money::from_cents(paid, currency),
            status: InvoiceStatus::Open,
            payment_reference: "1000000012".into(),
        }
    }

    #[test]
    fn domestic_account_numbers_are_derived_from_the_iban() {
        let cz = Iban::parse("CZ6508000000192000145399").unwrap();
        assert_eq!(domestic_account(&cz).as_deref(), Some("19-2000145399/0800"));
        let cz_no_prefix = Iban::parse("CZ5508000000001234567899").unwrap();
        assert_eq!(
            domestic_account(&cz_no_prefix).as_deref(),
            Some("1234567899/0800")
        );
        let pl = Iban::parse("PL61109010140000071219812874").unwrap();
        assert_eq!(
            domestic_account(&pl).as_deref(),
            Some("61 1090 1014 0000 0712 1981 2874")
        );
        let lt = Iban::parse("LT121000011101001000").unwrap();
        assert_eq!(domestic_account(&lt), None);
    }

    #[test]
    fn a_czech_invoice_is_paid_by_spayd_with_what_is_left() {
        let pay =
            payment_instructions(&Payee::demo(), &invoice(Currency::Czk, 177_749, 77_700)).unwrap();
        assert_eq!(pay.amount.cents(), 100_049);
        assert_eq!(pay.domestic_account.as_deref(), Some("19-2000145399/0800"));
        let (standard, payload) = pay.qr.unwrap();
        assert_eq!(standard, QrStandard::Spayd);
        assert_eq!(
            payload,
            "SPD*1.0*ACC:CZ6508000000192000145399*AM:1000.49*CC:CZK*DT:20261117*X-VS:1000000012*MSG:Invoice 202610000001"
        );
    }

    #[test]
    fn euro_and_zloty_invoices_get_their_markets_codes() {
        let eur = payment_instructions(&Payee::demo(), &invoice(Currency::Eur, 1_999, 0)).unwrap();
        let (standard, payload) = eur.qr.unwrap();
        assert_eq!(standard, QrStandard::Epc);
        assert!(payload.starts_with(
            "BCD\n002\n1\nSCT\nHABALT22\nSelfcare Demo Operator\nLT121000011101001000\nEUR19.99\n"
        ));
        let pln = payment_instructions(&Payee::demo(), &invoice(Currency::Pln, 12_345, 0)).unwrap();
        assert_eq!(pln.qr.unwrap().0, QrStandard::Zbp);
        let too_much =
            payment_instructions(&Payee::demo(), &invoice(Currency::Pln, 1_000_000, 0)).unwrap();
        assert_eq!(
            too_much.qr, None,
            "the Polish code holds at most 9 999,99 zł"
        );
        assert_eq!(too_much.iban, "PL61 1090 1014 0000 0712 1981 2874");
    }

    #[test]
    fn nothing_to_pay_gives_no_instructions() {
        assert!(payment_instructions(&Payee::demo(), &invoice(Currency::Czk, 100, 100)).is_none());
        let no_euro = Payee {
            accounts: Payee::demo()
                .accounts
                .into_iter()
                .filter(|a| a.currency != Currency::Eur)
                .collect(),
            ..Payee::demo()
        };
        assert!(payment_instructions(&no_euro, &invoice(Currency::Eur, 100, 0)).is_none());
    }
}
