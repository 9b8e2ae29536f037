//! The wire types of savings: a money-market fund beside the wallet, held as shares at
//! 1 share = 1 minor unit of the account's currency. Days travel as ISO dates (UTC).

use serde::{Deserialize, Serialize};

use super::Transaction;
use crate::money::Money;
use crate::sign::SavingsAuthorization;

wire! {
    /// Moves money into or out of savings; the authorization says which and how much. The
    /// `Idempotency-Key` is the authorization's intent id.
    pub struct SavingsMoveRequest {
        pub authorization: SavingsAuthorization,
        pub authorization_signature: String,
    }

    /// A subscription or a redemption, as the backend carried it out.
    #[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
    pub struct SavingsMove {
        pub move_id: String,
        pub intent_id: String,
        pub direction: SavingsDirection,
        pub amount: Money,
        /// What moved at once: all of a subscription; of a redemption, what the day's instant
        /// cap allowed.
        pub instant: Money,
        /// The rest of a redemption: a standard redemption, in the wallet on `settles_on`.
        pub standard: Money,
        pub state: SavingsMoveState,
        /// The business day the standard part reaches the wallet.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub settles_on: Option<String>,
        /// The first day a subscription's shares earn (the day after: T+1).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub earns_from: Option<String>,
        /// The wallet's side of the move; `None` while nothing reached the wallet (a
        /// redemption that is all standard).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub transaction: Option<Transaction>,
        /// The wallet balance right after it.
        pub balance: Money,
        /// Savings right after it.
        pub savings_balance: Money,
        pub created_at: i64,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub settled_at: Option<i64>,
    }

    /// An account's savings and the fund's recent returns.
    #[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
    pub struct Savings {
        /// Shares held, as money (1 share = 1 minor unit).
        pub balance: Money,
        /// Of the balance, what came in today and earns from tomorrow.
        pub not_yet_earning: Money,
        /// Standard redemptions on their way to the wallet.
        pub redeeming: Money,
        /// Income of yesterday (zero before the first accrual, or when yesterday's is not
        /// posted yet).
        pub yesterday_income: Money,
        pub total_income: Money,
        /// What may still be redeemed instantly today, and the day's cap.
        pub instant_left: Money,
        pub instant_cap: Money,
        /// The 7-day annualized yield in millionths (`16638` is 1.6638 %); `None` until the
        /// fund has accrued seven days.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub seven_day_yield_ppm: Option<i64>,
        /// The last accrued days, newest first (up to seven).
        pub returns: Vec<FundDay>,
        /// The backend's day (UTC).
        pub today: String,
    }

    /// One accrued day of the fund.
    #[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
    pub struct FundDay {
        pub date: String,
        /// Income per 10,000 shares (万份收益) in ten-thousandths: `4521` is 0.4521.
        pub per_10k: i64,
    }

    /// The savings side of each move and each day's income, newest first.
    pub struct SavingsHistory {
        pub data: Vec<SavingsEntry>,
        pub has_more: bool,
    }

    #[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
    pub struct SavingsEntry {
        /// `savings_in`, `savings_out` or `savings_income`, signed as savings sees it; a
        /// redemption whose standard part has not landed is `pending`.
        pub transaction: Transaction,
        /// Savings right after it.
        pub balance: Money,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub settles_on: Option<String>,
    }

    /// The savings moves of an account, newest first.
    pub struct SavingsMoveList {
        pub data: Vec<SavingsMove>,
    }
}

/// Into savings (a subscription) or out of it (a redemption).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "uniffi", derive(uniffi::Enum))]
#[serde(rename_all = "snake_case")]
pub enum SavingsDirection {
    In,
    Out,
}

impl SavingsDirection {
    pub fn as_str(self) -> &'static str {
        match self {
            SavingsDirection::In => "in",
            SavingsDirection::Out => "out",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        [SavingsDirection::In, SavingsDirection::Out]
            .into_iter()
            .find(|d| d.as_str() == s)
    }
}

/// A move is `completed` once all of it arrived; a redemption with a standard part is
/// `pending` until that part lands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "uniffi", derive(uniffi::Enum))]
#[serde(rename_all = "snake_case")]
pub enum SavingsMoveState {
    Pending,
    Completed,
}

impl SavingsMoveState {
    pub fn as_str(self) -> &'static str {
        match self {
            SavingsMoveState::Pending => "pending",
            SavingsMoveState::Completed => "completed",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        [SavingsMoveState::Pending, SavingsMoveState::Completed]
            .into_iter()
            .find(|d| d.as_str() == s)
    }
}
