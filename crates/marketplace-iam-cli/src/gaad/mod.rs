//! `--gaad`: the output of `aws iam get-account-authorization-details`, and which of its users and roles may make
//! the calls.
//!
//! - `account`: the export read, and a user or role checked ([`Account::check`]).
//! - `parallel`: the principals checked on every core, in chunks, handed on in the export's order.
//! - `report`: what is written (JSON, JSON Lines, text), principal by principal.
//! - `sarif`: the SARIF log, one result per principal not allowed, at its name in the export.
//! - `assumers`: with `--who-can-assume`, who may assume each role that may make every call.
//!
//! Memory holds the file, the shared policies and a batch of principals at a time, not the report. Principals are
//! checked twice: once to find the account's verdict (which the JSON report gives first) and to refuse a bad
//! document before anything is written, once to write each.

mod account;
mod assumers;
mod document;
mod parallel;
mod report;
mod sarif;
#[cfg(test)]
mod writer_tests;

pub(crate) use account::{Account, Session, read, text};
pub(crate) use assumers::{Question, write as write_assumers};
pub(crate) use parallel::threads;
pub(crate) use report::{survey, verdict, write_json, write_jsonl, write_text};
pub(crate) use sarif::write_sarif;
