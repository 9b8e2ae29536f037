//! The account's devices: list, revoke.

use axum::Json;
use axum::extract::{Path, State};
use purse_core::api::types::{Device, DeviceList};

use crate::auth::Authed;
use crate::problem::ApiProblem;
use crate::server::AppState;
use crate::store::{DeviceRow, Store};

#[utoipa::path(get, path = "/v1/devices", tag = "devices",
    responses((status = 200, body = DeviceList), (status = 401, body = purse_core::api::types::Problem)))]
pub async fn list<S: Store>(
    State(state): State<AppState<S>>,
    auth: Authed,
) -> Result<Json<DeviceList>, ApiProblem> {
    let data = state
        .store
        .devices(auth.account_id())
        .await?
        .into_iter()
        .map(to_device)
        .collect();
    Ok(Json(DeviceList { data }))
}

/// Revokes a device of the caller's account: from then on its signatures are refused with
/// `device_revoked`. A device may revoke itself (a user signing out for good).
#[utoipa::path(post, path = "/v1/devices/{device_id}/revoke", tag = "devices",
    params(("device_id" = String, Path)),
    responses((status = 200, body = Device), (status = 404, body = purse_core::api::types::Problem)))]
pub async fn revoke<S: Store>(
    State(state): State<AppState<S>>,
    Path(device_id): Path<String>,
    auth: Authed,
) -> Result<Json<Device>, ApiProblem> {
    let d = state
        .store
        .revoke_device(auth.account_id(), &device_id, state.now())
        .await?
        .ok_or_else(|| ApiProblem::not_found("device"))?;
    tracing::info!(device = %device_id, by = %auth.device.device_id, "device revoked");
    Ok(Json(to_device(d)))
}

fn to_device(d: DeviceRow) -> Device {
    Device {
        device_id: d.device_id,
        name: d.name,
        public_key: d.public_key,
        created_at: d.created_at,
        revoked_at: d.revoked_at,
    }
}
