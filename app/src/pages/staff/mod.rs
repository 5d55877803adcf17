//! The staff side, under `/staff`: signing in, and the console. Every page but the sign-in page
//! is framed by [`frame::StaffFrame`], whose header (name, role, sign-out) is deliberately
//! unlike the customer portal's, so nobody mistakes one for the other.

pub mod console;
pub mod customer;
pub mod frame;
pub mod login;
pub mod team;
