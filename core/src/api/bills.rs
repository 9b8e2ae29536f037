//! The endpoints of bills and phone top-up: the catalogue, fetching a bill, operators for a
//! number, quotes, bill payments, saved billers, and the sandbox billers' later answers.

use reqwest::Method;

use super::ApiError;
use super::client::{ApiClient, DeviceCredentials, path_segment};
use super::types::*;

impl ApiClient {
    pub async fn billers(
        &self,
        creds: &DeviceCredentials,
        category: Option<BillerCategory>,
    ) -> Result<BillerList, ApiError> {
        let path = match category {
            Some(c) => format!("v1/billers?category={}", c.as_str()),
            None => "v1/billers".to_owned(),
        };
        self.get(creds, &path).await
    }

    pub async fn biller(&self, creds: &DeviceCredentials, id: &str) -> Result<Biller, ApiError> {
        let path = format!("v1/billers/{}", path_segment(id));
        self.get(creds, &path).await
    }

    pub async fn fetch_bill(
        &self,
        creds: &DeviceCredentials,
        biller_id: &str,
        reference: &str,
    ) -> Result<Bill, ApiError> {
        let path = format!(
            "v1/billers/{}/bill?reference={}",
            path_segment(biller_id),
            path_segment(reference)
        );
        self.get(creds, &path).await
    }

    pub async fn operators(
        &self,
        creds: &DeviceCredentials,
        number: &str,
    ) -> Result<OperatorLookup, ApiError> {
        let path = format!("v1/operators?number={}", path_segment(number));
        self.get(creds, &path).await
    }

    pub async fn bill_quote(
        &self,
        creds: &DeviceCredentials,
        req: &BillQuoteRequest,
    ) -> Result<BillQuote, ApiError> {
        self.send(creds, Method::POST, "v1/bill-quotes", Some(req), None)
            .await
    }

    /// Sends the stored bill payment request; the intent id is its idempotency key.
    pub async fn pay_bill(
        &self,
        creds: &DeviceCredentials,
        body: &str,
        intent_id: &str,
    ) -> Result<BillPayment, ApiError> {
        self.send_bytes(
            creds,
            Method::POST,
            "v1/bill-payments",
            body.as_bytes().to_vec(),
            Some(intent_id),
        )
        .await
    }

    pub async fn bill_payment(
        &self,
        creds: &DeviceCredentials,
        intent_id: &str,
    ) -> Result<BillPayment, ApiError> {
        let path = format!("v1/bill-payments/{}", path_segment(intent_id));
        self.get(creds, &path).await
    }

    pub async fn bill_payments(
        &self,
        creds: &DeviceCredentials,
    ) -> Result<BillPaymentList, ApiError> {
        self.get(creds, "v1/bill-payments").await
    }

    pub async fn saved_billers(
        &self,
        creds: &DeviceCredentials,
    ) -> Result<SavedBillerList, ApiError> {
        self.get(creds, "v1/saved-billers").await
    }

    pub async fn save_biller(
        &self,
        creds: &DeviceCredentials,
        req: &SaveBillerRequest,
    ) -> Result<SavedBiller, ApiError> {
        self.send(creds, Method::POST, "v1/saved-billers", Some(req), None)
            .await
    }

    pub async fn forget_biller(
        &self,
        creds: &DeviceCredentials,
        saved_id: &str,
    ) -> Result<SavedBillerList, ApiError> {
        let path = format!("v1/saved-billers/{}", path_segment(saved_id));
        self.send::<(), _>(creds, Method::DELETE, &path, None, None)
            .await
    }

    pub async fn due_bills(&self, creds: &DeviceCredentials) -> Result<DueBillList, ApiError> {
        self.get(creds, "v1/saved-billers/due").await
    }

    /// Sandbox only: the billers of this account's pending payments answer now.
    pub async fn sandbox_advance_billers(
        &self,
        creds: &DeviceCredentials,
    ) -> Result<BillPaymentList, ApiError> {
        self.post_empty(creds, "v1/sandbox/billers/advance").await
    }
}
