//! Pairing a new device: it offers its keys under the code it shows (`POST /v1/pairings`,
//! signed by the key it offers) and asks how it went (`GET /v1/pairings/{id}`); a device of
//! the account opens the offer with the code's secret and approves it with its payment key.

use axum::Json;
use axum::extract::{Path, Request, State};
use axum::http::StatusCode;
use axum::response::Response;
use purse_core::api::types::{
    ApprovePairingRequest, CreatePairingRequest, OpenPairingRequest, Pairing, PairingState,
    Problem, codes,
};

use crate::app::AppState;
use crate::auth::{Authed, ClientIp, parse_json, read_signed};
use crate::idempotency::{self, Done, Key, Reply};
use crate::ledger::StoreError;
use crate::ledger::devices::PairingRow;
use crate::ledger::devices::pairing::{self, Approval, PairingRefusal};
use crate::present;
use crate::problem::ApiProblem;
use crate::routes::extract::shown_text;
use crate::routes::extract::{joined_account, limit_attempts, own_account};

fn refusal_problem(r: PairingRefusal) -> ApiProblem {
    let (status, code, detail) = match r {
        PairingRefusal::NotFound => return ApiProblem::not_found("pairing"),
        PairingRefusal::SecretWrong => (
            StatusCode::FORBIDDEN,
            codes::PAIRING_SECRET_WRONG,
            "the code does not match this pairing; scan it again",
        ),
        PairingRefusal::Expired => (
            StatusCode::GONE,
            codes::PAIRING_EXPIRED,
            "this pairing code has expired; show a new one",
        ),
        PairingRefusal::Used => (
            StatusCode::CONFLICT,
            codes::PAIRING_USED,
            "this pairing code was used already",
        ),
        PairingRefusal::DeviceKnown => (
            StatusCode::CONFLICT,
            codes::ALREADY_ENROLLED,
            "this device key belongs to an account or another pairing",
        ),
        PairingRefusal::ConfirmationWrong => (
            StatusCode::CONFLICT,
            codes::PAIRING_CONFIRMATION_WRONG,
            "the confirmation number is not the new device's",
        ),
        PairingRefusal::SignatureInvalid => (
            StatusCode::FORBIDDEN,
            codes::AUTHORIZATION_INVALID,
            "the approval is not signed by this device's payment key",
        ),
    };
    ApiProblem::new(status, code, detail)
}

fn is_hex(s: &str, len: usize) -> bool {
    s.len() == len
        && s.bytes()
            .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
}

/// Offers a new device for pairing. Signed by the device key it offers; the payment key
/// proves itself as at enrollment. The offer is good for a few minutes (five by default).
#[utoipa::path(post, path = "/v1/pairings", tag = "devices", request_body = CreatePairingRequest,
    responses((status = 201, body = Pairing), (status = 409, body = Problem),
        (status = 429, body = Problem)))]
pub async fn create(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    req: Request,
) -> Result<(StatusCode, Json<Pairing>), ApiProblem> {
    let signed = read_signed(&state, req).await?;
    let body: CreatePairingRequest = parse_json(&signed.body)?;
    if !body
        .pairing_id
        .strip_prefix("pair_")
        .is_some_and(|h| is_hex(h, 12))
        || !is_hex(&body.secret, 20)
    {
        return Err(ApiProblem::bad_request(
            "pairing_id and secret are not a pairing code's",
        ));
    }
    let device_name = shown_text("device_name", &body.device_name, 80)?;
    let limits = state.config.device_attempts;
    limit_attempts(&state, vec![(format!("pair-offer:ip:{ip}"), limits.per_ip)]).await?;
    let device_id = signed
        .verify_new_device(
            &state,
            &body.device_public_key,
            &body.payment_public_key,
            &body.payment_key_proof,
        )
        .await?;
    let now = state.now();
    let row = PairingRow {
        pairing_id: body.pairing_id,
        secret: body.secret,
        device_id,
        device_name,
        device_public_key: body.device_public_key,
        payment_public_key: body.payment_public_key,
        state: PairingState::Waiting,
        created_at: now,
        expires_at: now + state.config.pairing_ttl_secs,
        account_id: None,
        approved_by: None,
        approved_at: None,
    };
    let offered = row.clone();
    match state
        .store
        .write(move |tx| pairing::offer(tx, &offered))
        .await
    {
        Ok(Ok(())) => {}
        Ok(Err(refusal)) => return Err(refusal_problem(refusal)),
        Err(StoreError::Duplicate(_)) => {
            return Err(ApiProblem::new(
                StatusCode::CONFLICT,
                codes::INVALID_REQUEST,
                "this pairing id is taken; draw another code",
            ));
        }
        Err(e) => return Err(e.into()),
    }
    let stored = state
        .store
        .read(|r| r.pairing(&row.pairing_id))
        .await?
        .ok_or_else(|| ApiProblem::internal("pairing vanished"))?;
    Ok((
        StatusCode::CREATED,
        Json(present::pairing(stored, now, None)),
    ))
}

/// The pairing as the new device sees it, signed by the key it offered. Once approved it
/// carries the account, which the device now belongs to.
#[utoipa::path(get, path = "/v1/pairings/{pairing_id}", tag = "devices",
    params(("pairing_id" = String, Path)),
    responses((status = 200, body = Pairing), (status = 404, body = Problem)))]
pub async fn status(
    State(state): State<AppState>,
    Path(pairing_id): Path<String>,
    req: Request,
) -> Result<Json<Pairing>, ApiProblem> {
    let signed = read_signed(&state, req).await?;
    let keyid = signed.keyid.clone();
    let p = state
        .store
        .read(|r| r.pairing(&pairing_id))
        .await?
        .filter(|p| p.device_id == keyid)
        .ok_or_else(|| ApiProblem::not_found("pairing"))?;
    signed.verify_offered(&state, &p.device_public_key).await?;
    let now = state.now();
    let joined = match (&p.account_id, p.state) {
        (Some(id), PairingState::Approved) => state.store.read(|r| joined_account(r, id)).await?,
        _ => None,
    };
    Ok(Json(present::pairing(p, now, joined)))
}

/// A device of the account reads an offer, proving with the code's secret that it saw the
/// code. Rate-limited per account and per address.
#[utoipa::path(post, path = "/v1/pairings/{pairing_id}/open", tag = "devices",
    params(("pairing_id" = String, Path)), request_body = OpenPairingRequest,
    responses((status = 200, body = Pairing), (status = 403, body = Problem),
        (status = 410, body = Problem), (status = 429, body = Problem)))]
pub async fn open(
    State(state): State<AppState>,
    Path(pairing_id): Path<String>,
    ClientIp(ip): ClientIp,
    auth: Authed,
) -> Result<Json<Pairing>, ApiProblem> {
    let body: OpenPairingRequest = auth.json()?;
    attempt(&state, &auth, &ip).await?;
    let now = state.now();
    let p = state
        .store
        .write(move |tx| pairing::open(tx, &pairing_id, &body.secret, now))
        .await?
        .map_err(refusal_problem)?;
    Ok(Json(present::pairing(p, now, None)))
}

async fn attempt(state: &AppState, auth: &Authed, ip: &str) -> Result<(), ApiProblem> {
    let limits = state.config.device_attempts;
    limit_attempts(
        state,
        vec![
            (
                format!("pair:acct:{}", auth.account_id()),
                limits.per_account,
            ),
            (format!("pair:ip:{ip}"), limits.per_ip),
        ],
    )
    .await
}

/// Approves an offer: the payment key of the signing device signs
/// `pairing_approval_message`; the offered device joins the account and every device gets a
/// `device_added` notice. Once per code, before it expires.
#[utoipa::path(post, path = "/v1/pairings/{pairing_id}/approve", tag = "devices",
    params(("pairing_id" = String, Path),
        ("Idempotency-Key" = String, Header, description = "reuse it for retries")),
    request_body = ApprovePairingRequest,
    responses((status = 201, body = purse_core::api::types::Device), (status = 403, body = Problem),
        (status = 409, body = Problem), (status = 410, body = Problem), (status = 429, body = Problem)))]
pub async fn approve(
    State(state): State<AppState>,
    Path(pairing_id): Path<String>,
    ClientIp(ip): ClientIp,
    auth: Authed,
) -> Result<Response, ApiProblem> {
    let now = state.now();
    let key = Key::required(&auth, now)?;
    if let Some(replayed) = key.replayed(state.store.as_ref()).await? {
        return Ok(replayed);
    }
    let body: ApprovePairingRequest = auth.json()?;
    attempt(&state, &auth, &ip).await?;
    let account = own_account(&state, &auth).await?;
    let approver = auth.device.clone();
    let done = idempotency::write(state.store.as_ref(), Some(key), move |tx| {
        let result = pairing::approve(
            tx,
            &Approval {
                pairing_id: &pairing_id,
                secret: &body.secret,
                confirmation: &body.confirmation,
                signature: &body.signature,
                approver: &approver,
                account: &account,
                now,
            },
        )?;
        let reply = match &result {
            Ok(device) => Reply::json(StatusCode::CREATED, &present::device(device.clone())),
            Err(refusal) => Reply::problem(&refusal_problem(*refusal)),
        };
        Ok((reply, result))
    })
    .await?;
    if let Done::Fresh(_, Ok(device)) = &done {
        tracing::info!(device = %device.device_id, by = %auth.device.device_id, "device paired");
        state.stream_moved();
    }
    Ok(done.into_response())
}
