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

/// What a form answers, shown once on the page it returns to (without JavaScript,
/// `ssr::reply` carries it there in the one reply cookie): whether it was done, in words, and
/// what the feature adds in `data` (the request a change made, the settings as they now are;
/// nothing, `()`, for a form that answers in words only).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Reply<T = ()> {
    pub ok: bool,
    pub message: String,
    pub data: T,
}

impl<T: Default> Reply<T> {
    /// Words only: `ok` says whether it was done.
    pub fn new(ok: bool, message: impl Into<String>) -> Self {
        Self {
            ok,
            message: message.into(),
            data: T::default(),
        }
    }

    /// It was done, and this says what.
    pub fn done(message: impl Into<String>) -> Self {
        Self::new(true, message)
    }

    /// Nothing changed, and this says why.
    pub fn refused(message: impl Into<String>) -> Self {
        Self::new(false, message)
    }
}

/// What a sign-in page shows (`/login`, `/staff/login`): why the last try was refused, what was
/// typed in its account field, and whether the demo data (and its sign-ins) is loaded.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SignInPage {
    pub error: Option<String>,
    pub typed: String,
    pub demo: bool,
}
