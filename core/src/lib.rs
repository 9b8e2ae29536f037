//! purse-core: the wallet. Pure Rust; knows nothing of FFI or of any shell.
//!
//! The map of modules is in DESIGN.md: `money`, `keys`, `sign`, `api`, `cache`, `wallet`.

pub mod keys;
pub mod money;
pub mod sign;
