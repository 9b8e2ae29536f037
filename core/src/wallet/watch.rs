//! Following one payment whose answer was lost, until the backend's answer: the one state
//! machine of a pending payment. Screens and the command line render its updates; none of
//! them decides on its own which error is final.

use std::time::Duration;

use super::{Wallet, WalletError};
use crate::api::types::Payment;
use crate::cache::IntentState;
use crate::pay::PaymentOutcome;

/// How a watch paces its asks: `first_pause` before the first, doubling up to `max_pause`;
/// `max_asks` ends the watch still pending (`None`: ask until there is an answer).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct WatchPolicy {
    pub first_pause: Duration,
    pub max_pause: Duration,
    pub max_asks: Option<u32>,
}

impl WatchPolicy {
    /// A "payment pending" screen: 2 s, doubling to 30 s, for as long as it is shown.
    pub const SCREEN: WatchPolicy = WatchPolicy {
        first_pause: Duration::from_secs(2),
        max_pause: Duration::from_secs(30),
        max_asks: None,
    };

    /// A command that would rather wait a few seconds than say "pending": three asks, 1 s,
    /// 2 s and 4 s apart.
    pub const BRIEF: WatchPolicy = WatchPolicy {
        first_pause: Duration::from_secs(1),
        max_pause: Duration::from_secs(4),
        max_asks: Some(3),
    };

    /// [`WatchPolicy::SCREEN`] with another first pause (tests, a screen that knows better).
    pub fn starting_at(first_pause: Duration) -> Self {
        WatchPolicy {
            first_pause,
            max_pause: WatchPolicy::SCREEN.max_pause.max(first_pause),
            ..WatchPolicy::SCREEN
        }
    }
}

/// Where a watched payment stands. `Pending` comes first; then at most one of the others,
/// which ends the watch.
// Same shape as `PaymentOutcome`: one update per ask, handed over at once, never stored.
#[allow(clippy::large_enum_variant)]
#[derive(Debug)]
pub enum PaymentUpdate {
    /// The outcome is unknown; the wallet keeps asking (with the same idempotency key, so
    /// asking can never pay twice).
    Pending { intent_id: String },
    /// The backend settled it: show the receipt.
    Completed { payment: Payment },
    /// The backend refused the payment: final, and recorded in the outbox as failed.
    Failed(WalletError),
    /// Asking cannot go on from here (this device was revoked, the user is locked out, the
    /// intent is unknown): the payment stays pending, and [`Wallet::reconcile`] settles it
    /// when it can. Never shown as a failure of the payment.
    Unresolved(WalletError),
}

impl PaymentUpdate {
    /// True for the updates that end a watch.
    pub fn is_final(&self) -> bool {
        !matches!(self, PaymentUpdate::Pending { .. })
    }
}

impl Wallet {
    /// Follows a pending payment: reports `Pending`, then asks the backend again at the
    /// policy's pace until it answers, and reports how the payment ended (the last update
    /// is still `Pending` when `max_asks` ran out). Cancel it by dropping the future (or
    /// aborting its task): nothing is left half-done, the outbox is the record.
    pub async fn watch_payment(
        &self,
        intent_id: &str,
        policy: WatchPolicy,
        mut on_update: impl FnMut(PaymentUpdate) + Send,
    ) {
        on_update(PaymentUpdate::Pending {
            intent_id: intent_id.to_owned(),
        });
        let mut pause = policy.first_pause;
        let mut asked = 0;
        loop {
            if policy.max_asks.is_some_and(|max| asked >= max) {
                return;
            }
            tokio::time::sleep(pause).await;
            pause = pause.saturating_mul(2).min(policy.max_pause);
            asked += 1;
            let update = match self.settle(intent_id).await {
                Ok(PaymentOutcome::Pending { .. }) => continue,
                Ok(PaymentOutcome::Completed { payment }) => PaymentUpdate::Completed { payment },
                Err(e) if self.intent_failed(intent_id) => PaymentUpdate::Failed(e),
                Err(e) if e.is_network() => continue,
                Err(e) => PaymentUpdate::Unresolved(e),
            };
            on_update(update);
            return;
        }
    }

    /// Whether the outbox holds this intent as refused by the backend.
    fn intent_failed(&self, intent_id: &str) -> bool {
        matches!(
            self.payment_intent(intent_id),
            Ok(Some(r)) if r.state == IntentState::Failed
        )
    }
}
