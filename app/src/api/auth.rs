//! Signing in and out, and keeping a session alive.
//!
//! Sign-in is a plain form post that answers with a redirect (post/redirect/get): to the page the
//! customer wanted on success, back to `/login` on failure, with the outcome in a one-minute
//! cookie so the login page can say what went wrong and keep what was typed, the same with
//! JavaScript on or off.

use leptos::prelude::*;
use serde::{Deserialize, Serialize};

use crate::api::SignInPage;
use crate::error::AppError;

/// The signed-in customer as the page header shows them.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct HeaderInfo {
    pub name: String,
    /// Until the session times out for inactivity (or reaches its absolute limit).
    pub seconds_left: i64,
    /// Whether any of the customer's lines is prepaid (the header then links to the credit).
    pub prepaid: bool,
}

pub const INVALID_CREDENTIALS: &str = "The email, phone number or password is not right.";

/// The login page's state; signed-in visitors are sent on to `next`.
#[server(prefix = "/api", endpoint = "login_page")]
pub async fn login_page(next: Option<String>) -> Result<SignInPage, AppError> {
    use selfcare::ids::LoginIdentifier;

    let input = |typed: &str| {
        LoginIdentifier::parse(typed)
            .err()
            .map_or_else(|| INVALID_CREDENTIALS.into(), |e| e.message)
    };
    let signed_in = crate::ssr::session().is_some();
    super::sign_in::CUSTOMERS
        .page(signed_in, next.as_deref(), input, INVALID_CREDENTIALS)
        .await
}

/// Signs a customer in with an email address or phone number and a password.
#[server(prefix = "/api", endpoint = "login")]
pub async fn login(
    identifier: String,
    password: String,
    next: Option<String>,
) -> Result<(), AppError> {
    use super::sign_in::{check_password, new_session, Refusal, CUSTOMERS};
    use crate::ssr;
    use chrono::Utc;
    use selfcare::audit::{Door, Event};
    use selfcare::ids::LoginIdentifier;
    use selfcare_store::{Actor, AuditEntry};

    let state = ssr::state()?;
    let now = Utc::now();
    let ip = ssr::client_ip();
    let next = next.as_deref();
    let Ok(who) = LoginIdentifier::parse(&identifier) else {
        return CUSTOMERS.refuse(Refusal::Input, &identifier, next);
    };
    let candidate = async {
        Ok(state
            .db
            .login_candidate(&who)
            .await?
            .map(|c| (c.customer_id, c.password_hash)))
    };
    let customer =
        match check_password("customer", who.key(), &ip, now, password, candidate).await? {
            Ok(customer) => customer,
            Err(why) => return CUSTOMERS.refuse(why, &identifier, next),
        };

    let token = new_session(ssr::session().as_ref().map(|s| s.token_hash.as_str())).await?;
    state
        .db
        .create_session(customer, &token.hash(), now, &ip, &ssr::user_agent())
        .await?;
    state
        .db
        .audit(&AuditEntry {
            at: now,
            actor: Actor::Customer(customer),
            customer_id: Some(customer),
            event: Event::SignIn {
                door: Door::Portal,
                by_phone: matches!(who, LoginIdentifier::Phone(_)),
            },
            ip: Some(ip),
        })
        .await?;
    CUSTOMERS.enter(&state.cookies.session(token.as_str()), next)
}

/// Signs out: the session is deleted on the server, the cookie cleared.
#[server(prefix = "/api", endpoint = "logout")]
pub async fn logout() -> Result<(), AppError> {
    use crate::ssr;
    use selfcare::audit::{Door, Event};
    use selfcare_store::{Actor, AuditEntry};

    let state = ssr::state()?;
    if let Some(session) = ssr::session() {
        state.db.delete_session(&session.token_hash).await?;
        state
            .db
            .audit(&AuditEntry {
                at: chrono::Utc::now(),
                actor: Actor::Customer(session.customer),
                customer_id: Some(session.customer),
                event: Event::SignOut { door: Door::Portal },
                ip: Some(ssr::client_ip()),
            })
            .await?;
    }
    ssr::set_cookie(&state.cookies.clear_session());
    crate::ssr::redirect("/login");
    Ok(())
}

/// Keeps the session alive (the request itself renews it); answers how long it now has.
#[server(prefix = "/api", endpoint = "keep_alive")]
pub async fn keep_alive() -> Result<i64, AppError> {
    let session = crate::ssr::session().ok_or(AppError::Unauthorized)?;
    Ok((session.ends_at - chrono::Utc::now()).num_seconds().max(0))
}

/// The header of every portal page.
#[server(prefix = "/api", endpoint = "portal_header")]
pub async fn portal_header() -> Result<HeaderInfo, AppError> {
    use crate::ssr;
    let session = ssr::session().ok_or(AppError::Unauthorized)?;
    let db = ssr::state()?.db;
    let (name, prepaid) = db.header_facts(session.customer).await?;
    Ok(HeaderInfo {
        prepaid,
        name,
        seconds_left: (session.ends_at - chrono::Utc::now()).num_seconds().max(0),
    })
}
