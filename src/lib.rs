//! Selfcare's domain: the types and rules of a telecom self-service portal. No database, no
//! async runtime, no secrets: the crate `selfcare-store` keeps the data and makes the secrets,
//! and this crate builds for WASM, so the UI shares the types it shows.
//!
//! # Layout
//!
//! - [`ids`]: identifiers and parsed inputs (`CustomerId`, `Msisdn`, `LoginIdentifier`).
//! - [`money`]: `Money` and `Currency`, the rounding rule and locale formatting.
//! - [`locale`]: the customer's language and how dates read in it.
//! - [`customer`]: customer kinds and line attributes.
//! - [`balances`]: allowances included in a plan and what is left of them.
//! - [`credit`]: prepaid credit, its ledger, vouchers and low-credit warnings.
//! - [`billing`]: invoice charges, VAT and totals, the difference to the last bill, payment QR codes.
//! - [`paging`]: keyset paging of long histories.
//! - [`usage`]: usage records and their filter, use per day as an SVG chart, the overview of
//!   every line and its sort rules, CSV exports.
//! - [`services`]: add-ons (catalog, preview, pro rata, commitment), roaming and its spending
//!   cap, and the service requests that change them.
//! - [`support`]: one-time verification codes for support calls and chats, agents' access to a
//!   customer's data, and the customer's access log.
//! - [`dashboard`]: what the overview page shows, assembled from the store's rows.
//! - [`demo`]: the demo data's sign-ins, one list for the seed, the sign-in pages and the tests.
//! - [`audit`]: what the audit log records, as data, and its words.
//! - [`auth`]: sign-in throttling, session lifetime rules and staff roles.
//!
//! Feature `sqlx` derives `sqlx::Type` for the id newtypes, for the store; nothing else.

pub mod audit;
pub mod auth;
pub mod balances;
pub mod billing;
pub mod credit;
pub mod customer;
pub mod dashboard;
pub mod demo;
pub mod ids;
pub mod locale;
pub mod money;
pub mod paging;
pub mod services;
pub mod support;
pub mod usage;

/// Bad input, described in words a customer understands.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{message}")]
pub struct InputError {
    /// The form field the message is about.
    pub field: &'static str,
    pub message: String,
}

impl InputError {
    pub fn new(field: &'static str, message: impl Into<String>) -> Self {
        Self {
            field,
            message: message.into(),
        }
    }
}
