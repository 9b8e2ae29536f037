//! The one wrapper every money-moving route goes through: the `Idempotency-Key`, the hash
//! that tells a repeat from a different request, the stored first answer, and the refusal
//! of a key reused for another body.
//!
//! A route states its work as a closure over the write transaction that returns the answer
//! to store (and whatever the route needs afterwards); [`write`] checks for a prior answer
//! inside the same transaction, so two concurrent repeats can never both do the work.

use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use purse_core::api::types::codes;
use serde::Serialize;

use crate::auth::Authed;
use crate::ledger::{StoreError, StoredResponse, Tx};
use crate::problem::{ApiProblem, PROBLEM_JSON};
use crate::store::Store;

/// Longest key accepted.
const MAX_KEY_LEN: usize = 255;

/// An idempotent request: whose key, which key, and what the request was.
#[derive(Debug, Clone)]
pub struct Key {
    pub account_id: String,
    pub key: String,
    pub request_hash: String,
    pub now: i64,
}

/// The answer a route stores and sends.
#[derive(Debug, Clone)]
pub struct Reply {
    pub status: StatusCode,
    pub body: String,
}

impl Reply {
    pub fn json(status: StatusCode, value: &impl Serialize) -> Self {
        match serde_json::to_string(value) {
            Ok(body) => Reply { status, body },
            Err(e) => Reply::problem(&ApiProblem::internal(e)),
        }
    }

    pub fn problem(p: &ApiProblem) -> Self {
        Reply {
            status: p.status,
            body: serde_json::to_string(&p.to_problem()).unwrap_or_default(),
        }
    }
}

/// What a route gets back from [`write`].
pub enum Done<E> {
    /// The work ran now; here is its answer and what it returned.
    Fresh(Response, E),
    /// The same request was done before: its stored answer.
    Replayed(Response),
}

impl<E> Done<E> {
    pub fn into_response(self) -> Response {
        match self {
            Done::Fresh(r, _) | Done::Replayed(r) => r,
        }
    }
}

impl Key {
    /// For routes that move money: the key is required.
    pub fn required(auth: &Authed, now: i64) -> Result<Key, ApiProblem> {
        match Key::optional(auth, now)? {
            Some(k) => Ok(k),
            None => Err(ApiProblem::new(
                StatusCode::BAD_REQUEST,
                codes::IDEMPOTENCY_KEY_MISSING,
                "this request moves money: send an Idempotency-Key",
            )),
        }
    }

    /// For routes where a key is welcome but not needed (creating an order).
    pub fn optional(auth: &Authed, now: i64) -> Result<Option<Key>, ApiProblem> {
        let Some(key) = &auth.idempotency_key else {
            return Ok(None);
        };
        if key.is_empty() || key.len() > MAX_KEY_LEN {
            return Err(ApiProblem::bad_request(
                "Idempotency-Key must be 1 to 255 characters",
            ));
        }
        Ok(Some(Key {
            account_id: auth.account_id().to_owned(),
            key: key.clone(),
            request_hash: request_hash(auth),
            now,
        }))
    }

    /// For a request that came as a web form (the console): `sent` is the key the form
    /// carried, kept apart from the API's keys by `scope`, which the request hash covers
    /// with the form's `fields`.
    pub fn for_form(account_id: &str, scope: &str, sent: &str, fields: &[&[u8]], now: i64) -> Key {
        let mut parts = vec![scope.as_bytes()];
        parts.extend_from_slice(fields);
        Key {
            account_id: account_id.to_owned(),
            key: format!("{scope}:{sent}"),
            request_hash: hash_parts(&parts),
            now,
        }
    }

    /// The stored answer, if this key was used before: read before any work, so a repeat
    /// costs one indexed read.
    pub async fn replayed(&self, store: &dyn Store) -> Result<Option<Response>, ApiProblem> {
        let (account, key) = (&self.account_id, &self.key);
        match store.read(|r| r.idempotent(account, key)).await? {
            None => Ok(None),
            Some(prior) => self.answer_for(prior).map(Some),
        }
    }

    fn answer_for(&self, prior: StoredResponse) -> Result<Response, ApiProblem> {
        if prior.request_hash == self.request_hash {
            Ok(response(prior.status, prior.body, true))
        } else {
            Err(ApiProblem::new(
                StatusCode::UNPROCESSABLE_ENTITY,
                codes::IDEMPOTENCY_KEY_REUSED,
                "this Idempotency-Key was used for a different request",
            ))
        }
    }
}

/// Runs `work` once per key in one write transaction and stores its answer with it; a
/// repeat gets the stored answer. Without a key (`None`), the work simply runs.
pub async fn write<E: Send + 'static>(
    store: &dyn Store,
    key: Option<Key>,
    mut work: impl FnMut(&mut dyn Tx) -> Result<(Reply, E), StoreError> + Send + 'static,
) -> Result<Done<E>, ApiProblem> {
    let k = key.clone();
    let outcome = store
        .write(move |tx| {
            if let Some(k) = &k
                && let Some(prior) = tx.idempotent(&k.account_id, &k.key)?
            {
                return Ok(Err(prior));
            }
            let (reply, effect) = work(tx)?;
            let stored = StoredResponse {
                request_hash: k
                    .as_ref()
                    .map(|k| k.request_hash.clone())
                    .unwrap_or_default(),
                status: reply.status.as_u16(),
                body: reply.body,
            };
            if let Some(k) = &k {
                tx.store_idempotent(&k.account_id, &k.key, &stored, k.now)?;
            }
            Ok(Ok((stored, effect)))
        })
        .await?;
    match outcome {
        Ok((stored, effect)) => Ok(Done::Fresh(
            response(stored.status, stored.body, false),
            effect,
        )),
        Err(prior) => match key {
            Some(k) => k.answer_for(prior).map(Done::Replayed),
            None => Err(ApiProblem::internal("a prior answer without a key")),
        },
    }
}

/// What makes two requests "the same" for an idempotency key: method, path and body.
/// The hash of a request that did not come through the signed API (a console form): its
/// fields, each length-prefixed so no two lists hash alike.
fn hash_parts(parts: &[&[u8]]) -> String {
    let mut ctx = ring::digest::Context::new(&ring::digest::SHA256);
    for p in parts {
        ctx.update(&(p.len() as u64).to_be_bytes());
        ctx.update(p);
    }
    hex::encode(ctx.finish().as_ref())
}

fn request_hash(auth: &Authed) -> String {
    let mut ctx = ring::digest::Context::new(&ring::digest::SHA256);
    ctx.update(auth.method.as_bytes());
    ctx.update(b"\n");
    ctx.update(auth.path.as_bytes());
    ctx.update(b"\n");
    ctx.update(&auth.body);
    hex::encode(ctx.finish().as_ref())
}

fn response(status: u16, body: String, replayed: bool) -> Response {
    let status = StatusCode::from_u16(status).unwrap_or(StatusCode::OK);
    let content_type = if status.is_success() {
        "application/json"
    } else {
        PROBLEM_JSON
    };
    let mut resp = (status, body).into_response();
    resp.headers_mut()
        .insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
    if replayed {
        resp.headers_mut()
            .insert("idempotent-replayed", HeaderValue::from_static("true"));
    }
    resp
}
