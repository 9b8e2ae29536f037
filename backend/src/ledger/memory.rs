//! An in-memory transaction for the rules' unit tests: the same interface as an engine,
//! with the ledger's invariants (balanced entries, no user account below zero) kept here
//! too, so a rule that breaks one fails its test without a database.

use std::collections::HashMap;

use purse_core::money::Money;

use super::entry::{LedgerAccount, LedgerEntry, Posted};
use super::rows::*;
use super::tx::{Page, Reads, Result, StoreError, Tx};

#[derive(Default)]
pub struct Memory {
    pub accounts: Vec<AccountRow>,
    pub devices: Vec<DeviceRow>,
    pub nonces: Vec<(String, String, i64)>,
    pub funding: Vec<(FundingRow, String)>,
    pub idempotency: HashMap<(String, String), (StoredResponse, i64)>,
    pub balances: HashMap<LedgerAccount, (Money, i64)>,
    /// Every posting with its entry, in ledger order.
    pub ledger: Vec<(i64, LedgerEntry, Vec<Money>)>,
    pub spent: HashMap<(String, i64), i64>,
    pub merchants: Vec<MerchantRow>,
    /// Merchant id to its name's skeleton.
    pub skeletons: HashMap<String, String>,
    pub orders: Vec<OrderRow>,
    pub payments: Vec<PaymentRow>,
    pub refunds: Vec<RefundRow>,
    pub webhooks: Vec<WebhookMessage>,
    pub rates: HashMap<(String, i64), i64>,
    pub device_tables: super::devices::memory::DeviceTables,
    pub people_tables: super::people::memory::PeopleTables,
    pub transfers: Vec<super::transfers::TransferRow>,
    pub request_tables: super::requests::memory::RequestTables,
    pub withdrawals: Vec<super::withdrawals::WithdrawalRow>,
    pub payouts: Vec<super::withdrawals::PayoutRow>,
    pub bill_tables: super::bills::memory::BillTables,
    pub savings_tables: super::savings::memory::SavingsTables,
    pub paycode_tables: super::paycodes::memory::PayCodeTables,
}

impl Memory {
    /// The balance of a user's wallet, in minor units (0 before any posting).
    pub fn wallet(&self, account_id: &str) -> i64 {
        self.balances
            .get(&LedgerAccount::user(account_id))
            .map_or(0, |(m, _)| m.minor)
    }

    /// Sum of every balance: zero when no money was made or lost.
    pub fn total(&self) -> i128 {
        self.balances
            .values()
            .map(|(m, _)| i128::from(m.minor))
            .sum()
    }

    fn history(&self, account_id: &str) -> Vec<TxRow> {
        self.history_of(&LedgerAccount::user(account_id))
    }

    /// A ledger account's postings as its history shows them, oldest first.
    pub fn history_of(&self, me: &LedgerAccount) -> Vec<TxRow> {
        let mut rows = Vec::new();
        for (seq, entry, balances) in &self.ledger {
            for (i, p) in entry.postings.iter().enumerate() {
                if &p.account == me {
                    let posted = Posted {
                        seq: *seq,
                        balances: balances.clone(),
                    };
                    rows.push(super::history_row(entry, &posted, i));
                }
            }
        }
        rows
    }
}

pub(crate) fn page<T: Clone>(rows: Vec<T>, limit: u32, start: usize) -> Page<T> {
    let rest: Vec<T> = rows.into_iter().skip(start).collect();
    let more = rest.len() > limit as usize;
    (rest.into_iter().take(limit as usize).collect(), more)
}

impl Reads for Memory {
    fn account(&mut self, id: &str) -> Result<Option<AccountRow>> {
        Ok(self.accounts.iter().find(|a| a.account_id == id).cloned())
    }
    fn device(&mut self, id: &str) -> Result<Option<DeviceRow>> {
        Ok(self.devices.iter().find(|d| d.device_id == id).cloned())
    }
    fn devices(&mut self, account_id: &str) -> Result<Vec<DeviceRow>> {
        Ok(self
            .devices
            .iter()
            .filter(|d| d.account_id == account_id)
            .cloned()
            .collect())
    }
    fn funding_sources(&mut self, account_id: &str) -> Result<Vec<FundingRow>> {
        Ok(self
            .funding
            .iter()
            .filter(|(f, _)| f.account_id == account_id)
            .map(|(f, _)| f.clone())
            .collect())
    }
    fn funding_source(&mut self, account_id: &str, id: &str) -> Result<Option<FundingRow>> {
        Ok(self
            .funding_sources(account_id)?
            .into_iter()
            .find(|f| f.source_id == id))
    }
    fn funding_by_fingerprint(&mut self, account_id: &str, fp: &str) -> Result<Option<FundingRow>> {
        Ok(self
            .funding
            .iter()
            .find(|(f, p)| f.account_id == account_id && p == fp)
            .map(|(f, _)| f.clone()))
    }
    fn idempotent(&mut self, account_id: &str, key: &str) -> Result<Option<StoredResponse>> {
        Ok(self
            .idempotency
            .get(&(account_id.to_owned(), key.to_owned()))
            .map(|(r, _)| r.clone()))
    }
    fn balance(&mut self, account: &LedgerAccount) -> Result<Option<(Money, i64)>> {
        Ok(self.balances.get(account).copied())
    }
    fn transactions(
        &mut self,
        account_id: &str,
        limit: u32,
        starting_after: Option<&str>,
    ) -> Result<Page<TxRow>> {
        let mut rows = self.history(account_id);
        rows.reverse();
        let start = match starting_after {
            None => 0,
            Some(id) => match rows.iter().position(|r| r.transaction.transaction_id == id) {
                Some(i) => i + 1,
                None => return Ok((Vec::new(), false)),
            },
        };
        Ok(page(rows, limit, start))
    }
    fn transaction_of(&mut self, account_id: &str, id: &str) -> Result<Option<TxRow>> {
        Ok(self
            .history(account_id)
            .into_iter()
            .find(|r| r.transaction.transaction_id == id))
    }
    fn events(&mut self, account_id: &str, after: i64, limit: u32) -> Result<Vec<TxRow>> {
        Ok(self
            .history(account_id)
            .into_iter()
            .filter(|r| r.transaction.seq > after)
            .take(limit as usize)
            .collect())
    }
    fn rate_count(&mut self, bucket: &str, window_start: i64) -> Result<i64> {
        Ok(*self
            .rates
            .get(&(bucket.to_owned(), window_start))
            .unwrap_or(&0))
    }
    fn newest_seq(&mut self) -> Result<i64> {
        Ok(self.ledger.last().map_or(0, |(s, _, _)| *s))
    }
    fn newest_notice_seq(&mut self) -> Result<i64> {
        Ok(self.device_tables.notices.last().map_or(0, |n| n.seq))
    }
    fn spent_on(&mut self, account_id: &str, day: i64) -> Result<i64> {
        Ok(*self.spent.get(&(account_id.to_owned(), day)).unwrap_or(&0))
    }
    fn merchant(&mut self, id: &str) -> Result<Option<MerchantRow>> {
        Ok(self.merchants.iter().find(|m| m.merchant_id == id).cloned())
    }
    fn merchant_named_like(&mut self, skeleton: &str) -> Result<Option<String>> {
        Ok(self
            .skeletons
            .iter()
            .find(|(_, s)| *s == skeleton)
            .map(|(id, _)| id.clone()))
    }
    fn merchants_without_skeleton(&mut self, limit: u32) -> Result<Vec<(String, String)>> {
        Ok(self
            .merchants
            .iter()
            .filter(|m| !self.skeletons.contains_key(&m.merchant_id))
            .take(limit as usize)
            .map(|m| (m.merchant_id.clone(), m.display_name.clone()))
            .collect())
    }
    fn merchant_of_account(&mut self, account_id: &str) -> Result<Option<MerchantRow>> {
        Ok(self
            .merchants
            .iter()
            .find(|m| m.account_id == account_id)
            .cloned())
    }
    fn order(&mut self, id: &str) -> Result<Option<OrderRow>> {
        Ok(self.orders.iter().find(|o| o.order_id == id).cloned())
    }
    fn orders(
        &mut self,
        merchant_id: &str,
        limit: u32,
        starting_after: Option<&str>,
    ) -> Result<Page<OrderRow>> {
        let rows: Vec<OrderRow> = self
            .orders
            .iter()
            .rev()
            .filter(|o| o.merchant_id == merchant_id)
            .cloned()
            .collect();
        let start = match starting_after {
            None => 0,
            Some(id) => match rows.iter().position(|o| o.order_id == id) {
                Some(i) => i + 1,
                None => return Ok((Vec::new(), false)),
            },
        };
        Ok(page(rows, limit, start))
    }
    fn payment(&mut self, payer: &str, intent_id: &str) -> Result<Option<PaymentRow>> {
        Ok(self
            .payments
            .iter()
            .find(|p| p.payer_account_id == payer && p.intent_id == intent_id)
            .cloned())
    }
    fn due_deliveries(&mut self, _now_ms: i64, _limit: u32) -> Result<Vec<DeliveryRow>> {
        Ok(Vec::new())
    }
    fn deliveries(&mut self, _merchant_id: &str, _limit: u32) -> Result<Vec<DeliveryRow>> {
        Ok(Vec::new())
    }
}

impl Tx for Memory {
    fn insert_account(&mut self, a: &AccountRow) -> Result<()> {
        if self.account(&a.account_id)?.is_some() {
            return Err(StoreError::Duplicate("account"));
        }
        self.accounts.push(a.clone());
        self.balances.insert(
            LedgerAccount::user(&a.account_id),
            (Money::zero(a.currency), 0),
        );
        Ok(())
    }
    fn insert_device(&mut self, d: &DeviceRow) -> Result<()> {
        if self.device(&d.device_id)?.is_some() {
            return Err(StoreError::Duplicate("device"));
        }
        self.devices.push(d.clone());
        Ok(())
    }
    fn revoke_device(&mut self, account_id: &str, id: &str, now: i64) -> Result<Option<DeviceRow>> {
        let d = self
            .devices
            .iter_mut()
            .find(|d| d.device_id == id && d.account_id == account_id);
        Ok(d.map(|d| {
            d.revoked_at.get_or_insert(now);
            d.clone()
        }))
    }
    fn insert_nonce(&mut self, device_id: &str, nonce: &str, expires_at: i64) -> Result<bool> {
        if self
            .nonces
            .iter()
            .any(|(d, n, _)| d == device_id && n == nonce)
        {
            return Ok(false);
        }
        self.nonces
            .push((device_id.to_owned(), nonce.to_owned(), expires_at));
        Ok(true)
    }
    fn bump_rate(&mut self, bucket: &str, window_start: i64) -> Result<i64> {
        let n = self
            .rates
            .entry((bucket.to_owned(), window_start))
            .or_default();
        *n += 1;
        Ok(*n)
    }
    fn purge_rates(&mut self, before: i64) -> Result<u64> {
        let n = self.rates.len();
        self.rates.retain(|(_, start), _| *start >= before);
        Ok((n - self.rates.len()) as u64)
    }
    fn purge_nonces(&mut self, now: i64) -> Result<u64> {
        let before = self.nonces.len();
        self.nonces.retain(|(_, _, e)| *e >= now);
        Ok((before - self.nonces.len()) as u64)
    }
    fn purge_idempotency(&mut self, before: i64) -> Result<u64> {
        let n = self.idempotency.len();
        self.idempotency.retain(|_, (_, at)| *at >= before);
        Ok((n - self.idempotency.len()) as u64)
    }
    fn insert_funding(&mut self, s: &FundingRow, fp: &str) -> Result<()> {
        self.funding.push((s.clone(), fp.to_owned()));
        Ok(())
    }
    fn store_idempotent(
        &mut self,
        account_id: &str,
        key: &str,
        r: &StoredResponse,
        now: i64,
    ) -> Result<()> {
        let k = (account_id.to_owned(), key.to_owned());
        if self.idempotency.contains_key(&k) {
            return Err(StoreError::Duplicate("idempotency key"));
        }
        self.idempotency.insert(k, (r.clone(), now));
        Ok(())
    }
    fn set_limits(&mut self, id: &str, pp: Option<Money>, pd: Option<Money>) -> Result<()> {
        if let Some(a) = self.accounts.iter_mut().find(|a| a.account_id == id) {
            a.limit_per_payment = pp.or(a.limit_per_payment);
            a.limit_per_day = pd.or(a.limit_per_day);
        }
        Ok(())
    }
    fn add_spent(&mut self, account_id: &str, day: i64, amount: Money) -> Result<()> {
        *self.spent.entry((account_id.to_owned(), day)).or_default() += amount.minor;
        Ok(())
    }
    fn insert_merchant(&mut self, m: &MerchantRow, name_skeleton: &str) -> Result<()> {
        if self.merchant_of_account(&m.account_id)?.is_some() {
            return Err(StoreError::Duplicate("merchant"));
        }
        self.merchants.push(m.clone());
        self.skeletons
            .insert(m.merchant_id.clone(), name_skeleton.to_owned());
        Ok(())
    }
    fn set_merchant_skeleton(&mut self, merchant_id: &str, name_skeleton: &str) -> Result<()> {
        self.skeletons
            .insert(merchant_id.to_owned(), name_skeleton.to_owned());
        Ok(())
    }
    fn insert_order(&mut self, o: &OrderRow) -> Result<()> {
        self.orders.push(o.clone());
        Ok(())
    }
    fn update_order(&mut self, o: &OrderRow) -> Result<()> {
        let slot = self
            .orders
            .iter_mut()
            .find(|x| x.order_id == o.order_id)
            .ok_or(StoreError::NotFound)?;
        *slot = o.clone();
        Ok(())
    }
    fn insert_payment(&mut self, p: &PaymentRow) -> Result<()> {
        if self.payment(&p.payer_account_id, &p.intent_id)?.is_some() {
            return Err(StoreError::Duplicate("payment"));
        }
        self.payments.push(p.clone());
        Ok(())
    }
    fn insert_refund(&mut self, r: &RefundRow) -> Result<()> {
        self.refunds.push(r.clone());
        Ok(())
    }
    fn post(&mut self, entry: &LedgerEntry) -> Result<Posted> {
        if !entry.is_balanced() {
            return Err(StoreError::Unbalanced("ledger entry does not balance"));
        }
        let seq = self.newest_seq()? + 1;
        let mut next = self.balances.clone();
        let mut balances = Vec::new();
        for p in &entry.postings {
            let (b, last) = next
                .entry(p.account.clone())
                .or_insert((Money::zero(p.amount.currency), 0));
            *b = b
                .checked_add(p.amount)
                .map_err(|_| StoreError::Unbalanced("currency does not match the account"))?;
            *last = seq;
            if p.account.is_user() && b.minor < 0 {
                return Err(StoreError::NegativeBalance);
            }
            balances.push(*b);
        }
        self.balances = next;
        self.ledger.push((seq, entry.clone(), balances.clone()));
        Ok(Posted { seq, balances })
    }
    fn queue_webhook(&mut self, m: &WebhookMessage, _due_ms: i64) -> Result<()> {
        self.webhooks.push(m.clone());
        Ok(())
    }
    fn set_merchant_webhook(
        &mut self,
        merchant_id: &str,
        url: Option<&str>,
        secret: &str,
    ) -> Result<()> {
        if let Some(m) = self
            .merchants
            .iter_mut()
            .find(|m| m.merchant_id == merchant_id)
        {
            m.webhook_url = url.map(str::to_owned);
            m.webhook_secret = secret.to_owned();
        }
        Ok(())
    }
    fn redeliver(&mut self, merchant_id: &str, message_id: &str, _now_ms: i64) -> Result<bool> {
        Ok(self
            .webhooks
            .iter()
            .any(|w| w.merchant_id == merchant_id && w.message_id == message_id))
    }
    fn lease_delivery(&mut self, _id: &str, _until_ms: i64) -> Result<()> {
        Ok(())
    }
    fn record_delivery(
        &mut self,
        _id: &str,
        _delivered: Option<i64>,
        _next: Option<i64>,
        _error: Option<&str>,
    ) -> Result<()> {
        Ok(())
    }
}

/// A payer (`acct_payer`, "Ann", 100.00 CNY in the wallet), a merchant account and its
/// shop (`mch_1`, "Tea House"), and one waiting order `ord_1` of 25.00 expiring at 1000.
pub fn shop() -> Memory {
    use purse_core::api::types::{OrderState, TransactionKind};
    use purse_core::money::Currency;

    let cny = Currency::from_code("CNY").expect("CNY is known");
    let mut m = Memory::default();
    for (id, name) in [("acct_payer", "Ann"), ("acct_shop", "Tea House Ltd")] {
        m.insert_account(&AccountRow {
            account_id: id.into(),
            name: name.into(),
            currency: cny,
            created_at: 0,
            limit_per_payment: None,
            limit_per_day: None,
        })
        .expect("fresh");
    }
    m.insert_merchant(
        &MerchantRow {
            merchant_id: "mch_1".into(),
            account_id: "acct_shop".into(),
            display_name: "Tea House".into(),
            city: "Hangzhou".into(),
            mcc: "5814".into(),
            currency: cny,
            webhook_url: None,
            webhook_secret: String::new(),
            static_payload: String::new(),
            created_at: 0,
        },
        &super::merchants::name_skeleton("Tea House"),
    )
    .expect("fresh");
    m.insert_order(&OrderRow {
        order_id: "ord_1".into(),
        merchant_id: "mch_1".into(),
        amount: Money::new(2_500, cny),
        description: "Oolong".into(),
        kind: OrderKind::Dynamic,
        state: OrderState::Waiting,
        amount_refunded: Money::zero(cny),
        payload: String::new(),
        created_at: 0,
        expires_at: 1_000,
        paid_at: None,
        payment_id: None,
        payer_account_id: None,
    })
    .expect("fresh");
    m.post(&LedgerEntry {
        transaction_id: "tx_fund".into(),
        kind: TransactionKind::Topup,
        description: "Top-up".into(),
        created_at: 0,
        postings: LedgerEntry::transfer(
            (LedgerAccount::system("funding:test", cny), "Ann"),
            (LedgerAccount::user("acct_payer"), "test"),
            Money::new(10_000, cny),
        ),
        order_id: None,
        intent_id: None,
    })
    .expect("balanced");
    m
}
