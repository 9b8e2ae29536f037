//! The request rules on the in-memory transaction.

use purse_core::api::types::{NoticeKind, RequestState};
use purse_core::money::Money;

use super::*;
use crate::ledger::devices::DeviceReads;
use crate::ledger::memory::{Memory, shop};
use crate::ledger::tx::Reads;

fn request(m: &mut Memory, id: &str, minor: i64) -> RequestRow {
    let cny = m.account("acct_payer").unwrap().unwrap().currency;
    RequestRow {
        request_id: id.into(),
        requester_account_id: "acct_shop".into(),
        payer_account_id: "acct_payer".into(),
        amount: Money::new(minor, cny),
        note: "dinner".into(),
        state: RequestState::Open,
        created_at: 0,
        expires_at: REQUEST_TTL_SECS,
        transfer_id: None,
        finished_at: None,
    }
}

#[test]
fn a_request_is_told_declined_or_cancelled_once_and_expires() {
    let mut m = shop();
    let r = request(&mut m, "req_1", 1_000);
    assert_eq!(create(&mut m, &r, "S***").unwrap(), Ok(()));
    let told = m.notices("acct_payer", 0, 10).unwrap();
    assert_eq!(
        (told[0].kind, told[0].request_id.as_deref()),
        (NoticeKind::RequestReceived, Some("req_1"))
    );
    assert_eq!(
        end(&mut m, "acct_shop", "req_1", true, "x", 1).unwrap(),
        Err(RequestRefusal::NotFound),
        "only the payer declines"
    );
    assert_eq!(
        end(&mut m, "acct_payer", "req_1", true, "A**", 1)
            .unwrap()
            .unwrap()
            .state,
        RequestState::Declined
    );
    assert_eq!(
        end(&mut m, "acct_payer", "req_1", true, "A**", 2).unwrap(),
        Err(RequestRefusal::NotOpen)
    );
    assert_eq!(
        m.notices("acct_shop", 0, 10).unwrap()[0].kind,
        NoticeKind::RequestDeclined
    );

    let r2 = request(&mut m, "req_2", 1_000);
    create(&mut m, &r2, "S***").unwrap().unwrap();
    assert_eq!(
        end(&mut m, "acct_shop", "req_2", false, "S***", 3)
            .unwrap()
            .unwrap()
            .state,
        RequestState::Cancelled
    );
    let r3 = request(&mut m, "req_3", 1_000);
    create(&mut m, &r3, "S***").unwrap().unwrap();
    assert_eq!(
        check_payable(
            &mut m,
            "req_3",
            "acct_payer",
            "acct_shop",
            r3.amount,
            REQUEST_TTL_SECS
        )
        .unwrap(),
        Err(RequestRefusal::NotOpen),
        "expired"
    );
    assert_eq!(
        check_payable(
            &mut m,
            "req_3",
            "acct_payer",
            "acct_shop",
            Money::new(999, r3.amount.currency),
            5
        )
        .unwrap(),
        Err(RequestRefusal::Mismatch)
    );
    assert!(
        check_payable(&mut m, "req_3", "acct_payer", "acct_shop", r3.amount, 5)
            .unwrap()
            .is_ok()
    );
}

#[test]
fn a_blocked_requester_is_refused_and_its_open_requests_end() {
    let mut m = shop();
    let r = request(&mut m, "req_1", 500);
    create(&mut m, &r, "S***").unwrap().unwrap();
    block(&mut m, "acct_payer", "acct_shop", "A**", 10).unwrap();
    assert_eq!(
        m.money_request("req_1").unwrap().unwrap().state,
        RequestState::Declined
    );
    let again = request(&mut m, "req_2", 500);
    assert_eq!(
        create(&mut m, &again, "S***").unwrap(),
        Err(RequestRefusal::Blocked)
    );
    let mut to_self = request(&mut m, "req_3", 500);
    to_self.payer_account_id = "acct_shop".into();
    assert_eq!(
        create(&mut m, &to_self, "S***").unwrap(),
        Err(RequestRefusal::SelfRequest)
    );
}
