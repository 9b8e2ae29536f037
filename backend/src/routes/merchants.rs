//! Merchants: registration and the static code, orders with their dynamic codes, order
//! state, closing, and refunds.

use axum::Json;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use purse_core::api::types::{
    CreateOrderRequest, Merchant, MerchantRegistration, Order, OrderList, Problem, RefundRequest,
    RegisterMerchantRequest, codes,
};

use crate::app::AppState;
use crate::auth::Authed;
use crate::idempotency::Key;
use crate::ids::random_id;
use crate::ledger::merchants::{Registration, register as register_merchant};
use crate::ledger::{MerchantRow, OrderRow};
use crate::merchant_codes;
use crate::merchant_orders;
use crate::present;
use crate::problem::ApiProblem;
use crate::routes::extract::{PageParams, own_account, own_merchant, shown_text};

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
    let row = merchant_orders::new_order(&state, &m, req.amount, &req.description, req.expires_in)?;
    let key = Key::optional(&auth, state.now())?;
    Ok(merchant_orders::insert_order(&state, row, key)
        .await?
        .into_response())
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
    let key = Key::required(&auth, state.now())?;
    let m = own_merchant(&state, &auth).await?;
    let req: RefundRequest = auth.json()?;
    Ok(
        merchant_orders::refund(&state, m, order_id, req.amount, &req.reason, key)
            .await?
            .into_response(),
    )
}
