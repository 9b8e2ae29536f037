//! The CLI contract, as scripts and external checks use it: the real `purse` binary against
//! a `purse backend` process on loopback.

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Child, Command, Output, Stdio};

use serde_json::Value;

const PURSE: &str = env!("CARGO_BIN_EXE_purse");

/// A `purse backend` child process, killed when dropped.
struct BackendProcess {
    child: Child,
    url: String,
}

impl BackendProcess {
    fn start(db: &Path) -> Self {
        let mut child = Command::new(PURSE)
            .args(["backend", "--listen", "127.0.0.1:0", "--db"])
            .arg(db)
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let mut line = String::new();
        BufReader::new(child.stdout.take().unwrap())
            .read_line(&mut line)
            .unwrap();
        let url = line
            .trim()
            .strip_prefix("listening on ")
            .unwrap()
            .to_owned();
        BackendProcess { child, url }
    }
}

impl Drop for BackendProcess {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn purse(data: &Path, backend: &str, passphrase: Option<&str>, args: &[&str]) -> Output {
    let mut cmd = Command::new(PURSE);
    cmd.args(args)
        .env("PURSE_DATA_DIR", data)
        .env("PURSE_BACKEND", backend)
        .env("PURSE_NO_KEYRING", "1")
        .env_remove("PURSE_PASSPHRASE")
        .stdin(Stdio::null());
    if let Some(p) = passphrase {
        cmd.env("PURSE_PASSPHRASE", p);
    }
    cmd.output().unwrap()
}

fn ok_json(out: Output) -> Value {
    assert!(
        out.status.success(),
        "stderr: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap()
}

fn fails_with(out: Output, needle: &str) {
    assert!(!out.status.success(), "expected failure");
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains(needle), "stderr {err:?} lacks {needle:?}");
}

#[test]
fn init_topup_balance_history_whoami() {
    let tmp = tempfile::tempdir().unwrap();
    let backend = BackendProcess::start(&tmp.path().join("b.db"));
    let data = tmp.path().join("wallet");
    let pw = Some("s3cret pass");
    let b = backend.url.as_str();

    let out = purse(&data, b, pw, &["init", "--name", "Ada", "--json"]);
    let init = ok_json(out);
    assert!(init["account_id"].as_str().unwrap().starts_with("acct_"));

    let who = ok_json(purse(&data, b, None, &["whoami", "--json"]));
    assert_eq!(who["account_id"], init["account_id"]);
    assert_eq!(who["device_id"], init["device_id"]);
    let pem = who["device_public_key_pem"].as_str().unwrap();
    assert!(pem.starts_with("-----BEGIN PUBLIC KEY-----\n"));
    purse_core::keys::PublicKey::from_pem(pem).unwrap();

    let t = ok_json(purse(
        &data,
        b,
        pw,
        &[
            "topup",
            "--card",
            "4242 4242 4242 4242",
            "--amount",
            "100.00 CNY",
            "--json",
        ],
    ));
    assert_eq!(t["balance"]["minor"], 10000);

    let bal = ok_json(purse(&data, b, pw, &["balance", "--json"]));
    assert_eq!(
        (bal["minor"].as_i64(), bal["currency"].as_str()),
        (Some(10000), Some("CNY"))
    );
    assert_eq!(bal["amount"], "100.00");

    let hist = ok_json(purse(&data, b, pw, &["history", "--json"]));
    let rows = hist["data"].as_array().unwrap();
    assert_eq!(rows.len(), 1);
    assert_eq!(rows[0]["amount"]["minor"], 10000);
    assert_eq!(rows[0]["counterparty"], "Visa •••• 4242");
    assert_eq!(rows[0]["state"], "completed");

    let devices = ok_json(purse(&data, b, pw, &["devices", "--json"]));
    assert_eq!(devices["data"].as_array().unwrap().len(), 1);
    assert_eq!(devices["current_device_id"], init["device_id"]);
}

#[test]
fn errors_a_person_can_cause_are_clear_and_nonzero() {
    let tmp = tempfile::tempdir().unwrap();
    let backend = BackendProcess::start(&tmp.path().join("b.db"));
    let data = tmp.path().join("wallet");
    let b = backend.url.as_str();
    fails_with(
        purse(&data, b, Some("pw"), &["balance"]),
        "no wallet in this data directory",
    );
    ok_json(purse(
        &data,
        b,
        Some("right"),
        &["init", "--name", "Bo", "--json"],
    ));
    fails_with(
        purse(&data, b, Some("wrong"), &["balance"]),
        "wrong passphrase",
    );
    fails_with(purse(&data, b, None, &["balance"]), "set PURSE_PASSPHRASE");
    fails_with(
        purse(
            &data,
            b,
            Some("right"),
            &[
                "topup",
                "--card",
                "4000000000000002",
                "--amount",
                "5.00 CNY",
            ],
        ),
        "declined",
    );
    fails_with(
        purse(
            &data,
            b,
            Some("right"),
            &[
                "topup",
                "--card",
                "4242424242424241",
                "--amount",
                "5.00 CNY",
            ],
        ),
        "Luhn",
    );
    fails_with(
        purse(
            &data,
            b,
            Some("right"),
            &[
                "topup",
                "--card",
                "4242424242424242",
                "--amount",
                "5.001 CNY",
            ],
        ),
        "decimal places",
    );
    fails_with(
        purse(&data, "http://127.0.0.1:9", Some("right"), &["balance"]),
        "cannot reach the backend",
    );
    fails_with(
        purse(&data, "http://purse.example", Some("right"), &["balance"]),
        "https",
    );
    fails_with(
        purse(&data, b, Some("right"), &["init", "--name", "Again"]),
        "already exists",
    );
}

#[test]
fn demo_runs_the_whole_story() {
    let out = Command::new(PURSE).arg("demo").output().unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("declined as expected"));
    assert!(text.contains("balance: 120.00 CNY"));
    assert!(text.contains("ledger audit: balanced"));
}
