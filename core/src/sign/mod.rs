//! HTTP message signatures (RFC 9421) and content digests (RFC 9530) as Purse uses them.
//!
//! Every request to the backend carries one signature, labelled `purse`, made with the
//! device key (`ecdsa-p256-sha256`), covering at least `@method`, `@target-uri`,
//! `content-digest` and, when the request has one, `idempotency-key`; its parameters are
//! `created`, `expires`, `nonce`, `keyid` (the device id) and `alg`.
//!
//! Payments carry a second signature, by the payment key: a [`PaymentAuthorization`].

mod authorization;
mod base;
mod bill;
pub mod console;
mod digest;
mod paycode;
mod request;
mod savings;
mod transfer;
pub mod webhook;

pub use authorization::{Authorization, AuthorizationError, PaymentAuthorization};
pub use base::{MessageView, ParamValue, SignatureParams, signature_base};
pub use bill::{BillAuthorization, MAX_REFERENCE};
pub use digest::{content_digest, verify_content_digest};
pub use paycode::PayCodeAuthorization;
pub use request::{
    LABEL, ParsedSignature, SignedHeaders, parse_signature, required_components, sign_request,
};
pub use savings::SavingsAuthorization;
pub use transfer::{TransferAuthorization, WithdrawalAuthorization, note_digest};

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SignError {
    #[error("request is not signed")]
    Missing,
    #[error("malformed signature: {0}")]
    Malformed(&'static str),
    #[error("signature does not cover {0}")]
    MissingComponent(String),
    #[error("unsupported component {0}")]
    UnsupportedComponent(String),
    #[error("unsupported signature algorithm {0}")]
    UnsupportedAlgorithm(String),
    #[error("content digest does not match the body")]
    DigestMismatch,
    #[error("signature does not verify")]
    BadSignature,
    #[error("signing failed: {0}")]
    Key(String),
}

#[cfg(test)]
mod rfc9421_tests;
