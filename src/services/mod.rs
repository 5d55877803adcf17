//! A line's services and the requests that change them.
//!
//! # Layout
//!
//! - [`addons`]: the catalog, who may take what, and the preview of a change (pro-rata charge,
//!   commitment, early-end fee, what it replaces), the rules the store applies in its transaction.
//! - [`roaming`]: roaming and data-roaming settings and the data-roaming spending cap.
//! - [`requests`]: service requests, who asked through which channel, and their status.

pub mod addons;
pub mod requests;
pub mod roaming;
