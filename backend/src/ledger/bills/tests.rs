//! The bill rule on the in-memory transaction, with the shipped catalogue's sandbox billers.

use purse_core::api::types::{BillPaymentState, TransactionKind};
use purse_core::money::Money;

use super::*;
use crate::billers::{Catalogue, SandboxBillers};
use crate::ledger::devices::DeviceReads;
use crate::ledger::memory::{Memory, shop};
use crate::ledger::tx::Reads;

fn setup() -> (Memory, Catalogue, SandboxBillers) {
    let mut m = shop();
    let c = Catalogue::shipped();
    for b in &c.billers {
        m.upsert_biller(b, 0).unwrap();
    }
    let s = SandboxBillers::new(c.sandbox.clone());
    (m, c, s)
}

fn draft(m: &mut Memory, biller: &str, reference: &str, minor: i64) -> BillPaymentDraft {
    let account = m.account("acct_payer").unwrap().unwrap();
    let biller = m.biller(biller).unwrap().unwrap();
    BillPaymentDraft {
        bill_payment_id: format!("bp_{reference}"),
        transaction_id: format!("tx_{reference}_{minor}"),
        intent_id: format!("pi_{reference}_{minor}"),
        amount: Money::new(minor, account.currency),
        account,
        biller,
        reference: reference.into(),
        product_id: None,
        quote_id: None,
        due: None,
        maxima: Maxima {
            per_payment_major: 1_000,
            per_day_major: 1_000,
        },
        device_cap: None,
        now: 10,
    }
}

fn refusal(r: BillPaymentResult) -> BillPaymentRefusal {
    match r {
        BillPaymentResult::Refused(r) => r,
        BillPaymentResult::Paid { .. } => panic!("paid"),
    }
}

#[test]
fn a_bill_is_paid_at_once_in_part_when_the_rule_allows() {
    let (mut m, _, s) = setup();
    let mut d = draft(&mut m, "cn_state_grid", "1000000008", 5_000);
    d.due = Some(Money::new(23_560, d.amount.currency));
    let BillPaymentResult::Paid { payment, tx } = pay(&mut m, &d, &s).unwrap() else {
        panic!()
    };
    assert_eq!(payment.state, BillPaymentState::Completed);
    assert!(payment.confirmation.as_deref().unwrap().starts_with("CNF"));
    assert_eq!(tx.transaction.kind, TransactionKind::BillPayment);
    assert_eq!(m.wallet("acct_payer"), 5_000);
    assert_eq!(
        refusal(pay(&mut m, &d, &s).unwrap()),
        BillPaymentRefusal::IntentUsed
    );
    assert_eq!(m.total(), 0);
}

#[test]
fn a_rejected_payment_comes_back_with_a_refund_and_a_notice() {
    let (mut m, _, s) = setup();
    let mut d = draft(&mut m, "cn_state_grid", "1000000024", 9_990);
    d.due = Some(d.amount);
    let BillPaymentResult::Paid { payment, .. } = pay(&mut m, &d, &s).unwrap() else {
        panic!()
    };
    assert_eq!(payment.state, BillPaymentState::Pending);
    assert_eq!(m.wallet("acct_payer"), 10);
    let biller = d.biller.clone();
    let answer = s.advance(&biller, "1000000024");
    let done = settle(&mut m, payment, &biller, answer.clone(), "Ann", "tx_r", 20).unwrap();
    assert_eq!(done.state, BillPaymentState::Failed);
    assert!(done.failure.is_some());
    assert_eq!(m.wallet("acct_payer"), 10_000, "the money came back");
    let (rows, _) = m.transactions("acct_payer", 1, None).unwrap();
    assert_eq!(rows[0].transaction.kind, TransactionKind::BillRefund);
    let notices = m.notices("acct_payer", 0, 10).unwrap();
    assert_eq!(notices.last().unwrap().kind, NoticeKind::BillFailed);
    assert_eq!(
        notices.last().unwrap().intent_id.as_deref(),
        Some(d.intent_id.as_str())
    );
    assert_eq!(
        settle(&mut m, done.clone(), &biller, answer, "Ann", "tx_r2", 30).unwrap(),
        done,
        "once"
    );
    assert_eq!(m.total(), 0);
}

#[test]
fn rules_refuse_and_write_nothing() {
    let (mut m, _, s) = setup();
    let cases: Vec<(BillPaymentDraft, &str)> = vec![
        (
            draft(&mut m, "cn_state_grid", "1000000009", 100),
            "reference_bad_check_digit",
        ),
        (
            draft(&mut m, "cn_state_grid", "1000000008", 100),
            "bill_required",
        ),
        (
            {
                let mut d = draft(&mut m, "cn_shanghai_water", "SH20261101", 1_000);
                d.due = Some(Money::new(4_620, d.amount.currency));
                d
            },
            "amount_must_equal_due",
        ),
        (
            {
                let mut d = draft(&mut m, "cn_state_grid", "1000000008", 30_000);
                d.due = Some(Money::new(23_560, d.amount.currency));
                d
            },
            "amount_above_due",
        ),
        (
            draft(&mut m, "cn_city_gas", "3000000190", 999),
            "amount_below_minimum",
        ),
        (
            draft(&mut m, "cn_china_mobile", "+8613800138000", 3_000),
            "product_unknown",
        ),
    ];
    for (d, code) in cases {
        match refusal(pay(&mut m, &d, &s).unwrap()) {
            BillPaymentRefusal::Bill(e) => assert_eq!(e.code(), code),
            other => panic!("{code}: {other:?}"),
        }
    }
    let foreign = draft(&mut m, "ch_ewz", "000000000003139471430009018", 4_550);
    assert_eq!(
        refusal(pay(&mut m, &foreign, &s).unwrap()),
        BillPaymentRefusal::QuoteRequired
    );
    assert_eq!(m.wallet("acct_payer"), 10_000);
    assert!(m.bill_tables.payments.is_empty());
}

#[test]
fn a_quote_pays_once_in_time_and_its_fee_stays_with_purse() {
    let (mut m, c, s) = setup();
    let account = m.account("acct_payer").unwrap().unwrap();
    let chf = Money::parse("10.00 CHF").unwrap();
    let conv = c.fx.convert(account.currency, chf).unwrap();
    m.insert_quote(&QuoteRow {
        quote_id: "q_1".into(),
        account_id: "acct_payer".into(),
        biller_id: "ch_ewz".into(),
        reference: "000000000003139471430009018".into(),
        product_id: None,
        biller_amount: chf,
        rate_micros: conv.rate_micros,
        fee: conv.fee,
        debit: conv.debit,
        expires_at: 100,
        created_at: 0,
        used_by: None,
    })
    .unwrap();
    let mut d = draft(
        &mut m,
        "ch_ewz",
        "000000000003139471430009018",
        conv.debit.minor,
    );
    d.quote_id = Some("q_1".into());
    d.due = Some(chf);
    let mut late = d.clone();
    late.now = 101;
    assert_eq!(
        refusal(pay(&mut m, &late, &s).unwrap()),
        BillPaymentRefusal::QuoteExpired
    );
    let mut other = d.clone();
    other.amount.minor -= 1;
    assert_eq!(
        refusal(pay(&mut m, &other, &s).unwrap()),
        BillPaymentRefusal::QuoteMismatch
    );
    let BillPaymentResult::Paid { payment, .. } = pay(&mut m, &d, &s).unwrap() else {
        panic!()
    };
    assert_eq!(payment.biller_amount, Some(chf));
    assert_eq!(payment.fee, conv.fee);
    assert_eq!(m.wallet("acct_payer"), 10_000 - conv.debit.minor);
    let fees = m
        .balance(&LedgerAccount::system("fees:fx", account.currency))
        .unwrap()
        .unwrap();
    assert_eq!(fees.0, conv.fee);
    let mut again = d.clone();
    again.intent_id = "pi_again".into();
    assert_eq!(
        refusal(pay(&mut m, &again, &s).unwrap()),
        BillPaymentRefusal::QuoteMismatch
    );
    assert_eq!(m.total(), 0);
}

#[test]
fn a_top_up_is_held_then_credited() {
    let (mut m, _, s) = setup();
    let mut d = draft(&mut m, "cn_china_mobile", "+8613800138000", 5_000);
    d.product_id = Some("cm_50".into());
    let BillPaymentResult::Paid { payment, .. } = pay(&mut m, &d, &s).unwrap() else {
        panic!()
    };
    assert_eq!(payment.state, BillPaymentState::Pending);
    let answer = s.advance(&d.biller, &d.reference);
    let done = settle(&mut m, payment, &d.biller, answer, "Ann", "tx_s", 20).unwrap();
    assert_eq!(done.state, BillPaymentState::Completed);
    assert_eq!(m.wallet("acct_payer"), 5_000);
    let mut wrong = draft(&mut m, "cn_china_mobile", "+8613800138000", 4_000);
    wrong.product_id = Some("cm_50".into());
    match refusal(pay(&mut m, &wrong, &s).unwrap()) {
        BillPaymentRefusal::Bill(e) => assert_eq!(e.code(), "amount_must_equal_due"),
        other => panic!("{other:?}"),
    }
    assert_eq!(m.total(), 0);
}

#[test]
fn saving_checks_the_reference_and_keeps_one_of_each() {
    let (mut m, _, _) = setup();
    let biller = m.biller("cn_state_grid").unwrap().unwrap();
    let row = |r: &str| SavedBillerRow {
        saved_id: format!("sb_{r}"),
        account_id: "acct_payer".into(),
        biller_id: "cn_state_grid".into(),
        reference: r.into(),
        nickname: "Home".into(),
        created_at: 0,
    };
    assert_eq!(
        save(&mut m, &biller, row("1000 0000 08"))
            .unwrap()
            .unwrap()
            .reference,
        "1000000008"
    );
    assert_eq!(
        save(&mut m, &biller, row("1000000008")).unwrap(),
        Err(SaveRefusal::Exists)
    );
    assert!(matches!(
        save(&mut m, &biller, row("123")).unwrap(),
        Err(SaveRefusal::Bill(_))
    ));
}
