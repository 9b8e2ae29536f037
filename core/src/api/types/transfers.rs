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
