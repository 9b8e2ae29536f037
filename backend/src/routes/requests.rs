//! Money requests: ask, see the inbox, decline, cancel, block. Paying one is a transfer
//! whose authorization names it (`routes/transfers.rs`).

use axum::Json;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use purse_core::api::types::{
    BlockRequest, CreateMoneyRequest, MoneyRequest, MoneyRequestList, Problem, RequestState, codes,
};
use purse_core::people::{check_note, shown_as};
use serde::Deserialize;

use crate::app::AppState;
use crate::auth::Authed;
use crate::ids::random_id;
use crate::ledger::rate::RateLimit;
use crate::ledger::requests::{self, REQUEST_TTL_SECS, RequestRow};
use crate::ledger::{Reads, StoreError};
use crate::problem::ApiProblem;
use crate::routes::extract::{limit_attempts, own_account, recipient_of, request_problem};

/// Requests an account may make an hour.
const REQUESTS_MADE: RateLimit = RateLimit {
    max: 20,
    window_secs: 3_600,
};

fn view(r: &mut dyn Reads, row: RequestRow, now: i64) -> Result<MoneyRequest, StoreError> {
    Ok(MoneyRequest {
        requester: recipient_of(r, &row.requester_account_id)?,
        payer: recipient_of(r, &row.payer_account_id)?,
        state: row.state_at(now),
        request_id: row.request_id,
        amount: row.amount,
        note: row.note,
        created_at: row.created_at,
        expires_at: row.expires_at,
        transfer_id: row.transfer_id,
    })
}

/// How the account appears to the other side.
async fn label_of(state: &AppState, auth: &Authed) -> Result<String, ApiProblem> {
    let id = auth.account_id().to_owned();
    let (name, handle) = state
        .store
        .read(|r| {
            Ok((
                r.account(&id)?.map(|a| a.name).unwrap_or_default(),
                r.handle_of(&id)?,
            ))
        })
        .await?;
    Ok(shown_as(&name, handle.as_deref()))
}

/// Asks another account for money; it is told, and may pay or decline. Good for 7 days; at
/// most 20 an hour.
#[utoipa::path(post, path = "/v1/requests", tag = "people", request_body = CreateMoneyRequest,
    responses((status = 201, body = MoneyRequest), (status = 403, body = Problem),
        (status = 404, body = Problem), (status = 422, body = Problem), (status = 429, body = Problem)))]
pub async fn create(
    State(state): State<AppState>,
    auth: Authed,
) -> Result<(StatusCode, Json<MoneyRequest>), ApiProblem> {
    let body: CreateMoneyRequest = auth.json()?;
    let me = own_account(&state, &auth).await?;
    if body.amount.currency != me.currency || !body.amount.is_positive() {
        return Err(ApiProblem::new(
            StatusCode::BAD_REQUEST,
            codes::AMOUNT_INVALID,
            format!("ask for a positive amount in {}", me.currency),
        ));
    }
    let note = check_note(&body.note).map_err(|e| {
        ApiProblem::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            codes::NOTE_INVALID,
            format!("note {e}"),
        )
    })?;
    let payer_id = body.payer_id.clone();
    let payer = state
        .store
        .read(|r| r.account(&payer_id))
        .await?
        .ok_or_else(|| {
            ApiProblem::new(
                StatusCode::NOT_FOUND,
                codes::RECIPIENT_NOT_FOUND,
                "no such account",
            )
        })?;
    if payer.currency != me.currency {
        return Err(ApiProblem::new(
            StatusCode::BAD_REQUEST,
            codes::CURRENCY_MISMATCH,
            "both wallets must hold this currency: Purse does not exchange currencies",
        ));
    }
    limit_attempts(
        &state,
        vec![(format!("request:acct:{}", me.account_id), REQUESTS_MADE)],
    )
    .await?;
    let label = label_of(&state, &auth).await?;
    let now = state.now();
    let row = RequestRow {
        request_id: random_id("req"),
        requester_account_id: me.account_id,
        payer_account_id: payer.account_id,
        amount: body.amount,
        note,
        state: RequestState::Open,
        created_at: now,
        expires_at: now + REQUEST_TTL_SECS,
        transfer_id: None,
        finished_at: None,
    };
    let made = state
        .store
        .write(move |tx| {
            if let Err(e) = requests::create(tx, &row, &label)? {
                return Ok(Err(e));
            }
            Ok(Ok(view(tx, row.clone(), now)?))
        })
        .await?
        .map_err(request_problem)?;
    state.stream_moved();
    Ok((StatusCode::CREATED, Json(made)))
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
pub struct RequestListParams {
    /// `incoming` (asked of this account, the inbox) or `outgoing`.
    pub role: Option<String>,
}

/// The requests inbox (`role=incoming`) or the ones this account made, newest first.
#[utoipa::path(get, path = "/v1/requests", tag = "people", params(RequestListParams),
    responses((status = 200, body = MoneyRequestList), (status = 400, body = Problem)))]
pub async fn list(
    State(state): State<AppState>,
    Query(q): Query<RequestListParams>,
    auth: Authed,
) -> Result<Json<MoneyRequestList>, ApiProblem> {
    let as_payer = match q.role.as_deref().unwrap_or("incoming") {
        "incoming" => true,
        "outgoing" => false,
        _ => return Err(ApiProblem::bad_request("role is incoming or outgoing")),
    };
    let now = state.now();
    let data = state
        .store
        .read(|r| {
            let rows = r.money_requests(auth.account_id(), as_payer, 100)?;
            rows.into_iter().map(|row| view(r, row, now)).collect()
        })
        .await?;
    Ok(Json(MoneyRequestList { data }))
}

async fn end(
    state: &AppState,
    auth: &Authed,
    id: String,
    by_payer: bool,
) -> Result<Json<MoneyRequest>, ApiProblem> {
    let label = label_of(state, auth).await?;
    let (account, now) = (auth.account_id().to_owned(), state.now());
    let ended = state
        .store
        .write(
            move |tx| match requests::end(tx, &account, &id, by_payer, &label, now)? {
                Ok(row) => Ok(Ok(view(tx, row, now)?)),
                Err(e) => Ok(Err(e)),
            },
        )
        .await?
        .map_err(request_problem)?;
    state.stream_moved();
    Ok(Json(ended))
}

/// The payer declines a request; the requester is told.
#[utoipa::path(post, path = "/v1/requests/{request_id}/decline", tag = "people",
    params(("request_id" = String, Path)),
    responses((status = 200, body = MoneyRequest), (status = 404, body = Problem), (status = 409, body = Problem)))]
pub async fn decline(
    State(state): State<AppState>,
    Path(request_id): Path<String>,
    auth: Authed,
) -> Result<Json<MoneyRequest>, ApiProblem> {
    end(&state, &auth, request_id, true).await
}

/// The requester cancels a request; the payer is told.
#[utoipa::path(post, path = "/v1/requests/{request_id}/cancel", tag = "people",
    params(("request_id" = String, Path)),
    responses((status = 200, body = MoneyRequest), (status = 404, body = Problem), (status = 409, body = Problem)))]
pub async fn cancel(
    State(state): State<AppState>,
    Path(request_id): Path<String>,
    auth: Authed,
) -> Result<Json<MoneyRequest>, ApiProblem> {
    end(&state, &auth, request_id, false).await
}

/// Takes no more requests from an account; its open ones are declined.
#[utoipa::path(post, path = "/v1/blocks", tag = "people", request_body = BlockRequest,
    responses((status = 200), (status = 401, body = Problem)))]
pub async fn block(
    State(state): State<AppState>,
    auth: Authed,
) -> Result<Json<serde_json::Value>, ApiProblem> {
    let body: BlockRequest = auth.json()?;
    let label = label_of(&state, &auth).await?;
    let (me, now) = (auth.account_id().to_owned(), state.now());
    let blocked = body.account_id.clone();
    state
        .store
        .write(move |tx| requests::block(tx, &me, &body.account_id, &label, now))
        .await?;
    Ok(Json(serde_json::json!({ "blocked": blocked })))
}
