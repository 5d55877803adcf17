//! The portal's server and command line; `main.rs` only starts [`cli::run`], whose `serve`
//! runs [`startup::Application`].
//!
//! # Layout
//!
//! - `cli.rs`: the commands (`serve`, `migrate`, `seed`, `staff add`) and what each does.
//! - `config.rs`: settings from flags and the environment.
//! - `headers.rs`: the security headers of every response (CSP, HSTS, framing, caching).
//! - `limits.rs`: what a request may cost: body size, time, connections per address.
//! - `invoice_pdf.rs`: an invoice as a PDF (A4, embedded fonts from `fonts/`, the payment QR code).
//! - `router.rs`: the axum router: Leptos pages and server functions, static files, `/healthz`.
//! - `startup.rs`: [`startup::Application`]: connect, migrate, first-run demo data, payee, router,
//!   background jobs, listener; used by `serve` and by every HTTP test.
//! - `session.rs`: the layer that reads the session cookie, checks the origin of mutations,
//!   and sends signed-out visitors to `/login`.
//! - `usage_csv.rs`: usage records and the overview of every line as CSV downloads.

pub mod cli;
pub mod config;
pub mod headers;
pub mod invoice_pdf;
pub mod limits;
pub mod router;
pub mod session;
pub mod startup;
pub mod usage_csv;
