//! What the server's session layer puts in the request, and nothing else: [`SignedIn`] (a
//! customer's live session), [`SignedInStaff`] (a member of staff's), [`ClientIp`]. These
//! three types are the whole contract with `server/src/session.rs`; server functions read them
//! through [`customer`], [`staff`], [`require_role`] and [`client_ip`].
//!
//! A staff server function starts with [`staff`] (any signed-in member of staff) or
//! [`require_role`] (at least that role; roles order agent < supervisor < admin):
//!
//! ```ignore
//! let me = ssr::require_role(StaffRole::Supervisor)?; // 401 signed out, 403 below supervisor
//! ```

use axum::http::header;
use axum::http::request::Parts;
use chrono::{DateTime, Utc};
use leptos::prelude::*;
use selfcare::auth::StaffRole;
use selfcare::ids::{CustomerId, StaffId};

use super::http::{parts, set_status};
use crate::error::AppError;

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

/// The client's address as the server determined it (the peer, or the proxy's
/// `X-Forwarded-For` when configured to trust one).
#[derive(Clone, Debug)]
pub struct ClientIp(pub String);

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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn roles_order_agent_supervisor_admin() {
        let me = |role| SignedInStaff {
            staff: StaffId::trusted(1),
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
}
