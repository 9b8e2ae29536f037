//! Linking cards and bank accounts with the sandbox funding provider.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use purse_core::api::types::{
    FundingKind, FundingSource, FundingSourceList, LinkBankRequest, LinkCardRequest, codes,
};

use crate::app::AppState;
use crate::auth::Authed;
use crate::clock::year_month;
use crate::funding::{check_card, check_iban};
use crate::ids::random_id;
use crate::ledger::FundingRow;
use crate::present;
use crate::problem::ApiProblem;

/// Links a card. Linking the same card again returns the source already linked.
#[utoipa::path(post, path = "/v1/funding/cards", tag = "funding", request_body = LinkCardRequest,
    responses((status = 200, body = FundingSource), (status = 400, body = purse_core::api::types::Problem)))]
pub async fn link_card(
    State(state): State<AppState>,
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
        kind: FundingKind::Card,
        brand: card.brand.into(),
        last4: card.last4,
        behaviour: card.behaviour,
        created_at: state.now(),
    };
    let fp = fingerprint(&state, auth.account_id(), &req.number);
    Ok(Json(present::funding_source(link(&state, row, fp).await?)))
}

/// Links a bank account by IBAN. Linking the same IBAN again returns the same source.
#[utoipa::path(post, path = "/v1/funding/banks", tag = "funding", request_body = LinkBankRequest,
    responses((status = 200, body = FundingSource), (status = 400, body = purse_core::api::types::Problem)))]
pub async fn link_bank(
    State(state): State<AppState>,
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
        kind: FundingKind::Bank,
        brand: iban.country,
        last4: iban.last4,
        behaviour: iban.behaviour,
        created_at: state.now(),
    };
    let fp = fingerprint(&state, auth.account_id(), &req.iban.to_ascii_uppercase());
    Ok(Json(present::funding_source(link(&state, row, fp).await?)))
}

#[utoipa::path(get, path = "/v1/funding/sources", tag = "funding",
    responses((status = 200, body = FundingSourceList)))]
pub async fn sources(
    State(state): State<AppState>,
    auth: Authed,
) -> Result<Json<FundingSourceList>, ApiProblem> {
    let data = state
        .store
        .read(|r| r.funding_sources(auth.account_id()))
        .await?
        .into_iter()
        .map(present::funding_source)
        .collect();
    Ok(Json(FundingSourceList { data }))
}

/// Links a source, or returns the one already linked with this fingerprint.
async fn link(state: &AppState, row: FundingRow, fp: String) -> Result<FundingRow, ApiProblem> {
    Ok(state
        .store
        .write(move |tx| {
            if let Some(existing) = tx.funding_by_fingerprint(&row.account_id, &fp)? {
                return Ok(existing);
            }
            tx.insert_funding(&row, &fp)?;
            Ok(row.clone())
        })
        .await?)
}

/// A per-account fingerprint of a card number or IBAN: lets the same source link once
/// without keeping the number, keyed by the backend's key file (a copy of the database
/// cannot test candidate numbers against it).
fn fingerprint(state: &AppState, account_id: &str, number: &str) -> String {
    state
        .vault
        .fingerprint(&["funding-source", account_id, number])
}
