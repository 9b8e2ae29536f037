//! What handlers take from a request besides its signature: page parameters, and the
//! signing account or merchant.

use axum::http::StatusCode;
use purse_core::api::types::codes;
use serde::Deserialize;

use crate::app::AppState;
use crate::auth::Authed;
use crate::ledger::{AccountRow, MerchantRow};
use crate::problem::ApiProblem;

#[derive(Debug, Deserialize, utoipa::IntoParams)]
pub struct PageParams {
    /// 1 to 100; 20 when absent.
    pub limit: Option<u32>,
    /// The id of the last item of the previous page.
    pub starting_after: Option<String>,
}

impl PageParams {
    pub fn limit(&self) -> Result<u32, ApiProblem> {
        let limit = self.limit.unwrap_or(20);
        if !(1..=100).contains(&limit) {
            return Err(ApiProblem::bad_request("limit must be 1 to 100"));
        }
        Ok(limit)
    }
}

/// The signing account's row.
pub async fn own_account(state: &AppState, auth: &Authed) -> Result<AccountRow, ApiProblem> {
    state
        .store
        .read(|r| r.account(auth.account_id()))
        .await?
        .ok_or_else(|| ApiProblem::not_found("account"))
}

/// The signing account's merchant profile, or `not_a_merchant`.
pub async fn own_merchant(state: &AppState, auth: &Authed) -> Result<MerchantRow, ApiProblem> {
    state
        .store
        .read(|r| r.merchant_of_account(auth.account_id()))
        .await?
        .ok_or_else(|| {
            ApiProblem::new(
                StatusCode::FORBIDDEN,
                codes::NOT_A_MERCHANT,
                "this account is not registered as a merchant",
            )
        })
}

/// Counts one attempt in each bucket (one write); `429 rate_limited` with `Retry-After` when
/// any is full.
pub async fn limit_attempts(
    state: &AppState,
    buckets: Vec<(String, crate::ledger::rate::RateLimit)>,
) -> Result<(), ApiProblem> {
    let now = state.now();
    let wait = state
        .store
        .write(move |tx| {
            let mut wait = None;
            for (bucket, limit) in &buckets {
                if let Err(secs) = crate::ledger::rate::take(tx, bucket, *limit, now)? {
                    wait = Some(wait.map_or(secs, |w: i64| w.max(secs)));
                }
            }
            Ok(wait)
        })
        .await?;
    match wait {
        Some(secs) => Err(ApiProblem::rate_limited(secs)),
        None => Ok(()),
    }
}
