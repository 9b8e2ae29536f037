//! People on the real backend: handles, phone and email proven with one-time codes from the
//! sandbox outbox, finding a recipient (masked, never their contacts), and the lookup limit.

mod common;

use common::*;
use purse_core::WalletError;
use purse_core::api::types::{ContactKind, codes};

/// The six digits of the newest code the sandbox sent this wallet.
async fn newest_code(w: &TestWallet) -> String {
    let messages = w.wallet.sandbox_messages().await.unwrap();
    let body = &messages.first().expect("a message was sent").body;
    body.split_whitespace()
        .find(|word| {
            word.trim_end_matches('.').len() == 6
                && word
                    .trim_end_matches('.')
                    .bytes()
                    .all(|b| b.is_ascii_digit())
        })
        .unwrap()
        .trim_end_matches('.')
        .to_owned()
}

#[tokio::test]
async fn a_recipient_is_found_by_handle_phone_or_email_and_shown_masked() {
    let b = Backend::start().await;
    let bo = enrolled_wallet(&b.url(), "Bo Li").await;
    let ada = enrolled_wallet(&b.url(), "Ada Lovelace").await;

    let p = bo.wallet.set_handle("$Bo_Li").await.unwrap();
    assert_eq!(p.handle.as_deref(), Some("$bo_li"));
    let e = ada.wallet.set_handle("$BO_LI").await.unwrap_err();
    assert_eq!(e.code(), Some(codes::HANDLE_TAKEN), "{e}");
    let e = ada.wallet.set_handle("$support").await.unwrap_err();
    assert!(
        matches!(e, WalletError::InvalidInput(_)),
        "reserved, caught offline: {e}"
    );

    let c = bo
        .wallet
        .add_contact(ContactKind::Phone, "+86 138 0013 8000")
        .await
        .unwrap();
    assert_eq!(c.value, "+8613800138000");
    let wrong = bo.wallet.verify_contact(&c.challenge_id, "000000").await;
    let code = newest_code(&bo).await;
    if code != "000000" {
        assert_eq!(wrong.unwrap_err().code(), Some(codes::OTP_WRONG));
    }
    let p = bo
        .wallet
        .verify_contact(&c.challenge_id, &code)
        .await
        .unwrap();
    assert_eq!(p.phone.as_deref(), Some("+8613800138000"));
    let c = bo
        .wallet
        .add_contact(ContactKind::Email, "Bo@Example.COM")
        .await
        .unwrap();
    let p = bo
        .wallet
        .verify_contact(&c.challenge_id, &newest_code(&bo).await)
        .await
        .unwrap();
    assert_eq!(p.email.as_deref(), Some("Bo@example.com"));

    for query in ["$bo_li", "$BO_LI", "+86 13800138000", "Bo@example.com"] {
        let r = ada.wallet.find_recipient(query).await.unwrap();
        assert_eq!(r.masked_name, "B* L*", "{query}");
        assert_eq!(r.handle.as_deref(), Some("$bo_li"));
        assert_eq!(
            r.account_id,
            bo.wallet.account().unwrap().unwrap().account_id
        );
    }
    let e = ada.wallet.find_recipient("$nobody").await.unwrap_err();
    assert_eq!(e.code(), Some(codes::RECIPIENT_NOT_FOUND));
    // The proven number is Bo's: Ada cannot even be sent a code for it.
    let e = ada
        .wallet
        .add_contact(ContactKind::Phone, "+8613800138000")
        .await
        .unwrap_err();
    assert_eq!(e.code(), Some(codes::CONTACT_TAKEN));
    // Ada never saw Bo's codes.
    assert!(ada.wallet.sandbox_messages().await.unwrap().is_empty());
}

#[tokio::test]
async fn landlines_bad_addresses_and_spent_codes_are_refused_with_their_codes() {
    let b = Backend::start().await;
    let w = enrolled_wallet(&b.url(), "Cy").await;
    for (kind, value, code) in [
        (
            ContactKind::Phone,
            "+86 10 6552 9988",
            codes::PHONE_NOT_MOBILE,
        ),
        (ContactKind::Phone, "13800138000", codes::PHONE_INVALID),
        (ContactKind::Email, "cy@localhost", codes::EMAIL_INVALID),
    ] {
        let e = w.wallet.add_contact(kind, value).await.unwrap_err();
        assert_eq!(e.code(), Some(code), "{value}");
    }
    let c = w
        .wallet
        .add_contact(ContactKind::Phone, "+447911123456")
        .await
        .unwrap();
    let right = newest_code(&w).await;
    let wrong = if right == "111111" {
        "222222"
    } else {
        "111111"
    };
    for _ in 0..5 {
        let e = w
            .wallet
            .verify_contact(&c.challenge_id, wrong)
            .await
            .unwrap_err();
        assert_eq!(e.code(), Some(codes::OTP_WRONG));
    }
    let e = w
        .wallet
        .verify_contact(&c.challenge_id, &right)
        .await
        .unwrap_err();
    assert_eq!(
        e.code(),
        Some(codes::OTP_EXHAUSTED),
        "the right code after five wrong ones"
    );
    assert_eq!(w.wallet.profile().await.unwrap().phone, None);
}

#[tokio::test]
async fn lookups_are_rate_limited_so_nobody_walks_the_directory() {
    let b = Backend::start().await;
    let w = enrolled_wallet(&b.url(), "Dee").await;
    // 30 a minute in fixed windows: refused by the 31st lookup of a window, so within 61
    // even if the run straddles a minute.
    let mut answered = 0;
    let limited = loop {
        match w
            .wallet
            .find_recipient(&format!("$guess{answered:03}"))
            .await
        {
            Err(e) if e.code() == Some(codes::RECIPIENT_NOT_FOUND) => answered += 1,
            Err(e) => break e,
            Ok(r) => panic!("found {r:?}"),
        }
        assert!(answered <= 60, "never limited");
    };
    assert!(answered >= 30, "limited after {answered}");
    assert!(
        matches!(limited, WalletError::RateLimited { retry_after_secs, .. } if (1..=60).contains(&retry_after_secs)),
        "{limited}"
    );
}
