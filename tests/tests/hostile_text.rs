//! Text one user writes that another sees (account and device names, merchant names, order
//! descriptions, refund reasons) passes one validator at the backend: controls that could
//! drive a terminal, bidi overrides and invisible characters are refused, what passes is
//! stored composed (NFC), and a merchant name a payer could take for a registered one is
//! refused at registration.

mod common;

use common::attacker::Attacker;
use common::*;
use purse_core::api::types::{RegisterMerchantRequest, codes};

#[tokio::test]
async fn names_that_could_drive_a_screen_or_read_backwards_are_refused_at_enrollment() {
    let backend = Backend::start().await;
    let url = backend.url();
    for (name, device) in [
        ("\u{1b}[2J\u{1b}[HEve", "phone"),
        ("Eve\nBalance: 99999.00 CNY", "phone"),
        ("\u{202E}esuoH aeT", "phone"),
        ("Ev\u{200B}e", "phone"),
        ("Eve", "\u{1b}]0;pwned\u{7}"),
        ("Eve", "my\u{2066}phone"),
    ] {
        let ((status, code), _, _) = Attacker::enroll(&url, name, device).await;
        assert_eq!(
            (status, code.as_str()),
            (400, codes::INVALID_REQUEST),
            "{name:?} / {device:?}"
        );
    }
    let ((status, body), _, _) = Attacker::enroll(&url, "Zoe\u{308} Cafe\u{301}", "phone").await;
    assert_eq!(status, 201, "{body}");
    let account: serde_json::Value = serde_json::from_str(&body).unwrap();
    assert_eq!(
        account["account"]["name"], "Zoë Café",
        "stored composed: {body}"
    );
}

#[tokio::test]
async fn order_descriptions_and_refund_reasons_are_checked_like_names() {
    let backend = Backend::start().await;
    let url = backend.url();
    let (shop, _, _) = merchant_wallet(&url, "Tea House", None).await;
    let payer = funded_wallet(&url, "Ann", "50.00 CNY").await;
    for description in ["\u{1b}]0;pwned\u{7}Oolong", "Oolong\u{202E}", "a\nb"] {
        let e = shop
            .wallet
            .create_order(money("5.00 CNY"), description, None)
            .await
            .unwrap_err();
        assert_eq!(
            e.code(),
            Some(codes::INVALID_REQUEST),
            "{description:?}: {e}"
        );
    }
    let order = shop
        .wallet
        .create_order(money("5.00 CNY"), "  ", None)
        .await
        .unwrap();
    assert_eq!(order.description, "", "a blank description is allowed");
    let quote = payer.wallet.resolve_payload(&order.payload).await.unwrap();
    payer.wallet.pay(&quote, None).await.unwrap();

    let forged = "sorry\nBalance: 99999.00 CNY";
    let e = shop
        .wallet
        .refund(&order.order_id, money("1.00 CNY"), forged)
        .await
        .unwrap_err();
    assert_eq!(e.code(), Some(codes::INVALID_REQUEST), "{e}");
    shop.wallet
        .refund(&order.order_id, money("1.00 CNY"), "cup was cracked")
        .await
        .unwrap();
    payer.wallet.sync_history().await.unwrap();
    let history = payer.wallet.history(10, None).unwrap();
    assert_eq!(
        history.data[0].description,
        "Refund from Tea House: cup was cracked"
    );
    assert_eq!(history.data[0].amount, money("1.00 CNY"));
}

fn shop(name: &str) -> RegisterMerchantRequest {
    RegisterMerchantRequest {
        display_name: name.into(),
        city: "Hangzhou".into(),
        mcc: Some("5814".into()),
        webhook_url: None,
    }
}

#[tokio::test]
async fn a_merchant_name_that_lies_is_refused_and_a_lookalike_of_a_registered_one_too() {
    let backend = Backend::start().await;
    let url = backend.url();
    let honest = enrolled_wallet(&url, "Honest Ltd").await;
    honest
        .wallet
        .register_merchant(&shop("Tea House"))
        .await
        .unwrap();

    // Bidi and invisible characters: refused outright, whatever the other names.
    for lie in ["\u{202E}esuoH aeT", "Tea\u{200B}House", "Tea House\u{FEFF}"] {
        let w = enrolled_wallet(&url, "Mallory Ltd").await;
        let e = w.wallet.register_merchant(&shop(lie)).await.unwrap_err();
        assert_eq!(e.code(), Some(codes::INVALID_REQUEST), "{lie:?}: {e}");
    }
    // A copy, or one a payer could take for it: refused with its own code.
    for lookalike in [
        "Tea House",
        "TEA HOUSE",
        "Tea Hоuse",
        "Теа Ноusе",
        "TeaHouse",
    ] {
        let w = enrolled_wallet(&url, "Mallory Ltd").await;
        let e = w
            .wallet
            .register_merchant(&shop(lookalike))
            .await
            .unwrap_err();
        assert_eq!(
            e.code(),
            Some(codes::MERCHANT_NAME_TAKEN),
            "{lookalike:?}: {e}"
        );
    }
    // A name of its own registers, in its composed form.
    let other = enrolled_wallet(&url, "Other Ltd").await;
    let reg = other
        .wallet
        .register_merchant(&shop("Cafe\u{301} Lumie\u{300}re"))
        .await
        .unwrap();
    assert_eq!(reg.merchant.display_name, "Café Lumière");
}
