//! The wire types of withdrawals to a linked bank account.

use serde::{Deserialize, Serialize};

use super::Transaction;
use crate::money::Money;
use crate::sign::WithdrawalAuthorization;

wire! {
    /// Moves money to a linked bank account. The `Idempotency-Key` is the authorization's
    /// intent id. The amount is held at once; the bank settles it later.
    pub struct WithdrawRequest {
        pub source_id: String,
        pub amount: Money,
        pub authorization: WithdrawalAuthorization,
        pub authorization_signature: String,
    }

    #[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
    pub struct Withdrawal {
        pub withdrawal_id: String,
        pub intent_id: String,
        pub source_id: String,
        pub amount: Money,
        pub state: WithdrawalState,
        /// The balance right after the hold.
        pub balance: Money,
        /// The hold's ledger transaction.
        pub transaction: Transaction,
        pub created_at: i64,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub settled_at: Option<i64>,
    }

    pub struct WithdrawalList {
        pub data: Vec<Withdrawal>,
    }
}

/// Where a withdrawal is: held (`pending`) until the bank settles it as `completed`, or
/// `returned` (the held money comes back).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "uniffi", derive(uniffi::Enum))]
#[serde(rename_all = "snake_case")]
pub enum WithdrawalState {
    Pending,
    Completed,
    Returned,
}

impl WithdrawalState {
    pub fn as_str(self) -> &'static str {
        match self {
            WithdrawalState::Pending => "pending",
            WithdrawalState::Completed => "completed",
            WithdrawalState::Returned => "returned",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        [
            WithdrawalState::Pending,
            WithdrawalState::Completed,
            WithdrawalState::Returned,
        ]
        .into_iter()
        .find(|k| k.as_str() == s)
    }
}
