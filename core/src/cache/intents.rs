//! The payment outbox: every intent is written here, with the exact request and its signed
//! authorization, before the request leaves the phone. Only an answer from the backend moves
//! an intent out of `pending`; a timeout never does.

use rusqlite::{OptionalExtension, params};

use super::{Cache, CacheError, currency};
use crate::money::Money;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum IntentState {
    /// Committed here; the backend may or may not have it yet.
    Pending,
    Completed,
    /// The backend refused it, definitively.
    Failed,
}

impl IntentState {
    pub fn as_str(self) -> &'static str {
        match self {
            IntentState::Pending => "pending",
            IntentState::Completed => "completed",
            IntentState::Failed => "failed",
        }
    }

    fn parse(s: &str) -> Result<Self, CacheError> {
        match s {
            "pending" => Ok(IntentState::Pending),
            "completed" => Ok(IntentState::Completed),
            "failed" => Ok(IntentState::Failed),
            other => Err(CacheError::Corrupt(format!("intent state {other:?}"))),
        }
    }
}

/// What an intent moves money for: the outbox, its retries and its reconciling are one for
/// both.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum IntentKind {
    /// To a merchant (`POST /v1/payments`).
    Payment,
    /// To a person (`POST /v1/transfers`).
    Transfer,
    /// To the account's own bank account (`POST /v1/withdrawals`).
    Withdrawal,
    /// To a biller or phone operator (`POST /v1/bill-payments`).
    Bill,
    /// Into or out of the account's savings (`POST /v1/savings/moves`).
    Savings,
}

impl IntentKind {
    pub fn as_str(self) -> &'static str {
        match self {
            IntentKind::Payment => "payment",
            IntentKind::Transfer => "transfer",
            IntentKind::Withdrawal => "withdrawal",
            IntentKind::Bill => "bill",
            IntentKind::Savings => "savings",
        }
    }

    fn parse(s: &str) -> Result<Self, CacheError> {
        match s {
            "payment" => Ok(IntentKind::Payment),
            "transfer" => Ok(IntentKind::Transfer),
            "withdrawal" => Ok(IntentKind::Withdrawal),
            "bill" => Ok(IntentKind::Bill),
            "savings" => Ok(IntentKind::Savings),
            other => Err(CacheError::Corrupt(format!("intent kind {other:?}"))),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IntentRecord {
    pub intent_id: String,
    pub kind: IntentKind,
    pub state: IntentState,
    /// The request body exactly as sent (the backend compares repeats byte for byte).
    pub request_json: String,
    /// Who is paid, as the user confirmed it (the merchant's verified name, the person's
    /// masked name and handle).
    pub merchant_name: String,
    pub amount: Money,
    pub created_at: i64,
    pub updated_at: i64,
    /// The backend's `Payment`, once completed.
    pub payment_json: Option<String>,
    pub error_code: Option<String>,
    pub error_message: Option<String>,
}

const COLS: &str = "intent_id, state, request_json, merchant_name, amount_minor, currency,
    created_at, updated_at, payment_json, error_code, error_message, kind";

type RawIntent = (
    String,
    String,
    String,
    String,
    i64,
    String,
    i64,
    i64,
    Option<String>,
    Option<String>,
    Option<String>,
    String,
);

fn row(r: &rusqlite::Row<'_>) -> rusqlite::Result<RawIntent> {
    Ok((
        r.get(0)?,
        r.get(1)?,
        r.get(2)?,
        r.get(3)?,
        r.get(4)?,
        r.get(5)?,
        r.get(6)?,
        r.get(7)?,
        r.get(8)?,
        r.get(9)?,
        r.get(10)?,
        r.get(11)?,
    ))
}

fn finish(raw: RawIntent) -> Result<IntentRecord, CacheError> {
    let (id, state, request_json, merchant_name, minor, code, created, updated, pay, ec, em, kind) =
        raw;
    Ok(IntentRecord {
        intent_id: id,
        kind: IntentKind::parse(&kind)?,
        state: IntentState::parse(&state)?,
        request_json,
        merchant_name,
        amount: Money::new(minor, currency(&code)?),
        created_at: created,
        updated_at: updated,
        payment_json: pay,
        error_code: ec,
        error_message: em,
    })
}

impl Cache {
    /// Commits a new pending intent. Fails if the id exists: an intent is sent once, then
    /// only ever re-sent.
    pub fn insert_intent(&self, i: &IntentRecord) -> Result<(), CacheError> {
        self.conn.execute(
            "INSERT INTO intents (intent_id, state, request_json, merchant_name, amount_minor,
                currency, created_at, updated_at, kind)
             VALUES (?1, 'pending', ?2, ?3, ?4, ?5, ?6, ?6, ?7)",
            params![
                i.intent_id,
                i.request_json,
                i.merchant_name,
                i.amount.minor,
                i.amount.currency.code(),
                i.created_at,
                i.kind.as_str()
            ],
        )?;
        Ok(())
    }

    pub fn intent(&self, intent_id: &str) -> Result<Option<IntentRecord>, CacheError> {
        self.conn
            .query_row(
                &format!("SELECT {COLS} FROM intents WHERE intent_id = ?1"),
                params![intent_id],
                row,
            )
            .optional()?
            .map(finish)
            .transpose()
    }

    /// Intents still waiting for the backend's word, oldest first.
    pub fn pending_intents(&self) -> Result<Vec<IntentRecord>, CacheError> {
        let mut stmt = self.conn.prepare(&format!(
            "SELECT {COLS} FROM intents WHERE state = 'pending' ORDER BY created_at, intent_id"
        ))?;
        let rows = stmt.query_map([], row)?;
        rows.map(|r| finish(r?)).collect()
    }

    /// Every intent, newest first.
    pub fn intents(&self, limit: u32) -> Result<Vec<IntentRecord>, CacheError> {
        let mut stmt = self.conn.prepare(&format!(
            "SELECT {COLS} FROM intents ORDER BY created_at DESC, intent_id LIMIT ?1"
        ))?;
        let rows = stmt.query_map(params![limit], row)?;
        rows.map(|r| finish(r?)).collect()
    }

    /// Records the backend's success. A completed intent stays completed, whatever arrives
    /// later.
    pub fn complete_intent(
        &self,
        intent_id: &str,
        payment_json: &str,
        now: i64,
    ) -> Result<(), CacheError> {
        self.conn.execute(
            "UPDATE intents SET state = 'completed', payment_json = ?2, updated_at = ?3,
                error_code = NULL, error_message = NULL
             WHERE intent_id = ?1 AND state <> 'completed'",
            params![intent_id, payment_json, now],
        )?;
        Ok(())
    }

    /// Records a definitive refusal. Never overrides a completion.
    pub fn fail_intent(
        &self,
        intent_id: &str,
        code: &str,
        message: &str,
        now: i64,
    ) -> Result<(), CacheError> {
        self.conn.execute(
            "UPDATE intents SET state = 'failed', error_code = ?2, error_message = ?3,
                updated_at = ?4
             WHERE intent_id = ?1 AND state = 'pending'",
            params![intent_id, code, message, now],
        )?;
        Ok(())
    }

    /// Where the event stream was last read up to.
    pub fn event_cursor(&self) -> Result<i64, CacheError> {
        Ok(self.conn.query_row(
            "SELECT event_cursor FROM sync_state WHERE id = 1",
            [],
            |r| r.get(0),
        )?)
    }

    pub fn set_event_cursor(&self, cursor: i64) -> Result<(), CacheError> {
        self.conn.execute(
            "UPDATE sync_state SET event_cursor = max(event_cursor, ?1) WHERE id = 1",
            params![cursor],
        )?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn intent(id: &str, at: i64) -> IntentRecord {
        IntentRecord {
            intent_id: id.into(),
            kind: IntentKind::Payment,
            state: IntentState::Pending,
            request_json: "{\"amount\":1}".into(),
            merchant_name: "Tea House".into(),
            amount: Money::parse("12.34 CNY").unwrap(),
            created_at: at,
            updated_at: at,
            payment_json: None,
            error_code: None,
            error_message: None,
        }
    }

    #[test]
    fn an_intent_is_committed_once_and_survives_reopening() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("w.db");
        let key = crate::cache::CacheKey::generate().unwrap();
        {
            let c = Cache::open(&path, &key).unwrap();
            c.insert_intent(&intent("pi_1", 1)).unwrap();
            assert!(c.insert_intent(&intent("pi_1", 2)).is_err());
        }
        let c = Cache::open(&path, &key).unwrap();
        assert_eq!(c.pending_intents().unwrap(), vec![intent("pi_1", 1)]);
    }

    #[test]
    fn completion_is_final_and_failure_only_ends_a_pending_intent() {
        let c = Cache::open_in_memory().unwrap();
        c.insert_intent(&intent("pi_1", 1)).unwrap();
        c.insert_intent(&intent("pi_2", 2)).unwrap();
        c.complete_intent("pi_1", "{}", 5).unwrap();
        c.fail_intent("pi_1", "x", "late refusal", 6).unwrap();
        let done = c.intent("pi_1").unwrap().unwrap();
        assert_eq!(done.state, IntentState::Completed);
        assert_eq!(done.error_code, None);
        c.fail_intent("pi_2", "insufficient_funds", "too low", 7)
            .unwrap();
        assert_eq!(
            c.intent("pi_2").unwrap().unwrap().state,
            IntentState::Failed
        );
        assert!(c.pending_intents().unwrap().is_empty());
        assert_eq!(c.intents(10).unwrap().len(), 2);
    }

    #[test]
    fn the_event_cursor_only_moves_forward() {
        let c = Cache::open_in_memory().unwrap();
        c.set_event_cursor(9).unwrap();
        c.set_event_cursor(4).unwrap();
        assert_eq!(c.event_cursor().unwrap(), 9);
    }
}
