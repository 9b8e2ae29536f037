//! The account, its balance and its history.

use axum::Json;
use axum::extract::{Query, State};
use purse_core::api::types::{
    Account, Balance, Limits, SetLimitsRequest, Transaction, TransactionKind, TransactionPage,
    TransactionStatus, codes,
};
use purse_core::money::Money;
use serde::Deserialize;

use crate::auth::Authed;
use crate::problem::ApiProblem;
use crate::routes::enroll::to_account;
use crate::server::AppState;
use crate::store::{Store, StoreError, TxRow};

#[utoipa::path(get, path = "/v1/account", tag = "account",
    responses((status = 200, body = Account), (status = 401, body = purse_core::api::types::Problem)))]
pub async fn account<S: Store>(
    State(state): State<AppState<S>>,
    auth: Authed,
) -> Result<Json<Account>, ApiProblem> {
    let a = state
        .store
        .account(auth.account_id())
        .await?
        .ok_or_else(|| ApiProblem::not_found("account"))?;
    Ok(Json(to_account(&a)))
}

#[utoipa::path(get, path = "/v1/balance", tag = "account",
    responses((status = 200, body = Balance), (status = 401, body = purse_core::api::types::Problem)))]
pub async fn balance<S: Store>(
    State(state): State<AppState<S>>,
    auth: Authed,
) -> Result<Json<Balance>, ApiProblem> {
    let a = state
        .store
        .account(auth.account_id())
        .await?
        .ok_or_else(|| ApiProblem::not_found("account"))?;
    let (minor, seq) = state.store.balance(auth.account_id()).await?;
    Ok(Json(Balance {
        available: Money::new(minor, a.currency),
        as_of_seq: seq,
    }))
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
pub struct PageParams {
    /// 1 to 100; 20 when absent.
    pub limit: Option<u32>,
    /// The id of the last transaction of the previous page.
    pub starting_after: Option<String>,
}

/// The account's transactions, newest first, in cursor pages.
#[utoipa::path(get, path = "/v1/transactions", tag = "account", params(PageParams),
    responses((status = 200, body = TransactionPage), (status = 401, body = purse_core::api::types::Problem)))]
pub async fn transactions<S: Store>(
    State(state): State<AppState<S>>,
    Query(q): Query<PageParams>,
    auth: Authed,
) -> Result<Json<TransactionPage>, ApiProblem> {
    let limit = q.limit.unwrap_or(20);
    if !(1..=100).contains(&limit) {
        return Err(ApiProblem::bad_request("limit must be 1 to 100"));
    }
    let (rows, has_more) = state
        .store
        .transactions(auth.account_id(), limit, q.starting_after.as_deref())
        .await?;
    let data = rows
        .into_iter()
        .map(to_transaction)
        .collect::<Result<_, _>>()?;
    Ok(Json(TransactionPage { data, has_more }))
}

pub fn to_transaction(r: TxRow) -> Result<Transaction, StoreError> {
    Ok(Transaction {
        kind: TransactionKind::parse(&r.kind)
            .ok_or_else(|| StoreError::Corrupt(format!("transaction kind {}", r.kind)))?,
        status: TransactionStatus::parse(&r.status)
            .ok_or_else(|| StoreError::Corrupt(format!("transaction status {}", r.status)))?,
        transaction_id: r.transaction_id,
        seq: r.seq,
        amount: Money::new(r.amount, r.currency),
        counterparty: r.counterparty,
        description: r.description,
        created_at: r.created_at,
        order_id: r.order_id,
        intent_id: r.intent_id,
    })
}

async fn limits_of<S: Store>(state: &AppState<S>, account_id: &str) -> Result<Limits, ApiProblem> {
    let a = state
        .store
        .account(account_id)
        .await?
        .ok_or_else(|| ApiProblem::not_found("account"))?;
    let max_pp = AppState::<S>::major(state.config.max_per_payment_major, a.currency);
    let max_pd = AppState::<S>::major(state.config.max_per_day_major, a.currency);
    let spent = state
        .store
        .spent_on(account_id, state.now().div_euclid(86_400))
        .await?;
    let m = |minor| Money::new(minor, a.currency);
    Ok(Limits {
        per_payment: m(a.limit_per_payment.map_or(max_pp, |l| l.min(max_pp))),
        per_day: m(a.limit_per_day.map_or(max_pd, |l| l.min(max_pd))),
        max_per_payment: m(max_pp),
        max_per_day: m(max_pd),
        spent_today: m(spent),
    })
}

/// The account's spending limits and what it paid today.
#[utoipa::path(get, path = "/v1/account/limits", tag = "account",
    responses((status = 200, body = Limits)))]
pub async fn limits<S: Store>(
    State(state): State<AppState<S>>,
    auth: Authed,
) -> Result<Json<Limits>, ApiProblem> {
    Ok(Json(limits_of(&state, auth.account_id()).await?))
}

/// Sets the account's own limits, up to the backend's maxima.
#[utoipa::path(put, path = "/v1/account/limits", tag = "account", request_body = SetLimitsRequest,
    responses((status = 200, body = Limits), (status = 400, body = purse_core::api::types::Problem)))]
pub async fn set_limits<S: Store>(
    State(state): State<AppState<S>>,
    auth: Authed,
) -> Result<Json<Limits>, ApiProblem> {
    let req: SetLimitsRequest = auth.json()?;
    let current = limits_of(&state, auth.account_id()).await?;
    let check = |v: Option<Money>, max: Money, what: &str| -> Result<Option<i64>, ApiProblem> {
        match v {
            None => Ok(None),
            Some(m) if m.currency == max.currency && m.minor > 0 && m.minor <= max.minor => {
                Ok(Some(m.minor))
            }
            Some(_) => Err(ApiProblem::new(
                axum::http::StatusCode::BAD_REQUEST,
                codes::AMOUNT_INVALID,
                format!("the {what} limit must be more than zero and at most {max}"),
            )),
        }
    };
    let pp = check(req.per_payment, current.max_per_payment, "per-payment")?;
    let pd = check(req.per_day, current.max_per_day, "daily")?;
    state.store.set_limits(auth.account_id(), pp, pd).await?;
    Ok(Json(limits_of(&state, auth.account_id()).await?))
}
