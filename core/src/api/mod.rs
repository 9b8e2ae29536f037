//! The backend's protocol and its typed client.

mod bills;
mod client;
mod devices;
mod endpoints;
mod paycodes;
mod people;
mod savings;
pub mod tls;
pub mod types;
mod withdrawals;

pub(crate) use client::unix_now;
pub use client::{
    ApiClient, DeviceCredentials, RetryPolicy, check_backend_url, new_idempotency_key, read_answer,
};

use types::Problem;

/// What a call to the backend can end in. `Problem` carries the backend's stable `code`;
/// everything else happened before a problem document could be read.
#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    #[error("backend URL must be https (plain http is only allowed to loopback): {0}")]
    InsecureUrl(String),
    #[error("invalid backend URL: {0}")]
    InvalidUrl(String),
    /// The backend could not be reached or the connection broke. `retryable` is false only
    /// when repeating the same call cannot help.
    #[error("cannot reach the backend: {message}")]
    Network { message: String, retryable: bool },
    /// No answer in time. For a write, the outcome is unknown, not failed.
    #[error("the backend did not answer in time")]
    Timeout,
    #[error("{}", problem_text(.0))]
    Problem(Box<Problem>),
    /// The backend answered with something that is not what the protocol says.
    #[error("malformed response from the backend: {0}")]
    Decode(String),
    #[error("could not sign the request: {0}")]
    Sign(String),
    /// The TLS connection was refused: a certificate no trusted root vouches for, or one
    /// whose keys match no pinned key. Nothing was sent; trying again will not help.
    #[error("the backend's certificate is not trusted: {0}")]
    UntrustedServer(String),
}

fn problem_text(p: &Problem) -> String {
    let mut s = format!(
        "{} ({})",
        if p.detail.is_empty() {
            &p.title
        } else {
            &p.detail
        },
        p.code
    );
    if let Some(d) = &p.decline_code {
        s.push_str(&format!(", decline code {d}"));
    }
    s
}

/// rustls's refusal inside an error, which arrives wrapped in io::Errors (whose `source()`
/// skips what they wrap).
fn tls_error<'a>(e: &'a (dyn std::error::Error + 'static)) -> Option<&'a rustls::Error> {
    if let Some(tls) = e.downcast_ref::<rustls::Error>() {
        return Some(tls);
    }
    let inner = e.downcast_ref::<std::io::Error>()?.get_ref()?;
    tls_error(inner)
}

impl ApiError {
    fn from_reqwest(e: reqwest::Error) -> Self {
        use std::error::Error;
        let mut cause = e.source();
        while let Some(c) = cause {
            if let Some(tls) = tls_error(c) {
                return ApiError::UntrustedServer(tls.to_string());
            }
            cause = c.source();
        }
        if e.is_timeout() {
            ApiError::Timeout
        } else {
            // Never log or show the URL's query: keep the message to the error kind.
            ApiError::Network {
                message: e.without_url().to_string(),
                retryable: true,
            }
        }
    }

    /// The backend's word was not had: no connection, no answer in time, a failing or
    /// overloaded server, an answer that is not the protocol's. Asking again later is the
    /// remedy; for a payment, the outcome is unknown, never failed.
    pub fn is_network(&self) -> bool {
        match self {
            ApiError::Network { .. } | ApiError::Timeout | ApiError::Decode(_) => true,
            ApiError::Problem(p) => p.status >= 500 || p.status == 429,
            _ => false,
        }
    }

    /// Worth repeating: the network, a timeout, an overloaded or failing server.
    pub fn is_retryable(&self) -> bool {
        match self {
            ApiError::Network { retryable, .. } => *retryable,
            ApiError::Timeout => true,
            ApiError::Problem(p) => p.status >= 500 || p.status == 429,
            _ => false,
        }
    }

    /// How long the backend asked to wait before trying again (`429`, `503`).
    pub fn retry_after(&self) -> Option<std::time::Duration> {
        match self {
            ApiError::Problem(p) if p.status == 429 || p.status == 503 => p
                .retry_after
                .map(|s| std::time::Duration::from_secs(s.clamp(0, 86_400) as u64)),
            _ => None,
        }
    }

    /// The backend's stable error code, if it answered with one.
    pub fn code(&self) -> Option<&str> {
        match self {
            ApiError::Problem(p) => Some(&p.code),
            _ => None,
        }
    }

    /// The backend's id for the request it refused: what support asks for.
    pub fn request_id(&self) -> Option<&str> {
        match self {
            ApiError::Problem(p) if !p.request_id.is_empty() => Some(&p.request_id),
            _ => None,
        }
    }
}
