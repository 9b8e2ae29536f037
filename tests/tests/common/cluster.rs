//! Several backend processes on one PostgreSQL database, behind a proxy that spreads the
//! requests over them: nothing but the database is shared, as in a deployment behind a load
//! balancer. Needs the server `PURSE_TEST_POSTGRES` names (the test command starts one).

use std::process::Stdio;
use std::sync::Arc;
use std::time::Duration;

use purse_backend::store::scratch::{POSTGRES_VAR, scratch};
use purse_backend::store::{Database, Store};
use tokio::io::{AsyncBufReadExt, BufReader};
use tokio::process::{Child, Command};

use super::proxy::{FaultyProxy, ProxyAddress};

pub struct Cluster {
    /// Where clients send requests: the proxy in front of every backend.
    pub url: String,
    pub proxy: FaultyProxy,
    /// Each backend's own address.
    pub backends: Vec<String>,
    /// The shared database, opened by the test too, to audit it.
    pub store: Arc<dyn Store>,
    _processes: Vec<Child>,
    _dir: tempfile::TempDir,
}

/// A backend process (`purse-backend`'s command line with `args`), killed when dropped, and
/// the address it says it listens on.
pub async fn backend_process(args: &[&str]) -> (Child, String) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_backend_process"))
        .args(args)
        .stdout(Stdio::piped())
        .kill_on_drop(true)
        .spawn()
        .expect("the backend process starts");
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    let line = tokio::time::timeout(Duration::from_secs(30), lines.next_line())
        .await
        .expect("the backend says where it listens")
        .unwrap()
        .unwrap_or_default();
    let url = line
        .strip_prefix("listening on ")
        .unwrap_or_else(|| panic!("unexpected first line: {line:?}"))
        .trim()
        .to_owned();
    (child, url)
}

impl Cluster {
    /// `n` backend processes on a new database behind a proxy with `fault_percent` faults
    /// (chosen from `seed`; off at first); `None` when the environment offers no server.
    pub async fn start(n: usize, seed: u64, fault_percent: u64) -> Option<Cluster> {
        let dir = tempfile::tempdir().unwrap();
        let db = match scratch(dir.path(), "unused.db").await {
            Database::Postgres(config) => config,
            Database::Sqlite(_) => {
                eprintln!("{POSTGRES_VAR} is not set: several backends need PostgreSQL");
                return None;
            }
        };
        // The schema is made once before the backends start (they would also agree on it).
        let store = Database::Postgres(db.clone()).open().await.unwrap();
        // The load balancer's address, which every backend is told (as in a deployment).
        let address = ProxyAddress::bind().await;
        let mut processes = Vec::new();
        let mut backends = Vec::new();
        for _ in 0..n {
            let (child, url) = backend_process(&[
                "--listen",
                "127.0.0.1:0",
                "--db",
                &db.url,
                "--public-url",
                &address.url,
                "--key-file",
                &dir.path().join("backend.key").to_string_lossy(),
                // The tests' webhook receivers run on loopback.
                "--allow-loopback-webhooks",
                // The scenarios send a hundred transfers from one wallet at once.
                "--no-rate-limits",
            ])
            .await;
            backends.push(url);
            processes.push(child);
        }
        let proxy = FaultyProxy::spread(
            address,
            &backends,
            seed,
            fault_percent,
            Duration::from_millis(600),
        )
        .await;
        proxy.set_faulty(false);
        Some(Cluster {
            url: proxy.url.clone(),
            proxy,
            backends,
            store,
            _processes: processes,
            _dir: dir,
        })
    }

    pub fn store(&self) -> &dyn Store {
        self.store.as_ref()
    }
}
