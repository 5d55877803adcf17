//! The staff side: signing in and out at `/staff/login`, the staff header, and the console's
//! customer search.
//!
//! Every function here lives under `/api/staff/`. The server's session layer answers 401 (403
//! to a customer's session) for all of them without a staff session, except signing in and out
//! and the sign-in page's state; each function still checks with [`crate::ssr::staff`] or
//! [`crate::ssr::require_role`] itself. Sign-in follows the customers' rules (argon2id, five
//! failures per account or address in fifteen minutes, a new session id at every sign-in) with
//! its own cookie and its attempts counted under `staff:<email>`.

use leptos::prelude::*;
use selfcare::auth::StaffRole;
use selfcare::customer::CustomerMatch;
use serde::{Deserialize, Serialize};

use crate::api::SignInPage;
use crate::error::AppError;

/// The signed-in member of staff as the staff header shows them.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct StaffHeaderInfo {
    pub name: String,
    pub role: StaffRole,
    pub seconds_left: i64,
}

/// A search of the console and what it found.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CustomerSearch {
    /// What was typed, as typed.
    pub query: String,
    /// Why the query could not be read, if it could not.
    pub error: Option<String>,
    pub found: Vec<CustomerMatch>,
    /// Whether there may be more than were listed.
    pub more: bool,
}

pub const INVALID_STAFF_CREDENTIALS: &str = "The email or password is not right.";

/// The role as the staff header names it.
pub fn role_name(role: StaffRole) -> &'static str {
    match role {
        StaffRole::Agent => "Agent",
        StaffRole::Supervisor => "Supervisor",
        StaffRole::Admin => "Admin",
    }
}

/// The staff sign-in page's state; a signed-in member of staff is sent on to `next`.
#[server(prefix = "/api/staff", endpoint = "login_page")]
pub async fn staff_login_page(next: Option<String>) -> Result<SignInPage, AppError> {
    let input = |_: &str| "Enter your work email address and password.".to_string();
    let signed_in = crate::ssr::staff_session().is_some();
    super::sign_in::STAFF
        .page(signed_in, next.as_deref(), input, INVALID_STAFF_CREDENTIALS)
        .await
}

/// Signs a member of staff in with their work email and password.
#[server(prefix = "/api/staff", endpoint = "login")]
pub async fn staff_login(
    email: String,
    password: String,
    next: Option<String>,
) -> Result<(), AppError> {
    use super::sign_in::{check_password, new_session, Refusal, STAFF};
    use crate::ssr;
    use chrono::Utc;
    use selfcare_store::{Actor, AuditEntry};

    let state = ssr::state()?;
    let now = Utc::now();
    let ip = ssr::client_ip();
    let next = next.as_deref();
    let normalised = email.trim().to_lowercase();
    if !normalised.contains('@') || password.is_empty() {
        return STAFF.refuse(Refusal::Input, &email, next);
    }
    // Counted apart from customers' attempts: a customer with the same email never locks
    // a member of staff out, nor the other way round. Disabled staff are not candidates: they
    // fail like a wrong password.
    let candidate = async {
        Ok(state
            .db
            .staff_candidate(&normalised)
            .await?
            .map(|c| (c.staff_id, c.password_hash)))
    };
    let staff = match check_password("staff", &normalised, &ip, now, password, candidate).await? {
        Ok(staff) => staff,
        Err(why) => return STAFF.refuse(why, &email, next),
    };

    let token = new_session(ssr::staff_session().as_ref().map(|s| s.token_hash.as_str())).await?;
    state
        .db
        .create_staff_session(staff, &token.hash(), now, &ip, &ssr::user_agent())
        .await?;
    state
        .db
        .audit(&AuditEntry {
            at: now,
            actor: Actor::Staff(staff),
            customer_id: None,
            event: selfcare::audit::Event::SignIn {
                door: selfcare::audit::Door::Console,
                by_phone: false,
            },
            ip: Some(ip),
        })
        .await?;
    STAFF.enter(&state.cookies.staff_session(token.as_str()), next)
}

/// Signs a member of staff out: the session is deleted on the server, the cookie cleared.
#[server(prefix = "/api/staff", endpoint = "logout")]
pub async fn staff_logout() -> Result<(), AppError> {
    use crate::ssr;
    use selfcare_store::{Actor, AuditEntry};

    let state = ssr::state()?;
    if let Some(session) = ssr::staff_session() {
        state.db.delete_session(&session.token_hash).await?;
        state
            .db
            .audit(&AuditEntry {
                at: chrono::Utc::now(),
                actor: Actor::Staff(session.staff),
                customer_id: None,
                event: selfcare::audit::Event::SignOut {
                    door: selfcare::audit::Door::Console,
                },
                ip: Some(ssr::client_ip()),
            })
            .await?;
    }
    ssr::set_cookie(&state.cookies.clear_staff_session());
    crate::ssr::redirect("/staff/login");
    Ok(())
}

/// The header of every staff page.
#[server(prefix = "/api/staff", endpoint = "header")]
pub async fn staff_header() -> Result<StaffHeaderInfo, AppError> {
    let me = crate::ssr::staff()?;
    Ok(StaffHeaderInfo {
        name: me.name,
        role: me.role,
        seconds_left: (me.ends_at - chrono::Utc::now()).num_seconds().max(0),
    })
}

/// Keeps the staff session alive (the request itself renews it); answers how long it now has.
#[server(prefix = "/api/staff", endpoint = "keep_alive")]
pub async fn staff_keep_alive() -> Result<i64, AppError> {
    let me = crate::ssr::staff()?;
    Ok((me.ends_at - chrono::Utc::now()).num_seconds().max(0))
}

/// Finds customers by phone number, account number, email or name: their names and lines
/// only. Every search is audited with what was typed (no customer: none is opened yet).
#[server(prefix = "/api/staff", endpoint = "search")]
pub async fn search_customers(q: String) -> Result<CustomerSearch, AppError> {
    use crate::ssr;
    use selfcare::customer::SEARCH_LIMIT;
    use selfcare::ids::CustomerQuery;
    use selfcare_store::{Actor, AuditEntry};

    let me = ssr::require_role(StaffRole::Agent)?;
    let state = ssr::state()?;
    let typed: String = q.trim().chars().take(200).collect();
    let mut search = CustomerSearch {
        query: typed.clone(),
        error: None,
        found: Vec::new(),
        more: false,
    };
    if typed.is_empty() {
        return Ok(search);
    }
    let query = match CustomerQuery::parse(&typed) {
        Ok(query) => query,
        Err(e) => {
            search.error = Some(e.message);
            return Ok(search);
        }
    };
    state
        .db
        .audit(&AuditEntry {
            at: chrono::Utc::now(),
            actor: Actor::Staff(me.staff),
            customer_id: None,
            event: selfcare::audit::Event::StaffSearch { typed },
            ip: Some(ssr::client_ip()),
        })
        .await?;
    let mut found = state.db.search_customers(&query, SEARCH_LIMIT + 1).await?;
    search.more = found.len() > usize::try_from(SEARCH_LIMIT).unwrap_or(usize::MAX);
    found.truncate(usize::try_from(SEARCH_LIMIT).unwrap_or(usize::MAX));
    search.found = found;
    Ok(search)
}
