//! Bills and payments: invoice charges and their totals, why one bill differs from the last,
//! and the payment QR codes banks read.
//!
//! # Layout
//!
//! - `invoices.rs`: charge categories, VAT per line, totals per rate, the difference explained.
//! - `payment_qr.rs`: IBAN checks and the SPAYD (CZK) and EPC (EUR) QR payloads.

pub mod invoices;
pub mod payment_qr;
