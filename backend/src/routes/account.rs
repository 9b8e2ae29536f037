//! The account, its balance, its history and its spending limits.

use axum::Json;
use axum::extract::{Query, State};
use purse_core::api::types::{Account, Balance, Limits, SetLimitsRequest, TransactionPage, codes};
use purse_core::money::Money;

use crate::app::AppState;
use crate::auth::Authed;
use crate::ledger::{LedgerAccount, day_of};
use crate::present;
use crate::problem::ApiProblem;
use crate::routes::extract::{PageParams, own_account};

#[utoipa::path(get, path = "/v1/account", tag = "account",
    responses((status = 200, body = Account), (status = 401, body = purse_core::api::types::Problem)))]
pub async fn account(
    State(state): State<AppState>,
    auth: Authed,
) -> Result<Json<Account>, ApiProblem> {
    Ok(Json(present::account(&own_account(&state, &auth).await?)))
}

#[utoipa::path(get, path = "/v1/balance", tag = "account",
    responses((status = 200, body = Balance), (status = 401, body = purse_core::api::types::Problem)))]
pub async fn balance(
    State(state): State<AppState>,
    auth: Authed,
) -> Result<Json<Balance>, ApiProblem> {
    let a = own_account(&state, &auth).await?;
    let wallet = LedgerAccount::user(&a.account_id);
    let (available, as_of_seq) = state
        .store
        .read(|r| r.balance(&wallet))
        .await?
        .unwrap_or((Money::zero(a.currency), 0));
    Ok(Json(Balance {
        available,
        as_of_seq,
    }))
}

/// The account's transactions, newest first, in cursor pages.
#[utoipa::path(get, path = "/v1/transactions", tag = "account", params(PageParams),
    responses((status = 200, body = TransactionPage), (status = 401, body = purse_core::api::types::Problem)))]
pub async fn transactions(
    State(state): State<AppState>,
    Query(q): Query<PageParams>,
    auth: Authed,
) -> Result<Json<TransactionPage>, ApiProblem> {
    let limit = q.limit()?;
    let (rows, has_more) = state
        .store
        .read(|r| r.transactions(auth.account_id(), limit, q.starting_after.as_deref()))
        .await?;
    let data = rows.into_iter().map(|r| r.transaction).collect();
    Ok(Json(TransactionPage { data, has_more }))
}

async fn limits_of(state: &AppState, auth: &Authed) -> Result<Limits, ApiProblem> {
    let a = own_account(state, auth).await?;
    let today = day_of(state.now());
    let spent = state
        .store
        .read(|r| r.spent_on(&a.account_id, today))
        .await?;
    let limits = state.config.maxima().for_account(&a);
    Ok(present::limits(&limits, Money::new(spent, a.currency)))
}

/// The account's spending limits and what it paid today.
#[utoipa::path(get, path = "/v1/account/limits", tag = "account",
    responses((status = 200, body = Limits)))]
pub async fn limits(
    State(state): State<AppState>,
    auth: Authed,
) -> Result<Json<Limits>, ApiProblem> {
    Ok(Json(limits_of(&state, &auth).await?))
}

/// Sets the account's own limits, up to the backend's maxima.
#[utoipa::path(put, path = "/v1/account/limits", tag = "account", request_body = SetLimitsRequest,
    responses((status = 200, body = Limits), (status = 400, body = purse_core::api::types::Problem)))]
pub async fn set_limits(
    State(state): State<AppState>,
    auth: Authed,
) -> Result<Json<Limits>, ApiProblem> {
    let req: SetLimitsRequest = auth.json()?;
    let current = limits_of(&state, &auth).await?;
    let check = |v: Option<Money>, max: Money, what: &str| -> Result<Option<Money>, ApiProblem> {
        match v {
            None => Ok(None),
            Some(m) if m.currency == max.currency && m.minor > 0 && m.minor <= max.minor => {
                Ok(Some(m))
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
    let account_id = auth.account_id().to_owned();
    state
        .store
        .write(move |tx| tx.set_limits(&account_id, pp, pd))
        .await?;
    Ok(Json(limits_of(&state, &auth).await?))
}
