//! The people rules on the in-memory transaction.

use purse_core::api::types::ContactKind;

use super::*;
use crate::ledger::memory::{Memory, shop};

fn challenge(account: &str, value: &str, id: &str, code: &str) -> ContactChallengeRow {
    ContactChallengeRow {
        challenge_id: id.into(),
        account_id: account.into(),
        kind: ContactKind::Phone,
        value: value.into(),
        code_hash: code_hash(id, code),
        tries_left: OTP_TRIES,
        created_at: 0,
        expires_at: OTP_TTL_SECS,
    }
}

#[test]
fn a_handle_belongs_to_one_account_and_can_be_changed() {
    let mut m: Memory = shop();
    assert_eq!(claim_handle(&mut m, "acct_payer", "$ann").unwrap(), Ok(()));
    assert_eq!(
        claim_handle(&mut m, "acct_payer", "$ann").unwrap(),
        Ok(()),
        "again is fine"
    );
    assert_eq!(
        claim_handle(&mut m, "acct_shop", "$ann").unwrap(),
        Err(PeopleRefusal::Taken)
    );
    assert_eq!(
        claim_handle(&mut m, "acct_payer", "$annie").unwrap(),
        Ok(())
    );
    assert_eq!(
        m.account_of_handle("$ann").unwrap(),
        None,
        "the old one is free again"
    );
    assert_eq!(claim_handle(&mut m, "acct_shop", "$ann").unwrap(), Ok(()));
}

#[test]
fn a_code_proves_a_contact_once_and_wrong_tries_run_out() {
    let mut m = shop();
    let c = challenge("acct_payer", "+8613800138000", "otp_1", "123456");
    assert_eq!(send_code(&mut m, &c, "123456").unwrap(), Ok(()));
    assert!(
        m.sandbox_messages("acct_payer", 5).unwrap()[0]
            .body
            .contains("123456")
    );
    assert_eq!(
        verify_code(&mut m, "acct_shop", "otp_1", "123456", 1).unwrap(),
        Err(PeopleRefusal::NotFound),
        "another account's challenge"
    );
    assert_eq!(
        verify_code(&mut m, "acct_payer", "otp_1", "000000", 1).unwrap(),
        Err(PeopleRefusal::Wrong { tries_left: 4 })
    );
    assert_eq!(
        verify_code(&mut m, "acct_payer", "otp_1", " 123456 ", 2).unwrap(),
        Ok((ContactKind::Phone, "+8613800138000".into()))
    );
    assert_eq!(
        m.contact_of("acct_payer", ContactKind::Phone)
            .unwrap()
            .as_deref(),
        Some("+8613800138000")
    );
    assert_eq!(
        verify_code(&mut m, "acct_payer", "otp_1", "123456", 3).unwrap(),
        Err(PeopleRefusal::NotFound),
        "spent"
    );
    // Someone else cannot take the proven number.
    let theirs = challenge("acct_shop", "+8613800138000", "otp_2", "111111");
    assert_eq!(
        send_code(&mut m, &theirs, "111111").unwrap(),
        Err(PeopleRefusal::Taken)
    );

    let c = challenge("acct_shop", "+8613900139000", "otp_3", "222222");
    send_code(&mut m, &c, "222222").unwrap().unwrap();
    for left in (0..OTP_TRIES).rev() {
        assert_eq!(
            verify_code(&mut m, "acct_shop", "otp_3", "999999", 10).unwrap(),
            Err(PeopleRefusal::Wrong { tries_left: left })
        );
    }
    assert_eq!(
        verify_code(&mut m, "acct_shop", "otp_3", "222222", 10).unwrap(),
        Err(PeopleRefusal::Exhausted),
        "even the right code, once the tries are spent"
    );
    let late = challenge("acct_shop", "+8613900139001", "otp_4", "333333");
    send_code(&mut m, &late, "333333").unwrap().unwrap();
    assert_eq!(
        verify_code(&mut m, "acct_shop", "otp_4", "333333", OTP_TTL_SECS).unwrap(),
        Err(PeopleRefusal::Expired)
    );
}

#[test]
fn a_receive_code_is_made_once_and_a_rotated_one_stops_resolving() {
    let mut m = shop();
    let first = receive_code(&mut m, "acct_payer", "rc_1", 0).unwrap();
    assert_eq!(
        receive_code(&mut m, "acct_payer", "rc_2", 1).unwrap(),
        first,
        "the same code"
    );
    assert_eq!(
        receive_code_owner(&mut m, "rc_1").unwrap().as_deref(),
        Some("acct_payer")
    );
    let new = rotate_receive_code(&mut m, "acct_payer", "rc_3", 2).unwrap();
    assert_eq!(new.code_id, "rc_3");
    assert_eq!(receive_code_owner(&mut m, "rc_1").unwrap(), None);
    assert_eq!(
        receive_code_owner(&mut m, "rc_3").unwrap().as_deref(),
        Some("acct_payer")
    );
    assert_eq!(receive_code_owner(&mut m, "rc_nope").unwrap(), None);
}
