//! purse-backend: the reference hosted backend of Purse.
//!
//! A real HTTP server (axum) over a durable store (SQLite by default, behind the [`Store`]
//! trait), with a double-entry ledger, device-key request signatures (RFC 9421), idempotent
//! money movement and a sandbox funding provider. Start it with [`start`] in-process, or
//! with the `purse-backend` binary.
//!
//! [`Store`]: store::Store

pub mod auth;
pub mod funding;
pub mod merchant_codes;
pub mod problem;
pub mod routes;
pub mod server;
pub mod store;
pub mod webhooks;

pub use server::{Config, RunningServer, start};
