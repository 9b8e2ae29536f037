//! `POST /v1/enroll`: a new account with this device's keys.

use axum::Json;
use axum::extract::{Request, State};
use axum::http::StatusCode;
use base64::Engine;
use base64::engine::general_purpose::STANDARD as B64;
use purse_core::api::types::{EnrollRequest, EnrollResponse, codes};
use purse_core::keys::{PublicKey, device_id_for, payment_key_proof_message};

use crate::app::AppState;
use crate::auth::{parse_json, read_signed};
use crate::ids::random_id;
use crate::ledger::{AccountRow, DeviceRow, StoreError};
use crate::present;
use crate::problem::ApiProblem;

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
    let body: EnrollRequest = parse_json(&signed.body)?;
    let device_key = PublicKey::from_base64(&body.device_public_key)
        .map_err(|e| ApiProblem::bad_request(format!("device_public_key: {e}")))?;
    let payment_key = PublicKey::from_base64(&body.payment_public_key)
        .map_err(|e| ApiProblem::bad_request(format!("payment_public_key: {e}")))?;
    let device_id = device_id_for(&device_key);
    if signed.keyid != device_id {
        return Err(ApiProblem::unauthorized(
            codes::UNKNOWN_KEY,
            "enrollment must be signed by the key it registers",
        ));
    }
    signed.verify_with(&state, &device_key).await?;
    let proof = B64
        .decode(&body.payment_key_proof)
        .map_err(|_| ApiProblem::bad_request("payment_key_proof is not base64"))?;
    if !payment_key.verify(&payment_key_proof_message(&device_id, &payment_key), &proof) {
        return Err(ApiProblem::unauthorized(
            codes::SIGNATURE_INVALID,
            "payment_key_proof does not verify",
        ));
    }
    let name = body.name.trim();
    if name.is_empty() || name.chars().count() > 80 {
        return Err(ApiProblem::bad_request("name must be 1 to 80 characters"));
    }

    if let Some(existing) = state.store.read(|r| r.device(&device_id)).await? {
        return replay_enrollment(&state, existing, &body).await;
    }
    let now = state.now();
    let account = AccountRow {
        account_id: random_id("acct"),
        name: name.to_owned(),
        currency: body.currency,
        created_at: now,
        limit_per_payment: None,
        limit_per_day: None,
    };
    let device = DeviceRow {
        device_id: device_id.clone(),
        account_id: account.account_id.clone(),
        name: body.device_name.chars().take(80).collect(),
        public_key: body.device_public_key.clone(),
        payment_public_key: body.payment_public_key.clone(),
        created_at: now,
        revoked_at: None,
    };
    let new_account = account.clone();
    let created = state
        .store
        .write(move |tx| {
            tx.insert_account(&new_account)?;
            tx.insert_device(&device)
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
