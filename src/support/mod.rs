//! Support: customers proving who they are to an agent with a one-time code, agents proving who
//! they are back, and the customer's view of every access to their account.
//!
//! # Layout
//!
//! - [`codes`]: one-time codes, their hashing, the lock after wrong codes, check phrases.
//! - [`access`]: an agent's access to a customer's data, what the customer's page shows of a
//!   verification, and the access log.
//! - [`team`]: who reviews staff's work and who manages staff, and the rules for changing the
//!   team.

pub mod access;
pub mod codes;
pub mod team;
