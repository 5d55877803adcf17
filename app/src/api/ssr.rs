//! What server functions need from the request: the application state, the signed-in customer
//! or member of staff (put in the request's extensions by the server's session layer), the
//! client address, and the session cookies' settings.
//!
//! A staff server function starts with [`staff`] (any signed-in member of staff) or
//! [`require_role`] (at least that role; roles order agent < supervisor < admin):
//!
//! ```ignore
//! let me = ssr::require_role(StaffRole::Supervisor)?; // 401 signed out, 403 below supervisor
//! ```

use axum::http::request::Parts;
use axum::http::{header, HeaderValue};
use chrono::{DateTime, Utc};
use leptos::prelude::*;
use leptos_axum::ResponseOptions;
use selfcare::auth::StaffRole;
use selfcare::ids::{CustomerId, StaffId};
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

    /// A one-minute cookie carrying the outcome of a form post to the page it redirects to
    /// (post/redirect/get without JavaScript). HttpOnly and set by the server only, so a link
    /// cannot fake a message.
    pub fn flash(&self, name: &str, value: &str) -> String {
        format!("{name}={value}; Max-Age=60; {}", self.attributes())
    }

    pub fn clear_flash(&self, name: &str) -> String {
        format!("{name}=; Max-Age=0; {}", self.attributes())
    }
}

/// Put in the request's extensions by the server when the session cookie names a live session.
#[derive(Clone, Debug)]
pub struct SignedIn {
    pub customer: CustomerId,
    pub token_hash: String,
    pub ends_at: DateTime<Utc>,
}

/// Put in the request's extensions by the server when the staff cookie names a live staff
/// session of a member of staff who is not disabled.
#[derive(Clone, Debug)]
pub struct SignedInStaff {
    pub staff: StaffId,
    pub role: StaffRole,
    /// The display name customers see in their access log.
    pub name: String,
    pub token_hash: String,
    pub ends_at: DateTime<Utc>,
}

impl SignedInStaff {
    /// Whether this member of staff holds `min` or a higher role.
    pub fn has_role(&self, min: StaffRole) -> bool {
        self.role >= min
    }
}

/// Whose data a server function works on, and who is asking: the signed-in customer in the
/// portal, or a member of staff acting for a customer whose data they have opened (by the code
/// the customer read out, or a supervisor's reason) on that access's channel.
#[derive(Clone, Debug)]
pub struct Subject {
    pub customer: CustomerId,
    pub by: selfcare::store::Requester,
}

impl Subject {
    /// The prefix of the subject's portal pages: `` for the customer's own, or
    /// `/staff/customers/7` in the console. Redirects after a form post go under it.
    pub fn home(&self) -> String {
        match self.by.actor {
            selfcare::store::Actor::Staff(_) => crate::acting::staff_home(self.customer.0),
            _ => String::new(),
        }
    }
}

/// The subject of a page that only shows data: for a member of staff, what they looked at
/// (`looked_at`, in the customer's words) goes into the customer's access log.
///
/// `acting_for` is the customer id a staff page sends; `None` on the customer's own pages.
/// With it, only a staff session with an open access to that customer counts (a customer's
/// session never does); without it, only the customer's session.
///
/// # Errors
/// [`AppError::Unauthorized`] without the session needed; [`AppError::NotVerified`] when the
/// staff member's access to the customer is not open (never verified, or expired).
pub async fn viewer(acting_for: Option<i64>, looked_at: &str) -> Result<Subject, AppError> {
    let subject = actor(acting_for).await?;
    if let selfcare::store::Actor::Staff(staff) = subject.by.actor {
        record_staff_view(staff, subject.customer, looked_at).await?;
    }
    Ok(subject)
}

/// Writes what a member of staff looked at into the customer's access log (`staff_view`).
pub async fn record_staff_view(
    staff: StaffId,
    customer: CustomerId,
    looked_at: &str,
) -> Result<(), AppError> {
    state()?
        .db
        .audit(&selfcare::store::AuditEntry {
            at: Utc::now(),
            actor: selfcare::store::Actor::Staff(staff),
            customer_id: Some(customer),
            action: "staff_view",
            detail: looked_at.to_string(),
            ip: Some(client_ip()),
        })
        .await?;
    Ok(())
}

/// The subject of a change; see [`viewer`]. The change itself is audited by the store, with
/// this requester.
pub async fn actor(acting_for: Option<i64>) -> Result<Subject, AppError> {
    use selfcare::store::{Actor, Requester};

    let Some(id) = acting_for else {
        let customer = customer()?;
        return Ok(Subject {
            customer,
            by: Requester::customer(customer),
        });
    };
    let me = staff()?;
    let customer = CustomerId(id);
    match state()?
        .db
        .staff_access(me.staff, customer, Utc::now())
        .await?
    {
        Some(access) => Ok(Subject {
            customer,
            by: Requester {
                actor: Actor::Staff(me.staff),
                channel: access.channel,
            },
        }),
        None => {
            set_status(403);
            Err(AppError::NotVerified)
        }
    }
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

/// The signed-in member of staff's session, if any. Never a customer's.
pub fn staff_session() -> Option<SignedInStaff> {
    use_context::<Parts>().and_then(|p| p.extensions.get::<SignedInStaff>().cloned())
}

/// The signed-in member of staff.
///
/// # Errors
/// [`AppError::Unauthorized`] without a staff session (a customer's session does not count).
pub fn staff() -> Result<SignedInStaff, AppError> {
    staff_session().ok_or(AppError::Unauthorized)
}

/// The signed-in member of staff, if they hold `min` or a higher role.
///
/// # Errors
/// [`AppError::Unauthorized`] without a staff session; [`AppError::Forbidden`] below `min`.
pub fn require_role(min: StaffRole) -> Result<SignedInStaff, AppError> {
    let me = staff()?;
    if me.has_role(min) {
        Ok(me)
    } else {
        tracing::warn!(staff = %me.staff, role = me.role.as_str(), needed = min.as_str(), "refused: role too low");
        set_status(403);
        Err(AppError::Forbidden)
    }
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

/// Where to go after a staff sign-in: a staff page, never the sign-in page itself, never
/// another host or a customer page.
pub fn staff_next(next: Option<&str>) -> String {
    match next {
        Some(n)
            if (n == "/staff" || n.starts_with("/staff/") || n.starts_with("/staff?"))
                && !n.starts_with("/staff/login")
                && !n.contains('\\') =>
        {
            n.to_string()
        }
        _ => "/staff".to_string(),
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
    fn only_staff_pages_are_followed_after_a_staff_sign_in() {
        assert_eq!(staff_next(Some("/staff?q=jana")), "/staff?q=jana");
        assert_eq!(staff_next(Some("/staff/customers/7")), "/staff/customers/7");
        assert_eq!(staff_next(Some("/invoices")), "/staff");
        assert_eq!(staff_next(Some("/staffing")), "/staff");
        assert_eq!(staff_next(Some("/staff/login")), "/staff");
        assert_eq!(staff_next(Some("//evil.example/staff")), "/staff");
        assert_eq!(staff_next(None), "/staff");
    }

    #[test]
    fn roles_order_agent_supervisor_admin() {
        let me = |role| SignedInStaff {
            staff: StaffId(1),
            role,
            name: "Eva".into(),
            token_hash: String::new(),
            ends_at: Utc::now(),
        };
        assert!(me(StaffRole::Supervisor).has_role(StaffRole::Agent));
        assert!(me(StaffRole::Supervisor).has_role(StaffRole::Supervisor));
        assert!(!me(StaffRole::Supervisor).has_role(StaffRole::Admin));
        assert!(!me(StaffRole::Agent).has_role(StaffRole::Supervisor));
        assert!(me(StaffRole::Admin).has_role(StaffRole::Supervisor));
    }

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
        let plain = CookieSettings { secure: false };
        assert_eq!(
            plain.session("abc"),
            "selfcare_session=abc; Path=/; HttpOnly; SameSite=Lax"
        );
    }
}
