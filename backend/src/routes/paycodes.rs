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
use purse_core::paycode::consumer::{INDEX_DIGITS, PresentedCode};

use crate::app::AppState;
use crate::auth::Authed;
use crate::idempotency::{self, Done, Key, Reply};
use crate::ids::{random_id, secret_bytes, uniform_below};
use crate::ledger::paycodes::{
    CEILING_MAJOR, ChargeDraft, ChargeRefusal, ChargeResult, ChargeRow, ConfirmRefusal,
    SecretOpener, cancel, charge, confirm, issue, limit_of,
};
use crate::ledger::rate::{self, RateLimit};
use crate::ledger::{Reads, StoreError};
use crate::problem::ApiProblem;
use crate::routes::extract::{
    SignedAuthorization, check_signed, device_cap, mismatch, overspend_problem, own_account,
    own_merchant,
};
use crate::vault::Purpose;

/// Failed charges a merchant may make a minute before it is throttled, and a device's codes
/// may take a minute before they are refused for the rest of it (README: the guessing
/// arithmetic).
pub const MERCHANT_FAILURES: RateLimit = RateLimit {
    max: 5,
    window_secs: 60,
};
pub const DEVICE_FAILURES: RateLimit = RateLimit {
    max: 10,
    window_secs: 60,
};
/// And a day: what bounds a patient guesser's odds against one device (README).
pub const DEVICE_DAILY_FAILURES: RateLimit = RateLimit {
    max: 50,
    window_secs: 86_400,
};

fn merchant_bucket(merchant_id: &str) -> String {
    format!("paycode:merchant:{merchant_id}")
}

/// The device's buckets of failed codes, with their limits.
fn device_buckets(device_id: &str) -> [(String, RateLimit); 2] {
    [
        (format!("paycode:device:{device_id}"), DEVICE_FAILURES),
        (
            format!("paycode:device-day:{device_id}"),
            DEVICE_DAILY_FAILURES,
        ),
    ]
}

fn refusal_problem(r: ChargeRefusal) -> ApiProblem {
    let p = |status, code, detail: &str| ApiProblem::new(status, code, detail.to_owned());
    match r {
        ChargeRefusal::Invalid => p(
            StatusCode::UNPROCESSABLE_ENTITY,
            codes::PAYCODE_INVALID,
            "not a pay code of now; ask the customer to show the code again",
        ),
        ChargeRefusal::Used => p(
            StatusCode::CONFLICT,
            codes::PAYCODE_USED,
            "this code was charged already; ask the customer for the next one",
        ),
        ChargeRefusal::Stale => p(
            StatusCode::UNPROCESSABLE_ENTITY,
            codes::PAYCODE_EXPIRED,
            "this code has expired; ask the customer for the code on the screen now",
        ),
        ChargeRefusal::Expired => p(
            StatusCode::UNPROCESSABLE_ENTITY,
            codes::PAYCODE_EXPIRED,
            "the customer's phone must go online to refresh its pay codes",
        ),
        ChargeRefusal::Revoked => p(
            StatusCode::UNPROCESSABLE_ENTITY,
            codes::DEVICE_REVOKED,
            "this phone was removed from its account",
        ),
        ChargeRefusal::SelfCharge => p(
            StatusCode::UNPROCESSABLE_ENTITY,
            codes::SELF_CHARGE,
            "a merchant cannot charge its own account",
        ),
        ChargeRefusal::Over(o) => overspend_problem(o, "payment"),
    }
}

/// A charge as `account_id` (the merchant's or the customer's) sees it.
fn view(r: &mut dyn Reads, c: &ChargeRow, account_id: &str) -> Result<PayCodeCharge, StoreError> {
    let merchant_name = r
        .merchant(&c.merchant_id)?
        .map(|m| m.display_name)
        .unwrap_or_default();
    let transaction = match &c.transaction_id {
        Some(id) => r.transaction_of(account_id, id)?.map(|t| t.transaction),
        None => None,
    };
    Ok(PayCodeCharge {
        charge_id: c.charge_id.clone(),
        merchant_id: c.merchant_id.clone(),
        merchant_name,
        reference: c.reference.clone(),
        amount: c.amount,
        state: c.state,
        transaction,
        created_at: c.created_at,
        expires_at: c.expires_at,
        settled_at: c.settled_at,
    })
}

/// Issues this device's pay-code secret (7 days), replacing the last; the index stays.
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
    if !req.amount.is_positive() {
        return Err(ApiProblem::bad_request("the amount must be positive"));
    }
    let reference = crate::routes::extract::shown_text("reference", &req.reference, 64)?;
    let merchant = own_merchant(&state, &auth).await?;
    if req.amount.currency != merchant.currency {
        return Err(ApiProblem::new(
            StatusCode::BAD_REQUEST,
            codes::CURRENCY_MISMATCH,
            format!("this merchant is paid in {}", merchant.currency),
        ));
    }
    let bucket = merchant_bucket(&merchant.merchant_id);
    let code = PresentedCode::parse(&req.code);
    let (wait, device_locked) = {
        let bucket = bucket.clone();
        let index = code.as_ref().ok().map(|c| c.device_index);
        state
            .store
            .read(move |r| {
                let wait = rate::full(r, &bucket, MERCHANT_FAILURES, now)?;
                let mut locked = None;
                if let Some(k) = index.map(|i| r.paycode_key(i)).transpose()?.flatten() {
                    for (bucket, limit) in device_buckets(&k.device_id) {
                        locked = locked.or(rate::full(r, &bucket, limit, now)?);
                    }
                }
                Ok((wait, locked))
            })
            .await?
    };
    if let Some(secs) = wait.or(device_locked) {
        tracing::warn!(merchant = %merchant.merchant_id, "pay-code charges throttled after failed codes");
        return Err(ApiProblem::rate_limited(secs));
    }
    let Ok(code) = code else {
        state
            .store
            .write(move |tx| rate::take(tx, &bucket, MERCHANT_FAILURES, now).map(|_| ()))
            .await?;
        return Err(refusal_problem(ChargeRefusal::Invalid));
    };
    let merchant_account = own_account(&state, &auth).await?;
    let draft = ChargeDraft {
        charge_id: random_id(purse_core::api::types::CHARGE_ID_PREFIX),
        transaction_id: random_id("tx"),
        merchant,
        merchant_account,
        code,
        amount: req.amount,
        reference,
        maxima: state.config.maxima(),
        confirm_secs: state.config.paycode_confirm_secs,
        restricted_cap: Money::from_major(state.config.recovery_cap_major, req.amount.currency)
            .unwrap_or(Money::zero(req.amount.currency)),
        now,
        secrets: {
            let vault = state.vault.clone();
            SecretOpener(std::sync::Arc::new(move |stored: &[u8]| {
                vault.open_bytes(Purpose::PayCodeSecret, stored).ok()
            }))
        },
    };
    let merchant_account_id = auth.account_id().to_owned();
    let done = idempotency::write(state.store.as_ref(), Some(key), move |tx| {
        let result = charge(tx, &draft)?;
        let reply = match &result {
            ChargeResult::Charged { charge, .. } | ChargeResult::Awaiting { charge } => {
                Reply::json(
                    StatusCode::CREATED,
                    &view(tx, charge, &merchant_account_id)?,
                )
            }
            ChargeResult::Refused { refusal, device_id } => {
                if refusal.is_failed_guess() {
                    rate::take(tx, &bucket, MERCHANT_FAILURES, now)?.ok();
                    if let Some(d) = device_id {
                        for (bucket, limit) in device_buckets(d) {
                            rate::take(tx, &bucket, limit, now)?.ok();
                        }
                    }
                }
                Reply::problem(&refusal_problem(*refusal))
            }
        };
        Ok((reply, result))
    })
    .await?;
    match &done {
        Done::Fresh(_, ChargeResult::Charged { tx, .. }) => state.ledger_moved(tx.transaction.seq),
        Done::Fresh(_, ChargeResult::Awaiting { .. }) => state.stream_moved(),
        _ => {}
    }
    Ok(done.into_response())
}

/// Cancels `c` if its minute ran out; the charge as it now stands.
async fn current(state: &AppState, c: ChargeRow) -> Result<ChargeRow, ApiProblem> {
    let now = state.now();
    if c.state == ChargeState::AwaitingConfirmation && now > c.expires_at {
        return Ok(state
            .store
            .write(move |tx| cancel(tx, c.clone(), now))
            .await?);
    }
    Ok(c)
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
