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

/// An error answer the framework wrote itself (a query string that does not parse, a
/// method the route does not take, a body too large) as problem+json, its text as the
/// detail and its headers (`Allow`) kept: every refusal has one shape.
async fn as_problem(resp: Response) -> Response {
    let (parts, body) = resp.into_parts();
    let text = axum::body::to_bytes(body, 4096)
        .await
        .map(|b| String::from_utf8_lossy(&b).into_owned())
        .unwrap_or_default();
    let code = if parts.status.is_server_error() {
        codes::INTERNAL
    } else {
        codes::INVALID_REQUEST
    };
    let detail = if text.trim().is_empty() {
        parts
            .status
            .canonical_reason()
            .unwrap_or("refused")
            .to_owned()
    } else {
        text
    };
    let mut problem = ApiProblem::new(parts.status, code, detail).into_response();
    for (name, value) in &parts.headers {
        if name != header::CONTENT_TYPE && name != header::CONTENT_LENGTH {
            problem.headers_mut().insert(name.clone(), value.clone());
        }
    }
    problem
}

/// A problem body written before (a replayed answer), given this request's id.
async fn with_request_id(resp: Response, id: &str) -> Response {
    let (parts, body) = resp.into_parts();
    let Ok(bytes) = axum::body::to_bytes(body, 64 * 1024).await else {
        return Response::from_parts(parts, Body::empty());
    };
    let body = match serde_json::from_slice::<Problem>(&bytes) {
        Ok(mut p) => {
            p.request_id = id.to_owned();
            serde_json::to_vec(&p).unwrap_or_else(|_| bytes.to_vec())
        }
        Err(_) => bytes.to_vec(),
    };
    let mut parts = parts;
    parts.headers.remove(header::CONTENT_LENGTH);
    Response::from_parts(parts, Body::from(body))
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
    let written_as_problem = resp
        .headers()
        .get(header::CONTENT_TYPE)
        .is_some_and(|v| v.as_bytes().starts_with(PROBLEM_JSON.as_bytes()));
    // A page (the console's refusals are pages for a person) stays a page.
    let page = resp
        .headers()
        .get(header::CONTENT_TYPE)
        .is_some_and(|v| v.as_bytes().starts_with(b"text/html"));
    if written_as_problem {
        // A stored refusal replayed for a repeated request: the repeat has an id of its own.
        resp = with_request_id(resp, &id).await;
    } else if !page
        && resp.extensions().get::<Problem>().is_none()
        && (resp.status().is_client_error() || resp.status().is_server_error())
    {
        resp = as_problem(resp).await;
    }
    if let Some(mut p) = resp.extensions_mut().remove::<Problem>() {
        p.request_id = id.clone();
        *resp.body_mut() = Body::from(serde_json::to_vec(&p).unwrap_or_default());
    }
    if let Ok(v) = HeaderValue::from_str(&id) {
        resp.headers_mut().insert("x-request-id", v);
    }
    resp
}
