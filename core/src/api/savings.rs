//! The endpoints of savings: the summary, moves in and out, and the savings history.

use reqwest::Method;

use super::ApiError;
use super::client::{ApiClient, DeviceCredentials, page_path, path_segment};
use super::types::*;

impl ApiClient {
    pub async fn savings(&self, creds: &DeviceCredentials) -> Result<Savings, ApiError> {
        self.get(creds, "v1/savings").await
    }

    /// Sends the stored savings move; the intent id is its idempotency key.
    pub async fn move_savings(
        &self,
        creds: &DeviceCredentials,
        body: &str,
        intent_id: &str,
    ) -> Result<SavingsMove, ApiError> {
        self.send_bytes(
            creds,
            Method::POST,
            "v1/savings/moves",
            body.as_bytes().to_vec(),
            Some(intent_id),
        )
        .await
    }

    pub async fn savings_move(
        &self,
        creds: &DeviceCredentials,
        intent_id: &str,
    ) -> Result<SavingsMove, ApiError> {
        let path = format!("v1/savings/moves/{}", path_segment(intent_id));
        self.get(creds, &path).await
    }

    /// The savings history, newest first, after the cursor `starting_after`.
    pub async fn savings_history(
        &self,
        creds: &DeviceCredentials,
        limit: u32,
        starting_after: Option<&str>,
    ) -> Result<SavingsHistory, ApiError> {
        let path = page_path("v1/savings/history", limit, starting_after);
        self.get(creds, &path).await
    }
}
