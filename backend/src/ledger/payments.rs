//! Paying a merchant: every check that can refuse a payment, then the money, the order and
//! the day's spending, in the caller's one transaction.

use purse_core::api::types::{OrderState, TransactionKind};
use purse_core::money::Money;

use super::entry::{LedgerAccount, LedgerEntry};
use super::history_row;
use super::limits::Maxima;
use super::orders::NotPayable;
use super::rows::{AccountRow, MerchantRow, OrderKind, OrderRow, PaymentRow, TxRow};
use super::spending::{self, Overspend};
use super::tx::{Result, Tx};

/// A payment to settle: the route has checked what needs no database (signatures, the
/// authorization, currencies) and drawn the ids.
#[derive(Debug, Clone)]
pub struct PaymentDraft {
    pub payment_id: String,
    pub transaction_id: String,
    pub intent_id: String,
    pub payer: AccountRow,
    pub merchant: MerchantRow,
    /// The order paid; `None` for the static code, for which `static_order_id` is created.
    pub order_id: Option<String>,
    pub static_order_id: String,
    pub amount: Money,
    pub maxima: Maxima,
    /// A cap on the paying device per payment and per day (a recovered device in its first
    /// days), over any limit.
    pub device_cap: Option<Money>,
    pub now: i64,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PayRefusal {
    OrderNotFound,
    OrderPaid,
    OrderClosed,
    OrderExpired,
    AmountMismatch {
        expected: Money,
    },
    IntentUsed,
    /// A limit or the balance (the checks every outgoing movement passes).
    Over(Overspend),
}

impl From<NotPayable> for PayRefusal {
    fn from(n: NotPayable) -> Self {
        match n {
            NotPayable::Paid => PayRefusal::OrderPaid,
            NotPayable::Closed => PayRefusal::OrderClosed,
            NotPayable::Expired => PayRefusal::OrderExpired,
        }
    }
}

impl From<Overspend> for PayRefusal {
    fn from(o: Overspend) -> Self {
        PayRefusal::Over(o)
    }
}

// One per request, moved once: boxing would buy nothing.
#[allow(clippy::large_enum_variant)]
#[derive(Debug, Clone)]
pub enum PayResult {
    Paid {
        payment: PaymentRow,
        order: OrderRow,
        /// The payer's side of the ledger transaction.
        payer_tx: TxRow,
    },
    Refused(PayRefusal),
}

/// Settles a payment or says why not. A refusal writes nothing.
pub fn pay(tx: &mut dyn Tx, d: &PaymentDraft) -> Result<PayResult> {
    match check(tx, d)? {
        Err(refusal) => Ok(PayResult::Refused(refusal)),
        Ok(order) => settle(tx, d, order),
    }
}

/// The order to settle (`None`: the static code's, made at settlement), or the refusal.
fn check(
    tx: &mut dyn Tx,
    d: &PaymentDraft,
) -> Result<std::result::Result<Option<OrderRow>, PayRefusal>> {
    if tx.payment(&d.payer.account_id, &d.intent_id)?.is_some() {
        return Ok(Err(PayRefusal::IntentUsed));
    }
    let order = match &d.order_id {
        None => None,
        Some(id) => {
            let Some(o) = tx
                .order(id)?
                .filter(|o| o.merchant_id == d.merchant.merchant_id)
            else {
                return Ok(Err(PayRefusal::OrderNotFound));
            };
            if let Err(n) = o.payable_at(d.now) {
                return Ok(Err(n.into()));
            }
            if o.amount != d.amount {
                return Ok(Err(PayRefusal::AmountMismatch { expected: o.amount }));
            }
            Some(o)
        }
    };
    if let Err(over) = spending::check(tx, &d.payer, d.amount, d.maxima, d.device_cap, d.now)? {
        return Ok(Err(over.into()));
    }
    Ok(Ok(order))
}

fn settle(tx: &mut dyn Tx, d: &PaymentDraft, order: Option<OrderRow>) -> Result<PayResult> {
    let mut order = match order {
        Some(o) => o,
        None => {
            let o = OrderRow {
                order_id: d.static_order_id.clone(),
                merchant_id: d.merchant.merchant_id.clone(),
                amount: d.amount,
                description: String::new(),
                kind: OrderKind::Static,
                state: OrderState::Waiting,
                amount_refunded: Money::zero(d.amount.currency),
                payload: String::new(),
                created_at: d.now,
                expires_at: d.now,
                paid_at: None,
                payment_id: None,
                payer_account_id: None,
            };
            tx.insert_order(&o)?;
            o
        }
    };
    let entry = LedgerEntry {
        transaction_id: d.transaction_id.clone(),
        kind: TransactionKind::Payment,
        description: format!("Payment to {}", d.merchant.display_name),
        created_at: d.now,
        order_id: Some(order.order_id.clone()),
        intent_id: Some(d.intent_id.clone()),
        postings: LedgerEntry::transfer(
            (
                LedgerAccount::user(&d.payer.account_id),
                &d.merchant.display_name,
            ),
            (LedgerAccount::user(&d.merchant.account_id), &d.payer.name),
            d.amount,
        ),
    };
    let posted = tx.post(&entry)?;
    order.mark_paid(&d.payment_id, &d.payer.account_id, d.now);
    tx.update_order(&order)?;
    let payment = PaymentRow {
        payment_id: d.payment_id.clone(),
        intent_id: d.intent_id.clone(),
        payer_account_id: d.payer.account_id.clone(),
        merchant_id: d.merchant.merchant_id.clone(),
        order_id: order.order_id.clone(),
        amount: d.amount,
        transaction_id: d.transaction_id.clone(),
        created_at: d.now,
    };
    tx.insert_payment(&payment)?;
    spending::record(tx, &d.payer, d.amount, d.now)?;
    Ok(PayResult::Paid {
        payment,
        order,
        payer_tx: history_row(&entry, &posted, 0),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ledger::memory::{Memory, shop};
    use crate::ledger::tx::Reads;

    fn draft(m: &mut Memory, intent: &str, order: Option<&str>, minor: i64) -> PaymentDraft {
        let payer = m.account("acct_payer").unwrap().unwrap();
        let merchant = m.merchant("mch_1").unwrap().unwrap();
        PaymentDraft {
            payment_id: format!("pay_{intent}"),
            transaction_id: format!("tx_{intent}"),
            intent_id: intent.into(),
            amount: Money::new(minor, payer.currency),
            payer,
            merchant,
            order_id: order.map(str::to_owned),
            static_order_id: format!("ord_static_{intent}"),
            maxima: Maxima {
                per_payment_major: 50,
                per_day_major: 60,
            },
            device_cap: None,
            now: 500,
        }
    }

    fn refused(m: &mut Memory, d: &PaymentDraft) -> PayRefusal {
        let before = (m.ledger.len(), m.orders.len(), m.payments.len());
        match pay(m, d).unwrap() {
            PayResult::Refused(r) => {
                assert_eq!(
                    (m.ledger.len(), m.orders.len(), m.payments.len()),
                    before,
                    "a refusal writes nothing"
                );
                r
            }
            PayResult::Paid { .. } => panic!("paid"),
        }
    }

    #[test]
    fn an_order_is_paid_once_with_one_balanced_entry() {
        let mut m = shop();
        let d = draft(&mut m, "i1", Some("ord_1"), 2_500);
        let PayResult::Paid {
            payment,
            order,
            payer_tx,
        } = pay(&mut m, &d).unwrap()
        else {
            panic!("refused")
        };
        assert_eq!(order.state, OrderState::Paid);
        assert_eq!(
            order.payment_id.as_deref(),
            Some(payment.payment_id.as_str())
        );
        assert_eq!(payer_tx.transaction.amount.minor, -2_500);
        assert_eq!(payer_tx.transaction.counterparty, "Tea House");
        assert_eq!(payer_tx.balance_after.unwrap().minor, 7_500);
        assert_eq!(
            (m.wallet("acct_payer"), m.wallet("acct_shop")),
            (7_500, 2_500)
        );
        assert_eq!(m.total(), 0, "no money made or lost");
        assert_eq!(m.spent_on("acct_payer", 0).unwrap(), 2_500);

        let again = draft(&mut m, "i2", Some("ord_1"), 2_500);
        assert_eq!(refused(&mut m, &again), PayRefusal::OrderPaid);
        let same_intent = draft(&mut m, "i1", None, 100);
        assert_eq!(refused(&mut m, &same_intent), PayRefusal::IntentUsed);
    }

    #[test]
    fn the_order_decides_the_amount_and_the_time() {
        let mut m = shop();
        let d = draft(&mut m, "i1", Some("ord_1"), 2_499);
        assert_eq!(
            refused(&mut m, &d),
            PayRefusal::AmountMismatch {
                expected: Money::new(2_500, d.amount.currency)
            }
        );
        let mut late = draft(&mut m, "i2", Some("ord_1"), 2_500);
        late.now = 1_001;
        assert_eq!(refused(&mut m, &late), PayRefusal::OrderExpired);
        let elsewhere = draft(&mut m, "i3", Some("ord_unknown"), 2_500);
        assert_eq!(refused(&mut m, &elsewhere), PayRefusal::OrderNotFound);
        m.orders[0].close();
        let closed = draft(&mut m, "i4", Some("ord_1"), 2_500);
        assert_eq!(refused(&mut m, &closed), PayRefusal::OrderClosed);
    }

    #[test]
    fn limits_then_balance() {
        let mut m = shop();
        let d = draft(&mut m, "i1", None, 5_001);
        assert!(matches!(
            refused(&mut m, &d),
            PayRefusal::Over(Overspend::LimitPerPayment { limit }) if limit.minor == 5_000
        ));
        for i in 0..2 {
            let d = draft(&mut m, &format!("ok{i}"), None, 3_000);
            assert!(matches!(pay(&mut m, &d).unwrap(), PayResult::Paid { .. }));
        }
        let d = draft(&mut m, "i2", None, 1);
        assert!(matches!(
            refused(&mut m, &d),
            PayRefusal::Over(Overspend::LimitPerDay { limit, spent }) if limit.minor == 6_000 && spent.minor == 6_000
        ));
        let mut next_day = draft(&mut m, "i3", None, 4_001);
        next_day.now += 86_400;
        assert_eq!(
            refused(&mut m, &next_day),
            PayRefusal::Over(Overspend::InsufficientFunds)
        );
        assert_eq!(m.total(), 0);
    }

    #[test]
    fn a_payment_to_the_static_code_gets_an_order_of_its_own() {
        let mut m = shop();
        let d = draft(&mut m, "i1", None, 1_234);
        let PayResult::Paid { order, .. } = pay(&mut m, &d).unwrap() else {
            panic!("refused")
        };
        assert_eq!(order.kind, OrderKind::Static);
        assert_eq!(order.order_id, "ord_static_i1");
        assert_eq!(order.state, OrderState::Paid);
        assert_eq!(
            m.order("ord_static_i1").unwrap().unwrap().amount.minor,
            1_234
        );
    }
}
