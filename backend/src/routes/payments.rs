//! Paying merchants: a quote for a scanned code, the payment itself, and a payment's state
//! by intent (how a wallet reconciles an intent whose answer it never got).

use axum::Json;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use purse_core::api::types::{Payment, PaymentRequest, Problem, Quote, codes};
use serde::Deserialize;

use crate::app::AppState;
use crate::auth::Authed;
use crate::idempotency::{self, Done, Key, Reply};
use crate::ids::random_id;
use crate::ledger::OrderKind;
use crate::ledger::payments::{PayRefusal, PayResult, PaymentDraft, pay as settle};
use crate::present;
use crate::problem::ApiProblem;
use crate::routes::extract::{
    SignedAuthorization, check_signed, device_cap, mismatch, overspend_problem, own_account,
};
use crate::webhooks;

/// The longest an authorization may be valid for: it bounds how long a lost request can
/// still be replayed into a payment.

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
pub async fn quote(
    State(state): State<AppState>,
    Query(q): Query<QuoteParams>,
    _auth: Authed,
) -> Result<Json<Quote>, ApiProblem> {
    let m = state
        .store
        .read(|r| r.merchant(&q.merchant_id))
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
            .read(|r| r.order(order_id))
            .await?
            .filter(|o| o.merchant_id == m.merchant_id && o.kind == OrderKind::Dynamic)
            .ok_or_else(|| ApiProblem::not_found("order"))?;
        if let Err(n) = o.payable_at(state.now()) {
            return Err(refusal_problem(&n.into()));
        }
        quote.order_id = Some(o.order_id);
        quote.amount = Some(o.amount);
        quote.description = o.description;
        quote.expires_at = Some(o.expires_at);
    }
    Ok(Json(quote))
}

fn refusal_problem(r: &PayRefusal) -> ApiProblem {
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
            format!("this order is for {}", expected),
        ),
        PayRefusal::IntentUsed => (
            StatusCode::CONFLICT,
            codes::INTENT_ALREADY_USED,
            "this intent was paid already; look it up by its id".to_owned(),
        ),
        PayRefusal::Over(o) => return overspend_problem(*o, "payment"),
    };
    ApiProblem::new(status, code, detail)
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
    if a.payee_id != req.payee_id {
        return Err(mismatch("payee"));
    }
    if a.order_id != req.order_id {
        return Err(mismatch("order"));
    }
    if a.amount != req.amount {
        return Err(mismatch("amount"));
    }
    check_signed(
        auth,
        SignedAuthorization {
            intent_id: &a.intent_id,
            account_id: &a.account_id,
            expires_at: a.expires_at,
            signature: &req.authorization_signature,
            what: "payment",
        },
        key,
        now,
        a,
    )
}

/// Pays a merchant, exactly once per intent. The request must carry an `Idempotency-Key`
/// equal to the authorization's intent id; the authorization must match the request and be
/// signed by the signing device's payment key. The first answer, success or refusal, is
/// stored and replayed for every repeat. The merchant gets `order.paid`.
#[utoipa::path(post, path = "/v1/payments", tag = "payments", request_body = PaymentRequest,
    params(("Idempotency-Key" = String, Header, description = "the intent id")),
    responses((status = 201, body = Payment), (status = 402, body = Problem),
        (status = 409, body = Problem), (status = 422, body = Problem)))]
pub async fn pay(State(state): State<AppState>, auth: Authed) -> Result<Response, ApiProblem> {
    let now = state.now();
    let key = Key::required(&auth, now)?;
    if let Some(replayed) = key.replayed(state.store.as_ref()).await? {
        return Ok(replayed);
    }
    let req: PaymentRequest = auth.json()?;
    check_authorization(&auth, &req, &key.key, now)?;
    let merchant = state
        .store
        .read(|r| r.merchant(&req.payee_id))
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
    let payer = own_account(&state, &auth).await?;
    if payer.currency != merchant.currency {
        return Err(ApiProblem::new(
            StatusCode::BAD_REQUEST,
            codes::CURRENCY_MISMATCH,
            format!("this wallet holds {}", payer.currency),
        ));
    }
    let draft = PaymentDraft {
        payment_id: random_id("pay"),
        transaction_id: random_id("tx"),
        intent_id: key.key.clone(),
        payer,
        merchant,
        order_id: req.order_id.clone(),
        static_order_id: random_id("ord"),
        amount: req.amount,
        maxima: state.config.maxima(),
        device_cap: device_cap(&state, &auth, req.amount.currency, now),
        now,
    };
    let message_id = random_id("msg");
    let done = idempotency::write(state.store.as_ref(), Some(key), move |tx| {
        let result = settle(tx, &draft)?;
        let reply = match &result {
            PayResult::Refused(r) => Reply::problem(&refusal_problem(r)),
            PayResult::Paid {
                payment,
                order,
                payer_tx,
            } => {
                let shown = present::order(order, now);
                webhooks::queue(tx, &draft.merchant, &message_id, "order.paid", now, &shown)?;
                Reply::json(
                    StatusCode::CREATED,
                    &present::payment(&draft.merchant, payment, payer_tx.clone()),
                )
            }
        };
        Ok((reply, result))
    })
    .await?;
    if let Done::Fresh(_, PayResult::Paid { payer_tx, .. }) = &done {
        state.ledger_moved(payer_tx.transaction.seq);
        state.webhooks.notify_one();
    }
    Ok(done.into_response())
}

/// The payment made for an intent of this account: 404 when there is none. After an intent
/// has been refused or has expired, a 404 here is final.
#[utoipa::path(get, path = "/v1/payments/{intent_id}", tag = "payments",
    params(("intent_id" = String, Path)), responses((status = 200, body = Payment), (status = 404, body = Problem)))]
pub async fn get_payment(
    State(state): State<AppState>,
    Path(intent_id): Path<String>,
    auth: Authed,
) -> Result<Json<Payment>, ApiProblem> {
    let account_id = auth.account_id();
    let found = state
        .store
        .read(|r| {
            let Some(p) = r.payment(account_id, &intent_id)? else {
                return Ok(None);
            };
            let merchant = r.merchant(&p.merchant_id)?;
            let tx = r.transaction_of(account_id, &p.transaction_id)?;
            Ok(Some((p, merchant, tx)))
        })
        .await?;
    match found {
        None => Err(ApiProblem::not_found("payment")),
        Some((p, Some(merchant), Some(tx))) => Ok(Json(present::payment(&merchant, &p, tx))),
        Some(_) => Err(ApiProblem::internal(
            "payment without merchant or transaction",
        )),
    }
}
