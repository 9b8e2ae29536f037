//! Withdrawals to a linked bank account: hold (`POST /v1/withdrawals`, exactly once per
//! intent), look up, list; and the sandbox bank's settlement on demand.

use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use purse_core::api::types::{
    Problem, WithdrawRequest, Withdrawal, WithdrawalList, WithdrawalState, codes,
};

use crate::app::AppState;
use crate::auth::Authed;
use crate::idempotency::{self, Done, Key, Reply};
use crate::ids::random_id;
use crate::ledger::rows::TxRow;
use crate::ledger::withdrawals::payouts::PayoutMismatch;
use crate::ledger::withdrawals::{
    WithdrawalDraft, WithdrawalRefusal, WithdrawalResult, WithdrawalRow, settle, withdraw,
};
use crate::ledger::{Reads, StoreError};
use crate::present;
use crate::problem::ApiProblem;
use crate::routes::extract::{
    SignedAuthorization, check_signed, device_cap, mismatch, overspend_problem, own_account,
    payout_not_waiting,
};

fn refusal_problem(r: WithdrawalRefusal) -> ApiProblem {
    match r {
        WithdrawalRefusal::IntentUsed => ApiProblem::new(
            StatusCode::CONFLICT,
            codes::INTENT_ALREADY_USED,
            "this intent was used already; look it up by its id",
        ),
        WithdrawalRefusal::NotABank => ApiProblem::not_found("linked bank account"),
        WithdrawalRefusal::Refused => ApiProblem::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            codes::WITHDRAWAL_REFUSED,
            "the bank refused this withdrawal",
        ),
        WithdrawalRefusal::Over(o) => overspend_problem(o, "withdrawal"),
        WithdrawalRefusal::Payout(PayoutMismatch::NotWaiting) => payout_not_waiting(),
        WithdrawalRefusal::Payout(PayoutMismatch::Differs) => ApiProblem::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            codes::AUTHORIZATION_MISMATCH,
            "this withdrawal's amount or bank account differs from the payout's",
        ),
    }
}

fn view(w: &WithdrawalRow, hold: &TxRow) -> Withdrawal {
    Withdrawal {
        withdrawal_id: w.withdrawal_id.clone(),
        intent_id: w.intent_id.clone(),
        source_id: w.source_id.clone(),
        amount: w.amount,
        state: w.state,
        balance: present::balance_after(hold),
        transaction: hold.transaction.clone(),
        created_at: w.created_at,
        settled_at: w.settled_at,
    }
}

fn views(r: &mut dyn Reads, rows: Vec<WithdrawalRow>) -> Result<Vec<Withdrawal>, StoreError> {
    let mut out = Vec::with_capacity(rows.len());
    for w in rows {
        if let Some(hold) = r.transaction_of(&w.account_id, &w.transaction_id)? {
            out.push(view(&w, &hold));
        }
    }
    Ok(out)
}

/// Holds `amount` for the bank, exactly once per intent: the `Idempotency-Key` is the
/// authorization's intent id, signed by the device's payment key. The bank settles later.
#[utoipa::path(post, path = "/v1/withdrawals", tag = "funding", request_body = WithdrawRequest,
    params(("Idempotency-Key" = String, Header, description = "the intent id")),
    responses((status = 201, body = Withdrawal), (status = 402, body = Problem),
        (status = 404, body = Problem), (status = 422, body = Problem)))]
pub async fn create(State(state): State<AppState>, auth: Authed) -> Result<Response, ApiProblem> {
    let now = state.now();
    let key = Key::required(&auth, now)?;
    if let Some(replayed) = key.replayed(state.store.as_ref()).await? {
        return Ok(replayed);
    }
    let req: WithdrawRequest = auth.json()?;
    let a = &req.authorization;
    if a.source_id != req.source_id {
        return Err(mismatch("source"));
    }
    if a.amount != req.amount {
        return Err(mismatch("amount"));
    }
    check_signed(
        &auth,
        SignedAuthorization {
            intent_id: &a.intent_id,
            account_id: &a.account_id,
            expires_at: a.expires_at,
            signature: &req.authorization_signature,
            what: "withdrawal",
        },
        &key.key,
        now,
        a,
    )?;
    let account = own_account(&state, &auth).await?;
    if req.amount.currency != account.currency {
        return Err(ApiProblem::new(
            StatusCode::BAD_REQUEST,
            codes::CURRENCY_MISMATCH,
            format!("this wallet holds {}", account.currency),
        ));
    }
    let source_id = req.source_id.clone();
    let source = state
        .store
        .read(|r| r.funding_source(auth.account_id(), &source_id))
        .await?
        .ok_or_else(|| ApiProblem::not_found("linked bank account"))?;
    let draft = WithdrawalDraft {
        withdrawal_id: random_id("wd"),
        transaction_id: random_id("tx"),
        intent_id: key.key.clone(),
        source_label: present::source_label(&source),
        account,
        source,
        amount: req.amount,
        maxima: state.config.maxima(),
        device_cap: device_cap(&state, &auth, req.amount.currency, now),
        now,
    };
    let done = idempotency::write(state.store.as_ref(), Some(key), move |tx| {
        let result = withdraw(tx, &draft)?;
        let reply = match &result {
            WithdrawalResult::Held { withdrawal, tx } => {
                Reply::json(StatusCode::CREATED, &view(withdrawal, tx))
            }
            WithdrawalResult::Refused(r) => Reply::problem(&refusal_problem(*r)),
        };
        Ok((reply, result))
    })
    .await?;
    if let Done::Fresh(_, WithdrawalResult::Held { tx, .. }) = &done {
        state.ledger_moved(tx.transaction.seq);
    }
    Ok(done.into_response())
}

/// A withdrawal by its intent id.
#[utoipa::path(get, path = "/v1/withdrawals/{intent_id}", tag = "funding",
    params(("intent_id" = String, Path)),
    responses((status = 200, body = Withdrawal), (status = 404, body = Problem)))]
pub async fn get(
    State(state): State<AppState>,
    Path(intent_id): Path<String>,
    auth: Authed,
) -> Result<Json<Withdrawal>, ApiProblem> {
    let found = state
        .store
        .read(|r| {
            let rows = r
                .withdrawal(auth.account_id(), &intent_id)?
                .into_iter()
                .collect();
            views(r, rows)
        })
        .await?;
    found
        .into_iter()
        .next()
        .map(Json)
        .ok_or_else(|| ApiProblem::not_found("withdrawal"))
}

/// The account's withdrawals, newest first.
#[utoipa::path(get, path = "/v1/withdrawals", tag = "funding",
    responses((status = 200, body = WithdrawalList)))]
pub async fn list(
    State(state): State<AppState>,
    auth: Authed,
) -> Result<Json<WithdrawalList>, ApiProblem> {
    let data = state
        .store
        .read(|r| {
            let rows = r.withdrawals(auth.account_id(), 100)?;
            views(r, rows)
        })
        .await?;
    Ok(Json(WithdrawalList { data }))
}

/// Sandbox: the bank settles this account's held withdrawals now, as its trigger accounts
/// say (`...0003` returns; others pay out). Returns them all, settled.
#[utoipa::path(post, path = "/v1/sandbox/withdrawals/settle", tag = "funding",
    responses((status = 200, body = WithdrawalList)))]
pub async fn sandbox_settle(
    State(state): State<AppState>,
    auth: Authed,
) -> Result<Json<WithdrawalList>, ApiProblem> {
    let account = own_account(&state, &auth).await?;
    let now = state.now();
    let account_id = account.account_id.clone();
    let (data, newest) = state
        .store
        .write(move |tx| {
            let mut settled = Vec::new();
            let mut moved = false;
            for w in tx.withdrawals(&account_id, 100)? {
                if w.state != WithdrawalState::Pending {
                    settled.push(w);
                    continue;
                }
                let Some(source) = tx.funding_source(&account_id, &w.source_id)? else {
                    continue;
                };
                settled.push(settle(
                    tx,
                    w,
                    &source,
                    &account.name,
                    &random_id("tx"),
                    now,
                )?);
                moved = true;
            }
            // The sequence the settling reached, read in the same transaction.
            let newest = if moved { Some(tx.newest_seq()?) } else { None };
            Ok((views(tx, settled)?, newest))
        })
        .await?;
    if let Some(seq) = newest {
        state.ledger_moved(seq);
    }
    Ok(Json(WithdrawalList { data }))
}
