//! The store's tests, one binary with a module per feature. Each test runs on a fresh SQLite
//! database, and on a fresh PostgreSQL database too when `SELFCARE_TEST_POSTGRES` holds a server
//! URL (see [`common::for_each_engine`]).

mod common;

mod billing;
mod credit;
mod migrations;
mod portal;
mod roaming;
mod seed;
mod services;
mod staff;
mod support;
mod team;
mod usage;
