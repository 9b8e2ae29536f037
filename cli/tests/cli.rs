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
        Self::start_with(db, &[])
    }

    fn start_with(db: &Path, extra: &[&str]) -> Self {
        let mut child = Command::new(PURSE)
            .args(["backend", "--listen", "127.0.0.1:0", "--db"])
            .arg(db)
            .args(extra)
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

fn fails_with(out: Output, needle: &str) -> String {
    assert!(!out.status.success(), "expected failure");
    let err = String::from_utf8_lossy(&out.stderr).into_owned();
    assert!(err.contains(needle), "stderr {err:?} lacks {needle:?}");
    err
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

    // Reading the wallet needs its key: the passphrase here (no keyring in tests).
    let who = ok_json(purse(&data, b, pw, &["whoami", "--json"]));
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
    let declined = fails_with(
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
    assert!(declined.contains("(request req_"), "{declined}");
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

/// Every line of a `--json` command's output, parsed.
fn json_lines(out: Output) -> Vec<Value> {
    assert!(
        out.status.success(),
        "stderr: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect()
}

#[test]
fn devices_pair_approve_and_recover_from_the_terminal() {
    let tmp = tempfile::tempdir().unwrap();
    let backend =
        BackendProcess::start_with(&tmp.path().join("b.db"), &["--recovery-cool-off", "1"]);
    let b = backend.url.as_str();
    let (ada, tablet, fresh) = (
        tmp.path().join("ada"),
        tmp.path().join("tablet"),
        tmp.path().join("fresh"),
    );
    let pw = Some("ada pass");
    let init = ok_json(purse(&ada, b, pw, &["init", "--name", "Ada", "--json"]));
    let code = init["recovery_code"].as_str().unwrap().to_owned();
    assert_eq!(code.len(), 34);
    let text = purse(&tmp.path().join("bo"), b, pw, &["init", "--name", "Bo"]);
    assert!(String::from_utf8_lossy(&text.stdout).contains("recovery code (shown once"));

    let tab_pw = Some("tablet pass");
    let pair = ["devices", "pair", "--device-name", "Tablet", "--json"];
    let lines = json_lines(purse(
        &tablet,
        b,
        tab_pw,
        &[&pair[..], &["--wait", "0"]].concat(),
    ));
    let (offer, state) = (&lines[0], &lines[1]);
    assert_eq!(state["state"], "waiting");
    let pairing_code = offer["code"].as_str().unwrap();
    let number = offer["confirmation"].as_str().unwrap();
    let wrong = if number == "000000" {
        "000001"
    } else {
        "000000"
    };
    fails_with(
        purse(
            &ada,
            b,
            pw,
            &["devices", "approve", pairing_code, "--confirm", wrong],
        ),
        "do not match",
    );
    let added = ok_json(purse(
        &ada,
        b,
        pw,
        &[
            "devices",
            "approve",
            pairing_code,
            "--confirm",
            number,
            "--json",
        ],
    ));
    assert_eq!(added["name"], "Tablet");
    let lines = json_lines(purse(
        &tablet,
        b,
        tab_pw,
        &[&pair[..], &["--wait", "5"]].concat(),
    ));
    let joined = lines.last().unwrap();
    assert_eq!(
        (&joined["state"], &joined["account_id"]),
        (&Value::from("joined"), &init["account_id"])
    );
    let devices = ok_json(purse(&tablet, b, tab_pw, &["devices", "--json"]));
    assert_eq!(devices["data"].as_array().unwrap().len(), 2);

    let lines = json_lines(purse(
        &fresh,
        b,
        Some("fresh pass"),
        &["recover", "--code", &code, "--wait", "5", "--json"],
    ));
    assert_eq!(lines[0]["state"], "waiting");
    assert_eq!(lines.last().unwrap()["state"], "joined");
    fails_with(purse(&ada, b, pw, &["balance"]), "revoked");
    let rotated = ok_json(purse(
        &fresh,
        b,
        Some("fresh pass"),
        &["recovery", "rotate", "--json"],
    ));
    assert_ne!(rotated["recovery_code"].as_str().unwrap(), code);
    fails_with(
        purse(
            &tmp.path().join("late"),
            b,
            Some("late pass"),
            &["recover", "--code", &code],
        ),
        "not right",
    );
}

#[test]
fn handles_contacts_and_finding_people_from_the_terminal() {
    let tmp = tempfile::tempdir().unwrap();
    let backend = BackendProcess::start(&tmp.path().join("b.db"));
    let b = backend.url.as_str();
    let (bo, ada) = (tmp.path().join("bo"), tmp.path().join("ada"));
    let pw = Some("pass");
    ok_json(purse(&bo, b, pw, &["init", "--name", "Bo Li", "--json"]));
    ok_json(purse(&ada, b, pw, &["init", "--name", "Ada", "--json"]));
    let p = ok_json(purse(&bo, b, pw, &["handle", "set", "$Bo_Li", "--json"]));
    assert_eq!(p["handle"], "$bo_li");
    let c = ok_json(purse(
        &bo,
        b,
        pw,
        &["contacts", "add", "--phone", "+86 138 0013 8000", "--json"],
    ));
    assert_eq!(c["value"], "+8613800138000");
    let sent = ok_json(purse(&bo, b, pw, &["sandbox", "messages", "--json"]));
    let body = sent["data"][0]["body"].as_str().unwrap();
    let code: String = body
        .split_whitespace()
        .map(|w| w.trim_end_matches('.'))
        .find(|w| w.len() == 6 && w.bytes().all(|b| b.is_ascii_digit()))
        .unwrap()
        .to_owned();
    let challenge = c["challenge_id"].as_str().unwrap();
    let p = ok_json(purse(
        &bo,
        b,
        pw,
        &["contacts", "verify", challenge, &code, "--json"],
    ));
    assert_eq!(p["phone"], "+8613800138000");
    for q in ["$bo_li", "+8613800138000"] {
        let r = ok_json(purse(&ada, b, pw, &["find", q, "--json"]));
        assert_eq!(
            (&r["handle"], &r["masked_name"]),
            (&Value::from("$bo_li"), &Value::from("B* L*"))
        );
        assert!(r.get("phone").is_none());
    }
    fails_with(
        purse(&ada, b, pw, &["handle", "set", "$BO_LI"]),
        "another account",
    );
    fails_with(
        purse(
            &ada,
            b,
            pw,
            &["contacts", "add", "--phone", "+86 10 6552 9988"],
        ),
        "not a mobile",
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
    assert!(text.contains("pay 12.34 CNY to Tea House (Hangzhou), verified by the backend"));
    assert!(text.contains("paid 12.34 CNY to Tea House; balance 107.66 CNY"));
    assert!(text.contains("customer event: payment -12.34 CNY (Tea House)"));
    assert!(text.contains("signature verified"));
    assert!(text.contains("customer event: refund +2.34 CNY"));
    assert!(text.contains("first phone notice: device_added (Ada's second phone)"));
    assert!(text.contains("lost phone notice: recovery_started (Ada's new phone)"));
    assert!(text.contains("the lost phones are revoked"));
    assert!(text.contains("and pays again: 5.00 CNY to Tea House; balance 105.00 CNY"));
    assert!(text.contains("Ada's phone: request_received from B* L* $bo_li"));
    assert!(text.contains("pay 2.50 CNY to B* L* $bo_li for \"coffee\", verified by the backend"));
    assert!(text.contains("the bank settles 3.00 CNY: returned"));
    assert!(text.contains("the bank settles 5.00 CNY: completed"));
    assert!(text.contains("Bo's balance: 13.50 CNY"));
    assert!(text.contains("paid 235.60 CNY to State Grid Shanghai Electric: completed"));
    assert!(text.contains("a typo in the reference is caught offline"));
    assert!(text.contains("12.40 CHF to ewz Zurich Electricity; in her currency 102.66 CNY"));
    assert!(text.contains("150.00 INR costs 13.01 CNY, pending"));
    assert!(text.contains("the operator credits +8613800138000: completed"));
    assert!(
        text.contains(
            "savings 20006.33 CNY after 6.33 CNY of income; 7-day annualized yield 1.6638%"
        )
    );
    assert!(text.contains("she takes 5000.00 CNY out instantly: balance 5105.23 CNY"));
    assert!(
        text.contains("5000.00 CNY now (the day's instant cap is 10000.00 CNY), 1000.00 CNY on")
    );
    assert!(text.contains(
        "the till charges 8.00 CNY: charged at once, within Ada's no-confirmation limit of 50.00 CNY"
    ));
    assert!(text.contains("the next code, typed at the till for 120.00 CNY: waiting for Ada"));
    assert!(text.contains("Ada's phone asks: pay 120.00 CNY to Tea House?"));
    assert!(text.contains("she confirms with her fingerprint (the payment key signs): charged; the till sees it charged"));
    assert!(text.contains("customer balance: 9977.23 CNY"));
    assert!(text.contains("merchant balance: 143.00 CNY"));
    assert!(text.contains("ledger audit: balanced"));
}

#[test]
fn scan_reports_every_file_and_parse_describes_the_code() {
    use purse_core::money::{Currency, Money};
    use purse_core::paycode::{Initiation, MerchantCodeSpec, PURSE_GUID, emvco, render_png};
    let tmp = tempfile::tempdir().unwrap();
    let payload = emvco::encode(&MerchantCodeSpec {
        initiation: Initiation::Dynamic,
        account_tag: 26,
        guid: PURSE_GUID.into(),
        account_fields: vec![("01".into(), "m_1".into()), ("02".into(), "ord_1".into())],
        mcc: "5812".into(),
        amount: Some(Money::parse("12.34 CNY").unwrap()),
        currency: Currency::from_code("CNY").unwrap(),
        country: "CN".into(),
        merchant_name: "Tea House".into(),
        merchant_city: "Hangzhou".into(),
        bill_number: None,
        reference_label: None,
        terminal_label: None,
    })
    .unwrap();
    let good = tmp.path().join("code.png");
    std::fs::write(&good, render_png(&payload, 5).unwrap()).unwrap();
    let garbage = tmp.path().join("garbage.png");
    std::fs::write(&garbage, b"\x89PNG\r\n\x1a\nnot really").unwrap();
    let missing = tmp.path().join("missing.png");
    let out = Command::new(PURSE)
        .arg("scan")
        .arg("--json")
        .args([&good, &garbage, &missing])
        .output()
        .unwrap();
    assert!(out.status.success());
    let lines: Vec<Value> = String::from_utf8_lossy(&out.stdout)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines.len(), 3);
    assert_eq!(lines[0]["payloads"][0], payload.as_str());
    // The code's corners, parallel to the payloads: four points around the code, inside the
    // picture, the code filling most of it (a quiet zone around).
    let side = purse_core::scan::decode_image(&std::fs::read(&good).unwrap())
        .unwrap()
        .width as f64;
    let corners = lines[0]["corners"][0].as_array().unwrap();
    assert_eq!(corners.len(), 4);
    let xs: Vec<f64> = corners.iter().map(|c| c[0].as_f64().unwrap()).collect();
    let ys: Vec<f64> = corners.iter().map(|c| c[1].as_f64().unwrap()).collect();
    for v in xs.iter().chain(&ys) {
        assert!((0.0..=side).contains(v), "{corners:?} in {side}");
    }
    let span = xs.iter().cloned().fold(0.0, f64::max) - xs.iter().cloned().fold(side, f64::min);
    assert!(span > side * 0.6, "{corners:?} in {side}");
    assert!(lines[0]["ms"].as_f64().unwrap() >= 0.0);
    assert!(lines[1]["error"].is_string() && lines[1]["payloads"].is_null());
    assert!(lines[2]["error"].is_string());

    let out = Command::new(PURSE)
        .args(["parse", "--json", &payload])
        .output()
        .unwrap();
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["format"], "emvco");
    assert_eq!(v["initiation"], "dynamic");
    assert_eq!(v["merchant_name"], "Tea House");
    assert_eq!(v["merchant_city"], "Hangzhou");
    assert_eq!(v["country"], "CN");
    assert_eq!(v["mcc"], "5812");
    assert_eq!(v["currency"], "CNY");
    assert_eq!(v["amount"], "12.34");
    assert_eq!(v["accounts"][0]["tag"], "26");
    assert_eq!(v["accounts"][0]["guid"], PURSE_GUID);
    assert!(v["warnings"].as_array().unwrap().is_empty());

    let mut broken = payload.clone();
    broken.replace_range(broken.len() - 4.., "0000");
    let out = Command::new(PURSE)
        .args(["parse", "--json", &broken])
        .output()
        .unwrap();
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("checksum"));
    let out = Command::new(PURSE)
        .args(["parse", "--json", "https://example.com"])
        .output()
        .unwrap();
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("not a payment code"));
}

#[test]
fn merchant_orders_and_pay_by_image() {
    let tmp = tempfile::tempdir().unwrap();
    let backend =
        BackendProcess::start_with(&tmp.path().join("b.db"), &["--allow-loopback-webhooks"]);
    let (shop, payer) = (tmp.path().join("shop"), tmp.path().join("payer"));
    let url = backend.url.as_str();
    let shop_pw = Some("shop pass phrase");
    let pw = Some("payer pass phrase");

    let m = ok_json(purse(
        &shop,
        url,
        shop_pw,
        &[
            "merchant",
            "init",
            "--name",
            "Tea House",
            "--webhook",
            "http://127.0.0.1:9/hook",
            "--json",
        ],
    ));
    assert!(m["merchant_id"].as_str().unwrap().starts_with("mch_"));
    // The secret is shown once and not kept in the profile.
    let secret = m["webhook_secret"].as_str().unwrap();
    assert!(secret.starts_with("whsec_"));
    let profile = std::fs::read_to_string(shop.join("merchant.json")).unwrap();
    assert!(!profile.contains(secret) && !profile.contains("webhook_secret"));
    assert!(shop.join("merchant.json").is_file());
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = |p: &Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode(&shop), 0o700, "the data folder is owner-only");
        assert_eq!(mode(&shop.join("wallet.db")), 0o600);
        assert_eq!(mode(&shop.join("merchant.json")), 0o600);
        assert_eq!(mode(&tmp.path().join("b.db")), 0o600);
        assert_eq!(mode(&tmp.path().join("b.db.key")), 0o600);
    }
    let png = tmp.path().join("order.png");
    let o = ok_json(purse(
        &shop,
        url,
        shop_pw,
        &[
            "merchant",
            "order",
            "--amount",
            "12.34 CNY",
            "--png",
            png.to_str().unwrap(),
            "--json",
        ],
    ));
    let order_id = o["order_id"].as_str().unwrap().to_owned();
    assert!(o["payload"].as_str().unwrap().starts_with("000201"));
    assert!(png.is_file());

    ok_json(purse(&payer, url, pw, &["init", "--name", "Ada", "--json"]));
    ok_json(purse(
        &payer,
        url,
        pw,
        &[
            "topup",
            "--card",
            "4242424242424242",
            "--amount",
            "20.00 CNY",
            "--json",
        ],
    ));
    // Without --yes and without a terminal, nothing is paid.
    fails_with(
        purse(&payer, url, pw, &["pay", png.to_str().unwrap()]),
        "--yes",
    );
    let p = ok_json(purse(
        &payer,
        url,
        pw,
        &["pay", png.to_str().unwrap(), "--yes", "--json"],
    ));
    assert_eq!(p["status"], "completed");
    assert_eq!(p["order_id"], order_id.as_str());
    assert_eq!(p["balance"]["minor"], 766);
    // A second payment of the same order is refused, with a non-zero exit.
    fails_with(
        purse(&payer, url, pw, &["pay", png.to_str().unwrap(), "--yes"]),
        "paid already",
    );

    let orders = ok_json(purse(
        &shop,
        url,
        shop_pw,
        &["merchant", "orders", "--json"],
    ));
    assert_eq!(orders["data"][0]["order_id"], order_id.as_str());
    assert_eq!(orders["data"][0]["state"], "paid");
    ok_json(purse(
        &shop,
        url,
        shop_pw,
        &[
            "merchant", "refund", &order_id, "--amount", "2.34 CNY", "--json",
        ],
    ));

    let h = ok_json(purse(&payer, url, pw, &["history", "--json"]));
    let kinds: Vec<_> = h["data"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["kind"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(kinds, ["refund", "payment", "topup"]);
    assert_eq!(h["data"][1]["amount"]["minor"], -1234);
    assert_eq!(h["data"][1]["counterparty"], "Tea House");
    assert_eq!(h["data"][1]["state"], "completed");
    let ev = purse(&payer, url, pw, &["events", "--json"]);
    assert!(ev.status.success());
    assert_eq!(String::from_utf8_lossy(&ev.stdout).lines().count(), 3);
}

#[test]
fn bills_and_phone_top_up_from_the_terminal() {
    let tmp = tempfile::tempdir().unwrap();
    let backend = BackendProcess::start(&tmp.path().join("b.db"));
    let data = tmp.path().join("wallet");
    let pw = Some("s3cret pass");
    let b = backend.url.as_str();
    ok_json(purse(&data, b, pw, &["init", "--name", "Ada", "--json"]));
    ok_json(purse(
        &data,
        b,
        pw,
        &[
            "topup",
            "--card",
            "4242 4242 4242 4242",
            "--amount",
            "300.00 CNY",
            "--json",
        ],
    ));

    let list = ok_json(purse(
        &data,
        b,
        pw,
        &["billers", "--category", "electricity", "--json"],
    ));
    let ids: Vec<&str> = list["data"]
        .as_array()
        .unwrap()
        .iter()
        .map(|x| x["biller_id"].as_str().unwrap())
        .collect();
    assert!(ids.contains(&"cn_state_grid") && !ids.contains(&"cn_shanghai_water"));

    let bill = ok_json(purse(
        &data,
        b,
        pw,
        &["bill", "fetch", "cn_state_grid", "1000000008", "--json"],
    ));
    assert_eq!(bill["amount_due"]["amount"], "235.60");
    fails_with(
        purse(
            &data,
            b,
            pw,
            &["bill", "fetch", "cn_state_grid", "1000000009"],
        ),
        "wrong check digit",
    );
    let paid = ok_json(purse(
        &data,
        b,
        pw,
        &[
            "bill",
            "pay",
            "cn_state_grid",
            "1000000008",
            "--amount",
            "35.60",
            "--json",
        ],
    ));
    assert_eq!(paid["state"], "completed");
    assert_eq!(paid["balance"]["amount"], "264.40");
    fails_with(
        purse(
            &data,
            b,
            pw,
            &[
                "bill",
                "pay",
                "cn_shanghai_water",
                "SH20261101",
                "--amount",
                "1.00",
            ],
        ),
        "pay exactly the amount due",
    );

    let out = purse(
        &data,
        b,
        pw,
        &[
            "bill",
            "save",
            "cn_state_grid",
            "1000000008",
            "--nickname",
            "Home",
        ],
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let saved = ok_json(purse(&data, b, pw, &["bills", "saved", "--json"]));
    assert_eq!(saved["data"][0]["nickname"], "Home");
    let due = ok_json(purse(&data, b, pw, &["bills", "due", "--json"]));
    assert_eq!(due["data"][0]["bill"]["amount_due"]["minor"], 23560);

    let topped = ok_json(purse(
        &data,
        b,
        pw,
        &[
            "phone",
            "topup",
            "+86 138 0013 8000",
            "--product",
            "cm_30",
            "--json",
        ],
    ));
    assert_eq!(topped["state"], "pending");
    assert_eq!(topped["amount"]["amount"], "30.00");
    let abroad = ok_json(purse(
        &data,
        b,
        pw,
        &[
            "phone",
            "topup",
            "+91 98765 43210",
            "--amount",
            "150",
            "--json",
        ],
    ));
    assert_eq!(abroad["biller_amount"]["formatted"], "150.00 INR");
    fails_with(
        purse(
            &data,
            b,
            pw,
            &["phone", "topup", "+86 21 6288 0000", "--product", "cm_30"],
        ),
        "not a mobile number",
    );
    let history = ok_json(purse(&data, b, pw, &["bills", "history", "--json"]));
    assert_eq!(history["data"].as_array().unwrap().len(), 3);
}

/// Today minus `n` days as `YYYY-MM-DD` (UTC).
fn days_ago(n: i64) -> String {
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs() as i64;
    purse_core::calendar::iso_date(now.div_euclid(86_400) - n)
}

#[test]
fn savings_in_out_history_and_the_job_on_demand() {
    let tmp = tempfile::tempdir().unwrap();
    let db = tmp.path().join("b.db");
    // The fund's calendar three days behind: what goes in now went in three days ago.
    let backend = BackendProcess::start_with(
        &db,
        &["--fund-clock-days=-3", "--savings-instant-cap", "50"],
    );
    let data = tmp.path().join("wallet");
    let pw = Some("s3cret pass");
    let b = backend.url.as_str();
    ok_json(purse(&data, b, pw, &["init", "--name", "Ada", "--json"]));
    ok_json(purse(
        &data,
        b,
        pw,
        &[
            "topup",
            "--card",
            "4242 4242 4242 4242",
            "--amount",
            "300.00 CNY",
            "--json",
        ],
    ));
    let m = ok_json(purse(&data, b, pw, &["savings", "in", "200", "--json"]));
    assert_eq!(m["state"], "completed");
    assert_eq!(m["balance"]["amount"], "100.00");
    assert_eq!(m["earns_from"], days_ago(2));

    // The daily job on demand, from another process on the same database: it catches up
    // the three days, in order, and a second run owes nothing.
    let out = Command::new(PURSE)
        .args(["backend", "accrue", "--db"])
        .arg(&db)
        .args(["--through", &days_ago(1), "--json"])
        .output()
        .unwrap();
    let days = ok_json(out);
    let dates: Vec<&str> = days["days"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["date"].as_str().unwrap())
        .collect();
    assert_eq!(dates, [days_ago(3), days_ago(2), days_ago(1)]);
    let again = Command::new(PURSE)
        .args(["backend", "accrue", "--db"])
        .arg(&db)
        .args(["--through", &days_ago(1)])
        .output()
        .unwrap();
    assert!(String::from_utf8_lossy(&again.stdout).contains("Nothing to accrue"));
    fails_with(
        Command::new(PURSE)
            .args(["backend", "accrue", "--db"])
            .arg(&db)
            .args(["--through", &days_ago(0)])
            .output()
            .unwrap(),
        "has not ended yet",
    );

    // 20,000 shares at 0.4521 per 10,000: 0.9042 fen a day for two days = 1 fen, carried.
    let s = ok_json(purse(&data, b, pw, &["savings", "--json"]));
    assert_eq!(s["total_income"]["amount"], "0.01");
    assert_eq!(s["balance"]["amount"], "200.01");
    let text = String::from_utf8_lossy(&purse(&data, b, pw, &["savings"]).stdout).to_string();
    assert!(text.contains("Savings: 200.01 CNY"), "{text}");
    assert!(
        text.contains("Instant redemption left today: 50.00 CNY of 50.00 CNY"),
        "{text}"
    );

    // Out: 50.00 at once, the rest on the next business day; above the balance refused.
    let out = ok_json(purse(
        &data,
        b,
        pw,
        &["savings", "out", "80.00 CNY", "--json"],
    ));
    assert_eq!(out["instant"]["amount"], "50.00");
    assert_eq!(out["standard"]["amount"], "30.00");
    assert_eq!(out["state"], "pending");
    fails_with(
        purse(&data, b, pw, &["savings", "out", "500"]),
        "savings hold less than this",
    );
    let history = ok_json(purse(&data, b, pw, &["savings", "history", "--json"]));
    let rows = history["data"].as_array().unwrap();
    assert_eq!(rows[0]["kind"], "savings_out");
    assert_eq!(rows[0]["status"], "pending");
    assert!(rows.iter().any(|r| r["kind"] == "savings_income"));
    assert_eq!(rows.last().unwrap()["kind"], "savings_in");
}

#[test]
fn a_pay_code_shown_in_one_process_is_charged_by_the_till_in_another() {
    let tmp = tempfile::tempdir().unwrap();
    let backend = BackendProcess::start(&tmp.path().join("b.db"));
    let (shop, ada) = (tmp.path().join("shop"), tmp.path().join("ada"));
    let url = backend.url.as_str();
    let shop_pw = Some("shop pass phrase");
    let pw = Some("ada pass phrase");
    ok_json(purse(
        &shop,
        url,
        shop_pw,
        &["merchant", "init", "--name", "Tea House", "--json"],
    ));
    ok_json(purse(&ada, url, pw, &["init", "--name", "Ada", "--json"]));
    ok_json(purse(
        &ada,
        url,
        pw,
        &[
            "topup",
            "--card",
            "4242 4242 4242 4242",
            "--amount",
            "300.00 CNY",
            "--json",
        ],
    ));

    // The code as JSON, and as a PNG whose QR the scanner reads back as the same code.
    let png = tmp.path().join("paycode.png");
    let png_arg = png.to_str().unwrap();
    let shown = ok_json(purse(
        &ada,
        url,
        pw,
        &["paycode", "--png", png_arg, "--json"],
    ));
    let digits = shown["digits"].as_str().unwrap();
    assert_eq!(digits.len(), 18);
    let found =
        purse_core::scan::scan_image(&std::fs::read(&png).unwrap(), Default::default()).unwrap();
    assert_eq!(found[0].payload, shown["qr_text"].as_str().unwrap());
    let text = purse(&ada, url, pw, &["paycode", "--once"]);
    assert!(String::from_utf8_lossy(&text.stdout).contains("Show this at the till"));

    // Above Ada's limit (50.00 by default) the charge waits until she confirms it.
    let c = ok_json(purse(
        &shop,
        url,
        shop_pw,
        &["merchant", "charge", digits, "--amount", "120.00", "--json"],
    ));
    assert_eq!(c["state"], "awaiting_confirmation");
    let w = ok_json(purse(&ada, url, pw, &["paycode", "waiting", "--json"]));
    assert_eq!(w["data"][0]["charge_id"], c["charge_id"]);
    assert_eq!(w["data"][0]["merchant_name"], "Tea House");
    let id = c["charge_id"].as_str().unwrap();
    let done = ok_json(purse(&ada, url, pw, &["paycode", "confirm", id, "--json"]));
    assert_eq!(done["state"], "completed");
    let seen = ok_json(purse(
        &shop,
        url,
        shop_pw,
        &["merchant", "charge-status", id, "--json"],
    ));
    assert_eq!(seen["state"], "completed");
    let bal = ok_json(purse(&ada, url, pw, &["balance", "--json"]));
    assert_eq!(bal["amount"], "180.00");
    // The same code, as its QR, is used.
    fails_with(
        purse(
            &shop,
            url,
            shop_pw,
            &[
                "merchant",
                "charge",
                shown["qr_text"].as_str().unwrap(),
                "--amount",
                "8.00",
            ],
        ),
        "charged already",
    );
    let l = ok_json(purse(&ada, url, pw, &["paycode", "limit", "0", "--json"]));
    assert_eq!(l["limit"]["amount"], "0.00");
    assert_eq!(l["ceiling"]["amount"], "2000.00");
}
