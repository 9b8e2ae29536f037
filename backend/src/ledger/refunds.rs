//! Refunding part or all of a paid order: merchant -> payer, and the order's refunded sum.

use purse_core::api::types::TransactionKind;
use purse_core::money::Money;

use super::entry::{LedgerAccount, LedgerEntry};
use super::history_row;
use super::orders::NotRefundable;
use super::rows::{MerchantRow, OrderRow, RefundRow, TxRow};
use super::tx::{Result, StoreError, Tx};

#[derive(Debug, Clone)]
pub struct RefundDraft {
    pub refund_id: String,
    pub transaction_id: String,
    pub merchant: MerchantRow,
    pub order_id: String,
    pub amount: Money,
    /// Shown to the payer; already checked as text.
    pub reason: String,
    pub now: i64,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RefundRefusal {
    OrderNotFound,
    NotPaid,
    Exceeds { refundable: Money },
    InsufficientFunds,
}

impl From<NotRefundable> for RefundRefusal {
    fn from(n: NotRefundable) -> Self {
        match n {
            NotRefundable::NotPaid => RefundRefusal::NotPaid,
            NotRefundable::Exceeds(refundable) => RefundRefusal::Exceeds { refundable },
        }
    }
}

// One per request, moved once: boxing would buy nothing.
#[allow(clippy::large_enum_variant)]
#[derive(Debug, Clone)]
pub enum RefundResult {
    Refunded {
        order: OrderRow,
        /// The merchant's side of the ledger transaction.
        merchant_tx: TxRow,
    },
    Refused(RefundRefusal),
}

/// Refunds or says why not. A refusal writes nothing.
pub fn refund(tx: &mut dyn Tx, d: &RefundDraft) -> Result<RefundResult> {
    let Some(mut order) = tx
        .order(&d.order_id)?
        .filter(|o| o.merchant_id == d.merchant.merchant_id)
    else {
        return Ok(RefundResult::Refused(RefundRefusal::OrderNotFound));
    };
    if let Err(n) = order.add_refund(d.amount) {
        return Ok(RefundResult::Refused(n.into()));
    }
    let merchant = LedgerAccount::user(&d.merchant.account_id);
    if tx
        .balance(&merchant)?
        .is_none_or(|(b, _)| b.minor < d.amount.minor)
    {
        return Ok(RefundResult::Refused(RefundRefusal::InsufficientFunds));
    }
    let payer_id = order
        .payer_account_id
        .clone()
        .ok_or_else(|| StoreError::Corrupt("a paid order without a payer".into()))?;
    let payer = tx.account(&payer_id)?.ok_or(StoreError::NotFound)?;
    let description = if d.reason.is_empty() {
        format!("Refund from {}", d.merchant.display_name)
    } else {
        format!("Refund from {}: {}", d.merchant.display_name, d.reason)
    };
    let entry = LedgerEntry {
        transaction_id: d.transaction_id.clone(),
        kind: TransactionKind::Refund,
        description,
        created_at: d.now,
        order_id: Some(order.order_id.clone()),
        intent_id: None,
        postings: LedgerEntry::transfer(
            (merchant, &payer.name),
            (LedgerAccount::user(&payer_id), &d.merchant.display_name),
            d.amount,
        ),
    };
    let posted = tx.post(&entry)?;
    tx.update_order(&order)?;
    tx.insert_refund(&RefundRow {
        refund_id: d.refund_id.clone(),
        order_id: order.order_id.clone(),
        amount: d.amount,
        reason: d.reason.clone(),
        transaction_id: d.transaction_id.clone(),
        created_at: d.now,
    })?;
    Ok(RefundResult::Refunded {
        order,
        merchant_tx: history_row(&entry, &posted, 0),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ledger::limits::Maxima;
    use crate::ledger::memory::{Memory, shop};
    use crate::ledger::payments::{PayResult, PaymentDraft, pay};
    use crate::ledger::tx::Reads;
    use purse_core::api::types::OrderState;

    fn paid_shop() -> Memory {
        let mut m = shop();
        let d = PaymentDraft {
            payment_id: "pay_1".into(),
            transaction_id: "tx_pay".into(),
            intent_id: "i1".into(),
            payer: m.account("acct_payer").unwrap().unwrap(),
            merchant: m.merchant("mch_1").unwrap().unwrap(),
            order_id: Some("ord_1".into()),
            static_order_id: String::new(),
            amount: Money::new(2_500, m.accounts[0].currency),
            maxima: Maxima {
                per_payment_major: 50,
                per_day_major: 100,
            },
            device_cap: None,
            now: 10,
        };
        assert!(matches!(pay(&mut m, &d).unwrap(), PayResult::Paid { .. }));
        m
    }

    fn draft(m: &mut Memory, id: &str, minor: i64) -> RefundDraft {
        let merchant = m.merchant("mch_1").unwrap().unwrap();
        RefundDraft {
            refund_id: format!("re_{id}"),
            transaction_id: format!("tx_{id}"),
            amount: Money::new(minor, merchant.currency),
            merchant,
            order_id: "ord_1".into(),
            reason: "cold tea".into(),
            now: 20,
        }
    }

    #[test]
    fn refunds_add_up_to_the_payment_and_no_more() {
        let mut m = paid_shop();
        let d = draft(&mut m, "r1", 1_000);
        let RefundResult::Refunded { order, merchant_tx } = refund(&mut m, &d).unwrap() else {
            panic!("refused")
        };
        assert_eq!(order.state, OrderState::Refunded);
        assert_eq!(order.amount_refunded.minor, 1_000);
        assert_eq!(merchant_tx.transaction.amount.minor, -1_000);
        assert_eq!(merchant_tx.transaction.counterparty, "Ann");
        assert_eq!(
            merchant_tx.transaction.description,
            "Refund from Tea House: cold tea"
        );
        assert_eq!(
            (m.wallet("acct_payer"), m.wallet("acct_shop")),
            (8_500, 1_500)
        );

        let too_much = draft(&mut m, "r2", 1_501);
        assert!(matches!(
            refund(&mut m, &too_much).unwrap(),
            RefundResult::Refused(RefundRefusal::Exceeds { refundable }) if refundable.minor == 1_500
        ));
        let rest = draft(&mut m, "r3", 1_500);
        assert!(matches!(
            refund(&mut m, &rest).unwrap(),
            RefundResult::Refunded { .. }
        ));
        let more = draft(&mut m, "r4", 1);
        assert!(matches!(
            refund(&mut m, &more).unwrap(),
            RefundResult::Refused(RefundRefusal::Exceeds { refundable }) if refundable.minor == 0
        ));
        assert_eq!(m.total(), 0);
        assert_eq!(m.refunds.len(), 2);
    }

    #[test]
    fn only_a_paid_order_of_this_merchant_with_the_money_is_refunded() {
        let mut m = shop();
        let d = draft(&mut m, "r1", 100);
        assert!(matches!(
            refund(&mut m, &d).unwrap(),
            RefundResult::Refused(RefundRefusal::NotPaid)
        ));
        let mut m = paid_shop();
        let mut other = draft(&mut m, "r2", 100);
        other.order_id = "ord_other".into();
        assert!(matches!(
            refund(&mut m, &other).unwrap(),
            RefundResult::Refused(RefundRefusal::OrderNotFound)
        ));
        // The merchant spent its takings elsewhere.
        let shop_wallet = LedgerAccount::user("acct_shop");
        m.balances.get_mut(&shop_wallet).unwrap().0.minor = 50;
        let d = draft(&mut m, "r3", 100);
        assert!(matches!(
            refund(&mut m, &d).unwrap(),
            RefundResult::Refused(RefundRefusal::InsufficientFunds)
        ));
    }
}
