//! The outbox, one for payments and transfers: an intent is committed before its request
//! leaves, re-sent with its own idempotency key until the backend answers, and only the
//! backend's answer moves it out of pending. A lost answer is pending, never failed.

use serde::Serialize;
use serde::de::DeserializeOwned;

use super::{Wallet, WalletError};
use crate::api::types::*;
use crate::api::{ApiClient, ApiError, DeviceCredentials};
use crate::cache::{CachedBalance, IntentKind, IntentRecord, IntentState};
use crate::keys::random_bytes;
use crate::money::Money;
use crate::pay::{
    BillOutcome, IntentOutcome, PaymentOutcome, SavingsOutcome, TransferOutcome, WithdrawOutcome,
};

pub(super) fn new_intent_id() -> Result<String, WalletError> {
    let b = random_bytes::<12>().map_err(|e| WalletError::Internal(e.to_string()))?;
    Ok(format!("pi_{}", hex::encode(b)))
}

/// Whether an error from sending an intent is the backend's final word on it. Only a
/// refusal of the movement itself is: lost answers, server errors and refusals of the
/// request's envelope (signature, clock, device) leave the outcome unknown. A rate limit
/// (`429 rate_limited`) is final too: it is answered before anything is done, and a payment
/// sent by itself minutes later, when the limit allows, is not what the user asked for.
fn is_final(e: &ApiError) -> bool {
    match e {
        ApiError::Problem(p) if p.status == 429 => p.code == codes::RATE_LIMITED,
        ApiError::Problem(p) => {
            matches!(p.status, 400 | 402 | 404 | 409 | 422)
                && p.code != codes::IDEMPOTENCY_KEY_REUSED
                && p.code != codes::NONCE_REPLAYED
        }
        _ => false,
    }
}

/// What the backend answers for a settled intent of one kind, and how to ask for it.
pub(super) trait Settlement: Serialize + DeserializeOwned + Sized {
    const KIND: IntentKind;
    /// The wallet's side; `None` when the settled intent did not touch the wallet yet.
    fn transaction(&self) -> Option<&Transaction>;
    fn balance(&self) -> Money;
    fn intent_id(&self) -> &str;
    /// Sends the stored request.
    async fn post(
        api: &ApiClient,
        creds: &DeviceCredentials,
        body: &str,
        intent_id: &str,
    ) -> Result<Self, ApiError>;
    /// Looks the settled intent up (its stored answer forgotten).
    async fn fetch(
        api: &ApiClient,
        creds: &DeviceCredentials,
        intent_id: &str,
    ) -> Result<Self, ApiError>;
}

/// The three settlements share their shape: the answer's transaction, balance and intent,
/// and one endpoint to post to and one to look up.
macro_rules! settlement {
    ($ty:ty, $kind:expr, $post:ident, $fetch:ident) => {
        impl Settlement for $ty {
            const KIND: IntentKind = $kind;
            fn transaction(&self) -> Option<&Transaction> {
                Some(&self.transaction)
            }
            fn balance(&self) -> Money {
                self.balance
            }
            fn intent_id(&self) -> &str {
                &self.intent_id
            }
            async fn post(
                api: &ApiClient,
                creds: &DeviceCredentials,
                body: &str,
                intent_id: &str,
            ) -> Result<Self, ApiError> {
                api.$post(creds, body, intent_id).await
            }
            async fn fetch(
                api: &ApiClient,
                creds: &DeviceCredentials,
                intent_id: &str,
            ) -> Result<Self, ApiError> {
                api.$fetch(creds, intent_id).await
            }
        }
    };
}

settlement!(Payment, IntentKind::Payment, pay, payment);
settlement!(Transfer, IntentKind::Transfer, transfer, transfer_of);
settlement!(Withdrawal, IntentKind::Withdrawal, withdraw, withdrawal);
settlement!(BillPayment, IntentKind::Bill, pay_bill, bill_payment);

/// A savings move touches the wallet unless it is a redemption that is all standard.
impl Settlement for SavingsMove {
    const KIND: IntentKind = IntentKind::Savings;
    fn transaction(&self) -> Option<&Transaction> {
        self.transaction.as_ref()
    }
    fn balance(&self) -> Money {
        self.balance
    }
    fn intent_id(&self) -> &str {
        &self.intent_id
    }
    async fn post(
        api: &ApiClient,
        creds: &DeviceCredentials,
        body: &str,
        intent_id: &str,
    ) -> Result<Self, ApiError> {
        api.move_savings(creds, body, intent_id).await
    }
    async fn fetch(
        api: &ApiClient,
        creds: &DeviceCredentials,
        intent_id: &str,
    ) -> Result<Self, ApiError> {
        api.savings_move(creds, intent_id).await
    }
}

impl Wallet {
    /// Commits a new pending intent: from here it is never lost.
    pub(super) fn commit_intent(
        &self,
        kind: IntentKind,
        intent_id: &str,
        body: &impl Serialize,
        counterparty: &str,
        amount: Money,
    ) -> Result<IntentRecord, WalletError> {
        let now = self.now();
        let record = IntentRecord {
            intent_id: intent_id.to_owned(),
            kind,
            state: IntentState::Pending,
            request_json: serde_json::to_string(body)
                .map_err(|e| WalletError::Internal(e.to_string()))?,
            merchant_name: counterparty.to_owned(),
            amount,
            created_at: now,
            updated_at: now,
            payment_json: None,
            error_code: None,
            error_message: None,
        };
        self.inner.cache()?.insert_intent(&record)?;
        tracing::info!(intent = %intent_id, kind = kind.as_str(), "intent committed");
        Ok(record)
    }

    /// Sends (or re-sends) an intent and records the backend's answer; `None` while the
    /// outcome is unknown.
    pub(super) async fn send_recorded<T: Settlement>(
        &self,
        creds: &DeviceCredentials,
        record: &IntentRecord,
    ) -> Result<Option<T>, WalletError> {
        let account = self.require_account()?;
        let api = self.api(Some(&account))?;
        match T::post(&api, creds, &record.request_json, &record.intent_id).await {
            Ok(done) => {
                self.settled(&done)?;
                Ok(Some(done))
            }
            Err(ApiError::Problem(p)) if p.code == codes::INTENT_ALREADY_USED => {
                // Settled long ago, its stored answer since forgotten: fetch it.
                let done = T::fetch(&api, creds, &record.intent_id)
                    .await
                    .map_err(WalletError::from_api)?;
                self.settled(&done)?;
                Ok(Some(done))
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
            // movement was not looked at, so it stays pending, and the user hears why.
            Err(e @ ApiError::Problem(_)) if !e.is_retryable() => Err(WalletError::from_api(e)),
            Err(e) => {
                tracing::info!(intent = %record.intent_id, error = %e, "outcome unknown");
                Ok(None)
            }
        }
    }

    /// Records a settled intent: the intent, the transaction and the balance.
    pub(super) fn settled<T: Settlement>(&self, done: &T) -> Result<(), WalletError> {
        let json = serde_json::to_string(done).map_err(|e| WalletError::Internal(e.to_string()))?;
        let mut cache = self.inner.cache()?;
        cache.complete_intent(done.intent_id(), &json, self.now())?;
        if let Some(t) = done.transaction() {
            cache.upsert_transactions(std::slice::from_ref(t))?;
            cache.set_balance(CachedBalance {
                balance: done.balance(),
                as_of_seq: t.seq,
                fetched_at: self.now(),
            })?;
        }
        Ok(())
    }

    /// Where one intent stands, asking the backend again if its answer was lost: completed
    /// and refused intents are answered from the outbox (the first answer is final); a
    /// pending one is re-sent with its idempotency key, so it can never happen twice.
    pub(super) async fn settle_recorded<T: Settlement>(
        &self,
        intent_id: &str,
    ) -> Result<Option<T>, WalletError> {
        let record = self
            .inner
            .cache()?
            .intent(intent_id)?
            .filter(|r| r.kind == T::KIND)
            .ok_or_else(|| {
                WalletError::InvalidInput(format!("no {} {intent_id} here", T::KIND.as_str()))
            })?;
        match record.state {
            IntentState::Completed => {
                let json = record.payment_json.as_deref().unwrap_or_default();
                let done = serde_json::from_str(json)
                    .map_err(|e| WalletError::Internal(format!("stored answer: {e}")))?;
                Ok(Some(done))
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
                self.send_recorded(&creds, &record).await
            }
        }
    }

    /// Settles every intent still pending (after a crash, a lost answer, a dead network) by
    /// sending it again with its own idempotency key: the backend answers with what it did
    /// the first time, or does it now. An intent whose outcome is still unknown stays
    /// pending.
    pub async fn reconcile(
        &self,
    ) -> Result<Vec<(String, Result<IntentOutcome, WalletError>)>, WalletError> {
        let pending = self.inner.cache()?.pending_intents()?;
        if pending.is_empty() {
            return Ok(Vec::new());
        }
        let (_, creds) = self.credentials().await?;
        let mut out = Vec::with_capacity(pending.len());
        for record in pending {
            let id = record.intent_id.clone();
            let pending = id.clone();
            let r =
                match record.kind {
                    IntentKind::Payment => self
                        .send_recorded::<Payment>(&creds, &record)
                        .await
                        .map(|p| {
                            IntentOutcome::Payment(p.map_or(
                                PaymentOutcome::Pending { intent_id: pending },
                                |payment| PaymentOutcome::Completed { payment },
                            ))
                        }),
                    IntentKind::Transfer => self
                        .send_recorded::<Transfer>(&creds, &record)
                        .await
                        .map(|t| {
                            IntentOutcome::Transfer(t.map_or(
                                TransferOutcome::Pending { intent_id: pending },
                                |transfer| TransferOutcome::Completed { transfer },
                            ))
                        }),
                    IntentKind::Withdrawal => self
                        .send_recorded::<Withdrawal>(&creds, &record)
                        .await
                        .map(|w| {
                            IntentOutcome::Withdrawal(w.map_or(
                                WithdrawOutcome::Pending { intent_id: pending },
                                |withdrawal| WithdrawOutcome::Completed { withdrawal },
                            ))
                        }),
                    IntentKind::Bill => self
                        .send_recorded::<BillPayment>(&creds, &record)
                        .await
                        .map(|b| {
                            IntentOutcome::Bill(b.map_or(
                                BillOutcome::Pending { intent_id: pending },
                                |bill_payment| BillOutcome::Completed { bill_payment },
                            ))
                        }),
                    IntentKind::Savings => self
                        .send_recorded::<SavingsMove>(&creds, &record)
                        .await
                        .map(|m| {
                            IntentOutcome::Savings(m.map_or(
                                SavingsOutcome::Pending { intent_id: pending },
                                |savings_move| SavingsOutcome::Completed { savings_move },
                            ))
                        }),
                };
            out.push((id, r));
        }
        Ok(out)
    }

    /// Intents in the outbox, newest first: what the user tried to pay or send and how it
    /// ended.
    pub fn payment_intents(&self, limit: u32) -> Result<Vec<IntentRecord>, WalletError> {
        Ok(self.inner.cache()?.intents(limit)?)
    }

    /// One intent by id.
    pub fn payment_intent(&self, intent_id: &str) -> Result<Option<IntentRecord>, WalletError> {
        Ok(self.inner.cache()?.intent(intent_id)?)
    }

    /// An intent the event stream says moved: settle it from the backend if it was still
    /// pending here.
    pub(super) async fn settle_seen(&self, creds: &DeviceCredentials, intent_id: &str) {
        let Ok(Some(record)) = self.inner.cache().and_then(|c| Ok(c.intent(intent_id)?)) else {
            return;
        };
        if record.state != IntentState::Pending {
            return;
        }
        let Ok(account) = self.require_account() else {
            return;
        };
        let Ok(api) = self.api(Some(&account)) else {
            return;
        };
        let _ = match record.kind {
            IntentKind::Payment => match Payment::fetch(&api, creds, intent_id).await {
                Ok(p) => self.settled(&p),
                Err(_) => Ok(()),
            },
            IntentKind::Transfer => match Transfer::fetch(&api, creds, intent_id).await {
                Ok(t) => self.settled(&t),
                Err(_) => Ok(()),
            },
            IntentKind::Withdrawal => match Withdrawal::fetch(&api, creds, intent_id).await {
                Ok(w) => self.settled(&w),
                Err(_) => Ok(()),
            },
            IntentKind::Bill => match BillPayment::fetch(&api, creds, intent_id).await {
                Ok(b) => self.settled(&b),
                Err(_) => Ok(()),
            },
            IntentKind::Savings => match SavingsMove::fetch(&api, creds, intent_id).await {
                Ok(m) => self.settled(&m),
                Err(_) => Ok(()),
            },
        };
    }
}
