//! The typed async client of the backend, its transport half: signed requests, timeouts,
//! retries, typed errors. One method per endpoint lives in `endpoints.rs`.

use std::sync::Arc;
use std::time::Duration;

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD as B64URL;
use reqwest::{Method, StatusCode};
use serde::Serialize;
use serde::de::DeserializeOwned;
use url::Url;

use super::ApiError;
use super::types::*;
use crate::keys::{SigningKey, random_bytes};
use crate::sign::sign_request;

/// How long a request signature stays valid. Short, because the backend keeps every nonce
/// until its signature expires.
const SIGNATURE_TTL_SECS: i64 = 120;

/// The longest `Retry-After` a request waits out by itself before trying again.
const MAX_RETRY_AFTER: Duration = Duration::from_secs(5);

/// When to try again. Only requests that are safe to repeat are retried: reads, and writes
/// that carry an `Idempotency-Key` (the backend answers a repeat with the first answer).
#[derive(Debug, Clone, Copy)]
pub struct RetryPolicy {
    pub attempts: u32,
    pub first_backoff: Duration,
    pub max_backoff: Duration,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        RetryPolicy {
            attempts: 4,
            first_backoff: Duration::from_millis(200),
            max_backoff: Duration::from_secs(3),
        }
    }
}

/// The device identity requests are signed with.
#[derive(Clone)]
pub struct DeviceCredentials {
    pub device_id: String,
    pub key: Arc<SigningKey>,
}

#[derive(Clone)]
pub struct ApiClient {
    base: Url,
    http: reqwest::Client,
    retry: RetryPolicy,
}

/// Allows plain HTTP only to loopback: anything else must be HTTPS.
pub fn check_backend_url(url: &str) -> Result<Url, ApiError> {
    let parsed = Url::parse(url).map_err(|e| ApiError::InvalidUrl(format!("{url}: {e}")))?;
    match parsed.scheme() {
        "https" => {}
        "http" => {
            let loopback = match parsed.host() {
                Some(url::Host::Ipv4(ip)) => ip.is_loopback(),
                Some(url::Host::Ipv6(ip)) => ip.is_loopback(),
                Some(url::Host::Domain(d)) => d.eq_ignore_ascii_case("localhost"),
                None => false,
            };
            if !loopback {
                return Err(ApiError::InsecureUrl(url.to_owned()));
            }
        }
        _ => return Err(ApiError::InvalidUrl(format!("{url}: not http(s)"))),
    }
    if parsed.cannot_be_a_base() {
        return Err(ApiError::InvalidUrl(url.to_owned()));
    }
    Ok(parsed)
}

impl ApiClient {
    pub fn new(base_url: &str) -> Result<Self, ApiError> {
        Self::with_options(base_url, Duration::from_secs(15), RetryPolicy::default())
    }

    pub fn with_options(
        base_url: &str,
        timeout: Duration,
        retry: RetryPolicy,
    ) -> Result<Self, ApiError> {
        Self::with_tls(base_url, timeout, retry, &super::tls::TlsPolicy::default())
    }

    /// A client that trusts the backend's TLS as `tls` says (extra roots, pinned keys).
    pub fn with_tls(
        base_url: &str,
        timeout: Duration,
        retry: RetryPolicy,
        tls: &super::tls::TlsPolicy,
    ) -> Result<Self, ApiError> {
        let mut base = check_backend_url(base_url)?;
        if !base.path().ends_with('/') {
            base.set_path(&format!("{}/", base.path()));
        }
        let mut builder = reqwest::Client::builder()
            .connect_timeout(Duration::from_secs(5).min(timeout))
            .timeout(timeout)
            .https_only(base.scheme() == "https")
            .user_agent(concat!("purse-core/", env!("CARGO_PKG_VERSION")));
        if let Some(config) = tls.client_config()? {
            builder = builder.use_preconfigured_tls(config);
        }
        let http = builder.build().map_err(|e| ApiError::Network {
            message: e.to_string(),
            retryable: false,
        })?;
        Ok(ApiClient { base, http, retry })
    }

    pub fn base_url(&self) -> &Url {
        &self.base
    }

    /// Sends one signed request, retrying what is safe to retry. Each attempt is signed
    /// afresh (new nonce and time) over the same body and idempotency key.
    pub async fn send<B: Serialize, T: DeserializeOwned>(
        &self,
        creds: &DeviceCredentials,
        method: Method,
        path: &str,
        body: Option<&B>,
        idempotency_key: Option<&str>,
    ) -> Result<T, ApiError> {
        let body = match body {
            Some(b) => serde_json::to_vec(b).map_err(|e| ApiError::Decode(e.to_string()))?,
            None => Vec::new(),
        };
        self.send_bytes(creds, method, path, body, idempotency_key)
            .await
    }

    /// A GET of `path`.
    pub async fn get<T: DeserializeOwned>(
        &self,
        creds: &DeviceCredentials,
        path: &str,
    ) -> Result<T, ApiError> {
        self.send_bytes(creds, Method::GET, path, Vec::new(), None)
            .await
    }

    /// A POST whose path names the whole action (decline, rotate, settle): its body is `{}`.
    pub async fn post_empty<T: DeserializeOwned>(
        &self,
        creds: &DeviceCredentials,
        path: &str,
    ) -> Result<T, ApiError> {
        self.send_bytes(creds, Method::POST, path, b"{}".to_vec(), None)
            .await
    }

    /// [`ApiClient::send`] with a body already serialised.
    pub async fn send_bytes<T: DeserializeOwned>(
        &self,
        creds: &DeviceCredentials,
        method: Method,
        path: &str,
        body: Vec<u8>,
        idempotency_key: Option<&str>,
    ) -> Result<T, ApiError> {
        let answer = self
            .exchange(creds, method, path, body, idempotency_key)
            .await?;
        decode_success(&answer).map_err(|e| match e {
            ApiError::Decode(why) => ApiError::Decode(format!("from /{path}: {why}")),
            other => other,
        })
    }

    /// Sends, retrying what is safe to retry, and returns a success's body. Not generic over
    /// the answer's type, so that the retry loop and the HTTP stack's futures are compiled
    /// once for the whole API, not once per endpoint (about 5 KiB each in the phone library).
    async fn exchange(
        &self,
        creds: &DeviceCredentials,
        method: Method,
        path: &str,
        body: Vec<u8>,
        idempotency_key: Option<&str>,
    ) -> Result<Vec<u8>, ApiError> {
        let url = self
            .base
            .join(path)
            .map_err(|e| ApiError::InvalidUrl(e.to_string()))?;
        let retryable_request = method == Method::GET || idempotency_key.is_some();
        let mut backoff = self.retry.first_backoff;
        let mut attempt = 1;
        loop {
            let result = self
                .attempt(creds, &method, &url, &body, idempotency_key)
                .await;
            match result {
                // A replayed nonce means an earlier copy of this very request arrived (a
                // network that delivered it twice): signing it afresh is safe exactly when
                // repeating it is.
                Err(e)
                    if retryable_request
                        && (e.is_retryable() || e.code() == Some(codes::NONCE_REPLAYED))
                        && attempt < self.retry.attempts =>
                {
                    // A server that says how long to wait is believed: waited out when it
                    // is short, else the caller hears it (a rate limit of a minute is the
                    // user's to wait, not a hidden spinner's).
                    let wait = match e.retry_after() {
                        Some(asked) if asked > MAX_RETRY_AFTER => return Err(e),
                        Some(asked) => asked + jitter(backoff) / 4,
                        None => jitter(backoff),
                    };
                    tracing::debug!(%e, attempt, path, ?wait, "retrying");
                    tokio::time::sleep(wait).await;
                    backoff = (backoff * 2).min(self.retry.max_backoff);
                    attempt += 1;
                }
                other => return other,
            }
        }
    }

    async fn attempt(
        &self,
        creds: &DeviceCredentials,
        method: &Method,
        url: &Url,
        body: &[u8],
        idempotency_key: Option<&str>,
    ) -> Result<Vec<u8>, ApiError> {
        let nonce = B64URL.encode(random_bytes::<16>().map_err(|e| ApiError::Sign(e.to_string()))?);
        let signed = sign_request(
            &creds.key,
            &creds.device_id,
            method.as_str(),
            url.as_str(),
            idempotency_key,
            body,
            unix_now(),
            SIGNATURE_TTL_SECS,
            &nonce,
        )
        .map_err(|e| ApiError::Sign(e.to_string()))?;
        let mut req = self
            .http
            .request(method.clone(), url.clone())
            .header("content-digest", signed.content_digest)
            .header("signature-input", signed.signature_input)
            .header("signature", signed.signature)
            .header("accept", "application/json");
        if let Some(k) = idempotency_key {
            req = req.header("idempotency-key", k);
        }
        if !body.is_empty() {
            req = req
                .header("content-type", "application/json")
                .body(body.to_vec());
        }
        let resp = req.send().await.map_err(ApiError::from_reqwest)?;
        let status = resp.status();
        let request_id = resp
            .headers()
            .get("x-request-id")
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
            .to_owned();
        let bytes = resp.bytes().await.map_err(ApiError::from_reqwest)?;
        if status.is_success() {
            return Ok(bytes.to_vec());
        }
        Err(problem_from(status, &bytes, request_id))
    }
}

/// What the backend answered, as the client reads it: the body of a success as `T`, any
/// other status as the problem it carries (or says it does not). Whatever the bytes, an
/// answer or a typed error, never a panic (fuzzed: `fuzz/fuzz_targets/api_answer.rs`).
pub fn read_answer<T: DeserializeOwned>(
    status: u16,
    bytes: &[u8],
    request_id: String,
) -> Result<T, ApiError> {
    let Ok(status) = StatusCode::from_u16(status) else {
        return Err(ApiError::Decode(format!("status {status} is not HTTP")));
    };
    if status.is_success() {
        return decode_success(bytes);
    }
    Err(problem_from(status, bytes, request_id))
}

fn decode_success<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, ApiError> {
    serde_json::from_slice(bytes)
        .map_err(|e| ApiError::Decode(format!("unexpected response body: {e}")))
}

fn problem_from(status: StatusCode, bytes: &[u8], request_id: String) -> ApiError {
    match serde_json::from_slice::<Problem>(bytes) {
        Ok(mut p) => {
            if p.request_id.is_empty() {
                p.request_id = request_id;
            }
            p.status = status.as_u16();
            ApiError::Problem(Box::new(p))
        }
        // A proxy's HTML error page or a truncated body: keep the status, say what it was.
        Err(_) => ApiError::Problem(Box::new(Problem {
            problem_type: "about:blank".into(),
            title: status.canonical_reason().unwrap_or("error").into(),
            status: status.as_u16(),
            detail: "the server answered with an error that is not problem+json".into(),
            code: if status.is_server_error() {
                codes::INTERNAL.into()
            } else {
                "http_error".into()
            },
            decline_code: None,
            retry_after: None,
            request_id,
        })),
    }
}

/// A fresh random idempotency key (128 bits, URL-safe base64).
pub fn new_idempotency_key() -> String {
    B64URL.encode(random_bytes::<16>().unwrap_or_else(|_| {
        let t = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap_or_default()
            .as_nanos();
        t.to_le_bytes()
    }))
}

/// A value placed in a URL path, percent-encoded.
pub(super) fn path_segment(s: &str) -> String {
    url::form_urlencoded::byte_serialize(s.as_bytes()).collect()
}

/// `base?limit=N`, and `&starting_after=ID` for the page after a cursor.
pub(super) fn page_path(base: &str, limit: u32, starting_after: Option<&str>) -> String {
    match starting_after {
        Some(after) => format!(
            "{base}?limit={limit}&starting_after={}",
            path_segment(after)
        ),
        None => format!("{base}?limit={limit}"),
    }
}

fn jitter(d: Duration) -> Duration {
    let r = random_bytes::<2>().map(u16::from_le_bytes).unwrap_or(0);
    // 50% to 100% of the nominal backoff.
    d / 2 + d.mul_f64(f64::from(r) / f64::from(u16::MAX) / 2.0)
}

pub(crate) fn unix_now() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs() as i64)
        .unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_loopback_may_be_plain_http() {
        for ok in [
            "https://api.purse.example",
            "http://127.0.0.1:8080",
            "http://127.9.9.9",
            "http://[::1]:1/",
            "http://localhost:3000",
        ] {
            check_backend_url(ok).unwrap();
        }
        for bad in [
            "http://10.0.0.1",
            "http://purse.example",
            "http://127.0.0.1.evil.example",
        ] {
            assert!(
                matches!(check_backend_url(bad), Err(ApiError::InsecureUrl(_))),
                "{bad}"
            );
        }
        assert!(matches!(
            check_backend_url("ftp://x"),
            Err(ApiError::InvalidUrl(_))
        ));
        assert!(matches!(
            check_backend_url("nonsense"),
            Err(ApiError::InvalidUrl(_))
        ));
    }

    #[test]
    fn non_problem_errors_keep_the_status() {
        let e = problem_from(StatusCode::BAD_GATEWAY, b"<html>", "r1".into());
        let ApiError::Problem(p) = e else { panic!() };
        assert_eq!(
            (p.status, p.code.as_str(), p.request_id.as_str()),
            (502, "internal_error", "r1")
        );
        let e = problem_from(
            StatusCode::PAYMENT_REQUIRED,
            br#"{"title":"Declined","status":402,"code":"card_declined","decline_code":"insufficient_funds"}"#,
            String::new(),
        );
        assert!(
            matches!(e, ApiError::Problem(p) if p.decline_code.as_deref() == Some("insufficient_funds"))
        );
    }

    #[test]
    fn idempotency_keys_are_unique() {
        assert_ne!(new_idempotency_key(), new_idempotency_key());
        assert_eq!(new_idempotency_key().len(), 22);
    }
}
