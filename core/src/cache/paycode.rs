//! The device's pay-code secret, only ever wrapped by the key protector, with its index and
//! validity: what shows codes offline.

use rusqlite::{OptionalExtension, params};

use super::{Cache, CacheError};

#[derive(Clone, PartialEq, Eq)]
pub struct PayCodeKeyRecord {
    pub device_index: u32,
    pub secret_wrapped: Vec<u8>,
    pub issued_at: i64,
    pub expires_at: i64,
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
