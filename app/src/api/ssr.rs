//! What server functions need from the request: the application state, the signed-in customer
//! (put in the request's extensions by the server's session layer), the client address, and the
//! session cookie's settings.

use axum::http::request::Parts;
use axum::http::{header, HeaderValue};
use chrono::{DateTime, Utc};
use leptos::prelude::*;
use leptos_axum::ResponseOptions;
use selfcare::ids::CustomerId;
use selfcare::store::Db;

use crate::error::AppError;

/// Shared by every request; cheap to clone.
#[derive(Clone, Debug)]
pub struct AppState {
    pub db: Db,
    pub cookies: CookieSettings,
    /// The operator's bank details; `None` when not configured (no payment instructions).
    pub payee: Option<std::sync::Arc<selfcare::billing::payments::Payee>>,
}

/// How the session cookie is written. Behind HTTPS it is `Secure` and named with the
/// `__Host-` prefix, which browsers accept only from a secure origin, for the whole host.
#[derive(Clone, Debug)]
pub struct CookieSettings {
    pub secure: bool,
}

impl CookieSettings {
    pub fn session_name(&self) -> &'static str {
        if self.secure {
            "__Host-selfcare_session"
        } else {
            "selfcare_session"
        }
    }

    fn attributes(&self) -> &'static str {
        // Lax, not Strict: a link from an email to an invoice should open signed in.
        // Cross-site POSTs are refused by the server's origin check anyway.
        if self.secure {
            "Path=/; HttpOnly; SameSite=Lax; Secure"
        } else {
            "Path=/; HttpOnly; SameSite=Lax"
        }
    }

    /// `Set-Cookie` for a new session. No `Max-Age`: the session ends with the browser or on
    /// the server's idle and absolute timeouts, whichever comes first.
    pub fn session(&self, token: &str) -> String {
        format!("{}={token}; {}", self.session_name(), self.attributes())
    }

    pub fn clear_session(&self) -> String {
        format!("{}=; Max-Age=0; {}", self.session_name(), self.attributes())
    }

    /// A one-minute cookie carrying the outcome of a form post to the page it redirects to
    /// (post/redirect/get without JavaScript). HttpOnly and set by the server only, so a link
    /// cannot fake a message.
    pub fn flash(&self, name: &str, value: &str) -> String {
        format!("{name}={value}; Max-Age=60; {}", self.attributes())
    }

    pub fn clear_flash(&self, name: &str) -> String {
        format!("{name}=; Max-Age=0; {}", self.attributes())
    }

    /// The outcome of a failed sign-in.
    pub fn login_flash(&self, value: &str) -> String {
        self.flash(LOGIN_FLASH, value)
    }

    pub fn clear_login_flash(&self) -> String {
        self.clear_flash(LOGIN_FLASH)
    }
}

pub const LOGIN_FLASH: &str = "selfcare_login";

/// Put in the request's extensions by the server when the session cookie names a live session.
#[derive(Clone, Debug)]
pub struct SignedIn {
    pub customer: CustomerId,
    pub token_hash: String,
    pub ends_at: DateTime<Utc>,
}

/// The client's address as the server determined it (the peer, or the proxy's
/// `X-Forwarded-For` when configured to trust one).
#[derive(Clone, Debug)]
pub struct ClientIp(pub String);

pub fn state() -> Result<AppState, AppError> {
    use_context::<AppState>().ok_or_else(|| {
        tracing::error!("AppState missing from the Leptos context");
        AppError::Internal
    })
}

fn parts() -> Result<Parts, AppError> {
    use_context::<Parts>().ok_or(AppError::Internal)
}

/// The signed-in customer's session, if any.
pub fn session() -> Option<SignedIn> {
    use_context::<Parts>().and_then(|p| p.extensions.get::<SignedIn>().cloned())
}

/// The signed-in customer; every customer query is scoped by this id.
pub fn customer() -> Result<CustomerId, AppError> {
    session().map(|s| s.customer).ok_or(AppError::Unauthorized)
}

pub fn client_ip() -> String {
    use_context::<Parts>()
        .and_then(|p| p.extensions.get::<ClientIp>().map(|ip| ip.0.clone()))
        .unwrap_or_else(|| "unknown".into())
}

pub fn user_agent() -> String {
    parts()
        .ok()
        .and_then(|p| {
            p.headers
                .get(header::USER_AGENT)
                .and_then(|v| v.to_str().ok())
                .map(|s| s.chars().take(200).collect())
        })
        .unwrap_or_default()
}

/// Whether the request is a browser's own form submission (JavaScript off), which expects a
/// page back, rather than a call from the server-function client.
pub fn is_plain_form_post() -> bool {
    parts().ok().is_some_and(|p| {
        p.headers
            .get(header::ACCEPT)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.contains("text/html"))
    })
}

/// Answers a form post made without JavaScript: a redirect to `back_to`, with `value` (an
/// encoded outcome, see [`flash`]) in the one-minute cookie `name` for that page to show once.
/// A call from the server-function client gets the reply itself and nothing of this.
pub fn redirect_plain_post(name: &str, value: &str, back_to: &str) {
    if is_plain_form_post() {
        if let Ok(state) = state() {
            set_cookie(&state.cookies.flash(name, value));
        }
        leptos_axum::redirect(back_to);
    }
}

/// Another customer's id answers like a missing one: to a form posted without JavaScript,
/// `page()` (a reply that redirects to a page saying "Not found."); to the server-function
/// client, a 404.
pub fn not_found<R>(page: impl FnOnce() -> R) -> Result<R, AppError> {
    if is_plain_form_post() {
        return Ok(page());
    }
    set_status(404);
    Err(AppError::NotFound)
}

/// Reads the flash cookie `name` and clears it: its outcome is shown once.
pub fn take_flash(name: &str) -> Option<String> {
    let value = cookie(name)?;
    if let Ok(state) = state() {
        set_cookie(&state.cookies.clear_flash(name));
    }
    Some(value)
}

/// A cookie of the request being handled, by name.
pub fn cookie(name: &str) -> Option<String> {
    cookie_in(&parts().ok()?.headers, name)
}

/// A cookie from request headers, by name.
pub fn cookie_in(headers: &axum::http::HeaderMap, name: &str) -> Option<String> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v.to_string())
}

pub fn set_cookie(value: &str) {
    if let (Some(res), Ok(value)) = (
        use_context::<ResponseOptions>(),
        HeaderValue::from_str(value),
    ) {
        res.append_header(header::SET_COOKIE, value);
    }
}

/// Sets the HTTP status of the page being rendered.
pub fn set_status(code: u16) {
    if let (Some(res), Ok(status)) = (
        use_context::<ResponseOptions>(),
        axum::http::StatusCode::from_u16(code),
    ) {
        res.set_status(status);
    }
}

/// Keeps a post-sign-in destination on this site: a path, never another host.
pub fn safe_next(next: Option<&str>) -> String {
    match next {
        Some(n)
            if n.starts_with('/')
                && !n.starts_with("//")
                && !n.contains('\\')
                && !n.starts_with("/login") =>
        {
            n.to_string()
        }
        _ => "/".to_string(),
    }
}

pub mod flash {
    //! Flash cookie values: `<kind>.<text as hex>` (for a failed sign-in: kind `invalid`,
    //! `input` or `throttled-<minutes>` and the identifier typed). Hex keeps any character
    //! cookie-safe.

    pub fn encode(kind: &str, identifier: &str) -> String {
        let hex: String = identifier
            .bytes()
            .take(200)
            .map(|b| format!("{b:02x}"))
            .collect();
        format!("{kind}.{hex}")
    }

    pub fn decode(value: &str) -> Option<(String, String)> {
        let (kind, hex) = value.split_once('.')?;
        let bytes: Option<Vec<u8>> = (0..hex.len())
            .step_by(2)
            .map(|i| {
                hex.get(i..i + 2)
                    .and_then(|h| u8::from_str_radix(h, 16).ok())
            })
            .collect();
        Some((kind.to_string(), String::from_utf8(bytes?).ok()?))
    }

    #[cfg(test)]
    #[test]
    fn a_typed_identifier_survives_the_cookie() {
        let value = encode("invalid", "Jana Nováková; +420");
        assert!(!value.contains(';') && !value.contains(' '));
        assert_eq!(
            decode(&value),
            Some(("invalid".into(), "Jana Nováková; +420".into()))
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_local_paths_are_followed_after_sign_in() {
        assert_eq!(
            safe_next(Some("/invoices?year=2026")),
            "/invoices?year=2026"
        );
        assert_eq!(safe_next(Some("//evil.example")), "/");
        assert_eq!(safe_next(Some("https://evil.example")), "/");
        assert_eq!(safe_next(Some("/\\evil.example")), "/");
        assert_eq!(safe_next(None), "/");
    }

    #[test]
    fn the_secure_cookie_is_host_prefixed() {
        let secure = CookieSettings { secure: true };
        assert!(secure
            .session("abc")
            .starts_with("__Host-selfcare_session=abc; Path=/; HttpOnly; SameSite=Lax; Secure"));
        let plain = CookieSettings { secure: false };
        assert_eq!(
            plain.session("abc"),
            "selfcare_session=abc; Path=/; HttpOnly; SameSite=Lax"
        );
    }
}
