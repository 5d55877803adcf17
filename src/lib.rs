//! Selfcare's billing domain: the types and rules of a telecom self-service portal, and
//! (feature `store`) the database that keeps them.
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
//! - [`auth`]: sign-in throttling and session lifetime rules (and, with `store`, password hashing).
//! - [`store`] (feature `store`): the database over SQLite and PostgreSQL, one body of SQL.
//!
//! The crate builds for WASM without `store`, so the UI can share the types it shows.

pub mod auth;
pub mod balances;
pub mod billing;
pub mod credit;
pub mod customer;
pub mod dashboard;
pub mod ids;
pub mod locale;
pub mod money;
pub mod paging;
pub mod services;
pub mod support;
pub mod usage;

#[cfg(feature = "store")]
pub mod store;

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
