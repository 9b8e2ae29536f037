//! Making an order and refunding one: the checks and the writes the API
//! (`routes::merchants`) and the console (`console`) share, so each rule is written once.

use axum::http::StatusCode;
use purse_core::api::types::{Refund, codes};
use purse_core::money::Money;

use crate::app::AppState;
use crate::idempotency::{self, Done, Key, Reply};
use crate::ids::random_id;
use crate::ledger::refunds::{RefundDraft, RefundRefusal, RefundResult, refund as settle_refund};
use crate::ledger::{MerchantRow, OrderKind, OrderRow};
use crate::merchant_codes;
use crate::present;
use crate::problem::ApiProblem;
use crate::routes::extract::optional_shown_text;
use crate::webhooks;
use purse_core::api::types::OrderState;

/// How long an order waits for its payment unless the merchant says otherwise.
pub const DEFAULT_ORDER_TTL: i64 = 900;

/// Whether `amount` may be an order's: more than zero and at most the largest payment in its
/// currency, which is the `Err`.
pub fn order_amount(state: &AppState, amount: Money) -> Result<(), Money> {
    let (max, _) = state.config.maxima().in_currency(amount.currency);
    if amount.is_positive() && amount.minor <= max.minor {
        Ok(())
    } else {
        Err(max)
    }
}

/// A new order of `m` for `amount`, checked (currency, bounds, description) and with its
/// dynamic code, not yet stored.
pub fn new_order(
    state: &AppState,
    m: &MerchantRow,
    amount: Money,
    description: &str,
    expires_in: Option<i64>,
) -> Result<OrderRow, ApiProblem> {
    if amount.currency != m.currency {
        return Err(ApiProblem::new(
            StatusCode::BAD_REQUEST,
            codes::CURRENCY_MISMATCH,
            format!("this merchant takes {}", m.currency),
        ));
    }
    if let Err(max) = order_amount(state, amount) {
        return Err(ApiProblem::new(
            StatusCode::BAD_REQUEST,
            codes::AMOUNT_INVALID,
            format!("an order must be more than zero and at most {max}"),
        ));
    }
    let ttl = expires_in.unwrap_or(DEFAULT_ORDER_TTL);
    if !(1..=86_400).contains(&ttl) {
        return Err(ApiProblem::bad_request(
            "expires_in must be 1 to 86400 seconds",
        ));
    }
    let description = optional_shown_text("description", description, 200)?;
    let now = state.now();
    let order_id = random_id("ord");
    let payload = merchant_codes::order_payload(
        &m.merchant_id,
        &m.display_name,
        &m.city,
        &m.mcc,
        &order_id,
        amount,
    )
    .map_err(ApiProblem::internal)?;
    Ok(OrderRow {
        order_id,
        merchant_id: m.merchant_id.clone(),
        amount,
        description,
        kind: OrderKind::Dynamic,
        state: OrderState::Waiting,
        amount_refunded: Money::zero(m.currency),
        payload,
        created_at: now,
        expires_at: now + ttl,
        paid_at: None,
        payment_id: None,
        payer_account_id: None,
    })
}

/// Stores a new order, once per idempotency key.
pub async fn insert_order(
    state: &AppState,
    row: OrderRow,
    key: Option<Key>,
) -> Result<Done<()>, ApiProblem> {
    let now = state.now();
    idempotency::write(state.store.as_ref(), key, move |tx| {
        tx.insert_order(&row)?;
        Ok((
            Reply::json(StatusCode::CREATED, &present::order(&row, now)),
            (),
        ))
    })
    .await
}

pub fn refund_problem(r: &RefundRefusal) -> ApiProblem {
    match r {
        RefundRefusal::OrderNotFound => ApiProblem::not_found("order"),
        RefundRefusal::NotPaid => ApiProblem::new(
            StatusCode::CONFLICT,
            codes::ORDER_NOT_PAID,
            "only a paid order can be refunded",
        ),
        RefundRefusal::Exceeds { refundable } => ApiProblem::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            codes::REFUND_EXCEEDS_PAYMENT,
            format!("at most {refundable} of this order can still be refunded"),
        ),
        RefundRefusal::InsufficientFunds => ApiProblem::new(
            StatusCode::PAYMENT_REQUIRED,
            codes::INSUFFICIENT_FUNDS,
            "the merchant's balance is too low for this refund",
        ),
    }
}

/// Refunds `amount` of a paid order of `m` to its payer, exactly once per `key`: the
/// payer sees it in their history and event stream, the merchant gets `order.refunded`.
pub async fn refund(
    state: &AppState,
    m: MerchantRow,
    order_id: String,
    amount: Money,
    reason: &str,
    key: Key,
) -> Result<Done<RefundResult>, ApiProblem> {
    let now = state.now();
    if amount.currency != m.currency || !amount.is_positive() {
        return Err(ApiProblem::new(
            StatusCode::BAD_REQUEST,
            codes::AMOUNT_INVALID,
            format!("a refund is a positive amount in {}", m.currency),
        ));
    }
    let reason = optional_shown_text("reason", reason, 200)?;
    let draft = RefundDraft {
        refund_id: random_id("re"),
        transaction_id: random_id("tx"),
        merchant: m,
        order_id,
        amount,
        reason,
        now,
    };
    let message_id = random_id("msg");
    let done = idempotency::write(state.store.as_ref(), Some(key), move |tx| {
        let result = settle_refund(tx, &draft)?;
        let reply = match &result {
            RefundResult::Refused(r) => Reply::problem(&refund_problem(r)),
            RefundResult::Refunded { order, merchant_tx } => {
                let order = present::order(order, now);
                webhooks::queue(
                    tx,
                    &draft.merchant,
                    &message_id,
                    "order.refunded",
                    now,
                    &order,
                )?;
                Reply::json(
                    StatusCode::CREATED,
                    &Refund {
                        refund_id: draft.refund_id.clone(),
                        order,
                        balance: present::balance_after(merchant_tx),
                        transaction: merchant_tx.transaction.clone(),
                    },
                )
            }
        };
        Ok((reply, result))
    })
    .await?;
    if let Done::Fresh(_, RefundResult::Refunded { merchant_tx, .. }) = &done {
        state.ledger_moved(merchant_tx.transaction.seq);
        state.webhooks.notify_one();
    }
    Ok(done)
}
