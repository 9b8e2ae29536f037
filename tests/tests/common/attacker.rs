//! Requests built and signed by hand, so that a test can bend any part of them after
//! signing: the attacker's tools.

use purse_core::api::types::Problem;
use purse_core::keys::SigningKey;
use purse_core::sign::sign_request;

/// Signs as a device whose key it holds, and sends to `url`.
pub struct Attacker {
    pub url: String,
    pub http: reqwest::Client,
    pub key: SigningKey,
    pub device_id: String,
}

/// A request about to be sent: bend any part of it after signing.
pub struct Raw {
    pub method: reqwest::Method,
    pub path: String,
    pub body: Vec<u8>,
    pub headers: Vec<(String, String)>,
}

pub fn now() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs() as i64
}

impl Attacker {
    /// Signs as the enrolled device of `creds` (its key taken over: the only handle).
    pub fn for_device(url: &str, creds: purse_core::api::DeviceCredentials) -> Attacker {
        Attacker {
            url: url.to_owned(),
            http: reqwest::Client::new(),
            key: std::sync::Arc::into_inner(creds.key).expect("the only handle"),
            device_id: creds.device_id,
        }
    }

    pub fn sign(
        &self,
        method: &str,
        path: &str,
        body: &[u8],
        idem: Option<&str>,
        created: i64,
        nonce: &str,
    ) -> Raw {
        let uri = format!("{}{path}", self.url);
        let h = sign_request(
            &self.key,
            &self.device_id,
            method,
            &uri,
            idem,
            body,
            created,
            120,
            nonce,
        )
        .unwrap();
        let mut headers = vec![
            ("content-digest".to_owned(), h.content_digest),
            ("signature-input".to_owned(), h.signature_input),
            ("signature".to_owned(), h.signature),
            ("content-type".to_owned(), "application/json".to_owned()),
        ];
        if let Some(k) = idem {
            headers.push(("idempotency-key".to_owned(), k.to_owned()));
        }
        Raw {
            method: method.parse().unwrap(),
            path: path.to_owned(),
            body: body.to_vec(),
            headers,
        }
    }

    pub async fn send(&self, raw: &Raw) -> (u16, String) {
        let mut req = self
            .http
            .request(raw.method.clone(), format!("{}{}", self.url, raw.path));
        for (k, v) in &raw.headers {
            req = req.header(k, v);
        }
        let resp = req.body(raw.body.clone()).send().await.unwrap();
        let status = resp.status().as_u16();
        let ctype = resp
            .headers()
            .get("content-type")
            .map(|v| v.to_str().unwrap().to_owned());
        let text = resp.text().await.unwrap();
        if status >= 400 {
            assert_eq!(ctype.as_deref(), Some("application/problem+json"));
            let p: Problem = serde_json::from_str(&text).unwrap();
            assert!(p.request_id.starts_with("req_"));
            return (status, p.code);
        }
        (status, text)
    }
}

impl Attacker {
    /// A device no account has yet, enrolling itself with whatever names it likes (the
    /// backend's checks, without the wallet's). Returns the answer, the device as an
    /// attacker, and its payment key (to sign authorizations no wallet would).
    pub async fn enroll(
        url: &str,
        name: &str,
        device_name: &str,
    ) -> ((u16, String), Attacker, SigningKey) {
        use base64::Engine;
        use base64::engine::general_purpose::STANDARD as B64;
        use purse_core::api::types::{EnrollRequest, RecoveryKdf, RecoverySetup};
        use purse_core::keys::{Argon2Cost, device_id_for, payment_key_proof_message};

        let device = SigningKey::generate().unwrap();
        let payment = SigningKey::generate().unwrap();
        let device_id = device_id_for(&device.public_key());
        let proof = payment
            .sign(&payment_key_proof_message(
                &device_id,
                &payment.public_key(),
            ))
            .unwrap();
        let cost = Argon2Cost::INSECURE_FAST;
        let body = serde_json::to_vec(&EnrollRequest {
            name: name.into(),
            currency: purse_core::money::Currency::from_code("CNY").unwrap(),
            device_public_key: device.public_key().to_base64(),
            payment_public_key: payment.public_key().to_base64(),
            payment_key_proof: B64.encode(proof),
            device_name: device_name.into(),
            recovery: RecoverySetup {
                lookup: device_id
                    .bytes()
                    .cycle()
                    .take(16)
                    .map(|b| format!("{b:02x}"))
                    .collect(),
                public_key: B64.encode([7u8; 32]),
                kdf: RecoveryKdf {
                    algorithm: "argon2id".into(),
                    memory_kib: cost.memory_kib,
                    passes: cost.passes,
                    salt: B64.encode([1u8; 16]),
                },
            },
        })
        .unwrap();
        let attacker = Attacker {
            url: url.to_owned(),
            http: reqwest::Client::new(),
            key: device,
            device_id,
        };
        let raw = attacker.sign("POST", "/v1/enroll", &body, None, now(), &device_id_nonce());
        (attacker.send(&raw).await, attacker, payment)
    }
}

fn device_id_nonce() -> String {
    use std::sync::atomic::{AtomicU64, Ordering};
    static N: AtomicU64 = AtomicU64::new(0);
    format!(
        "enroll-{}-{}",
        std::process::id(),
        N.fetch_add(1, Ordering::Relaxed)
    )
}
