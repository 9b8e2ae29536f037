//! The console's pages: today's takings, orders (make one, watch it paid, refund it), and
//! the shop's poster. Each handler checks the session first; every value reaches the page
//! through a template, which escapes it.

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{Html, IntoResponse, Redirect, Response};
use serde::Deserialize;
use tower_sessions::Session;

use purse_core::api::types::{OrderState, TransactionKind};
use purse_core::money::Money;

use super::locale::Locale;
use super::poster::{self, PosterError};
use super::session::{SignedIn, internal, signed_in};
use crate::app::AppState;
use crate::idempotency::{Done, Key};
use crate::ledger::refunds::RefundResult;
use crate::ledger::{MerchantRow, OrderRow};
use crate::merchant_orders;

/// How many of the newest transactions "today" reads at most, and a page at a time.
const TODAY_SCAN: u32 = 500;
const TODAY_PAGE: u32 = 50;
const ORDERS_PER_PAGE: usize = 20;
/// How many orders a filtered list reads at most to fill one page.
const ORDERS_SCAN: usize = 500;

/// What a console handler answers: the page, or the page to show instead (sign in,
/// refused, not found); either way a page, so `?` reads as "or show that".
pub type Page = Result<Response, Response>;

pub(super) fn render(status: StatusCode, page: &impl Template) -> Page {
    match page.render() {
        Ok(html) => Ok((status, Html(html)).into_response()),
        Err(e) => {
            tracing::error!("console template: {e}");
            Err((
                StatusCode::INTERNAL_SERVER_ERROR,
                "the page could not be drawn",
            )
                .into_response())
        }
    }
}

#[derive(Template)]
#[template(path = "console/message.html")]
struct MessagePage<'a> {
    title: &'a str,
    text: &'a str,
}

/// A page with a title and a sentence: refusals, sign-out, errors.
pub(super) fn message(status: StatusCode, title: &str, text: &str) -> Response {
    match render(status, &MessagePage { title, text }) {
        Ok(r) | Err(r) => r,
    }
}

pub(super) fn locale(headers: &HeaderMap) -> Locale {
    Locale::from_accept_language(
        headers
            .get(header::ACCEPT_LANGUAGE)
            .and_then(|v| v.to_str().ok()),
    )
}

pub(super) fn utc(unix: i64, with_date: bool) -> String {
    let (days, secs) = (unix.div_euclid(86_400), unix.rem_euclid(86_400));
    let (h, m) = (secs / 3600, secs % 3600 / 60);
    if with_date {
        let (y, mo, d) = purse_core::calendar::civil_from_days(days);
        format!("{y:04}-{mo:02}-{d:02} {h:02}:{m:02}")
    } else {
        format!("{h:02}:{m:02}:{:02}", secs % 60)
    }
}

/// The language of the pages' words, which the page's `lang` must name for screen readers
/// and translators: English for every reader today (amounts follow the browser's language,
/// [`Locale`]; the words are not translated yet).
const TEXT_LANG: &str = "en";

/// What every page shows around its content (`base.html`): the language, the shop, the
/// sign-out form's token, and where in the console the page is.
pub(super) struct Frame {
    pub(super) lang: &'static str,
    pub(super) shop: String,
    pub(super) csrf: String,
    pub(super) section: &'static str,
}

impl Frame {
    pub(super) fn new(signed: &SignedIn, m: &MerchantRow, section: &'static str) -> Frame {
        Frame {
            lang: TEXT_LANG,
            shop: m.display_name.clone(),
            csrf: signed.csrf.clone(),
            section,
        }
    }
}

struct PaymentLine {
    time: String,
    kind: &'static str,
    counterparty: String,
    amount: String,
}

#[derive(Template)]
#[template(path = "console/today.html")]
struct TodayPage {
    frame: Frame,
    sales: String,
    count: usize,
    refunds: String,
    rows: Vec<PaymentLine>,
}

#[derive(Template)]
#[template(path = "console/payments.html")]
struct PaymentsFragment {
    rows: Vec<PaymentLine>,
}

struct Today {
    sales: Money,
    refunds: Money,
    count: usize,
    rows: Vec<PaymentLine>,
}

/// The merchant account's payments and refunds since 00:00 UTC, newest first: read a page
/// at a time until one reaches yesterday (the list is polled every few seconds, and most
/// days fit in the first page).
async fn today(state: &AppState, m: &MerchantRow, loc: Locale) -> Result<Today, Response> {
    let start = state.now().div_euclid(86_400) * 86_400;
    let mut t = Today {
        sales: Money::zero(m.currency),
        refunds: Money::zero(m.currency),
        count: 0,
        rows: Vec::new(),
    };
    let mut after: Option<String> = None;
    let mut read = 0;
    loop {
        let (account_id, from) = (m.account_id.clone(), after.clone());
        let (txs, more) = state
            .store
            .read(move |r| r.transactions(&account_id, TODAY_PAGE, from.as_deref()))
            .await
            .map_err(internal)?;
        read += txs.len() as u32;
        for tx in txs.iter().map(|r| &r.transaction) {
            if tx.created_at < start {
                t.rows.truncate(50);
                return Ok(t);
            }
            after = Some(tx.transaction_id.clone());
            let kind = match tx.kind {
                TransactionKind::Payment if tx.amount.is_positive() => {
                    t.sales = t.sales.checked_add(tx.amount).map_err(internal)?;
                    t.count += 1;
                    "Payment"
                }
                TransactionKind::Refund => {
                    t.refunds = t.refunds.checked_sub(tx.amount).map_err(internal)?;
                    "Refund"
                }
                _ => continue,
            };
            t.rows.push(PaymentLine {
                time: utc(tx.created_at, false),
                kind,
                counterparty: tx.counterparty.clone(),
                amount: loc.money(tx.amount),
            });
        }
        if !more || read >= TODAY_SCAN {
            t.rows.truncate(50);
            return Ok(t);
        }
    }
}

/// `GET /console`
pub async fn today_page(
    State(state): State<AppState>,
    session: Session,
    headers: HeaderMap,
) -> Page {
    let (signed, m) = signed_in(&state, &session, None).await?;
    let loc = locale(&headers);
    let t = today(&state, &m, loc).await?;
    render(
        StatusCode::OK,
        &TodayPage {
            frame: Frame::new(&signed, &m, "today"),
            sales: loc.money(t.sales),
            count: t.count,
            refunds: loc.money(t.refunds),
            rows: t.rows,
        },
    )
}

/// `GET /console/today/payments`: the live list, polled by the page.
pub async fn today_payments(
    State(state): State<AppState>,
    session: Session,
    headers: HeaderMap,
) -> Page {
    let (_, m) = signed_in(&state, &session, None).await?;
    let t = today(&state, &m, locale(&headers)).await?;
    render(StatusCode::OK, &PaymentsFragment { rows: t.rows })
}

/// An order as the pages show it.
struct OrderView {
    order_id: String,
    short_id: String,
    amount: String,
    description: String,
    state: &'static str,
    state_code: &'static str,
    waiting: bool,
    created: String,
    refunded: String,
    refundable: bool,
    left: String,
    left_plain: String,
}

fn state_text(s: OrderState) -> &'static str {
    match s {
        OrderState::Waiting => "Waiting for payment",
        OrderState::Paid => "Paid",
        OrderState::Closed => "Closed",
        OrderState::Refunded => "Refunded",
    }
}

fn order_view(o: &OrderRow, now: i64, loc: Locale) -> OrderView {
    let state = o.state_at(now);
    let left = o.refundable().ok().filter(|m| m.is_positive());
    OrderView {
        order_id: o.order_id.clone(),
        short_id: o.order_id.chars().take(12).collect(),
        amount: loc.money(o.amount),
        description: o.description.clone(),
        state: state_text(state),
        state_code: state.as_str(),
        waiting: state == OrderState::Waiting,
        created: utc(o.created_at, true),
        refunded: loc.money(o.amount_refunded),
        refundable: left.is_some(),
        left: left.map(|m| loc.money(m)).unwrap_or_default(),
        left_plain: left.map(|m| loc.number(m)).unwrap_or_default(),
    }
}

#[derive(Template)]
#[template(path = "console/orders.html")]
struct OrdersPage {
    frame: Frame,
    currency: String,
    error: Option<String>,
    states: Vec<FilterOption>,
    filter: String,
    orders: Vec<OrderView>,
    next: Option<String>,
}

struct FilterOption {
    value: &'static str,
    label: &'static str,
    selected: bool,
}

#[derive(Deserialize)]
pub struct OrdersQuery {
    state: Option<String>,
    after: Option<String>,
}

const FILTERS: &[(&str, &str)] = &[
    ("all", "All orders"),
    ("waiting", "Waiting"),
    ("paid", "Paid"),
    ("refunded", "Refunded"),
    ("closed", "Closed"),
];

/// One page of the merchant's orders, newest first, of the state `filter` names ("all"
/// for every one), and the cursor of the next page.
async fn orders_page(
    state: &AppState,
    m: &MerchantRow,
    filter: &str,
    after: Option<String>,
    loc: Locale,
) -> Result<(Vec<OrderView>, Option<String>), Response> {
    let now = state.now();
    let mut shown = Vec::new();
    let mut cursor = after;
    let mut scanned = 0;
    loop {
        let (merchant_id, from) = (m.merchant_id.clone(), cursor.clone());
        let (rows, more) = state
            .store
            .read(move |r| r.orders(&merchant_id, 50, from.as_deref()))
            .await
            .map_err(internal)?;
        for o in &rows {
            scanned += 1;
            cursor = Some(o.order_id.clone());
            if filter == "all" || o.state_at(now).as_str() == filter {
                shown.push(order_view(o, now, loc));
                if shown.len() == ORDERS_PER_PAGE {
                    return Ok((shown, cursor));
                }
            }
        }
        if !more {
            return Ok((shown, None));
        }
        if scanned >= ORDERS_SCAN {
            return Ok((shown, cursor));
        }
    }
}

async fn orders_response(
    state: &AppState,
    signed: SignedIn,
    m: MerchantRow,
    q: OrdersQuery,
    loc: Locale,
    error: Option<String>,
) -> Page {
    let filter = q
        .state
        .filter(|s| FILTERS.iter().any(|(v, _)| v == s))
        .unwrap_or_else(|| "all".into());
    let (orders, next) = orders_page(state, &m, &filter, q.after, loc).await?;
    let status = if error.is_some() {
        StatusCode::BAD_REQUEST
    } else {
        StatusCode::OK
    };
    render(
        status,
        &OrdersPage {
            frame: Frame::new(&signed, &m, "orders"),
            currency: m.currency.to_string(),
            error,
            states: FILTERS
                .iter()
                .map(|(value, label)| FilterOption {
                    value,
                    label,
                    selected: *value == filter,
                })
                .collect(),
            filter,
            orders,
            next,
        },
    )
}

/// `GET /console/orders`
pub async fn orders(
    State(state): State<AppState>,
    session: Session,
    headers: HeaderMap,
    Query(q): Query<OrdersQuery>,
) -> Page {
    let (signed, m) = signed_in(&state, &session, None).await?;
    orders_response(&state, signed, m, q, locale(&headers), None).await
}

#[derive(Deserialize)]
pub struct NewOrderForm {
    /// Missing reads as empty, which no session's token is: refused as forged.
    #[serde(default)]
    csrf: String,
    amount: String,
    #[serde(default)]
    description: String,
}

/// `POST /console/orders`: makes the order, then shows it.
pub async fn create_order(
    State(state): State<AppState>,
    session: Session,
    headers: HeaderMap,
    axum::Form(form): axum::Form<NewOrderForm>,
) -> Page {
    let (signed, m) = signed_in(&state, &session, Some(&form.csrf)).await?;
    let loc = locale(&headers);
    let empty = OrdersQuery {
        state: None,
        after: None,
    };
    let Some(amount) = loc.parse(&form.amount, m.currency) else {
        let e = format!(
            "\"{}\" is not an amount in {}",
            form.amount.chars().take(40).collect::<String>(),
            m.currency
        );
        return orders_response(&state, signed, m, empty, loc, Some(e)).await;
    };
    let row = match merchant_orders::new_order(&state, &m, amount, &form.description, None) {
        Ok(row) => row,
        Err(p) => return orders_response(&state, signed, m, empty, loc, Some(p.detail)).await,
    };
    let order_id = row.order_id.clone();
    match merchant_orders::insert_order(&state, row, None).await {
        Ok(_) => Ok(Redirect::to(&format!("/console/orders/{order_id}")).into_response()),
        Err(p) => orders_response(&state, signed, m, empty, loc, Some(p.detail)).await,
    }
}

#[derive(Template)]
#[template(path = "console/order.html")]
struct OrderPage {
    frame: Frame,
    currency: String,
    order: OrderView,
    qr_svg: String,
    notice: Option<&'static str>,
    error: Option<String>,
}

#[derive(Template)]
#[template(path = "console/order_state.html")]
struct OrderStateFragment {
    order: OrderView,
}

async fn own_order(
    state: &AppState,
    m: &MerchantRow,
    order_id: &str,
) -> Result<OrderRow, Response> {
    let id = order_id.to_owned();
    state
        .store
        .read(move |r| r.order(&id))
        .await
        .map_err(internal)?
        .filter(|o| o.merchant_id == m.merchant_id)
        .ok_or_else(|| {
            message(
                StatusCode::NOT_FOUND,
                "No such order",
                "This shop has no such order.",
            )
        })
}

#[derive(Deserialize)]
pub struct OrderQuery {
    done: Option<String>,
}

async fn order_response(
    state: &AppState,
    signed: SignedIn,
    m: MerchantRow,
    order_id: &str,
    loc: Locale,
    notice: Option<&'static str>,
    error: Option<String>,
) -> Page {
    let o = own_order(state, &m, order_id).await?;
    let qr_svg = match purse_core::paycode::render_svg(&o.payload) {
        Ok((_, svg)) => svg,
        Err(e) => return Err(internal(e)),
    };
    let status = if error.is_some() {
        StatusCode::UNPROCESSABLE_ENTITY
    } else {
        StatusCode::OK
    };
    render(
        status,
        &OrderPage {
            frame: Frame::new(&signed, &m, "orders"),
            currency: m.currency.to_string(),
            order: order_view(&o, state.now(), loc),
            qr_svg,
            notice,
            error,
        },
    )
}

/// `GET /console/orders/{order_id}`
pub async fn order(
    State(state): State<AppState>,
    session: Session,
    headers: HeaderMap,
    Path(order_id): Path<String>,
    Query(q): Query<OrderQuery>,
) -> Page {
    let (signed, m) = signed_in(&state, &session, None).await?;
    let notice = match q.done.as_deref() {
        Some("refunded") => Some("Refunded: the payer has the money back."),
        _ => None,
    };
    order_response(&state, signed, m, &order_id, locale(&headers), notice, None).await
}

/// `GET /console/orders/{order_id}/state`: the state badge, polled while it waits.
pub async fn order_state(
    State(state): State<AppState>,
    session: Session,
    headers: HeaderMap,
    Path(order_id): Path<String>,
) -> Page {
    let (_, m) = signed_in(&state, &session, None).await?;
    let o = own_order(&state, &m, &order_id).await?;
    render(
        StatusCode::OK,
        &OrderStateFragment {
            order: order_view(&o, state.now(), locale(&headers)),
        },
    )
}

#[derive(Deserialize)]
pub struct RefundForm {
    /// Missing reads as empty, which no session's token is: refused as forged.
    #[serde(default)]
    csrf: String,
    amount: String,
    #[serde(default)]
    reason: String,
    /// Set by the confirmation page: one refund per confirmation, however often it is sent.
    #[serde(default)]
    key: String,
}

/// The idempotency key a form carried (one per form shown: sent twice, done once), for
/// `scope`; a form without one did not come from its page (`refusal` says which).
pub(super) fn form_key(
    m: &MerchantRow,
    scope: &str,
    sent: &str,
    fields: &[&[u8]],
    now: i64,
    refusal: &str,
) -> Result<Key, Response> {
    if sent.is_empty() || sent.len() > 64 {
        return Err(message(StatusCode::BAD_REQUEST, "Refused", refusal));
    }
    Ok(Key::for_form(&m.account_id, scope, sent, fields, now))
}

#[derive(Template)]
#[template(path = "console/refund_confirm.html")]
struct RefundConfirmPage {
    frame: Frame,
    order_id: String,
    order_short_id: String,
    amount: String,
    amount_plain: String,
    reason: String,
    key: String,
}

/// The amount and reason of a refund form, checked; or the order page with the error.
fn refund_input(
    form: &RefundForm,
    m: &MerchantRow,
    loc: Locale,
) -> Result<(Money, String), String> {
    let amount = loc
        .parse(&form.amount, m.currency)
        .filter(|a| a.is_positive())
        .ok_or_else(|| format!("a refund is a positive amount in {}", m.currency))?;
    let reason = purse_core::text::check_optional_shown_text(&form.reason, 200)
        .map_err(|e| format!("reason: {e}"))?;
    Ok((amount, reason))
}

/// `POST /console/orders/{order_id}/refund`: the confirmation step.
pub async fn review_refund(
    State(state): State<AppState>,
    session: Session,
    headers: HeaderMap,
    Path(order_id): Path<String>,
    axum::Form(form): axum::Form<RefundForm>,
) -> Page {
    let (signed, m) = signed_in(&state, &session, Some(&form.csrf)).await?;
    let loc = locale(&headers);
    let o = own_order(&state, &m, &order_id).await?;
    let (amount, reason) = match refund_input(&form, &m, loc) {
        Ok(v) => v,
        Err(e) => return order_response(&state, signed, m, &order_id, loc, None, Some(e)).await,
    };
    render(
        StatusCode::OK,
        &RefundConfirmPage {
            frame: Frame::new(&signed, &m, "orders"),
            order_short_id: o.order_id.chars().take(12).collect(),
            order_id: o.order_id,
            amount: loc.money(amount),
            amount_plain: loc.number(amount),
            reason,
            key: crate::ids::random_id("rf"),
        },
    )
}

/// `POST /console/orders/{order_id}/refunds`: the refund, once per confirmation.
pub async fn refund(
    State(state): State<AppState>,
    session: Session,
    headers: HeaderMap,
    Path(order_id): Path<String>,
    axum::Form(form): axum::Form<RefundForm>,
) -> Page {
    let (signed, m) = signed_in(&state, &session, Some(&form.csrf)).await?;
    let loc = locale(&headers);
    let (amount, reason) = match refund_input(&form, &m, loc) {
        Ok(v) => v,
        Err(e) => return order_response(&state, signed, m, &order_id, loc, None, Some(e)).await,
    };
    let key = form_key(
        &m,
        "console-refund",
        &form.key,
        &[
            order_id.as_bytes(),
            amount.to_string().as_bytes(),
            reason.as_bytes(),
        ],
        state.now(),
        "Confirm the refund from its page.",
    )?;
    let done =
        merchant_orders::refund(&state, m.clone(), order_id.clone(), amount, &reason, key).await;
    match done {
        Ok(Done::Fresh(_, RefundResult::Refunded { .. })) | Ok(Done::Replayed(_)) => {
            Ok(Redirect::to(&format!("/console/orders/{order_id}?done=refunded")).into_response())
        }
        Ok(Done::Fresh(_, RefundResult::Refused(r))) => {
            let e = merchant_orders::refund_problem(&r).detail;
            order_response(&state, signed, m, &order_id, loc, None, Some(e)).await
        }
        Err(p) => order_response(&state, signed, m, &order_id, loc, None, Some(p.detail)).await,
    }
}

#[derive(Template)]
#[template(path = "console/poster.html")]
struct PosterPage {
    frame: Frame,
}

/// `GET /console/poster`
pub async fn poster(State(state): State<AppState>, session: Session) -> Page {
    let (signed, m) = signed_in(&state, &session, None).await?;
    render(
        StatusCode::OK,
        &PosterPage {
            frame: Frame::new(&signed, &m, "poster"),
        },
    )
}

/// `GET /console/poster.svg`
pub async fn poster_download_svg(State(state): State<AppState>, session: Session) -> Page {
    let (_, m) = signed_in(&state, &session, None).await?;
    let svg = poster::svg(&m).map_err(internal)?;
    Ok(([(header::CONTENT_TYPE, "image/svg+xml")], svg).into_response())
}

/// `GET /console/poster.png`: the poster drawn from its SVG, 12 px a module.
pub async fn poster_download_png(State(state): State<AppState>, session: Session) -> Page {
    let (_, m) = signed_in(&state, &session, None).await?;
    let png = tokio::task::spawn_blocking(move || poster::png(&m))
        .await
        .map_err(internal)?;
    match png {
        Ok(png) => Ok(([(header::CONTENT_TYPE, "image/png")], png).into_response()),
        Err(PosterError::NoFont(c)) => Err(message(
            StatusCode::UNPROCESSABLE_ENTITY,
            "No font for this name",
            &format!(
                "No font on this server has the character {}, so a PNG would print the \
                 name with a gap. The SVG poster carries the name in any script; or ask \
                 whoever runs the backend to install fonts that cover it.",
                purse_core::text::escape_shown(&c.to_string())
            ),
        )),
        Err(e) => Err(internal(e)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn times_read_in_utc() {
        assert_eq!(utc(0, true), "1970-01-01 00:00");
        assert_eq!(utc(1_700_000_000, false), "22:13:20");
    }

    #[test]
    fn every_order_state_has_words() {
        for s in [
            OrderState::Waiting,
            OrderState::Paid,
            OrderState::Closed,
            OrderState::Refunded,
        ] {
            assert!(!state_text(s).is_empty());
        }
    }
}
