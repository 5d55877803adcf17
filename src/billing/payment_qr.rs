//! Payment details a banking app can read: IBAN validation and the QR payloads of the markets
//! we serve — SPAYD (Czech "QR Platba", for CZK), the EPC QR code (SEPA, for EUR) and the Polish
//! banks' 2D code (ZBP recommendation of 2013, for PLN).

use chrono::NaiveDate;
use rust_decimal::Decimal;

use crate::money::round;
use crate::InputError;

/// An International Bank Account Number, checked by its ISO 13616 check digits.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Iban(String);

impl Iban {
    /// # Errors
    /// When it is not a well-formed IBAN with valid check digits.
    pub fn parse(input: &str) -> Result<Self, InputError> {
        let compact: String = input
            .chars()
            .filter(|c| !c.is_whitespace())
            .collect::<String>()
            .to_uppercase();
        let bad = || InputError::new("iban", format!("{input} is not a valid IBAN."));
        let well_formed = (15..=34).contains(&compact.len())
            && compact[..2].bytes().all(|b| b.is_ascii_uppercase())
            && compact[2..4].bytes().all(|b| b.is_ascii_digit())
            && compact.bytes().all(|b| b.is_ascii_alphanumeric());
        if !well_formed {
            return Err(bad());
        }
        // Move the first four characters to the end, letters to numbers (A = 10), then mod 97.
        let rearranged = compact[4..].bytes().chain(compact[..4].bytes());
        let mut remainder: u32 = 0;
        for b in rearranged {
            let value = if b.is_ascii_digit() {
                u32::from(b - b'0')
            } else {
                u32::from(b - b'A') + 10
            };
            remainder = if value >= 10 {
                (remainder * 100 + value) % 97
            } else {
                (remainder * 10 + value) % 97
            };
        }
        if remainder == 1 {
            Ok(Self(compact))
        } else {
            Err(bad())
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// Grouped in fours, as printed on invoices.
    pub fn display(&self) -> String {
        self.0
            .as_bytes()
            .chunks(4)
            .map(|c| String::from_utf8_lossy(c).into_owned())
            .collect::<Vec<_>>()
            .join(" ")
    }
}

/// An amount as payment formats write it: a dot, at most two decimals, no grouping.
fn plain_amount(amount: Decimal) -> String {
    let mut a = round(amount);
    a.rescale(2);
    a.to_string()
}

/// A SPAYD payment string ("QR Platba", Czech Banking Association standard, version 1.0):
/// `SPD*1.0*ACC:<IBAN>*AM:<amount>*CC:CZK*DT:<YYYYMMDD>*X-VS:<variable symbol>*MSG:<message>`.
/// `*` inside values is written as `%2A`, as the standard requires.
pub fn spayd(
    iban: &Iban,
    amount: Decimal,
    variable_symbol: &str,
    due_on: NaiveDate,
    message: &str,
) -> String {
    let escape = |s: &str| s.replace('*', "%2A");
    let message: String = escape(message).chars().take(60).collect();
    format!(
        "SPD*1.0*ACC:{}*AM:{}*CC:CZK*DT:{}*X-VS:{}*MSG:{}",
        iban.as_str(),
        plain_amount(amount),
        due_on.format("%Y%m%d"),
        escape(variable_symbol),
        message
    )
}

/// An EPC QR code payload (European Payments Council, "BCD", version 002, UTF-8, SEPA credit
/// transfer) with an unstructured remittance text.
pub fn epc(
    beneficiary: &str,
    iban: &Iban,
    bic: Option<&str>,
    amount: Decimal,
    remittance: &str,
) -> String {
    let name: String = beneficiary.chars().take(70).collect();
    let text: String = remittance.chars().take(140).collect();
    [
        "BCD",
        "002",
        "1",
        "SCT",
        bic.unwrap_or(""),
        &name,
        iban.as_str(),
        &format!("EUR{}", plain_amount(amount)),
        "",
        "",
        &text,
    ]
    .join("\n")
}

/// The Polish banks' 2D transfer code (Związek Banków Polskich, "Rekomendacja dotycząca
/// standardu 2D", 2013): nine fields joined by `|` —
/// `NIP|PL|account (26 digits)|amount in grosze (6 digits)|recipient (≤ 20)|title (≤ 32)|||`,
/// the last three reserved and left empty.
///
/// `None` when the payment cannot be written exactly: the account is not Polish, or the amount
/// is over 9 999,99 zł (six digits of grosze) or not positive. Then the page shows the plain
/// details only. Texts keep the characters the standard allows and are cut to its lengths;
/// amounts are never cut.
pub fn zbp(
    nip: Option<&str>,
    iban: &Iban,
    amount: Decimal,
    recipient: &str,
    title: &str,
) -> Option<String> {
    let account = iban.as_str().strip_prefix("PL")?;
    let mut grosze = round(amount);
    grosze.rescale(2);
    let grosze = grosze.mantissa();
    if !(1..=999_999).contains(&grosze) {
        return None;
    }
    let allowed = |c: &char| c.is_ascii_alphanumeric() || "ąćęłńóśźżĄĆĘŁŃÓŚŹŻ ,.-/".contains(*c);
    let text = |s: &str, max: usize| -> String {
        s.chars()
            .filter(allowed)
            .take(max)
            .collect::<String>()
            .trim()
            .to_string()
    };
    let nip: String = nip
        .unwrap_or("")
        .chars()
        .filter(char::is_ascii_digit)
        .collect();
    let nip = if nip.len() == 10 { nip } else { String::new() };
    Some(
        [
            nip,
            "PL".into(),
            account.to_string(),
            format!("{grosze:06}"),
            text(recipient, 20),
            text(title, 32),
            String::new(),
            String::new(),
            String::new(),
        ]
        .join("|"),
    )
}

/// A QR code of `payload` as an SVG image (error correction M, the banks' usual level, with the
/// standard four-module quiet zone), to inline in a page or a PDF.
///
/// # Errors
/// When the payload is too long for a QR code.
pub fn qr_svg(payload: &str, size_px: u32) -> Result<String, InputError> {
    let code = qrcode::QrCode::with_error_correction_level(payload.as_bytes(), qrcode::EcLevel::M)
        .map_err(|e| {
            InputError::new(
                "qr",
                format!("The payment details do not fit a QR code: {e}"),
            )
        })?;
    Ok(code
        .render::<qrcode::render::svg::Color>()
        .min_dimensions(size_px, size_px)
        .quiet_zone(true)
        .build())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ibans_are_checked_by_their_check_digits() {
        let iban = Iban::parse("CZ65 0800 0000 1920 0014 5399").unwrap();
        assert_eq!(iban.as_str(), "CZ6508000000192000145399");
        assert_eq!(iban.display(), "CZ65 0800 0000 1920 0014 5399");
        assert!(Iban::parse("LT12 1000 0111 0100 1000").is_ok());
        assert!(Iban::parse("PL61 1090 1014 0000 0712 1981 2874").is_ok());
        assert!(
            Iban::parse("CZ66 0800 0000 1920 0014 5399").is_err(),
            "one digit off"
        );
        assert!(Iban::parse("hello").is_err());
    }

    /// The demo customer's bill: 1 777,49 Kč due on 6 December 2026.
    fn sample_spayd(message: &str) -> String {
        let iban = Iban::parse("CZ6508000000192000145399").unwrap();
        let due = NaiveDate::from_ymd_opt(2026, 12, 6).unwrap();
        spayd(&iban, Decimal::new(177749, 2), "2611000001", due, message)
    }

    #[test]
    fn a_spayd_string_carries_every_field_of_the_payment() {
        let s = sample_spayd("Faktura 2026110001*");
        assert_eq!(
            s,
            "SPD*1.0*ACC:CZ6508000000192000145399*AM:1777.49*CC:CZK*DT:20261206*X-VS:2611000001*MSG:Faktura 2026110001%2A"
        );
    }

    #[test]
    fn an_epc_payload_has_the_fields_in_the_standard_order() {
        let iban = Iban::parse("LT121000011101001000").unwrap();
        let s = epc(
            "UAB Selfcare",
            &iban,
            None,
            Decimal::new(12, 0),
            "Invoice 2026110002",
        );
        let fields: Vec<&str> = s.split('\n').collect();
        assert_eq!(
            fields,
            [
                "BCD",
                "002",
                "1",
                "SCT",
                "",
                "UAB Selfcare",
                "LT121000011101001000",
                "EUR12.00",
                "",
                "",
                "Invoice 2026110002"
            ]
        );
    }

    #[test]
    fn a_polish_code_has_the_nine_fields_of_the_zbp_standard() {
        let iban = Iban::parse("PL61 1090 1014 0000 0712 1981 2874").unwrap();
        let s = zbp(
            Some("526-025-02-74"),
            &iban,
            Decimal::new(12345, 2),
            "Selfcare Demo Operator | Sp. z o.o.",
            "Faktura 2026110000003 1000000042",
        )
        .unwrap();
        assert_eq!(
            s,
            "5260250274|PL|61109010140000071219812874|012345|Selfcare Demo Operat|Faktura 2026110000003 1000000042|||"
        );
        assert_eq!(s.split('|').count(), 9);
        assert!(
            zbp(None, &iban, Decimal::new(1_000_000, 2), "x", "y").is_none(),
            "over 9 999,99"
        );
        assert!(zbp(None, &iban, Decimal::ZERO, "x", "y").is_none());
        let czech = Iban::parse("CZ6508000000192000145399").unwrap();
        assert!(zbp(None, &czech, Decimal::ONE, "x", "y").is_none());
        assert!(zbp(Some("123"), &iban, Decimal::ONE, "x", "y")
            .unwrap()
            .starts_with("|PL|"));
    }

    #[test]
    fn a_payment_qr_code_decodes_to_its_payload() {
        let payload = sample_spayd("Faktura 2026110001");
        assert_eq!(decode_svg(&qr_svg(&payload, 200).unwrap()), payload);
        let euro = epc(
            "UAB Selfcare",
            &Iban::parse("LT121000011101001000").unwrap(),
            None,
            Decimal::new(1999, 2),
            "Sąskaita 1",
        );
        assert_eq!(decode_svg(&qr_svg(&euro, 200).unwrap()), euro);
    }

    /// Rasterises the dark squares of an SVG made by [`qr_svg`] (a path of `M x y h s v s ...`
    /// squares on a white square) and decodes the picture with rqrr.
    fn decode_svg(svg: &str) -> String {
        let number = |text: &str, after: &str| -> usize {
            let start = text.find(after).unwrap() + after.len();
            text[start..]
                .chars()
                .take_while(char::is_ascii_digit)
                .collect::<String>()
                .parse()
                .unwrap()
        };
        let side = number(svg, "width=\"");
        let path = &svg[svg.find(" d=\"").unwrap() + 4..];
        let module = number(path, "h");
        let mut dark = vec![false; side * side];
        for square in path.split('M').skip(1) {
            let mut xy = square
                .split(|c: char| !c.is_ascii_digit())
                .filter(|t| !t.is_empty());
            let (x, y): (usize, usize) = (
                xy.next().unwrap().parse().unwrap(),
                xy.next().unwrap().parse().unwrap(),
            );
            for dy in 0..module {
                for dx in 0..module {
                    dark[(y + dy) * side + x + dx] = true;
                }
            }
        }
        let mut img = rqrr::PreparedImage::prepare_from_greyscale(side, side, |x, y| {
            if dark[y * side + x] {
                0
            } else {
                255
            }
        });
        let grids = img.detect_grids();
        assert_eq!(grids.len(), 1, "one QR code in the SVG");
        grids[0].decode().unwrap().1
    }

    #[test]
    fn the_svg_image_decodes_to_the_payment() {
        let payload = "SPD*1.0*ACC:CZ6508000000192000145399*AM:1777.49*CC:CZK*X-VS:2611000001";
        let svg = qr_svg(payload, 200).unwrap();
        assert!(svg.contains("<svg"));
        assert_eq!(decode_svg(&svg), payload);
        assert!(
            qr_svg(&"x".repeat(5000), 200).is_err(),
            "too long for a QR code"
        );
    }
}
