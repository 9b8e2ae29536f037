//! The wire types of money between people.

use serde::{Deserialize, Serialize};

use super::{Recipient, Transaction};
use crate::money::Money;
use crate::sign::TransferAuthorization;

wire! {
    /// Sends money to a person. The `Idempotency-Key` is the authorization's intent id.
    pub struct TransferRequest {
        pub recipient_id: String,
        pub amount: Money,
        /// Up to 140 characters, shown to the recipient; no control or invisible characters.
        #[serde(default)]
        pub note: String,
        pub authorization: TransferAuthorization,
        /// Base64 of the payment key's signature over the authorization.
        pub authorization_signature: String,
    }

    /// A settled transfer, as its sender sees it.
    #[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
    pub struct Transfer {
        pub transfer_id: String,
        pub intent_id: String,
        pub recipient: Recipient,
        pub amount: Money,
        pub note: String,
        /// The sender's balance right after.
        pub balance: Money,
        /// The sender's side of the ledger transaction.
        pub transaction: Transaction,
        pub created_at: i64,
    }
}

wire! {
    /// Asks another account for money. The payer sees it and may pay it (a transfer that
    /// names it, authorized like any other) or decline it; it never moves money by itself.
    pub struct CreateMoneyRequest {
        pub payer_id: String,
        pub amount: Money,
        #[serde(default)]
        pub note: String,
    }

    #[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
    pub struct MoneyRequest {
        pub request_id: String,
        /// Who asks, and who is asked, as each side may see the other.
        pub requester: Recipient,
        pub payer: Recipient,
        pub amount: Money,
        pub note: String,
        pub state: RequestState,
        pub created_at: i64,
        pub expires_at: i64,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub transfer_id: Option<String>,
    }

    pub struct MoneyRequestList {
        pub data: Vec<MoneyRequest>,
    }

    pub struct BlockRequest {
        pub account_id: String,
    }
}

/// Where a request is. An open one past its expiry reads as `expired`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "uniffi", derive(uniffi::Enum))]
#[serde(rename_all = "snake_case")]
pub enum RequestState {
    Open,
    Paid,
    Declined,
    Cancelled,
    Expired,
}

impl RequestState {
    pub fn as_str(self) -> &'static str {
        match self {
            RequestState::Open => "open",
            RequestState::Paid => "paid",
            RequestState::Declined => "declined",
            RequestState::Cancelled => "cancelled",
            RequestState::Expired => "expired",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        [
            RequestState::Open,
            RequestState::Paid,
            RequestState::Declined,
            RequestState::Cancelled,
            RequestState::Expired,
        ]
        .into_iter()
        .find(|k| k.as_str() == s)
    }
}
