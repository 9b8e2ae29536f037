//! Merchants: registration and the static code, orders with their dynamic codes, order
//! state, closing, and refunds.

use axum::Json;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use purse_core::api::types::{
    CreateOrderRequest, Merchant, MerchantRegistration, Order, OrderList, OrderState, Problem,
    RefundRequest, RegisterMerchantRequest, codes,
};
use purse_core::money::Money;

use crate::auth::Authed;
use crate::merchant_codes;
use crate::problem::ApiProblem;
use crate::routes::account::{PageParams, to_transaction};
use crate::routes::random_id;
use crate::routes::topups::{key_reused, request_hash, require_idempotency_key, stored_response};
use crate::server::AppState;
use crate::store::{
    Answer, IdempotencyScope, Idempotent, MerchantRow, OrderRow, RefundDraft, RefundRefusal,
    RefundResult, Store, StoreError,
};

const DEFAULT_ORDER_TTL: i64 = 900;

pub fn to_merchant(m: &MerchantRow) -> Merchant {
    Merchant {
        merchant_id: m.merchant_id.clone(),
        account_id: m.account_id.clone(),
        display_name: m.display_name.clone(),
        city: m.city.clone(),
        mcc: m.mcc.clone(),
        currency: m.currency,
        webhook_url: m.webhook_url.clone(),
        static_payload: m.static_payload.clone(),
        created_at: m.created_at,
    }
}

pub fn to_order(o: &OrderRow, now: i64) -> Result<Order, StoreError> {
    let state = o.state_at(now);
    Ok(Order {
        order_id: o.order_id.clone(),
        merchant_id: o.merchant_id.clone(),
        amount: Money::new(o.amount, o.currency),
        description: o.description.clone(),
        state: OrderState::parse(state)
            .ok_or_else(|| StoreError::Corrupt(format!("order state {state}")))?,
        amount_refunded: Money::new(o.amount_refunded, o.currency),
        payload: o.payload.clone(),
        created_at: o.created_at,
        expires_at: o.expires_at,
        paid_at: o.paid_at,
        payment_id: o.payment_id.clone(),
    })
}

fn text(field: &str, value: &str, max: usize) -> Result<String, ApiProblem> {
    let v = value.trim();
    if v.is_empty() || v.chars().count() > max || v.chars().any(char::is_control) {
        return Err(ApiProblem::bad_request(format!(
            "{field} must be 1 to {max} printable characters"
        )));
    }
    Ok(v.to_owned())
}

/// The signing account's merchant profile, or `not_a_merchant`.
pub async fn own_merchant<S: Store>(
    state: &AppState<S>,
    auth: &Authed,
) -> Result<MerchantRow, ApiProblem> {
    state
        .store
        .merchant_of_account(auth.account_id())
        .await?
        .ok_or_else(|| {
            ApiProblem::new(
                StatusCode::FORBIDDEN,
                codes::NOT_A_MERCHANT,
                "this account is not registered as a merchant",
            )
        })
}

/// Registers the signing account as a merchant. The webhook secret is in this answer only.
#[utoipa::path(post, path = "/v1/merchant", tag = "merchants", request_body = RegisterMerchantRequest,
    responses((status = 201, body = MerchantRegistration), (status = 409, body = Problem)))]
pub async fn register<S: Store>(
    State(state): State<AppState<S>>,
    auth: Authed,
) -> Result<(StatusCode, Json<MerchantRegistration>), ApiProblem> {
    let req: RegisterMerchantRequest = auth.json()?;
    let display_name = text("display_name", &req.display_name, 80)?;
    let city = text("city", &req.city, 40)?;
    let mcc = req.mcc.unwrap_or_else(|| "5999".into());
    if mcc.len() != 4 || !mcc.bytes().all(|b| b.is_ascii_digit()) {
        return Err(ApiProblem::bad_request("mcc must be 4 digits"));
    }
    if let Some(url) = &req.webhook_url {
        purse_core::api::check_backend_url(url).map_err(|e| {
            ApiProblem::new(
                StatusCode::BAD_REQUEST,
                codes::WEBHOOK_URL_INVALID,
                e.to_string(),
            )
        })?;
    }
    let account = state
        .store
        .account(auth.account_id())
        .await?
        .ok_or_else(|| ApiProblem::not_found("account"))?;
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
        webhook_secret: secret.clone(),
        static_payload,
        created_at: state.now(),
    };
    match state.store.create_merchant(row.clone()).await {
        Ok(()) => {}
        Err(StoreError::Conflict(_)) => {
            return Err(ApiProblem::new(
                StatusCode::CONFLICT,
                codes::MERCHANT_EXISTS,
                "this account is a merchant already",
            ));
        }
        Err(e) => return Err(e.into()),
    }
    tracing::info!(merchant = %row.merchant_id, "merchant registered");
    Ok((
        StatusCode::CREATED,
        Json(MerchantRegistration {
            merchant: to_merchant(&row),
            webhook_secret: secret,
        }),
    ))
}

#[utoipa::path(get, path = "/v1/merchant", tag = "merchants",
    responses((status = 200, body = Merchant), (status = 403, body = Problem)))]
pub async fn me<S: Store>(
    State(state): State<AppState<S>>,
    auth: Authed,
) -> Result<Json<Merchant>, ApiProblem> {
    Ok(Json(to_merchant(&own_merchant(&state, &auth).await?)))
}

/// Creates an order with its dynamic code. With an `Idempotency-Key`, a repeat returns the
/// same order.
#[utoipa::path(post, path = "/v1/merchant/orders", tag = "merchants", request_body = CreateOrderRequest,
    responses((status = 201, body = Order), (status = 400, body = Problem)))]
pub async fn create_order<S: Store>(
    State(state): State<AppState<S>>,
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
    let max = AppState::<S>::major(state.config.max_per_payment_major, m.currency);
    if !req.amount.is_positive() || req.amount.minor > max {
        return Err(ApiProblem::new(
            StatusCode::BAD_REQUEST,
            codes::AMOUNT_INVALID,
            format!(
                "an order must be more than zero and at most {}",
                Money::new(max, m.currency)
            ),
        ));
    }
    let ttl = req.expires_in.unwrap_or(DEFAULT_ORDER_TTL);
    if !(1..=86_400).contains(&ttl) {
        return Err(ApiProblem::bad_request(
            "expires_in must be 1 to 86400 seconds",
        ));
    }
    let description = req.description.trim().chars().take(200).collect::<String>();
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
        amount: req.amount.minor,
        currency: m.currency,
        description,
        kind: "dynamic".into(),
        state: "waiting".into(),
        amount_refunded: 0,
        payload,
        created_at: now,
        expires_at: now + ttl,
        paid_at: None,
        payment_id: None,
        payer_account_id: None,
    };
    let body = serde_json::to_string(&to_order(&row, now)?).map_err(ApiProblem::internal)?;
    let scope = auth.idempotency_key.as_ref().map(|k| IdempotencyScope {
        account_id: auth.account_id().to_owned(),
        key: k.clone(),
        request_hash: request_hash(&auth),
        now,
    });
    match state
        .store
        .create_order(row, scope, move || (201, body))
        .await?
    {
        Idempotent::Fresh(_, stored) => Ok(stored_response(stored, false)),
        Idempotent::Replayed(stored) => Ok(stored_response(stored, true)),
        Idempotent::KeyReused => Err(key_reused()),
    }
}

/// The merchant's orders, newest first.
#[utoipa::path(get, path = "/v1/merchant/orders", tag = "merchants", params(PageParams),
    responses((status = 200, body = OrderList)))]
pub async fn list_orders<S: Store>(
    State(state): State<AppState<S>>,
    Query(q): Query<PageParams>,
    auth: Authed,
) -> Result<Json<OrderList>, ApiProblem> {
    let m = own_merchant(&state, &auth).await?;
    let limit = q.limit.unwrap_or(20);
    if !(1..=100).contains(&limit) {
        return Err(ApiProblem::bad_request("limit must be 1 to 100"));
    }
    let (rows, has_more) = state
        .store
        .orders(&m.merchant_id, limit, q.starting_after.as_deref())
        .await?;
    let now = state.now();
    let data = rows
        .iter()
        .map(|o| to_order(o, now))
        .collect::<Result<_, _>>()?;
    Ok(Json(OrderList { data, has_more }))
}

async fn merchant_order<S: Store>(
    state: &AppState<S>,
    m: &MerchantRow,
    order_id: &str,
) -> Result<OrderRow, ApiProblem> {
    state
        .store
        .order(order_id)
        .await?
        .filter(|o| o.merchant_id == m.merchant_id)
        .ok_or_else(|| ApiProblem::not_found("order"))
}

#[utoipa::path(get, path = "/v1/merchant/orders/{order_id}", tag = "merchants",
    params(("order_id" = String, Path)), responses((status = 200, body = Order), (status = 404, body = Problem)))]
pub async fn get_order<S: Store>(
    State(state): State<AppState<S>>,
    Path(order_id): Path<String>,
    auth: Authed,
) -> Result<Json<Order>, ApiProblem> {
    let m = own_merchant(&state, &auth).await?;
    let o = merchant_order(&state, &m, &order_id).await?;
    Ok(Json(to_order(&o, state.now())?))
}

/// Cancels a waiting order: it can no longer be paid. Closing a closed order is a no-op.
#[utoipa::path(post, path = "/v1/merchant/orders/{order_id}/close", tag = "merchants",
    params(("order_id" = String, Path)), responses((status = 200, body = Order), (status = 409, body = Problem)))]
pub async fn close_order<S: Store>(
    State(state): State<AppState<S>>,
    Path(order_id): Path<String>,
    auth: Authed,
) -> Result<Json<Order>, ApiProblem> {
    let m = own_merchant(&state, &auth).await?;
    let now = state.now();
    let o = state
        .store
        .close_order(&m.merchant_id, &order_id, now)
        .await?
        .ok_or_else(|| ApiProblem::not_found("order"))?;
    if matches!(o.state.as_str(), "paid" | "refunded") {
        return Err(ApiProblem::new(
            StatusCode::CONFLICT,
            codes::ORDER_ALREADY_PAID,
            "a paid order cannot be closed; refund it",
        ));
    }
    Ok(Json(to_order(&o, now)?))
}

fn refund_problem(r: &RefundRefusal, currency: purse_core::money::Currency) -> ApiProblem {
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
            format!(
                "at most {} of this order can still be refunded",
                Money::new(*refundable, currency)
            ),
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
pub async fn refund<S: Store>(
    State(state): State<AppState<S>>,
    Path(order_id): Path<String>,
    auth: Authed,
) -> Result<Response, ApiProblem> {
    let key = require_idempotency_key(&auth)?;
    let m = own_merchant(&state, &auth).await?;
    let req: RefundRequest = auth.json()?;
    if req.amount.currency != m.currency || !req.amount.is_positive() {
        return Err(ApiProblem::new(
            StatusCode::BAD_REQUEST,
            codes::AMOUNT_INVALID,
            format!("a refund is a positive amount in {}", m.currency),
        ));
    }
    let now = state.now();
    let currency = m.currency;
    let draft = RefundDraft {
        scope: IdempotencyScope {
            account_id: auth.account_id().to_owned(),
            key,
            request_hash: request_hash(&auth),
            now,
        },
        refund_id: random_id("re"),
        transaction_id: random_id("tx"),
        message_id: random_id("msg"),
        merchant: m,
        order_id,
        amount: req.amount.minor,
        reason: req.reason.trim().chars().take(200).collect(),
    };
    let refund_id = draft.refund_id.clone();
    let outcome = state
        .store
        .refund(draft, move |result| match result {
            RefundResult::Refused(r) => {
                let p = refund_problem(r, currency);
                Answer {
                    status: p.status.as_u16(),
                    body: serde_json::to_string(&p.to_problem()).unwrap_or_default(),
                    webhook: None,
                }
            }
            RefundResult::Refunded { order, merchant_tx } => {
                let balance = Money::new(merchant_tx.balance_after.unwrap_or(0), currency);
                let (order, transaction) =
                    match (to_order(order, now), to_transaction(merchant_tx.clone())) {
                        (Ok(o), Ok(t)) => (o, t),
                        _ => return Answer::internal(),
                    };
                let webhook = crate::webhooks::envelope("order.refunded", now, &order);
                let refund = purse_core::api::types::Refund {
                    refund_id,
                    order,
                    transaction,
                    balance,
                };
                Answer {
                    status: 201,
                    body: serde_json::to_string(&refund).unwrap_or_default(),
                    webhook: Some(("order.refunded".into(), webhook)),
                }
            }
        })
        .await?;
    match outcome {
        Idempotent::Fresh(result, stored) => {
            if let RefundResult::Refunded { merchant_tx, .. } = &result {
                state.ledger_moved(merchant_tx.seq);
                state.webhooks.notify_one();
            }
            Ok(stored_response(stored, false))
        }
        Idempotent::Replayed(stored) => Ok(stored_response(stored, true)),
        Idempotent::KeyReused => Err(key_reused()),
    }
}
