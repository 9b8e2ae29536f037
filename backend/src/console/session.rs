//! Signing in to the console with a link the merchant's device signed, and what a signed-in
//! browser carries: the merchant, and a CSRF token every form returns.
//!
//! The session lives in a tower-sessions store keyed by a random cookie (HttpOnly,
//! SameSite=Strict, Secure unless the console is served on loopback, 30 minutes idle);
//! its id is cycled at sign-in, so a planted cookie is worth nothing.

use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use serde::{Deserialize, Serialize};
use tower_sessions::Session;

use purse_core::keys::PublicKey;
use purse_core::sign::console::ConsoleSignIn;

use super::locale::Locale;
use super::pages::message;
use crate::app::AppState;
use crate::ledger::MerchantRow;

const SIGNED_IN: &str = "signed_in";

/// What the session holds once a link was accepted.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct SignedIn {
    pub account_id: String,
    pub merchant_id: String,
    /// Returned by every form; a post without it (or with another) is refused.
    pub csrf: String,
}

#[derive(Deserialize)]
pub struct SignInQuery {
    token: String,
}

/// Why a link was not accepted: said plainly, nothing about which check failed beyond it.
enum Refusal {
    Malformed,
    Expired,
    NotValid,
    Used,
    NotMerchant,
}

impl Refusal {
    /// For the log.
    fn code(&self) -> &'static str {
        match self {
            Refusal::Malformed => "malformed",
            Refusal::Expired => "expired",
            Refusal::NotValid => "not_valid",
            Refusal::Used => "used",
            Refusal::NotMerchant => "not_merchant",
        }
    }

    fn text(&self, loc: Locale) -> String {
        match self {
            Refusal::Malformed => loc.t("signin-malformed"),
            Refusal::Expired => loc.t("signin-expired"),
            Refusal::NotValid => loc.t("signin-not-valid"),
            Refusal::Used => loc.t("signin-used"),
            Refusal::NotMerchant => loc.t("signin-not-merchant"),
        }
    }
}

/// `GET /console/sign-in?token=…`: checks the link (signature by an active device of a
/// merchant, not expired, not used), spends it, and opens the session.
pub async fn sign_in(
    State(state): State<AppState>,
    session: Session,
    Query(q): Query<SignInQuery>,
) -> Response {
    match accept(&state, &q.token).await {
        Ok(m) => {
            let csrf = crate::ids::random_id("csrf");
            let signed = SignedIn {
                account_id: m.account_id.clone(),
                merchant_id: m.merchant_id.clone(),
                csrf,
            };
            if let Err(e) = session.cycle_id().await {
                return internal(e);
            }
            if let Err(e) = session.insert(SIGNED_IN, signed).await {
                return internal(e);
            }
            tracing::info!(merchant = %m.merchant_id, "console sign-in");
            Redirect::to("/console").into_response()
        }
        Err(Ok(refusal)) => {
            tracing::info!(reason = refusal.code(), "console sign-in refused");
            let loc = Locale::current();
            message(
                StatusCode::FORBIDDEN,
                loc.t("signin-refused"),
                refusal.text(loc),
            )
        }
        Err(Err(e)) => internal(e),
    }
}

async fn accept(
    state: &AppState,
    token: &str,
) -> Result<MerchantRow, Result<Refusal, crate::ledger::StoreError>> {
    let (claims, signature) = ConsoleSignIn::parse(token).map_err(|_| Ok(Refusal::Malformed))?;
    let now = state.now();
    if !claims.is_current(now) {
        return Err(Ok(Refusal::Expired));
    }
    let device_id = claims.device_id.clone();
    let device = state
        .store
        .read(move |r| r.device(&device_id))
        .await
        .map_err(Err)?
        .filter(|d| d.revoked_at.is_none())
        .ok_or(Ok(Refusal::NotValid))?;
    let key = PublicKey::from_base64(&device.public_key).map_err(|_| Ok(Refusal::NotValid))?;
    if !claims.verify(&signature, &key) {
        return Err(Ok(Refusal::NotValid));
    }
    let account_id = device.account_id.clone();
    let merchant = state
        .store
        .read(move |r| r.merchant_of_account(&account_id))
        .await
        .map_err(Err)?
        .ok_or(Ok(Refusal::NotMerchant))?;
    // Spent last, and only for a link that is genuine: nobody can burn another's link.
    let nonce = format!("console:{}", claims.nonce);
    let (device_id, expires_at) = (claims.device_id.clone(), claims.expires_at);
    let fresh = state
        .store
        .write(move |tx| tx.insert_nonce(&device_id, &nonce, expires_at))
        .await
        .map_err(Err)?;
    if !fresh {
        return Err(Ok(Refusal::Used));
    }
    Ok(merchant)
}

/// `POST /console/sign-out`: ends the session (the form's CSRF token checked first).
pub async fn sign_out(
    State(state): State<AppState>,
    session: Session,
    axum::Form(form): axum::Form<CsrfOnly>,
) -> Response {
    if let Err(r) = signed_in(&state, &session, Some(&form.csrf)).await {
        return r;
    }
    if let Err(e) = session.flush().await {
        return internal(e);
    }
    let loc = Locale::current();
    message(
        StatusCode::OK,
        loc.t("signed-out"),
        loc.t("signed-out-text"),
    )
}

#[derive(Deserialize)]
pub struct CsrfOnly {
    /// Missing reads as empty, which no session's token is: refused as forged.
    #[serde(default)]
    csrf: String,
}

/// The signed-in merchant, fresh from the store, or the answer to give instead: a page
/// saying to sign in, or a refusal of a form whose CSRF token (`csrf`, for posts) is not
/// the session's.
pub async fn signed_in(
    state: &AppState,
    session: &Session,
    csrf: Option<&str>,
) -> Result<(SignedIn, MerchantRow), Response> {
    let signed: SignedIn = match session.get(SIGNED_IN).await {
        Ok(Some(s)) => s,
        Ok(None) => return Err(not_signed_in()),
        Err(e) => return Err(internal(e)),
    };
    if let Some(sent) = csrf
        && !same_secret(sent.as_bytes(), signed.csrf.as_bytes())
    {
        tracing::warn!(merchant = %signed.merchant_id, "console form without its CSRF token");
        let loc = Locale::current();
        return Err(message(
            StatusCode::FORBIDDEN,
            loc.t("refused"),
            loc.t("forged-form"),
        ));
    }
    let merchant_id = signed.merchant_id.clone();
    let merchant = state
        .store
        .read(move |r| r.merchant(&merchant_id))
        .await
        .map_err(internal)?
        .filter(|m| m.account_id == signed.account_id)
        .ok_or_else(not_signed_in)?;
    Ok((signed, merchant))
}

fn not_signed_in() -> Response {
    let loc = Locale::current();
    message(
        StatusCode::UNAUTHORIZED,
        loc.t("signin-title"),
        loc.t("signin-not"),
    )
}

/// Equal, compared in time that does not depend on where they differ.
fn same_secret(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

pub fn internal(e: impl std::fmt::Display) -> Response {
    tracing::error!("console: {e}");
    let loc = Locale::current();
    message(
        StatusCode::INTERNAL_SERVER_ERROR,
        loc.t("went-wrong"),
        loc.t("went-wrong-text"),
    )
}
