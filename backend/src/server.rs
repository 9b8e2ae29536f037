//! Starting and stopping the server, in-process or from the binary.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use tokio::net::TcpListener;
use tokio::sync::{Notify, oneshot, watch};
use tokio::task::JoinHandle;

use crate::store::Store;
use crate::store::sqlite::SqliteStore;

#[derive(Debug, Clone)]
pub struct Config {
    pub listen: SocketAddr,
    pub db: PathBuf,
    /// The public base URL (`https://api.example.com`) when behind a TLS-terminating proxy:
    /// signatures cover the URL the client used, so the server must know it.
    pub public_url: Option<String>,
    /// The most an account may pay at once and per UTC day, in major units of its currency;
    /// an account may choose lower limits.
    pub max_per_payment_major: i64,
    pub max_per_day_major: i64,
    /// Waits between webhook attempts; after the last, a message is given up.
    pub webhook_retry: Vec<Duration>,
}

impl Config {
    /// Defaults for everything but where to listen and the database file.
    pub fn new(listen: SocketAddr, db: PathBuf) -> Self {
        Config {
            listen,
            db,
            public_url: None,
            max_per_payment_major: 5_000,
            max_per_day_major: 20_000,
            webhook_retry: crate::webhooks::default_schedule(),
        }
    }
}

pub struct AppState<S> {
    pub store: Arc<S>,
    pub config: Arc<Config>,
    /// The newest ledger sequence: event-stream long-polls wait for it to move.
    pub ledger: Arc<watch::Sender<i64>>,
    /// Wakes the webhook deliverer when a message is queued.
    pub webhooks: Arc<Notify>,
}

impl<S> Clone for AppState<S> {
    fn clone(&self) -> Self {
        AppState {
            store: self.store.clone(),
            config: self.config.clone(),
            ledger: self.ledger.clone(),
            webhooks: self.webhooks.clone(),
        }
    }
}

impl<S> AppState<S> {
    pub fn now(&self) -> i64 {
        unix_now()
    }

    /// Tells event-stream waiters that the ledger reached `seq`.
    pub fn ledger_moved(&self, seq: i64) {
        self.ledger.send_if_modified(|cur| {
            if seq > *cur {
                *cur = seq;
                true
            } else {
                false
            }
        });
    }

    /// Amount in minor units of `major` whole units of `currency`.
    pub fn major(major: i64, currency: purse_core::money::Currency) -> i64 {
        major.saturating_mul(10i64.pow(u32::from(currency.exponent())))
    }
}

pub fn unix_now_ms() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_millis() as i64)
        .unwrap_or(0)
}

/// `2026-11-25T02:22:29Z` for a Unix time.
pub fn rfc3339(unix: i64) -> String {
    let days = unix.div_euclid(86_400);
    let secs = unix.rem_euclid(86_400);
    let (y, m, d) = civil_from_days(days);
    format!(
        "{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}Z",
        secs / 3600,
        secs / 60 % 60,
        secs % 60
    )
}

pub fn unix_now() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs() as i64)
        .unwrap_or(0)
}

/// (year, month) of a Unix time, UTC.
pub fn year_month(unix: i64) -> (u16, u8) {
    let (y, m, _) = civil_from_days(unix.div_euclid(86_400));
    (y.clamp(0, 9999) as u16, m as u8)
}

/// (year, month, day) of a day count since 1970-01-01 (Howard Hinnant's civil-from-days).
fn civil_from_days(days: i64) -> (i64, i64, i64) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    (year, month, day)
}

/// A server running on a tokio task. Dropping it stops the server.
pub struct RunningServer {
    pub addr: SocketAddr,
    pub store: Arc<SqliteStore>,
    shutdown: Option<oneshot::Sender<()>>,
    task: Option<JoinHandle<()>>,
}

impl RunningServer {
    /// `http://127.0.0.1:PORT`
    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// Stops accepting, lets requests in flight finish, and waits.
    pub async fn stop(mut self) {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
        if let Some(task) = self.task.take() {
            let _ = task.await;
        }
    }
}

impl Drop for RunningServer {
    fn drop(&mut self) {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
    }
}

/// Opens the database, binds, and serves on a background task.
pub async fn start(config: Config) -> anyhow::Result<RunningServer> {
    let store = Arc::new(SqliteStore::open(&config.db).await?);
    let listener = TcpListener::bind(config.listen).await?;
    let addr = listener.local_addr()?;
    let newest = store.newest_seq().await?;
    let state = AppState {
        store: store.clone(),
        config: Arc::new(config),
        ledger: Arc::new(watch::Sender::new(newest)),
        webhooks: Arc::new(Notify::new()),
    };
    let app = crate::routes::router(state.clone());
    let (tx, rx) = oneshot::channel::<()>();
    let deliverer = tokio::spawn(crate::webhooks::deliverer(
        state.clone(),
        state.webhooks.clone(),
    ));
    let janitor = tokio::spawn(janitor(state));
    let task = tokio::spawn(async move {
        let served = axum::serve(listener, app)
            .with_graceful_shutdown(async {
                let _ = rx.await;
            })
            .await;
        janitor.abort();
        deliverer.abort();
        if let Err(e) = served {
            tracing::error!("server stopped: {e}");
        }
    });
    Ok(RunningServer {
        addr,
        store,
        shutdown: Some(tx),
        task: Some(task),
    })
}

/// Forgets expired nonces and old idempotency records, once a minute.
async fn janitor(state: AppState<SqliteStore>) {
    let mut tick = tokio::time::interval(Duration::from_secs(60));
    loop {
        tick.tick().await;
        let now = state.now();
        if let Err(e) = state.store.purge_nonces(now).await {
            tracing::warn!("nonce purge failed: {e}");
        }
        if let Err(e) = state.store.purge_idempotency(now).await {
            tracing::warn!("idempotency purge failed: {e}");
        }
    }
}

#[cfg(test)]
mod tests {
    use super::year_month;

    #[test]
    fn civil_dates() {
        assert_eq!(year_month(0), (1970, 1));
        assert_eq!(year_month(951_782_400), (2000, 2)); // 2000-02-29
        assert_eq!(year_month(1_795_000_000), (2026, 11));
        assert_eq!(year_month(1_798_761_599), (2026, 12)); // 2026-12-31 23:59:59
        assert_eq!(super::rfc3339(951_825_599), "2000-02-29T11:59:59Z");
        assert_eq!(super::rfc3339(0), "1970-01-01T00:00:00Z");
    }
}
