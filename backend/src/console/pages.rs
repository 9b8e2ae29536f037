//! The console's pages: today's takings, orders (make one, watch it paid, refund it), and
//! the shop's poster. Each handler checks the session first; every value reaches the page
//! through a template, which escapes it.

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::{StatusCode, header};
use axum::response::{Html, IntoResponse, Redirect, Response};
use serde::Deserialize;
use tower_sessions::Session;

use purse_core::api::types::{OrderState, TransactionKind};
use purse_core::money::Money;

use super::locale::Locale;
use super::poster::{self, PosterError};
use super::refusals::{self, Field};
use super::session::{SignedIn, internal, signed_in};
use super::words::Words;
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
struct MessagePage {
    w: Words,
    title: String,
    text: String,
}

/// A page with a title and a sentence, both in the reader's words: refusals, sign-out,
/// errors.
pub(super) fn message(status: StatusCode, title: String, text: String) -> Response {
    let w = Locale::current().words;
    match render(status, &MessagePage { w, title, text }) {
        Ok(r) | Err(r) => r,
    }
}

/// What a typed amount looks like in the reader's locale (`12.34`, `12,34`), for a field's
/// placeholder.
pub(super) fn example_amount(loc: Locale, currency: purse_core::money::Currency) -> String {
    loc.number(Money::new(1234, currency))
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

/// What every page shows around its content (`base.html`): the shop, the sign-out form's
/// token, and where in the console the page is. (The words, `w` of every page and
/// fragment, are the request's: [`Locale::current`].)
pub(super) struct Frame {
    pub(super) shop: String,
    pub(super) csrf: String,
    pub(super) section: &'static str,
}

impl Frame {
    pub(super) fn new(signed: &SignedIn, m: &MerchantRow, section: &'static str) -> Frame {
        Frame {
            shop: m.display_name.clone(),
            csrf: signed.csrf.clone(),
            section,
        }
    }
}

struct PaymentLine {
    time: String,
    kind: String,
    counterparty: String,
    amount: String,
}

#[derive(Template)]
#[template(path = "console/today.html")]
struct TodayPage {
    w: Words,
    frame: Frame,
    sales: String,
    count: usize,
    refunds: String,
    rows: Vec<PaymentLine>,
}

#[derive(Template)]
#[template(path = "console/payments.html")]
struct PaymentsFragment {
    w: Words,
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
                    loc.t("kind-payment")
                }
                TransactionKind::Refund => {
                    t.refunds = t.refunds.checked_sub(tx.amount).map_err(internal)?;
                    loc.t("kind-refund")
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
pub async fn today_page(State(state): State<AppState>, session: Session) -> Page {
    let (signed, m) = signed_in(&state, &session, None).await?;
    let loc = Locale::current();
    let t = today(&state, &m, loc).await?;
    render(
        StatusCode::OK,
        &TodayPage {
            w: loc.words,
            frame: Frame::new(&signed, &m, "today"),
            sales: loc.money(t.sales),
            count: t.count,
            refunds: loc.money(t.refunds),
            rows: t.rows,
        },
    )
}

/// `GET /console/today/payments`: the live list, polled by the page.
pub async fn today_payments(State(state): State<AppState>, session: Session) -> Page {
    let (_, m) = signed_in(&state, &session, None).await?;
    let loc = Locale::current();
    let t = today(&state, &m, loc).await?;
    render(
        StatusCode::OK,
        &PaymentsFragment {
            w: loc.words,
            rows: t.rows,
        },
    )
}

/// An order as the pages show it.
struct OrderView {
    order_id: String,
    short_id: String,
    amount: String,
    description: String,
    state: String,
    state_code: &'static str,
    waiting: bool,
    created: String,
    refunded: String,
    refundable: bool,
    left: String,
    left_plain: String,
}

fn state_text(s: OrderState, loc: Locale) -> String {
    match s {
        OrderState::Waiting => loc.t("order-waiting"),
        OrderState::Paid => loc.t("order-paid"),
        OrderState::Closed => loc.t("order-closed"),
        OrderState::Refunded => loc.t("order-refunded"),
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
        state: state_text(state, loc),
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
    w: Words,
    frame: Frame,
    currency: String,
    example: String,
    error: Option<String>,
    states: Vec<FilterOption>,
    filter: String,
    orders: Vec<OrderView>,
    next: Option<String>,
}

struct FilterOption {
    value: &'static str,
    label: String,
    selected: bool,
}

#[derive(Deserialize)]
pub struct OrdersQuery {
    state: Option<String>,
    after: Option<String>,
}

/// The list's filters: a state's code (or "all") and its words.
fn filters(loc: Locale) -> [(&'static str, String); 5] {
    [
        ("all", loc.t("filter-all")),
        ("waiting", loc.t("filter-waiting")),
        ("paid", loc.t("filter-paid")),
        ("refunded", loc.t("filter-refunded")),
        ("closed", loc.t("filter-closed")),
    ]
}

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
    let choices = filters(loc);
    let filter = q
        .state
        .filter(|s| choices.iter().any(|(v, _)| v == s))
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
            w: loc.words,
            frame: Frame::new(&signed, &m, "orders"),
            currency: m.currency.to_string(),
            example: example_amount(loc, m.currency),
            error,
            states: choices
                .into_iter()
                .map(|(value, label)| FilterOption {
                    value,
                    label,
                    selected: value == filter,
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
    Query(q): Query<OrdersQuery>,
) -> Page {
    let (signed, m) = signed_in(&state, &session, None).await?;
    orders_response(&state, signed, m, q, Locale::current(), None).await
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
    axum::Form(form): axum::Form<NewOrderForm>,
) -> Page {
    let (signed, m) = signed_in(&state, &session, Some(&form.csrf)).await?;
    let loc = Locale::current();
    let empty = OrdersQuery {
        state: None,
        after: None,
    };
    let amount = match loc.parse(&form.amount, m.currency) {
        None => Err(loc.words.t2(
            "not-an-amount",
            "text",
            form.amount.chars().take(40).collect::<String>(),
            "currency",
            m.currency,
        )),
        Some(a) => merchant_orders::order_amount(&state, a)
            .map(|()| a)
            .map_err(|max| loc.words.t1("order-invalid-amount", "max", loc.money(max))),
    };
    let checked = amount.and_then(|a| {
        purse_core::text::check_optional_shown_text(&form.description, 200)
            .map(|d| (a, d))
            .map_err(|e| refusals::text(Field::Description, &e, loc))
    });
    let (amount, description) = match checked {
        Ok(v) => v,
        Err(e) => return orders_response(&state, signed, m, empty, loc, Some(e)).await,
    };
    let made = match merchant_orders::new_order(&state, &m, amount, &description, None) {
        Ok(row) => {
            let order_id = row.order_id.clone();
            merchant_orders::insert_order(&state, row, None)
                .await
                .map(|_| order_id)
        }
        Err(p) => Err(p),
    };
    match made {
        Ok(order_id) => Ok(Redirect::to(&format!("/console/orders/{order_id}")).into_response()),
        Err(p) => {
            let e = refusals::unexpected(p, loc);
            orders_response(&state, signed, m, empty, loc, Some(e)).await
        }
    }
}

#[derive(Template)]
#[template(path = "console/order.html")]
struct OrderPage {
    w: Words,
    frame: Frame,
    currency: String,
    order: OrderView,
    qr_svg: String,
    notice: Option<String>,
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
            let loc = Locale::current();
            message(
                StatusCode::NOT_FOUND,
                loc.t("order-no-such"),
                loc.t("order-no-such-text"),
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
    notice: Option<String>,
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
            w: loc.words,
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
    Path(order_id): Path<String>,
    Query(q): Query<OrderQuery>,
) -> Page {
    let (signed, m) = signed_in(&state, &session, None).await?;
    let loc = Locale::current();
    let notice = match q.done.as_deref() {
        Some("refunded") => Some(loc.t("refund-done")),
        _ => None,
    };
    order_response(&state, signed, m, &order_id, loc, notice, None).await
}

/// `GET /console/orders/{order_id}/state`: the state badge, polled while it waits.
pub async fn order_state(
    State(state): State<AppState>,
    session: Session,
    Path(order_id): Path<String>,
) -> Page {
    let (_, m) = signed_in(&state, &session, None).await?;
    let o = own_order(&state, &m, &order_id).await?;
    render(
        StatusCode::OK,
        &OrderStateFragment {
            order: order_view(&o, state.now(), Locale::current()),
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
/// `scope`; a form without one did not come from its page (`refusal` says which, in the
/// reader's words).
pub(super) fn form_key(
    m: &MerchantRow,
    scope: &str,
    sent: &str,
    fields: &[&[u8]],
    now: i64,
    refusal: String,
) -> Result<Key, Response> {
    if sent.is_empty() || sent.len() > 64 {
        let title = Locale::current().t("refused");
        return Err(message(StatusCode::BAD_REQUEST, title, refusal));
    }
    Ok(Key::for_form(&m.account_id, scope, sent, fields, now))
}

#[derive(Template)]
#[template(path = "console/refund_confirm.html")]
struct RefundConfirmPage {
    w: Words,
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
        .ok_or_else(|| loc.words.t1("refund-positive", "currency", m.currency))?;
    let reason = purse_core::text::check_optional_shown_text(&form.reason, 200)
        .map_err(|e| refusals::text(Field::Reason, &e, loc))?;
    Ok((amount, reason))
}

/// `POST /console/orders/{order_id}/refund`: the confirmation step.
pub async fn review_refund(
    State(state): State<AppState>,
    session: Session,
    Path(order_id): Path<String>,
    axum::Form(form): axum::Form<RefundForm>,
) -> Page {
    let (signed, m) = signed_in(&state, &session, Some(&form.csrf)).await?;
    let loc = Locale::current();
    let o = own_order(&state, &m, &order_id).await?;
    let (amount, reason) = match refund_input(&form, &m, loc) {
        Ok(v) => v,
        Err(e) => return order_response(&state, signed, m, &order_id, loc, None, Some(e)).await,
    };
    render(
        StatusCode::OK,
        &RefundConfirmPage {
            w: loc.words,
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
    Path(order_id): Path<String>,
    axum::Form(form): axum::Form<RefundForm>,
) -> Page {
    let (signed, m) = signed_in(&state, &session, Some(&form.csrf)).await?;
    let loc = Locale::current();
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
        loc.t("refund-from-page"),
    )?;
    let done =
        merchant_orders::refund(&state, m.clone(), order_id.clone(), amount, &reason, key).await;
    match done {
        Ok(Done::Fresh(_, RefundResult::Refunded { .. })) | Ok(Done::Replayed(_)) => {
            Ok(Redirect::to(&format!("/console/orders/{order_id}?done=refunded")).into_response())
        }
        Ok(Done::Fresh(_, RefundResult::Refused(r))) => {
            let e = refusals::refund(&r, loc);
            order_response(&state, signed, m, &order_id, loc, None, Some(e)).await
        }
        Err(p) => {
            let e = refusals::unexpected(p, loc);
            order_response(&state, signed, m, &order_id, loc, None, Some(e)).await
        }
    }
}

#[derive(Template)]
#[template(path = "console/poster.html")]
struct PosterPage {
    w: Words,
    frame: Frame,
}

/// `GET /console/poster`
pub async fn poster(State(state): State<AppState>, session: Session) -> Page {
    let (signed, m) = signed_in(&state, &session, None).await?;
    render(
        StatusCode::OK,
        &PosterPage {
            w: Locale::current().words,
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
        Err(PosterError::NoFont(c)) => {
            let loc = Locale::current();
            Err(message(
                StatusCode::UNPROCESSABLE_ENTITY,
                loc.t("poster-no-font"),
                loc.words.t1(
                    "poster-no-font-text",
                    "char",
                    purse_core::text::escape_shown(&c.to_string()),
                ),
            ))
        }
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
            for lang in ["en", "de", "zh"] {
                let text = state_text(s, Locale::from_accept_language(Some(lang)));
                assert!(!text.starts_with("order-"), "{lang} {s:?}: {text}");
            }
        }
    }
}
