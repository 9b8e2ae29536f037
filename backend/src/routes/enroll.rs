//! `POST /v1/enroll`: a new account with this device's keys.

use axum::Json;
use axum::extract::{Request, State};
use axum::http::StatusCode;
use base64::Engine;
use base64::engine::general_purpose::STANDARD as B64;
use purse_core::api::types::{EnrollRequest, EnrollResponse, RecoverySetup, codes};

use crate::app::AppState;
use crate::auth::{parse_json, read_signed};
use crate::ids::random_id;
use crate::ledger::devices::recovery;
use crate::ledger::{AccountRow, DeviceRow, StoreError};
use crate::present;
use crate::problem::ApiProblem;
use crate::routes::extract::shown_text;

/// Enrollment is signed by the key it registers (keyid = the device id derived from
/// `device_public_key`), which proves the caller holds it; the payment key proves itself with
/// `payment_key_proof`. Repeating an enrollment with the same keys (a retry after a lost
/// answer) returns the same account.
#[utoipa::path(post, path = "/v1/enroll", tag = "devices",
    request_body = EnrollRequest,
    responses((status = 201, body = EnrollResponse), (status = 401, body = purse_core::api::types::Problem)))]
pub async fn enroll(
    State(state): State<AppState>,
    req: Request,
) -> Result<(StatusCode, Json<EnrollResponse>), ApiProblem> {
    let signed = read_signed(&state, req).await?;
    if let Some(t) = &state.throttle {
        t.enrollment(&signed.client_ip)
            .map_err(crate::auth::throttled)?;
    }
    let body: EnrollRequest = parse_json(&signed.body)?;
    let device_id = signed
        .verify_new_device(
            &state,
            &body.device_public_key,
            &body.payment_public_key,
            &body.payment_key_proof,
        )
        .await?;
    let name = shown_text("name", &body.name, 80)?;
    let device_name = shown_text("device_name", &body.device_name, 80)?;
    check_recovery_setup(&body.recovery)?;

    if let Some(existing) = state.store.read(|r| r.device(&device_id)).await? {
        return replay_enrollment(&state, existing, &body).await;
    }
    let now = state.now();
    let account = AccountRow {
        account_id: random_id("acct"),
        name,
        currency: body.currency,
        created_at: now,
        limit_per_payment: None,
        limit_per_day: None,
    };
    let device = DeviceRow {
        device_id: device_id.clone(),
        account_id: account.account_id.clone(),
        name: device_name,
        public_key: body.device_public_key.clone(),
        payment_public_key: body.payment_public_key.clone(),
        created_at: now,
        revoked_at: None,
        restricted_until: None,
    };
    let new_account = account.clone();
    let recovery_setup = body.recovery.clone();
    let created = state
        .store
        .write(move |tx| {
            tx.insert_account(&new_account)?;
            tx.insert_device(&device)?;
            recovery::set_up(tx, &new_account.account_id, &recovery_setup, now)
        })
        .await;
    match created {
        Ok(()) => {}
        Err(StoreError::Duplicate(_)) => {
            let existing = state
                .store
                .read(|r| r.device(&device_id))
                .await?
                .ok_or_else(|| ApiProblem::internal("device vanished"))?;
            return replay_enrollment(&state, existing, &body).await;
        }
        Err(e) => return Err(e.into()),
    }
    tracing::info!(account = %account.account_id, device = %device_id, "enrolled");
    Ok((
        StatusCode::CREATED,
        Json(EnrollResponse {
            account: present::account(&account),
            device_id,
        }),
    ))
}

async fn replay_enrollment(
    state: &AppState,
    existing: DeviceRow,
    body: &EnrollRequest,
) -> Result<(StatusCode, Json<EnrollResponse>), ApiProblem> {
    if existing.payment_public_key != body.payment_public_key || existing.revoked_at.is_some() {
        return Err(ApiProblem::new(
            StatusCode::CONFLICT,
            codes::ALREADY_ENROLLED,
            "this device key is already enrolled",
        ));
    }
    let account = state
        .store
        .read(|r| r.account(&existing.account_id))
        .await?
        .ok_or_else(|| ApiProblem::internal("device without account"))?;
    Ok((
        StatusCode::OK,
        Json(EnrollResponse {
            account: present::account(&account),
            device_id: existing.device_id,
        }),
    ))
}

/// The public half of a recovery code as the wallet sent it: a lookup of 16 bytes in hex,
/// an Ed25519 public key, and KDF parameters a phone can run (the phone checks them too).
pub fn check_recovery_setup(setup: &RecoverySetup) -> Result<(), ApiProblem> {
    let lookup_ok = setup.lookup.len() == 32
        && setup
            .lookup
            .bytes()
            .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b));
    if !lookup_ok {
        return Err(ApiProblem::bad_request(
            "recovery.lookup must be 32 hex digits",
        ));
    }
    if B64.decode(&setup.public_key).map(|k| k.len()) != Ok(32) {
        return Err(ApiProblem::bad_request(
            "recovery.public_key must be a base64 Ed25519 key",
        ));
    }
    let salt_ok = B64
        .decode(&setup.kdf.salt)
        .is_ok_and(|s| (16..=64).contains(&s.len()));
    if setup.kdf.cost().is_none() || !salt_ok {
        return Err(ApiProblem::bad_request(
            "recovery.kdf must be argon2id with an accepted cost and a 16 to 64 byte salt",
        ));
    }
    Ok(())
}
