//! One suite for every engine: what the rules count on from a store, run on SQLite and, when
//! the environment offers one, on PostgreSQL ([`super::scratch`]).

use std::sync::Arc;

use purse_core::api::types::TransactionKind;
use purse_core::money::{Currency, Money};

use super::scratch::each_engine;
use super::{IDEMPOTENCY_RETENTION_SECS, Store};
use crate::ledger::rows::{AccountRow, DeviceRow, StoredResponse};
use crate::ledger::{LedgerAccount, LedgerEntry, StoreError, Tx};

fn cny() -> Currency {
    Currency::from_code("CNY").unwrap()
}

pub(super) fn enroll(tx: &mut dyn Tx, n: u32) -> Result<(), StoreError> {
    tx.insert_account(&AccountRow {
        account_id: format!("a{n}"),
        name: "A".into(),
        currency: cny(),
        created_at: 1,
        limit_per_payment: None,
        limit_per_day: None,
    })?;
    tx.insert_device(&DeviceRow {
        device_id: format!("d{n}"),
        account_id: format!("a{n}"),
        name: "p".into(),
        public_key: format!("k{n}"),
        payment_public_key: format!("p{n}"),
        created_at: 1,
        revoked_at: None,
        restricted_until: None,
    })
}

/// Each engine's store with account `a1` enrolled, and the folder that holds any files.
async fn stores() -> (tempfile::TempDir, Vec<Arc<dyn Store>>) {
    let dir = tempfile::tempdir().unwrap();
    let mut stores = Vec::new();
    for db in each_engine(dir.path()).await {
        let s = db.open().await.unwrap();
        s.write(|tx| enroll(tx, 1)).await.unwrap();
        stores.push(s);
    }
    (dir, stores)
}

/// A top-up of `user_amount` (negative: a spend) to `a1`, from a system account.
pub(super) fn entry(id: &str, user_amount: i64) -> LedgerEntry {
    LedgerEntry {
        transaction_id: id.into(),
        kind: TransactionKind::Topup,
        description: String::new(),
        created_at: 2,
        order_id: None,
        intent_id: None,
        postings: LedgerEntry::transfer(
            (LedgerAccount::system("test", cny()), "A"),
            (LedgerAccount::user("a1"), "x"),
            Money::new(user_amount, cny()),
        ),
    }
}

fn answer() -> StoredResponse {
    StoredResponse {
        request_hash: "h".into(),
        status: 201,
        body: "{}".into(),
    }
}

#[tokio::test]
async fn user_balance_never_goes_below_zero_and_a_failed_write_leaves_nothing() {
    let (_d, stores) = stores().await;
    for s in stores {
        s.write(|tx| tx.post(&entry("t1", 500))).await.unwrap();
        let e = s
            .write(|tx| {
                tx.store_idempotent("a1", "k2", &answer(), 2)?;
                tx.post(&entry("t2", -501))
            })
            .await
            .unwrap_err();
        assert!(matches!(e, StoreError::NegativeBalance), "{e:?}");
        assert_eq!(s.balance("a1").await.unwrap().0, 500);
        assert!(
            s.read(|r| r.idempotent("a1", "k2"))
                .await
                .unwrap()
                .is_none(),
            "rolled back whole"
        );
        assert!(s.audit().await.unwrap().is_empty());
        assert_eq!(
            s.total_by_currency().await.unwrap(),
            vec![("CNY".to_owned(), 0)]
        );
    }
}

#[tokio::test]
async fn unbalanced_entries_and_wrong_currencies_are_refused() {
    let (_d, stores) = stores().await;
    for s in stores {
        let mut e = entry("t1", 500);
        e.postings[1].amount.minor = 499;
        assert!(matches!(
            s.write(move |tx| tx.post(&e)).await,
            Err(StoreError::Unbalanced(_))
        ));
        let usd = Currency::from_code("USD").unwrap();
        let mut e = entry("t2", 500);
        for p in &mut e.postings {
            p.amount.currency = usd;
        }
        assert!(matches!(
            s.write(move |tx| tx.post(&e)).await,
            Err(StoreError::Unbalanced(_))
        ));
    }
}

#[tokio::test]
async fn nonces_are_single_use_until_purged() {
    let (_d, stores) = stores().await;
    for s in stores {
        let add = |device: &'static str, expires| {
            let s = s.clone();
            async move {
                s.write(move |tx| tx.insert_nonce(device, "n", expires))
                    .await
                    .unwrap()
            }
        };
        assert!(add("d1", 100).await);
        assert!(!add("d1", 100).await);
        assert!(add("d2", 100).await, "per device");
        assert_eq!(s.write(|tx| tx.purge_nonces(101)).await.unwrap(), 2);
        assert!(add("d1", 200).await);
    }
}

#[tokio::test]
async fn idempotency_records_are_kept_a_week_then_purged() {
    let (_d, stores) = stores().await;
    for s in stores {
        s.write(|tx| tx.store_idempotent("a1", "k1", &answer(), 2))
            .await
            .unwrap();
        let purge = |before| {
            let s = s.clone();
            async move {
                s.write(move |tx| tx.purge_idempotency(before))
                    .await
                    .unwrap()
            }
        };
        assert_eq!(
            purge(2 + 7 * 24 * 3600 - IDEMPOTENCY_RETENTION_SECS).await,
            0
        );
        assert_eq!(purge(3).await, 1);
    }
}

#[tokio::test]
async fn a_duplicate_device_is_refused_as_such() {
    let (_d, stores) = stores().await;
    for s in stores {
        let e = s.write(|tx| enroll(tx, 1)).await.unwrap_err();
        assert!(matches!(e, StoreError::Duplicate(_)), "{e:?}");
    }
}

#[tokio::test]
async fn a_rule_that_handles_a_failed_statement_goes_on_in_the_same_transaction() {
    let (_d, stores) = stores().await;
    for s in stores {
        // As `claim_handle` does: a duplicate is an answer, and the transaction goes on.
        let went_on = s
            .write(|tx| {
                let duplicate = matches!(enroll(tx, 1), Err(StoreError::Duplicate(_)));
                tx.store_idempotent("a1", "k9", &answer(), 2)?;
                Ok(duplicate)
            })
            .await
            .unwrap();
        assert!(went_on);
        assert!(
            s.read(|r| r.idempotent("a1", "k9"))
                .await
                .unwrap()
                .is_some()
        );
    }
}

#[tokio::test]
async fn reopening_keeps_everything() {
    let dir = tempfile::tempdir().unwrap();
    for db in each_engine(dir.path()).await {
        let s = db.open().await.unwrap();
        s.write(|tx| enroll(tx, 9)).await.unwrap();
        drop(s);
        let s = db.open().await.unwrap();
        assert!(s.read(|r| r.account("a9")).await.unwrap().is_some());
        assert!(s.read(|r| r.device("d9")).await.unwrap().is_some());
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn concurrent_spends_of_one_balance_never_overdraw_it() {
    let (_d, stores) = stores().await;
    for s in stores {
        s.write(|tx| tx.post(&entry("fund", 1_000))).await.unwrap();
        let mut tasks = Vec::new();
        for n in 0..24 {
            let s = s.clone();
            tasks.push(tokio::spawn(async move {
                s.write(move |tx| {
                    let (balance, _) = tx
                        .balance(&LedgerAccount::user("a1"))?
                        .ok_or(StoreError::NotFound)?;
                    if balance.minor < 100 {
                        return Ok(false);
                    }
                    tx.post(&entry(&format!("spend{n}"), -100))?;
                    Ok(true)
                })
                .await
            }));
        }
        let mut spent = 0;
        for t in tasks {
            if t.await.unwrap().unwrap() {
                spent += 1;
            }
        }
        assert_eq!(spent, 10, "exactly the balance, never more");
        assert_eq!(s.balance("a1").await.unwrap().0, 0);
        assert!(s.audit().await.unwrap().is_empty());
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn three_deliverers_take_each_webhook_message_once() {
    use crate::ledger::rows::{MerchantRow, WebhookMessage};
    use crate::webhooks::{Claim, LEASE, claim_each};
    let (_d, stores) = stores().await;
    for s in stores {
        s.write(|tx| {
            tx.insert_merchant(
                &MerchantRow {
                    merchant_id: "m1".into(),
                    account_id: "a1".into(),
                    display_name: "Shop".into(),
                    city: "Town".into(),
                    mcc: "5812".into(),
                    currency: cny(),
                    webhook_url: Some("https://shop.example/hook".into()),
                    webhook_secret: "whsec_x".into(),
                    static_payload: "p".into(),
                    created_at: 1,
                },
                "shop",
            )?;
            for n in 0..60 {
                tx.queue_webhook(
                    &WebhookMessage {
                        message_id: format!("msg_{n:02}"),
                        merchant_id: "m1".into(),
                        event_type: "payment.succeeded".into(),
                        body: "{}".into(),
                        created_at: 1,
                    },
                    1_000,
                )?;
            }
            Ok(())
        })
        .await
        .unwrap();
        let mut deliverers = Vec::new();
        for _ in 0..3 {
            let s = s.clone();
            deliverers.push(tokio::spawn(async move {
                let mut taken = Vec::new();
                loop {
                    let until = 2_000 + LEASE.as_millis() as i64;
                    let batch = s
                        .write(move |tx| claim_each(tx, 2_000, 7, |_| Claim::Take { until }))
                        .await
                        .unwrap();
                    if batch.is_empty() {
                        return taken;
                    }
                    taken.extend(batch.into_iter().map(|d| d.message_id));
                }
            }));
        }
        let mut all = Vec::new();
        for d in deliverers {
            all.extend(d.await.unwrap());
        }
        all.sort();
        let want: Vec<String> = (0..60).map(|n| format!("msg_{n:02}")).collect();
        assert_eq!(all, want, "every message taken, none twice");
        let after_lease = 2_000 + LEASE.as_millis() as i64;
        let again = s
            .read(move |r| r.due_deliveries(after_lease, 100))
            .await
            .unwrap();
        assert_eq!(
            again.len(),
            60,
            "an unrecorded lease ends and the message is due again"
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_panicking_write_is_an_error_and_undoes_what_it_wrote() {
    let (_d, stores) = stores().await;
    for s in stores {
        let r: Result<(), _> = s
            .write(|tx| {
                tx.store_idempotent("a1", "k-panic", &answer(), 2)?;
                panic!("a bug in a rule")
            })
            .await;
        assert!(matches!(r, Err(StoreError::Corrupt(_))), "{r:?}");
        assert!(
            s.read(|r| r.idempotent("a1", "k-panic"))
                .await
                .unwrap()
                .is_none(),
            "undone"
        );
        // Every connection still works: none was handed back inside the failed transaction.
        for n in 0..20 {
            let key = format!("k-after-{n}");
            s.write(move |tx| tx.store_idempotent("a1", &key, &answer(), 2))
                .await
                .unwrap();
        }
    }
}
