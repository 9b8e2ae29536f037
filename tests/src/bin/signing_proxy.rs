//! Test helper for API conformance: a loopback proxy that signs every request it forwards
//! as an enrolled device (RFC 9421, as the wallet signs), so that a tool that knows nothing
//! of Purse's signatures (schemathesis) reaches every operation past authentication.
//!
//! `signing_proxy BACKEND_URL WALLET_DIR` enrolls a wallet in WALLET_DIR (funded, and a
//! merchant), then prints `listening on URL` and serves until killed. An `Idempotency-Key` the caller sends is
//! signed with the request.

use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, Method, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use purse_core::api::types::RegisterMerchantRequest;
use purse_core::keys::{DecisionProtector, KeyPurpose, NoSecretStore, SigningKey, unwrap_key};
use purse_core::{Currency, Money, Wallet, WalletConfig};

struct Signer {
    backend: String,
    device_id: String,
    key: SigningKey,
    http: reqwest::Client,
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let usage = || anyhow::anyhow!("usage: signing_proxy BACKEND_URL WALLET_DIR");
    let mut args = std::env::args().skip(1);
    let backend = args
        .next()
        .ok_or_else(usage)?
        .trim_end_matches('/')
        .to_owned();
    let dir = args.next().ok_or_else(usage)?;
    let protector = Arc::new(DecisionProtector::approving());
    let wallet = Wallet::open(
        WalletConfig::new(&dir, protector.clone(), Arc::new(NoSecretStore)).backend(&backend),
    )?;
    let cny = Currency::from_code("CNY")?;
    wallet.enroll("Conformance", cny, "schemathesis").await?;
    let card = wallet.link_card("4242424242424242", 12, 2034).await?;
    wallet
        .topup(&card.source_id, Money::parse("1000.00 CNY")?)
        .await?;
    wallet
        .register_merchant(&RegisterMerchantRequest {
            display_name: "Conformance Shop".into(),
            city: "Hangzhou".into(),
            mcc: None,
            webhook_url: None,
        })
        .await?;
    let account = wallet
        .account()?
        .ok_or_else(|| anyhow::anyhow!("not enrolled"))?;
    let key = unwrap_key(
        &*protector,
        KeyPurpose::Device,
        &account.device_key_wrapped,
        "conformance",
    )?;
    let signer = Arc::new(Signer {
        backend,
        device_id: account.device_id,
        key,
        http: reqwest::Client::new(),
    });
    let app = axum::Router::new().fallback(forward).with_state(signer);
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    println!("listening on http://{}", listener.local_addr()?);
    axum::serve(listener, app).await?;
    Ok(())
}

async fn forward(
    State(s): State<Arc<Signer>>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    match sign_and_send(&s, method, &uri, &headers, body).await {
        Ok(r) => r,
        Err(e) => (StatusCode::BAD_GATEWAY, e.to_string()).into_response(),
    }
}

async fn sign_and_send(
    s: &Signer,
    method: Method,
    uri: &Uri,
    headers: &HeaderMap,
    body: Bytes,
) -> anyhow::Result<Response> {
    let path = uri.path_and_query().map_or("/", |p| p.as_str());
    let target = format!("{}{path}", s.backend);
    let idem = headers
        .get("idempotency-key")
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned);
    let nonce = purse_core::api::new_idempotency_key();
    let created = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)?
        .as_secs() as i64;
    let signed = purse_core::sign::sign_request(
        &s.key,
        &s.device_id,
        method.as_str(),
        &target,
        idem.as_deref(),
        &body,
        created,
        120,
        &nonce,
    )?;
    let mut req = s
        .http
        .request(method, &target)
        .header("content-digest", signed.content_digest)
        .header("signature-input", signed.signature_input)
        .header("signature", signed.signature);
    if let Some(k) = &idem {
        req = req.header("idempotency-key", k);
    }
    if let Some(ct) = headers.get("content-type") {
        req = req.header("content-type", ct.as_bytes());
    }
    let answer = req.body(body).send().await?;
    let status = StatusCode::from_u16(answer.status().as_u16())?;
    let mut out = HeaderMap::new();
    for name in ["content-type", "retry-after", "x-request-id", "allow"] {
        if let Some(v) = answer.headers().get(name) {
            out.insert(name, v.as_bytes().try_into()?);
        }
    }
    let bytes = answer.bytes().await?;
    Ok((status, out, bytes).into_response())
}
