//! Payment authorizations: what the payment key signs, behind the user's biometric, to allow
//! exactly one payment.
//!
//! The signed bytes bind every field a server could otherwise swap: the intent (which makes
//! retries of the same payment recognisable and a second payment impossible to forge from the
//! first), the paying account, the payee, the order, the amount with its currency, and an
//! expiry. The encoding is length-prefixed, so no choice of field values can make two
//! different authorizations sign the same bytes.

use serde::{Deserialize, Serialize};

use crate::keys::{KeyError, PublicKey, SigningKey};
use crate::money::Money;

const DOMAIN: &[u8] = b"purse-payment-authorization:v1";
/// Longest id accepted in an authorization.
const MAX_ID: usize = 128;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PaymentAuthorization {
    /// The payer's id for this payment: the same for every retry, new for every payment.
    pub intent_id: String,
    pub account_id: String,
    /// The merchant (or person) paid.
    pub payee_id: String,
    /// The merchant's order, for dynamic codes.
    pub order_id: Option<String>,
    pub amount: Money,
    /// Unix seconds after which the backend must refuse it.
    pub expires_at: i64,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AuthorizationError {
    #[error("{0} must be 1 to {MAX_ID} characters of letters, digits, '_', '-' or '.'")]
    BadId(&'static str),
    #[error("the amount must be positive")]
    NotPositive,
    #[error("signing failed: {0}")]
    Key(#[from] KeyError),
}

/// Length-prefixed fields after a domain: no choice of values makes two different lists
/// encode the same. What every authorization signs.
pub(crate) fn encode_fields(domain: &[u8], fields: &[&[u8]]) -> Vec<u8> {
    let mut out = Vec::with_capacity(256);
    for f in std::iter::once(&domain).chain(fields.iter()) {
        out.extend_from_slice(&(f.len() as u32).to_be_bytes());
        out.extend_from_slice(f);
    }
    out
}

/// An optional field: absent and empty must differ, so a one-byte tag says which.
pub(crate) fn optional(v: Option<&str>) -> Vec<u8> {
    match v {
        Some(s) => [b"\x01".as_slice(), s.as_bytes()].concat(),
        None => b"\x00".to_vec(),
    }
}

/// What every authorization is: fields checked on their own, bytes the payment key signs
/// (length-prefixed after a domain of its own kind), and the signature over them.
pub trait Authorization {
    /// The fields' own rules (ids, a positive amount), before anything is signed.
    fn validate(&self) -> Result<(), AuthorizationError>;
    /// The exact bytes the payment key signs.
    fn signing_bytes(&self) -> Vec<u8>;

    /// Signs with the payment key (which the caller unwrapped for this one signature).
    fn sign(&self, payment_key: &SigningKey) -> Result<[u8; 64], AuthorizationError> {
        self.validate()?;
        Ok(payment_key.sign(&self.signing_bytes())?)
    }

    fn verify(&self, signature: &[u8], payment_key: &PublicKey) -> bool {
        self.validate().is_ok() && payment_key.verify(&self.signing_bytes(), signature)
    }
}

pub(crate) fn check_id(name: &'static str, id: &str) -> Result<(), AuthorizationError> {
    let ok = !id.is_empty()
        && id.len() <= MAX_ID
        && id
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'_' | b'-' | b'.'));
    if ok {
        Ok(())
    } else {
        Err(AuthorizationError::BadId(name))
    }
}

impl Authorization for PaymentAuthorization {
    fn validate(&self) -> Result<(), AuthorizationError> {
        check_id("intent_id", &self.intent_id)?;
        check_id("account_id", &self.account_id)?;
        check_id("payee_id", &self.payee_id)?;
        if let Some(o) = &self.order_id {
            check_id("order_id", o)?;
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
                self.payee_id.as_bytes(),
                &optional(self.order_id.as_deref()),
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

    fn auth() -> PaymentAuthorization {
        PaymentAuthorization {
            intent_id: "pi_0123456789abcdef".into(),
            account_id: "acct_1".into(),
            payee_id: "m_tea_house".into(),
            order_id: Some("ord_42".into()),
            amount: Money::parse("12.34 CNY").unwrap(),
            expires_at: 1_800_000_000,
        }
    }

    #[test]
    fn signs_and_verifies() {
        let key = SigningKey::generate().unwrap();
        let sig = auth().sign(&key).unwrap();
        assert!(auth().verify(&sig, &key.public_key()));
        assert!(!auth().verify(&sig, &SigningKey::generate().unwrap().public_key()));
    }

    #[test]
    fn every_field_is_bound() {
        let key = SigningKey::generate().unwrap();
        let sig = auth().sign(&key).unwrap();
        let variants: [fn(&mut PaymentAuthorization); 8] = [
            |a| a.intent_id.push('x'),
            |a| a.account_id = "acct_2".into(),
            |a| a.payee_id = "m_other".into(),
            |a| a.order_id = Some("ord_43".into()),
            |a| a.order_id = None,
            |a| a.amount.minor += 1,
            |a| a.amount = Money::parse("12.34 USD").unwrap(),
            |a| a.expires_at += 1,
        ];
        for (i, change) in variants.iter().enumerate() {
            let mut a = auth();
            change(&mut a);
            assert!(
                !a.verify(&sig, &key.public_key()),
                "change {i} still verifies"
            );
        }
    }

    #[test]
    fn encoding_is_unambiguous() {
        // "acct_1" + "m_x" and "acct_1m" + "_x" concatenate alike; their signed bytes do not.
        let a = PaymentAuthorization {
            account_id: "acct_1".into(),
            payee_id: "m_x".into(),
            ..auth()
        };
        let b = PaymentAuthorization {
            account_id: "acct_1m".into(),
            payee_id: "_x".into(),
            ..auth()
        };
        assert_ne!(a.signing_bytes(), b.signing_bytes());
        // An empty order and no order differ too.
        let empty = PaymentAuthorization {
            order_id: Some(String::new()),
            ..auth()
        };
        let none = PaymentAuthorization {
            order_id: None,
            ..auth()
        };
        assert_ne!(empty.signing_bytes(), none.signing_bytes());
    }

    #[test]
    fn hostile_fields_are_refused() {
        let key = SigningKey::generate().unwrap();
        for change in [
            |a: &mut PaymentAuthorization| a.payee_id = "m\nx".into(),
            |a: &mut PaymentAuthorization| a.intent_id = String::new(),
            |a: &mut PaymentAuthorization| a.order_id = Some("o".repeat(200)),
            |a: &mut PaymentAuthorization| a.amount.minor = 0,
            |a: &mut PaymentAuthorization| a.amount.minor = -5,
        ] {
            let mut a = auth();
            change(&mut a);
            assert!(a.sign(&key).is_err());
        }
    }
}
