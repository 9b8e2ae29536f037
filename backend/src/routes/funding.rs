//! Linking cards and bank accounts with the sandbox funding provider.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use purse_core::api::types::{
    FundingKind, FundingSource, FundingSourceList, LinkBankRequest, LinkCardRequest, codes,
};

use crate::auth::Authed;
use crate::funding::{check_card, check_iban};
use crate::problem::ApiProblem;
use crate::routes::random_id;
use crate::server::{AppState, year_month};
use crate::store::{FundingRow, Store};

/// Links a card. Linking the same card again returns the source already linked.
#[utoipa::path(post, path = "/v1/funding/cards", tag = "funding", request_body = LinkCardRequest,
    responses((status = 200, body = FundingSource), (status = 400, body = purse_core::api::types::Problem)))]
pub async fn link_card<S: Store>(
    State(state): State<AppState<S>>,
    auth: Authed,
) -> Result<Json<FundingSource>, ApiProblem> {
    let req: LinkCardRequest = auth.json()?;
    let card = check_card(
        &req.number,
        req.exp_month,
        req.exp_year,
        year_month(state.now()),
    )
    .map_err(|e| ApiProblem::new(StatusCode::BAD_REQUEST, codes::CARD_INVALID, e.to_string()))?;
    let row = FundingRow {
        source_id: random_id("src"),
        account_id: auth.account_id().to_owned(),
        kind: "card".into(),
        brand: card.brand.into(),
        last4: card.last4,
        behaviour: card.behaviour.encode(),
        created_at: state.now(),
    };
    let fp = fingerprint(auth.account_id(), &req.number);
    let linked = state.store.link_funding(row, &fp).await?;
    Ok(Json(to_source(linked)))
}

/// Links a bank account by IBAN. Linking the same IBAN again returns the same source.
#[utoipa::path(post, path = "/v1/funding/banks", tag = "funding", request_body = LinkBankRequest,
    responses((status = 200, body = FundingSource), (status = 400, body = purse_core::api::types::Problem)))]
pub async fn link_bank<S: Store>(
    State(state): State<AppState<S>>,
    auth: Authed,
) -> Result<Json<FundingSource>, ApiProblem> {
    let req: LinkBankRequest = auth.json()?;
    let iban = check_iban(&req.iban).map_err(|e| {
        ApiProblem::new(StatusCode::BAD_REQUEST, codes::IBAN_INVALID, e.to_string())
    })?;
    if req.holder_name.trim().is_empty() {
        return Err(ApiProblem::bad_request("holder_name is required"));
    }
    let row = FundingRow {
        source_id: random_id("src"),
        account_id: auth.account_id().to_owned(),
        kind: "bank".into(),
        brand: iban.country,
        last4: iban.last4,
        behaviour: iban.behaviour.encode(),
        created_at: state.now(),
    };
    let fp = fingerprint(auth.account_id(), &req.iban.to_ascii_uppercase());
    let linked = state.store.link_funding(row, &fp).await?;
    Ok(Json(to_source(linked)))
}

#[utoipa::path(get, path = "/v1/funding/sources", tag = "funding",
    responses((status = 200, body = FundingSourceList)))]
pub async fn sources<S: Store>(
    State(state): State<AppState<S>>,
    auth: Authed,
) -> Result<Json<FundingSourceList>, ApiProblem> {
    let data = state
        .store
        .funding_sources(auth.account_id())
        .await?
        .into_iter()
        .map(to_source)
        .collect();
    Ok(Json(FundingSourceList { data }))
}

/// A per-account fingerprint of a card number or IBAN: lets the same source link once
/// without keeping the number.
fn fingerprint(account_id: &str, number: &str) -> String {
    let d = ring::digest::digest(
        &ring::digest::SHA256,
        format!("purse-funding-fp:v1:{account_id}:{number}").as_bytes(),
    );
    hex::encode(d.as_ref())
}

pub fn to_source(r: FundingRow) -> FundingSource {
    FundingSource {
        source_id: r.source_id,
        kind: if r.kind == "bank" {
            FundingKind::Bank
        } else {
            FundingKind::Card
        },
        brand: r.brand,
        last4: r.last4,
        created_at: r.created_at,
    }
}

/// How a source appears in history: "Visa •••• 4242", "Bank DE •••• 3000".
pub fn source_label(r: &FundingRow) -> String {
    let brand = match r.brand.as_str() {
        "visa" => "Visa",
        "mastercard" => "Mastercard",
        "amex" => "American Express",
        "discover" => "Discover",
        "jcb" => "JCB",
        "unionpay" => "UnionPay",
        other if r.kind == "bank" => return format!("Bank {other} •••• {}", r.last4),
        _ => "Card",
    };
    format!("{brand} •••• {}", r.last4)
}
