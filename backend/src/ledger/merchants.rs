//! Registering a merchant: one per account, under a name no registered merchant's name can
//! be mistaken for.
//!
//! A payer trusts the name the backend shows as verified. A name that merely *looks* like a
//! registered one ("Tea Hоuse" with a Cyrillic о, "TEA HOUSE", "PayPaI") would borrow that
//! trust, so registration compares Unicode TR39 confusable skeletons, case and spaces aside.

use super::rows::MerchantRow;
use super::tx::{Result, StoreError, Tx};

/// How many merchants registered before skeletons were kept get theirs per registration.
const BACKFILL: u32 = 500;

/// The form two names share when a reader could take one for the other: TR39's skeleton,
/// with case folded between two passes (so a capital I, a lower-case l and a digit 1 meet)
/// and spaces dropped.
pub fn name_skeleton(name: &str) -> String {
    use unicode_security::confusable_detection::skeleton;
    let first: String = skeleton(name).collect();
    skeleton(&first.to_lowercase())
        .filter(|c| !c.is_whitespace())
        .collect()
}

/// What a registration came to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Registration {
    Registered,
    /// The account is a merchant already.
    AlreadyMerchant,
    /// The name could be taken for this registered merchant's.
    NameTooLike {
        merchant_id: String,
    },
}

/// Registers `merchant` unless its account is one already or its name is too like another
/// merchant's. Gives merchants stored before skeletons existed theirs first, a batch at a
/// time, so the comparison covers them.
pub fn register(tx: &mut dyn Tx, merchant: &MerchantRow) -> Result<Registration> {
    for (merchant_id, name) in tx.merchants_without_skeleton(BACKFILL)? {
        tx.set_merchant_skeleton(&merchant_id, &name_skeleton(&name))?;
    }
    if tx.merchant_of_account(&merchant.account_id)?.is_some() {
        return Ok(Registration::AlreadyMerchant);
    }
    let skeleton = name_skeleton(&merchant.display_name);
    if let Some(merchant_id) = tx.merchant_named_like(&skeleton)? {
        return Ok(Registration::NameTooLike { merchant_id });
    }
    match tx.insert_merchant(merchant, &skeleton) {
        Err(StoreError::Duplicate(_)) => Ok(Registration::AlreadyMerchant),
        other => other.map(|()| Registration::Registered),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ledger::memory::Memory;

    #[test]
    fn names_a_reader_could_mistake_share_a_skeleton() {
        let tea = name_skeleton("Tea House");
        for lookalike in [
            "Tea House",
            "TEA HOUSE",
            "tea  house",
            "Teahouse",
            "Tea Hоuse", // Cyrillic о
            "Теа House", // Cyrillic Т and е
            "Tea Ηouse", // Greek Eta
            "Tea Ηоuѕе", // several at once
        ] {
            assert_eq!(name_skeleton(lookalike), tea, "{lookalike}");
        }
        assert_eq!(name_skeleton("PayPaI"), name_skeleton("paypal"));
        assert_eq!(name_skeleton("rnoon"), name_skeleton("moon"));
        for other in ["Tea Shop", "Tee House", "茶馆", "Coffee House"] {
            assert_ne!(name_skeleton(other), tea, "{other}");
        }
    }

    fn merchant(id: &str, account: &str, name: &str) -> MerchantRow {
        MerchantRow {
            merchant_id: id.into(),
            account_id: account.into(),
            display_name: name.into(),
            city: "Hangzhou".into(),
            mcc: "5814".into(),
            currency: purse_core::money::Currency::from_code("CNY").unwrap(),
            webhook_url: None,
            webhook_secret: String::new(),
            static_payload: String::new(),
            created_at: 0,
        }
    }

    #[test]
    fn a_lookalike_of_a_registered_name_is_refused_and_an_account_registers_once() {
        let mut tx = Memory::default();
        let tea = merchant("mch_tea", "acct_1", "Tea House");
        assert_eq!(register(&mut tx, &tea).unwrap(), Registration::Registered);
        assert_eq!(
            register(&mut tx, &merchant("mch_2", "acct_2", "Tea Hоuse")).unwrap(),
            Registration::NameTooLike {
                merchant_id: "mch_tea".into()
            }
        );
        assert_eq!(
            register(&mut tx, &merchant("mch_3", "acct_1", "Book Nook")).unwrap(),
            Registration::AlreadyMerchant
        );
        assert_eq!(
            register(&mut tx, &merchant("mch_4", "acct_4", "Book Nook")).unwrap(),
            Registration::Registered
        );
        assert_eq!(tx.merchants.len(), 2);
    }

    #[test]
    fn merchants_stored_before_skeletons_are_compared_too() {
        let mut tx = Memory::default();
        tx.insert_merchant(&merchant("mch_old", "acct_1", "Tea House"), "x")
            .unwrap();
        tx.skeletons.clear();
        assert_eq!(
            register(&mut tx, &merchant("mch_new", "acct_2", "TEA HOUSE")).unwrap(),
            Registration::NameTooLike {
                merchant_id: "mch_old".into()
            }
        );
    }
}
