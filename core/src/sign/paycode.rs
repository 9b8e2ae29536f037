//! Pay-code confirmations: what the payment key signs, behind the biometric, to let a till
//! charge more than the no-confirmation limit. Binds the charge, the account, the merchant
//! and the amount with its currency, and an expiry.

use serde::{Deserialize, Serialize};

use super::authorization::{Authorization, AuthorizationError, check_id, encode_fields};

use crate::money::Money;

const DOMAIN: &[u8] = b"purse-paycode-authorization:v1";

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PayCodeAuthorization {
    /// The charge confirmed; also the request's `Idempotency-Key`.
    pub charge_id: String,
    pub account_id: String,
    pub merchant_id: String,
    pub amount: Money,
    pub expires_at: i64,
}

impl Authorization for PayCodeAuthorization {
    fn validate(&self) -> Result<(), AuthorizationError> {
        check_id("charge_id", &self.charge_id)?;
        check_id("account_id", &self.account_id)?;
        check_id("merchant_id", &self.merchant_id)?;
        if !self.amount.is_positive() {
            return Err(AuthorizationError::NotPositive);
        }
        Ok(())
    }

    fn signing_bytes(&self) -> Vec<u8> {
        encode_fields(
            DOMAIN,
            &[
                self.charge_id.as_bytes(),
                self.account_id.as_bytes(),
                self.merchant_id.as_bytes(),
                &self.amount.minor.to_be_bytes(),
                self.amount.currency.code().as_bytes(),
                &self.expires_at.to_be_bytes(),
            ],
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::keys::SigningKey;

    #[test]
    fn the_charge_and_amount_are_signed() {
        let key = SigningKey::generate().unwrap();
        let a = PayCodeAuthorization {
            charge_id: "pc_1".into(),
            account_id: "acct_ada".into(),
            merchant_id: "mch_tea".into(),
            amount: Money::parse("120.00 CNY").unwrap(),
            expires_at: 1_800_000_000,
        };
        let sig = a.sign(&key).unwrap();
        assert!(a.verify(&sig, &key.public_key()));
        let more = PayCodeAuthorization {
            amount: Money::parse("120.01 CNY").unwrap(),
            ..a.clone()
        };
        assert!(!more.verify(&sig, &key.public_key()));
        let other = PayCodeAuthorization {
            charge_id: "pc_2".into(),
            ..a
        };
        assert!(!other.verify(&sig, &key.public_key()));
    }
}
