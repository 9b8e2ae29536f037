//! Charging the pay code a customer shows at the till: the checks, the throttling of failed
//! codes (per merchant and per customer device) and the write, shared by the API
//! (`routes::paycodes`) and the console's till, so each rule is written once.

use axum::http::StatusCode;
use purse_core::api::types::{ChargeState, PayCodeCharge, codes};
use purse_core::money::Money;
use purse_core::paycode::consumer::PresentedCode;

use crate::app::AppState;
use crate::idempotency::{self, Done, Key, Reply};
use crate::ids::random_id;
use crate::ledger::paycodes::{
    ChargeDraft, ChargeRefusal, ChargeResult, ChargeRow, SecretOpener, cancel, charge as settle,
};
use crate::ledger::rate::{self, RateLimit};
use crate::ledger::{AccountRow, MerchantRow, Reads, StoreError};
use crate::problem::ApiProblem;
use crate::routes::extract::{overspend_problem, shown_text};
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

pub fn refusal_problem(r: ChargeRefusal) -> ApiProblem {
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
pub fn view(
    r: &mut dyn Reads,
    c: &ChargeRow,
    account_id: &str,
) -> Result<PayCodeCharge, StoreError> {
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
/// What the till asks for: the customer's code as shown (digits or the QR's text), the
/// amount, and the shop's own reference for the sale.
pub struct Sale {
    pub code: String,
    pub amount: Money,
    pub reference: String,
}

/// Charges `sale` to the customer whose code it is, once per `key`: charged at once, or
/// waiting for the customer's confirmation (above their limit), or refused (a failed code
/// counts against the merchant and the device).
pub async fn charge(
    state: &AppState,
    merchant: MerchantRow,
    merchant_account: AccountRow,
    sale: Sale,
    key: Key,
) -> Result<Done<ChargeResult>, ApiProblem> {
    let now = state.now();
    if let Some(replayed) = key.replayed(state.store.as_ref()).await? {
        return Ok(Done::Replayed(replayed));
    }
    let req = sale;
    if !req.amount.is_positive() {
        return Err(ApiProblem::bad_request("the amount must be positive"));
    }
    let reference = shown_text("reference", &req.reference, 64)?;
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
    let merchant_account_id = draft.merchant_account.account_id.clone();
    let done = idempotency::write(state.store.as_ref(), Some(key), move |tx| {
        let result = settle(tx, &draft)?;
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
    Ok(done)
}

/// Cancels `c` if its minute ran out; the charge as it now stands.
pub async fn current(state: &AppState, c: ChargeRow) -> Result<ChargeRow, ApiProblem> {
    let now = state.now();
    if c.state == ChargeState::AwaitingConfirmation && now > c.expires_at {
        return Ok(state
            .store
            .write(move |tx| cancel(tx, c.clone(), now))
            .await?);
    }
    Ok(c)
}
