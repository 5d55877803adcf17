//! Bills and payments: invoices and their charges, totals and states, why one bill differs from
//! the last, payments, how to pay what is due, and the payment QR codes banks read.
//!
//! # Layout
//!
//! - `invoices.rs`: invoices, charge categories, VAT per line, totals per rate, the difference
//!   explained.
//! - `payments.rs`: payments received, the operator's bank details, payment instructions.
//! - `payment_qr.rs`: IBAN checks and the SPAYD (CZK), EPC (EUR) and ZBP (PLN) QR payloads.

pub mod invoices;
pub mod payment_qr;
pub mod payments;
