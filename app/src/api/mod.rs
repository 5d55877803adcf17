//! Server functions, grouped by feature. Each is thin: authorise, parse, call one store or
//! domain function, convert the error.

pub mod auth;
pub mod billing;
pub mod credit;
pub mod dashboard;
pub mod requests;
pub mod roaming;
pub mod services;
#[cfg(feature = "ssr")]
pub mod sign_in;
#[cfg(feature = "ssr")]
pub mod ssr;
pub mod staff;
pub mod staff_customer;
pub mod support;
pub mod team;
pub mod usage;
