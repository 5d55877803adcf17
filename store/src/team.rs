//! The support team: every member of staff, what each has done, an admin's changes to the
//! team, and a member's change of their own password. Each change is written with its audit
//! entry in one transaction; an admin's, on the member's row locked, and a change that is
//! already so changes nothing (a repeated post is harmless).

use chrono::{DateTime, Utc};

use super::audit::{insert_audit, read_event};
use super::{corrupt, on_db, Actor, AuditEntry, Db, Result};
use selfcare::audit::{Event, Member};
use selfcare::auth::StaffRole;
use selfcare::ids::{CustomerId, StaffId};
use selfcare::locale::Language;
use selfcare::support::team::{NewStaff, StaffAccount, TeamChange, TeamRefusal};

/// One thing a member of staff did, from the audit log.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StaffActivity {
    pub at: DateTime<Utc>,
    pub action: String,
    /// Whose data it touched, with their name and language.
    pub customer: Option<(CustomerId, String, Language)>,
    pub event: Event,
}

type AccountRow = (
    StaffId,
    String,
    String,
    String,
    DateTime<Utc>,
    Option<DateTime<Utc>>,
);

fn account((id, email, name, role, created_at, disabled_at): AccountRow) -> Option<StaffAccount> {
    Some(StaffAccount {
        id,
        email,
        name,
        role: StaffRole::parse(&role)?,
        created_at,
        disabled_at,
    })
}

const ACCOUNT_COLUMNS: &str = "id, email, name, role, created_at, disabled_at";

impl Db {
    /// Every member of staff: the active ones first, each group by name.
    pub async fn staff_accounts(&self) -> Result<Vec<StaffAccount>> {
        let sql = format!(
            "SELECT {ACCOUNT_COLUMNS} FROM staff_users \
             ORDER BY disabled_at IS NOT NULL, name, id"
        );
        let rows: Vec<AccountRow> =
            on_db!(self, |pool| sqlx::query_as(&sql).fetch_all(pool).await?);
        Ok(rows.into_iter().filter_map(account).collect())
    }

    /// One member of staff, disabled or not.
    pub async fn staff_account(&self, id: StaffId) -> Result<Option<StaffAccount>> {
        let sql = format!("SELECT {ACCOUNT_COLUMNS} FROM staff_users WHERE id = $1");
        let row: Option<AccountRow> = on_db!(self, |pool| {
            sqlx::query_as(&sql).bind(id).fetch_optional(pool).await?
        });
        Ok(row.and_then(account))
    }

    /// What a member of staff did, newest first: their searches, verifications, the customers'
    /// pages they looked at and the changes they made.
    pub async fn staff_activity(&self, member: StaffId, limit: i64) -> Result<Vec<StaffActivity>> {
        type Row = (
            DateTime<Utc>,
            String,
            Option<CustomerId>,
            Option<String>,
            Option<String>,
            String,
        );
        let rows: Vec<Row> = on_db!(self, |pool| {
            sqlx::query_as(
                "SELECT a.at, a.action, a.customer_id, c.name, c.language, a.detail \
                 FROM audit_log a LEFT JOIN customers c ON c.id = a.customer_id \
                 WHERE a.actor_kind = 'staff' AND a.actor_id = $1 \
                 ORDER BY a.at DESC, a.id DESC LIMIT $2",
            )
            .bind(member)
            .bind(limit)
            .fetch_all(pool)
            .await?
        });
        rows.into_iter()
            .map(|(at, action, id, name, language, detail)| {
                let customer = match (id, name, language) {
                    (Some(id), Some(name), Some(language)) => Some((
                        id,
                        name,
                        Language::from_code(&language).ok_or_else(|| corrupt("language"))?,
                    )),
                    _ => None,
                };
                Ok(StaffActivity {
                    at,
                    action,
                    customer,
                    event: read_event(&detail)?,
                })
            })
            .collect()
    }

    /// Adds a member of staff, audited with who added them: an admin on the team page, or
    /// [`Actor::System`] for `selfcare staff add`.
    pub async fn add_staff_member(
        &self,
        by: Actor,
        new: &NewStaff,
        password_hash: &str,
        now: DateTime<Utc>,
        ip: Option<&str>,
    ) -> Result<std::result::Result<StaffId, TeamRefusal>> {
        let entry = AuditEntry {
            at: now,
            actor: by,
            customer_id: None,
            event: Event::StaffAdd {
                member: Member {
                    name: new.name.clone(),
                    email: new.email.clone(),
                },
                role: new.role,
            },
            ip: ip.map(str::to_string),
        };
        let id: Option<StaffId> = on_db!(self, |pool| {
            let mut tx = pool.begin().await?;
            let id = sqlx::query_scalar(
                "INSERT INTO staff_users (email, name, role, password_hash, created_at) \
                 VALUES ($1, $2, $3, $4, $5) ON CONFLICT (email) DO NOTHING RETURNING id",
            )
            .bind(&new.email)
            .bind(&new.name)
            .bind(new.role.as_str())
            .bind(password_hash)
            .bind(now)
            .fetch_optional(&mut *tx)
            .await?;
            if id.is_some() {
                insert_audit(&mut *tx, &entry).await?;
                tx.commit().await?;
            }
            id
        });
        Ok(id.ok_or(TeamRefusal::EmailTaken))
    }

    /// An admin changes another member of staff. Answers the member as they are now, and
    /// whether anything changed; disabling also ends the member's sessions.
    pub async fn change_staff_member(
        &self,
        admin: StaffId,
        member: StaffId,
        change: TeamChange,
        now: DateTime<Utc>,
        ip: &str,
    ) -> Result<std::result::Result<(StaffAccount, bool), TeamRefusal>> {
        if member == admin {
            return Ok(Err(TeamRefusal::Yourself));
        }
        let select = format!("SELECT {ACCOUNT_COLUMNS} FROM staff_users WHERE id = $1");
        // Every admin's row and the member's are locked before anything is read, so two admins
        // changing each other run in turn, and the second finds it is no longer an admin: there
        // is always an active admin left (the one whose change went through). PostgreSQL locks
        // the rows in id order (no deadlock between two such changes); SQLite's first write
        // takes the database's one write lock.
        let lock = match self {
            Db::Postgres(_) => {
                "SELECT id FROM staff_users WHERE role = 'admin' OR id = $1 ORDER BY id FOR UPDATE"
            }
            Db::Sqlite(_) => "UPDATE staff_users SET role = role WHERE id = $1",
        };
        Ok(on_db!(self, |pool| {
            let mut tx = pool.begin().await?;
            sqlx::query(lock).bind(member).execute(&mut *tx).await?;
            let still_admin: Option<i64> = sqlx::query_scalar(
                "SELECT id FROM staff_users WHERE id = $1 AND role = 'admin' AND disabled_at IS NULL",
            )
            .bind(admin)
            .fetch_optional(&mut *tx)
            .await?;
            if still_admin.is_none() {
                tx.rollback().await?;
                return Ok(Err(TeamRefusal::NoLongerAdmin));
            }
            let row: Option<AccountRow> = sqlx::query_as(&select)
                .bind(member)
                .fetch_optional(&mut *tx)
                .await?;
            match row.and_then(account) {
                None => Err(TeamRefusal::NoSuchMember),
                Some(before) => {
                    let mut after = before.clone();
                    match change {
                        TeamChange::Role(role) => after.role = role,
                        TeamChange::Disable => {
                            after.disabled_at = before.disabled_at.or(Some(now));
                        }
                        TeamChange::Enable => after.disabled_at = None,
                    }
                    let changed = after != before;
                    if changed {
                        sqlx::query(
                            "UPDATE staff_users SET role = $2, disabled_at = $3 WHERE id = $1",
                        )
                        .bind(member)
                        .bind(after.role.as_str())
                        .bind(after.disabled_at)
                        .execute(&mut *tx)
                        .await?;
                        if change == TeamChange::Disable {
                            sqlx::query("DELETE FROM sessions WHERE staff_id = $1")
                                .bind(member)
                                .execute(&mut *tx)
                                .await?;
                        }
                        let entry = AuditEntry {
                            at: now,
                            actor: Actor::Staff(admin),
                            customer_id: None,
                            event: change.event(&before),
                            ip: Some(ip.to_string()),
                        };
                        insert_audit(&mut *tx, &entry).await?;
                    }
                    tx.commit().await?;
                    Ok((after, changed))
                }
            }
        }))
    }

    /// A member of staff's password hash, unless they are disabled.
    pub async fn staff_password_hash(&self, id: StaffId) -> Result<Option<String>> {
        Ok(on_db!(self, |pool| {
            sqlx::query_scalar(
                "SELECT password_hash FROM staff_users WHERE id = $1 AND disabled_at IS NULL",
            )
            .bind(id)
            .fetch_optional(pool)
            .await?
        }))
    }

    /// A member of staff sets a new password (its hash). Their other sessions end, so a session
    /// opened with the old password does not outlive it; the one in `keep` (a token's hash, the
    /// session they changed it in) stays. Audited, in one transaction.
    pub async fn set_staff_password(
        &self,
        id: StaffId,
        password_hash: &str,
        keep: &str,
        now: DateTime<Utc>,
        ip: &str,
    ) -> Result<()> {
        let entry = AuditEntry {
            at: now,
            actor: Actor::Staff(id),
            customer_id: None,
            event: Event::StaffPassword,
            ip: Some(ip.to_string()),
        };
        on_db!(self, |pool| {
            let mut tx = pool.begin().await?;
            sqlx::query("UPDATE staff_users SET password_hash = $2 WHERE id = $1")
                .bind(id)
                .bind(password_hash)
                .execute(&mut *tx)
                .await?;
            sqlx::query("DELETE FROM sessions WHERE staff_id = $1 AND token_hash <> $2")
                .bind(id)
                .bind(keep)
                .execute(&mut *tx)
                .await?;
            // The session kept is now one of the new password's.
            sqlx::query("UPDATE sessions SET credential = $2 WHERE token_hash = $1")
                .bind(keep)
                .bind(crate::secrets::credential_fingerprint(password_hash))
                .execute(&mut *tx)
                .await?;
            insert_audit(&mut *tx, &entry).await?;
            tx.commit().await?;
        });
        Ok(())
    }
}
