//! Merchants: registration and the static code, orders with their dynamic codes, order
//! state, closing, and refunds.

use axum::Json;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use purse_core::api::types::{
    CreateOrderRequest, Merchant, MerchantRegistration, Order, OrderList, OrderState, Problem,
    Refund, RefundRequest, RegisterMerchantRequest, codes,
};
use purse_core::money::Money;

use crate::app::AppState;
use crate::auth::Authed;
use crate::idempotency::{self, Done, Key, Reply};
use crate::ids::random_id;
use crate::ledger::merchants::{Registration, register as register_merchant};
use crate::ledger::refunds::{RefundDraft, RefundRefusal, RefundResult, refund as settle_refund};
use crate::ledger::{MerchantRow, OrderKind, OrderRow};
use crate::merchant_codes;
use crate::present;
use crate::problem::ApiProblem;
use crate::routes::extract::{
    PageParams, optional_shown_text, own_account, own_merchant, shown_text,
};
use crate::webhooks;

const DEFAULT_ORDER_TTL: i64 = 900;

/// Registers the signing account as a merchant. The webhook secret is in this answer only.
#[utoipa::path(post, path = "/v1/merchant", tag = "merchants", request_body = RegisterMerchantRequest,
    responses((status = 201, body = MerchantRegistration), (status = 409, body = Problem)))]
pub async fn register(
    State(state): State<AppState>,
    auth: Authed,
) -> Result<(StatusCode, Json<MerchantRegistration>), ApiProblem> {
    let req: RegisterMerchantRequest = auth.json()?;
    let display_name = shown_text("display_name", &req.display_name, 80)?;
    let city = shown_text("city", &req.city, 40)?;
    let mcc = req.mcc.unwrap_or_else(|| "5999".into());
    if mcc.len() != 4 || !mcc.bytes().all(|b| b.is_ascii_digit()) {
        return Err(ApiProblem::bad_request("mcc must be 4 digits"));
    }
    if let Some(url) = &req.webhook_url {
        state.config.webhook_targets.check_url(url).map_err(|e| {
            ApiProblem::new(
                StatusCode::BAD_REQUEST,
                codes::WEBHOOK_URL_INVALID,
                e.to_string(),
            )
        })?;
    }
    let account = own_account(&state, &auth).await?;
    let merchant_id = random_id("mch");
    let static_payload =
        merchant_codes::static_payload(&merchant_id, &display_name, &city, &mcc, account.currency)
            .map_err(ApiProblem::internal)?;
    let secret = purse_core::sign::webhook::new_secret().map_err(ApiProblem::internal)?;
    let row = MerchantRow {
        merchant_id,
        account_id: account.account_id,
        display_name,
        city,
        mcc,
        currency: account.currency,
        webhook_url: req.webhook_url,
        webhook_secret: state
            .vault
            .seal(crate::vault::Purpose::WebhookSecret, secret.as_bytes()),
        static_payload,
        created_at: state.now(),
    };
    let new = row.clone();
    match state
        .store
        .write(move |tx| register_merchant(tx, &new))
        .await?
    {
        Registration::Registered => {}
        Registration::AlreadyMerchant => {
            return Err(ApiProblem::new(
                StatusCode::CONFLICT,
                codes::MERCHANT_EXISTS,
                "this account is a merchant already",
            ));
        }
        Registration::NameTooLike { merchant_id } => {
            tracing::warn!(existing = %merchant_id, "merchant name too like a registered one");
            return Err(ApiProblem::new(
                StatusCode::CONFLICT,
                codes::MERCHANT_NAME_TAKEN,
                "a registered merchant has this name or one a payer could take for it; \
                 choose a name that tells your shop apart (add the street or the city)",
            ));
        }
    }
    tracing::info!(merchant = %row.merchant_id, "merchant registered");
    Ok((
        StatusCode::CREATED,
        Json(MerchantRegistration {
            merchant: present::merchant(&row),
            webhook_secret: secret,
        }),
    ))
}

#[utoipa::path(get, path = "/v1/merchant", tag = "merchants",
    responses((status = 200, body = Merchant), (status = 403, body = Problem)))]
pub async fn me(State(state): State<AppState>, auth: Authed) -> Result<Json<Merchant>, ApiProblem> {
    Ok(Json(present::merchant(&own_merchant(&state, &auth).await?)))
}

/// Creates an order with its dynamic code. With an `Idempotency-Key`, a repeat returns the
/// same order.
#[utoipa::path(post, path = "/v1/merchant/orders", tag = "merchants", request_body = CreateOrderRequest,
    responses((status = 201, body = Order), (status = 400, body = Problem)))]
pub async fn create_order(
    State(state): State<AppState>,
    auth: Authed,
) -> Result<Response, ApiProblem> {
    let m = own_merchant(&state, &auth).await?;
    let req: CreateOrderRequest = auth.json()?;
    if req.amount.currency != m.currency {
        return Err(ApiProblem::new(
            StatusCode::BAD_REQUEST,
            codes::CURRENCY_MISMATCH,
            format!("this merchant takes {}", m.currency),
        ));
    }
    let (max, _) = state.config.maxima().in_currency(m.currency);
    if !req.amount.is_positive() || req.amount.minor > max.minor {
        return Err(ApiProblem::new(
            StatusCode::BAD_REQUEST,
            codes::AMOUNT_INVALID,
            format!("an order must be more than zero and at most {max}"),
        ));
    }
    let ttl = req.expires_in.unwrap_or(DEFAULT_ORDER_TTL);
    if !(1..=86_400).contains(&ttl) {
        return Err(ApiProblem::bad_request(
            "expires_in must be 1 to 86400 seconds",
        ));
    }
    let description = optional_shown_text("description", &req.description, 200)?;
    let now = state.now();
    let order_id = random_id("ord");
    let payload = merchant_codes::order_payload(
        &m.merchant_id,
        &m.display_name,
        &m.city,
        &m.mcc,
        &order_id,
        req.amount,
    )
    .map_err(ApiProblem::internal)?;
    let row = OrderRow {
        order_id,
        merchant_id: m.merchant_id.clone(),
        amount: req.amount,
        description,
        kind: OrderKind::Dynamic,
        state: OrderState::Waiting,
        amount_refunded: Money::zero(m.currency),
        payload,
        created_at: now,
        expires_at: now + ttl,
        paid_at: None,
        payment_id: None,
        payer_account_id: None,
    };
    let key = Key::optional(&auth, now)?;
    let done = idempotency::write(state.store.as_ref(), key, move |tx| {
        tx.insert_order(&row)?;
        Ok((
            Reply::json(StatusCode::CREATED, &present::order(&row, now)),
            (),
        ))
    })
    .await?;
    Ok(done.into_response())
}

/// The merchant's orders, newest first.
#[utoipa::path(get, path = "/v1/merchant/orders", tag = "merchants", params(PageParams),
    responses((status = 200, body = OrderList)))]
pub async fn list_orders(
    State(state): State<AppState>,
    Query(q): Query<PageParams>,
    auth: Authed,
) -> Result<Json<OrderList>, ApiProblem> {
    let m = own_merchant(&state, &auth).await?;
    let limit = q.limit()?;
    let (rows, has_more) = state
        .store
        .read(|r| r.orders(&m.merchant_id, limit, q.starting_after.as_deref()))
        .await?;
    let now = state.now();
    let data = rows.iter().map(|o| present::order(o, now)).collect();
    Ok(Json(OrderList { data, has_more }))
}

async fn merchant_order(
    state: &AppState,
    m: &MerchantRow,
    order_id: &str,
) -> Result<OrderRow, ApiProblem> {
    state
        .store
        .read(|r| r.order(order_id))
        .await?
        .filter(|o| o.merchant_id == m.merchant_id)
        .ok_or_else(|| ApiProblem::not_found("order"))
}

#[utoipa::path(get, path = "/v1/merchant/orders/{order_id}", tag = "merchants",
    params(("order_id" = String, Path)), responses((status = 200, body = Order), (status = 404, body = Problem)))]
pub async fn get_order(
    State(state): State<AppState>,
    Path(order_id): Path<String>,
    auth: Authed,
) -> Result<Json<Order>, ApiProblem> {
    let m = own_merchant(&state, &auth).await?;
    let o = merchant_order(&state, &m, &order_id).await?;
    Ok(Json(present::order(&o, state.now())))
}

/// Cancels a waiting order: it can no longer be paid. Closing a closed order is a no-op.
#[utoipa::path(post, path = "/v1/merchant/orders/{order_id}/close", tag = "merchants",
    params(("order_id" = String, Path)), responses((status = 200, body = Order), (status = 409, body = Problem)))]
pub async fn close_order(
    State(state): State<AppState>,
    Path(order_id): Path<String>,
    auth: Authed,
) -> Result<Json<Order>, ApiProblem> {
    let m = own_merchant(&state, &auth).await?;
    let now = state.now();
    let merchant_id = m.merchant_id.clone();
    let o = state
        .store
        .write(move |tx| {
            let Some(mut o) = tx
                .order(&order_id)?
                .filter(|o| o.merchant_id == merchant_id)
            else {
                return Ok(None);
            };
            if o.close() {
                tx.update_order(&o)?;
            }
            Ok(Some(o))
        })
        .await?
        .ok_or_else(|| ApiProblem::not_found("order"))?;
    if o.is_paid() {
        return Err(ApiProblem::new(
            StatusCode::CONFLICT,
            codes::ORDER_ALREADY_PAID,
            "a paid order cannot be closed; refund it",
        ));
    }
    Ok(Json(present::order(&o, now)))
}

fn refund_problem(r: &RefundRefusal) -> ApiProblem {
    match r {
        RefundRefusal::OrderNotFound => ApiProblem::not_found("order"),
        RefundRefusal::NotPaid => ApiProblem::new(
            StatusCode::CONFLICT,
            codes::ORDER_NOT_PAID,
            "only a paid order can be refunded",
        ),
        RefundRefusal::Exceeds { refundable } => ApiProblem::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            codes::REFUND_EXCEEDS_PAYMENT,
            format!("at most {refundable} of this order can still be refunded"),
        ),
        RefundRefusal::InsufficientFunds => ApiProblem::new(
            StatusCode::PAYMENT_REQUIRED,
            codes::INSUFFICIENT_FUNDS,
            "the merchant's balance is too low for this refund",
        ),
    }
}

/// Refunds part or all of a paid order to the payer, exactly once per `Idempotency-Key`.
/// The payer sees it in their history and event stream; the merchant gets `order.refunded`.
#[utoipa::path(post, path = "/v1/merchant/orders/{order_id}/refunds", tag = "merchants",
    params(("order_id" = String, Path), ("Idempotency-Key" = String, Header)),
    request_body = RefundRequest,
    responses((status = 201, body = purse_core::api::types::Refund), (status = 409, body = Problem),
        (status = 422, body = Problem)))]
pub async fn refund(
    State(state): State<AppState>,
    Path(order_id): Path<String>,
    auth: Authed,
) -> Result<Response, ApiProblem> {
    let now = state.now();
    let key = Key::required(&auth, now)?;
    let m = own_merchant(&state, &auth).await?;
    let req: RefundRequest = auth.json()?;
    if req.amount.currency != m.currency || !req.amount.is_positive() {
        return Err(ApiProblem::new(
            StatusCode::BAD_REQUEST,
            codes::AMOUNT_INVALID,
            format!("a refund is a positive amount in {}", m.currency),
        ));
    }
    let reason = optional_shown_text("reason", &req.reason, 200)?;
    let draft = RefundDraft {
        refund_id: random_id("re"),
        transaction_id: random_id("tx"),
        merchant: m,
        order_id,
        amount: req.amount,
        reason,
        now,
    };
    let message_id = random_id("msg");
    let done = idempotency::write(state.store.as_ref(), Some(key), move |tx| {
        let result = settle_refund(tx, &draft)?;
        let reply = match &result {
            RefundResult::Refused(r) => Reply::problem(&refund_problem(r)),
            RefundResult::Refunded { order, merchant_tx } => {
                let order = present::order(order, now);
                webhooks::queue(
                    tx,
                    &draft.merchant,
                    &message_id,
                    "order.refunded",
                    now,
                    &order,
                )?;
                Reply::json(
                    StatusCode::CREATED,
                    &Refund {
                        refund_id: draft.refund_id.clone(),
                        order,
                        balance: present::balance_after(merchant_tx),
                        transaction: merchant_tx.transaction.clone(),
                    },
                )
            }
        };
        Ok((reply, result))
    })
    .await?;
    if let Done::Fresh(_, RefundResult::Refunded { merchant_tx, .. }) = &done {
        state.ledger_moved(merchant_tx.transaction.seq);
        state.webhooks.notify_one();
    }
    Ok(done.into_response())
}
