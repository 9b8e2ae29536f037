//! The merchant side of a wallet: a registered account creates orders with their codes,
//! watches their state and refunds them.

use super::{Wallet, WalletError};
use crate::api::new_idempotency_key;
use crate::api::types::*;
use crate::cache::CachedBalance;
use crate::money::Money;

impl Wallet {
    /// Registers this wallet's account as a merchant. The answer holds the webhook secret,
    /// shown this once.
    pub async fn register_merchant(
        &self,
        req: &RegisterMerchantRequest,
    ) -> Result<MerchantRegistration, WalletError> {
        let (account, creds) = self.credentials().await?;
        self.api(Some(&account))?
            .register_merchant(&creds, req)
            .await
            .map_err(WalletError::from_api)
    }

    /// A one-time link that signs the merchant in to the backend's web console: signed by
    /// the device key, good for `valid_for_secs` (1 to
    /// [`crate::sign::console::MAX_LIFETIME_SECS`]) and one use. Open it in a browser on a
    /// screen the merchant trusts; it is as good as the device until then.
    pub async fn console_link(&self, valid_for_secs: i64) -> Result<String, WalletError> {
        let (account, creds) = self.credentials().await?;
        let claims = crate::sign::console::ConsoleSignIn::valid_for(
            &account.device_id,
            self.now(),
            valid_for_secs,
        )
        .map_err(|e| WalletError::Internal(e.to_string()))?;
        let token = claims
            .sign(&creds.key)
            .map_err(|e| WalletError::Internal(e.to_string()))?;
        let base = self
            .inner
            .cfg
            .backend_url
            .clone()
            .unwrap_or(account.backend_url);
        Ok(format!(
            "{}/console/sign-in?token={token}",
            base.trim_end_matches('/')
        ))
    }

    pub async fn merchant(&self) -> Result<Merchant, WalletError> {
        let (account, creds) = self.credentials().await?;
        self.api(Some(&account))?
            .merchant(&creds)
            .await
            .map_err(WalletError::from_api)
    }

    /// Creates an order (a dynamic code) for `amount`, valid for `expires_in` seconds.
    pub async fn create_order(
        &self,
        amount: Money,
        description: &str,
        expires_in: Option<i64>,
    ) -> Result<Order, WalletError> {
        let (account, creds) = self.credentials().await?;
        let req = CreateOrderRequest {
            amount,
            description: description.to_owned(),
            expires_in,
        };
        self.api(Some(&account))?
            .create_order(&creds, &req, &new_idempotency_key())
            .await
            .map_err(WalletError::from_api)
    }

    pub async fn orders(
        &self,
        limit: u32,
        starting_after: Option<&str>,
    ) -> Result<OrderList, WalletError> {
        let (account, creds) = self.credentials().await?;
        self.api(Some(&account))?
            .orders(&creds, limit, starting_after)
            .await
            .map_err(WalletError::from_api)
    }

    pub async fn order(&self, order_id: &str) -> Result<Order, WalletError> {
        let (account, creds) = self.credentials().await?;
        self.api(Some(&account))?
            .order(&creds, order_id)
            .await
            .map_err(WalletError::from_api)
    }

    pub async fn close_order(&self, order_id: &str) -> Result<Order, WalletError> {
        let (account, creds) = self.credentials().await?;
        self.api(Some(&account))?
            .close_order(&creds, order_id)
            .await
            .map_err(WalletError::from_api)
    }

    /// Refunds `amount` of a paid order to its payer, once (one idempotency key covers the
    /// retries).
    pub async fn refund(
        &self,
        order_id: &str,
        amount: Money,
        reason: &str,
    ) -> Result<Refund, WalletError> {
        let (account, creds) = self.credentials().await?;
        let req = RefundRequest {
            amount,
            reason: reason.to_owned(),
        };
        let refund = self
            .api(Some(&account))?
            .refund(&creds, order_id, &req, &new_idempotency_key())
            .await
            .map_err(WalletError::from_api)?;
        let mut cache = self.inner.cache()?;
        cache.upsert_transactions(std::slice::from_ref(&refund.transaction))?;
        cache.set_balance(CachedBalance {
            balance: refund.balance,
            as_of_seq: refund.transaction.seq,
            fetched_at: self.now(),
        })?;
        Ok(refund)
    }
}
