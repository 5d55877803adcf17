//! The application state every request shares (the database, the cookie settings, the payee),
//! and how cookies are written.

use leptos::prelude::*;
use selfcare_store::Db;

use crate::error::AppError;

/// Shared by every request; cheap to clone.
#[derive(Clone, Debug)]
pub struct AppState {
    pub db: Db,
    pub cookies: CookieSettings,
    /// The operator's bank details; `None` when not configured (no payment instructions).
    pub payee: Option<std::sync::Arc<selfcare::billing::payments::Payee>>,
    /// The sign-in throttle's limits.
    pub limits: selfcare::auth::Limits,
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

    /// The staff session's cookie: its own name, so a customer's session never passes for a
    /// member of staff's, nor the other way round, and one browser may hold both.
    pub fn staff_session_name(&self) -> &'static str {
        if self.secure {
            "__Host-selfcare_staff"
        } else {
            "selfcare_staff"
        }
    }

    /// `Set-Cookie` for a new staff session; the same attributes as a customer's.
    pub fn staff_session(&self, token: &str) -> String {
        format!(
            "{}={token}; {}",
            self.staff_session_name(),
            self.attributes()
        )
    }

    pub fn clear_staff_session(&self) -> String {
        format!(
            "{}=; Max-Age=0; {}",
            self.staff_session_name(),
            self.attributes()
        )
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

    /// The reply cookie's name (`ssr::reply`): behind HTTPS `__Host-` prefixed like the
    /// session's, so no other host or insecure page can plant a reply.
    pub fn reply_name(&self) -> &'static str {
        if self.secure {
            "__Host-selfcare_reply"
        } else {
            "selfcare_reply"
        }
    }

    /// A one-minute cookie carrying the outcome of a form post to the page it redirects to
    /// (post/redirect/get without JavaScript). HttpOnly and set by the server only, so a link
    /// cannot fake a message.
    pub fn reply(&self, value: &str) -> String {
        format!(
            "{}={value}; Max-Age=60; {}",
            self.reply_name(),
            self.attributes()
        )
    }

    pub fn clear_reply(&self) -> String {
        format!("{}=; Max-Age=0; {}", self.reply_name(), self.attributes())
    }
}

pub fn state() -> Result<AppState, AppError> {
    use_context::<AppState>().ok_or_else(|| {
        tracing::error!("AppState missing from the Leptos context");
        AppError::Internal
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_staff_cookie_has_its_own_name() {
        assert_eq!(
            CookieSettings { secure: false }.staff_session("abc"),
            "selfcare_staff=abc; Path=/; HttpOnly; SameSite=Lax"
        );
        assert!(CookieSettings { secure: true }
            .staff_session("abc")
            .starts_with("__Host-selfcare_staff=abc; Path=/; HttpOnly; SameSite=Lax; Secure"));
    }

    #[test]
    fn the_secure_cookie_is_host_prefixed() {
        let secure = CookieSettings { secure: true };
        assert!(secure
            .session("abc")
            .starts_with("__Host-selfcare_session=abc; Path=/; HttpOnly; SameSite=Lax; Secure"));
        assert!(secure.reply("x").starts_with(
            "__Host-selfcare_reply=x; Max-Age=60; Path=/; HttpOnly; SameSite=Lax; Secure"
        ));
        let plain = CookieSettings { secure: false };
        assert_eq!(
            plain.session("abc"),
            "selfcare_session=abc; Path=/; HttpOnly; SameSite=Lax"
        );
    }
}
