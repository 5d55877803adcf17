//! The form round trip, in one place: a form posted without JavaScript is answered with a
//! redirect back to its page, and the reply travels in **one** one-minute cookie
//! (`selfcare_reply`, `__Host-` prefixed behind HTTPS) that the page reads once. A call from
//! the server-function client (the island) gets the reply itself and no cookie.
//!
//! A reply is an [`crate::api::Reply<T>`] (or, for the few answers that are not a notice, any
//! serde type: a sign-in refused). No secret ever rides it: a code just issued waits for the
//! verify page sealed in the database (`Db::keep_code_for_display`). [`answer`] writes it as
//! `<tag>.<JSON as hex>` (hex keeps any character cookie-safe), where the tag names the reply's
//! type, and [`take::<T>`] reads only a reply of type `T`: a page never shows (nor clears) a
//! reply meant for another page's type. So the forms of one page answer the same type.

use serde::de::DeserializeOwned;
use serde::Serialize;

use super::http::{cookie, is_plain_form_post, set_cookie};
use super::state::state;
use crate::error::AppError;

/// What a cookie value may hold; a larger reply is not sent (browsers drop cookies over 4 KB).
const MAX_VALUE: usize = 3_500;

/// Answers a form post with `reply`: without JavaScript, a redirect to `back_to` with the
/// reply for that page to show once; to the server-function client, the reply itself.
pub fn answer<T: Serialize>(reply: T, back_to: &str) -> T {
    if is_plain_form_post() {
        if let (Some(value), Ok(state)) = (encode(&reply), state()) {
            set_cookie(&state.cookies.reply(&value));
        }
        crate::ssr::redirect(back_to);
    }
    reply
}

/// Sends the visitor to `to` with `reply` for that page, whoever posted (a sign-in answers a
/// redirect to the server-function client too).
pub fn redirect_with<T: Serialize>(reply: &T, to: &str) -> Result<(), AppError> {
    if let Some(value) = encode(reply) {
        set_cookie(&state()?.cookies.reply(&value));
    }
    crate::ssr::redirect(to);
    Ok(())
}

/// The reply of type `T` sent back to this page, once (the cookie is cleared when read).
pub fn take<T: DeserializeOwned>() -> Option<T> {
    let state = state().ok()?;
    let reply = decode(&cookie(state.cookies.reply_name())?)?;
    set_cookie(&state.cookies.clear_reply());
    Some(reply)
}

/// Forgets any reply waiting for a page (after a sign-in, the refusal before it).
pub fn clear() {
    if let Ok(state) = state() {
        if cookie(state.cookies.reply_name()).is_some() {
            set_cookie(&state.cookies.clear_reply());
        }
    }
}

/// A short name of the reply's type, so a reply is read only as what it was written as.
fn tag<T>() -> String {
    // FNV-1a of the type's name: stable within a build, which is all a one-minute cookie needs.
    let hash = std::any::type_name::<T>()
        .bytes()
        .fold(0xcbf2_9ce4_8422_2325_u64, |h, b| {
            (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
        });
    format!("{:08x}", hash as u32)
}

fn encode<T: Serialize>(reply: &T) -> Option<String> {
    let json = serde_json::to_vec(reply).ok()?;
    let hex: String = json.iter().map(|b| format!("{b:02x}")).collect();
    let value = format!("{}.{hex}", tag::<T>());
    (value.len() <= MAX_VALUE).then_some(value)
}

fn decode<T: DeserializeOwned>(value: &str) -> Option<T> {
    let (kind, hex) = value.split_once('.')?;
    if kind != tag::<T>() || hex.len() % 2 != 0 {
        return None;
    }
    let bytes: Option<Vec<u8>> = (0..hex.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(hex.get(i..i + 2)?, 16).ok())
        .collect();
    serde_json::from_slice(&bytes?).ok()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde::Deserialize;

    #[derive(Debug, PartialEq, Serialize, Deserialize)]
    struct Done {
        ok: bool,
        message: String,
        request: Option<i64>,
    }

    #[derive(Debug, PartialEq, Serialize, Deserialize)]
    struct Other {
        ok: bool,
        message: String,
    }

    #[test]
    fn a_reply_survives_the_cookie_and_is_read_only_as_its_own_type() {
        let reply = Done {
            ok: true,
            message: "Hotovo: Jana Nováková; +420 \"quoted\"".into(),
            request: Some(7),
        };
        let value = encode(&reply).unwrap();
        assert!(value.bytes().all(|b| b.is_ascii_hexdigit() || b == b'.'));
        assert_eq!(decode::<Done>(&value), Some(reply));
        assert_eq!(decode::<Other>(&value), None);
        assert_eq!(decode::<Done>("garbage"), None);
        assert_eq!(decode::<Done>(&format!("{}.zz", tag::<Done>())), None);
    }

    #[test]
    fn a_reply_too_large_for_a_cookie_is_not_sent() {
        let reply = Other {
            ok: true,
            message: "x".repeat(4_000),
        };
        assert_eq!(encode(&reply), None);
    }
}
