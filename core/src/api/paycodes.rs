//! The endpoints of pay codes: the device's secret, charging at a till, and the customer's
//! confirmations and limit.

use reqwest::Method;

use super::ApiError;
use super::client::{ApiClient, DeviceCredentials, new_idempotency_key, path_segment};
use super::types::*;
use crate::money::Money;

impl ApiClient {
    /// A fresh pay-code secret for this device (replacing the last).
    pub async fn paycode_key(&self, creds: &DeviceCredentials) -> Result<PayCodeKey, ApiError> {
        self.post_empty(creds, "v1/paycode/key").await
    }

    /// A till charges a code; one idempotency key per sale.
    pub async fn charge_paycode(
        &self,
        creds: &DeviceCredentials,
        req: &ChargeRequest,
    ) -> Result<PayCodeCharge, ApiError> {
        let key = new_idempotency_key();
        self.send(
            creds,
            Method::POST,
            "v1/paycode/charges",
            Some(req),
            Some(&key),
        )
        .await
    }

    pub async fn paycode_charge(
        &self,
        creds: &DeviceCredentials,
        charge_id: &str,
    ) -> Result<PayCodeCharge, ApiError> {
        let path = format!("v1/paycode/charges/{}", path_segment(charge_id));
        self.get(creds, &path).await
    }

    pub async fn waiting_charges(
        &self,
        creds: &DeviceCredentials,
    ) -> Result<PayCodeChargeList, ApiError> {
        self.get(creds, "v1/paycode/waiting").await
    }

    /// Confirms a waiting charge; its id is the idempotency key, so a repeat is answered as
    /// the first.
    pub async fn confirm_charge(
        &self,
        creds: &DeviceCredentials,
        req: &ConfirmChargeRequest,
    ) -> Result<PayCodeCharge, ApiError> {
        let id = &req.authorization.charge_id;
        let path = format!("v1/paycode/charges/{}/confirm", path_segment(id));
        self.send(creds, Method::POST, &path, Some(req), Some(id))
            .await
    }

    pub async fn decline_charge(
        &self,
        creds: &DeviceCredentials,
        charge_id: &str,
    ) -> Result<PayCodeCharge, ApiError> {
        let path = format!("v1/paycode/charges/{}/decline", path_segment(charge_id));
        self.post_empty(creds, &path).await
    }

    pub async fn paycode_limit(&self, creds: &DeviceCredentials) -> Result<PayCodeLimit, ApiError> {
        self.get(creds, "v1/paycode/limit").await
    }

    pub async fn set_paycode_limit(
        &self,
        creds: &DeviceCredentials,
        limit: Money,
    ) -> Result<PayCodeLimit, ApiError> {
        self.send(creds, Method::PUT, "v1/paycode/limit", Some(&limit), None)
            .await
    }
}
