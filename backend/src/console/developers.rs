//! The developers page: where the shop's webhooks go, their signing secret (rotated here,
//! shown once), and the messages sent with their status, each one resendable.

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect};
use serde::Deserialize;
use tower_sessions::Session;

use super::locale::Locale;
use super::pages::{Frame, Page, message, render};
use super::session::{SignedIn, internal, signed_in};
use super::words::Words;
use crate::app::AppState;
use crate::ledger::{DeliveryRow, MerchantRow};

/// How many of the newest messages the page lists.
const DELIVERIES_SHOWN: u32 = 50;

struct DeliveryView {
    message_id: String,
    event_type: String,
    created: String,
    status: String,
    attempts: i64,
    last_error: String,
}

fn delivery_view(d: &DeliveryRow, loc: Locale) -> DeliveryView {
    let status = match (d.delivered_at, d.attempts) {
        (Some(_), _) => loc.t("dev-delivered"),
        (None, 0) => loc.t("dev-waiting"),
        (None, _) => loc.t("dev-failing"),
    };
    DeliveryView {
        message_id: d.message_id.clone(),
        event_type: d.event_type.clone(),
        created: super::pages::utc(d.created_at, true),
        status,
        attempts: d.attempts,
        last_error: d.last_error.clone().unwrap_or_default(),
    }
}

#[derive(Template)]
#[template(path = "console/developers.html")]
struct DevelopersPage {
    w: Words,
    frame: Frame,
    webhook_url: String,
    new_secret: Option<String>,
    notice: Option<String>,
    error: Option<String>,
    deliveries: Vec<DeliveryView>,
}

#[derive(Default)]
struct Shown {
    new_secret: Option<String>,
    notice: Option<String>,
    error: Option<String>,
}

async fn page(state: &AppState, signed: SignedIn, m: MerchantRow, shown: Shown) -> Page {
    let merchant_id = m.merchant_id.clone();
    let deliveries = state
        .store
        .read(move |r| r.deliveries(&merchant_id, DELIVERIES_SHOWN))
        .await
        .map_err(internal)?;
    let status = if shown.error.is_some() {
        StatusCode::BAD_REQUEST
    } else {
        StatusCode::OK
    };
    let loc = Locale::current();
    render(
        status,
        &DevelopersPage {
            w: loc.words,
            frame: Frame::new(&signed, &m, "developers"),
            webhook_url: m.webhook_url.unwrap_or_default(),
            new_secret: shown.new_secret,
            notice: shown.notice,
            error: shown.error,
            deliveries: deliveries.iter().map(|d| delivery_view(d, loc)).collect(),
        },
    )
}

#[derive(Deserialize)]
pub struct DoneQuery {
    done: Option<String>,
}

/// `GET /console/developers`
pub async fn developers(
    State(state): State<AppState>,
    session: Session,
    Query(q): Query<DoneQuery>,
) -> Page {
    let (signed, m) = signed_in(&state, &session, None).await?;
    let loc = Locale::current();
    let notice = match q.done.as_deref() {
        Some("resent") => Some(loc.t("dev-resent")),
        Some("saved") => Some(loc.t("dev-saved")),
        _ => None,
    };
    page(
        &state,
        signed,
        m,
        Shown {
            notice,
            ..Default::default()
        },
    )
    .await
}

#[derive(Deserialize)]
pub struct WebhookForm {
    /// Missing reads as empty, which no session's token is: refused as forged.
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    url: String,
}

/// `POST /console/developers/webhook`: a new address (empty: none), checked as the API
/// checks one (https, a public address).
pub async fn set_webhook(
    State(state): State<AppState>,
    session: Session,
    axum::Form(form): axum::Form<WebhookForm>,
) -> Page {
    let (signed, m) = signed_in(&state, &session, Some(&form.csrf)).await?;
    let url = form.url.trim();
    let url = if url.is_empty() {
        None
    } else if let Err(e) = state.config.webhook_targets.check_url(url) {
        let shown = Shown {
            error: Some(Locale::current().words.t1("dev-bad-address", "problem", e)),
            ..Default::default()
        };
        return page(&state, signed, m, shown).await;
    } else {
        Some(url.to_owned())
    };
    let (merchant_id, secret) = (m.merchant_id.clone(), m.webhook_secret.clone());
    state
        .store
        .write(move |tx| tx.set_merchant_webhook(&merchant_id, url.as_deref(), &secret))
        .await
        .map_err(internal)?;
    tracing::info!(merchant = %m.merchant_id, "webhook address changed in the console");
    Ok(Redirect::to("/console/developers?done=saved").into_response())
}

#[derive(Deserialize)]
pub struct CsrfForm {
    /// Missing reads as empty, which no session's token is: refused as forged.
    #[serde(default)]
    csrf: String,
}

/// `POST /console/developers/secret`: a new signing secret, shown on this answer only; the
/// old one stops at once (messages not yet delivered are signed with the new one).
pub async fn rotate_secret(
    State(state): State<AppState>,
    session: Session,
    axum::Form(form): axum::Form<CsrfForm>,
) -> Page {
    let (signed, m) = signed_in(&state, &session, Some(&form.csrf)).await?;
    let secret = purse_core::sign::webhook::new_secret().map_err(internal)?;
    let sealed = state
        .vault
        .seal(crate::vault::Purpose::WebhookSecret, secret.as_bytes());
    let (merchant_id, url) = (m.merchant_id.clone(), m.webhook_url.clone());
    state
        .store
        .write(move |tx| tx.set_merchant_webhook(&merchant_id, url.as_deref(), &sealed))
        .await
        .map_err(internal)?;
    tracing::info!(merchant = %m.merchant_id, "webhook secret rotated in the console");
    let shown = Shown {
        new_secret: Some(secret),
        ..Default::default()
    };
    page(&state, signed, m, shown).await
}

/// `POST /console/developers/deliveries/{message_id}/resend`
pub async fn resend(
    State(state): State<AppState>,
    session: Session,
    Path(message_id): Path<String>,
    axum::Form(form): axum::Form<CsrfForm>,
) -> Page {
    let (_, m) = signed_in(&state, &session, Some(&form.csrf)).await?;
    let now_ms = crate::clock::unix_now_ms();
    let merchant_id = m.merchant_id.clone();
    let found = state
        .store
        .write(move |tx| tx.redeliver(&merchant_id, &message_id, now_ms))
        .await
        .map_err(internal)?;
    if !found {
        let loc = Locale::current();
        return Err(message(
            StatusCode::NOT_FOUND,
            loc.t("dev-no-such"),
            loc.t("dev-no-such-text"),
        ));
    }
    state.webhooks.notify_one();
    Ok(Redirect::to("/console/developers?done=resent").into_response())
}
