//! The people rules' statements: handles, contacts, one-time-code challenges, the sandbox
//! outbox.

use purse_core::api::types::ContactKind;

use super::conn::SqlRow;
use super::tx::SqlTx;
use crate::ledger::people::*;
use crate::ledger::tx::{Result, StoreError};

fn kind_of(r: &dyn SqlRow, col: &str) -> Result<ContactKind> {
    super::rows::parsed(r, col, ContactKind::parse)
}

fn challenge(r: &dyn SqlRow) -> Result<ContactChallengeRow> {
    Ok(ContactChallengeRow {
        challenge_id: r.get("challenge_id")?,
        account_id: r.get("account_id")?,
        kind: kind_of(r, "kind")?,
        value: r.get("value")?,
        code_hash: r.get("code_hash")?,
        tries_left: r.get("tries_left")?,
        created_at: r.get("created_at")?,
        expires_at: r.get("expires_at")?,
    })
}

fn receive_code_row(r: &dyn SqlRow) -> Result<ReceiveCodeRow> {
    Ok(ReceiveCodeRow {
        code_id: r.get("code_id")?,
        account_id: r.get("account_id")?,
        created_at: r.get("created_at")?,
        revoked_at: r.get("revoked_at")?,
    })
}

impl PeopleReads for SqlTx<'_> {
    fn receive_code(&mut self, code_id: &str) -> Result<Option<ReceiveCodeRow>> {
        self.one(
            "SELECT code_id, account_id, created_at, revoked_at FROM receive_codes WHERE code_id = ?",
            params![code_id],
            receive_code_row,
        )
    }

    fn current_receive_code(&mut self, account_id: &str) -> Result<Option<ReceiveCodeRow>> {
        self.one(
            "SELECT code_id, account_id, created_at, revoked_at FROM receive_codes
             WHERE account_id = ? AND revoked_at IS NULL",
            params![account_id],
            receive_code_row,
        )
    }

    fn account_of_handle(&mut self, handle: &str) -> Result<Option<String>> {
        self.one(
            "SELECT account_id FROM handles WHERE handle = ?",
            params![handle],
            |r| r.get(0),
        )
    }

    fn handle_of(&mut self, account_id: &str) -> Result<Option<String>> {
        self.one(
            "SELECT handle FROM handles WHERE account_id = ?",
            params![account_id],
            |r| r.get(0),
        )
    }

    fn account_of_contact(&mut self, kind: ContactKind, value: &str) -> Result<Option<String>> {
        self.one(
            "SELECT account_id FROM contacts WHERE kind = ? AND value = ?",
            params![kind.as_str(), value],
            |r| r.get(0),
        )
    }

    fn contact_of(&mut self, account_id: &str, kind: ContactKind) -> Result<Option<String>> {
        self.one(
            "SELECT value FROM contacts WHERE account_id = ? AND kind = ?",
            params![account_id, kind.as_str()],
            |r| r.get(0),
        )
    }

    fn contact_challenge(&mut self, challenge_id: &str) -> Result<Option<ContactChallengeRow>> {
        self.one(
            "SELECT challenge_id, account_id, kind, value, code_hash, tries_left, created_at,
                    expires_at
             FROM contact_challenges WHERE challenge_id = ?",
            params![challenge_id],
            challenge,
        )
    }

    fn sandbox_messages(&mut self, account_id: &str, limit: u32) -> Result<Vec<SandboxMessageRow>> {
        self.all(
            "SELECT account_id, kind, recipient, body, created_at FROM sandbox_messages
             WHERE account_id = ? ORDER BY seq DESC LIMIT ?",
            params![account_id, limit],
            |r| {
                Ok(SandboxMessageRow {
                    account_id: r.get("account_id")?,
                    kind: kind_of(r, "kind")?,
                    to: r.get("recipient")?,
                    body: r.get("body")?,
                    created_at: r.get("created_at")?,
                })
            },
        )
    }
}

impl PeopleWrites for SqlTx<'_> {
    fn insert_receive_code(&mut self, c: &ReceiveCodeRow) -> Result<()> {
        self.execute(
            "INSERT INTO receive_codes (code_id, account_id, created_at, revoked_at)
             VALUES (?, ?, ?, ?)",
            params![c.code_id, c.account_id, c.created_at, c.revoked_at],
        )?;
        Ok(())
    }

    fn revoke_receive_codes(&mut self, account_id: &str, now: i64) -> Result<()> {
        self.execute(
            "UPDATE receive_codes SET revoked_at = ? WHERE account_id = ? AND revoked_at IS NULL",
            params![now, account_id],
        )?;
        Ok(())
    }

    fn set_handle(&mut self, account_id: &str, handle: &str) -> Result<()> {
        if self
            .account_of_handle(handle)?
            .is_some_and(|owner| owner != account_id)
        {
            return Err(StoreError::Duplicate("handle"));
        }
        self.execute(
            "DELETE FROM handles WHERE account_id = ?",
            params![account_id],
        )?;
        self.execute(
            "INSERT INTO handles (handle, account_id) VALUES (?, ?)",
            params![handle, account_id],
        )?;
        Ok(())
    }

    fn set_contact(
        &mut self,
        account_id: &str,
        kind: ContactKind,
        value: &str,
        now: i64,
    ) -> Result<()> {
        if self
            .account_of_contact(kind, value)?
            .is_some_and(|owner| owner != account_id)
        {
            return Err(StoreError::Duplicate("contact"));
        }
        self.execute(
            "DELETE FROM contacts WHERE account_id = ? AND kind = ?",
            params![account_id, kind.as_str()],
        )?;
        self.execute(
            "INSERT INTO contacts (kind, value, account_id, verified_at) VALUES (?, ?, ?, ?)",
            params![kind.as_str(), value, account_id, now],
        )?;
        Ok(())
    }

    fn insert_contact_challenge(&mut self, c: &ContactChallengeRow) -> Result<()> {
        self.execute(
            "INSERT INTO contact_challenges (challenge_id, account_id, kind, value, code_hash,
                tries_left, created_at, expires_at)
             VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            params![
                c.challenge_id,
                c.account_id,
                c.kind.as_str(),
                c.value,
                c.code_hash,
                c.tries_left,
                c.created_at,
                c.expires_at
            ],
        )?;
        Ok(())
    }

    fn set_challenge_tries(&mut self, challenge_id: &str, tries_left: u32) -> Result<()> {
        self.execute(
            "UPDATE contact_challenges SET tries_left = ? WHERE challenge_id = ?",
            params![tries_left, challenge_id],
        )?;
        Ok(())
    }

    fn delete_contact_challenge(&mut self, challenge_id: &str) -> Result<()> {
        self.execute(
            "DELETE FROM contact_challenges WHERE challenge_id = ?",
            params![challenge_id],
        )?;
        Ok(())
    }

    fn insert_sandbox_message(&mut self, m: &SandboxMessageRow) -> Result<()> {
        self.execute(
            "INSERT INTO sandbox_messages (account_id, kind, recipient, body, created_at)
             VALUES (?, ?, ?, ?, ?)",
            params![m.account_id, m.kind.as_str(), m.to, m.body, m.created_at],
        )?;
        Ok(())
    }
}
