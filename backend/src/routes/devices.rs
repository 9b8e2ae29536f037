//! The account's devices: list, revoke.

use axum::Json;
use axum::extract::{Path, State};
use purse_core::api::types::{Device, DeviceList};

use crate::app::AppState;
use crate::auth::Authed;
use crate::present;
use crate::problem::ApiProblem;

#[utoipa::path(get, path = "/v1/devices", tag = "devices",
    responses((status = 200, body = DeviceList), (status = 401, body = purse_core::api::types::Problem)))]
pub async fn list(
    State(state): State<AppState>,
    auth: Authed,
) -> Result<Json<DeviceList>, ApiProblem> {
    let data = state
        .store
        .read(|r| r.devices(auth.account_id()))
        .await?
        .into_iter()
        .map(present::device)
        .collect();
    Ok(Json(DeviceList { data }))
}

/// Revokes a device of the caller's account: from then on its signatures are refused with
/// `device_revoked`. A device may revoke itself (a user signing out for good).
#[utoipa::path(post, path = "/v1/devices/{device_id}/revoke", tag = "devices",
    params(("device_id" = String, Path)),
    responses((status = 200, body = Device), (status = 404, body = purse_core::api::types::Problem)))]
pub async fn revoke(
    State(state): State<AppState>,
    Path(device_id): Path<String>,
    auth: Authed,
) -> Result<Json<Device>, ApiProblem> {
    let (account_id, now) = (auth.account_id().to_owned(), state.now());
    let target = device_id.clone();
    let d = state
        .store
        .write(move |tx| tx.revoke_device(&account_id, &target, now))
        .await?
        .ok_or_else(|| ApiProblem::not_found("device"))?;
    tracing::info!(device = %device_id, by = %auth.device.device_id, "device revoked");
    Ok(Json(present::device(d)))
}
