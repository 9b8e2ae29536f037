//! One typed method per endpoint of `/v1`: the path, the method and whether the call carries
//! an idempotency key. How a request is signed, sent and retried is `client.rs`.

use reqwest::Method;

use super::ApiError;
use super::client::{ApiClient, DeviceCredentials, new_idempotency_key, page_path, path_segment};
use super::types::*;

impl ApiClient {
    pub async fn enroll(
        &self,
        creds: &DeviceCredentials,
        req: &EnrollRequest,
    ) -> Result<EnrollResponse, ApiError> {
        let key = new_idempotency_key();
        self.send(creds, Method::POST, "v1/enroll", Some(req), Some(&key))
            .await
    }

    pub async fn account(&self, creds: &DeviceCredentials) -> Result<Account, ApiError> {
        self.get(creds, "v1/account").await
    }

    pub async fn balance(&self, creds: &DeviceCredentials) -> Result<Balance, ApiError> {
        self.get(creds, "v1/balance").await
    }

    /// One page of history, newest first; pass the last id of a page as `starting_after` to
    /// get the next.
    pub async fn transactions(
        &self,
        creds: &DeviceCredentials,
        limit: u32,
        starting_after: Option<&str>,
    ) -> Result<TransactionPage, ApiError> {
        let path = page_path("v1/transactions", limit, starting_after);
        self.get(creds, &path).await
    }

    pub async fn devices(&self, creds: &DeviceCredentials) -> Result<DeviceList, ApiError> {
        self.get(creds, "v1/devices").await
    }

    pub async fn revoke_device(
        &self,
        creds: &DeviceCredentials,
        device_id: &str,
    ) -> Result<Device, ApiError> {
        let path = format!("v1/devices/{}/revoke", path_segment(device_id));
        let key = new_idempotency_key();
        self.send(
            creds,
            Method::POST,
            &path,
            Some(&serde_json::json!({})),
            Some(&key),
        )
        .await
    }

    pub async fn link_card(
        &self,
        creds: &DeviceCredentials,
        req: &LinkCardRequest,
    ) -> Result<FundingSource, ApiError> {
        let key = new_idempotency_key();
        self.send(
            creds,
            Method::POST,
            "v1/funding/cards",
            Some(req),
            Some(&key),
        )
        .await
    }

    pub async fn link_bank(
        &self,
        creds: &DeviceCredentials,
        req: &LinkBankRequest,
    ) -> Result<FundingSource, ApiError> {
        let key = new_idempotency_key();
        self.send(
            creds,
            Method::POST,
            "v1/funding/banks",
            Some(req),
            Some(&key),
        )
        .await
    }

    pub async fn funding_sources(
        &self,
        creds: &DeviceCredentials,
    ) -> Result<FundingSourceList, ApiError> {
        self.get(creds, "v1/funding/sources").await
    }

    /// Moves money in from a linked source. The caller owns `idempotency_key` and must reuse
    /// it for every retry of the same top-up, across restarts too.
    pub async fn topup(
        &self,
        creds: &DeviceCredentials,
        req: &TopupRequest,
        idempotency_key: &str,
    ) -> Result<Topup, ApiError> {
        self.send(
            creds,
            Method::POST,
            "v1/topups",
            Some(req),
            Some(idempotency_key),
        )
        .await
    }

    pub async fn register_merchant(
        &self,
        creds: &DeviceCredentials,
        req: &RegisterMerchantRequest,
    ) -> Result<MerchantRegistration, ApiError> {
        let key = new_idempotency_key();
        self.send(creds, Method::POST, "v1/merchant", Some(req), Some(&key))
            .await
    }

    pub async fn merchant(&self, creds: &DeviceCredentials) -> Result<Merchant, ApiError> {
        self.get(creds, "v1/merchant").await
    }

    /// Creates an order; `idempotency_key` makes retries return the same order.
    pub async fn create_order(
        &self,
        creds: &DeviceCredentials,
        req: &CreateOrderRequest,
        idempotency_key: &str,
    ) -> Result<Order, ApiError> {
        self.send(
            creds,
            Method::POST,
            "v1/merchant/orders",
            Some(req),
            Some(idempotency_key),
        )
        .await
    }

    pub async fn orders(
        &self,
        creds: &DeviceCredentials,
        limit: u32,
        starting_after: Option<&str>,
    ) -> Result<OrderList, ApiError> {
        let mut path = format!("v1/merchant/orders?limit={limit}");
        if let Some(a) = starting_after {
            path.push_str(&format!("&starting_after={}", path_segment(a)));
        }
        self.get(creds, &path).await
    }

    pub async fn order(
        &self,
        creds: &DeviceCredentials,
        order_id: &str,
    ) -> Result<Order, ApiError> {
        let path = format!("v1/merchant/orders/{}", path_segment(order_id));
        self.get(creds, &path).await
    }

    pub async fn close_order(
        &self,
        creds: &DeviceCredentials,
        order_id: &str,
    ) -> Result<Order, ApiError> {
        let path = format!("v1/merchant/orders/{}/close", path_segment(order_id));
        self.send::<(), _>(creds, Method::POST, &path, None, None)
            .await
    }

    pub async fn refund(
        &self,
        creds: &DeviceCredentials,
        order_id: &str,
        req: &RefundRequest,
        idempotency_key: &str,
    ) -> Result<Refund, ApiError> {
        let path = format!("v1/merchant/orders/{}/refunds", path_segment(order_id));
        self.send(creds, Method::POST, &path, Some(req), Some(idempotency_key))
            .await
    }

    pub async fn quote(
        &self,
        creds: &DeviceCredentials,
        merchant_id: &str,
        order_id: Option<&str>,
    ) -> Result<Quote, ApiError> {
        let mut path = format!("v1/quote?merchant_id={}", path_segment(merchant_id));
        if let Some(o) = order_id {
            path.push_str(&format!("&order_id={}", path_segment(o)));
        }
        self.get(creds, &path).await
    }

    /// Sends a payment whose body was committed to the outbox: the exact bytes, so that a
    /// repeat is recognised as the same request. The idempotency key is the intent id.
    pub async fn pay(
        &self,
        creds: &DeviceCredentials,
        body: &str,
        intent_id: &str,
    ) -> Result<Payment, ApiError> {
        self.send_bytes(
            creds,
            Method::POST,
            "v1/payments",
            body.as_bytes().to_vec(),
            Some(intent_id),
        )
        .await
    }

    pub async fn payment(
        &self,
        creds: &DeviceCredentials,
        intent_id: &str,
    ) -> Result<Payment, ApiError> {
        let path = format!("v1/payments/{}", path_segment(intent_id));
        self.get(creds, &path).await
    }

    pub async fn limits(&self, creds: &DeviceCredentials) -> Result<Limits, ApiError> {
        self.get(creds, "v1/account/limits").await
    }

    pub async fn set_limits(
        &self,
        creds: &DeviceCredentials,
        req: &SetLimitsRequest,
    ) -> Result<Limits, ApiError> {
        self.send(creds, Method::PUT, "v1/account/limits", Some(req), None)
            .await
    }

    /// Events after `after` and device notices after `notices_after`; with `wait_secs`,
    /// the backend holds the request open until one happens (keep it below the client's
    /// timeout).
    pub async fn events(
        &self,
        creds: &DeviceCredentials,
        after: i64,
        notices_after: i64,
        wait_secs: u64,
    ) -> Result<EventPage, ApiError> {
        let path =
            format!("v1/events?after={after}&notices_after={notices_after}&wait={wait_secs}");
        self.get(creds, &path).await
    }
}
