//! Recovery without any old device: a challenge for the code's lookup, the claim signed by
//! the recovery key, the new device asking until its cool-off is over; the account's devices
//! list and cancel recoveries, and replace the recovery code.

use axum::Json;
use axum::extract::{Path, Request, State};
use axum::http::StatusCode;
use axum::response::Response;
use base64::Engine;
use base64::engine::general_purpose::STANDARD as B64;
use purse_core::api::types::{
    CancelRecoveryRequest, Problem, Recovery, RecoveryChallenge, RecoveryChallengeRequest,
    RecoveryList, RecoveryState, RotateRecoveryRequest, StartRecoveryRequest, codes,
};

use crate::app::AppState;
use crate::auth::{Authed, ClientIp, parse_json, read_signed};
use crate::idempotency::{self, Done, Key, Reply};
use crate::ids::random_id;
use crate::ledger::devices::recovery::{self, Claim, RecoveryRefusal};
use crate::present;
use crate::problem::ApiProblem;
use crate::routes::enroll::check_recovery_setup;
use crate::routes::extract::shown_text;
use crate::routes::extract::{joined_account, limit_attempts, own_account};

fn refusal_problem(r: RecoveryRefusal) -> ApiProblem {
    let (status, code, detail) = match r {
        RecoveryRefusal::NotFound => return ApiProblem::not_found("recovery"),
        RecoveryRefusal::CodeWrong => (
            StatusCode::FORBIDDEN,
            codes::RECOVERY_CODE_WRONG,
            "no account has this recovery code",
        ),
        RecoveryRefusal::ChallengeExpired => (
            StatusCode::CONFLICT,
            codes::RECOVERY_CHALLENGE_EXPIRED,
            "the challenge was used or has expired; ask for a new one",
        ),
        RecoveryRefusal::InProgress => (
            StatusCode::CONFLICT,
            codes::RECOVERY_IN_PROGRESS,
            "another recovery of this account is waiting out its cool-off",
        ),
        RecoveryRefusal::DeviceKnown => (
            StatusCode::CONFLICT,
            codes::ALREADY_ENROLLED,
            "this device key belongs to an account or another recovery",
        ),
        RecoveryRefusal::NotWaiting => (
            StatusCode::CONFLICT,
            codes::RECOVERY_NOT_WAITING,
            "this recovery is not in its cool-off any more",
        ),
        RecoveryRefusal::SignatureInvalid => (
            StatusCode::FORBIDDEN,
            codes::AUTHORIZATION_INVALID,
            "not signed by this device's payment key",
        ),
    };
    ApiProblem::new(status, code, detail)
}

/// Counts a recovery try for the address (a wrong code names no account) and, once known,
/// the account.
async fn attempt(state: &AppState, ip: &str, account_id: Option<&str>) -> Result<(), ApiProblem> {
    let limits = state.config.device_attempts;
    let mut buckets = vec![(format!("recover:ip:{ip}"), limits.per_ip)];
    if let Some(a) = account_id {
        buckets.push((format!("recover:acct:{a}"), limits.per_account));
    }
    limit_attempts(state, buckets).await
}

/// A challenge for the account a recovery code's lookup names, with the parameters to
/// derive its key. Signed by the new device's key; a lookup no account has is
/// `recovery_code_wrong`. Rate-limited per address and per account.
#[utoipa::path(post, path = "/v1/recovery/challenge", tag = "devices",
    request_body = RecoveryChallengeRequest,
    responses((status = 200, body = RecoveryChallenge), (status = 403, body = Problem),
        (status = 429, body = Problem)))]
pub async fn challenge(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    req: Request,
) -> Result<Json<RecoveryChallenge>, ApiProblem> {
    let signed = read_signed(&state, req).await?;
    let body: RecoveryChallengeRequest = parse_json(&signed.body)?;
    attempt(&state, &ip, None).await?;
    signed
        .verify_offered(&state, &body.device_public_key)
        .await?;
    let now = state.now();
    let challenge = B64.encode(purse_core::api::new_idempotency_key().as_bytes());
    let lookup = body.lookup.clone();
    let (row, key) = state
        .store
        .write(move |tx| recovery::challenge(tx, &lookup, &challenge, now))
        .await?
        .map_err(refusal_problem)?;
    Ok(Json(RecoveryChallenge {
        account_id: row.account_id,
        challenge: row.challenge,
        expires_at: row.expires_at,
        kdf: key.kdf,
    }))
}

/// Claims the account for the signing new device with the recovery key's signature over
/// the challenge and the device's keys. Starts the cool-off; every device of the account
/// gets a `recovery_started` notice and may cancel.
#[utoipa::path(post, path = "/v1/recoveries", tag = "devices", request_body = StartRecoveryRequest,
    responses((status = 201, body = Recovery), (status = 403, body = Problem),
        (status = 409, body = Problem), (status = 429, body = Problem)))]
pub async fn start(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    req: Request,
) -> Result<(StatusCode, Json<Recovery>), ApiProblem> {
    let signed = read_signed(&state, req).await?;
    let body: StartRecoveryRequest = parse_json(&signed.body)?;
    let device_name = shown_text("device_name", &body.device_name, 80)?;
    let account_id = {
        let lookup = body.lookup.clone();
        state
            .store
            .read(|r| r.recovery_key_by_lookup(&lookup))
            .await?
            .map(|k| k.account_id)
    };
    attempt(&state, &ip, account_id.as_deref()).await?;
    let device_id = signed
        .verify_new_device(
            &state,
            &body.device_public_key,
            &body.payment_public_key,
            &body.payment_key_proof,
        )
        .await?;
    let now = state.now();
    let policy = state.config.recovery_policy();
    let recovery_id = random_id("rec");
    let r = state
        .store
        .write(move |tx| {
            recovery::start(
                tx,
                &Claim {
                    recovery_id: &recovery_id,
                    lookup: &body.lookup,
                    challenge: &body.challenge,
                    device_id: &device_id,
                    device_public_key: &body.device_public_key,
                    payment_public_key: &body.payment_public_key,
                    device_name: &device_name,
                    signature: &body.signature,
                    now,
                },
                policy,
            )
        })
        .await?
        .map_err(refusal_problem)?;
    tracing::info!(account = %r.account_id, recovery = %r.recovery_id, "recovery started");
    state.stream_moved();
    Ok((StatusCode::CREATED, Json(present::recovery(r, None))))
}

/// The recovery as its new device sees it (signed by the key it will enroll). Past the
/// cool-off, this completes it: the device joins the account, every other device is revoked,
/// and the answer carries the account.
#[utoipa::path(get, path = "/v1/recoveries/{recovery_id}", tag = "devices",
    params(("recovery_id" = String, Path)),
    responses((status = 200, body = Recovery), (status = 404, body = Problem)))]
pub async fn status(
    State(state): State<AppState>,
    Path(recovery_id): Path<String>,
    req: Request,
) -> Result<Json<Recovery>, ApiProblem> {
    let signed = read_signed(&state, req).await?;
    let keyid = signed.keyid.clone();
    let row = state
        .store
        .read(|r| r.recovery(&recovery_id))
        .await?
        .filter(|r| r.device_id == keyid)
        .ok_or_else(|| ApiProblem::not_found("recovery"))?;
    signed
        .verify_offered(&state, &row.device_public_key)
        .await?;
    let (now, policy) = (state.now(), state.config.recovery_policy());
    let was = row.state;
    let device_id = keyid.clone();
    let (r, joined) = state
        .store
        .write(move |tx| {
            let r = recovery::progress(tx, &recovery_id, &device_id, now, policy)?;
            let joined = match &r {
                Ok(r) if r.state == RecoveryState::Completed => joined_account(tx, &r.account_id)?,
                _ => None,
            };
            Ok((r, joined))
        })
        .await?;
    let r = r.map_err(refusal_problem)?;
    if was != r.state {
        tracing::info!(account = %r.account_id, recovery = %r.recovery_id, "recovery completed");
        state.stream_moved();
    }
    Ok(Json(present::recovery(r, joined)))
}

/// The account's recoveries in their cool-off.
#[utoipa::path(get, path = "/v1/recoveries", tag = "devices",
    responses((status = 200, body = RecoveryList), (status = 401, body = Problem)))]
pub async fn list(
    State(state): State<AppState>,
    auth: Authed,
) -> Result<Json<RecoveryList>, ApiProblem> {
    let now = state.now();
    let data = state
        .store
        .read(|r| recovery::waiting(r, auth.account_id(), now))
        .await?
        .into_iter()
        .map(|r| present::recovery(r, None))
        .collect();
    Ok(Json(RecoveryList { data }))
}

/// Ends a recovery in its cool-off; the payment key of the signing device signs
/// `recovery_cancel_message`.
#[utoipa::path(post, path = "/v1/recoveries/{recovery_id}/cancel", tag = "devices",
    params(("recovery_id" = String, Path),
        ("Idempotency-Key" = String, Header, description = "reuse it for retries")),
    request_body = CancelRecoveryRequest,
    responses((status = 200, body = Recovery), (status = 403, body = Problem),
        (status = 409, body = Problem)))]
pub async fn cancel(
    State(state): State<AppState>,
    Path(recovery_id): Path<String>,
    auth: Authed,
) -> Result<Response, ApiProblem> {
    let now = state.now();
    let key = Key::required(&auth, now)?;
    if let Some(replayed) = key.replayed(state.store.as_ref()).await? {
        return Ok(replayed);
    }
    let body: CancelRecoveryRequest = auth.json()?;
    let device = auth.device.clone();
    let done = idempotency::write(state.store.as_ref(), Some(key), move |tx| {
        let result = recovery::cancel(tx, &device, &recovery_id, &body.signature, now)?;
        let reply = match &result {
            Ok(r) => Reply::json(StatusCode::OK, &present::recovery(r.clone(), None)),
            Err(refusal) => Reply::problem(&refusal_problem(*refusal)),
        };
        Ok((reply, result.is_ok()))
    })
    .await?;
    if let Done::Fresh(_, true) = &done {
        tracing::info!(by = %auth.device.device_id, "recovery cancelled");
        state.stream_moved();
    }
    Ok(done.into_response())
}

/// Replaces the account's recovery code: the payment key signs
/// `recovery_rotation_message`. The old code stops working, and a recovery begun with it ends.
#[utoipa::path(post, path = "/v1/recovery/rotate", tag = "devices",
    params(("Idempotency-Key" = String, Header, description = "reuse it for retries")),
    request_body = RotateRecoveryRequest,
    responses((status = 200), (status = 403, body = Problem)))]
pub async fn rotate(State(state): State<AppState>, auth: Authed) -> Result<Response, ApiProblem> {
    let now = state.now();
    let key = Key::required(&auth, now)?;
    if let Some(replayed) = key.replayed(state.store.as_ref()).await? {
        return Ok(replayed);
    }
    let body: RotateRecoveryRequest = auth.json()?;
    check_recovery_setup(&body.recovery)?;
    let account = own_account(&state, &auth).await?;
    let device = auth.device.clone();
    let done = idempotency::write(state.store.as_ref(), Some(key), move |tx| {
        let result = recovery::rotate(tx, &account, &device, &body.recovery, &body.signature, now)?;
        let reply = match &result {
            Ok(()) => Reply::json(StatusCode::OK, &serde_json::json!({ "rotated_at": now })),
            Err(refusal) => Reply::problem(&refusal_problem(*refusal)),
        };
        Ok((reply, result.is_ok()))
    })
    .await?;
    if let Done::Fresh(_, true) = &done {
        tracing::info!(by = %auth.device.device_id, "recovery code rotated");
        state.stream_moved();
    }
    Ok(done.into_response())
}
