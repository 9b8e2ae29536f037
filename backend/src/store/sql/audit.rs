//! The ledger checked from its postings, on any engine.

use super::conn::Conn;
use super::tx::SqlTx;
use crate::ledger::tx::Result;

/// Every transaction sums to zero per currency, every stored balance equals the sum of its
/// postings, no user balance is negative. The problems found (empty when sound).
pub fn audit(c: &dyn Conn) -> Result<Vec<String>> {
    let tx = SqlTx::new(c);
    let mut problems: Vec<String> = tx.all(
        "SELECT seq FROM postings GROUP BY seq, currency HAVING SUM(amount) <> 0",
        params![],
        |r| {
            Ok(format!(
                "transaction {} does not balance",
                r.get::<i64>("seq")?
            ))
        },
    )?;
    let accounts = tx.all(
        "SELECT a.ledger_account, a.balance, CAST(COALESCE(SUM(p.amount), 0) AS BIGINT) AS summed,
            a.kind
         FROM ledger_accounts a LEFT JOIN postings p ON p.ledger_account = a.ledger_account
         GROUP BY a.ledger_account, a.balance, a.kind",
        params![],
        |r| {
            Ok((
                r.get::<String>("ledger_account")?,
                r.get::<i64>("balance")?,
                r.get::<i64>("summed")?,
                r.get::<String>("kind")?,
            ))
        },
    )?;
    for (account, stored, summed, kind) in accounts {
        if stored != summed {
            problems.push(format!(
                "{account}: balance {stored} but postings sum to {summed}"
            ));
        }
        if kind == "user" && stored < 0 {
            problems.push(format!("{account}: negative balance {stored}"));
        }
    }
    Ok(problems)
}

/// Sum of every balance per currency: zero when no money was made or lost.
pub fn total_by_currency(c: &dyn Conn) -> Result<Vec<(String, i64)>> {
    SqlTx::new(c).all(
        "SELECT currency, CAST(SUM(balance) AS BIGINT) AS total FROM ledger_accounts
         GROUP BY currency ORDER BY currency",
        params![],
        |r| Ok((r.get("currency")?, r.get("total")?)),
    )
}
