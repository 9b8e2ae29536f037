//! Transfer authorizations: what the payment key signs, behind the biometric, to send money
//! to a person. Binds the intent, both accounts, the amount with its currency, a digest of
//! the note (so a server cannot show the recipient another text), the request it pays if
//! any, and an expiry.

use serde::{Deserialize, Serialize};

use super::authorization::{Authorization, AuthorizationError, check_id, encode_fields, optional};

use crate::money::Money;

const DOMAIN: &[u8] = b"purse-transfer-authorization:v1";

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct TransferAuthorization {
    /// The sender's id for this transfer: the same for every retry.
    pub intent_id: String,
    pub account_id: String,
    pub recipient_id: String,
    pub amount: Money,
    /// Hex SHA-256 of the note's UTF-8 ([`note_digest`]).
    pub note_digest: String,
    /// The money request this transfer pays, if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub request_id: Option<String>,
    pub expires_at: i64,
}

/// What the payment key signs to move money to a linked bank account: the intent, the
/// account, the bank source, the amount with its currency, and an expiry.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct WithdrawalAuthorization {
    pub intent_id: String,
    pub account_id: String,
    pub source_id: String,
    pub amount: Money,
    pub expires_at: i64,
}

impl Authorization for WithdrawalAuthorization {
    fn validate(&self) -> Result<(), AuthorizationError> {
        check_id("intent_id", &self.intent_id)?;
        check_id("account_id", &self.account_id)?;
        check_id("source_id", &self.source_id)?;
        if !self.amount.is_positive() {
            return Err(AuthorizationError::NotPositive);
        }
        Ok(())
    }

    fn signing_bytes(&self) -> Vec<u8> {
        encode_fields(
            b"purse-withdrawal-authorization:v1",
            &[
                self.intent_id.as_bytes(),
                self.account_id.as_bytes(),
                self.source_id.as_bytes(),
                &self.amount.minor.to_be_bytes(),
                self.amount.currency.code().as_bytes(),
                &self.expires_at.to_be_bytes(),
            ],
        )
    }
}

/// The digest a transfer authorization binds its note by.
pub fn note_digest(note: &str) -> String {
    hex::encode(ring::digest::digest(&ring::digest::SHA256, note.as_bytes()).as_ref())
}

impl Authorization for TransferAuthorization {
    fn validate(&self) -> Result<(), AuthorizationError> {
        check_id("intent_id", &self.intent_id)?;
        check_id("account_id", &self.account_id)?;
        check_id("recipient_id", &self.recipient_id)?;
        if let Some(r) = &self.request_id {
            check_id("request_id", r)?;
        }
        check_id("note_digest", &self.note_digest)?;
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
                self.recipient_id.as_bytes(),
                &self.amount.minor.to_be_bytes(),
                self.amount.currency.code().as_bytes(),
                self.note_digest.as_bytes(),
                &optional(self.request_id.as_deref()),
                &self.expires_at.to_be_bytes(),
            ],
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::keys::SigningKey;

    fn auth() -> TransferAuthorization {
        TransferAuthorization {
            intent_id: "pi_1".into(),
            account_id: "acct_ada".into(),
            recipient_id: "acct_bo".into(),
            amount: Money::parse("10.00 CNY").unwrap(),
            note_digest: note_digest("lunch"),
            request_id: None,
            expires_at: 1_800_000_000,
        }
    }

    #[test]
    fn signs_verifies_and_binds_every_field() {
        let key = SigningKey::generate().unwrap();
        let a = auth();
        let sig = a.sign(&key).unwrap();
        assert!(a.verify(&sig, &key.public_key()));
        for changed in [
            TransferAuthorization {
                recipient_id: "acct_eve".into(),
                ..auth()
            },
            TransferAuthorization {
                amount: Money::parse("10.01 CNY").unwrap(),
                ..auth()
            },
            TransferAuthorization {
                note_digest: note_digest("lunch!"),
                ..auth()
            },
            TransferAuthorization {
                request_id: Some("req_1".into()),
                ..auth()
            },
            TransferAuthorization {
                expires_at: 1_800_000_001,
                ..auth()
            },
        ] {
            assert!(!changed.verify(&sig, &key.public_key()));
        }
        assert_ne!(
            auth().signing_bytes(),
            crate::sign::PaymentAuthorization {
                intent_id: "pi_1".into(),
                account_id: "acct_ada".into(),
                payee_id: "acct_bo".into(),
                order_id: None,
                amount: Money::parse("10.00 CNY").unwrap(),
                expires_at: 1_800_000_000,
            }
            .signing_bytes(),
            "a payment's signature is never a transfer's"
        );
    }

    #[test]
    fn a_zero_amount_or_a_bad_id_is_refused() {
        let key = SigningKey::generate().unwrap();
        assert!(
            TransferAuthorization {
                amount: Money::parse("0.00 CNY").unwrap(),
                ..auth()
            }
            .sign(&key)
            .is_err()
        );
        assert!(
            TransferAuthorization {
                recipient_id: "a b".into(),
                ..auth()
            }
            .sign(&key)
            .is_err()
        );
    }
}
