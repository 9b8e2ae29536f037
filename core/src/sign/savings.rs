//! Savings authorizations: what the payment key signs, behind the biometric, to move money
//! into or out of savings. Binds the intent, the account, the direction, the amount with
//! its currency and an expiry, so a server can neither turn a subscription into a
//! redemption nor change how much moves.

use serde::{Deserialize, Serialize};

use super::authorization::{Authorization, AuthorizationError, check_id, encode_fields};

use crate::api::types::SavingsDirection;
use crate::money::Money;

const DOMAIN: &[u8] = b"purse-savings-authorization:v1";

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SavingsAuthorization {
    pub intent_id: String,
    pub account_id: String,
    pub direction: SavingsDirection,
    pub amount: Money,
    pub expires_at: i64,
}

impl Authorization for SavingsAuthorization {
    fn validate(&self) -> Result<(), AuthorizationError> {
        check_id("intent_id", &self.intent_id)?;
        check_id("account_id", &self.account_id)?;
        if !self.amount.is_positive() {
            return Err(AuthorizationError::NotPositive);
        }
        Ok(())
    }

    fn signing_bytes(&self) -> Vec<u8> {
        encode_fields(
            DOMAIN,
            &[
                self.intent_id.as_bytes(),
                self.account_id.as_bytes(),
                self.direction.as_str().as_bytes(),
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
    fn the_direction_is_signed() {
        let key = SigningKey::generate().unwrap();
        let into = SavingsAuthorization {
            intent_id: "pi_1".into(),
            account_id: "acct_ada".into(),
            direction: SavingsDirection::In,
            amount: Money::parse("100.00 CNY").unwrap(),
            expires_at: 1_800_000_000,
        };
        let sig = into.sign(&key).unwrap();
        assert!(into.verify(&sig, &key.public_key()));
        let out = SavingsAuthorization {
            direction: SavingsDirection::Out,
            ..into.clone()
        };
        assert!(!out.verify(&sig, &key.public_key()));
        let more = SavingsAuthorization {
            amount: Money::parse("100.01 CNY").unwrap(),
            ..into
        };
        assert!(!more.verify(&sig, &key.public_key()));
    }
}
