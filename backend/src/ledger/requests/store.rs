//! What the request rules store: money requests and who blocked whom.

use purse_core::api::types::RequestState;
use purse_core::money::Money;

use crate::ledger::tx::Result;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RequestRow {
    pub request_id: String,
    pub requester_account_id: String,
    pub payer_account_id: String,
    pub amount: Money,
    pub note: String,
    /// `Open`, `Paid`, `Declined` or `Cancelled` as stored; see [`RequestRow::state_at`].
    pub state: RequestState,
    pub created_at: i64,
    pub expires_at: i64,
    pub transfer_id: Option<String>,
    pub finished_at: Option<i64>,
}

impl RequestRow {
    /// An open request past its expiry is expired.
    pub fn state_at(&self, now: i64) -> RequestState {
        match self.state {
            RequestState::Open if now >= self.expires_at => RequestState::Expired,
            s => s,
        }
    }
}

pub trait RequestReads {
    fn money_request(&mut self, request_id: &str) -> Result<Option<RequestRow>>;
    /// Requests the account made (`as_payer` false) or was sent (true), newest first.
    fn money_requests(
        &mut self,
        account_id: &str,
        as_payer: bool,
        limit: u32,
    ) -> Result<Vec<RequestRow>>;
    fn is_blocked(&mut self, blocker: &str, blocked: &str) -> Result<bool>;
}

pub trait RequestWrites: RequestReads {
    fn insert_money_request(&mut self, r: &RequestRow) -> Result<()>;
    /// Writes state, transfer and end.
    fn update_money_request(&mut self, r: &RequestRow) -> Result<()>;
    fn insert_block(&mut self, blocker: &str, blocked: &str, now: i64) -> Result<()>;
}
