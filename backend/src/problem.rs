//! Errors as RFC 9457 `application/problem+json`, each with a stable `code`.

use axum::body::Body;
use axum::extract::Request;
use axum::http::{HeaderValue, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use purse_core::api::types::{Problem, codes};

use crate::ledger::StoreError;

pub const PROBLEM_JSON: &str = "application/problem+json";

#[derive(Debug)]
pub struct ApiProblem {
    pub status: StatusCode,
    pub code: &'static str,
    pub detail: String,
    pub decline_code: Option<String>,
    /// Seconds to wait, for `rate_limited` (also sent as `Retry-After`).
    pub retry_after: Option<i64>,
}

impl ApiProblem {
    pub fn new(status: StatusCode, code: &'static str, detail: impl Into<String>) -> Self {
        ApiProblem {
            status,
            code,
            detail: detail.into(),
            decline_code: None,
            retry_after: None,
        }
    }

    /// `429` with `Retry-After`.
    pub fn rate_limited(retry_after: i64) -> Self {
        ApiProblem {
            retry_after: Some(retry_after),
            ..Self::new(
                StatusCode::TOO_MANY_REQUESTS,
                codes::RATE_LIMITED,
                format!("too many attempts; try again in {retry_after} s"),
            )
        }
    }

    pub fn unauthorized(code: &'static str, detail: impl Into<String>) -> Self {
        Self::new(StatusCode::UNAUTHORIZED, code, detail)
    }

    pub fn bad_request(detail: impl Into<String>) -> Self {
        Self::new(StatusCode::BAD_REQUEST, codes::INVALID_REQUEST, detail)
    }

    pub fn not_found(what: &str) -> Self {
        Self::new(
            StatusCode::NOT_FOUND,
            codes::NOT_FOUND,
            format!("no such {what}"),
        )
    }

    pub fn internal(e: impl std::fmt::Display) -> Self {
        tracing::error!("internal error: {e}");
        Self::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            codes::INTERNAL,
            "the server could not complete the request",
        )
    }

    pub fn to_problem(&self) -> Problem {
        Problem {
            problem_type: "about:blank".into(),
            title: self.status.canonical_reason().unwrap_or("Error").to_owned(),
            status: self.status.as_u16(),
            detail: self.detail.clone(),
            code: self.code.to_owned(),
            decline_code: self.decline_code.clone(),
            retry_after: self.retry_after,
            request_id: String::new(),
        }
    }
}

impl From<StoreError> for ApiProblem {
    fn from(e: StoreError) -> Self {
        match e {
            StoreError::NotFound => ApiProblem::not_found("resource"),
            StoreError::NegativeBalance => ApiProblem::new(
                StatusCode::PAYMENT_REQUIRED,
                codes::INSUFFICIENT_FUNDS,
                "the balance is too low",
            ),
            StoreError::Conflict(why) => {
                tracing::warn!("a write kept colliding: {why}");
                ApiProblem {
                    retry_after: Some(1),
                    ..ApiProblem::new(
                        StatusCode::SERVICE_UNAVAILABLE,
                        codes::BUSY,
                        "the server is busy; nothing was done, try again",
                    )
                }
            }
            other => ApiProblem::internal(other),
        }
    }
}

impl IntoResponse for ApiProblem {
    fn into_response(self) -> Response {
        let problem = self.to_problem();
        let mut resp = Response::new(Body::empty());
        *resp.status_mut() = self.status;
        resp.headers_mut()
            .insert(header::CONTENT_TYPE, HeaderValue::from_static(PROBLEM_JSON));
        if let Some(secs) = self.retry_after {
            resp.headers_mut()
                .insert(header::RETRY_AFTER, HeaderValue::from(secs.max(1)));
        }
        // The body is written by `request_id` once the id is known.
        resp.extensions_mut().insert(problem);
        resp
    }
}

/// Gives every response an `x-request-id`, and writes problem bodies with it.
pub async fn request_id(req: Request, next: Next) -> Response {
    let id = format!(
        "req_{}",
        hex::encode(purse_core::api::new_idempotency_key().as_bytes())
            .get(..16)
            .unwrap_or("0")
    );
    let mut resp = next.run(req).await;
    if let Some(mut p) = resp.extensions_mut().remove::<Problem>() {
        p.request_id = id.clone();
        *resp.body_mut() = Body::from(serde_json::to_vec(&p).unwrap_or_default());
    }
    if let Ok(v) = HeaderValue::from_str(&id) {
        resp.headers_mut().insert("x-request-id", v);
    }
    resp
}
