//! The deliverer: sends due messages, each endpoint on its own, so a merchant whose endpoint
//! is slow or gone delays nobody else's webhooks.
//!
//! Each turn claims the due messages and groups them by merchant. A merchant with messages
//! in flight keeps them: new ones wait a second and are claimed again. A merchant whose
//! breaker is open is left until its pause ends (no attempt counted). Everyone else gets a
//! task that sends a few messages at a time with short timeouts, and the loop goes on at
//! once instead of waiting for the slowest endpoint.

use std::collections::{HashMap, HashSet};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use purse_core::sign::webhook;
use tokio::sync::Notify;
use tokio::task::JoinSet;

use super::breaker::Breakers;
use super::targets::{CheckedResolver, Targets};
use super::{Claim, LEASE, claim_each};
use crate::app::AppState;
use crate::clock::unix_now_ms;
use crate::ledger::{DeliveryRow, StoreError};
use crate::vault::Purpose;

/// Time to open a connection to a merchant's endpoint.
pub const CONNECT_TIMEOUT: Duration = Duration::from_secs(2);
/// Time for a whole attempt, the answer included.
pub const ATTEMPT_TIMEOUT: Duration = Duration::from_secs(5);
/// Messages claimed per turn.
const CLAIM: u32 = 32;
/// Messages of one endpoint in flight at once.
const PER_ENDPOINT: usize = 4;
/// How long a message of an endpoint with messages in flight waits to be claimed again.
const BUSY_WAIT: Duration = Duration::from_secs(1);

/// The HTTP client of deliveries: short timeouts, no redirects (a redirect could lead
/// anywhere), and a resolver that connects only to addresses `targets` allows.
pub fn client(targets: Targets) -> reqwest::Result<reqwest::Client> {
    reqwest::Client::builder()
        .connect_timeout(CONNECT_TIMEOUT)
        .timeout(ATTEMPT_TIMEOUT)
        .redirect(reqwest::redirect::Policy::none())
        .dns_resolver(Arc::new(CheckedResolver(targets)))
        .build()
}

/// Runs until the server stops: sends what is due, sleeps until woken, an endpoint is
/// done, or half a second passes.
pub async fn deliverer(state: AppState, wake: Arc<Notify>) {
    let targets = state.config.webhook_targets;
    let http = match client(targets) {
        Ok(c) => c,
        Err(e) => {
            tracing::error!("webhooks disabled: {e}");
            return;
        }
    };
    let breakers = Arc::new(Mutex::new(Breakers::default()));
    let mut busy: HashSet<String> = HashSet::new();
    let mut endpoints: JoinSet<String> = JoinSet::new();
    loop {
        while let Some(done) = endpoints.try_join_next() {
            if let Ok(merchant) = done {
                busy.remove(&merchant);
            }
        }
        let now = unix_now_ms();
        let due = match state.store.read(move |r| r.due_deliveries(now, 1)).await {
            // A read first: most turns find nothing due, and then write nothing.
            Ok(some) if !some.is_empty() => {
                let decide = decider(now, &busy, &breakers.lock().expect("breakers"));
                state
                    .store
                    .write(move |tx| claim_each(tx, now, CLAIM, |d| decide(d)))
                    .await
            }
            other => other,
        };
        match due {
            Ok(due) if !due.is_empty() => {
                for (merchant, messages) in by_merchant(due) {
                    busy.insert(merchant.clone());
                    let ctx = Endpoint {
                        state: state.clone(),
                        http: http.clone(),
                        breakers: breakers.clone(),
                    };
                    endpoints.spawn(async move {
                        ctx.send_all(&merchant, messages).await;
                        merchant
                    });
                }
                continue;
            }
            Ok(_) => {}
            Err(e) => tracing::warn!("webhook queue: {e}"),
        }
        tokio::select! {
            _ = wake.notified() => {}
            _ = tokio::time::sleep(Duration::from_millis(500)) => {}
            Some(Ok(merchant)) = endpoints.join_next(), if !endpoints.is_empty() => {
                busy.remove(&merchant);
            }
        }
    }
}

/// How this turn treats each due message: a snapshot of which endpoints are busy or paused
/// (the claim may run more than once on an engine that retries).
fn decider(
    now: i64,
    busy: &HashSet<String>,
    breakers: &Breakers,
) -> impl Fn(&DeliveryRow) -> Claim + Send + Clone + 'static {
    let busy = busy.clone();
    let paused: HashMap<String, i64> = breakers.paused(now);
    let lease = now + LEASE.as_millis() as i64;
    let wait = now + BUSY_WAIT.as_millis() as i64;
    move |d: &DeliveryRow| {
        if let Some(until) = paused.get(&d.merchant_id) {
            Claim::Postpone { until: *until }
        } else if busy.contains(&d.merchant_id) {
            Claim::Postpone { until: wait }
        } else {
            Claim::Take { until: lease }
        }
    }
}

fn by_merchant(due: Vec<DeliveryRow>) -> Vec<(String, Vec<DeliveryRow>)> {
    let mut groups: Vec<(String, Vec<DeliveryRow>)> = Vec::new();
    for d in due {
        match groups.iter_mut().find(|(m, _)| *m == d.merchant_id) {
            Some((_, list)) => list.push(d),
            None => groups.push((d.merchant_id.clone(), vec![d])),
        }
    }
    groups
}

/// What an endpoint's task needs.
#[derive(Clone)]
struct Endpoint {
    state: AppState,
    http: reqwest::Client,
    breakers: Arc<Mutex<Breakers>>,
}

impl Endpoint {
    /// Sends one merchant's messages, [`PER_ENDPOINT`] at a time; when the breaker opens,
    /// the rest wait for the end of its pause.
    async fn send_all(&self, merchant: &str, messages: Vec<DeliveryRow>) {
        let mut left = messages.into_iter().peekable();
        while left.peek().is_some() {
            let now = unix_now_ms();
            let paused = self
                .breakers
                .lock()
                .expect("breakers")
                .paused_until(merchant, now);
            if let Some(until) = paused {
                let ids: Vec<String> = left.map(|d| d.message_id).collect();
                tracing::info!(
                    merchant,
                    messages = ids.len(),
                    "endpoint paused after failures"
                );
                if let Err(e) = postpone(&self.state, ids, until).await {
                    tracing::warn!("postponing webhooks: {e}");
                }
                return;
            }
            let mut batch = JoinSet::new();
            for d in left.by_ref().take(PER_ENDPOINT) {
                let ctx = self.clone();
                batch.spawn(async move { ctx.deliver(d).await });
            }
            let outcomes = batch.join_all().await;
            let mut breakers = self.breakers.lock().expect("breakers");
            for ok in outcomes {
                if ok {
                    breakers.succeeded(merchant);
                } else {
                    breakers.failed(merchant, unix_now_ms());
                }
            }
        }
    }

    /// One attempt at one message, recorded; true when acknowledged.
    async fn deliver(&self, d: DeliveryRow) -> bool {
        let outcome = self.attempt(&d).await;
        let now = unix_now_ms();
        let ok = outcome.is_ok();
        let recorded = match outcome {
            Ok(()) => {
                tracing::debug!(message = %d.message_id, "webhook delivered");
                record(&self.state, &d.message_id, Some(now), None, None).await
            }
            Err(e) => {
                let next = self
                    .state
                    .config
                    .webhook_retry
                    .get(d.attempts as usize)
                    .map(|wait| now + wait.as_millis() as i64);
                tracing::info!(message = %d.message_id, attempt = d.attempts + 1, error = %e,
                    "webhook not acknowledged");
                record(&self.state, &d.message_id, None, next, Some(e)).await
            }
        };
        if let Err(e) = recorded {
            tracing::warn!("recording a webhook attempt: {e}");
        }
        ok
    }

    async fn attempt(&self, d: &DeliveryRow) -> Result<(), String> {
        let url = d.url.as_deref().ok_or("no webhook URL")?;
        // Checked again: the URL may have been stored before the rule, and an address
        // literal never reaches the resolver.
        let url = self
            .state
            .config
            .webhook_targets
            .check_url(url)
            .map_err(|e| e.to_string())?;
        let secret = self
            .state
            .vault
            .open_text(Purpose::WebhookSecret, &d.secret)
            .map_err(|e| e.to_string())?;
        let ts = unix_now_ms() / 1000;
        let sig = webhook::sign(&secret, &d.message_id, ts, d.body.as_bytes())
            .map_err(|e| e.to_string())?;
        let answer = self
            .http
            .post(url)
            .header("content-type", "application/json")
            .header("webhook-id", &d.message_id)
            .header("webhook-timestamp", ts.to_string())
            .header("webhook-signature", sig)
            .body(d.body.clone())
            .send()
            .await
            .map_err(describe)?;
        if answer.status().is_success() {
            Ok(())
        } else {
            Err(format!("HTTP {}", answer.status().as_u16()))
        }
    }
}

/// A failed send in words, with the cause reqwest keeps underneath (a refused address).
fn describe(e: reqwest::Error) -> String {
    use std::error::Error;
    let mut text = e.to_string();
    let mut cause = e.source();
    while let Some(c) = cause {
        text = format!("{text}: {c}");
        cause = c.source();
    }
    text
}

async fn postpone(state: &AppState, ids: Vec<String>, until_ms: i64) -> Result<(), StoreError> {
    state
        .store
        .write(move |tx| {
            for id in &ids {
                tx.lease_delivery(id, until_ms)?;
            }
            Ok(())
        })
        .await
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
