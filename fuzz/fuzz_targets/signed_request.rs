//! What the backend does with a request's signature headers, on any bytes: parse the
//! Signature and Signature-Input fields (RFC 9421, structured fields), check what they
//! cover, check the Content-Digest (RFC 9530) against the body, and verify the signature
//! with a device key. An error or a verdict, never a panic.
//!
//! Input: header lines (`name: value`, one per line), a blank line, then the body.
#![no_main]

use libfuzzer_sys::fuzz_target;
use purse_core::keys::PublicKey;
use purse_core::sign::{MessageView, parse_signature, required_components, verify_content_digest};

/// A fixed, valid P-256 public key: what the backend would load for the keyid.
fn key() -> &'static PublicKey {
    static KEY: std::sync::OnceLock<PublicKey> = std::sync::OnceLock::new();
    KEY.get_or_init(|| {
        purse_core::keys::SigningKey::generate()
            .expect("a key")
            .public_key()
    })
}

fuzz_target!(|data: &[u8]| {
    let split = data
        .windows(2)
        .position(|w| w == b"\n\n")
        .unwrap_or(data.len());
    let (head, body) = data.split_at(split);
    let body = body.get(2..).unwrap_or_default();
    let Ok(head) = std::str::from_utf8(head) else {
        return;
    };
    let headers: Vec<(String, String)> = head
        .lines()
        .filter_map(|l| l.split_once(':'))
        .map(|(n, v)| (n.trim().to_ascii_lowercase(), v.trim().to_owned()))
        .collect();
    if let Some((_, digest)) = headers.iter().find(|(n, _)| n == "content-digest") {
        let _ = verify_content_digest(digest, body);
    }
    let Ok(signature) = parse_signature(&headers, "purse") else {
        return;
    };
    let _ = signature.check_coverage(&required_components(true));
    let _ = signature.params.int("created");
    let _ = signature.params.str("keyid");
    let view = MessageView {
        method: "POST",
        target_uri: "http://127.0.0.1:8080/v1/payments",
        status: None,
        headers: &headers,
    };
    let _ = signature.verify(&view, key());
});
