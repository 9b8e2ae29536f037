//! Paying merchants: a quote for a scanned code, the payment itself, and a payment's state
//! by intent (how a wallet reconciles an intent whose answer it never got).

use axum::Json;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use base64::Engine;
use base64::engine::general_purpose::STANDARD as B64;
use purse_core::api::types::{Payment, PaymentRequest, Problem, Quote, codes};
use purse_core::keys::PublicKey;
use purse_core::money::Money;
use serde::Deserialize;

use crate::auth::Authed;
use crate::problem::ApiProblem;
use crate::routes::account::to_transaction;
use crate::routes::merchants::to_order;
use crate::routes::random_id;
use crate::routes::topups::{
    key_reused, replay, request_hash, require_idempotency_key, stored_response,
};
use crate::server::AppState;
use crate::store::{
    Answer, IdempotencyScope, Idempotent, MerchantRow, PayRefusal, PayResult, PaymentDraft, Store,
    TxRow,
};

/// The longest an authorization may be valid for: it bounds how long a lost request can
/// still be replayed into a payment.
pub const MAX_AUTHORIZATION_SECS: i64 = 3600;

#[derive(Debug, Deserialize, utoipa::IntoParams)]
pub struct QuoteParams {
    pub merchant_id: String,
    pub order_id: Option<String>,
}

/// What the payer is about to pay, from the backend's records: the merchant's verified name,
/// and for an order its amount and expiry. A paid, closed or expired order is refused here
/// already, before the payer confirms.
#[utoipa::path(get, path = "/v1/quote", tag = "payments", params(QuoteParams),
    responses((status = 200, body = Quote), (status = 404, body = Problem), (status = 409, body = Problem)))]
pub async fn quote<S: Store>(
    State(state): State<AppState<S>>,
    Query(q): Query<QuoteParams>,
    _auth: Authed,
) -> Result<Json<Quote>, ApiProblem> {
    let m = state
        .store
        .merchant(&q.merchant_id)
        .await?
        .ok_or_else(|| ApiProblem::not_found("merchant"))?;
    let mut quote = Quote {
        merchant_id: m.merchant_id.clone(),
        merchant_name: m.display_name.clone(),
        city: m.city.clone(),
        currency: m.currency,
        order_id: None,
        amount: None,
        description: String::new(),
        expires_at: None,
    };
    if let Some(order_id) = &q.order_id {
        let o = state
            .store
            .order(order_id)
            .await?
            .filter(|o| o.merchant_id == m.merchant_id && o.kind == "dynamic")
            .ok_or_else(|| ApiProblem::not_found("order"))?;
        let now = state.now();
        if let Some(p) = order_problem(&o.state, o.state_at(now)) {
            return Err(p);
        }
        quote.order_id = Some(o.order_id);
        quote.amount = Some(Money::new(o.amount, o.currency));
        quote.description = o.description;
        quote.expires_at = Some(o.expires_at);
    }
    Ok(Json(quote))
}

fn order_problem(stored: &str, now_state: &str) -> Option<ApiProblem> {
    match (stored, now_state) {
        ("paid" | "refunded", _) => Some(refusal_problem(&PayRefusal::OrderPaid, None)),
        ("closed", _) => Some(refusal_problem(&PayRefusal::OrderClosed, None)),
        (_, "closed") => Some(refusal_problem(&PayRefusal::OrderExpired, None)),
        _ => None,
    }
}

fn refusal_problem(r: &PayRefusal, currency: Option<purse_core::money::Currency>) -> ApiProblem {
    let money = |minor: i64| match currency {
        Some(c) => Money::new(minor, c).to_string(),
        None => minor.to_string(),
    };
    let (status, code, detail) = match r {
        PayRefusal::OrderNotFound => return ApiProblem::not_found("order"),
        PayRefusal::OrderPaid => (
            StatusCode::CONFLICT,
            codes::ORDER_ALREADY_PAID,
            "this order has been paid already".to_owned(),
        ),
        PayRefusal::OrderClosed => (
            StatusCode::CONFLICT,
            codes::ORDER_CLOSED,
            "the merchant closed this order".to_owned(),
        ),
        PayRefusal::OrderExpired => (
            StatusCode::CONFLICT,
            codes::ORDER_EXPIRED,
            "this order has expired; ask the merchant for a new code".to_owned(),
        ),
        PayRefusal::AmountMismatch { expected } => (
            StatusCode::UNPROCESSABLE_ENTITY,
            codes::AMOUNT_MISMATCH,
            format!("this order is for {}", money(*expected)),
        ),
        PayRefusal::IntentUsed => (
            StatusCode::CONFLICT,
            codes::INTENT_ALREADY_USED,
            "this intent was paid already; look it up by its id".to_owned(),
        ),
        PayRefusal::LimitPerPayment { limit } => (
            StatusCode::UNPROCESSABLE_ENTITY,
            codes::LIMIT_PER_PAYMENT,
            format!("a single payment may be at most {}", money(*limit)),
        ),
        PayRefusal::LimitPerDay { limit, spent } => (
            StatusCode::UNPROCESSABLE_ENTITY,
            codes::LIMIT_PER_DAY,
            format!(
                "the daily limit is {}; {} paid today already",
                money(*limit),
                money(*spent)
            ),
        ),
        PayRefusal::InsufficientFunds => (
            StatusCode::PAYMENT_REQUIRED,
            codes::INSUFFICIENT_FUNDS,
            "the balance is too low for this payment".to_owned(),
        ),
    };
    ApiProblem::new(status, code, detail)
}

fn mismatch(field: &str) -> ApiProblem {
    ApiProblem::new(
        StatusCode::UNPROCESSABLE_ENTITY,
        codes::AUTHORIZATION_MISMATCH,
        format!("the authorization's {field} differs from the request's"),
    )
}

/// Checks the payment authorization against the request and verifies it with the payment
/// key registered for the signing device.
fn check_authorization(
    auth: &Authed,
    req: &PaymentRequest,
    key: &str,
    now: i64,
) -> Result<(), ApiProblem> {
    let a = &req.authorization;
    if a.intent_id != key {
        return Err(ApiProblem::bad_request(
            "Idempotency-Key must be the authorization's intent_id",
        ));
    }
    if a.account_id != auth.account_id() {
        return Err(mismatch("account"));
    }
    if a.payee_id != req.payee_id {
        return Err(mismatch("payee"));
    }
    if a.order_id != req.order_id {
        return Err(mismatch("order"));
    }
    if a.amount != req.amount {
        return Err(mismatch("amount"));
    }
    let invalid = |detail: &str| {
        ApiProblem::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            codes::AUTHORIZATION_INVALID,
            detail.to_owned(),
        )
    };
    if a.expires_at > now + MAX_AUTHORIZATION_SECS {
        return Err(invalid("the authorization is valid for too long"));
    }
    if a.expires_at < now {
        return Err(ApiProblem::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            codes::AUTHORIZATION_EXPIRED,
            "the payment authorization has expired; confirm the payment again",
        ));
    }
    let sig = B64
        .decode(&req.authorization_signature)
        .map_err(|_| invalid("authorization_signature is not base64"))?;
    let key =
        PublicKey::from_base64(&auth.device.payment_public_key).map_err(ApiProblem::internal)?;
    if !a.verify(&sig, &key) {
        return Err(invalid(
            "the authorization is not signed by this device's payment key",
        ));
    }
    Ok(())
}

pub fn to_payment(
    merchant: &MerchantRow,
    intent_id: &str,
    payment_id: &str,
    order_id: &str,
    tx: TxRow,
) -> Result<Payment, crate::store::StoreError> {
    let balance = Money::new(tx.balance_after.unwrap_or(0), tx.currency);
    let amount = Money::new(-tx.amount, tx.currency);
    let created_at = tx.created_at;
    Ok(Payment {
        payment_id: payment_id.to_owned(),
        intent_id: intent_id.to_owned(),
        merchant_id: merchant.merchant_id.clone(),
        merchant_name: merchant.display_name.clone(),
        order_id: order_id.to_owned(),
        amount,
        transaction: to_transaction(tx)?,
        balance,
        created_at,
    })
}

/// Pays a merchant, exactly once per intent. The request must carry an `Idempotency-Key`
/// equal to the authorization's intent id; the authorization must match the request and be
/// signed by the signing device's payment key. The first answer, success or refusal, is
/// stored and replayed for every repeat. The merchant gets `order.paid`.
#[utoipa::path(post, path = "/v1/payments", tag = "payments", request_body = PaymentRequest,
    params(("Idempotency-Key" = String, Header, description = "the intent id")),
    responses((status = 201, body = Payment), (status = 402, body = Problem),
        (status = 409, body = Problem), (status = 422, body = Problem)))]
pub async fn pay<S: Store>(
    State(state): State<AppState<S>>,
    auth: Authed,
) -> Result<Response, ApiProblem> {
    let key = require_idempotency_key(&auth)?;
    let hash = request_hash(&auth);
    if let Some(prior) = state
        .store
        .idempotent_response(auth.account_id(), &key)
        .await?
    {
        return replay(prior, &hash);
    }
    let req: PaymentRequest = auth.json()?;
    let now = state.now();
    check_authorization(&auth, &req, &key, now)?;
    let merchant = state
        .store
        .merchant(&req.payee_id)
        .await?
        .ok_or_else(|| ApiProblem::not_found("merchant"))?;
    if merchant.account_id == auth.account_id() {
        return Err(ApiProblem::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            codes::SELF_PAYMENT,
            "a merchant cannot pay itself",
        ));
    }
    if req.amount.currency != merchant.currency {
        return Err(ApiProblem::new(
            StatusCode::BAD_REQUEST,
            codes::CURRENCY_MISMATCH,
            format!("this merchant takes {}", merchant.currency),
        ));
    }
    let payer = state
        .store
        .account(auth.account_id())
        .await?
        .ok_or_else(|| ApiProblem::not_found("account"))?;
    if payer.currency != merchant.currency {
        return Err(ApiProblem::new(
            StatusCode::BAD_REQUEST,
            codes::CURRENCY_MISMATCH,
            format!("this wallet holds {}", payer.currency),
        ));
    }
    let currency = merchant.currency;
    let draft = PaymentDraft {
        scope: IdempotencyScope {
            account_id: auth.account_id().to_owned(),
            key: key.clone(),
            request_hash: hash,
            now,
        },
        payment_id: random_id("pay"),
        transaction_id: random_id("tx"),
        message_id: random_id("msg"),
        intent_id: key,
        payer,
        merchant: merchant.clone(),
        order_id: req.order_id.clone(),
        static_order_id: random_id("ord"),
        amount: req.amount.minor,
        description: String::new(),
        max_per_payment: AppState::<S>::major(state.config.max_per_payment_major, currency),
        max_per_day: AppState::<S>::major(state.config.max_per_day_major, currency),
    };
    let outcome = state
        .store
        .pay(draft, move |result| match result {
            PayResult::Refused(r) => {
                let p = refusal_problem(r, Some(currency));
                Answer {
                    status: p.status.as_u16(),
                    body: serde_json::to_string(&p.to_problem()).unwrap_or_default(),
                    webhook: None,
                }
            }
            PayResult::Paid {
                payment,
                order,
                payer_tx,
            } => {
                let (payment, order) = match (
                    to_payment(
                        &merchant,
                        &payment.intent_id,
                        &payment.payment_id,
                        &payment.order_id,
                        payer_tx.clone(),
                    ),
                    to_order(order, now),
                ) {
                    (Ok(p), Ok(o)) => (p, o),
                    _ => return Answer::internal(),
                };
                Answer {
                    status: 201,
                    body: serde_json::to_string(&payment).unwrap_or_default(),
                    webhook: Some((
                        "order.paid".into(),
                        crate::webhooks::envelope("order.paid", now, &order),
                    )),
                }
            }
        })
        .await?;
    match outcome {
        Idempotent::Fresh(result, stored) => {
            if let PayResult::Paid { payer_tx, .. } = &result {
                state.ledger_moved(payer_tx.seq);
                state.webhooks.notify_one();
            }
            Ok(stored_response(stored, false))
        }
        Idempotent::Replayed(stored) => Ok(stored_response(stored, true)),
        Idempotent::KeyReused => Err(key_reused()),
    }
}

/// The payment made for an intent of this account: 404 when there is none. After an intent
/// has been refused or has expired, a 404 here is final.
#[utoipa::path(get, path = "/v1/payments/{intent_id}", tag = "payments",
    params(("intent_id" = String, Path)), responses((status = 200, body = Payment), (status = 404, body = Problem)))]
pub async fn get_payment<S: Store>(
    State(state): State<AppState<S>>,
    Path(intent_id): Path<String>,
    auth: Authed,
) -> Result<Json<Payment>, ApiProblem> {
    let p = state
        .store
        .payment(auth.account_id(), &intent_id)
        .await?
        .ok_or_else(|| ApiProblem::not_found("payment"))?;
    let merchant = state
        .store
        .merchant(&p.merchant_id)
        .await?
        .ok_or_else(|| ApiProblem::internal("payment without merchant"))?;
    let tx = state
        .store
        .transaction_of(auth.account_id(), &p.transaction_id)
        .await?
        .ok_or_else(|| ApiProblem::internal("payment without transaction"))?;
    Ok(Json(to_payment(
        &merchant,
        &p.intent_id,
        &p.payment_id,
        &p.order_id,
        tx,
    )?))
}
