//! purse-backend: the reference hosted backend of Purse.
//!
//! A real HTTP server (axum) over a durable store, with a double-entry ledger, device-key
//! request signatures (RFC 9421), idempotent money movement and a sandbox funding
//! provider. Start it with [`start`] in-process, or with the `purse-backend` binary.
//!
//! The layers, each importing only those below it: `routes` (HTTP, one file per area) ->
//! `idempotency`, `auth`, `present` -> `ledger` (every money rule, over a transaction
//! interface) -> `store` (engines: SQLite). `app` holds what handlers share; `server`
//! starts them.

pub mod app;
pub mod auth;
pub mod billers;
pub mod cli;
pub mod clock;
pub mod console;
pub mod contacts;
pub mod fund;
pub mod funding;
pub mod idempotency;
pub mod ids;
pub mod ledger;
pub mod merchant_codes;
pub mod merchant_orders;
pub mod paycode_charges;
pub mod present;
pub mod problem;
pub mod public_address;
pub mod routes;
pub mod server;
pub mod store;
pub mod throttle;
pub mod vault;
pub mod webhooks;

pub use app::Config;
pub use server::{RunningServer, start};
