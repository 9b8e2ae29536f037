//! Money in from a linked card or bank account: the sandbox provider's answer decides, and
//! an approved charge credits the wallet from the provider's settlement account.

use purse_core::api::types::{FundingKind, TransactionKind};
use purse_core::money::Money;

use super::entry::{LedgerAccount, LedgerEntry};
use super::history_row;
use super::rows::{AccountRow, FundingRow, TxRow};
use super::tx::{Result, Tx};
use crate::funding::Behaviour;

/// Largest single top-up, in major units of the currency.
pub const MAX_TOPUP_MAJOR: i64 = 50_000;

#[derive(Debug, Clone)]
pub struct TopupDraft {
    pub transaction_id: String,
    pub account: AccountRow,
    pub source: FundingRow,
    /// How the source appears in history ("Visa •••• 4242").
    pub source_label: String,
    pub amount: Money,
    pub now: i64,
}

#[derive(Debug, Clone)]
pub enum TopupResult {
    /// The wallet's side of the ledger transaction.
    Credited(TxRow),
    /// The provider declined, with its decline code.
    Declined {
        kind: FundingKind,
        code: &'static str,
    },
}

/// The settlement account a funding kind's money comes from.
pub fn provider_account(kind: FundingKind, amount: Money) -> LedgerAccount {
    let name = match kind {
        FundingKind::Card => "funding:card_sandbox",
        FundingKind::Bank => "funding:bank_sandbox",
    };
    LedgerAccount::system(name, amount.currency)
}

/// Charges the source (the sandbox answers from its test ranges) and credits the wallet.
pub fn topup(tx: &mut dyn Tx, d: &TopupDraft) -> Result<TopupResult> {
    if let Behaviour::Decline(code) = d.source.behaviour {
        return Ok(TopupResult::Declined {
            kind: d.source.kind,
            code,
        });
    }
    let entry = LedgerEntry {
        transaction_id: d.transaction_id.clone(),
        kind: TransactionKind::Topup,
        description: format!("Top-up from {}", d.source_label),
        created_at: d.now,
        order_id: None,
        intent_id: None,
        postings: LedgerEntry::transfer(
            (provider_account(d.source.kind, d.amount), &d.account.name),
            (LedgerAccount::user(&d.account.account_id), &d.source_label),
            d.amount,
        ),
    };
    let posted = tx.post(&entry)?;
    Ok(TopupResult::Credited(history_row(&entry, &posted, 1)))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ledger::memory::shop;
    use crate::ledger::tx::Reads;

    fn source(behaviour: Behaviour) -> FundingRow {
        FundingRow {
            source_id: "src_1".into(),
            account_id: "acct_payer".into(),
            kind: FundingKind::Card,
            brand: "visa".into(),
            last4: "4242".into(),
            behaviour,
            created_at: 0,
        }
    }

    #[test]
    fn an_approved_charge_credits_the_wallet_from_the_provider() {
        let mut m = shop();
        let d = TopupDraft {
            transaction_id: "tx_t".into(),
            account: m.account("acct_payer").unwrap().unwrap(),
            source: source(Behaviour::Approve),
            source_label: "Visa •••• 4242".into(),
            amount: Money::new(500, m.accounts[0].currency),
            now: 1,
        };
        let TopupResult::Credited(row) = topup(&mut m, &d).unwrap() else {
            panic!("declined")
        };
        assert_eq!(row.transaction.amount.minor, 500);
        assert_eq!(row.transaction.description, "Top-up from Visa •••• 4242");
        assert_eq!(row.balance_after.unwrap().minor, 10_500);
        assert_eq!(m.total(), 0);

        let declined = TopupDraft {
            source: source(Behaviour::Decline("lost_card")),
            transaction_id: "tx_d".into(),
            ..d
        };
        let before = m.ledger.len();
        assert!(matches!(
            topup(&mut m, &declined).unwrap(),
            TopupResult::Declined {
                kind: FundingKind::Card,
                code: "lost_card"
            }
        ));
        assert_eq!(m.ledger.len(), before, "a decline posts nothing");
    }
}
