//! Delivering webhook messages to merchants: signed per Standard Webhooks, retried with
//! backoff until a 2xx acknowledges them. Messages are queued in the database in the same
//! transaction as the payment or refund they announce, so none is lost to a crash; one is
//! sent again after a crash mid-delivery, which is why receivers deduplicate on the id.

use std::sync::Arc;
use std::time::Duration;

use purse_core::sign::webhook;
use tokio::sync::Notify;

use crate::app::AppState;
use crate::clock::unix_now_ms;
use crate::ledger::{DeliveryRow, MerchantRow, StoreError, Tx, WebhookMessage};

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

/// Takes up to `limit` due messages for this deliverer, in one write: they are due again
/// only when the lease ends (or when the attempt is recorded), so deliverers of several
/// backends on one database never send one message twice at once.
pub fn claim(
    tx: &mut dyn Tx,
    now_ms: i64,
    lease: Duration,
    limit: u32,
) -> Result<Vec<DeliveryRow>, StoreError> {
    let due = tx.due_deliveries(now_ms, limit)?;
    let until = now_ms + lease.as_millis() as i64;
    for d in &due {
        tx.lease_delivery(&d.message_id, until)?;
    }
    Ok(due)
}

/// Runs until the server stops: sends what is due, sleeps until woken or a second passes.
pub async fn deliverer(state: AppState, wake: Arc<Notify>) {
    let http = match reqwest::Client::builder()
        .timeout(Duration::from_secs(10))
        .redirect(reqwest::redirect::Policy::none())
        .build()
    {
        Ok(c) => c,
        Err(e) => {
            tracing::error!("webhooks disabled: {e}");
            return;
        }
    };
    loop {
        let now = unix_now_ms();
        // A read first: most turns find nothing due, and then write nothing.
        let due = match state.store.read(|r| r.due_deliveries(now, 1)).await {
            Ok(some) if !some.is_empty() => {
                state.store.write(move |tx| claim(tx, now, LEASE, 32)).await
            }
            other => other,
        };
        match due {
            Ok(due) if !due.is_empty() => {
                let mut sends = tokio::task::JoinSet::new();
                for d in due {
                    let (state, http) = (state.clone(), http.clone());
                    sends.spawn(async move { deliver(&state, &http, d).await });
                }
                while sends.join_next().await.is_some() {}
                continue;
            }
            Ok(_) => {}
            Err(e) => tracing::warn!("webhook queue: {e}"),
        }
        let _ = tokio::time::timeout(Duration::from_millis(500), wake.notified()).await;
    }
}

async fn deliver(state: &AppState, http: &reqwest::Client, d: DeliveryRow) {
    let Some(url) = d.url.clone() else {
        let _ = record(
            state,
            &d.message_id,
            None,
            None,
            Some("no webhook URL".into()),
        )
        .await;
        return;
    };
    let ts = unix_now_ms() / 1000;
    let outcome = match webhook::sign(&d.secret, &d.message_id, ts, d.body.as_bytes()) {
        Err(e) => Err(e.to_string()),
        Ok(sig) => http
            .post(&url)
            .header("content-type", "application/json")
            .header("webhook-id", &d.message_id)
            .header("webhook-timestamp", ts.to_string())
            .header("webhook-signature", sig)
            .body(d.body.clone())
            .send()
            .await
            .map_err(|e| e.to_string())
            .and_then(|r| {
                if r.status().is_success() {
                    Ok(())
                } else {
                    Err(format!("HTTP {}", r.status().as_u16()))
                }
            }),
    };
    let now = unix_now_ms();
    let recorded = match outcome {
        Ok(()) => {
            tracing::debug!(message = %d.message_id, "webhook delivered");
            record(state, &d.message_id, Some(now), None, None).await
        }
        Err(e) => {
            let schedule = &state.config.webhook_retry;
            let next = schedule
                .get(d.attempts as usize)
                .map(|wait| now + wait.as_millis() as i64);
            tracing::info!(message = %d.message_id, attempt = d.attempts + 1, error = %e,
                "webhook not acknowledged");
            record(state, &d.message_id, None, next, Some(e)).await
        }
    };
    if let Err(e) = recorded {
        tracing::warn!("recording a webhook attempt: {e}");
    }
}

async fn record(
    state: &AppState,
    message_id: &str,
    delivered_at_ms: Option<i64>,
    next_attempt_ms: Option<i64>,
    error: Option<String>,
) -> Result<(), StoreError> {
    let id = message_id.to_owned();
    state
        .store
        .write(move |tx| {
            tx.record_delivery(&id, delivered_at_ms, next_attempt_ms, error.as_deref())
        })
        .await
}
