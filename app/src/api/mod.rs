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
pub mod staff;
pub mod staff_customer;
pub mod support;
pub mod team;
pub mod usage;

use serde::{Deserialize, Serialize};

/// The outcome of a form that answers in words only, shown once on the page it returns to.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct FormReply {
    pub ok: bool,
    pub message: String,
}
