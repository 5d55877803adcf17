//! The support team at `/staff/team`: supervisors and admins see every member of staff and each
//! one's recent work; admins add members, change their roles, and disable or enable them. Each
//! change is audited with the admin as the actor (see `selfcare_store` `team.rs`); looking at a
//! colleague's work is audited too.

use leptos::prelude::*;
use selfcare::ids::CustomerId;
use selfcare::support::team::StaffAccount;
use serde::{Deserialize, Serialize};

use crate::api::Reply;
use crate::error::AppError;

/// How many of a member's latest actions their page lists.
pub const ACTIVITY_SHOWN: i64 = 100;

/// `/staff/team`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Team {
    pub members: Vec<StaffAccount>,
    /// Whether the viewer is an admin (adds and changes members).
    pub may_manage: bool,
    pub notice: Option<Reply>,
}

/// One thing a member of staff did, as their page lists it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Activity {
    /// `2026-11-30 14:05`, UTC.
    pub at: String,
    pub what: String,
    /// The customer it touched: id and name.
    pub customer: Option<(CustomerId, String)>,
    pub detail: String,
}

/// `/staff/team/:id`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Member {
    pub member: StaffAccount,
    pub activity: Vec<Activity>,
    /// Whether the viewer may change this member: an admin, and not this member.
    pub may_change: bool,
    /// Whether the viewer is this member.
    pub is_me: bool,
    pub notice: Option<Reply>,
}

/// The whole team; supervisors and admins only.
#[server(prefix = "/api/staff", endpoint = "team")]
pub async fn load_team() -> Result<Team, AppError> {
    use selfcare::auth::StaffRole;

    let me = crate::ssr::require_role(StaffRole::Supervisor)?;
    Ok(Team {
        members: crate::ssr::state()?.db.staff_accounts().await?,
        may_manage: me.has_role(StaffRole::Admin),
        notice: crate::ssr::reply::take(),
    })
}

/// One member of staff and their latest work; supervisors and admins only, and audited.
#[server(prefix = "/api/staff", endpoint = "team_member")]
pub async fn load_team_member(id: i64) -> Result<Member, AppError> {
    use selfcare::auth::StaffRole;
    use selfcare::support::team::activity_label;
    use selfcare_store::{Actor, AuditEntry};

    let me = crate::ssr::require_role(StaffRole::Supervisor)?;
    let db = crate::ssr::state()?.db;
    let Some(member) = db
        .staff_account(selfcare::ids::StaffId::trusted(id))
        .await?
    else {
        crate::ssr::set_status(404);
        return Err(AppError::NotFound);
    };
    let activity = db.staff_activity(member.id, ACTIVITY_SHOWN).await?;
    if member.id != me.staff {
        db.audit(&AuditEntry {
            at: chrono::Utc::now(),
            actor: Actor::Staff(me.staff),
            customer_id: None,
            event: selfcare::audit::Event::StaffReview(selfcare::audit::Member {
                name: member.name.clone(),
                email: member.email.clone(),
            }),
            ip: Some(crate::ssr::client_ip()),
        })
        .await?;
    }
    let is_me = member.id == me.staff;
    Ok(Member {
        activity: activity
            .into_iter()
            .map(|a| Activity {
                at: a.at.format("%Y-%m-%d %H:%M").to_string(),
                what: activity_label(&a.action).to_string(),
                detail: a.event.words(
                    a.customer
                        .as_ref()
                        .map_or(selfcare::locale::Language::En, |c| c.2),
                ),
                customer: a.customer.map(|(id, name, _)| (id, name)),
            })
            .collect(),
        may_change: me.has_role(StaffRole::Admin) && !is_me,
        is_me,
        member,
        notice: crate::ssr::reply::take(),
    })
}

/// An admin adds a member of staff with a first password, which they pass on to them.
#[server(prefix = "/api/staff", endpoint = "team_add")]
pub async fn add_team_member(
    email: String,
    name: String,
    role: String,
    password: String,
) -> Result<Reply, AppError> {
    use selfcare::auth::StaffRole;
    use selfcare::support::team::{check_staff_password, NewStaff};
    use selfcare_store::secrets::hash_password;
    use selfcare_store::Actor;

    let me = crate::ssr::require_role(StaffRole::Admin)?;
    let db = crate::ssr::state()?.db;
    let answer = |ok: bool, message: String| {
        crate::ssr::reply::answer(Reply::new(ok, message), "/staff/team")
    };
    let new = match NewStaff::parse(&email, &name, &role)
        .and_then(|new| check_staff_password(&password).map(|()| new))
    {
        Ok(new) => new,
        Err(e) => return Ok(answer(false, e.message)),
    };
    let hash = tokio::task::spawn_blocking(move || hash_password(&password))
        .await
        .map_err(|_| AppError::Internal)?;
    let now = chrono::Utc::now();
    Ok(
        match db
            .add_staff_member(
                Actor::Staff(me.staff),
                &new,
                &hash,
                now,
                Some(&crate::ssr::client_ip()),
            )
            .await?
        {
            Ok(_) => answer(
                true,
                format!(
                    "Added {} ({}) as {}. Give them the password in person or by phone.",
                    new.name,
                    new.email,
                    super::staff::role_name(new.role).to_lowercase()
                ),
            ),
            Err(refusal) => answer(false, refusal.to_string()),
        },
    )
}

/// An admin changes another member's role, or disables or enables their account. Disabling ends
/// their sessions at once.
#[server(prefix = "/api/staff", endpoint = "team_change")]
pub async fn change_team_member(
    member: i64,
    change: String,
    role: Option<String>,
) -> Result<Reply, AppError> {
    use selfcare::auth::StaffRole;
    use selfcare::support::team::TeamChange;

    let me = crate::ssr::require_role(StaffRole::Admin)?;
    let db = crate::ssr::state()?.db;
    let page = format!("/staff/team/{member}");
    let answer =
        |ok: bool, message: String| crate::ssr::reply::answer(Reply::new(ok, message), &page);
    let change = match TeamChange::parse(&change, role.as_deref()) {
        Ok(change) => change,
        Err(e) => return Ok(answer(false, e.message)),
    };
    let outcome = db
        .change_staff_member(
            me.staff,
            selfcare::ids::StaffId::trusted(member),
            change,
            chrono::Utc::now(),
            &crate::ssr::client_ip(),
        )
        .await?;
    Ok(match outcome {
        Ok((after, changed)) => {
            let state = match change {
                TeamChange::Role(StaffRole::Agent) => "an agent",
                TeamChange::Role(StaffRole::Supervisor) => "a supervisor",
                TeamChange::Role(StaffRole::Admin) => "an admin",
                TeamChange::Disable => "disabled",
                TeamChange::Enable => "enabled",
            };
            let message = if changed {
                format!("{} is now {state}.", after.name)
            } else {
                format!("{} was already {state}: nothing changed.", after.name)
            };
            answer(true, message)
        }
        Err(refusal) => answer(false, refusal.to_string()),
    })
}

/// `/staff/password`: what the page shows.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PasswordPage {
    pub notice: Option<Reply>,
}

/// The password page's state: the outcome of the last change, once.
#[server(prefix = "/api/staff", endpoint = "password_page")]
pub async fn load_password_page() -> Result<PasswordPage, AppError> {
    crate::ssr::staff()?;
    Ok(PasswordPage {
        notice: crate::ssr::reply::take(),
    })
}

/// A member of staff changes their own password: the current one first (a wrong one counts as
/// a failed sign-in, throttled alike), then the new one twice. Their other sessions end.
#[server(prefix = "/api/staff", endpoint = "password")]
pub async fn change_staff_password(
    current: String,
    new: String,
    again: String,
) -> Result<Reply, AppError> {
    use super::sign_in::{check_password, Refusal};
    use selfcare::support::team::check_staff_password;
    use selfcare_store::secrets::hash_password;

    let me = crate::ssr::staff()?;
    let state = crate::ssr::state()?;
    let answer = |ok: bool, message: String| {
        crate::ssr::reply::answer(Reply::new(ok, message), "/staff/password")
    };
    if new != again {
        return Ok(answer(
            false,
            "The new password and its repeat differ.".into(),
        ));
    }
    if let Err(e) = check_staff_password(&new) {
        return Ok(answer(false, e.message));
    }
    if new == current {
        return Ok(answer(
            false,
            "Choose a password other than the current one.".into(),
        ));
    }
    let Some(member) = state.db.active_staff(me.staff).await? else {
        return Err(AppError::Unauthorized);
    };
    let now = chrono::Utc::now();
    let ip = crate::ssr::client_ip();
    let candidate = async {
        Ok(state
            .db
            .staff_password_hash(me.staff)
            .await?
            .map(|hash| (me.staff, hash)))
    };
    match check_password("staff", &member.email, &ip, now, current, candidate).await? {
        Ok(_) => {}
        Err(Refusal::Throttled(wait)) => {
            return Ok(answer(
                false,
                format!("Too many wrong passwords. Try again in {wait}."),
            ))
        }
        Err(_) => return Ok(answer(false, "The current password is not right.".into())),
    }
    let hash = tokio::task::spawn_blocking(move || hash_password(&new))
        .await
        .map_err(|_| AppError::Internal)?;
    state
        .db
        .set_staff_password(me.staff, &hash, &me.token_hash, now, &ip)
        .await?;
    Ok(answer(
        true,
        "Your password is changed. Your other sessions have ended.".into(),
    ))
}
