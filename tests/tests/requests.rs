//! Money requests on the real backend: asked, told, paid once (even from two devices at
//! once), declined, cancelled, blocked; never moving money by themselves.

mod common;

use common::*;
use purse_core::api::types::{NoticeKind, RequestState, codes};
use purse_core::pay::TransferOutcome;
use purse_core::wallet::JoinProgress;

#[tokio::test]
async fn a_request_is_told_paid_once_and_both_sides_hear_of_it() {
    let b = Backend::start().await;
    let ada = funded_wallet(&b.url(), "Ada", "50.00 CNY").await;
    let bo = enrolled_wallet(&b.url(), "Bo Li").await;
    bo.wallet.set_handle("$bo_li").await.unwrap();
    ada.wallet.set_handle("$ada_l").await.unwrap();
    let ada_as_seen = bo.wallet.find_recipient("$ada_l").await.unwrap();

    let asked = bo
        .wallet
        .request_money(&ada_as_seen, money("8.00 CNY"), "cinema")
        .await
        .unwrap();
    assert_eq!(asked.state, RequestState::Open);
    assert_eq!(
        ada.wallet.balance().await.unwrap(),
        money("50.00 CNY"),
        "a request moves nothing"
    );
    let told = ada.wallet.poll_events(0).await.unwrap().notices;
    assert_eq!(told.last().unwrap().kind, NoticeKind::RequestReceived);
    assert_eq!(
        told.last().unwrap().request_id.as_deref(),
        Some(asked.request_id.as_str())
    );
    assert_eq!(told.last().unwrap().device_name, "B* L* $bo_li");

    let inbox = ada.wallet.requests(true).await.unwrap();
    assert_eq!(inbox.len(), 1);
    assert_eq!(
        (inbox[0].amount, inbox[0].note.as_str()),
        (money("8.00 CNY"), "cinema")
    );
    let TransferOutcome::Completed { transfer } = ada.wallet.pay_request(&inbox[0]).await.unwrap()
    else {
        panic!("not paid");
    };
    assert_eq!(transfer.balance, money("42.00 CNY"));
    let e = ada.wallet.pay_request(&inbox[0]).await.unwrap_err();
    assert_eq!(e.code(), Some(codes::REQUEST_NOT_OPEN), "{e}");
    let mine = bo.wallet.requests(false).await.unwrap();
    assert_eq!(
        (mine[0].state, mine[0].transfer_id.as_deref()),
        (RequestState::Paid, Some(transfer.transfer_id.as_str()))
    );
    assert!(
        bo.wallet
            .poll_events(0)
            .await
            .unwrap()
            .notices
            .iter()
            .any(|n| n.kind == NoticeKind::RequestPaid)
    );
    assert_eq!(bo.wallet.balance().await.unwrap(), money("8.00 CNY"));
    b.assert_ledger_sound().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_devices_paying_one_request_at_once_make_one_transfer() {
    let b = Backend::start().await;
    let ada = funded_wallet(&b.url(), "Ada", "50.00 CNY").await;
    let bo = enrolled_wallet(&b.url(), "Bo").await;
    // Ada's second device.
    let tablet = new_phone(&b.url());
    let offer = tablet.wallet.start_pairing("Tablet").await.unwrap();
    ada.wallet
        .approve_pairing(&offer.code, &offer.confirmation)
        .await
        .unwrap();
    assert!(matches!(
        tablet.wallet.check_join().await.unwrap(),
        JoinProgress::Joined(_)
    ));

    let ada_id = ada.wallet.account().unwrap().unwrap().account_id;
    bo.wallet
        .request_money(&recipient(&ada_id), money("20.00 CNY"), "")
        .await
        .unwrap();
    let on_phone = ada.wallet.requests(true).await.unwrap().remove(0);
    let on_tablet = tablet.wallet.requests(true).await.unwrap().remove(0);
    let (a, t) = tokio::join!(
        ada.wallet.pay_request(&on_phone),
        tablet.wallet.pay_request(&on_tablet)
    );
    let paid = [a.is_ok(), t.is_ok()].iter().filter(|ok| **ok).count();
    assert_eq!(paid, 1, "{a:?} / {t:?}");
    let refused = a.err().or(t.err()).unwrap();
    assert_eq!(refused.code(), Some(codes::REQUEST_NOT_OPEN));
    assert_eq!(bo.wallet.balance().await.unwrap(), money("20.00 CNY"));
    b.assert_ledger_sound().await;
}

#[tokio::test]
async fn requests_are_declined_cancelled_and_blocked_with_their_codes() {
    let b = Backend::start().await;
    let ada = funded_wallet(&b.url(), "Ada", "10.00 CNY").await;
    let bo = enrolled_wallet(&b.url(), "Bo").await;
    let ada_id = ada.wallet.account().unwrap().unwrap().account_id;
    let bo_id = bo.wallet.account().unwrap().unwrap().account_id;

    let r1 = bo
        .wallet
        .request_money(&recipient(&ada_id), money("1.00 CNY"), "")
        .await
        .unwrap();
    assert_eq!(
        ada.wallet
            .decline_request(&r1.request_id)
            .await
            .unwrap()
            .state,
        RequestState::Declined
    );
    let e = ada.wallet.pay_request(&r1).await.unwrap_err();
    assert_eq!(e.code(), Some(codes::REQUEST_NOT_OPEN));
    let e = bo.wallet.decline_request(&r1.request_id).await.unwrap_err();
    assert_eq!(e.code(), Some(codes::NOT_FOUND), "only the payer declines");

    let r2 = bo
        .wallet
        .request_money(&recipient(&ada_id), money("1.00 CNY"), "")
        .await
        .unwrap();
    assert_eq!(
        bo.wallet
            .cancel_request(&r2.request_id)
            .await
            .unwrap()
            .state,
        RequestState::Cancelled
    );

    let e = bo
        .wallet
        .request_money(&recipient(&bo_id), money("1.00 CNY"), "")
        .await
        .unwrap_err();
    assert_eq!(e.code(), Some(codes::SELF_TRANSFER));
    let open = bo
        .wallet
        .request_money(&recipient(&ada_id), money("2.00 CNY"), "")
        .await
        .unwrap();
    ada.wallet.block(&bo_id).await.unwrap();
    let inbox = ada.wallet.requests(true).await.unwrap();
    assert_eq!(
        inbox
            .iter()
            .find(|r| r.request_id == open.request_id)
            .unwrap()
            .state,
        RequestState::Declined
    );
    let e = bo
        .wallet
        .request_money(&recipient(&ada_id), money("1.00 CNY"), "")
        .await
        .unwrap_err();
    assert_eq!(e.code(), Some(codes::REQUESTS_BLOCKED));
    // A request for another amount than the transfer's is refused when paid with it.
    let r3 = ada
        .wallet
        .request_money(&recipient(&bo_id), money("3.00 CNY"), "")
        .await
        .unwrap();
    let mut wrong = bo.wallet.requests(true).await.unwrap().remove(0);
    assert_eq!(wrong.request_id, r3.request_id);
    wrong.amount = money("0.10 CNY");
    let card = bo
        .wallet
        .link_card("4242 4242 4242 4242", 12, 2030)
        .await
        .unwrap();
    bo.wallet
        .topup(&card.source_id, money("5.00 CNY"))
        .await
        .unwrap();
    let e = bo.wallet.pay_request(&wrong).await.unwrap_err();
    assert_eq!(e.code(), Some(codes::REQUEST_MISMATCH));
    assert_eq!(ada.wallet.balance().await.unwrap(), money("10.00 CNY"));
    b.assert_ledger_sound().await;
}

#[tokio::test]
async fn requests_are_rate_limited_per_requester() {
    let b = Backend::start().await;
    let ada = enrolled_wallet(&b.url(), "Ada").await;
    let bo = enrolled_wallet(&b.url(), "Bo").await;
    let ada_id = ada.wallet.account().unwrap().unwrap().account_id;
    // 20 an hour in fixed windows: refused by the 21st of a window, within 41 however the
    // run falls on the hour.
    let mut made = 0;
    let limited = loop {
        match bo
            .wallet
            .request_money(&recipient(&ada_id), money("1.00 CNY"), "")
            .await
        {
            Ok(_) => made += 1,
            Err(e) => break e,
        }
        assert!(made <= 40, "never limited");
    };
    assert!(made >= 20);
    assert!(
        matches!(limited, purse_core::WalletError::RateLimited { .. }),
        "{limited}"
    );
}
