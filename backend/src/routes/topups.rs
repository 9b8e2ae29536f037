//! `POST /v1/topups`: money in from a linked source, exactly once per idempotency key.

use axum::extract::State;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use purse_core::api::types::{Topup, TopupRequest, codes};
use purse_core::money::Money;

use crate::auth::Authed;
use crate::funding::Behaviour;
use crate::problem::{ApiProblem, PROBLEM_JSON};
use crate::routes::account::to_transaction;
use crate::routes::funding::source_label;
use crate::routes::random_id;
use crate::server::AppState;
use crate::store::{
    IdempotencyScope, Idempotent, LedgerEntry, Posting, Store, StoredResponse, TxRow,
    user_ledger_account,
};

/// Largest single top-up, in major units of the currency.
const MAX_TOPUP_MAJOR: i64 = 50_000;

/// Charges the source and credits the wallet in one ledger transaction. A declined charge
/// answers 402 `card_declined` / `bank_declined` with a `decline_code`. The answer, success
/// or decline, is stored under the `Idempotency-Key` and replayed for every repeat; the same
/// key with a different body is refused with `idempotency_key_reused`.
#[utoipa::path(post, path = "/v1/topups", tag = "funding", request_body = TopupRequest,
    params(("Idempotency-Key" = String, Header, description = "required; reuse it for retries")),
    responses((status = 201, body = Topup), (status = 402, body = purse_core::api::types::Problem),
        (status = 422, body = purse_core::api::types::Problem)))]
pub async fn create<S: Store>(
    State(state): State<AppState<S>>,
    auth: Authed,
) -> Result<Response, ApiProblem> {
    let key = require_idempotency_key(&auth)?;
    let scope = IdempotencyScope {
        account_id: auth.account_id().to_owned(),
        key: key.clone(),
        request_hash: request_hash(&auth),
        now: state.now(),
    };
    if let Some(prior) = state
        .store
        .idempotent_response(auth.account_id(), &key)
        .await?
    {
        return replay(prior, &scope.request_hash);
    }
    let req: TopupRequest = auth.json()?;
    let account = state
        .store
        .account(auth.account_id())
        .await?
        .ok_or_else(|| ApiProblem::not_found("account"))?;
    if req.amount.currency != account.currency {
        return Err(ApiProblem::new(
            StatusCode::BAD_REQUEST,
            codes::CURRENCY_MISMATCH,
            format!("this wallet holds {}", account.currency),
        ));
    }
    let max = AppState::<S>::major(MAX_TOPUP_MAJOR, req.amount.currency);
    if req.amount.minor <= 0 || req.amount.minor > max {
        return Err(ApiProblem::new(
            StatusCode::BAD_REQUEST,
            codes::AMOUNT_INVALID,
            format!(
                "a top-up must be more than zero and at most {}",
                Money::new(max, req.amount.currency)
            ),
        ));
    }
    let source = state
        .store
        .funding_source(auth.account_id(), &req.source_id)
        .await?
        .ok_or_else(|| ApiProblem::not_found("funding source"))?;
    let user = user_ledger_account(auth.account_id());
    let label = source_label(&source);

    let outcome = match Behaviour::decode(&source.behaviour) {
        Behaviour::Decline(decline_code) => {
            let problem = ApiProblem {
                status: StatusCode::PAYMENT_REQUIRED,
                code: if source.kind == "bank" {
                    codes::BANK_DECLINED
                } else {
                    codes::CARD_DECLINED
                },
                detail: format!("{label} was declined ({decline_code})"),
                decline_code: Some(decline_code.to_owned()),
            };
            let body =
                serde_json::to_string(&problem.to_problem()).map_err(ApiProblem::internal)?;
            state
                .store
                .post_idempotent(scope.clone(), None, &user, move |_| (402, body))
                .await?
        }
        Behaviour::Approve => {
            let now = state.now();
            let tx_id = random_id("tx");
            let entry = LedgerEntry {
                transaction_id: tx_id.clone(),
                kind: "topup".into(),
                description: format!("Top-up from {label}"),
                created_at: now,
                order_id: None,
                intent_id: None,
                postings: vec![
                    Posting {
                        ledger_account: user.clone(),
                        amount: req.amount.minor,
                        currency: req.amount.currency,
                        counterparty: label.clone(),
                    },
                    Posting {
                        ledger_account: format!(
                            "system:funding:{}_sandbox:{}",
                            source.kind, req.amount.currency
                        ),
                        amount: -req.amount.minor,
                        currency: req.amount.currency,
                        counterparty: account.name.clone(),
                    },
                ],
            };
            let topup_id = random_id("topup");
            let amount = req.amount;
            let description = entry.description.clone();
            state
                .store
                .post_idempotent(scope.clone(), Some(entry), &user, move |posted| {
                    let posted = posted.expect("an entry was posted");
                    let transaction = to_transaction(TxRow {
                        transaction_id: tx_id,
                        seq: posted.seq,
                        kind: "topup".into(),
                        amount: amount.minor,
                        currency: amount.currency,
                        counterparty: label,
                        description,
                        status: "completed".into(),
                        created_at: now,
                        order_id: None,
                        intent_id: None,
                        balance_after: Some(posted.balance_after),
                    })
                    .expect("topup and completed are known");
                    let topup = Topup {
                        topup_id,
                        transaction,
                        balance: Money::new(posted.balance_after, amount.currency),
                    };
                    (201, serde_json::to_string(&topup).unwrap_or_default())
                })
                .await?
        }
    };
    match outcome {
        Idempotent::Fresh(posted, stored) => {
            if let Some(p) = posted {
                state.ledger_moved(p.seq);
            }
            Ok(stored_response(stored, false))
        }
        Idempotent::Replayed(stored) => Ok(stored_response(stored, true)),
        Idempotent::KeyReused => Err(key_reused()),
    }
}

pub fn require_idempotency_key(auth: &Authed) -> Result<String, ApiProblem> {
    match &auth.idempotency_key {
        Some(k) if !k.is_empty() && k.len() <= 255 => Ok(k.clone()),
        Some(_) => Err(ApiProblem::bad_request(
            "Idempotency-Key must be 1 to 255 characters",
        )),
        None => Err(ApiProblem::new(
            StatusCode::BAD_REQUEST,
            codes::IDEMPOTENCY_KEY_MISSING,
            "this request moves money: send an Idempotency-Key",
        )),
    }
}

/// What makes two requests "the same" for an idempotency key: method, path and body.
pub fn request_hash(auth: &Authed) -> String {
    let mut ctx = ring::digest::Context::new(&ring::digest::SHA256);
    ctx.update(auth.method.as_bytes());
    ctx.update(b"\n");
    ctx.update(auth.path.as_bytes());
    ctx.update(b"\n");
    ctx.update(&auth.body);
    hex::encode(ctx.finish().as_ref())
}

pub fn key_reused() -> ApiProblem {
    ApiProblem::new(
        StatusCode::UNPROCESSABLE_ENTITY,
        codes::IDEMPOTENCY_KEY_REUSED,
        "this Idempotency-Key was used for a different request",
    )
}

pub fn replay(prior: StoredResponse, hash: &str) -> Result<Response, ApiProblem> {
    if prior.request_hash == hash {
        Ok(stored_response(prior, true))
    } else {
        Err(key_reused())
    }
}

pub fn stored_response(stored: StoredResponse, replayed: bool) -> Response {
    let status = StatusCode::from_u16(stored.status).unwrap_or(StatusCode::OK);
    let content_type = if status.is_success() {
        "application/json"
    } else {
        PROBLEM_JSON
    };
    let mut resp = (status, stored.body).into_response();
    resp.headers_mut()
        .insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
    if replayed {
        resp.headers_mut()
            .insert("idempotent-replayed", HeaderValue::from_static("true"));
    }
    resp
}
