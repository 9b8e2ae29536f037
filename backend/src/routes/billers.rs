//! The biller catalogue and what is asked of billers before paying: list and look up
//! billers, fetch a bill, the operators for a phone number, a price in another currency,
//! and the billers a user saved with their "due now" list.

use axum::Json;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use purse_core::api::types::{
    Bill, BillQuote, BillQuoteRequest, Biller, BillerCategory, BillerList, ContactKind, DueBill,
    DueBillList, OperatorLookup, Problem, SaveBillerRequest, SavedBiller, SavedBillerList, codes,
};
use purse_core::bills::{BillError, check_product, check_reference};
use serde::Deserialize;

use crate::app::AppState;
use crate::auth::Authed;
use crate::billers::FetchFailure;
use crate::ids::random_id;
use crate::ledger::bills::{QuoteRow, SaveRefusal, SavedBillerRow, save};
use crate::problem::ApiProblem;
use crate::routes::extract::own_account;

/// A biller rule's refusal, under the rule's own code.
pub fn bill_problem(e: &BillError) -> ApiProblem {
    ApiProblem::new(StatusCode::UNPROCESSABLE_ENTITY, e.code(), e.to_string())
}

pub fn fetch_problem(f: FetchFailure) -> ApiProblem {
    match f {
        FetchFailure::NotFound => ApiProblem::new(
            StatusCode::NOT_FOUND,
            codes::BILL_NOT_FOUND,
            "the biller has no bill for this reference",
        ),
        FetchFailure::Timeout => ApiProblem::new(
            StatusCode::GATEWAY_TIMEOUT,
            codes::BILLER_TIMEOUT,
            "the biller did not answer in time; try again later",
        ),
        FetchFailure::NotSupported => ApiProblem::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            codes::BILL_FETCH_NOT_SUPPORTED,
            "this biller cannot say what is due: enter the amount",
        ),
    }
}

/// A biller of the catalogue, or `404`.
pub async fn biller_of(state: &AppState, biller_id: &str) -> Result<Biller, ApiProblem> {
    let id = biller_id.to_owned();
    state
        .store
        .read(move |r| r.biller(&id))
        .await?
        .ok_or_else(|| ApiProblem::not_found("biller"))
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
pub struct CategoryParams {
    pub category: Option<String>,
}

/// The catalogue, by name, of one category or all.
#[utoipa::path(get, path = "/v1/billers", tag = "bills", params(CategoryParams),
    responses((status = 200, body = BillerList)))]
pub async fn list(
    State(state): State<AppState>,
    Query(q): Query<CategoryParams>,
    _auth: Authed,
) -> Result<Json<BillerList>, ApiProblem> {
    let category = match q.category.as_deref() {
        None => None,
        Some(c) => Some(
            BillerCategory::parse(c)
                .ok_or_else(|| ApiProblem::bad_request(format!("no category {c:?}")))?,
        ),
    };
    let data = state.store.read(move |r| r.billers(category)).await?;
    Ok(Json(BillerList { data }))
}

#[utoipa::path(get, path = "/v1/billers/{biller_id}", tag = "bills",
    params(("biller_id" = String, Path)),
    responses((status = 200, body = Biller), (status = 404, body = Problem)))]
pub async fn get(
    State(state): State<AppState>,
    Path(biller_id): Path<String>,
    _auth: Authed,
) -> Result<Json<Biller>, ApiProblem> {
    Ok(Json(biller_of(&state, &biller_id).await?))
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
pub struct ReferenceParams {
    pub reference: String,
}

/// What the biller says is due for a reference (checked by the biller's rules first).
#[utoipa::path(get, path = "/v1/billers/{biller_id}/bill", tag = "bills",
    params(("biller_id" = String, Path), ReferenceParams),
    responses((status = 200, body = Bill), (status = 404, body = Problem),
        (status = 422, body = Problem), (status = 504, body = Problem)))]
pub async fn fetch(
    State(state): State<AppState>,
    Path(biller_id): Path<String>,
    Query(q): Query<ReferenceParams>,
    _auth: Authed,
) -> Result<Json<Bill>, ApiProblem> {
    let biller = biller_of(&state, &biller_id).await?;
    let reference =
        check_reference(&biller.reference, &q.reference).map_err(|e| bill_problem(&e))?;
    state
        .billers
        .fetch(&biller, &reference)
        .map(Json)
        .map_err(fetch_problem)
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
pub struct NumberParams {
    /// With its country code (`+86 138 0013 8000`).
    pub number: String,
}

/// The operators for a mobile number: its E.164 form, the operator its prefix suggests,
/// and every operator of its country.
#[utoipa::path(get, path = "/v1/operators", tag = "bills", params(NumberParams),
    responses((status = 200, body = OperatorLookup), (status = 422, body = Problem)))]
pub async fn operators(
    State(state): State<AppState>,
    Query(q): Query<NumberParams>,
    _auth: Authed,
) -> Result<Json<OperatorLookup>, ApiProblem> {
    let number = crate::contacts::normalize(ContactKind::Phone, &q.number).map_err(|e| {
        let code = match e {
            crate::contacts::ContactError::PhoneNotMobile => codes::PHONE_NOT_MOBILE,
            _ => codes::PHONE_INVALID,
        };
        ApiProblem::new(StatusCode::UNPROCESSABLE_ENTITY, code, e.to_string())
    })?;
    let all = state
        .store
        .read(|r| r.billers(Some(BillerCategory::PrepaidMobile)))
        .await?;
    let matching = |b: &Biller| {
        b.prefixes
            .iter()
            .filter(|p| number.starts_with(p.as_str()))
            .map(String::len)
            .max()
    };
    let suggested = all
        .iter()
        .filter_map(|b| matching(b).map(|len| (len, b)))
        .max_by_key(|(len, _)| *len)
        .map(|(_, b)| b.clone());
    // The operators of the suggested one's country, or of any prefix the number shares.
    let country = suggested.as_ref().map(|b| b.country.clone());
    let operators = all
        .into_iter()
        .filter(|b| {
            Some(&b.country) == country.as_ref()
                || b.prefixes
                    .iter()
                    .any(|p| number.starts_with(&p[..p.len().min(3)]))
        })
        .collect();
    Ok(Json(OperatorLookup {
        number,
        suggested: suggested.map(|b| b.biller_id),
        operators,
    }))
}

/// A price for paying a biller in another currency, held for a few minutes and one payment.
#[utoipa::path(post, path = "/v1/bill-quotes", tag = "bills", request_body = BillQuoteRequest,
    responses((status = 201, body = BillQuote), (status = 422, body = Problem)))]
pub async fn quote(
    State(state): State<AppState>,
    auth: Authed,
) -> Result<(StatusCode, Json<BillQuote>), ApiProblem> {
    let req: BillQuoteRequest = auth.json()?;
    let account = own_account(&state, &auth).await?;
    let biller = biller_of(&state, &req.biller_id).await?;
    let reference =
        check_reference(&biller.reference, &req.reference).map_err(|e| bill_problem(&e))?;
    let biller_amount = if biller.products.is_empty() {
        let a = req
            .amount
            .ok_or_else(|| ApiProblem::bad_request("give the amount in the biller's currency"))?;
        purse_core::bills::check_amount(&biller, Some(a), a).map_err(|e| bill_problem(&e))?;
        a
    } else {
        let id = req.product_id.as_deref().unwrap_or_default();
        check_product(&biller, id, req.amount)
            .map_err(|e| bill_problem(&e))?
            .1
    };
    if biller.currency == account.currency {
        return Err(ApiProblem::bad_request(
            "this biller is paid in the wallet's currency: no quote is needed",
        ));
    }
    let conv = state
        .fx
        .convert(account.currency, biller_amount)
        .ok_or_else(|| {
            ApiProblem::new(
                StatusCode::UNPROCESSABLE_ENTITY,
                codes::CURRENCY_MISMATCH,
                format!("no rate from {} to {}", account.currency, biller.currency),
            )
        })?;
    let now = state.now();
    let row = QuoteRow {
        quote_id: random_id("bq"),
        account_id: account.account_id.clone(),
        biller_id: biller.biller_id.clone(),
        reference,
        product_id: req.product_id.clone(),
        biller_amount,
        rate_micros: conv.rate_micros,
        fee: conv.fee,
        debit: conv.debit,
        expires_at: now + state.config.quote_ttl_secs,
        created_at: now,
        used_by: None,
    };
    let stored = row.clone();
    state
        .store
        .write(move |tx| tx.insert_quote(&stored))
        .await?;
    Ok((
        StatusCode::CREATED,
        Json(BillQuote {
            quote_id: row.quote_id,
            biller_id: row.biller_id,
            reference: row.reference,
            product_id: row.product_id,
            biller_amount: row.biller_amount,
            rate_micros: row.rate_micros,
            fee: row.fee,
            debit: row.debit,
            expires_at: row.expires_at,
        }),
    ))
}

fn saved_view(s: SavedBillerRow, billers: &[Biller]) -> SavedBiller {
    SavedBiller {
        biller_name: biller_in(billers, &s.biller_id)
            .map(|b| b.name.clone())
            .unwrap_or_default(),
        saved_id: s.saved_id,
        biller_id: s.biller_id,
        reference: s.reference,
        nickname: s.nickname,
        created_at: s.created_at,
    }
}

fn biller_in<'b>(billers: &'b [Biller], biller_id: &str) -> Option<&'b Biller> {
    billers.iter().find(|b| b.biller_id == biller_id)
}

/// The account's saved billers as shown, and the catalogue they were named from.
async fn saved_views(
    state: &AppState,
    account_id: &str,
) -> Result<(Vec<SavedBiller>, Vec<Biller>), ApiProblem> {
    let id = account_id.to_owned();
    let (rows, billers) = state
        .store
        .read(move |r| Ok((r.saved_billers(&id)?, r.billers(None)?)))
        .await?;
    let saved = rows.into_iter().map(|s| saved_view(s, &billers)).collect();
    Ok((saved, billers))
}

/// The billers this account saved, oldest first.
#[utoipa::path(get, path = "/v1/saved-billers", tag = "bills",
    responses((status = 200, body = SavedBillerList)))]
pub async fn saved_list(
    State(state): State<AppState>,
    auth: Authed,
) -> Result<Json<SavedBillerList>, ApiProblem> {
    Ok(Json(SavedBillerList {
        data: saved_views(&state, auth.account_id()).await?.0,
    }))
}

/// Saves a biller and reference under a nickname, to pay again and see in "due now".
#[utoipa::path(post, path = "/v1/saved-billers", tag = "bills", request_body = SaveBillerRequest,
    responses((status = 201, body = SavedBiller), (status = 409, body = Problem),
        (status = 422, body = Problem)))]
pub async fn save_biller(
    State(state): State<AppState>,
    auth: Authed,
) -> Result<(StatusCode, Json<SavedBiller>), ApiProblem> {
    let req: SaveBillerRequest = auth.json()?;
    let nickname = purse_core::text::check_shown_text(&req.nickname, 40).map_err(|e| {
        ApiProblem::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            codes::INVALID_REQUEST,
            format!("nickname: {e}"),
        )
    })?;
    let biller = biller_of(&state, &req.biller_id).await?;
    let row = SavedBillerRow {
        saved_id: random_id("sb"),
        account_id: auth.account_id().to_owned(),
        biller_id: biller.biller_id.clone(),
        reference: req.reference,
        nickname,
        created_at: state.now(),
    };
    let b = biller.clone();
    let saved = state
        .store
        .write(move |tx| save(tx, &b, row.clone()))
        .await?;
    match saved {
        Ok(row) => Ok((
            StatusCode::CREATED,
            Json(saved_view(row, std::slice::from_ref(&biller))),
        )),
        Err(SaveRefusal::Bill(e)) => Err(bill_problem(&e)),
        Err(SaveRefusal::Exists) => Err(ApiProblem::new(
            StatusCode::CONFLICT,
            codes::INVALID_REQUEST,
            "this biller and reference are saved already",
        )),
        Err(SaveRefusal::TooMany) => Err(ApiProblem::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            codes::INVALID_REQUEST,
            "at most 50 billers can be saved",
        )),
    }
}

/// Forgets a saved biller; answers with those that remain.
#[utoipa::path(delete, path = "/v1/saved-billers/{saved_id}", tag = "bills",
    params(("saved_id" = String, Path)),
    responses((status = 200, body = SavedBillerList), (status = 404, body = Problem)))]
pub async fn forget_biller(
    State(state): State<AppState>,
    Path(saved_id): Path<String>,
    auth: Authed,
) -> Result<Json<SavedBillerList>, ApiProblem> {
    let account = auth.account_id().to_owned();
    let removed = state
        .store
        .write(move |tx| tx.delete_saved_biller(&account, &saved_id))
        .await?;
    if removed {
        Ok(Json(SavedBillerList {
            data: saved_views(&state, auth.account_id()).await?.0,
        }))
    } else {
        Err(ApiProblem::not_found("saved biller"))
    }
}

/// Every saved biller with its bill fetched now, or the reason none came.
#[utoipa::path(get, path = "/v1/saved-billers/due", tag = "bills",
    responses((status = 200, body = DueBillList)))]
pub async fn due(
    State(state): State<AppState>,
    auth: Authed,
) -> Result<Json<DueBillList>, ApiProblem> {
    let (saved, billers) = saved_views(&state, auth.account_id()).await?;
    let mut data = Vec::with_capacity(saved.len());
    for s in saved {
        let Some(biller) = biller_in(&billers, &s.biller_id) else {
            continue;
        };
        let (bill, problem) = match state.billers.fetch(biller, &s.reference) {
            Ok(b) => (Some(b), None),
            Err(f) => (None, Some(fetch_problem(f).code.to_owned())),
        };
        data.push(DueBill {
            saved: s,
            bill,
            problem,
        });
    }
    Ok(Json(DueBillList { data }))
}
