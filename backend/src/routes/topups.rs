//! `POST /v1/topups`: money in from a linked source, exactly once per idempotency key.

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use purse_core::api::types::{FundingKind, Topup, TopupRequest, codes};
use purse_core::money::Money;

use crate::app::AppState;
use crate::auth::Authed;
use crate::idempotency::{self, Done, Key, Reply};
use crate::ids::random_id;
use crate::ledger::topups::{MAX_TOPUP_MAJOR, TopupDraft, TopupResult, topup};
use crate::present;
use crate::problem::ApiProblem;
use crate::routes::extract::own_account;

/// Charges the source and credits the wallet in one ledger transaction. A declined charge
/// answers 402 `card_declined` / `bank_declined` with a `decline_code`. The answer, success
/// or decline, is stored under the `Idempotency-Key` and replayed for every repeat; the same
/// key with a different body is refused with `idempotency_key_reused`.
#[utoipa::path(post, path = "/v1/topups", tag = "funding", request_body = TopupRequest,
    params(("Idempotency-Key" = String, Header, description = "required; reuse it for retries")),
    responses((status = 201, body = Topup), (status = 402, body = purse_core::api::types::Problem),
        (status = 422, body = purse_core::api::types::Problem)))]
pub async fn create(State(state): State<AppState>, auth: Authed) -> Result<Response, ApiProblem> {
    let now = state.now();
    let key = Key::required(&auth, now)?;
    if let Some(replayed) = key.replayed(state.store.as_ref()).await? {
        return Ok(replayed);
    }
    let req: TopupRequest = auth.json()?;
    let account = own_account(&state, &auth).await?;
    if req.amount.currency != account.currency {
        return Err(ApiProblem::new(
            StatusCode::BAD_REQUEST,
            codes::CURRENCY_MISMATCH,
            format!("this wallet holds {}", account.currency),
        ));
    }
    let max =
        Money::from_major(MAX_TOPUP_MAJOR, req.amount.currency).map_err(ApiProblem::internal)?;
    if !req.amount.is_positive() || req.amount.minor > max.minor {
        return Err(ApiProblem::new(
            StatusCode::BAD_REQUEST,
            codes::AMOUNT_INVALID,
            format!("a top-up must be more than zero and at most {max}"),
        ));
    }
    let source = state
        .store
        .read(|r| r.funding_source(auth.account_id(), &req.source_id))
        .await?
        .ok_or_else(|| ApiProblem::not_found("funding source"))?;
    let draft = TopupDraft {
        transaction_id: random_id("tx"),
        source_label: present::source_label(&source),
        account,
        source,
        amount: req.amount,
        now,
    };
    let topup_id = random_id("topup");
    let done = idempotency::write(state.store.as_ref(), Some(key), move |tx| {
        let result = topup(tx, &draft)?;
        let reply = match &result {
            TopupResult::Declined { kind, code } => Reply::problem(&ApiProblem {
                status: StatusCode::PAYMENT_REQUIRED,
                code: match kind {
                    FundingKind::Bank => codes::BANK_DECLINED,
                    FundingKind::Card => codes::CARD_DECLINED,
                },
                detail: format!("{} was declined ({code})", draft.source_label),
                decline_code: Some((*code).to_owned()),
                retry_after: None,
            }),
            TopupResult::Credited(row) => Reply::json(
                StatusCode::CREATED,
                &Topup {
                    topup_id: topup_id.clone(),
                    balance: present::balance_after(row),
                    transaction: row.transaction.clone(),
                },
            ),
        };
        Ok((reply, result))
    })
    .await?;
    if let Done::Fresh(_, TopupResult::Credited(row)) = &done {
        state.ledger_moved(row.transaction.seq);
    }
    Ok(done.into_response())
}
