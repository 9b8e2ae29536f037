//! Payouts the merchant console asked for, as the shop's phone sees them: the waiting ones,
//! one by id, and declining one. Confirming is a withdrawal (`POST /v1/withdrawals`) whose
//! intent id is the payout id, signed by the payment key like any other.

use axum::Json;
use axum::extract::{Path, State};
use purse_core::api::types::{Payout, PayoutList, PayoutState, Problem};

use crate::app::AppState;
use crate::auth::Authed;
use crate::ledger::withdrawals::PayoutRow;
use crate::ledger::withdrawals::payouts::decline as decline_payout;
use crate::ledger::{Reads, StoreError};
use crate::present;
use crate::problem::ApiProblem;
use crate::routes::extract::payout_not_waiting;

/// How many of an account's newest payouts are looked at for waiting ones (a payout waits
/// ten minutes; a console asks for a few a day).
const RECENT: u32 = 50;

/// The payout as shown, `None` when its bank account is gone from the account.
pub fn view(r: &mut dyn Reads, p: PayoutRow, now: i64) -> Result<Option<Payout>, StoreError> {
    Ok(r.funding_source(&p.account_id, &p.source_id)?
        .map(|source| present::payout(p, &source, now)))
}

/// Payouts waiting for this account's phone, newest first.
#[utoipa::path(get, path = "/v1/payouts/waiting", tag = "funding",
    responses((status = 200, body = PayoutList)))]
pub async fn waiting(
    State(state): State<AppState>,
    auth: Authed,
) -> Result<Json<PayoutList>, ApiProblem> {
    let now = state.now();
    let me = auth.account_id().to_owned();
    let data = state
        .store
        .read(move |r| {
            let mut out = Vec::new();
            for p in r.payouts(&me, RECENT)? {
                if p.state_at(now) == PayoutState::Waiting
                    && let Some(v) = view(r, p, now)?
                {
                    out.push(v);
                }
            }
            Ok(out)
        })
        .await?;
    Ok(Json(PayoutList { data }))
}

async fn own_payout(
    state: &AppState,
    auth: &Authed,
    payout_id: &str,
) -> Result<PayoutRow, ApiProblem> {
    let me = auth.account_id().to_owned();
    let id = payout_id.to_owned();
    state
        .store
        .read(move |r| r.payout(&me, &id))
        .await?
        .ok_or_else(|| ApiProblem::not_found("payout"))
}

/// One payout of this account, as it stands.
#[utoipa::path(get, path = "/v1/payouts/{payout_id}", tag = "funding",
    params(("payout_id" = String, Path)),
    responses((status = 200, body = Payout), (status = 404, body = Problem)))]
pub async fn get(
    State(state): State<AppState>,
    Path(payout_id): Path<String>,
    auth: Authed,
) -> Result<Json<Payout>, ApiProblem> {
    let p = own_payout(&state, &auth, &payout_id).await?;
    let now = state.now();
    state
        .store
        .read(move |r| view(r, p, now))
        .await?
        .map(Json)
        .ok_or_else(|| ApiProblem::not_found("payout"))
}

/// The phone declines a waiting payout: nothing moves.
#[utoipa::path(post, path = "/v1/payouts/{payout_id}/decline", tag = "funding",
    params(("payout_id" = String, Path)),
    responses((status = 200, body = Payout), (status = 404, body = Problem),
        (status = 409, body = Problem)))]
pub async fn decline(
    State(state): State<AppState>,
    Path(payout_id): Path<String>,
    auth: Authed,
) -> Result<Json<Payout>, ApiProblem> {
    let now = state.now();
    let me = auth.account_id().to_owned();
    // Read again inside the write: two declines, or a decline racing the confirmation,
    // see one another.
    let shown = state
        .store
        .write(move |tx| {
            let Some(p) = tx.payout(&me, &payout_id)? else {
                return Ok(Err(ApiProblem::not_found("payout")));
            };
            match decline_payout(tx, p, now)? {
                Some(p) => Ok(view(tx, p, now)?.ok_or_else(|| ApiProblem::not_found("payout"))),
                None => Ok(Err(payout_not_waiting())),
            }
        })
        .await?;
    shown.map(Json)
}
