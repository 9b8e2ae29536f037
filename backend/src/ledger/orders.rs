//! The order's state machine: waiting -> paid | closed (cancelled, or expired by time);
//! paid -> refunded (in part or in full, any number of times up to the amount).

use purse_core::api::types::OrderState;
use purse_core::money::Money;

use super::rows::OrderRow;

/// Why an order cannot be paid now.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NotPayable {
    Paid,
    Closed,
    Expired,
}

/// Why an order cannot be refunded (by this much).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NotRefundable {
    NotPaid,
    /// More than what is left to refund: at most this much.
    Exceeds(Money),
}

impl OrderRow {
    /// The state as of `now`: a waiting order past its expiry is closed.
    pub fn state_at(&self, now: i64) -> OrderState {
        if self.state == OrderState::Waiting && now > self.expires_at {
            OrderState::Closed
        } else {
            self.state
        }
    }

    pub fn is_paid(&self) -> bool {
        matches!(self.state, OrderState::Paid | OrderState::Refunded)
    }

    /// `Ok` when a payment may settle this order at `now`.
    pub fn payable_at(&self, now: i64) -> Result<(), NotPayable> {
        match self.state {
            OrderState::Paid | OrderState::Refunded => Err(NotPayable::Paid),
            OrderState::Closed => Err(NotPayable::Closed),
            OrderState::Waiting if now > self.expires_at => Err(NotPayable::Expired),
            OrderState::Waiting => Ok(()),
        }
    }

    /// What can still be refunded.
    pub fn refundable(&self) -> Result<Money, NotRefundable> {
        if !self.is_paid() {
            return Err(NotRefundable::NotPaid);
        }
        // The schema keeps amount_refunded <= amount; a row that breaks it refunds nothing.
        Ok(self
            .amount
            .checked_sub(self.amount_refunded)
            .unwrap_or(Money::zero(self.amount.currency)))
    }

    /// Settles the order: waiting -> paid.
    pub fn mark_paid(&mut self, payment_id: &str, payer_account_id: &str, now: i64) {
        self.state = OrderState::Paid;
        self.paid_at = Some(now);
        self.payment_id = Some(payment_id.to_owned());
        self.payer_account_id = Some(payer_account_id.to_owned());
    }

    /// Records a refund of `amount`: paid -> refunded.
    pub fn add_refund(&mut self, amount: Money) -> Result<(), NotRefundable> {
        let left = self.refundable()?;
        if amount.currency != left.currency || amount.minor > left.minor {
            return Err(NotRefundable::Exceeds(left));
        }
        self.amount_refunded = self
            .amount_refunded
            .checked_add(amount)
            .map_err(|_| NotRefundable::Exceeds(left))?;
        self.state = OrderState::Refunded;
        Ok(())
    }

    /// Cancels a waiting order; anything else is left as it is. `true` if it changed.
    pub fn close(&mut self) -> bool {
        if self.state == OrderState::Waiting {
            self.state = OrderState::Closed;
            true
        } else {
            false
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ledger::rows::OrderKind;
    use purse_core::money::Currency;

    fn order(minor: i64) -> OrderRow {
        let cny = Currency::from_code("CNY").unwrap();
        OrderRow {
            order_id: "ord".into(),
            merchant_id: "mch".into(),
            amount: Money::new(minor, cny),
            description: String::new(),
            kind: OrderKind::Dynamic,
            state: OrderState::Waiting,
            amount_refunded: Money::zero(cny),
            payload: String::new(),
            created_at: 0,
            expires_at: 100,
            paid_at: None,
            payment_id: None,
            payer_account_id: None,
        }
    }

    #[test]
    fn a_waiting_order_expires_by_time() {
        let o = order(500);
        assert_eq!(o.state_at(100), OrderState::Waiting);
        assert_eq!(o.state_at(101), OrderState::Closed);
        assert_eq!(o.payable_at(100), Ok(()));
        assert_eq!(o.payable_at(101), Err(NotPayable::Expired));
    }

    #[test]
    fn paid_once_then_refunded_up_to_the_amount() {
        let mut o = order(500);
        assert_eq!(o.refundable(), Err(NotRefundable::NotPaid));
        o.mark_paid("pay", "acct", 10);
        assert_eq!(o.payable_at(10), Err(NotPayable::Paid));
        assert_eq!(
            o.state_at(1_000),
            OrderState::Paid,
            "paid orders never expire"
        );
        assert!(!o.close(), "a paid order is not closed");
        let cny = o.amount.currency;
        o.add_refund(Money::new(200, cny)).unwrap();
        assert_eq!(o.state, OrderState::Refunded);
        assert_eq!(o.refundable().unwrap().minor, 300);
        assert_eq!(
            o.add_refund(Money::new(301, cny)),
            Err(NotRefundable::Exceeds(Money::new(300, cny)))
        );
        o.add_refund(Money::new(300, cny)).unwrap();
        assert_eq!(o.refundable().unwrap().minor, 0);
        assert_eq!(o.payable_at(10), Err(NotPayable::Paid));
    }

    #[test]
    fn closing_only_touches_a_waiting_order() {
        let mut o = order(500);
        assert!(o.close());
        assert!(!o.close());
        assert_eq!(o.payable_at(0), Err(NotPayable::Closed));
    }
}
