//! purse-ffi: the surface of purse-core that Kotlin (Android) and Swift (iOS) call, through
//! uniffi proc-macros.
//!
//! The surface is chosen, not derived: a [`Wallet`] object whose network methods are
//! `async` (Kotlin `suspend`, Swift `async`) and run on a tokio runtime the core owns; a
//! [`PreparedPayment`] that `resolve` returns and `pay` is called on; the core's own records
//! (money, quotes, payments, transactions: derived in purse-core, package `io.purse.model`
//! in Kotlin); one error enum, [`PurseError`],
//! whose variants a caller acts on differently; and foreign traits for what the platform
//! owns ([`KeyProtector`]: the biometric-gated key store; [`EventListener`],
//! [`PaymentListener`]). Long-running work (following events, watching a pending payment)
//! runs in the core and comes back as a [`TaskHandle`] that stops it when cancelled or dropped. No panic
//! crosses the boundary: every call runs inside a task whose panic becomes
//! `PurseError::Internal`.

uniffi::setup_scaffolding!();

mod bills;
mod devices;
mod error;
mod paycodes;
mod platform;
mod prepared;
mod records;
mod runtime;
mod savings;
mod task_handle;
mod wallet;
mod withdrawals;

pub use bills::{check_reference, needs_bill};
pub use devices::*;
pub use error::{ProtectorFailure, PurseError};
pub use platform::{EventListener, KeyProtector, PaymentListener};
pub use prepared::PreparedPayment;
pub use records::*;
pub use task_handle::TaskHandle;
pub use wallet::Wallet;
