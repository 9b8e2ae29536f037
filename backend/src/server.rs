//! Starting and stopping the server, in-process or from the binary.

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use tokio::net::TcpListener;
use tokio::sync::oneshot;
use tokio::task::JoinHandle;

use crate::app::{AppState, Config};
use crate::billers::Catalogue;
use crate::store::{IDEMPOTENCY_RETENTION_SECS, Store};

/// A server running on a tokio task. Dropping it stops the server.
pub struct RunningServer {
    pub addr: SocketAddr,
    pub store: Arc<dyn Store>,
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

/// The shipped catalogue and the configured files, each biller stored (added or replaced).
async fn load_catalogue(store: &Arc<dyn Store>, config: &Config) -> anyhow::Result<Catalogue> {
    let mut catalogue = Catalogue::shipped();
    for path in &config.biller_files {
        let text = std::fs::read_to_string(path)
            .map_err(|e| anyhow::anyhow!("{}: {e}", path.display()))?;
        catalogue.merge(
            Catalogue::parse(&text).map_err(|e| anyhow::anyhow!("{}: {e}", path.display()))?,
        );
    }
    let billers = catalogue.billers.clone();
    let now = crate::clock::unix_now();
    store
        .write(move |tx| {
            for b in &billers {
                tx.upsert_biller(b, now)?;
            }
            Ok(())
        })
        .await?;
    tracing::info!(billers = catalogue.billers.len(), "biller catalogue loaded");
    Ok(catalogue)
}

/// Opens the database, binds, and serves on a background task.
pub async fn start(config: Config) -> anyhow::Result<RunningServer> {
    let vault = crate::vault::Vault::open_or_create(&config.key_path()?)?;
    let store = config.db.open().await?;
    let listener = TcpListener::bind(config.listen).await?;
    let addr = listener.local_addr()?;
    let public = crate::public_address::PublicAddresses::new(&config.public_urls, addr)?;
    let newest = store.read(|r| r.newest_seq()).await?;
    let catalogue = load_catalogue(&store, &config).await?;
    let secure_cookies = !public.loopback_only();
    let state = AppState::new(store.clone(), config, newest, &catalogue, vault, public);
    let app = crate::routes::router(state.clone(), secure_cookies);
    let (tx, rx) = oneshot::channel::<()>();
    let deliverer = tokio::spawn(crate::webhooks::deliverer(
        state.clone(),
        state.webhooks.clone(),
    ));
    let savings = tokio::spawn(crate::fund::scheduler(state.clone()));
    let watcher = store
        .shared()
        .then(|| tokio::spawn(watch_store(state.clone())));
    let janitor = tokio::spawn(janitor(state));
    let task = tokio::spawn(async move {
        let served = axum::serve(
            listener,
            app.into_make_service_with_connect_info::<SocketAddr>(),
        )
        .with_graceful_shutdown(async {
            let _ = rx.await;
        })
        .await;
        janitor.abort();
        if let Some(w) = watcher {
            w.abort();
        }
        savings.abort();
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

/// How often a backend looks for what other backends on the same database wrote.
const WATCH_EVERY: Duration = Duration::from_millis(200);

/// Wakes this backend's event-stream waiters for what another backend sharing the database
/// wrote, within [`WATCH_EVERY`] (a write through this backend wakes them at once). Runs
/// only on a store that others share: the database is the only thing backends share.
async fn watch_store(state: AppState) {
    let mut tick = tokio::time::interval(WATCH_EVERY);
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    let mut notices: Option<i64> = None;
    loop {
        tick.tick().await;
        match state
            .store
            .read(|r| Ok((r.newest_seq()?, r.newest_notice_seq()?)))
            .await
        {
            Ok((seq, notice)) => {
                state.ledger_moved(seq);
                if notices.is_some_and(|seen| notice > seen) {
                    state.stream_moved();
                }
                notices = Some(notice);
            }
            Err(e) => tracing::warn!("watching the store: {e}"),
        }
    }
}

/// Forgets expired nonces, old idempotency records, rate windows, and pairing codes and
/// recovery challenges a day past their expiry, once a minute.
async fn janitor(state: AppState) {
    let mut tick = tokio::time::interval(Duration::from_secs(60));
    loop {
        tick.tick().await;
        let now = state.now();
        if let Err(e) = state.store.write(move |tx| tx.purge_nonces(now)).await {
            tracing::warn!("nonce purge failed: {e}");
        }
        let before = now - IDEMPOTENCY_RETENTION_SECS;
        if let Err(e) = state
            .store
            .write(move |tx| tx.purge_idempotency(before))
            .await
        {
            tracing::warn!("idempotency purge failed: {e}");
        }
        if let Err(e) = state
            .store
            .write(move |tx| crate::ledger::paycodes::cancel_expired(tx, now))
            .await
        {
            tracing::warn!("pay-code charge expiry failed: {e}");
        }
        if let Some(t) = &state.throttle {
            t.forget_idle();
        }
        let day_ago = now - 86_400;
        if let Err(e) = state
            .store
            .write(move |tx| Ok(tx.purge_rates(day_ago)? + tx.purge_device_attempts(day_ago)?))
            .await
        {
            tracing::warn!("attempt purge failed: {e}");
        }
    }
}
