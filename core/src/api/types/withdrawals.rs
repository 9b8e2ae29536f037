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

    /// A payout the shop's console asked for: money to the shop's bank account, waiting
    /// for the shop's phone to sign it as a withdrawal (a browser session moves no money
    /// by itself). The phone confirms by sending `POST /v1/withdrawals` with the payout id
    /// as the intent id, or declines it.
    #[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
    pub struct Payout {
        pub payout_id: String,
        pub source_id: String,
        /// How the bank account is shown ("Bank DE •••• 3000").
        pub bank: String,
        pub amount: Money,
        pub state: PayoutState,
        pub created_at: i64,
        /// A waiting payout not confirmed by then is `expired`.
        pub expires_at: i64,
        /// The withdrawal that carried it out, once confirmed.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub withdrawal_id: Option<String>,
    }

    pub struct PayoutList {
        pub data: Vec<Payout>,
    }
}

/// Where a payout request is: `waiting` for the phone, then `confirmed` (a withdrawal
/// carries it out), `declined` on the phone, or `expired` unanswered.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "uniffi", derive(uniffi::Enum))]
#[serde(rename_all = "snake_case")]
pub enum PayoutState {
    Waiting,
    Confirmed,
    Declined,
    Expired,
}

impl PayoutState {
    pub fn as_str(self) -> &'static str {
        match self {
            PayoutState::Waiting => "waiting",
            PayoutState::Confirmed => "confirmed",
            PayoutState::Declined => "declined",
            PayoutState::Expired => "expired",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        [
            PayoutState::Waiting,
            PayoutState::Confirmed,
            PayoutState::Declined,
            PayoutState::Expired,
        ]
        .into_iter()
        .find(|k| k.as_str() == s)
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
