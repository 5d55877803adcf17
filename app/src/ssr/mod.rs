//! The server side of the app, in one place (compiled with feature `ssr` only). This module is
//! the contract with the `server` crate:
//!
//! - [`state`]: [`AppState`] (database, cookie settings, payee), which the server provides to
//!   every request, and [`CookieSettings`].
//! - [`session`]: what the server's session layer puts in the request — [`SignedIn`],
//!   [`SignedInStaff`], [`ClientIp`] — and nothing else; `server/src/session.rs` imports only
//!   these (and [`http`]'s cookie and path helpers).
//! - [`subject`]: who a server function acts for: the customer, or staff with an open access;
//!   [`subject_logging_view`] also writes the view into the customer's access log.
//! - [`http`]: cookies, status, redirects, safe `next` destinations, percent-encoding.
//! - [`reply`]: the form round trip — one reply cookie, read once by the page it returns to.
//!
//! Server functions (`crate::api`) use these and the store; pages and components never do.

pub mod http;
pub mod reply;
pub mod session;
pub mod state;
pub mod subject;

pub use http::*;
pub use session::*;
pub use state::*;
pub use subject::*;
