//! The wire types of pay codes: the customer's device obtains a secret (and its index), the
//! till charges a code the customer shows, and a charge above the customer's
//! no-confirmation limit waits for the customer's confirmation.

use serde::{Deserialize, Serialize};

use super::Transaction;
use crate::money::Money;
use crate::sign::PayCodeAuthorization;

/// The prefix of a charge's id; a customer's transaction of a pay-code charge carries the
/// charge's id as its `intent_id`.
pub const CHARGE_ID_PREFIX: &str = "pc";

/// Whether a transaction's `intent_id` is a pay-code charge's.
pub fn is_charge_id(id: &str) -> bool {
    id.strip_prefix(CHARGE_ID_PREFIX)
        .is_some_and(|rest| rest.starts_with('_'))
}

wire! {
    /// The device's pay-code secret, issued once per request (each replaces the last):
    /// the phone keeps it only wrapped by its key protector.
    #[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
    pub struct PayCodeKey {
        /// The device's index in its codes (8 digits).
        pub device_index: u32,
        /// Base64 of 32 random bytes.
        pub secret: String,
        pub issued_at: i64,
        /// Codes made after this are refused: refresh before (the wallet does when online).
        pub expires_at: i64,
    }

    /// A till charges the code the customer shows. The `Idempotency-Key` is the till's.
    pub struct ChargeRequest {
        /// The 18 digits (spaces allowed) or the QR's text.
        pub code: String,
        pub amount: Money,
        /// The merchant's own reference for the sale.
        pub reference: String,
    }

    /// A charge of a pay code, as the till and the customer see it.
    #[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
    pub struct PayCodeCharge {
        pub charge_id: String,
        pub merchant_id: String,
        pub merchant_name: String,
        pub reference: String,
        pub amount: Money,
        pub state: ChargeState,
        /// The payment's ledger transaction, once charged (the side of whoever asks).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub transaction: Option<Transaction>,
        pub created_at: i64,
        /// An awaiting charge is canceled after this.
        pub expires_at: i64,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub settled_at: Option<i64>,
    }

    /// The customer confirms a charge that waits, with the payment key.
    pub struct ConfirmChargeRequest {
        pub authorization: PayCodeAuthorization,
        pub authorization_signature: String,
    }

    /// Charges waiting for this account's confirmation.
    pub struct PayCodeChargeList {
        pub data: Vec<PayCodeCharge>,
    }

    /// The most a pay code is charged without the customer's confirmation.
    #[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
    pub struct PayCodeLimit {
        pub limit: Money,
        /// The most it may be set to.
        pub ceiling: Money,
    }
}

/// Charged (`completed`), waiting for the customer (`awaiting_confirmation`), or `canceled`
/// (the customer did not confirm within a minute, or declined).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "uniffi", derive(uniffi::Enum))]
#[serde(rename_all = "snake_case")]
pub enum ChargeState {
    Completed,
    AwaitingConfirmation,
    Canceled,
}

impl ChargeState {
    pub fn as_str(self) -> &'static str {
        match self {
            ChargeState::Completed => "completed",
            ChargeState::AwaitingConfirmation => "awaiting_confirmation",
            ChargeState::Canceled => "canceled",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        [
            ChargeState::Completed,
            ChargeState::AwaitingConfirmation,
            ChargeState::Canceled,
        ]
        .into_iter()
        .find(|c| c.as_str() == s)
    }
}
