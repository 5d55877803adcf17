//! One module per page. Pages are server-rendered (not islands): their code never ships as WASM.

pub mod access_log;
pub mod credit;
pub mod dashboard;
pub mod invoices;
pub mod login;
pub mod not_found;
pub mod payments;
pub mod portal;
pub mod requests;
pub mod services;
pub mod staff;
pub mod usage;
pub mod verify;
