//! What customers' sign-in at `/login` and staff's at `/staff/login` share: the same rules
//! (argon2id off the async workers, five failures per account in fifteen minutes and many more
//! per address, reserved before the check (`selfcare::auth`), a
//! new session id at every sign-in) and the same post/redirect/get, each through its own
//! [`Door`]: its page and where it may lead. A refusal goes back to the page as a
//! [`SignInRefusal`] reply (`ssr::reply`).

use chrono::{DateTime, Utc};
use selfcare::auth::{address_bucket, wait_in_words};
use selfcare_store::secrets::{spend_a_verification, verify_password, SessionToken};

use serde::{Deserialize, Serialize};

use crate::api::SignInPage;
use crate::error::AppError;
use crate::ssr::{self, reply};

/// One sign-in page and where it leads.
pub struct Door {
    /// The sign-in page.
    page: &'static str,
    /// Where a sign-in leads when nothing else was asked for.
    home: &'static str,
    /// Keeps the page asked for (`?next=`) to the pages behind this door.
    next: fn(Option<&str>) -> String,
}

/// The customer portal's sign-in.
pub const CUSTOMERS: Door = Door {
    page: "/login",
    home: "/",
    next: ssr::safe_next,
};

/// The staff console's sign-in.
pub const STAFF: Door = Door {
    page: "/staff/login",
    home: "/staff",
    next: ssr::staff_next,
};

/// A refused sign-in as its page reads it back: why (`input`, `invalid` or `throttled-<wait>`)
/// and what was typed, to keep in the form.
#[derive(Serialize, Deserialize)]
struct SignInRefusal {
    kind: String,
    typed: String,
}

/// Why a sign-in was refused.
pub enum Refusal {
    /// What was typed cannot be an account's.
    Input,
    Invalid,
    /// Too many failures: the wait, in words.
    Throttled(String),
}

impl Door {
    /// Where a signed-in visitor goes: the page asked for, if it is behind this door.
    pub fn next(&self, next: Option<&str>) -> String {
        (self.next)(next)
    }

    /// Sends the visitor back to the sign-in page, which says why and keeps what was typed.
    ///
    /// # Errors
    /// Without the app's state.
    pub fn refuse(&self, why: Refusal, typed: &str, next: Option<&str>) -> Result<(), AppError> {
        let kind = match why {
            Refusal::Input => "input".to_string(),
            Refusal::Invalid => "invalid".to_string(),
            Refusal::Throttled(wait) => format!("throttled-{}", wait.replace(' ', "_")),
        };
        let typed: String = typed.chars().take(200).collect();
        let next = self.next(next);
        let query = if next == self.home {
            String::new()
        } else {
            format!("?next={}", ssr::urlencode(&next))
        };
        reply::redirect_with(
            &SignInRefusal { kind, typed },
            &format!("{}{query}", self.page),
        )
    }

    /// The sign-in page's state: a visitor `signed_in` at this door already is sent on to
    /// `next`; the last refusal is read back once, with what was typed. `input` words the
    /// refusal of what was typed, `invalid` a wrong password.
    ///
    /// # Errors
    /// Without the app's state, or when the database cannot say whether it holds demo data.
    pub async fn page(
        &self,
        signed_in: bool,
        next: Option<&str>,
        input: impl FnOnce(&str) -> String,
        invalid: &str,
    ) -> Result<SignInPage, AppError> {
        if signed_in {
            crate::ssr::redirect(&self.next(next));
        }
        let mut page = SignInPage {
            demo: ssr::state()?.db.has_demo_data().await?,
            ..Default::default()
        };
        if let Some(SignInRefusal { kind, typed }) = reply::take() {
            page.error = Some(match kind.as_str() {
                "input" => input(&typed),
                k if k.starts_with("throttled-") => format!(
                    "Too many failed sign-in attempts. Try again in {}.",
                    k.trim_start_matches("throttled-").replace('_', " ")
                ),
                _ => invalid.to_string(),
            });
            page.typed = typed;
        }
        Ok(page)
    }

    /// Lets the signed-in visitor in: their new session's cookie, the last refusal forgotten,
    /// on to the page asked for.
    ///
    /// # Errors
    /// Without the app's state.
    pub fn enter(&self, session_cookie: &str, next: Option<&str>) -> Result<(), AppError> {
        ssr::set_cookie(session_cookie);
        reply::clear();
        crate::ssr::redirect(&self.next(next));
        Ok(())
    }
}

/// Checks a password for an account of `kind` (`customer` or `staff`) from `ip`. `candidate`
/// is the account the visitor named (`None`: no such account, which takes as long), `typed`
/// what named it. The throttle counts per account, so its email and each of its numbers share
/// one counter; a name that is no account's is counted by itself. The attempt is reserved
/// before argon2 runs ([`selfcare_store::Db::reserve_attempt`]), so parallel requests never
/// check more passwords than the limit. Answers the account's id.
///
/// # Errors
/// When the store fails.
pub async fn check_password<I: std::fmt::Display + Send + 'static>(
    kind: &str,
    typed: &str,
    ip: &str,
    now: DateTime<Utc>,
    password: String,
    candidate: impl std::future::Future<Output = Result<Option<(I, String)>, AppError>>,
) -> Result<Result<I, Refusal>, AppError> {
    let state = ssr::state()?;
    let candidate = candidate.await?;
    let account = match &candidate {
        Some((id, _)) => format!("{kind}:{id}"),
        None => format!("{kind}?{typed}"),
    };
    let attempt = match state
        .db
        .reserve_attempt(&account, &address_bucket(ip), now, state.limits)
        .await?
    {
        Ok(attempt) => attempt,
        Err(until) => {
            tracing::warn!(%ip, "sign-in throttled");
            return Ok(Err(Refusal::Throttled(wait_in_words(until, now))));
        }
    };
    // argon2 takes tens of milliseconds of CPU: keep it off the async workers.
    let verified = tokio::task::spawn_blocking(move || match candidate {
        Some((id, hash)) if verify_password(&password, &hash) => Some(id),
        Some(_) => None,
        None => {
            spend_a_verification(&password);
            None
        }
    })
    .await
    .map_err(|_| AppError::Internal)?;
    if verified.is_some() {
        state.db.attempt_succeeded(attempt).await?;
    }
    Ok(verified.ok_or(Refusal::Invalid))
}

/// A new session token, the session of `old` (a token's hash) ended: a new session id at every
/// sign-in, so a planted cookie never becomes a signed-in one.
///
/// # Errors
/// When the store fails.
pub async fn new_session(old: Option<&str>) -> Result<SessionToken, AppError> {
    if let Some(old) = old {
        ssr::state()?.db.delete_session(old).await?;
    }
    Ok(SessionToken::generate())
}
