//! The support team: who may review staff's work and who may manage staff, and the rules for
//! adding a member of staff and changing one.
//!
//! Supervisors and admins (the roles at least supervisor) see every member of staff and what
//! each has done, from the audit log; admins alone add staff, change roles, and disable or enable an account. An admin never
//! changes their own account here: nobody locks themselves out, and as the admin making a
//! change stays one, there is always an active admin.

use std::fmt;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::audit::{Event, Member};
use crate::auth::StaffRole;
use crate::ids::StaffId;
use crate::InputError;

/// A staff password is at least this long (the `selfcare staff add` rule too).
pub const MIN_STAFF_PASSWORD: usize = 12;

/// A member of staff as the team page lists them.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct StaffAccount {
    pub id: StaffId,
    pub email: String,
    pub name: String,
    pub role: StaffRole,
    pub created_at: DateTime<Utc>,
    pub disabled_at: Option<DateTime<Utc>>,
}

/// A member of staff to add, read from the admin's form.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NewStaff {
    /// Trimmed and lower-case, as sign-in looks it up.
    pub email: String,
    /// Shown to customers in their access log.
    pub name: String,
    pub role: StaffRole,
}

impl NewStaff {
    /// # Errors
    /// The first field that can't be used, with what to do about it.
    pub fn parse(email: &str, name: &str, role: &str) -> Result<Self, InputError> {
        let email = email.trim().to_lowercase();
        let valid_email = email.len() <= 254
            && !email.chars().any(char::is_whitespace)
            && email
                .split_once('@')
                .is_some_and(|(user, domain)| !user.is_empty() && domain.contains('.'));
        if !valid_email {
            return Err(InputError::new(
                "email",
                "Enter a work email address, e.g. jana.novakova@operator.cz.",
            ));
        }
        let name = name.split_whitespace().collect::<Vec<_>>().join(" ");
        if name.is_empty() || name.chars().count() > 100 {
            return Err(InputError::new(
                "name",
                "Enter the name customers will see, up to 100 characters.",
            ));
        }
        let role = StaffRole::parse(role)
            .ok_or_else(|| InputError::new("role", "Choose agent, supervisor or admin."))?;
        Ok(Self { email, name, role })
    }
}

/// Checks a new staff password.
///
/// # Errors
/// When it is shorter than [`MIN_STAFF_PASSWORD`] characters.
pub fn check_staff_password(password: &str) -> Result<(), InputError> {
    if password.chars().count() < MIN_STAFF_PASSWORD {
        return Err(InputError::new(
            "password",
            format!("The password must have at least {MIN_STAFF_PASSWORD} characters."),
        ));
    }
    Ok(())
}

/// What an admin changes about a member of staff.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TeamChange {
    Role(StaffRole),
    Disable,
    Enable,
}

impl TeamChange {
    /// From the team page's form: `role` with a role, `disable` or `enable`.
    ///
    /// # Errors
    /// When the change or the role is not one of these.
    pub fn parse(change: &str, role: Option<&str>) -> Result<Self, InputError> {
        match change {
            "disable" => Ok(Self::Disable),
            "enable" => Ok(Self::Enable),
            "role" => role
                .and_then(StaffRole::parse)
                .map(Self::Role)
                .ok_or_else(|| InputError::new("role", "Choose agent, supervisor or admin.")),
            _ => Err(InputError::new("change", "Choose what to change.")),
        }
    }

    /// The audit log's event for the change of `member` (as they were before it).
    pub fn event(self, member: &StaffAccount) -> Event {
        let who = Member {
            name: member.name.clone(),
            email: member.email.clone(),
        };
        match self {
            Self::Role(role) => Event::StaffRole {
                member: who,
                from: member.role,
                to: role,
            },
            Self::Disable => Event::StaffDisable(who),
            Self::Enable => Event::StaffEnable(who),
        }
    }
}

/// Why a change to the team was refused; nothing was changed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TeamRefusal {
    NoSuchMember,
    EmailTaken,
    /// Admins change other accounts only.
    Yourself,
    /// The one asking is no longer an active admin (another admin changed them meanwhile).
    NoLongerAdmin,
}

impl fmt::Display for TeamRefusal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::NoSuchMember => "There is no such member of staff.",
            Self::EmailTaken => "A member of staff already has this email address.",
            Self::Yourself => "You can't change your own account here: ask another admin.",
            Self::NoLongerAdmin => "You are no longer an admin, so nothing was changed.",
        })
    }
}

/// The team page's words for what a member of staff did (an audit action).
pub fn activity_label(action: &str) -> &str {
    match action {
        "staff_search" => "Searched for a customer",
        "staff_review" => "Looked at a colleague's work",
        "staff_add" => "Added a member of staff",
        "staff_role" => "Changed a role",
        "staff_disable" => "Disabled a member of staff",
        "staff_enable" => "Enabled a member of staff",
        "sign_out" => "Signed out",
        "staff_password" => "Changed their password",
        other => crate::support::access::access_label(other).unwrap_or(other),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_new_member_needs_an_email_a_name_and_a_role() {
        let ok = NewStaff::parse("  Petr.Novak@Operator.CZ ", " Petr   Novák ", "agent").unwrap();
        assert_eq!(ok.email, "petr.novak@operator.cz");
        assert_eq!(ok.name, "Petr Novák");
        assert_eq!(ok.role, StaffRole::Agent);
        for email in [
            "",
            "petr",
            "@operator.cz",
            "petr@operator",
            "pe tr@operator.cz",
        ] {
            assert_eq!(
                NewStaff::parse(email, "Petr", "agent").unwrap_err().field,
                "email",
                "{email}"
            );
        }
        assert_eq!(
            NewStaff::parse("p@o.cz", "  ", "agent").unwrap_err().field,
            "name"
        );
        assert_eq!(
            NewStaff::parse("p@o.cz", &"x".repeat(101), "agent")
                .unwrap_err()
                .field,
            "name"
        );
        assert_eq!(
            NewStaff::parse("p@o.cz", "Petr", "boss").unwrap_err().field,
            "role"
        );
    }

    #[test]
    fn a_staff_password_has_at_least_twelve_characters() {
        assert!(check_staff_password("elevenchars").is_err());
        assert!(check_staff_password("twelve chars").is_ok());
        // Characters, not bytes.
        assert!(check_staff_password("ěščřžýáíéůúň").is_ok());
        assert!(check_staff_password("ěščřžýáíéůú").is_err());
    }

    #[test]
    fn changes_are_read_from_the_form() {
        assert_eq!(
            TeamChange::parse("role", Some("supervisor")),
            Ok(TeamChange::Role(StaffRole::Supervisor))
        );
        assert_eq!(TeamChange::parse("disable", None), Ok(TeamChange::Disable));
        assert_eq!(TeamChange::parse("enable", None), Ok(TeamChange::Enable));
        assert!(TeamChange::parse("role", None).is_err());
        assert!(TeamChange::parse("role", Some("root")).is_err());
        assert!(TeamChange::parse("delete", None).is_err());
    }

    #[test]
    fn staff_work_is_named_in_words_and_unknown_actions_as_stored() {
        assert_eq!(activity_label("staff_search"), "Searched for a customer");
        assert_eq!(activity_label("code_verified"), "Verified with a code");
        assert_eq!(activity_label("something_new"), "something_new");
    }
}
