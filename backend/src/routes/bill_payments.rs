//! Paying a bill or topping up a phone (`POST /v1/bill-payments`, exactly once per intent),
//! looking payments up, and the sandbox billers' later answers on demand.

use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use purse_core::api::types::{
    BillPayment, BillPaymentList, BillPaymentRequest, BillPaymentState, Biller, Problem, codes,
};

use crate::app::AppState;
use crate::auth::Authed;
use crate::idempotency::{self, Done, Key, Reply};
use crate::ids::random_id;
use crate::ledger::bills::{
    BillPaymentDraft, BillPaymentRefusal, BillPaymentResult, BillPaymentRow, pay, settle,
};
use crate::ledger::rows::TxRow;
use crate::ledger::{Reads, StoreError};
use crate::present;
use crate::problem::ApiProblem;
use crate::routes::billers::{bill_problem, biller_of, fetch_problem};
use crate::routes::extract::{
    SignedAuthorization, check_signed, device_cap, mismatch, overspend_problem, own_account,
};

fn refusal_problem(r: &BillPaymentRefusal) -> ApiProblem {
    use BillPaymentRefusal as R;
    match r {
        R::IntentUsed => ApiProblem::new(
            StatusCode::CONFLICT,
            codes::INTENT_ALREADY_USED,
            "this intent was used already; look it up by its id",
        ),
        R::Bill(e) => bill_problem(e),
        R::QuoteRequired => ApiProblem::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            codes::QUOTE_REQUIRED,
            "this biller is paid in another currency: ask for a quote first",
        ),
        R::QuoteExpired => ApiProblem::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            codes::QUOTE_EXPIRED,
            "the quoted price has expired: ask for a new quote",
        ),
        R::QuoteMismatch => ApiProblem::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            codes::QUOTE_MISMATCH,
            "the quote prices another payment, or was used",
        ),
        R::Over(o) => overspend_problem(*o, "bill payment"),
    }
}

fn view(p: &BillPaymentRow, biller: &Biller, tx: &TxRow) -> BillPayment {
    BillPayment {
        bill_payment_id: p.bill_payment_id.clone(),
        intent_id: p.intent_id.clone(),
        biller_id: p.biller_id.clone(),
        biller_name: biller.name.clone(),
        category: biller.category,
        reference: p.reference.clone(),
        amount: p.amount,
        biller_amount: p.biller_amount,
        product_id: p.product_id.clone(),
        state: p.state,
        confirmation: p.confirmation.clone(),
        failure: p.failure.clone(),
        balance: present::balance_after(tx),
        transaction: tx.transaction.clone(),
        created_at: p.created_at,
        settled_at: p.settled_at,
    }
}

/// Receipts for `rows`, each biller read (and its definition parsed) once.
fn views(r: &mut dyn Reads, rows: Vec<BillPaymentRow>) -> Result<Vec<BillPayment>, StoreError> {
    let mut billers: Vec<Biller> = Vec::new();
    let mut out = Vec::with_capacity(rows.len());
    for p in rows {
        if !billers.iter().any(|b| b.biller_id == p.biller_id) {
            match r.biller(&p.biller_id)? {
                Some(b) => billers.push(b),
                None => continue,
            }
        }
        let Some(tx) = r.transaction_of(&p.account_id, &p.transaction_id)? else {
            continue;
        };
        if let Some(biller) = billers.iter().find(|b| b.biller_id == p.biller_id) {
            out.push(view(&p, biller, &tx));
        }
    }
    Ok(out)
}

/// Pays a bill or tops up a phone, exactly once per intent: the `Idempotency-Key` is the
/// authorization's intent id, signed by the device's payment key. Completed at once when the
/// biller confirms; otherwise held (`pending`) until it answers.
#[utoipa::path(post, path = "/v1/bill-payments", tag = "bills", request_body = BillPaymentRequest,
    params(("Idempotency-Key" = String, Header, description = "the intent id")),
    responses((status = 201, body = BillPayment), (status = 402, body = Problem),
        (status = 404, body = Problem), (status = 422, body = Problem),
        (status = 504, body = Problem)))]
pub async fn create(State(state): State<AppState>, auth: Authed) -> Result<Response, ApiProblem> {
    let now = state.now();
    let key = Key::required(&auth, now)?;
    if let Some(replayed) = key.replayed(state.store.as_ref()).await? {
        return Ok(replayed);
    }
    let req: BillPaymentRequest = auth.json()?;
    let a = &req.authorization;
    let same = [
        ("biller", a.biller_id == req.biller_id),
        ("reference", a.reference == req.reference),
        ("amount", a.amount == req.amount),
        ("product", a.product_id == req.product_id),
        ("quote", a.quote_id == req.quote_id),
    ];
    if let Some((field, _)) = same.iter().find(|(_, ok)| !ok) {
        return Err(mismatch(field));
    }
    check_signed(
        &auth,
        SignedAuthorization {
            intent_id: &a.intent_id,
            account_id: &a.account_id,
            expires_at: a.expires_at,
            signature: &req.authorization_signature,
            what: "bill payment",
        },
        &key.key,
        now,
        a,
    )?;
    let account = own_account(&state, &auth).await?;
    if req.amount.currency != account.currency {
        return Err(ApiProblem::new(
            StatusCode::BAD_REQUEST,
            codes::CURRENCY_MISMATCH,
            format!("this wallet holds {}", account.currency),
        ));
    }
    let biller = biller_of(&state, &req.biller_id).await?;
    // The rules against the amount due need the biller's bill, asked for now.
    let due = if purse_core::bills::needs_bill(&biller, true) {
        let reference = purse_core::bills::check_reference(&biller.reference, &req.reference)
            .map_err(|e| bill_problem(&e))?;
        Some(
            state
                .billers
                .fetch(&biller, &reference)
                .map_err(fetch_problem)?
                .amount_due,
        )
    } else {
        None
    };
    let draft = BillPaymentDraft {
        bill_payment_id: random_id("bp"),
        transaction_id: random_id("tx"),
        intent_id: key.key.clone(),
        account,
        biller,
        reference: req.reference.clone(),
        amount: req.amount,
        product_id: req.product_id.clone(),
        quote_id: req.quote_id.clone(),
        due,
        maxima: state.config.maxima(),
        device_cap: device_cap(&state, &auth, req.amount.currency, now),
        now,
    };
    let billers = state.billers.clone();
    let done = idempotency::write(state.store.as_ref(), Some(key), move |tx| {
        let result = pay(tx, &draft, billers.as_ref())?;
        let reply = match &result {
            BillPaymentResult::Paid { payment, tx } => {
                Reply::json(StatusCode::CREATED, &view(payment, &draft.biller, tx))
            }
            BillPaymentResult::Refused(r) => Reply::problem(&refusal_problem(r)),
        };
        Ok((reply, result))
    })
    .await?;
    if let Done::Fresh(_, BillPaymentResult::Paid { tx, .. }) = &done {
        state.ledger_moved(tx.transaction.seq);
    }
    Ok(done.into_response())
}

/// A bill payment by its intent id, as it stands now.
#[utoipa::path(get, path = "/v1/bill-payments/{intent_id}", tag = "bills",
    params(("intent_id" = String, Path)),
    responses((status = 200, body = BillPayment), (status = 404, body = Problem)))]
pub async fn get(
    State(state): State<AppState>,
    Path(intent_id): Path<String>,
    auth: Authed,
) -> Result<Json<BillPayment>, ApiProblem> {
    let found = state
        .store
        .read(|r| {
            let rows = r
                .bill_payment(auth.account_id(), &intent_id)?
                .into_iter()
                .collect();
            views(r, rows)
        })
        .await?;
    found
        .into_iter()
        .next()
        .map(Json)
        .ok_or_else(|| ApiProblem::not_found("bill payment"))
}

/// The account's bill payments and top-ups, newest first: the receipts.
#[utoipa::path(get, path = "/v1/bill-payments", tag = "bills",
    responses((status = 200, body = BillPaymentList)))]
pub async fn list(
    State(state): State<AppState>,
    auth: Authed,
) -> Result<Json<BillPaymentList>, ApiProblem> {
    let data = state
        .store
        .read(|r| {
            let rows = r.bill_payments(auth.account_id(), 100)?;
            views(r, rows)
        })
        .await?;
    Ok(Json(BillPaymentList { data }))
}

/// Sandbox: time passes for the billers of this account's pending payments; each answers
/// (confirms, or rejects and the money comes back). Returns the account's payments.
#[utoipa::path(post, path = "/v1/sandbox/billers/advance", tag = "bills",
    responses((status = 200, body = BillPaymentList)))]
pub async fn sandbox_advance(
    State(state): State<AppState>,
    auth: Authed,
) -> Result<Json<BillPaymentList>, ApiProblem> {
    let account = own_account(&state, &auth).await?;
    let now = state.now();
    let billers = state.billers.clone();
    let account_id = account.account_id.clone();
    let (data, newest) = state
        .store
        .write(move |tx| {
            let mut all = Vec::new();
            let mut moved = false;
            for p in tx.bill_payments(&account_id, 100)? {
                let biller = match tx.biller(&p.biller_id)? {
                    Some(b) if p.state == BillPaymentState::Pending => b,
                    _ => {
                        all.push(p);
                        continue;
                    }
                };
                let answer = billers.advance(&biller, &p.reference);
                all.push(settle(
                    tx,
                    p,
                    &biller,
                    answer,
                    &account.name,
                    &random_id("tx"),
                    now,
                )?);
                moved = true;
            }
            // The sequence the settling reached, read in the same transaction.
            let newest = if moved { Some(tx.newest_seq()?) } else { None };
            Ok((views(tx, all)?, newest))
        })
        .await?;
    if let Some(seq) = newest {
        state.ledger_moved(seq);
        state.stream_moved();
    }
    Ok(Json(BillPaymentList { data }))
}
