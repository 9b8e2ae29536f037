//! Webhook signatures as the Standard Webhooks spec defines them: the headers `webhook-id`,
//! `webhook-timestamp` (Unix seconds) and `webhook-signature` (`v1,<base64 HMAC-SHA256>` over
//! `{id}.{timestamp}.{body}`, space-separated when there are several), with a secret shown as
//! `whsec_<base64 key>`. The backend signs; a merchant's server verifies with [`verify`],
//! and uses the id as its idempotency key, because a message can arrive more than once.

use base64::Engine;
use base64::engine::general_purpose::STANDARD as B64;
use ring::hmac;

/// How far a timestamp may be from the receiver's clock before the message is refused as a
/// possible replay.
pub const TOLERANCE_SECS: i64 = 300;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum WebhookError {
    #[error("the webhook secret is not whsec_<base64>")]
    BadSecret,
    #[error("a webhook-id, webhook-timestamp or webhook-signature header is missing")]
    MissingHeader,
    #[error("webhook timestamp is too far from now")]
    Stale,
    #[error("no webhook signature matches")]
    NoMatch,
}

/// A new random secret, `whsec_` + base64 of 32 bytes.
pub fn new_secret() -> Result<String, crate::keys::KeyError> {
    Ok(format!(
        "whsec_{}",
        B64.encode(crate::keys::random_bytes::<32>()?)
    ))
}

fn key(secret: &str) -> Result<hmac::Key, WebhookError> {
    let raw = secret
        .strip_prefix("whsec_")
        .and_then(|b| B64.decode(b).ok())
        .filter(|k| k.len() >= 16)
        .ok_or(WebhookError::BadSecret)?;
    Ok(hmac::Key::new(hmac::HMAC_SHA256, &raw))
}

fn signed_content(id: &str, timestamp: i64, body: &[u8]) -> Vec<u8> {
    let mut m = Vec::with_capacity(id.len() + body.len() + 24);
    m.extend_from_slice(id.as_bytes());
    m.push(b'.');
    m.extend_from_slice(timestamp.to_string().as_bytes());
    m.push(b'.');
    m.extend_from_slice(body);
    m
}

/// The `webhook-signature` header value for one message.
pub fn sign(secret: &str, id: &str, timestamp: i64, body: &[u8]) -> Result<String, WebhookError> {
    let tag = hmac::sign(&key(secret)?, &signed_content(id, timestamp, body));
    Ok(format!("v1,{}", B64.encode(tag.as_ref())))
}

/// Checks a received message: the timestamp within [`TOLERANCE_SECS`] of `now` and one of
/// the `v1` signatures valid (compared in constant time).
pub fn verify(
    secret: &str,
    id: &str,
    timestamp: &str,
    signature_header: &str,
    body: &[u8],
    now: i64,
) -> Result<(), WebhookError> {
    let key = key(secret)?;
    if id.is_empty() || signature_header.is_empty() {
        return Err(WebhookError::MissingHeader);
    }
    let ts: i64 = timestamp.parse().map_err(|_| WebhookError::MissingHeader)?;
    if (now - ts).abs() > TOLERANCE_SECS {
        return Err(WebhookError::Stale);
    }
    let content = signed_content(id, ts, body);
    let ok = signature_header.split(' ').any(|sig| {
        sig.strip_prefix("v1,")
            .and_then(|b| B64.decode(b).ok())
            .is_some_and(|tag| hmac::verify(&key, &content, &tag).is_ok())
    });
    if ok {
        Ok(())
    } else {
        Err(WebhookError::NoMatch)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The example of the Standard Webhooks reference libraries.
    #[test]
    fn matches_the_reference_example() {
        let secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
        let body = br#"{"test": 2432232314}"#;
        let sig = sign(secret, "msg_p5jXN8AQM9LWM0D4loKWxJek", 1614265330, body).unwrap();
        assert_eq!(sig, "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=");
        verify(
            secret,
            "msg_p5jXN8AQM9LWM0D4loKWxJek",
            "1614265330",
            &format!("v1,bogus {sig}"),
            body,
            1614265330 + 10,
        )
        .unwrap();
    }

    #[test]
    fn refuses_tampering_staleness_and_bad_secrets() {
        let secret = new_secret().unwrap();
        let sig = sign(&secret, "msg_1", 1000, b"{}").unwrap();
        assert_eq!(verify(&secret, "msg_1", "1000", &sig, b"{}", 1000), Ok(()));
        assert_eq!(
            verify(&secret, "msg_1", "1000", &sig, b"{ }", 1000),
            Err(WebhookError::NoMatch)
        );
        assert_eq!(
            verify(&secret, "msg_2", "1000", &sig, b"{}", 1000),
            Err(WebhookError::NoMatch)
        );
        assert_eq!(
            verify(
                &secret,
                "msg_1",
                "1000",
                &sig,
                b"{}",
                1000 + TOLERANCE_SECS + 1
            ),
            Err(WebhookError::Stale)
        );
        assert_eq!(
            verify("nope", "msg_1", "1000", &sig, b"{}", 1000),
            Err(WebhookError::BadSecret)
        );
    }
}
