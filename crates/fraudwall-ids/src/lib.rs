//! Identifiers that fraud travels through: phone numbers and number ranges, URLs and their
//! Safe Browsing expressions, domains, IP addresses, bank cards and accounts, apps and
//! social-media ids, SMS sender ids.
//!
//! Every kind has a parser that normalizes messy input, a compact key for hot-path lookups, and
//! an error type whose variants carry stable snake_case codes (see [`ErrorCode`]).
//!
//! This crate is pure: no IO, no threads, no async, and no panics on any input.

pub mod account;
pub mod app;
pub mod domain;
pub mod ip;
pub mod phone;
pub mod range;
pub mod sender;
pub mod social;
pub mod url;

/// A stable, machine-readable error code (snake_case) that clients may match on.
pub trait ErrorCode {
    fn code(&self) -> &'static str;
}
