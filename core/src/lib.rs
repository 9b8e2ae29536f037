//! purse-core: the wallet. Pure Rust; knows nothing of any shell. With the `uniffi` feature
//! its public records carry uniffi derives, which purse-ffi exports as they are.
//!
//! The map of modules is in DESIGN.md: `money`, `keys`, `sign`, `api`, `cache`, `devices`,
//! `people`, `bills`, `calendar`, `savings`, `text`, `wallet`;
//! the scanner is the `purse-scan` crate, re-exported as `scan`.

pub mod api;
pub mod bills;
pub mod cache;
pub mod calendar;
pub mod devices;
pub mod keys;
pub mod money;
pub mod pay;
pub mod paycode;
pub mod people;
pub mod private_files;
pub mod savings;
pub mod sign;
pub mod text;
pub mod wallet;

/// The QR scanner, its own crate (`scan/`): re-exported so callers keep one import root.
pub use purse_scan as scan;

#[cfg(feature = "uniffi")]
uniffi::setup_scaffolding!();

pub use money::{Currency, Money, MoneyError};
pub use wallet::{Wallet, WalletConfig, WalletError};
