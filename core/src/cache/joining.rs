//! A device that is joining an account and is not part of one yet: its keys (wrapped, like
//! an enrolled device's), and the pairing or recovery it waits for. Kept so that an app
//! closed while it waits (for the other phone, or for a day-long cool-off) carries on where
//! it was; the row goes when the device becomes the account's or gives up.

use rusqlite::{OptionalExtension, params};

use super::{Cache, CacheError};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum JoinKind {
    /// Waits for another device of the account to approve it.
    Pairing,
    /// Waits for a recovery's cool-off to pass.
    Recovery,
}

impl JoinKind {
    fn as_str(self) -> &'static str {
        match self {
            JoinKind::Pairing => "pairing",
            JoinKind::Recovery => "recovery",
        }
    }
}

#[derive(Clone, PartialEq, Eq)]
pub struct JoiningRecord {
    pub kind: JoinKind,
    /// The pairing's or the recovery's id at the backend.
    pub ref_id: String,
    pub backend_url: String,
    pub device_name: String,
    pub device_public_key: String,
    pub payment_public_key: String,
    pub device_key_wrapped: Vec<u8>,
    pub payment_key_wrapped: Vec<u8>,
    /// For a pairing: the code's text, so the screen can show it again. It is good for a
    /// few minutes and once, and proves nothing without the other device's biometric.
    pub code: Option<String>,
    pub expires_at: i64,
    pub created_at: i64,
}

impl std::fmt::Debug for JoiningRecord {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("JoiningRecord")
            .field("kind", &self.kind)
            .field("ref_id", &self.ref_id)
            .field("expires_at", &self.expires_at)
            .finish_non_exhaustive()
    }
}

impl Cache {
    pub fn joining(&self) -> Result<Option<JoiningRecord>, CacheError> {
        self.conn
            .query_row(
                "SELECT kind, ref_id, backend_url, device_name, device_public_key,
                        payment_public_key, device_key_wrapped, payment_key_wrapped, code,
                        expires_at, created_at
                 FROM joining WHERE id = 1",
                [],
                |r| {
                    let kind: String = r.get(0)?;
                    Ok((
                        kind,
                        JoiningRecord {
                            kind: JoinKind::Pairing,
                            ref_id: r.get(1)?,
                            backend_url: r.get(2)?,
                            device_name: r.get(3)?,
                            device_public_key: r.get(4)?,
                            payment_public_key: r.get(5)?,
                            device_key_wrapped: r.get(6)?,
                            payment_key_wrapped: r.get(7)?,
                            code: r.get(8)?,
                            expires_at: r.get(9)?,
                            created_at: r.get(10)?,
                        },
                    ))
                },
            )
            .optional()?
            .map(|(kind, mut rec)| {
                rec.kind = match kind.as_str() {
                    "pairing" => JoinKind::Pairing,
                    "recovery" => JoinKind::Recovery,
                    other => return Err(CacheError::Corrupt(format!("joining kind {other}"))),
                };
                Ok(rec)
            })
            .transpose()
    }

    /// Replaces what the device is waiting for (one thing at a time).
    pub fn set_joining(&self, j: &JoiningRecord) -> Result<(), CacheError> {
        self.conn.execute(
            "INSERT OR REPLACE INTO joining (id, kind, ref_id, backend_url, device_name,
                device_public_key, payment_public_key, device_key_wrapped, payment_key_wrapped,
                code, expires_at, created_at)
             VALUES (1, ?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)",
            params![
                j.kind.as_str(),
                j.ref_id,
                j.backend_url,
                j.device_name,
                j.device_public_key,
                j.payment_public_key,
                j.device_key_wrapped,
                j.payment_key_wrapped,
                j.code,
                j.expires_at,
                j.created_at
            ],
        )?;
        Ok(())
    }

    pub fn clear_joining(&self) -> Result<(), CacheError> {
        self.conn.execute("DELETE FROM joining", [])?;
        Ok(())
    }

    pub fn notice_cursor(&self) -> Result<i64, CacheError> {
        Ok(self.conn.query_row(
            "SELECT notice_cursor FROM sync_state WHERE id = 1",
            [],
            |r| r.get(0),
        )?)
    }

    pub fn set_notice_cursor(&self, cursor: i64) -> Result<(), CacheError> {
        self.conn.execute(
            "UPDATE sync_state SET notice_cursor = max(notice_cursor, ?1) WHERE id = 1",
            params![cursor],
        )?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn record(kind: JoinKind) -> JoiningRecord {
        JoiningRecord {
            kind,
            ref_id: "pair_1".into(),
            backend_url: "http://127.0.0.1:1".into(),
            device_name: "Tablet".into(),
            device_public_key: "dk".into(),
            payment_public_key: "pk".into(),
            device_key_wrapped: vec![1, 2],
            payment_key_wrapped: vec![3],
            code: Some("CODE".into()),
            expires_at: 10,
            created_at: 1,
        }
    }

    #[test]
    fn one_joining_at_a_time_kept_until_cleared() {
        let c = Cache::open_in_memory().unwrap();
        assert_eq!(c.joining().unwrap(), None);
        c.set_joining(&record(JoinKind::Pairing)).unwrap();
        let recovery = record(JoinKind::Recovery);
        c.set_joining(&recovery).unwrap();
        assert_eq!(c.joining().unwrap(), Some(recovery));
        c.clear_joining().unwrap();
        assert_eq!(c.joining().unwrap(), None);
    }

    #[test]
    fn the_notice_cursor_only_moves_forward() {
        let c = Cache::open_in_memory().unwrap();
        c.set_notice_cursor(5).unwrap();
        c.set_notice_cursor(2).unwrap();
        assert_eq!(c.notice_cursor().unwrap(), 5);
    }
}
