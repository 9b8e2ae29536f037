//! The merchant console: server-rendered pages under `/console` for the shop (today's
//! takings as they arrive, orders with their codes turning paid live, refunds with a
//! confirmation step, the till charging customers' pay codes, payouts to the shop's bank
//! that its phone confirms, the printable poster, and the developers page for webhooks).
//!
//! Sign-in is a one-time link the merchant's device signs (`purse merchant console`), so
//! the backend keeps no password. Pages are askama templates (every value escaped); the
//! live parts are htmx polling, vendored and pinned (`assets/`); a strict Content Security
//! Policy allows scripts and styles from this origin only, no inline ones. Every form
//! carries the session's CSRF token, and the session cookie is SameSite=Strict.
//!
//! The words are in the reader's language (`Accept-Language`; English, German, Chinese:
//! Fluent catalogues in `backend/locales/`), amounts in its number format.
//!
//! Sessions are kept in each backend's memory: behind a load balancer, a browser must stick
//! to one backend (or sign in again).

#[allow(clippy::result_large_err)]
mod developers;
mod locale;
// A console handler's error is the page to show instead (sign in, refused), made once per
// request and handed straight to axum: boxing it would buy nothing.
#[allow(clippy::result_large_err)]
pub mod pages;
#[allow(clippy::result_large_err)]
mod payouts;
mod poster;
#[allow(clippy::result_large_err)]
mod refusals;
#[allow(clippy::result_large_err)]
mod session;
#[allow(clippy::result_large_err)]
mod till;
mod words;

use axum::Router;
use axum::http::{HeaderValue, header};
use axum::response::IntoResponse;
use axum::routing::{get, post};
use tower_sessions::cookie::SameSite;
use tower_sessions::cookie::time::Duration;
use tower_sessions::{Expiry, MemoryStore, SessionManagerLayer};

use crate::app::AppState;

const CSP: &str = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; \
                   connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

const HTMX: &[u8] = include_bytes!("../../assets/htmx-2.0.11.min.js");
const CSS: &[u8] = include_bytes!("../../assets/console.css");

/// The console's routes, to merge into the API's router (whose layers then count console
/// requests against the client's address too). `secure_cookies` is false only when every
/// address the backend serves is loopback (development), where browsers refuse Secure
/// cookies over http.
pub fn router(secure_cookies: bool) -> Router<AppState> {
    let sessions = SessionManagerLayer::new(MemoryStore::default())
        .with_name("purse_console")
        .with_http_only(true)
        .with_same_site(SameSite::Strict)
        .with_secure(secure_cookies)
        .with_path("/console")
        .with_expiry(Expiry::OnInactivity(Duration::minutes(30)));
    Router::new()
        .route("/console", get(pages::today_page))
        .route("/console/today/payments", get(pages::today_payments))
        .route(
            "/console/orders",
            get(pages::orders).post(pages::create_order),
        )
        .route("/console/orders/{order_id}", get(pages::order))
        .route("/console/orders/{order_id}/state", get(pages::order_state))
        .route(
            "/console/orders/{order_id}/refund",
            post(pages::review_refund),
        )
        .route("/console/orders/{order_id}/refunds", post(pages::refund))
        .route("/console/poster", get(pages::poster))
        .route("/console/poster.svg", get(pages::poster_download_svg))
        .route("/console/poster.png", get(pages::poster_download_png))
        .route("/console/till", get(till::till).post(till::charge))
        .route(
            "/console/till/charges/{charge_id}/state",
            get(till::charge_state),
        )
        .route("/console/payouts", get(payouts::payouts).post(payouts::ask))
        .route(
            "/console/payouts/{payout_id}/state",
            get(payouts::payout_state),
        )
        .route("/console/developers", get(developers::developers))
        .route("/console/developers/webhook", post(developers::set_webhook))
        .route(
            "/console/developers/secret",
            post(developers::rotate_secret),
        )
        .route(
            "/console/developers/deliveries/{message_id}/resend",
            post(developers::resend),
        )
        .route("/console/sign-in", get(session::sign_in))
        .route("/console/sign-out", post(session::sign_out))
        .layer(sessions)
        .layer(axum::middleware::from_fn(locale::reader_scope))
        .route(
            "/console/assets/htmx-2.0.11.min.js",
            get(|| async { asset("text/javascript", HTMX) }),
        )
        .route(
            "/console/assets/console.css",
            get(|| async { asset("text/css", CSS) }),
        )
        .layer(axum::middleware::map_response(security_headers))
}

fn asset(content_type: &'static str, body: &'static [u8]) -> axum::response::Response {
    (
        [
            (header::CONTENT_TYPE, content_type),
            (header::CACHE_CONTROL, "public, max-age=86400"),
        ],
        body,
    )
        .into_response()
}

/// On every console answer: the CSP, no framing, no sniffing, no referrer (a sign-in link's
/// token must not leak through one), and pages not cached.
async fn security_headers(mut res: axum::response::Response) -> axum::response::Response {
    let h = res.headers_mut();
    h.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(CSP),
    );
    h.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    h.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    h.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("no-referrer"),
    );
    if !h.contains_key(header::CACHE_CONTROL) {
        h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    }
    res
}
