//! The payment flow on the wallet: resolve a code into a quote, confirm and authorize with
//! the payment key, commit the intent to the outbox, send, settle; reconcile what is left
//! pending; follow the account's events.

use std::sync::Arc;
use std::time::Duration;

use base64::Engine;
use base64::engine::general_purpose::STANDARD as B64;

use super::{Wallet, WalletError};
use crate::api::types::*;
use crate::api::{ApiError, DeviceCredentials};
use crate::cache::{CachedBalance, IntentRecord, IntentState};
use crate::keys::random_bytes;
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

fn new_intent_id() -> Result<String, WalletError> {
    let b = random_bytes::<12>().map_err(|e| WalletError::Internal(e.to_string()))?;
    Ok(format!("pi_{}", hex::encode(b)))
}

/// Whether an error from sending a payment is the backend's final word on it. Only a
/// refusal of the payment itself is: lost answers, server errors and refusals of the
/// request's envelope (signature, clock, device) leave the outcome unknown.
fn is_final(e: &ApiError) -> bool {
    match e {
        ApiError::Problem(p) => {
            matches!(p.status, 400 | 402 | 404 | 409 | 422)
                && p.code != codes::IDEMPOTENCY_KEY_REUSED
                && p.code != codes::NONCE_REPLAYED
        }
        _ => false,
    }
}

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
        let body = serde_json::to_string(&PaymentRequest {
            payee_id: q.merchant_id.clone(),
            order_id: q.order_id.clone(),
            amount,
            authorization: auth,
            authorization_signature: B64.encode(sig),
        })
        .map_err(|e| WalletError::Internal(e.to_string()))?;
        let now = self.now();
        let record = IntentRecord {
            intent_id: intent_id.clone(),
            state: IntentState::Pending,
            request_json: body,
            merchant_name: q.merchant_name.clone(),
            amount,
            created_at: now,
            updated_at: now,
            payment_json: None,
            error_code: None,
            error_message: None,
        };
        self.inner.cache()?.insert_intent(&record)?;
        tracing::info!(intent = %intent_id, "payment intent committed");
        progress(PayStage::Committed {
            intent_id: intent_id.clone(),
        });
        progress(PayStage::Sending {
            intent_id: intent_id.clone(),
        });
        let outcome = self.send_intent(&creds, &record).await?;
        if let PaymentOutcome::Completed { .. } = &outcome {
            progress(PayStage::Settled { intent_id });
        }
        Ok(outcome)
    }

    /// Sends (or re-sends) an intent from the outbox and records the backend's answer.
    async fn send_intent(
        &self,
        creds: &DeviceCredentials,
        record: &IntentRecord,
    ) -> Result<PaymentOutcome, WalletError> {
        let account = self.require_account()?;
        let api = self.api(Some(&account))?;
        match api
            .pay(creds, &record.request_json, &record.intent_id)
            .await
        {
            Ok(payment) => {
                self.settled(&payment)?;
                Ok(PaymentOutcome::Completed { payment })
            }
            Err(ApiError::Problem(p)) if p.code == codes::INTENT_ALREADY_USED => {
                // Paid long ago, its stored answer since forgotten: fetch the payment.
                let payment = api
                    .payment(creds, &record.intent_id)
                    .await
                    .map_err(WalletError::from_api)?;
                self.settled(&payment)?;
                Ok(PaymentOutcome::Completed { payment })
            }
            Err(e) if is_final(&e) => {
                if let ApiError::Problem(p) = &e {
                    self.inner.cache()?.fail_intent(
                        &record.intent_id,
                        &p.code,
                        &p.detail,
                        self.now(),
                    )?;
                }
                Err(WalletError::from_api(e))
            }
            // The request's envelope was refused (signature, clock, revoked device): the
            // payment was not looked at, so it stays pending, and the user hears why.
            Err(e @ ApiError::Problem(_)) if !e.is_retryable() => Err(WalletError::from_api(e)),
            Err(e) => {
                tracing::info!(intent = %record.intent_id, error = %e, "payment outcome unknown");
                Ok(PaymentOutcome::Pending {
                    intent_id: record.intent_id.clone(),
                })
            }
        }
    }

    /// Records a settled payment: the intent, the transaction and the balance.
    fn settled(&self, payment: &Payment) -> Result<(), WalletError> {
        let json =
            serde_json::to_string(payment).map_err(|e| WalletError::Internal(e.to_string()))?;
        let mut cache = self.inner.cache()?;
        cache.complete_intent(&payment.intent_id, &json, self.now())?;
        cache.upsert_transactions(std::slice::from_ref(&payment.transaction))?;
        cache.set_balance(CachedBalance {
            balance: payment.balance,
            as_of_seq: payment.transaction.seq,
            fetched_at: self.now(),
        })?;
        Ok(())
    }

    /// Settles every intent still pending (after a crash, a lost answer, a dead network) by
    /// sending it again with its own idempotency key: the backend answers with what it did
    /// the first time, or does it now. Returns each intent with its outcome; an intent whose
    /// outcome is still unknown stays pending.
    pub async fn reconcile(
        &self,
    ) -> Result<Vec<(String, Result<PaymentOutcome, WalletError>)>, WalletError> {
        let pending = self.inner.cache()?.pending_intents()?;
        if pending.is_empty() {
            return Ok(Vec::new());
        }
        let (_, creds) = self.credentials().await?;
        let mut out = Vec::with_capacity(pending.len());
        for record in pending {
            let r = self.send_intent(&creds, &record).await;
            out.push((record.intent_id, r));
        }
        Ok(out)
    }

    /// Where one payment stands, asking the backend again if its answer was lost: what a
    /// "payment pending" screen calls until it can say paid or refused. A completed or
    /// refused intent is answered from the outbox (the first answer is final); a pending one
    /// is re-sent with its idempotency key, so it can never be paid twice.
    pub async fn settle(&self, intent_id: &str) -> Result<PaymentOutcome, WalletError> {
        let record = self
            .inner
            .cache()?
            .intent(intent_id)?
            .ok_or_else(|| WalletError::InvalidInput(format!("no payment {intent_id} here")))?;
        match record.state {
            IntentState::Completed => {
                let json = record.payment_json.as_deref().unwrap_or_default();
                let payment: Payment = serde_json::from_str(json)
                    .map_err(|e| WalletError::Internal(format!("stored payment: {e}")))?;
                Ok(PaymentOutcome::Completed { payment })
            }
            // The backend's refusal, as it was first given (its request id is long gone).
            IntentState::Failed => Err(WalletError::from_api(ApiError::Problem(Box::new(
                Problem {
                    problem_type: "about:blank".into(),
                    title: "refused".into(),
                    status: 409,
                    detail: record.error_message.unwrap_or_default(),
                    code: record.error_code.unwrap_or_default(),
                    decline_code: None,
                    retry_after: None,
                    request_id: String::new(),
                },
            )))),
            IntentState::Pending => {
                let (_, creds) = self.credentials().await?;
                self.send_intent(&creds, &record).await
            }
        }
    }

    /// Intents in the outbox, newest first: what the user tried to pay and how it ended.
    pub fn payment_intents(&self, limit: u32) -> Result<Vec<IntentRecord>, WalletError> {
        Ok(self.inner.cache()?.intents(limit)?)
    }

    /// One intent by id.
    pub fn payment_intent(&self, intent_id: &str) -> Result<Option<IntentRecord>, WalletError> {
        Ok(self.inner.cache()?.intent(intent_id)?)
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
            cache.set_event_cursor(page.next_cursor)?;
            cache.set_notice_cursor(page.next_notice_cursor)?;
        }
        for intent_id in settle {
            let api = self.api(Some(&account))?;
            if let Ok(p) = api.payment(&creds, &intent_id).await {
                self.settled(&p)?;
            }
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
