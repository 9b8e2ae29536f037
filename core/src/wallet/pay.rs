//! The payment flow on the wallet: resolve a code into a quote, confirm and authorize with
//! the payment key, commit the intent to the outbox, send, settle; reconcile what is left
//! pending; follow the account's events.

use std::sync::Arc;
use std::time::Duration;

use base64::Engine;
use base64::engine::general_purpose::STANDARD as B64;

use super::outbox::new_intent_id;
use super::{Wallet, WalletError};
use crate::api::types::*;
use crate::cache::{CachedBalance, IntentKind, IntentState};
use crate::money::Money;
use crate::pay::{
    AUTHORIZATION_TTL_SECS, EventListener, PayQuote, PayStage, PayTarget, PaymentOutcome,
};
use crate::sign::PaymentAuthorization;

/// What one poll of the account's stream brought.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct Polled {
    /// Money that moved, oldest first.
    pub events: Vec<Event>,
    /// What happened to the account's devices, oldest first.
    pub notices: Vec<Notice>,
}

/// How long one event poll waits on the backend; below the client's timeout.
const EVENT_WAIT_SECS: u64 = 10;

impl Wallet {
    /// Resolves a scanned payload into a quote from the backend.
    pub async fn resolve_payload(&self, payload: &str) -> Result<PayQuote, WalletError> {
        self.resolve(crate::pay::target_of_payload(payload)?).await
    }

    /// Asks the backend who the merchant is (its verified name, never the code's) and, for
    /// an order, its amount and expiry.
    pub async fn resolve(&self, target: PayTarget) -> Result<PayQuote, WalletError> {
        let (account, creds) = self.credentials().await?;
        let quote = self
            .api(Some(&account))?
            .quote(&creds, &target.merchant_id, target.order_id.as_deref())
            .await
            .map_err(WalletError::from_api)?;
        Ok(PayQuote {
            quote,
            claimed_name: target.claimed_name,
            claimed_amount: target.claimed_amount,
        })
    }

    /// Pays a quote. `amount` is the payer's for a static code and must be `None` or the
    /// order's amount otherwise.
    pub async fn pay(
        &self,
        quote: &PayQuote,
        amount: Option<Money>,
    ) -> Result<PaymentOutcome, WalletError> {
        self.pay_with_progress(quote, amount, &|_| {}).await
    }

    /// [`Wallet::pay`], reporting each [`PayStage`] as it is reached.
    pub async fn pay_with_progress(
        &self,
        quote: &PayQuote,
        amount: Option<Money>,
        progress: &(dyn Fn(PayStage) + Send + Sync),
    ) -> Result<PaymentOutcome, WalletError> {
        let q = &quote.quote;
        let amount = match (q.amount, amount) {
            (Some(fixed), None) => fixed,
            (Some(fixed), Some(a)) if a == fixed => fixed,
            (Some(fixed), Some(_)) => {
                return Err(WalletError::InvalidInput(format!(
                    "this order is for {fixed}"
                )));
            }
            (None, Some(a)) => a,
            (None, None) => {
                return Err(WalletError::InvalidInput("enter the amount to pay".into()));
            }
        };
        if amount.currency != q.currency || !amount.is_positive() {
            return Err(WalletError::InvalidInput(format!(
                "the amount must be a positive amount in {}",
                q.currency
            )));
        }
        // Unlock the device first, so the prompts come in the order the user expects.
        let (account, creds) = self.credentials().await?;
        let intent_id = new_intent_id()?;
        let auth = PaymentAuthorization {
            intent_id: intent_id.clone(),
            account_id: account.account_id.clone(),
            payee_id: q.merchant_id.clone(),
            order_id: q.order_id.clone(),
            amount,
            expires_at: self.now() + AUTHORIZATION_TTL_SECS,
        };
        progress(PayStage::Authorizing);
        let sig = self
            .authorize_payment(&auth, format!("Pay {amount} to {}", q.merchant_name))
            .await?;
        let record = self.commit_intent(
            IntentKind::Payment,
            &intent_id,
            &PaymentRequest {
                payee_id: q.merchant_id.clone(),
                order_id: q.order_id.clone(),
                amount,
                authorization: auth,
                authorization_signature: B64.encode(sig),
            },
            &q.merchant_name,
            amount,
        )?;
        progress(PayStage::Committed {
            intent_id: intent_id.clone(),
        });
        progress(PayStage::Sending {
            intent_id: intent_id.clone(),
        });
        let outcome = match self.send_recorded::<Payment>(&creds, &record).await? {
            Some(payment) => PaymentOutcome::Completed { payment },
            None => PaymentOutcome::Pending {
                intent_id: intent_id.clone(),
            },
        };
        if let PaymentOutcome::Completed { .. } = &outcome {
            progress(PayStage::Settled { intent_id });
        }
        Ok(outcome)
    }

    /// Where one payment stands, asking the backend again if its answer was lost: what a
    /// "payment pending" screen calls until it can say paid or refused.
    pub async fn settle(&self, intent_id: &str) -> Result<PaymentOutcome, WalletError> {
        Ok(match self.settle_recorded::<Payment>(intent_id).await? {
            Some(payment) => PaymentOutcome::Completed { payment },
            None => PaymentOutcome::Pending {
                intent_id: intent_id.to_owned(),
            },
        })
    }

    /// Reads the next events and device notices (waiting up to `wait_secs` for one),
    /// applies them to the cache and returns them. A payment event settles its intent if it
    /// was still pending.
    pub async fn poll_events(&self, wait_secs: u64) -> Result<Polled, WalletError> {
        let (account, creds) = self.credentials().await?;
        let (after, notices_after) = {
            let cache = self.inner.cache()?;
            (cache.event_cursor()?, cache.notice_cursor()?)
        };
        let page = self
            .api(Some(&account))?
            .events(&creds, after, notices_after, wait_secs.min(EVENT_WAIT_SECS))
            .await
            .map_err(WalletError::from_api)?;
        let mut settle = Vec::new();
        {
            let mut cache = self.inner.cache()?;
            let txs: Vec<Transaction> = page.data.iter().map(|e| e.transaction.clone()).collect();
            cache.upsert_transactions(&txs)?;
            for e in &page.data {
                cache.set_balance(CachedBalance {
                    balance: e.balance,
                    as_of_seq: e.transaction.seq,
                    fetched_at: self.now(),
                })?;
                if let Some(i) = &e.transaction.intent_id
                    && cache
                        .intent(i)?
                        .is_some_and(|r| r.state == IntentState::Pending)
                {
                    settle.push(i.clone());
                }
            }
            // The code on the screen is used: the next one shows at once.
            if super::paycodes::charge_seen(&page) {
                cache.mark_paycode_shown_used()?;
            }
            cache.set_event_cursor(page.next_cursor)?;
            cache.set_notice_cursor(page.next_notice_cursor)?;
        }
        for intent_id in settle {
            self.settle_seen(&creds, &intent_id).await;
        }
        Ok(Polled {
            events: page.data,
            notices: page.notices,
        })
    }

    /// Follows the event stream until the future is dropped, handing each event to
    /// `listener`. Network trouble is reported to the listener and retried with backoff;
    /// errors that retrying cannot fix (revoked device, no wallet) end it.
    pub async fn follow_events(&self, listener: Arc<dyn EventListener>) -> WalletError {
        let mut backoff = Duration::from_millis(500);
        loop {
            match self.poll_events(EVENT_WAIT_SECS).await {
                Ok(polled) => {
                    backoff = Duration::from_millis(500);
                    for n in polled.notices {
                        listener.on_notice(n);
                    }
                    for e in polled.events {
                        listener.on_event(e);
                    }
                }
                Err(e) => {
                    let retry = match &e {
                        WalletError::Api(a) => a.is_retryable(),
                        _ => false,
                    };
                    if !retry {
                        return e;
                    }
                    listener.on_error(e.to_string());
                    tokio::time::sleep(backoff).await;
                    backoff = (backoff * 2).min(Duration::from_secs(30));
                }
            }
        }
    }

    pub async fn limits(&self) -> Result<Limits, WalletError> {
        let (account, creds) = self.credentials().await?;
        self.api(Some(&account))?
            .limits(&creds)
            .await
            .map_err(WalletError::from_api)
    }

    /// Lowers (or raises, up to the backend's maxima) the account's spending limits.
    pub async fn set_limits(
        &self,
        per_payment: Option<Money>,
        per_day: Option<Money>,
    ) -> Result<Limits, WalletError> {
        let (account, creds) = self.credentials().await?;
        self.api(Some(&account))?
            .set_limits(
                &creds,
                &SetLimitsRequest {
                    per_payment,
                    per_day,
                },
            )
            .await
            .map_err(WalletError::from_api)
    }
}
