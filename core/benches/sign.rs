//! Signing and verifying one Purse request (RFC 9421 + RFC 9530), as client and backend do
//! it per request. Target: sign + verify well under 1 ms.
//!
//! Run: `cargo bench -p purse-core --bench sign`

mod common;

use purse_core::keys::SigningKey;
use purse_core::sign::{LABEL, MessageView, parse_signature, sign_request};

fn main() {
    let key = SigningKey::generate().unwrap();
    let public = key.public_key();
    let uri = "https://api.purse.example/v1/topups";
    let body = br#"{"source_id":"src_0123456789abcdef01234567","amount":{"minor":10000,"currency":"CNY"}}"#;
    let sign = || {
        sign_request(
            &key,
            "dev_0123456789abcdef0123",
            "POST",
            uri,
            Some("idem-key-0123456789"),
            body,
            1_800_000_000,
            120,
            "nonce-0123456789abcdef",
        )
        .unwrap()
    };
    let signed = sign();
    let headers = vec![
        ("content-digest".to_owned(), signed.content_digest.clone()),
        (
            "idempotency-key".to_owned(),
            "idem-key-0123456789".to_owned(),
        ),
        ("signature-input".to_owned(), signed.signature_input.clone()),
        ("signature".to_owned(), signed.signature.clone()),
    ];
    let verify = || {
        let parsed = parse_signature(&headers, LABEL).unwrap();
        purse_core::sign::verify_content_digest(&headers[0].1, body).unwrap();
        let view = MessageView {
            method: "POST",
            target_uri: uri,
            status: None,
            headers: &headers,
        };
        parsed.verify(&view, &public).unwrap();
    };
    println!(
        "purse-core request signatures (ecdsa-p256-sha256, {} byte body)",
        body.len()
    );
    let s = common::measure(5000, || {
        std::hint::black_box(sign());
    });
    common::report("sign request (digest + base + ECDSA)", &s);
    let v = common::measure(5000, verify);
    common::report("verify request (parse + digest + ECDSA)", &v);
    let both = common::measure(5000, || {
        std::hint::black_box(sign());
        verify();
    });
    common::report("sign + verify", &both);
}
