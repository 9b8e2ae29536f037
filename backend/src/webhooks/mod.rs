//! Delivering webhook messages to merchants: signed per Standard Webhooks, retried with
//! backoff until a 2xx acknowledges them. Messages are queued in the database in the same
//! transaction as the payment or refund they announce, so none is lost to a crash; one is
//! sent again after a crash mid-delivery, which is why receivers deduplicate on the id.

mod breaker;
mod deliverer;
pub mod targets;

use std::time::Duration;

use crate::ledger::{DeliveryRow, MerchantRow, StoreError, Tx, WebhookMessage};

pub use deliverer::deliverer;
pub use targets::Targets;

/// Standard Webhooks' schedule: after the first attempt, 5 s, 5 min, 30 min, 2 h, 5 h,
/// 10 h, 10 h; then the message is given up (and stays visible to the merchant).
pub fn default_schedule() -> Vec<Duration> {
    [5, 300, 1800, 7200, 18_000, 36_000, 36_000]
        .into_iter()
        .map(Duration::from_secs)
        .collect()
}

/// The body the merchant receives: `{"type", "timestamp", "data"}`.
pub fn envelope(event_type: &str, unix: i64, data: &impl serde::Serialize) -> String {
    serde_json::json!({
        "type": event_type,
        "timestamp": crate::clock::rfc3339(unix),
        "data": data,
    })
    .to_string()
}

/// Queues `event_type` with `data` for the merchant, in the caller's transaction (so the
/// message exists exactly when what it announces does). Nothing is queued for a merchant
/// without a webhook URL.
pub fn queue(
    tx: &mut dyn Tx,
    merchant: &MerchantRow,
    message_id: &str,
    event_type: &str,
    now: i64,
    data: &impl serde::Serialize,
) -> Result<(), StoreError> {
    if merchant.webhook_url.is_none() {
        return Ok(());
    }
    let message = WebhookMessage {
        message_id: message_id.to_owned(),
        merchant_id: merchant.merchant_id.clone(),
        event_type: event_type.to_owned(),
        body: envelope(event_type, now, data),
        created_at: now,
    };
    tx.queue_webhook(&message, now * 1000)
}

/// How long a deliverer holds the messages it took: longer than one attempt may last, so a
/// message is sent by one deliverer at a time; one that died is replaced after it.
pub const LEASE: Duration = Duration::from_secs(60);

/// What a deliverer does with a due message it looked at.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Claim {
    /// Sends it now, holding it until `until`.
    Take { until: i64 },
    /// Leaves it until `until` (its endpoint is busy or paused), without counting an attempt.
    Postpone { until: i64 },
}

/// Looks at up to `limit` due messages for this deliverer, in one write, and decides each:
/// the taken ones are returned, held until their lease ends (or their attempt is recorded),
/// so deliverers of several backends on one database never send one message twice at once;
/// the postponed ones wait without an attempt counted.
pub fn claim_each(
    tx: &mut dyn Tx,
    now_ms: i64,
    limit: u32,
    mut decide: impl FnMut(&DeliveryRow) -> Claim,
) -> Result<Vec<DeliveryRow>, StoreError> {
    let mut taken = Vec::new();
    for d in tx.due_deliveries(now_ms, limit)? {
        match decide(&d) {
            Claim::Take { until } => {
                tx.lease_delivery(&d.message_id, until)?;
                taken.push(d);
            }
            Claim::Postpone { until } => tx.lease_delivery(&d.message_id, until)?,
        }
    }
    Ok(taken)
}
