//! Money requests: one account asks another for an amount; the other pays it (a transfer
//! that names it, see [`super::transfers`]), declines it, or lets it expire; the requester
//! may cancel. A request never moves money by itself (UPI withdrew its person-to-person
//! "collect" requests in 2025: pull requests were a fraud channel). A payer can block a
//! requester; every step tells the other side with a notice.

pub mod store;

#[cfg(test)]
pub(crate) mod memory;
#[cfg(test)]
mod tests;

pub use store::*;

use purse_core::api::types::{NoticeKind, RequestState};

use super::devices::NoticeRow;
use super::tx::{Result, Tx};

/// How long a request stays open.
pub const REQUEST_TTL_SECS: i64 = 7 * 86_400;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RequestRefusal {
    SelfRequest,
    /// The payer blocked the requester.
    Blocked,
    NotFound,
    /// Paid, declined, cancelled or expired already.
    NotOpen,
    /// The transfer does not match the request (payer, recipient or amount).
    Mismatch,
}

type Refusable<T> = std::result::Result<T, RequestRefusal>;

/// Tells `account_id`'s devices about a request; `other` is the other side as shown.
pub(crate) fn notify(
    tx: &mut dyn Tx,
    account_id: &str,
    kind: NoticeKind,
    other: (&str, &str),
    request_id: &str,
    now: i64,
) -> Result<()> {
    tx.insert_notice(&NoticeRow {
        seq: 0,
        account_id: account_id.to_owned(),
        kind,
        device_id: other.0.to_owned(),
        device_name: other.1.to_owned(),
        recovery_id: None,
        completes_at: None,
        request_id: Some(request_id.to_owned()),
        intent_id: None,
        created_at: now,
    })?;
    Ok(())
}

/// Files a request and tells the payer. `requester_label` is how the payer sees the
/// requester.
pub fn create(tx: &mut dyn Tx, r: &RequestRow, requester_label: &str) -> Result<Refusable<()>> {
    if r.requester_account_id == r.payer_account_id {
        return Ok(Err(RequestRefusal::SelfRequest));
    }
    if tx.is_blocked(&r.payer_account_id, &r.requester_account_id)? {
        return Ok(Err(RequestRefusal::Blocked));
    }
    tx.insert_money_request(r)?;
    notify(
        tx,
        &r.payer_account_id,
        NoticeKind::RequestReceived,
        (&r.requester_account_id, requester_label),
        &r.request_id,
        r.created_at,
    )?;
    Ok(Ok(()))
}

/// Ends an open request: the payer declines (`by_payer`) or the requester cancels. The
/// other side is told; `label` is how they see the one who ended it.
pub fn end(
    tx: &mut dyn Tx,
    account_id: &str,
    request_id: &str,
    by_payer: bool,
    label: &str,
    now: i64,
) -> Result<Refusable<RequestRow>> {
    let Some(mut r) = tx.money_request(request_id)?.filter(|r| {
        if by_payer {
            r.payer_account_id == account_id
        } else {
            r.requester_account_id == account_id
        }
    }) else {
        return Ok(Err(RequestRefusal::NotFound));
    };
    if r.state_at(now) != RequestState::Open {
        return Ok(Err(RequestRefusal::NotOpen));
    }
    r.state = if by_payer {
        RequestState::Declined
    } else {
        RequestState::Cancelled
    };
    r.finished_at = Some(now);
    tx.update_money_request(&r)?;
    let (to, kind) = if by_payer {
        (r.requester_account_id.clone(), NoticeKind::RequestDeclined)
    } else {
        (r.payer_account_id.clone(), NoticeKind::RequestCancelled)
    };
    notify(tx, &to, kind, (account_id, label), request_id, now)?;
    Ok(Ok(r))
}

/// Checks that a transfer may pay `request_id`, inside the transfer's transaction.
pub fn check_payable(
    tx: &mut dyn Tx,
    request_id: &str,
    payer: &str,
    recipient: &str,
    amount: purse_core::money::Money,
    now: i64,
) -> Result<Refusable<RequestRow>> {
    let Some(r) = tx
        .money_request(request_id)?
        .filter(|r| r.payer_account_id == payer)
    else {
        return Ok(Err(RequestRefusal::NotFound));
    };
    if r.state_at(now) != RequestState::Open {
        return Ok(Err(RequestRefusal::NotOpen));
    }
    if r.requester_account_id != recipient || r.amount != amount {
        return Ok(Err(RequestRefusal::Mismatch));
    }
    Ok(Ok(r))
}

/// Marks a request paid by `transfer_id` and tells the requester.
pub fn mark_paid(
    tx: &mut dyn Tx,
    mut r: RequestRow,
    transfer_id: &str,
    payer_label: &str,
    now: i64,
) -> Result<()> {
    r.state = RequestState::Paid;
    r.transfer_id = Some(transfer_id.to_owned());
    r.finished_at = Some(now);
    tx.update_money_request(&r)?;
    let (requester, payer) = (r.requester_account_id.clone(), r.payer_account_id.clone());
    notify(
        tx,
        &requester,
        NoticeKind::RequestPaid,
        (&payer, payer_label),
        &r.request_id,
        now,
    )
}

/// The payer will not hear from `blocked` again; its open requests are declined.
/// `NotFound` when no account has the id.
pub fn block(tx: &mut dyn Tx, blocker: &str, blocked: &str, label: &str, now: i64) -> Result<()> {
    if tx.account(blocked)?.is_none() {
        return Err(super::StoreError::NotFound);
    }
    if !tx.is_blocked(blocker, blocked)? {
        tx.insert_block(blocker, blocked, now)?;
    }
    for r in tx.money_requests(blocker, true, 500)? {
        if r.requester_account_id == blocked && r.state_at(now) == RequestState::Open {
            end(tx, blocker, &r.request_id, true, label, now)?.ok();
        }
    }
    Ok(())
}
