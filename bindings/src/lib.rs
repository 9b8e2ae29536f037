//! purse-ffi: the uniffi surface over purse-core. Built out in issue 5; until then it only
//! re-exports the core so that the workspace layout of DESIGN.md holds.
pub use purse_core;
