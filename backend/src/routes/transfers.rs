//! Money between people: `POST /v1/transfers` (exactly once per intent) and
//! `GET /v1/transfers/{intent_id}` (how a sender settles a transfer whose answer was lost).

use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use purse_core::api::types::{Problem, Transfer, TransferRequest, codes};
use purse_core::people::{check_note, shown_as};
use purse_core::sign::note_digest;

use crate::app::AppState;
use crate::auth::Authed;
use crate::idempotency::{self, Done, Key, Reply};
use crate::ids::random_id;
use crate::ledger::rows::{AccountRow, TxRow};
use crate::ledger::transfers::{
    TransferDraft, TransferRefusal, TransferResult, TransferRow, transfer,
};
use crate::present;
use crate::problem::ApiProblem;
use crate::routes::extract::{
    SignedAuthorization, check_signed, device_cap, mismatch, overspend_problem, own_account,
    request_problem,
};

fn refusal_problem(r: TransferRefusal) -> ApiProblem {
    match r {
        TransferRefusal::IntentUsed => ApiProblem::new(
            StatusCode::CONFLICT,
            codes::INTENT_ALREADY_USED,
            "this intent was sent already; look it up by its id",
        ),
        TransferRefusal::SelfTransfer => ApiProblem::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            codes::SELF_TRANSFER,
            "you cannot send money to yourself",
        ),
        TransferRefusal::CurrencyMismatch => ApiProblem::new(
            StatusCode::BAD_REQUEST,
            codes::CURRENCY_MISMATCH,
            "both wallets must hold this currency: Purse does not exchange currencies",
        ),
        TransferRefusal::Over(o) => overspend_problem(o, "transfer"),
        TransferRefusal::Request(r) => request_problem(r),
    }
}

/// A transfer as its sender sees it.
fn transfer_view(
    t: &TransferRow,
    recipient: &AccountRow,
    handle: Option<String>,
    tx: &TxRow,
) -> Transfer {
    Transfer {
        transfer_id: t.transfer_id.clone(),
        intent_id: t.intent_id.clone(),
        recipient: present::recipient(recipient, handle),
        amount: t.amount,
        note: t.note.clone(),
        balance: present::balance_after(tx),
        transaction: tx.transaction.clone(),
        created_at: t.created_at,
    }
}

/// Sends money to a person, exactly once per intent: the `Idempotency-Key` is the
/// authorization's intent id, and the authorization (recipient, amount, note digest,
/// expiry) is signed by the signing device's payment key. The first answer is stored and
/// replayed for every repeat; the recipient gets a `transfer_in` event.
#[utoipa::path(post, path = "/v1/transfers", tag = "people", request_body = TransferRequest,
    params(("Idempotency-Key" = String, Header, description = "the intent id")),
    responses((status = 201, body = Transfer), (status = 402, body = Problem),
        (status = 404, body = Problem), (status = 409, body = Problem), (status = 422, body = Problem)))]
pub async fn create(State(state): State<AppState>, auth: Authed) -> Result<Response, ApiProblem> {
    let now = state.now();
    let key = Key::required(&auth, now)?;
    if let Some(replayed) = key.replayed(state.store.as_ref()).await? {
        return Ok(replayed);
    }
    let req: TransferRequest = auth.json()?;
    let a = &req.authorization;
    if a.recipient_id != req.recipient_id {
        return Err(mismatch("recipient"));
    }
    if a.amount != req.amount {
        return Err(mismatch("amount"));
    }
    if a.note_digest != note_digest(&req.note) {
        return Err(mismatch("note"));
    }
    check_signed(
        &auth,
        SignedAuthorization {
            intent_id: &a.intent_id,
            account_id: &a.account_id,
            expires_at: a.expires_at,
            signature: &req.authorization_signature,
            what: "transfer",
        },
        &key.key,
        now,
        a,
    )?;
    let note = check_note(&req.note).map_err(|e| {
        ApiProblem::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            codes::NOTE_INVALID,
            format!("note {e}"),
        )
    })?;
    let payer = own_account(&state, &auth).await?;
    let recipient_id = req.recipient_id.clone();
    let (recipient, recipient_handle, payer_handle) = state
        .store
        .read(|r| {
            Ok((
                r.account(&recipient_id)?,
                r.handle_of(&recipient_id)?,
                r.handle_of(&payer.account_id)?,
            ))
        })
        .await?;
    let recipient = recipient.ok_or_else(|| {
        ApiProblem::new(
            StatusCode::NOT_FOUND,
            codes::RECIPIENT_NOT_FOUND,
            "no such recipient",
        )
    })?;
    let device_cap = device_cap(&state, &auth, req.amount.currency, now);
    let draft = TransferDraft {
        transfer_id: random_id("tr"),
        transaction_id: random_id("tx"),
        intent_id: key.key.clone(),
        payer_label: shown_as(&payer.name, payer_handle.as_deref()),
        recipient_label: shown_as(&recipient.name, recipient_handle.as_deref()),
        payer,
        recipient: recipient.clone(),
        amount: req.amount,
        note,
        maxima: state.config.maxima(),
        device_cap,
        request_id: req.authorization.request_id.clone(),
        now,
    };
    let done = idempotency::write(state.store.as_ref(), Some(key), move |tx| {
        let result = transfer(tx, &draft)?;
        let reply = match &result {
            TransferResult::Sent { transfer, payer_tx } => Reply::json(
                StatusCode::CREATED,
                &transfer_view(transfer, &recipient, recipient_handle.clone(), payer_tx),
            ),
            TransferResult::Refused(r) => Reply::problem(&refusal_problem(*r)),
        };
        Ok((reply, result))
    })
    .await?;
    if let Done::Fresh(_, TransferResult::Sent { payer_tx, .. }) = &done {
        state.ledger_moved(payer_tx.transaction.seq);
    }
    Ok(done.into_response())
}

/// A transfer this account sent, by its intent id: how a wallet settles a transfer whose
/// answer was lost.
#[utoipa::path(get, path = "/v1/transfers/{intent_id}", tag = "people",
    params(("intent_id" = String, Path)),
    responses((status = 200, body = Transfer), (status = 404, body = Problem)))]
pub async fn get(
    State(state): State<AppState>,
    Path(intent_id): Path<String>,
    auth: Authed,
) -> Result<Json<Transfer>, ApiProblem> {
    let account_id = auth.account_id().to_owned();
    let found = state
        .store
        .read(|r| {
            let Some(t) = r.transfer(&account_id, &intent_id)? else {
                return Ok(None);
            };
            let recipient = r.account(&t.recipient_account_id)?;
            let handle = r.handle_of(&t.recipient_account_id)?;
            let tx = r.transaction_of(&account_id, &t.transaction_id)?;
            Ok(recipient.zip(tx).map(|(rec, tx)| (t, rec, handle, tx)))
        })
        .await?
        .ok_or_else(|| ApiProblem::not_found("transfer"))?;
    let (t, recipient, handle, tx) = found;
    Ok(Json(transfer_view(&t, &recipient, handle, &tx)))
}
