//! The device's pay-code secret, only ever sealed under the device key, with its index and
//! validity (what shows codes offline), and the last counter shown and charged (so the
//! next code after a charge shows at once).

use rusqlite::{OptionalExtension, params};

use super::{Cache, CacheError};

#[derive(Clone, PartialEq, Eq)]
pub struct PayCodeKeyRecord {
    pub device_index: u32,
    pub secret_wrapped: Vec<u8>,
    pub issued_at: i64,
    pub expires_at: i64,
}

/// Where the phone is in its codes' counters.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct PayCodeCounters {
    /// The counter of the code shown last.
    pub shown: Option<u64>,
    /// The last counter known to be charged (or at least shown before a charge was seen).
    pub used: Option<u64>,
}

impl std::fmt::Debug for PayCodeKeyRecord {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PayCodeKeyRecord")
            .field("device_index", &self.device_index)
            .field("expires_at", &self.expires_at)
            .finish_non_exhaustive()
    }
}

impl Cache {
    pub fn paycode_key(&self) -> Result<Option<PayCodeKeyRecord>, CacheError> {
        Ok(self
            .conn
            .query_row(
                "SELECT device_index, secret_wrapped, issued_at, expires_at FROM paycode_key",
                [],
                |r| {
                    Ok(PayCodeKeyRecord {
                        device_index: r.get(0)?,
                        secret_wrapped: r.get(1)?,
                        issued_at: r.get(2)?,
                        expires_at: r.get(3)?,
                    })
                },
            )
            .optional()?)
    }

    pub fn paycode_counters(&self) -> Result<PayCodeCounters, CacheError> {
        let row = self
            .conn
            .query_row(
                "SELECT shown_counter, used_counter FROM paycode_key",
                [],
                |r| Ok((r.get::<_, Option<i64>>(0)?, r.get::<_, Option<i64>>(1)?)),
            )
            .optional()?;
        let (shown, used) = row.unwrap_or((None, None));
        let counter = |c: Option<i64>| c.and_then(|c| u64::try_from(c).ok());
        Ok(PayCodeCounters {
            shown: counter(shown),
            used: counter(used),
        })
    }

    /// Notes the counter of the code on the screen now.
    pub fn set_paycode_shown(&self, counter: u64) -> Result<(), CacheError> {
        self.conn.execute(
            "UPDATE paycode_key SET shown_counter = ?",
            params![i64::try_from(counter).unwrap_or(i64::MAX)],
        )?;
        Ok(())
    }

    /// A charge of this account's codes was seen: every code shown so far counts as used.
    pub fn mark_paycode_shown_used(&self) -> Result<(), CacheError> {
        self.conn.execute(
            "UPDATE paycode_key SET used_counter = shown_counter
             WHERE shown_counter IS NOT NULL
               AND (used_counter IS NULL OR used_counter < shown_counter)",
            [],
        )?;
        Ok(())
    }

    pub fn save_paycode_key(&self, k: &PayCodeKeyRecord) -> Result<(), CacheError> {
        self.conn.execute(
            "INSERT INTO paycode_key (id, device_index, secret_wrapped, issued_at, expires_at)
             VALUES (1, ?, ?, ?, ?)
             ON CONFLICT (id) DO UPDATE SET device_index = excluded.device_index,
                secret_wrapped = excluded.secret_wrapped, issued_at = excluded.issued_at,
                expires_at = excluded.expires_at",
            params![k.device_index, k.secret_wrapped, k.issued_at, k.expires_at],
        )?;
        Ok(())
    }
}
