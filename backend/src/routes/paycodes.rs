//! Pay codes: a device obtains its secret (`POST /v1/paycode/key`), a till charges the code
//! its customer shows (`POST /v1/paycode/charges`, idempotent, throttled on failed
//! attempts), the customer sees charges waiting and confirms (payment key) or declines
//! them, and sets the no-confirmation limit.

use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use base64::Engine;
use base64::engine::general_purpose::STANDARD as B64;
use purse_core::api::types::{
    ChargeRequest, ChargeState, ConfirmChargeRequest, PayCodeCharge, PayCodeChargeList, PayCodeKey,
    PayCodeLimit, Problem, codes,
};
use purse_core::money::Money;
use purse_core::paycode::consumer::INDEX_DIGITS;

use crate::app::AppState;
use crate::auth::Authed;
use crate::idempotency::{self, Done, Key, Reply};
use crate::ids::{random_id, secret_bytes, uniform_below};
use crate::ledger::paycodes::{
    CEILING_MAJOR, ChargeRow, ConfirmRefusal, cancel, confirm, issue, limit_of,
};
use crate::paycode_charges::{self, Sale, current, view};
use crate::problem::ApiProblem;
use crate::routes::extract::{
    SignedAuthorization, check_signed, device_cap, mismatch, overspend_problem, own_account,
    own_merchant,
};
use crate::vault::Purpose;

#[utoipa::path(post, path = "/v1/paycode/key", tag = "paycodes",
    responses((status = 200, body = PayCodeKey)))]
pub async fn key(
    State(state): State<AppState>,
    auth: Authed,
) -> Result<Json<PayCodeKey>, ApiProblem> {
    let now = state.now();
    let device_id = auth.device.device_id.clone();
    let account_id = auth.account_id().to_owned();
    let secret = secret_bytes::<32>().to_vec();
    let sealed = state
        .vault
        .seal(Purpose::PayCodeSecret, &secret)
        .into_bytes();
    let ttl = state.config.paycode_key_ttl_secs;
    let k = state
        .store
        .write(move |tx| {
            issue(
                tx,
                &device_id,
                &account_id,
                sealed.clone(),
                &mut || uniform_below(10u32.pow(INDEX_DIGITS)),
                ttl,
                now,
            )
        })
        .await?;
    Ok(Json(PayCodeKey {
        device_index: k.device_index,
        secret: B64.encode(&secret),
        issued_at: k.issued_at,
        expires_at: k.expires_at,
    }))
}

/// Charges the code a customer shows, exactly once per `Idempotency-Key` and once per code:
/// at once within the customer's no-confirmation limit (`completed`), else
/// `awaiting_confirmation` for a minute. A merchant with too many failed codes a minute is
/// throttled (`429`).
#[utoipa::path(post, path = "/v1/paycode/charges", tag = "paycodes", request_body = ChargeRequest,
    params(("Idempotency-Key" = String, Header, description = "the till's key for this sale")),
    responses((status = 201, body = PayCodeCharge), (status = 402, body = Problem),
        (status = 409, body = Problem), (status = 422, body = Problem), (status = 429, body = Problem)))]
pub async fn create(State(state): State<AppState>, auth: Authed) -> Result<Response, ApiProblem> {
    let now = state.now();
    let key = Key::required(&auth, now)?;
    if let Some(replayed) = key.replayed(state.store.as_ref()).await? {
        return Ok(replayed);
    }
    let req: ChargeRequest = auth.json()?;
    let merchant = own_merchant(&state, &auth).await?;
    let merchant_account = own_account(&state, &auth).await?;
    let sale = Sale {
        code: req.code,
        amount: req.amount,
        reference: req.reference,
    };
    Ok(
        paycode_charges::charge(&state, merchant, merchant_account, sale, key)
            .await?
            .into_response(),
    )
}

/// One charge, for its merchant or its customer.
#[utoipa::path(get, path = "/v1/paycode/charges/{charge_id}", tag = "paycodes",
    params(("charge_id" = String, Path)),
    responses((status = 200, body = PayCodeCharge), (status = 404, body = Problem)))]
pub async fn get(
    State(state): State<AppState>,
    Path(charge_id): Path<String>,
    auth: Authed,
) -> Result<Json<PayCodeCharge>, ApiProblem> {
    let me = auth.account_id().to_owned();
    let found = state
        .store
        .read(|r| {
            let Some(c) = r.charge(&charge_id)? else {
                return Ok(None);
            };
            let mine = c.account_id == me
                || r.merchant(&c.merchant_id)?
                    .is_some_and(|m| m.account_id == me);
            Ok(mine.then_some(c))
        })
        .await?
        .ok_or_else(|| ApiProblem::not_found("charge"))?;
    let c = current(&state, found).await?;
    Ok(Json(state.store.read(|r| view(r, &c, &me)).await?))
}

/// Charges waiting for this account's confirmation, oldest first.
#[utoipa::path(get, path = "/v1/paycode/waiting", tag = "paycodes",
    responses((status = 200, body = PayCodeChargeList)))]
pub async fn waiting(
    State(state): State<AppState>,
    auth: Authed,
) -> Result<Json<PayCodeChargeList>, ApiProblem> {
    let now = state.now();
    let me = auth.account_id().to_owned();
    let data = state
        .store
        .read(|r| {
            r.charges_waiting(&me)?
                .into_iter()
                .filter(|c| c.expires_at >= now)
                .map(|c| view(r, &c, &me))
                .collect::<Result<Vec<_>, _>>()
        })
        .await?;
    Ok(Json(PayCodeChargeList { data }))
}

async fn waiting_charge(
    state: &AppState,
    auth: &Authed,
    charge_id: &str,
) -> Result<ChargeRow, ApiProblem> {
    let me = auth.account_id().to_owned();
    let id = charge_id.to_owned();
    state
        .store
        .read(move |r| Ok(r.charge(&id)?.filter(|c| c.account_id == me)))
        .await?
        .ok_or_else(|| ApiProblem::not_found("charge"))
}

fn not_waiting() -> ApiProblem {
    ApiProblem::new(
        StatusCode::CONFLICT,
        codes::CHARGE_NOT_WAITING,
        "this charge is no longer waiting for you (charged, declined, or its minute ran out)",
    )
}

/// The customer confirms a waiting charge with the payment key; the `Idempotency-Key` is
/// the charge id.
#[utoipa::path(post, path = "/v1/paycode/charges/{charge_id}/confirm", tag = "paycodes",
    request_body = ConfirmChargeRequest, params(("charge_id" = String, Path)),
    responses((status = 200, body = PayCodeCharge), (status = 402, body = Problem),
        (status = 409, body = Problem)))]
pub async fn confirm_charge(
    State(state): State<AppState>,
    Path(charge_id): Path<String>,
    auth: Authed,
) -> Result<Response, ApiProblem> {
    let now = state.now();
    let key = Key::required(&auth, now)?;
    if let Some(replayed) = key.replayed(state.store.as_ref()).await? {
        return Ok(replayed);
    }
    let req: ConfirmChargeRequest = auth.json()?;
    let a = &req.authorization;
    if a.charge_id != charge_id {
        return Err(mismatch("charge"));
    }
    check_signed(
        &auth,
        SignedAuthorization {
            intent_id: &a.charge_id,
            account_id: &a.account_id,
            expires_at: a.expires_at,
            signature: &req.authorization_signature,
            what: "payment",
        },
        &key.key,
        now,
        a,
    )?;
    let c = waiting_charge(&state, &auth, &charge_id).await?;
    if c.amount != a.amount || c.merchant_id != a.merchant_id {
        return Err(mismatch("amount"));
    }
    let payer = own_account(&state, &auth).await?;
    let maxima = state.config.maxima();
    let cap = device_cap(&state, &auth, c.amount.currency, now);
    let tx_id = random_id("tx");
    let me = payer.account_id.clone();
    let done = idempotency::write(state.store.as_ref(), Some(key), move |tx| {
        let result = confirm(tx, c.clone(), &payer, maxima, cap, &tx_id, now)?;
        let reply = match &result {
            Ok((c, _)) => Reply::json(StatusCode::OK, &view(tx, c, &me)?),
            Err(ConfirmRefusal::NotWaiting) => Reply::problem(&not_waiting()),
            Err(ConfirmRefusal::Over(o)) => Reply::problem(&overspend_problem(*o, "payment")),
        };
        Ok((reply, result))
    })
    .await?;
    if let Done::Fresh(_, Ok((_, mine))) = &done {
        state.ledger_moved(mine.transaction.seq);
    }
    Ok(done.into_response())
}

/// The customer declines a waiting charge: canceled, nothing moves.
#[utoipa::path(post, path = "/v1/paycode/charges/{charge_id}/decline", tag = "paycodes",
    params(("charge_id" = String, Path)),
    responses((status = 200, body = PayCodeCharge), (status = 409, body = Problem)))]
pub async fn decline(
    State(state): State<AppState>,
    Path(charge_id): Path<String>,
    auth: Authed,
) -> Result<Json<PayCodeCharge>, ApiProblem> {
    let c = waiting_charge(&state, &auth, &charge_id).await?;
    if c.state != ChargeState::AwaitingConfirmation {
        return Err(not_waiting());
    }
    let now = state.now();
    let me = auth.account_id().to_owned();
    let v = state
        .store
        .write(move |tx| {
            let c = cancel(tx, c.clone(), now)?;
            view(tx, &c, &me)
        })
        .await?;
    Ok(Json(v))
}

fn ceiling(currency: purse_core::money::Currency) -> Money {
    Money::from_major(CEILING_MAJOR, currency).unwrap_or(Money::zero(currency))
}

/// The most a pay code is charged without confirmation.
#[utoipa::path(get, path = "/v1/paycode/limit", tag = "paycodes",
    responses((status = 200, body = PayCodeLimit)))]
pub async fn get_limit(
    State(state): State<AppState>,
    auth: Authed,
) -> Result<Json<PayCodeLimit>, ApiProblem> {
    let account = own_account(&state, &auth).await?;
    let c = account.currency;
    let limit = state.store.write(move |tx| limit_of(tx, &account)).await?;
    Ok(Json(PayCodeLimit {
        limit,
        ceiling: ceiling(c),
    }))
}

/// Sets the no-confirmation limit (0 asks every time; at most 2,000.00).
#[utoipa::path(put, path = "/v1/paycode/limit", tag = "paycodes", request_body = Money,
    responses((status = 200, body = PayCodeLimit), (status = 422, body = Problem)))]
pub async fn set_limit(
    State(state): State<AppState>,
    auth: Authed,
) -> Result<Json<PayCodeLimit>, ApiProblem> {
    let limit: Money = auth.json()?;
    let account = own_account(&state, &auth).await?;
    let top = ceiling(account.currency);
    if limit.currency != account.currency || limit.minor < 0 || limit.minor > top.minor {
        return Err(ApiProblem::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            codes::AMOUNT_INVALID,
            format!("the limit is 0 to {top}"),
        ));
    }
    let id = account.account_id.clone();
    state
        .store
        .write(move |tx| tx.set_paycode_limit(&id, limit))
        .await?;
    Ok(Json(PayCodeLimit {
        limit,
        ceiling: top,
    }))
}
