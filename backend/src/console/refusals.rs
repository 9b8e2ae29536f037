//! What the console says when a rule refuses: the ledger's refusals in the reader's words
//! and number format (the API says the same in English problem details, for programs).

use purse_core::text::TextError;

use super::locale::Locale;
use crate::ledger::paycodes::ChargeRefusal;
use crate::ledger::refunds::RefundRefusal;
use crate::ledger::spending::Overspend;
use crate::ledger::withdrawals::payouts::PayoutRefusal;
use crate::problem::ApiProblem;

/// What was refused, for the words of a balance or limit refusal.
#[derive(Debug, Clone, Copy)]
pub enum Outgoing {
    /// A customer's payment at the till.
    Payment,
    /// The shop's payout.
    Payout,
}

pub fn refund(r: &RefundRefusal, loc: Locale) -> String {
    match r {
        RefundRefusal::OrderNotFound => loc.t("order-no-such-text"),
        RefundRefusal::NotPaid => loc.t("refund-not-paid"),
        RefundRefusal::Exceeds { refundable } => {
            loc.words
                .t1("refund-exceeds", "left", loc.money(*refundable))
        }
        RefundRefusal::InsufficientFunds => loc.t("refund-balance-low"),
    }
}

pub fn charge(r: ChargeRefusal, loc: Locale) -> String {
    match r {
        ChargeRefusal::Invalid => loc.t("paycode-invalid"),
        ChargeRefusal::Used => loc.t("paycode-used"),
        ChargeRefusal::Stale => loc.t("paycode-stale"),
        ChargeRefusal::Expired => loc.t("paycode-expired"),
        ChargeRefusal::Revoked => loc.t("paycode-revoked"),
        ChargeRefusal::SelfCharge => loc.t("paycode-self"),
        ChargeRefusal::Over(o) => overspend(o, Outgoing::Payment, loc),
    }
}

pub fn payout(r: PayoutRefusal, currency: purse_core::money::Currency, loc: Locale) -> String {
    match r {
        PayoutRefusal::NotABank => loc.t("payouts-not-a-bank"),
        PayoutRefusal::BadAmount => loc.words.t1("enter-amount", "currency", currency),
        PayoutRefusal::Over(o) => overspend(o, Outgoing::Payout, loc),
    }
}

pub fn overspend(o: Overspend, what: Outgoing, loc: Locale) -> String {
    let w = loc.words;
    match (o, what) {
        (Overspend::LimitPerPayment { limit }, Outgoing::Payment) => {
            w.t1("over-per-payment", "limit", loc.money(limit))
        }
        (Overspend::LimitPerPayment { limit }, Outgoing::Payout) => {
            w.t1("over-per-payout", "limit", loc.money(limit))
        }
        (Overspend::LimitPerDay { limit, spent }, _) => w.t2(
            "over-per-day",
            "limit",
            loc.money(limit),
            "spent",
            loc.money(spent),
        ),
        (Overspend::LimitAfterRecovery { limit }, _) => {
            w.t1("over-after-recovery", "limit", loc.money(limit))
        }
        (Overspend::InsufficientFunds, Outgoing::Payment) => w.t("over-funds-payment"),
        (Overspend::InsufficientFunds, Outgoing::Payout) => w.t("over-funds-payout"),
    }
}

/// Why a text another user will read was refused, under the field's label.
pub fn text(field: Field, e: &TextError, loc: Locale) -> String {
    let w = loc.words;
    let problem = match e {
        TextError::Empty => w.t("text-empty"),
        TextError::TooLong(max) => w.t1("text-too-long", "max", max),
        TextError::Control => w.t("text-control"),
        TextError::Invisible(c) => w.t1("text-invisible", "char", format!("U+{c:04X}")),
    };
    match field {
        Field::Reason => w.t1("text-reason", "problem", problem),
        Field::Description => w.t1("text-description", "problem", problem),
    }
}

/// A field of shown text the console's forms have.
#[derive(Debug, Clone, Copy)]
pub enum Field {
    Reason,
    Description,
}

/// A problem no console rule expected (the API's words, in English), or the page's "went
/// wrong" for the server's own failures, whose detail is for the log only.
pub fn unexpected(p: ApiProblem, loc: Locale) -> String {
    if p.status.is_server_error() {
        tracing::error!(code = p.code, "console: {}", p.detail);
        loc.t("went-wrong-text")
    } else {
        p.detail
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use purse_core::money::{Currency, Money};

    #[test]
    fn refusals_read_in_the_readers_language_and_number_format() {
        let eur = Currency::from_code("EUR").unwrap();
        let de = Locale::from_accept_language(Some("de-DE"));
        let day = Overspend::LimitPerDay {
            limit: Money::new(100_000, eur),
            spent: Money::new(99_950, eur),
        };
        assert_eq!(
            overspend(day, Outgoing::Payment, de),
            "das Tageslimit ist 1.000,00 EUR; heute wurden schon 999,50 EUR gezahlt"
        );
        let en = Locale::default();
        assert_eq!(
            refund(
                &RefundRefusal::Exceeds {
                    refundable: Money::new(1_250, eur)
                },
                en
            ),
            "at most 12.50 EUR of this order can still be refunded"
        );
        let zh = Locale::from_accept_language(Some("zh-CN"));
        assert_eq!(
            text(Field::Reason, &TextError::Invisible(0x202e), zh),
            "原因：不能包含方向控制符或不可见字符（U+202E）"
        );
        assert_eq!(
            payout(PayoutRefusal::BadAmount, eur, en),
            "enter the amount in EUR"
        );
    }
}
