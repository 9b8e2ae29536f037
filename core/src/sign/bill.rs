//! Bill authorizations: what the payment key signs, behind the biometric, to pay a bill or
//! top up a phone. Binds the intent, the account, the biller, the customer reference (so a
//! server cannot pay someone else's bill with it), the amount with its currency, the product
//! and quote if any, and an expiry.

use serde::{Deserialize, Serialize};

use super::authorization::{Authorization, AuthorizationError, check_id, encode_fields, optional};

use crate::money::Money;

const DOMAIN: &[u8] = b"purse-bill-authorization:v1";
/// Longest customer reference any rule allows.
pub const MAX_REFERENCE: usize = 64;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct BillAuthorization {
    pub intent_id: String,
    pub account_id: String,
    pub biller_id: String,
    /// The normalised customer reference (or the E.164 number of a top-up).
    pub reference: String,
    /// What leaves the wallet.
    pub amount: Money,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub product_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub quote_id: Option<String>,
    pub expires_at: i64,
}

impl Authorization for BillAuthorization {
    fn validate(&self) -> Result<(), AuthorizationError> {
        check_id("intent_id", &self.intent_id)?;
        check_id("account_id", &self.account_id)?;
        check_id("biller_id", &self.biller_id)?;
        let reference_ok = !self.reference.is_empty()
            && self.reference.len() <= MAX_REFERENCE
            && self
                .reference
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'+');
        if !reference_ok {
            return Err(AuthorizationError::BadId("reference"));
        }
        if let Some(p) = &self.product_id {
            check_id("product_id", p)?;
        }
        if let Some(q) = &self.quote_id {
            check_id("quote_id", q)?;
        }
        if !self.amount.is_positive() {
            return Err(AuthorizationError::NotPositive);
        }
        Ok(())
    }

    /// The exact bytes the payment key signs.
    fn signing_bytes(&self) -> Vec<u8> {
        encode_fields(
            DOMAIN,
            &[
                self.intent_id.as_bytes(),
                self.account_id.as_bytes(),
                self.biller_id.as_bytes(),
                self.reference.as_bytes(),
                &self.amount.minor.to_be_bytes(),
                self.amount.currency.code().as_bytes(),
                &optional(self.product_id.as_deref()),
                &optional(self.quote_id.as_deref()),
                &self.expires_at.to_be_bytes(),
            ],
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::keys::SigningKey;

    fn auth() -> BillAuthorization {
        BillAuthorization {
            intent_id: "pi_1".into(),
            account_id: "acct_1".into(),
            biller_id: "cn_state_grid".into(),
            reference: "RF18539007547034".into(),
            amount: Money::parse("12.34 CNY").unwrap(),
            product_id: None,
            quote_id: None,
            expires_at: 1_800_000_000,
        }
    }

    #[test]
    fn every_field_is_bound() {
        let key = SigningKey::generate().unwrap();
        let sig = key.sign(&auth().signing_bytes()).unwrap();
        assert!(auth().verify(&sig, &key.public_key()));
        let variants: [fn(&mut BillAuthorization); 9] = [
            |a| a.intent_id.push('x'),
            |a| a.account_id = "acct_2".into(),
            |a| a.biller_id = "other".into(),
            |a| a.reference = "RF712348231".into(),
            |a| a.amount.minor += 1,
            |a| a.amount = Money::parse("12.34 EUR").unwrap(),
            |a| a.product_id = Some("p".into()),
            |a| a.quote_id = Some("q".into()),
            |a| a.expires_at += 1,
        ];
        for (i, change) in variants.iter().enumerate() {
            let mut a = auth();
            change(&mut a);
            assert!(!a.verify(&sig, &key.public_key()), "change {i} verifies");
        }
    }

    #[test]
    fn hostile_references_are_refused() {
        for r in ["", "RF18 5390", "12\n34", &"1".repeat(65)] {
            let a = BillAuthorization {
                reference: r.into(),
                ..auth()
            };
            assert!(a.validate().is_err(), "{r:?}");
        }
        let phone = BillAuthorization {
            reference: "+447700900123".into(),
            ..auth()
        };
        assert!(phone.validate().is_ok());
    }
}
