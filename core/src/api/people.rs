//! The endpoints of people: profile, handle, contacts and their codes, recipients, the
//! sandbox outbox, and transfers.

use reqwest::Method;

use super::ApiError;
use super::client::{ApiClient, DeviceCredentials, path_segment};
use super::types::*;

impl ApiClient {
    pub async fn profile(&self, creds: &DeviceCredentials) -> Result<Profile, ApiError> {
        self.get(creds, "v1/profile").await
    }

    pub async fn set_handle(
        &self,
        creds: &DeviceCredentials,
        req: &SetHandleRequest,
    ) -> Result<Profile, ApiError> {
        self.send(creds, Method::PUT, "v1/profile/handle", Some(req), None)
            .await
    }

    pub async fn add_contact(
        &self,
        creds: &DeviceCredentials,
        req: &AddContactRequest,
    ) -> Result<ContactChallenge, ApiError> {
        self.send(creds, Method::POST, "v1/profile/contacts", Some(req), None)
            .await
    }

    pub async fn verify_contact(
        &self,
        creds: &DeviceCredentials,
        req: &VerifyContactRequest,
    ) -> Result<Profile, ApiError> {
        self.send(
            creds,
            Method::POST,
            "v1/profile/contacts/verify",
            Some(req),
            None,
        )
        .await
    }

    pub async fn find_recipient(
        &self,
        creds: &DeviceCredentials,
        query: &str,
    ) -> Result<Recipient, ApiError> {
        let q: String = url::form_urlencoded::byte_serialize(query.as_bytes()).collect();
        self.get(creds, &format!("v1/recipients?q={q}")).await
    }

    pub async fn sandbox_messages(
        &self,
        creds: &DeviceCredentials,
    ) -> Result<SandboxMessageList, ApiError> {
        self.get(creds, "v1/sandbox/messages").await
    }

    /// Sends the stored transfer request; the intent id is its idempotency key.
    pub async fn transfer(
        &self,
        creds: &DeviceCredentials,
        body: &str,
        intent_id: &str,
    ) -> Result<Transfer, ApiError> {
        self.send_bytes(
            creds,
            Method::POST,
            "v1/transfers",
            body.as_bytes().to_vec(),
            Some(intent_id),
        )
        .await
    }

    pub async fn transfer_of(
        &self,
        creds: &DeviceCredentials,
        intent_id: &str,
    ) -> Result<Transfer, ApiError> {
        let path = format!("v1/transfers/{}", path_segment(intent_id));
        self.get(creds, &path).await
    }

    pub async fn receive_code(&self, creds: &DeviceCredentials) -> Result<ReceiveCode, ApiError> {
        self.get(creds, "v1/receive-code").await
    }

    pub async fn rotate_receive_code(
        &self,
        creds: &DeviceCredentials,
    ) -> Result<ReceiveCode, ApiError> {
        self.post_empty(creds, "v1/receive-code/rotate").await
    }

    pub async fn resolve_receive_code(
        &self,
        creds: &DeviceCredentials,
        code_id: &str,
    ) -> Result<Recipient, ApiError> {
        let path = format!("v1/receive-codes/{}", path_segment(code_id));
        self.get(creds, &path).await
    }

    pub async fn create_request(
        &self,
        creds: &DeviceCredentials,
        req: &CreateMoneyRequest,
    ) -> Result<MoneyRequest, ApiError> {
        self.send(creds, Method::POST, "v1/requests", Some(req), None)
            .await
    }

    pub async fn requests(
        &self,
        creds: &DeviceCredentials,
        incoming: bool,
    ) -> Result<MoneyRequestList, ApiError> {
        let role = if incoming { "incoming" } else { "outgoing" };
        self.get(creds, &format!("v1/requests?role={role}")).await
    }

    /// Declines (`decline`) or cancels (`cancel`) a request.
    pub async fn end_request(
        &self,
        creds: &DeviceCredentials,
        request_id: &str,
        action: &str,
    ) -> Result<MoneyRequest, ApiError> {
        let path = format!("v1/requests/{}/{action}", path_segment(request_id));
        self.post_empty(creds, &path).await
    }

    pub async fn block(&self, creds: &DeviceCredentials, account_id: &str) -> Result<(), ApiError> {
        let req = BlockRequest {
            account_id: account_id.to_owned(),
        };
        self.send::<_, serde_json::Value>(creds, Method::POST, "v1/blocks", Some(&req), None)
            .await
            .map(|_| ())
    }
}
