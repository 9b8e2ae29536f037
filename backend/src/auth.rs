//! Request authentication: every request is an RFC 9421 signature by a registered,
//! unrevoked device key, fresh, never seen before, over a body that matches its digest.
//!
//! Each way to fail has its own code, in the order checked: `signature_missing`,
//! `signature_malformed`, `signature_coverage`, `digest_mismatch`, `signature_expired`,
//! `signature_from_future`, `unknown_key`, `device_revoked`, `signature_invalid`,
//! `nonce_replayed`. The nonce is recorded only after the signature verified, so nobody can
//! burn another device's nonces.

use axum::body::Bytes;
use axum::extract::{FromRequest, Request};
use axum::http::StatusCode;
use purse_core::api::types::codes;
use purse_core::keys::PublicKey;
use purse_core::sign::{
    LABEL, MessageView, ParsedSignature, SignError, parse_signature, required_components,
    verify_content_digest,
};

use crate::app::AppState;
use crate::ledger::DeviceRow;
use crate::problem::ApiProblem;

/// Largest request body accepted.
pub const MAX_BODY: usize = 64 * 1024;
/// A signature older than this is stale, whatever its `expires` says.
pub const MAX_AGE_SECS: i64 = 300;
/// Clock skew tolerated for a `created` in the future.
pub const MAX_SKEW_SECS: i64 = 30;
/// Longest `expires - created` accepted; bounds how long nonces must be kept.
pub const MAX_LIFETIME_SECS: i64 = 600;

/// A request whose signature checked out, with its body.
pub struct SignedRequest {
    pub method: String,
    pub target_uri: String,
    pub headers: Vec<(String, String)>,
    pub body: Bytes,
    pub signature: ParsedSignature,
    pub keyid: String,
    pub nonce: String,
    pub expires: i64,
    pub idempotency_key: Option<String>,
    /// The TCP peer's address, for per-address limits.
    pub client_ip: String,
}

/// A request from a registered device.
pub struct Authed {
    pub device: DeviceRow,
    pub body: Bytes,
    pub idempotency_key: Option<String>,
    pub method: String,
    pub path: String,
}

impl Authed {
    pub fn account_id(&self) -> &str {
        &self.device.account_id
    }

    pub fn json<T: serde::de::DeserializeOwned>(&self) -> Result<T, ApiProblem> {
        parse_json(&self.body)
    }
}

pub fn parse_json<T: serde::de::DeserializeOwned>(body: &[u8]) -> Result<T, ApiProblem> {
    // Every request body is a JSON object; serde would also fill a struct from an array
    // (`[null, null]`), which no client means.
    if body.iter().find(|b| !b.is_ascii_whitespace()) != Some(&b'{') {
        return Err(ApiProblem::bad_request(
            "request body: must be a JSON object",
        ));
    }
    serde_json::from_slice(body).map_err(|e| {
        let mut msg = e.to_string();
        msg.truncate(200);
        ApiProblem::bad_request(format!("request body: {msg}"))
    })
}

fn sign_problem(e: SignError) -> ApiProblem {
    match e {
        SignError::Missing => {
            ApiProblem::unauthorized(codes::SIGNATURE_MISSING, "request is not signed")
        }
        SignError::MissingComponent(c) => ApiProblem::unauthorized(
            codes::SIGNATURE_COVERAGE,
            format!("signature must cover {c}"),
        ),
        SignError::DigestMismatch => ApiProblem::unauthorized(
            codes::DIGEST_MISMATCH,
            "Content-Digest does not match the body",
        ),
        SignError::BadSignature => {
            ApiProblem::unauthorized(codes::SIGNATURE_INVALID, "signature does not verify")
        }
        other => ApiProblem::unauthorized(codes::SIGNATURE_MALFORMED, other.to_string()),
    }
}

/// Headers a signed request may carry once only.
const SINGLE_HEADERS: &[&str] = &[
    "host",
    "signature",
    "signature-input",
    "content-digest",
    "content-type",
    "idempotency-key",
];

/// Reads the body and checks everything that needs no key: structure, coverage, digest and
/// time window.
pub async fn read_signed(state: &AppState, req: Request) -> Result<SignedRequest, ApiProblem> {
    let (parts, body) = req.into_parts();
    let client_ip = client_ip(&parts, state);
    if let Some(t) = &state.throttle {
        t.signatures_blocked(&client_ip).map_err(throttled)?;
    }
    let body = axum::body::to_bytes(body, MAX_BODY).await.map_err(|_| {
        ApiProblem::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            codes::INVALID_REQUEST,
            "body too large",
        )
    })?;
    let mut headers = Vec::with_capacity(parts.headers.len());
    for (name, value) in &parts.headers {
        let value = value
            .to_str()
            .map_err(|_| ApiProblem::bad_request(format!("header {name} is not ASCII")))?;
        headers.push((name.as_str().to_owned(), value.to_owned()));
    }
    // Two of a header that must be one leave it open which one was signed and which one is
    // acted on: refused rather than guessed.
    for name in SINGLE_HEADERS {
        if parts.headers.get_all(*name).iter().count() > 1 {
            return Err(ApiProblem::unauthorized(
                codes::SIGNATURE_MALFORMED,
                format!("the {name} header must appear once"),
            ));
        }
    }
    let signature = parse_signature(&headers, LABEL).map_err(sign_problem)?;
    let idempotency_key = parts
        .headers
        .get("idempotency-key")
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned);
    signature
        .check_coverage(&required_components(idempotency_key.is_some()))
        .map_err(sign_problem)?;
    let digest = parts
        .headers
        .get("content-digest")
        .and_then(|v| v.to_str().ok())
        .ok_or_else(|| sign_problem(SignError::MissingComponent("content-digest".into())))?;
    verify_content_digest(digest, &body).map_err(sign_problem)?;

    let params = &signature.params;
    let (Some(created), Some(expires), Some(keyid), Some(nonce)) = (
        params.int("created"),
        params.int("expires"),
        params.str("keyid"),
        params.str("nonce"),
    ) else {
        return Err(ApiProblem::unauthorized(
            codes::SIGNATURE_MALFORMED,
            "signature needs created, expires, keyid and nonce",
        ));
    };
    if nonce.is_empty() || nonce.len() > 64 || keyid.len() > 64 {
        return Err(ApiProblem::unauthorized(
            codes::SIGNATURE_MALFORMED,
            "bad nonce or keyid",
        ));
    }
    if expires <= created || expires - created > MAX_LIFETIME_SECS {
        return Err(ApiProblem::unauthorized(
            codes::SIGNATURE_MALFORMED,
            format!("signature lifetime must be 1 to {MAX_LIFETIME_SECS} s"),
        ));
    }
    let now = state.now();
    if now - created > MAX_AGE_SECS || expires < now {
        return Err(ApiProblem::unauthorized(
            codes::SIGNATURE_EXPIRED,
            "signature is too old; check the device clock",
        ));
    }
    if created > now + MAX_SKEW_SECS {
        return Err(ApiProblem::unauthorized(
            codes::SIGNATURE_FROM_FUTURE,
            "signature is from the future; check the device clock",
        ));
    }
    let path = parts
        .uri
        .path_and_query()
        .map(|p| p.as_str())
        .unwrap_or("/");
    let host = parts
        .headers
        .get("host")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default();
    let Some(base) = state.public.base_for(host) else {
        return Err(ApiProblem::new(
            StatusCode::MISDIRECTED_REQUEST,
            codes::WRONG_HOST,
            "this backend does not answer for that host; sign for the URL it serves",
        ));
    };
    let target_uri = format!("{base}{path}");
    Ok(SignedRequest {
        method: parts.method.as_str().to_owned(),
        target_uri,
        keyid: keyid.to_owned(),
        nonce: nonce.to_owned(),
        expires,
        headers,
        body,
        signature,
        idempotency_key,
        client_ip,
    })
}

/// `429 rate_limited` with how long to wait.
pub fn throttled(t: crate::throttle::Throttled) -> ApiProblem {
    ApiProblem::rate_limited(t.retry_after_secs())
}

impl SignedRequest {
    /// A signature that did not verify (or named no known key), counted against the
    /// client's address: past its limit the answer is `429`, not the refusal itself.
    pub fn failed(&self, state: &AppState, refusal: ApiProblem) -> ApiProblem {
        match &state.throttle {
            Some(t) => match t.failed_signature(&self.client_ip) {
                Ok(()) => refusal,
                Err(limited) => {
                    tracing::warn!(client = %self.client_ip, "too many failed signatures");
                    throttled(limited)
                }
            },
            None => refusal,
        }
    }

    /// Verifies the signature with `key`, then records the nonce (refusing a replay).
    pub async fn verify_with(&self, state: &AppState, key: &PublicKey) -> Result<(), ApiProblem> {
        let view = MessageView {
            method: &self.method,
            target_uri: &self.target_uri,
            status: None,
            headers: &self.headers,
        };
        if let Err(e) = self.signature.verify(&view, key) {
            return Err(self.failed(state, sign_problem(e)));
        }
        let (device, nonce, expires) = (self.keyid.clone(), self.nonce.clone(), self.expires);
        if !state
            .store
            .write(move |tx| tx.insert_nonce(&device, &nonce, expires))
            .await?
        {
            return Err(ApiProblem::unauthorized(
                codes::NONCE_REPLAYED,
                "this request was already received",
            ));
        }
        Ok(())
    }

    pub fn path(&self) -> String {
        url_path(&self.target_uri)
    }

    /// For a device that no account has yet (enrolling, pairing, recovering): the request
    /// must be signed by `device_public_key` itself (keyid = its device id), which proves the
    /// caller holds it. Returns the device id.
    pub async fn verify_offered(
        &self,
        state: &AppState,
        device_public_key: &str,
    ) -> Result<String, ApiProblem> {
        let key = PublicKey::from_base64(device_public_key)
            .map_err(|e| ApiProblem::bad_request(format!("device_public_key: {e}")))?;
        let device_id = purse_core::keys::device_id_for(&key);
        if self.keyid != device_id {
            return Err(ApiProblem::unauthorized(
                codes::UNKNOWN_KEY,
                "this request must be signed by the device key it offers",
            ));
        }
        self.verify_with(state, &key).await?;
        Ok(device_id)
    }
}

impl SignedRequest {
    /// A new device's request (enrolling, pairing, recovering): signed by the device key it
    /// offers, with the payment key's proof. Returns the device id.
    pub async fn verify_new_device(
        &self,
        state: &AppState,
        device_public_key: &str,
        payment_public_key: &str,
        payment_key_proof: &str,
    ) -> Result<String, ApiProblem> {
        let device_id = self.verify_offered(state, device_public_key).await?;
        check_payment_key_proof(&device_id, payment_public_key, payment_key_proof)?;
        Ok(device_id)
    }
}

/// Checks the payment key's proof that the new device `device_id` holds it (the signature
/// over `payment_key_proof_message`).
fn check_payment_key_proof(
    device_id: &str,
    payment_public_key: &str,
    proof: &str,
) -> Result<(), ApiProblem> {
    use base64::Engine;
    let payment_key = PublicKey::from_base64(payment_public_key)
        .map_err(|e| ApiProblem::bad_request(format!("payment_public_key: {e}")))?;
    let proof = base64::engine::general_purpose::STANDARD
        .decode(proof)
        .map_err(|_| ApiProblem::bad_request("payment_key_proof is not base64"))?;
    let message = purse_core::keys::payment_key_proof_message(device_id, &payment_key);
    if !payment_key.verify(&message, &proof) {
        return Err(ApiProblem::unauthorized(
            codes::SIGNATURE_INVALID,
            "payment_key_proof does not verify",
        ));
    }
    Ok(())
}

/// The address a request came from, for per-address rate limits: the TCP peer's, or, when
/// the peer is a trusted proxy (`--trusted-proxy`), the nearest address in
/// `X-Forwarded-For` that is not one ("unknown" when the server runs without connection
/// info).
/// Worked out once per request (the per-address limit's middleware keeps it in the
/// request's extensions for the handlers).
#[derive(Debug, Clone)]
pub struct ClientIp(pub String);

impl axum::extract::FromRequestParts<AppState> for ClientIp {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(
        parts: &mut axum::http::request::Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        Ok(ClientIp(client_ip(parts, state)))
    }
}

/// The request's client address: the one the middleware kept, else worked out now.
fn client_ip(parts: &axum::http::request::Parts, state: &AppState) -> String {
    match parts.extensions.get::<ClientIp>() {
        Some(kept) => kept.0.clone(),
        None => client_ip_of(parts, &state.config.trusted_proxies),
    }
}

/// See [`ClientIp`]. An `X-Forwarded-For` from anyone but a trusted proxy is ignored: a
/// client cannot choose which address its requests count against.
pub fn client_ip_of(parts: &axum::http::request::Parts, trusted: &[std::net::IpAddr]) -> String {
    let Some(peer) = parts
        .extensions
        .get::<axum::extract::ConnectInfo<std::net::SocketAddr>>()
        .map(|c| c.0.ip())
    else {
        return "unknown".to_owned();
    };
    if !trusted.contains(&peer) {
        return peer.to_string();
    }
    // Proxies append the address they received from: read from the right, past every
    // trusted hop, to the first address a trusted proxy vouches for.
    let forwarded: Vec<std::net::IpAddr> = parts
        .headers
        .get_all("x-forwarded-for")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .filter_map(|a| a.trim().parse().ok())
        .collect();
    forwarded
        .iter()
        .rev()
        .find(|a| !trusted.contains(a))
        .unwrap_or(&peer)
        .to_string()
}

fn url_path(uri: &str) -> String {
    let after_scheme = uri.split_once("://").map(|(_, r)| r).unwrap_or(uri);
    after_scheme
        .find('/')
        .map(|i| after_scheme[i..].to_owned())
        .unwrap_or_else(|| "/".into())
}

impl FromRequest<AppState> for Authed {
    type Rejection = ApiProblem;

    async fn from_request(req: Request, state: &AppState) -> Result<Self, ApiProblem> {
        let signed = read_signed(state, req).await?;
        let device = state.store.read(|r| r.device(&signed.keyid)).await?;
        let Some(device) = device else {
            let refusal = ApiProblem::unauthorized(codes::UNKNOWN_KEY, "unknown device key");
            return Err(signed.failed(state, refusal));
        };
        if device.revoked_at.is_some() {
            return Err(ApiProblem::new(
                StatusCode::FORBIDDEN,
                codes::DEVICE_REVOKED,
                "this device has been revoked",
            ));
        }
        let key = PublicKey::from_base64(&device.public_key).map_err(ApiProblem::internal)?;
        signed.verify_with(state, &key).await?;
        let path = signed.path();
        if let Some(t) = &state.throttle {
            let class = crate::throttle::Class::of(&signed.method, &path);
            t.signed(class, &device.device_id, &device.account_id)
                .map_err(throttled)?;
        }
        Ok(Authed {
            device,
            body: signed.body,
            idempotency_key: signed.idempotency_key,
            method: signed.method,
            path,
        })
    }
}

#[cfg(test)]
mod tests {
    fn parts(peer: &str, forwarded: &[&str]) -> axum::http::request::Parts {
        let mut req = axum::http::Request::builder();
        for f in forwarded {
            req = req.header("x-forwarded-for", *f);
        }
        let (mut parts, _) = req.body(()).unwrap().into_parts();
        let peer: std::net::SocketAddr = format!("{peer}:5000").parse().unwrap();
        parts.extensions.insert(axum::extract::ConnectInfo(peer));
        parts
    }

    #[test]
    fn the_client_is_the_peer_unless_a_trusted_proxy_names_it() {
        let lb: std::net::IpAddr = "10.0.0.2".parse().unwrap();
        let ip = |peer, fwd: &[&str], trusted: &[std::net::IpAddr]| {
            super::client_ip_of(&parts(peer, fwd), trusted)
        };
        // Anyone's own header is ignored.
        assert_eq!(ip("203.0.113.9", &["1.2.3.4"], &[lb]), "203.0.113.9");
        assert_eq!(ip("203.0.113.9", &["1.2.3.4"], &[]), "203.0.113.9");
        // Through the balancer: the address it appended, not what the client claimed
        // before it.
        assert_eq!(
            ip("10.0.0.2", &["6.6.6.6, 198.51.100.7"], &[lb]),
            "198.51.100.7"
        );
        assert_eq!(
            ip("10.0.0.2", &["6.6.6.6", "198.51.100.7"], &[lb]),
            "198.51.100.7"
        );
        // Two trusted hops are skipped; nothing usable leaves the peer.
        let inner: std::net::IpAddr = "10.0.0.3".parse().unwrap();
        assert_eq!(
            ip("10.0.0.2", &["198.51.100.7, 10.0.0.3"], &[lb, inner]),
            "198.51.100.7"
        );
        assert_eq!(ip("10.0.0.2", &["garbage"], &[lb]), "10.0.0.2");
    }

    #[test]
    fn path_of_target_uri() {
        assert_eq!(super::url_path("http://h:1/v1/x?a=b"), "/v1/x?a=b");
        assert_eq!(super::url_path("http://h"), "/");
    }
}
