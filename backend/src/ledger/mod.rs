//! Every rule that decides about money, apart from storage: order states, limits,
//! balances, payments, refunds, top-ups. Plain Rust over the transaction interface in
//! [`tx`]; no engine, no HTTP. A route draws ids and checks what needs no database, then
//! runs a rule inside one write transaction of the store.
//!
//! A new service adds its rows to [`rows`], its rule as a module here (with unit tests on
//! the in-memory [`memory`] transaction), and its statements to each engine.

pub mod bills;
pub mod devices;
pub mod entry;
pub mod limits;
#[cfg(test)]
pub mod memory;
pub mod merchants;
pub mod orders;
pub mod paycodes;
pub mod payments;
pub mod people;
pub mod rate;
pub mod refunds;
pub mod requests;
pub mod rows;
pub mod savings;
pub mod spending;
pub mod topups;
pub mod transfers;
pub mod tx;
pub mod withdrawals;

pub use entry::{LedgerAccount, LedgerEntry, Posted, Posting};
pub use rows::*;
pub use tx::{Page, Reads, StoreError, Tx};

use purse_core::api::types::{Transaction, TransactionStatus};

/// Compares two secrets (codes, hashes) in time that does not depend on where they differ.
pub fn same_secret(a: &str, b: &str) -> bool {
    a.len() == b.len()
        && a.bytes()
            .zip(b.bytes())
            .fold(0u8, |acc, (x, y)| acc | (x ^ y))
            == 0
}

/// The UTC day of a Unix time: daily limits and the savings fund count per day.
pub use purse_core::calendar::day_of;

/// Posting `index` of a posted entry, as its account's history shows it.
pub fn history_row(entry: &LedgerEntry, posted: &Posted, index: usize) -> TxRow {
    let posting = &entry.postings[index];
    TxRow {
        transaction: Transaction {
            transaction_id: entry.transaction_id.clone(),
            seq: posted.seq,
            kind: entry.kind.seen_by(posting.amount.minor),
            amount: posting.amount,
            counterparty: posting.counterparty.clone(),
            description: entry.description.clone(),
            status: TransactionStatus::Completed,
            created_at: entry.created_at,
            order_id: entry.order_id.clone(),
            intent_id: entry.intent_id.clone(),
        },
        balance_after: posted.balance_of(index),
    }
}
