//! The demo data's sign-ins: one list that the seed writes, that both sign-in pages show (on a
//! database holding the demo data only), and that the tests sign in with. Nothing else names a
//! demo password.

use crate::auth::StaffRole;

/// Which sign-in page a demo account uses.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Door {
    /// `/login`, the customer portal.
    Customer,
    /// `/staff/login`, the staff console, with the member's role.
    Staff(StaffRole),
}

/// One demo account.
#[derive(Clone, Copy, Debug)]
pub struct DemoSignIn {
    pub email: &'static str,
    pub password: &'static str,
    /// The name a member of staff shows customers (customers' names come with their data).
    pub name: &'static str,
    /// Who this is, as the sign-in pages say it.
    pub who: &'static str,
    pub door: Door,
}

/// The password of every demo and generated customer.
pub const CUSTOMER_PASSWORD: &str = "selfcare-demo";

/// Every demo sign-in: the three customers first, then staff by rising role.
pub const SIGN_INS: [DemoSignIn; 6] = [
    DemoSignIn {
        email: "demo@example.com",
        password: CUSTOMER_PASSWORD,
        name: "",
        who: "private customer, two postpaid lines",
        door: Door::Customer,
    },
    DemoSignIn {
        email: "prepaid@example.com",
        password: CUSTOMER_PASSWORD,
        name: "",
        who: "prepaid line with credit",
        door: Door::Customer,
    },
    DemoSignIn {
        email: "business@example.com",
        password: CUSTOMER_PASSWORD,
        name: "",
        who: "business account, five lines",
        door: Door::Customer,
    },
    DemoSignIn {
        email: "agent@example.com",
        password: "selfcare-agent",
        name: "Eva Agentová",
        who: "support agent",
        door: Door::Staff(StaffRole::Agent),
    },
    DemoSignIn {
        email: "supervisor@example.com",
        password: "selfcare-supervisor",
        name: "Tomáš Vedoucí",
        who: "support supervisor",
        door: Door::Staff(StaffRole::Supervisor),
    },
    DemoSignIn {
        email: "admin@example.com",
        password: "selfcare-admin",
        name: "Alena Správcová",
        who: "admin, manages staff",
        door: Door::Staff(StaffRole::Admin),
    },
];

/// The demo customers' sign-ins.
pub fn customers() -> impl Iterator<Item = &'static DemoSignIn> {
    SIGN_INS.iter().filter(|s| s.door == Door::Customer)
}

/// The demo staff's sign-ins.
pub fn staff() -> impl Iterator<Item = &'static DemoSignIn> {
    SIGN_INS.iter().filter(|s| s.door != Door::Customer)
}

/// The password of the demo account `email` (for tests and tools; panics on an unknown one,
/// which is a mistake in the caller).
pub fn password_of(email: &str) -> &'static str {
    SIGN_INS
        .iter()
        .find(|s| s.email.eq_ignore_ascii_case(email))
        .map(|s| s.password)
        .unwrap_or_else(|| panic!("{email} is not a demo sign-in"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_role_has_one_demo_member_and_customers_share_one_password() {
        for role in [StaffRole::Agent, StaffRole::Supervisor, StaffRole::Admin] {
            assert_eq!(staff().filter(|s| s.door == Door::Staff(role)).count(), 1);
        }
        assert!(customers().all(|s| s.password == CUSTOMER_PASSWORD));
        assert_eq!(password_of("Agent@Example.com"), "selfcare-agent");
    }
}
