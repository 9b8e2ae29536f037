//! The wallet cache with a long history: opening it, and fetching a 50-row history page.
//! Targets: open under 50 ms with 100k cached transactions; a page under 2 ms.
//!
//! Run: `cargo bench -p purse-core --bench cache`

mod common;

use purse_core::api::types::{Transaction, TransactionKind, TransactionStatus};
use purse_core::cache::{Cache, CacheKey};
use purse_core::{Currency, Money};

const ROWS: i64 = 100_000;

fn main() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("wallet.db");
    let cny = Currency::from_code("CNY").unwrap();
    let key = CacheKey::generate().unwrap();
    {
        let mut cache = Cache::open(&path, &key).unwrap();
        let txs: Vec<Transaction> = (1..=ROWS)
            .map(|seq| Transaction {
                transaction_id: format!("tx_{seq:024x}"),
                seq,
                kind: if seq % 3 == 0 {
                    TransactionKind::Payment
                } else {
                    TransactionKind::Topup
                },
                amount: Money::new(
                    if seq % 3 == 0 {
                        -(seq % 9999)
                    } else {
                        seq % 9999
                    },
                    cny,
                ),
                counterparty: format!("Merchant {}", seq % 500),
                description: "Tea and cake".into(),
                status: TransactionStatus::Completed,
                created_at: 1_700_000_000 + seq,
                order_id: None,
                intent_id: None,
            })
            .collect();
        for chunk in txs.chunks(10_000) {
            cache.upsert_transactions(chunk).unwrap();
        }
        assert_eq!(cache.transaction_count().unwrap(), ROWS);
    }
    println!("purse-core wallet cache ({ROWS} cached transactions, WAL, on disk, SQLCipher)");
    let open = common::measure(200, || {
        std::hint::black_box(Cache::open(&path, &key).unwrap());
    });
    common::report("open cache (incl. schema check)", &open);

    let cache = Cache::open(&path, &key).unwrap();
    let first = common::measure(2000, || {
        std::hint::black_box(cache.history_page(50, None).unwrap());
    });
    common::report("history page, 50 newest rows", &first);
    let cursor = format!("tx_{:024x}", ROWS / 2);
    let deep = common::measure(2000, || {
        let p = cache.history_page(50, Some(&cursor)).unwrap();
        assert_eq!(p.data.len(), 50);
        std::hint::black_box(p);
    });
    common::report("history page, 50 rows after a cursor at 50k", &deep);
}
