//! The endpoints of withdrawals to a linked bank account, the payouts a merchant's console
//! asks the phone for, and the sandbox's way to make the bank settle them.

use reqwest::Method;

use super::ApiError;
use super::client::{ApiClient, DeviceCredentials, path_segment};
use super::types::*;

impl ApiClient {
    /// Sends the stored withdrawal request; the intent id is its idempotency key.
    pub async fn withdraw(
        &self,
        creds: &DeviceCredentials,
        body: &str,
        intent_id: &str,
    ) -> Result<Withdrawal, ApiError> {
        self.send_bytes(
            creds,
            Method::POST,
            "v1/withdrawals",
            body.as_bytes().to_vec(),
            Some(intent_id),
        )
        .await
    }

    pub async fn withdrawal(
        &self,
        creds: &DeviceCredentials,
        intent_id: &str,
    ) -> Result<Withdrawal, ApiError> {
        let path = format!("v1/withdrawals/{}", path_segment(intent_id));
        self.get(creds, &path).await
    }

    pub async fn withdrawals(&self, creds: &DeviceCredentials) -> Result<WithdrawalList, ApiError> {
        self.get(creds, "v1/withdrawals").await
    }

    /// Sandbox only: the bank settles this account's held withdrawals now.
    pub async fn sandbox_settle_withdrawals(
        &self,
        creds: &DeviceCredentials,
    ) -> Result<WithdrawalList, ApiError> {
        self.post_empty(creds, "v1/sandbox/withdrawals/settle")
            .await
    }

    /// Payouts the merchant console asked for that wait for this phone.
    pub async fn waiting_payouts(&self, creds: &DeviceCredentials) -> Result<PayoutList, ApiError> {
        self.get(creds, "v1/payouts/waiting").await
    }

    pub async fn payout(
        &self,
        creds: &DeviceCredentials,
        payout_id: &str,
    ) -> Result<Payout, ApiError> {
        let path = format!("v1/payouts/{}", path_segment(payout_id));
        self.get(creds, &path).await
    }

    pub async fn decline_payout(
        &self,
        creds: &DeviceCredentials,
        payout_id: &str,
    ) -> Result<Payout, ApiError> {
        let path = format!("v1/payouts/{}/decline", path_segment(payout_id));
        self.post_empty(creds, &path).await
    }
}
