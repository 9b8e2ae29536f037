//! The account, its balance and its history.

use axum::Json;
use axum::extract::{Query, State};
use purse_core::api::types::{
    Account, Balance, Transaction, TransactionKind, TransactionPage, TransactionStatus,
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
    })
}
