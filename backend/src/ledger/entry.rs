//! Double-entry bookkeeping: ledger accounts, postings, and the rule that every entry
//! balances.

use std::fmt;

use purse_core::api::types::TransactionKind;
use purse_core::money::{Currency, Money};

/// A ledger account: a user's wallet, a user's savings (fund shares), or a system account
/// money comes from or goes to. A user's accounts may never go below zero; system accounts
/// (a card network's settlement, say) may.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum LedgerAccount {
    User(String),
    Savings(String),
    System { name: String, currency: Currency },
}

impl LedgerAccount {
    pub fn user(account_id: &str) -> Self {
        LedgerAccount::User(account_id.to_owned())
    }

    pub fn system(name: &str, currency: Currency) -> Self {
        LedgerAccount::System {
            name: name.to_owned(),
            currency,
        }
    }

    pub fn savings(account_id: &str) -> Self {
        LedgerAccount::Savings(account_id.to_owned())
    }

    /// A user's own account (wallet or savings): never below zero.
    pub fn is_user(&self) -> bool {
        matches!(self, LedgerAccount::User(_) | LedgerAccount::Savings(_))
    }
}

/// `user:<account_id>`, `savings:<account_id>` or `system:<name>:<currency>`: the name
/// engines store.
impl fmt::Display for LedgerAccount {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            LedgerAccount::User(id) => write!(f, "user:{id}"),
            LedgerAccount::Savings(id) => write!(f, "savings:{id}"),
            LedgerAccount::System { name, currency } => write!(f, "system:{name}:{currency}"),
        }
    }
}

#[derive(Debug, Clone)]
pub struct Posting {
    pub account: LedgerAccount,
    /// Signed: credit positive, debit negative.
    pub amount: Money,
    /// Who is on the other side, as this account's history shows it.
    pub counterparty: String,
}

/// One balanced ledger transaction: postings that sum to zero, per currency.
#[derive(Debug, Clone)]
pub struct LedgerEntry {
    pub transaction_id: String,
    pub kind: TransactionKind,
    pub description: String,
    pub created_at: i64,
    pub postings: Vec<Posting>,
    pub order_id: Option<String>,
    pub intent_id: Option<String>,
}

impl LedgerEntry {
    /// Money moving from one account to another: the two postings of most entries.
    pub fn transfer(
        from: (LedgerAccount, &str),
        to: (LedgerAccount, &str),
        amount: Money,
    ) -> Vec<Posting> {
        vec![
            Posting {
                account: from.0,
                amount: Money::new(-amount.minor, amount.currency),
                counterparty: from.1.to_owned(),
            },
            Posting {
                account: to.0,
                amount,
                counterparty: to.1.to_owned(),
            },
        ]
    }

    /// Postings must balance per currency, and no amount may be zero.
    pub fn is_balanced(&self) -> bool {
        let mut sums: Vec<(Currency, i128)> = Vec::new();
        for p in &self.postings {
            if p.amount.minor == 0 {
                return false;
            }
            match sums.iter_mut().find(|(c, _)| *c == p.amount.currency) {
                Some((_, s)) => *s += i128::from(p.amount.minor),
                None => sums.push((p.amount.currency, i128::from(p.amount.minor))),
            }
        }
        !self.postings.is_empty() && sums.iter().all(|(_, s)| *s == 0)
    }
}

/// Result of posting a ledger entry: the sequence it got and each ledger account's
/// balance after it, in the order of the postings.
#[derive(Debug, Clone)]
pub struct Posted {
    pub seq: i64,
    pub balances: Vec<Money>,
}

impl Posted {
    /// The balance after this entry of the account of posting `index`.
    pub fn balance_of(&self, index: usize) -> Option<Money> {
        self.balances.get(index).copied()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(amount: i64, code: &str) -> Posting {
        Posting {
            account: LedgerAccount::user("x"),
            amount: Money::new(amount, Currency::from_code(code).unwrap()),
            counterparty: String::new(),
        }
    }

    #[test]
    fn balance_rule() {
        let e = |postings| LedgerEntry {
            transaction_id: "t".into(),
            kind: TransactionKind::Topup,
            description: String::new(),
            created_at: 0,
            postings,
            order_id: None,
            intent_id: None,
        };
        assert!(e(vec![p(5, "CNY"), p(-5, "CNY")]).is_balanced());
        assert!(!e(vec![p(5, "CNY"), p(-4, "CNY")]).is_balanced());
        assert!(!e(vec![p(5, "CNY"), p(-5, "USD")]).is_balanced());
        assert!(!e(vec![p(0, "CNY"), p(0, "CNY")]).is_balanced());
        assert!(!e(vec![]).is_balanced());
        assert!(
            e(vec![
                p(i64::MAX, "CNY"),
                p(i64::MAX, "CNY"),
                p(i64::MIN, "CNY"),
                p(i64::MIN + 2, "CNY")
            ])
            .is_balanced()
        );
    }

    #[test]
    fn ledger_account_names() {
        let cny = Currency::from_code("CNY").unwrap();
        assert_eq!(LedgerAccount::user("acct_1").to_string(), "user:acct_1");
        assert_eq!(
            LedgerAccount::savings("acct_1").to_string(),
            "savings:acct_1"
        );
        assert_eq!(
            LedgerAccount::system("funding:card_sandbox", cny).to_string(),
            "system:funding:card_sandbox:CNY"
        );
    }
}
