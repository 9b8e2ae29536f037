//! The device rules' statements: pairings, recovery keys, challenges, recoveries, notices.

use super::rows;
use super::tx::SqlTx;
use crate::ledger::devices::*;
use crate::ledger::tx::Result;

impl DeviceReads for SqlTx<'_> {
    fn pairing(&mut self, pairing_id: &str) -> Result<Option<PairingRow>> {
        self.one(
            concat!(
                "SELECT ",
                pairing_cols!(),
                " FROM pairings WHERE pairing_id = ?"
            ),
            params![pairing_id],
            rows::pairing,
        )
    }

    fn pairing_of_device(&mut self, device_id: &str) -> Result<Option<PairingRow>> {
        self.one(
            concat!(
                "SELECT ",
                pairing_cols!(),
                " FROM pairings WHERE device_id = ?"
            ),
            params![device_id],
            rows::pairing,
        )
    }

    fn recovery_key(&mut self, account_id: &str) -> Result<Option<RecoveryKeyRow>> {
        self.one(
            concat!(
                "SELECT ",
                recovery_key_cols!(),
                " FROM recovery_keys WHERE account_id = ?"
            ),
            params![account_id],
            rows::recovery_key,
        )
    }

    fn recovery_key_by_lookup(&mut self, lookup: &str) -> Result<Option<RecoveryKeyRow>> {
        self.one(
            concat!(
                "SELECT ",
                recovery_key_cols!(),
                " FROM recovery_keys WHERE lookup = ?"
            ),
            params![lookup],
            rows::recovery_key,
        )
    }

    fn recovery(&mut self, recovery_id: &str) -> Result<Option<RecoveryRow>> {
        self.one(
            concat!(
                "SELECT ",
                recovery_cols!(),
                " FROM recoveries WHERE recovery_id = ?"
            ),
            params![recovery_id],
            rows::recovery,
        )
    }

    fn waiting_recoveries(&mut self, account_id: &str) -> Result<Vec<RecoveryRow>> {
        self.all(
            concat!(
                "SELECT ",
                recovery_cols!(),
                " FROM recoveries WHERE account_id = ? AND state = 'waiting'
                 ORDER BY created_at, recovery_id"
            ),
            params![account_id],
            rows::recovery,
        )
    }

    fn recovery_of_device(&mut self, device_id: &str) -> Result<Option<RecoveryRow>> {
        self.one(
            concat!(
                "SELECT ",
                recovery_cols!(),
                " FROM recoveries WHERE device_id = ?"
            ),
            params![device_id],
            rows::recovery,
        )
    }

    fn newest_notice(&mut self, account_id: &str) -> Result<i64> {
        Ok(self
            .one(
                "SELECT COALESCE(MAX(seq), 0) FROM notices WHERE account_id = ?",
                params![account_id],
                |r| r.get(0),
            )?
            .unwrap_or(0))
    }

    fn notices(&mut self, account_id: &str, after: i64, limit: u32) -> Result<Vec<NoticeRow>> {
        self.all(
            concat!(
                "SELECT ",
                notice_cols!(),
                " FROM notices WHERE account_id = ? AND seq > ? ORDER BY seq LIMIT ?"
            ),
            params![account_id, after, limit],
            rows::notice,
        )
    }
}

impl DeviceWrites for SqlTx<'_> {
    fn insert_pairing(&mut self, p: &PairingRow) -> Result<()> {
        self.execute(
            concat!(
                "INSERT INTO pairings (",
                pairing_cols!(),
                ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
            ),
            params![
                p.pairing_id,
                p.secret,
                p.device_id,
                p.device_name,
                p.device_public_key,
                p.payment_public_key,
                p.state.as_str(),
                p.created_at,
                p.expires_at,
                p.account_id,
                p.approved_by,
                p.approved_at
            ],
        )?;
        Ok(())
    }

    fn update_pairing(&mut self, p: &PairingRow) -> Result<()> {
        self.execute(
            "UPDATE pairings SET state = ?, account_id = ?, approved_by = ?, approved_at = ?
             WHERE pairing_id = ?",
            params![
                p.state.as_str(),
                p.account_id,
                p.approved_by,
                p.approved_at,
                p.pairing_id
            ],
        )?;
        Ok(())
    }

    fn set_recovery_key(&mut self, k: &RecoveryKeyRow) -> Result<()> {
        self.execute(
            "DELETE FROM recovery_keys WHERE account_id = ?",
            params![&k.account_id],
        )?;
        self.execute(
            concat!(
                "INSERT INTO recovery_keys (",
                recovery_key_cols!(),
                ") VALUES (?, ?, ?, ?, ?, ?, ?, ?)"
            ),
            params![
                k.account_id,
                k.lookup,
                k.public_key,
                k.kdf.algorithm,
                k.kdf.memory_kib,
                k.kdf.passes,
                k.kdf.salt,
                k.created_at
            ],
        )?;
        Ok(())
    }

    fn insert_challenge(&mut self, c: &ChallengeRow) -> Result<()> {
        self.execute(
            "INSERT INTO recovery_challenges (challenge, account_id, expires_at) VALUES (?, ?, ?)",
            params![c.challenge, c.account_id, c.expires_at],
        )?;
        Ok(())
    }

    fn take_challenge(&mut self, challenge: &str) -> Result<Option<ChallengeRow>> {
        self.one(
            "DELETE FROM recovery_challenges WHERE challenge = ?
             RETURNING challenge, account_id, expires_at",
            params![challenge],
            |r| {
                Ok(ChallengeRow {
                    challenge: r.get("challenge")?,
                    account_id: r.get("account_id")?,
                    expires_at: r.get("expires_at")?,
                })
            },
        )
    }

    fn insert_recovery(&mut self, r: &RecoveryRow) -> Result<()> {
        self.execute(
            concat!(
                "INSERT INTO recoveries (",
                recovery_cols!(),
                ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
            ),
            params![
                r.recovery_id,
                r.account_id,
                r.device_id,
                r.device_name,
                r.device_public_key,
                r.payment_public_key,
                r.state.as_str(),
                r.created_at,
                r.completes_at,
                r.finished_at,
                r.cancelled_by
            ],
        )?;
        Ok(())
    }

    fn update_recovery(&mut self, r: &RecoveryRow) -> Result<()> {
        self.execute(
            "UPDATE recoveries SET state = ?, finished_at = ?, cancelled_by = ?
             WHERE recovery_id = ?",
            params![
                r.state.as_str(),
                r.finished_at,
                r.cancelled_by,
                r.recovery_id
            ],
        )?;
        Ok(())
    }

    fn insert_notice(&mut self, n: &NoticeRow) -> Result<i64> {
        Ok(self
            .one(
                "INSERT INTO notices (account_id, kind, device_id, device_name, recovery_id,
                    completes_at, request_id, intent_id, created_at)
                 VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING seq",
                params![
                    n.account_id,
                    n.kind.as_str(),
                    n.device_id,
                    n.device_name,
                    n.recovery_id,
                    n.completes_at,
                    n.request_id,
                    n.intent_id,
                    n.created_at
                ],
                |r| r.get(0),
            )?
            .unwrap_or(0))
    }

    fn purge_device_attempts(&mut self, before: i64) -> Result<u64> {
        let challenges = self.execute(
            "DELETE FROM recovery_challenges WHERE expires_at < ?",
            params![before],
        )?;
        let pairings =
            self.execute("DELETE FROM pairings WHERE expires_at < ?", params![before])?;
        Ok((challenges + pairings) as u64)
    }
}
