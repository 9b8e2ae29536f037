//! The endpoints of a second device and of recovery. A device that is joining signs with
//! its own new key (like enrollment); approving, cancelling and rotating are an account
//! device's requests, each with an idempotency key.

use reqwest::Method;

use super::ApiError;
use super::client::{ApiClient, DeviceCredentials, new_idempotency_key, path_segment};
use super::types::*;

impl ApiClient {
    pub async fn create_pairing(
        &self,
        creds: &DeviceCredentials,
        req: &CreatePairingRequest,
    ) -> Result<Pairing, ApiError> {
        self.send(creds, Method::POST, "v1/pairings", Some(req), None)
            .await
    }

    /// The pairing as the new device sees it (signed by the key it offered).
    pub async fn pairing(
        &self,
        creds: &DeviceCredentials,
        pairing_id: &str,
    ) -> Result<Pairing, ApiError> {
        let path = format!("v1/pairings/{}", path_segment(pairing_id));
        self.get(creds, &path).await
    }

    pub async fn open_pairing(
        &self,
        creds: &DeviceCredentials,
        pairing_id: &str,
        req: &OpenPairingRequest,
    ) -> Result<Pairing, ApiError> {
        let path = format!("v1/pairings/{}/open", path_segment(pairing_id));
        self.send(creds, Method::POST, &path, Some(req), None).await
    }

    pub async fn approve_pairing(
        &self,
        creds: &DeviceCredentials,
        pairing_id: &str,
        req: &ApprovePairingRequest,
    ) -> Result<Device, ApiError> {
        let path = format!("v1/pairings/{}/approve", path_segment(pairing_id));
        let key = new_idempotency_key();
        self.send(creds, Method::POST, &path, Some(req), Some(&key))
            .await
    }

    pub async fn recovery_challenge(
        &self,
        creds: &DeviceCredentials,
        req: &RecoveryChallengeRequest,
    ) -> Result<RecoveryChallenge, ApiError> {
        self.send(
            creds,
            Method::POST,
            "v1/recovery/challenge",
            Some(req),
            None,
        )
        .await
    }

    pub async fn start_recovery(
        &self,
        creds: &DeviceCredentials,
        req: &StartRecoveryRequest,
    ) -> Result<Recovery, ApiError> {
        self.send(creds, Method::POST, "v1/recoveries", Some(req), None)
            .await
    }

    /// The recovery as its new device sees it; past the cool-off, asking completes it.
    pub async fn recovery(
        &self,
        creds: &DeviceCredentials,
        recovery_id: &str,
    ) -> Result<Recovery, ApiError> {
        let path = format!("v1/recoveries/{}", path_segment(recovery_id));
        self.get(creds, &path).await
    }

    /// The account's recoveries in their cool-off.
    pub async fn recoveries(&self, creds: &DeviceCredentials) -> Result<RecoveryList, ApiError> {
        self.get(creds, "v1/recoveries").await
    }

    pub async fn cancel_recovery(
        &self,
        creds: &DeviceCredentials,
        recovery_id: &str,
        req: &CancelRecoveryRequest,
    ) -> Result<Recovery, ApiError> {
        let path = format!("v1/recoveries/{}/cancel", path_segment(recovery_id));
        let key = new_idempotency_key();
        self.send(creds, Method::POST, &path, Some(req), Some(&key))
            .await
    }

    pub async fn rotate_recovery(
        &self,
        creds: &DeviceCredentials,
        req: &RotateRecoveryRequest,
    ) -> Result<serde_json::Value, ApiError> {
        let key = new_idempotency_key();
        self.send(
            creds,
            Method::POST,
            "v1/recovery/rotate",
            Some(req),
            Some(&key),
        )
        .await
    }
}
