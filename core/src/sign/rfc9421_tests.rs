//! RFC 9421 Appendix B, run as tests: the RFC's keys, messages, signature bases and
//! signatures. Bases must match byte for byte; the RFC's signatures must verify (ECDSA
//! through Purse's own verifier, HMAC and Ed25519 through `ring` over our bases).

use base64::Engine;
use base64::engine::general_purpose::STANDARD as B64;

use super::*;
use crate::keys::{PublicKey, SigningKey};

/// test-key-ecc-p256 (B.1.3).
const ECC_PUBLIC_PEM: &str = "-----BEGIN PUBLIC KEY-----
MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAEqIVYZVLCrPZHGHjP17CTW0/+D9Lf
w0EkjqF7xB4FivAxzic30tMM4GF+hR6Dxh71Z50VGGdldkkDXZCnTNnoXQ==
-----END PUBLIC KEY-----";
const ECC_PRIVATE_SEC1_B64: &str = "MHcCAQEEIFKbhfNZfpDsW43+0+JjUr9K+bTeuxopu653+hBaXGA7oAoGCCqGSM49AwEHoUQDQgAEqIVYZVLCrPZHGHjP17CTW0/+D9Lfw0EkjqF7xB4FivAxzic30tMM4GF+hR6Dxh71Z50VGGdldkkDXZCnTNnoXQ==";
/// test-key-ed25519 (B.1.4), SubjectPublicKeyInfo.
const ED25519_PUBLIC_SPKI_B64: &str =
    "MCowBQYDK2VwAyEAJrQLj5P/89iXES9+vFgrIy29clF9CC/oPPsw3c5D0bs=";
/// test-shared-secret (B.1.5).
const SHARED_SECRET_B64: &str =
    "uzvJfB4u3N0Jy4T7NZ75MDVcr8zSTInedJtkgcu46YW4XByzNJjxBdtjUkdJPBtbmHhIDi6pcl8jsasjlTMtDQ==";

const REQUEST_URI: &str = "https://example.com/foo?param=Value&Pet=dog";
const REQUEST_DIGEST: &str = "sha-512=:WZDPaVn/7XgHaAy8pmojAkGWoRx2UFChF41A2svX+TaPm+AbwAgBWnrIiYllu7BNNyealdVLvRwEmTHWXvJwew==:";
const RESPONSE_DIGEST: &str = "sha-512=:mEWXIS7MaLRuGgxOBdODa3xqM1XdEvxoYhvlCFJ41QJgJc4GTsPp29l5oGX69wWdXymyU0rjJuahq4l5aGgfLQ==:";

fn h(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
    pairs
        .iter()
        .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
        .collect()
}

/// B.2's test-request.
fn test_request_headers() -> Vec<(String, String)> {
    h(&[
        ("Host", "example.com"),
        ("Date", "Tue, 20 Apr 2021 02:07:55 GMT"),
        ("Content-Type", "application/json"),
        ("Content-Digest", REQUEST_DIGEST),
        ("Content-Length", "18"),
    ])
}

fn request_view(headers: &[(String, String)]) -> MessageView<'_> {
    MessageView {
        method: "POST",
        target_uri: REQUEST_URI,
        status: None,
        headers,
    }
}

fn params(components: &[&str], extra: &[(&str, ParamValue)]) -> SignatureParams {
    SignatureParams {
        components: components.iter().map(|c| (*c).to_owned()).collect(),
        params: extra
            .iter()
            .map(|(k, v)| ((*k).to_owned(), v.clone()))
            .collect(),
    }
}

fn created_keyid(keyid: &str) -> Vec<(&'static str, ParamValue)> {
    vec![
        ("created", ParamValue::Int(1618884473)),
        ("keyid", ParamValue::Str(keyid.to_owned())),
    ]
}

fn ecc_key() -> SigningKey {
    let der = B64.decode(ECC_PRIVATE_SEC1_B64).unwrap();
    // SEC1 ECPrivateKey: 30 77 02 01 01 04 20 <32-byte scalar> ...
    let public = PublicKey::from_pem(ECC_PUBLIC_PEM).unwrap();
    SigningKey::from_scalar(&der[7..39], public.sec1()).unwrap()
}

#[test]
fn test_messages_digests_match_their_bodies() {
    verify_content_digest(REQUEST_DIGEST, b"{\"hello\": \"world\"}").unwrap();
    verify_content_digest(RESPONSE_DIGEST, b"{\"message\": \"good dog\"}").unwrap();
}

#[test]
fn b21_minimal_signature_base() {
    let headers = test_request_headers();
    let mut p = params(&[], &created_keyid("test-key-rsa-pss"));
    p.params.push((
        "nonce".into(),
        ParamValue::Str("b3k2pp5k7z-50gnwp.yemd".into()),
    ));
    assert_eq!(
        signature_base(&request_view(&headers), &p).unwrap(),
        "\"@signature-params\": ();created=1618884473;keyid=\"test-key-rsa-pss\";nonce=\"b3k2pp5k7z-50gnwp.yemd\""
    );
}

#[test]
fn b23_full_coverage_signature_base() {
    let headers = test_request_headers();
    let p = params(
        &[
            "date",
            "@method",
            "@path",
            "@query",
            "@authority",
            "content-type",
            "content-digest",
            "content-length",
        ],
        &created_keyid("test-key-rsa-pss"),
    );
    let expected = format!(
        "\"date\": Tue, 20 Apr 2021 02:07:55 GMT\n\
         \"@method\": POST\n\
         \"@path\": /foo\n\
         \"@query\": ?param=Value&Pet=dog\n\
         \"@authority\": example.com\n\
         \"content-type\": application/json\n\
         \"content-digest\": {REQUEST_DIGEST}\n\
         \"content-length\": 18\n\
         \"@signature-params\": (\"date\" \"@method\" \"@path\" \"@query\" \"@authority\" \"content-type\" \"content-digest\" \"content-length\");created=1618884473;keyid=\"test-key-rsa-pss\""
    );
    assert_eq!(
        signature_base(&request_view(&headers), &p).unwrap(),
        expected
    );
}

#[test]
fn b24_response_with_ecdsa_p256() {
    let headers = h(&[
        ("Date", "Tue, 20 Apr 2021 02:07:56 GMT"),
        ("Content-Type", "application/json"),
        ("Content-Digest", RESPONSE_DIGEST),
        ("Content-Length", "23"),
        (
            "Signature-Input",
            "sig-b24=(\"@status\" \"content-type\" \"content-digest\" \"content-length\");created=1618884473;keyid=\"test-key-ecc-p256\"",
        ),
        (
            "Signature",
            "sig-b24=:wNmSUAhwb5LxtOtOpNa6W5xj067m5hFrj0XQ4fvpaCLx0NKocgPquLgyahnzDnDAUy5eCdlYUEkLIj+32oiasw==:",
        ),
    ]);
    let view = MessageView {
        method: "GET",
        target_uri: REQUEST_URI,
        status: Some(200),
        headers: &headers,
    };
    let parsed = parse_signature(&headers, "sig-b24").unwrap();
    let expected = format!(
        "\"@status\": 200\n\
         \"content-type\": application/json\n\
         \"content-digest\": {RESPONSE_DIGEST}\n\
         \"content-length\": 23\n\
         \"@signature-params\": (\"@status\" \"content-type\" \"content-digest\" \"content-length\");created=1618884473;keyid=\"test-key-ecc-p256\""
    );
    assert_eq!(signature_base(&view, &parsed.params).unwrap(), expected);
    let public = PublicKey::from_pem(ECC_PUBLIC_PEM).unwrap();
    parsed.verify(&view, &public).unwrap();

    // And our own signature with the RFC's private key verifies against its public key.
    let ours = ecc_key().sign(expected.as_bytes()).unwrap();
    assert!(public.verify(expected.as_bytes(), &ours));
    let mut tampered = headers.clone();
    tampered[3].1 = "24".into();
    let view = MessageView {
        headers: &tampered,
        ..view
    };
    assert_eq!(parsed.verify(&view, &public), Err(SignError::BadSignature));
}

#[test]
fn b25_hmac_sha256() {
    let headers = test_request_headers();
    let p = params(
        &["date", "@authority", "content-type"],
        &created_keyid("test-shared-secret"),
    );
    let base = signature_base(&request_view(&headers), &p).unwrap();
    assert_eq!(
        base,
        "\"date\": Tue, 20 Apr 2021 02:07:55 GMT\n\
         \"@authority\": example.com\n\
         \"content-type\": application/json\n\
         \"@signature-params\": (\"date\" \"@authority\" \"content-type\");created=1618884473;keyid=\"test-shared-secret\""
    );
    let key = ring::hmac::Key::new(
        ring::hmac::HMAC_SHA256,
        &B64.decode(SHARED_SECRET_B64).unwrap(),
    );
    let sig = B64
        .decode("pxcQw6G3AjtMBQjwo8XzkZf/bws5LelbaMk5rGIGtE8=")
        .unwrap();
    ring::hmac::verify(&key, base.as_bytes(), &sig).unwrap();
}

#[test]
fn b26_ed25519() {
    let headers = test_request_headers();
    let p = params(
        &[
            "date",
            "@method",
            "@path",
            "@authority",
            "content-type",
            "content-length",
        ],
        &created_keyid("test-key-ed25519"),
    );
    let base = signature_base(&request_view(&headers), &p).unwrap();
    assert_eq!(
        base,
        "\"date\": Tue, 20 Apr 2021 02:07:55 GMT\n\
         \"@method\": POST\n\
         \"@path\": /foo\n\
         \"@authority\": example.com\n\
         \"content-type\": application/json\n\
         \"content-length\": 18\n\
         \"@signature-params\": (\"date\" \"@method\" \"@path\" \"@authority\" \"content-type\" \"content-length\");created=1618884473;keyid=\"test-key-ed25519\""
    );
    let spki = B64.decode(ED25519_PUBLIC_SPKI_B64).unwrap();
    let public = ring::signature::UnparsedPublicKey::new(&ring::signature::ED25519, &spki[12..]);
    let sig = B64
        .decode("wqcAqbmYJ2ji2glfAMaRy4gruYYnx2nEFN2HN6jrnDnQCK1u02Gb04v9EDgwUPiu4A0w6vuQv5lIp5WPpBKRCw==")
        .unwrap();
    public.verify(base.as_bytes(), &sig).unwrap();
}

#[test]
fn b3_tls_terminating_proxy_with_ecdsa_p256() {
    let cert = ":MIIBqDCCAU6gAwIBAgIBBzAKBggqhkjOPQQDAjA6MRswGQYDVQQKDBJMZXQncyBBdXRoZW50aWNhdGUxGzAZBgNVBAMMEkxBIEludGVybWVkaWF0ZSBDQTAeFw0yMDAxMTQyMjU1MzNaFw0yMTAxMjMyMjU1MzNaMA0xCzAJBgNVBAMMAkJDMFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAE8YnXXfaUgmnMtOXU/IncWalRhebrXmckC8vdgJ1p5Be5F/3YC8OthxM4+k1M6aEAEFcGzkJiNy6J84y7uzo9M6NyMHAwCQYDVR0TBAIwADAfBgNVHSMEGDAWgBRm3WjLa38lbEYCuiCPct0ZaSED2DAOBgNVHQ8BAf8EBAMCBsAwEwYDVR0lBAwwCgYIKwYBBQUHAwIwHQYDVR0RAQH/BBMwEYEPYmRjQGV4YW1wbGUuY29tMAoGCCqGSM49BAMCA0gAMEUCIBHda/r1vaL6G3VliL4/Di6YK0Q6bMjeSkC3dFCOOB8TAiEAx/kHSB4urmiZ0NX5r5XarmPk0wmuydBVoU4hBVZ1yhk=:";
    let headers = h(&[
        ("Host", "service.internal.example"),
        ("Date", "Tue, 20 Apr 2021 02:07:55 GMT"),
        ("Content-Type", "application/json"),
        ("Content-Length", "18"),
        ("Client-Cert", cert),
        (
            "Signature-Input",
            "ttrp=(\"@path\" \"@query\" \"@method\" \"@authority\" \"client-cert\");created=1618884473;keyid=\"test-key-ecc-p256\"",
        ),
        (
            "Signature",
            "ttrp=:xVMHVpawaAC/0SbHrKRs9i8I3eOs5RtTMGCWXm/9nvZzoHsIg6Mce9315T6xoklyy0yzhD9ah4JHRwMLOgmizw==:",
        ),
    ]);
    let view = MessageView {
        method: "POST",
        target_uri: "https://service.internal.example/foo?param=Value&Pet=dog",
        status: None,
        headers: &headers,
    };
    let parsed = parse_signature(&headers, "ttrp").unwrap();
    assert_eq!(
        signature_base(&view, &parsed.params).unwrap(),
        format!(
            "\"@path\": /foo\n\
             \"@query\": ?param=Value&Pet=dog\n\
             \"@method\": POST\n\
             \"@authority\": service.internal.example\n\
             \"client-cert\": {cert}\n\
             \"@signature-params\": (\"@path\" \"@query\" \"@method\" \"@authority\" \"client-cert\");created=1618884473;keyid=\"test-key-ecc-p256\""
        )
    );
    parsed
        .verify(&view, &PublicKey::from_pem(ECC_PUBLIC_PEM).unwrap())
        .unwrap();
}

#[test]
fn purse_requests_signed_with_the_rfc_key_verify() {
    let key = ecc_key();
    let signed = sign_request(
        &key,
        "test-key-ecc-p256",
        "POST",
        REQUEST_URI,
        Some("abc"),
        b"{\"hello\": \"world\"}",
        1618884473,
        60,
        "n",
    )
    .unwrap();
    assert_eq!(
        signed.content_digest,
        "sha-256=:X48E9qOokqqrvdts8nOJRJN3OWDUoyWxBf7kbu9DBPE=:"
    );
    assert_eq!(
        signed.signature_input,
        "purse=(\"@method\" \"@target-uri\" \"content-digest\" \"idempotency-key\");created=1618884473;expires=1618884533;nonce=\"n\";keyid=\"test-key-ecc-p256\";alg=\"ecdsa-p256-sha256\""
    );
    let headers = h(&[
        ("content-digest", &signed.content_digest),
        ("idempotency-key", "abc"),
        ("signature-input", &signed.signature_input),
        ("signature", &signed.signature),
    ]);
    parse_signature(&headers, LABEL)
        .unwrap()
        .verify(
            &request_view(&headers),
            &PublicKey::from_pem(ECC_PUBLIC_PEM).unwrap(),
        )
        .unwrap();
}
