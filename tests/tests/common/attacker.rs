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
