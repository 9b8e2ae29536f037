//! The HTTP API under `/v1`, and its OpenAPI document generated from these handlers.

pub mod account;
pub mod devices;
pub mod enroll;
pub mod funding;
pub mod topups;

use axum::Json;
use axum::Router;
use axum::routing::{get, post};
use utoipa::OpenApi;

use crate::server::AppState;
use crate::store::Store;

#[derive(OpenApi)]
#[openapi(
    info(
        title = "Purse reference backend",
        description = "Every request carries an RFC 9421 signature (label `purse`, \
            ecdsa-p256-sha256, keyid = device id) covering @method, @target-uri, \
            content-digest (RFC 9530) and idempotency-key when present. Errors are \
            application/problem+json with a stable `code`. Money is integer minor units \
            with an ISO 4217 code."
    ),
    paths(
        enroll::enroll,
        account::account,
        account::balance,
        account::transactions,
        devices::list,
        devices::revoke,
        funding::link_card,
        funding::link_bank,
        funding::sources,
        topups::create,
    ),
    tags(
        (name = "devices", description = "Enrollment and device keys"),
        (name = "account", description = "Balance and history"),
        (name = "funding", description = "Sandbox cards, bank accounts and top-ups"),
    )
)]
pub struct ApiDoc;

pub fn router<S: Store>(state: AppState<S>) -> Router {
    Router::new()
        .route("/v1/health", get(health))
        .route("/v1/openapi.json", get(openapi))
        .route("/v1/enroll", post(enroll::enroll::<S>))
        .route("/v1/account", get(account::account::<S>))
        .route("/v1/balance", get(account::balance::<S>))
        .route("/v1/transactions", get(account::transactions::<S>))
        .route("/v1/devices", get(devices::list::<S>))
        .route("/v1/devices/{device_id}/revoke", post(devices::revoke::<S>))
        .route("/v1/funding/cards", post(funding::link_card::<S>))
        .route("/v1/funding/banks", post(funding::link_bank::<S>))
        .route("/v1/funding/sources", get(funding::sources::<S>))
        .route("/v1/topups", post(topups::create::<S>))
        .fallback(|| async { crate::problem::ApiProblem::not_found("endpoint") })
        .layer(axum::middleware::from_fn(crate::problem::request_id))
        .with_state(state)
}

async fn health() -> &'static str {
    "ok"
}

async fn openapi() -> Json<utoipa::openapi::OpenApi> {
    Json(ApiDoc::openapi())
}

/// A random id with a type prefix: `acct_3f9c...` (96 bits).
pub fn random_id(prefix: &str) -> String {
    use ring::rand::SecureRandom;
    let mut b = [0u8; 12];
    ring::rand::SystemRandom::new()
        .fill(&mut b)
        .expect("the system RNG works");
    format!("{prefix}_{}", hex::encode(b))
}
