//! What a test checks once the faults stop: the backend's ledger of an account, and that a
//! payer's wallet agrees with it after recovery, each intent paid at most once.

use std::collections::{BTreeMap, BTreeSet};

use purse_core::Wallet;
use purse_core::api::types::Transaction;
use purse_core::cache::IntentState;

use super::*;

/// Every transaction of an account on the backend, newest first.
pub async fn ledger_of(b: &Backend, account_id: &str) -> Vec<Transaction> {
    let mut all = Vec::new();
    let mut after: Option<String> = None;
    loop {
        let cursor = after.clone();
        let id = account_id.to_owned();
        let (page, more) = b
            .server
            .store
            .read(move |r| r.transactions(&id, 100, cursor.as_deref()))
            .await
            .unwrap();
        after = page.last().map(|t| t.transaction.transaction_id.clone());
        all.extend(page.into_iter().map(|r| r.transaction));
        if !more {
            return all;
        }
    }
}

/// What the user was shown for one attempt.
#[derive(Debug)]
pub enum Shown {
    Success { intent_id: String, amount: i64 },
    Pending,
    Failure,
}

/// The checks every fault run ends with, for one payer after recovery.
pub async fn assert_recovered(b: &Backend, w: &Wallet, shown: &[Shown]) {
    let account_id = w.account().unwrap().unwrap().account_id;
    let ledger = ledger_of(b, &account_id).await;

    // Each intent at most once on the backend.
    let mut paid_intents = BTreeMap::new();
    for t in &ledger {
        if let Some(i) = &t.intent_id {
            assert!(
                paid_intents.insert(i.clone(), -t.amount.minor).is_none(),
                "intent {i} paid twice"
            );
        }
    }

    // The outbox agrees with the backend, intent by intent; nothing is left unknown.
    let intents = w.payment_intents(10_000).unwrap();
    for r in &intents {
        match r.state {
            IntentState::Completed => assert_eq!(
                paid_intents.get(&r.intent_id),
                Some(&r.amount.minor),
                "completed intent {} not on the ledger",
                r.intent_id
            ),
            IntentState::Failed => assert!(
                !paid_intents.contains_key(&r.intent_id),
                "intent {} failed in the wallet but paid on the backend",
                r.intent_id
            ),
            IntentState::Pending => panic!("intent {} still pending", r.intent_id),
        }
    }
    let known: BTreeSet<&str> = intents.iter().map(|r| r.intent_id.as_str()).collect();
    for i in paid_intents.keys() {
        assert!(
            known.contains(i.as_str()),
            "payment {i} unknown to the wallet"
        );
    }

    // Exactly once where the user saw success.
    for s in shown {
        if let Shown::Success { intent_id, amount } = s {
            assert_eq!(paid_intents.get(intent_id), Some(amount));
        }
    }

    // The wallet's history, as recovery left it (no full re-sync), is the ledger.
    let cached = w.history(10_000, None).unwrap().data;
    let as_cached: Vec<(String, i64, i64)> = cached
        .iter()
        .map(|t| (t.transaction_id.clone(), t.seq, t.amount.minor))
        .collect();
    let as_ledger: Vec<(String, i64, i64)> = ledger
        .iter()
        .map(|t| (t.transaction_id.clone(), t.seq, t.amount.minor))
        .collect();
    assert_eq!(as_cached, as_ledger, "history differs from the ledger");

    let (balance, _) = b.server.store.balance(&account_id).await.unwrap();
    assert!(balance >= 0, "balance below zero: {balance}");
    assert_eq!(
        w.cached_balance().unwrap().unwrap().balance.minor,
        balance,
        "the wallet's balance is not the backend's"
    );
}
