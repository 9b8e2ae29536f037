//! The account's own side of a wallet: balance and history (cached for screens that open
//! without the network), funding sources and top-ups, and the devices that may act for it.

use super::*;

impl Wallet {
    /// The balance from the backend; the cache is updated.
    pub async fn balance(&self) -> Result<Money, WalletError> {
        let (account, creds) = self.credentials().await?;
        let b = self
            .api(Some(&account))?
            .balance(&creds)
            .await
            .map_err(WalletError::from_api)?;
        self.inner.cache()?.set_balance(CachedBalance {
            balance: b.available,
            as_of_seq: b.as_of_seq,
            fetched_at: self.now(),
        })?;
        Ok(b.available)
    }

    /// The last balance seen, without the network.
    pub fn cached_balance(&self) -> Result<Option<CachedBalance>, WalletError> {
        Ok(self.inner.cache()?.balance()?)
    }

    /// Fetches every transaction above the sync watermark; returns how many the cache did
    /// not hold yet.
    pub async fn sync_history(&self) -> Result<usize, WalletError> {
        let (account, creds) = self.credentials().await?;
        let api = self.api(Some(&account))?;
        let synced = self.inner.cache()?.synced_seq()?;
        let before = self.inner.cache()?.transaction_count()?;
        let mut after: Option<String> = None;
        let mut fetched = Vec::new();
        loop {
            let page = api
                .transactions(&creds, 100, after.as_deref())
                .await
                .map_err(WalletError::from_api)?;
            let reached_synced = page.data.iter().any(|t| t.seq <= synced);
            after = page.data.last().map(|t| t.transaction_id.clone());
            fetched.extend(page.data.into_iter().filter(|t| t.seq > synced));
            if !page.has_more || reached_synced || after.is_none() {
                break;
            }
        }
        let newest = fetched.iter().map(|t| t.seq).max();
        let mut cache = self.inner.cache()?;
        cache.upsert_transactions(&fetched)?;
        if let Some(seq) = newest {
            cache.set_synced_seq(seq)?;
        }
        Ok((cache.transaction_count()? - before).max(0) as usize)
    }

    /// A page of the cached history, newest first.
    pub fn history(
        &self,
        limit: u32,
        starting_after: Option<&str>,
    ) -> Result<TransactionPage, WalletError> {
        Ok(self.inner.cache()?.history_page(limit, starting_after)?)
    }

    pub async fn link_card(
        &self,
        number: &str,
        exp_month: u8,
        exp_year: u16,
    ) -> Result<FundingSource, WalletError> {
        let (account, creds) = self.credentials().await?;
        let req = LinkCardRequest {
            number: number
                .chars()
                .filter(|c| !c.is_whitespace() && *c != '-')
                .collect(),
            exp_month,
            exp_year,
        };
        self.api(Some(&account))?
            .link_card(&creds, &req)
            .await
            .map_err(WalletError::from_api)
    }

    pub async fn link_bank(&self, iban: &str, holder: &str) -> Result<FundingSource, WalletError> {
        let (account, creds) = self.credentials().await?;
        let req = LinkBankRequest {
            iban: iban.chars().filter(|c| !c.is_whitespace()).collect(),
            holder_name: holder.to_owned(),
        };
        self.api(Some(&account))?
            .link_bank(&creds, &req)
            .await
            .map_err(WalletError::from_api)
    }

    pub async fn funding_sources(&self) -> Result<Vec<FundingSource>, WalletError> {
        let (account, creds) = self.credentials().await?;
        Ok(self
            .api(Some(&account))?
            .funding_sources(&creds)
            .await
            .map_err(WalletError::from_api)?
            .data)
    }

    /// Adds `amount` from a linked source. One idempotency key covers every retry, so a
    /// lost answer never charges twice.
    pub async fn topup(&self, source_id: &str, amount: Money) -> Result<Topup, WalletError> {
        if !amount.is_positive() {
            return Err(WalletError::InvalidInput(
                "a top-up amount must be positive".into(),
            ));
        }
        let (account, creds) = self.credentials().await?;
        let req = TopupRequest {
            source_id: source_id.to_owned(),
            amount,
        };
        let topup = self
            .api(Some(&account))?
            .topup(&creds, &req, &new_idempotency_key())
            .await
            .map_err(WalletError::from_api)?;
        let mut cache = self.inner.cache()?;
        cache.upsert_transactions(std::slice::from_ref(&topup.transaction))?;
        cache.set_balance(CachedBalance {
            balance: topup.balance,
            as_of_seq: topup.transaction.seq,
            fetched_at: self.now(),
        })?;
        Ok(topup)
    }

    pub async fn devices(&self) -> Result<Vec<Device>, WalletError> {
        let (account, creds) = self.credentials().await?;
        Ok(self
            .api(Some(&account))?
            .devices(&creds)
            .await
            .map_err(WalletError::from_api)?
            .data)
    }

    /// Revokes a device of this account; revoking this device also locks the wallet.
    pub async fn revoke_device(&self, device_id: &str) -> Result<Device, WalletError> {
        let (account, creds) = self.credentials().await?;
        let d = self
            .api(Some(&account))?
            .revoke_device(&creds, device_id)
            .await
            .map_err(WalletError::from_api)?;
        if device_id == account.device_id {
            self.lock()?;
        }
        Ok(d)
    }
}
