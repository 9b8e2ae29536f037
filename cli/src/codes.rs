//! `purse scan` and `purse parse`: QR payloads out of image files, payment codes out of
//! payloads. The JSON shapes are a contract that external checks read.

use std::time::{Duration, Instant};

use purse_core::paycode::{self, PaycodeError, PaymentCode};
use purse_core::scan::{self, ScanOptions};
use purse_core::text::escape_shown;
use serde_json::{Value, json};

/// One line per file: `{"file", "payloads", "corners", "ms"}`, or `{"file", "error"}`.
/// `corners[i]` is `payloads[i]`'s four corners in pixels, `[[x, y]; 4]` (top-left,
/// top-right, bottom-right, bottom-left as the code is oriented). `ms` times finding
/// and decoding codes in the already-decoded pixels, as for a camera frame. Returns whether
/// every file could be read.
pub fn scan_files(files: &[std::path::PathBuf], json_out: bool, budget_ms: u64) -> bool {
    let opts = ScanOptions {
        budget: Duration::from_millis(budget_ms),
        first_only: false,
    };
    let mut all_ok = true;
    for file in files {
        let name = file.display().to_string();
        let result = std::fs::read(file)
            .map_err(|e| e.to_string())
            .and_then(|bytes| scan::decode_image(&bytes).map_err(|e| e.to_string()));
        match result {
            Ok(gray) => {
                let t = Instant::now();
                let found = scan::scan_gray(&gray, opts);
                let ms = t.elapsed().as_secs_f64() * 1e3;
                let payloads: Vec<&str> = found.iter().map(|f| f.payload.as_str()).collect();
                if json_out {
                    let corners: Vec<Value> = found
                        .iter()
                        .map(|f| json!(f.corners.map(|c| [c.x, c.y])))
                        .collect();
                    println!(
                        "{}",
                        json!({
                            "file": name,
                            "payloads": payloads,
                            "corners": corners,
                            "ms": (ms * 1000.0).round() / 1000.0,
                        })
                    );
                } else if payloads.is_empty() {
                    println!("{name}: no QR code found ({ms:.1} ms)");
                } else {
                    for p in payloads {
                        println!("{name}: {p}");
                    }
                }
            }
            Err(e) => {
                all_ok = false;
                if json_out {
                    println!("{}", json!({"file": name, "error": e}));
                } else {
                    eprintln!("{name}: {e}");
                }
            }
        }
    }
    all_ok
}

pub fn parse_json(code: &PaymentCode) -> Value {
    match code {
        PaymentCode::Emvco(c) => json!({
            "format": "emvco",
            "initiation": c.initiation,
            "merchant_name": c.merchant_name,
            "merchant_city": c.merchant_city,
            "country": c.country,
            "mcc": c.mcc,
            "currency": c.currency.map(|c| c.code()),
            "amount": c.amount_text,
            "amount_minor": c.amount.map(|a| a.minor),
            "accounts": c.accounts.iter().map(|a| json!({"tag": a.tag, "guid": a.guid})).collect::<Vec<_>>(),
            "tip": c.tip,
            "postal_code": c.postal_code,
            "additional": c.additional,
            "language": c.language,
            "purse_merchant": code.purse_merchant().map(|(m, o)| json!({"merchant_id": m, "order_id": o})),
            "warnings": c.warnings,
        }),
        other => {
            let mut v = serde_json::to_value(other).unwrap_or(Value::Null);
            if let Some(obj) = v.as_object_mut() {
                obj.entry("warnings").or_insert_with(|| json!([]));
            }
            v
        }
    }
}

pub fn parse_payload(payload: &str, json_out: bool) -> anyhow::Result<()> {
    let code = paycode::parse(payload).map_err(|e| match e {
        PaycodeError::NotPaymentCode { .. } => anyhow::anyhow!("not a payment code"),
        PaycodeError::OtherNetwork { ref fields, .. } if !fields.is_empty() => {
            let shown: Vec<String> = fields
                .iter()
                .map(|(k, v)| format!("  {}: {}", escape_shown(k), escape_shown(v)))
                .collect();
            anyhow::anyhow!("{e}; it says:\n{}", shown.join("\n"))
        }
        other => anyhow::anyhow!(other),
    })?;
    let v = parse_json(&code);
    if json_out {
        println!("{v}");
    } else {
        println!("{}", serde_json::to_string_pretty(&v)?);
    }
    Ok(())
}
