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

use serde::{Deserialize, Serialize};

/// The outcome of a form that answers in words only, shown once on the page it returns to.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct FormReply {
    pub ok: bool,
    pub message: String,
}

/// How a [`FormReply`] reaches its page: to a form posted without JavaScript, in a
/// one-minute cookie read once by the page it is sent back to.
#[cfg(feature = "ssr")]
pub(crate) mod reply {
    use super::FormReply;
    use crate::api::ssr;

    const FLASH: &str = "selfcare_reply";

    /// Sends a plain form post back to `page` with the reply (see
    /// [`ssr::redirect_plain_post`]); answers the reply itself to the server-function client.
    pub fn answer(reply: FormReply, page: &str) -> FormReply {
        let kind = if reply.ok { "ok" } else { "no" };
        ssr::redirect_plain_post(FLASH, &ssr::flash::encode(kind, &reply.message), page);
        reply
    }

    /// The reply sent back to this page, once.
    pub fn take() -> Option<FormReply> {
        let (kind, message) = ssr::flash::decode(&ssr::take_flash(FLASH)?)?;
        Some(FormReply {
            ok: kind == "ok",
            message,
        })
    }
}
