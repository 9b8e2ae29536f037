//! Bills and phone top-up as rules: whether a customer reference meets its biller's rules,
//! whether an amount meets the biller's amount rule or the product's price, and what a
//! scanned QR-bill or EPC code would pay. Shared by the wallet (which checks offline, before
//! anything is sent) and the backend (which checks again and decides).
//!
//! One biller model serves both: a phone operator is a biller of category `prepaid_mobile`
//! whose reference is the E.164 number and whose amounts are its products.

mod amount;
mod check_digit;
mod reference;
mod scanned;

pub use amount::{check_amount, check_product, needs_bill};
pub use check_digit::{iso11649, luhn, mod97_10, swiss_mod10, swiss_qr};
pub use reference::{check_pattern, check_reference, normalize_reference};
pub use scanned::{ScannedBill, bill_from_code};

use crate::api::types::codes;
use crate::money::Money;

/// Why a reference or an amount cannot be paid to a biller: one variant per rule, so a
/// screen says exactly what is wrong. [`BillError::code`] is the backend's problem code for
/// the same rule.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum BillError {
    #[error("enter the {label}")]
    ReferenceEmpty { label: String },
    #[error("the {label} is at least {min} characters")]
    TooShort { label: String, min: u32 },
    #[error("the {label} is at most {max} characters")]
    TooLong { label: String, max: u32 },
    #[error("the {label} holds characters it cannot have")]
    BadCharacters { label: String },
    #[error("the {label} does not have the biller's format")]
    PatternMismatch { label: String },
    #[error("the {label} has a wrong check digit: look for a typo")]
    BadCheckDigit { label: String },
    #[error("the amount must be positive")]
    NotPositive,
    #[error("this biller is paid in {expected}")]
    CurrencyMismatch { expected: String },
    #[error("pay exactly the amount due, {due}")]
    MustEqualDue { due: Money },
    #[error("pay at least the amount due, {due}")]
    BelowDue { due: Money },
    #[error("pay at most the amount due, {due}")]
    AboveDue { due: Money },
    #[error("the least this biller takes is {min}")]
    BelowMinimum { min: Money },
    #[error("the most this biller takes is {max}")]
    AboveMaximum { max: Money },
    #[error("fetch the bill first: this biller needs it to know the amount")]
    BillRequired,
    #[error("this product has no such amount: from {min} to {max} in steps of {step}")]
    OffStep { min: Money, max: Money, step: Money },
    #[error("the operator has no product {product_id}")]
    UnknownProduct { product_id: String },
    /// A scanned code that is not a bill (a shop's code, a UPI link).
    #[error("a {format} code is not a bill")]
    NotABill { format: String },
    /// A scanned bill to an account no registered biller is paid to: explained, not paid.
    #[error("{creditor} is not a biller Purse can pay")]
    UnknownCreditor { creditor: String },
    #[error("the scanned bill carries no reference to pay it by")]
    NoReference,
    #[error("this biller's own rule is broken: {0}")]
    BadRule(String),
}

impl BillError {
    /// The stable code, the same the backend answers for this rule.
    pub fn code(&self) -> &'static str {
        match self {
            BillError::ReferenceEmpty { .. } => codes::REFERENCE_EMPTY,
            BillError::TooShort { .. } => codes::REFERENCE_TOO_SHORT,
            BillError::TooLong { .. } => codes::REFERENCE_TOO_LONG,
            BillError::BadCharacters { .. } => codes::REFERENCE_BAD_CHARACTERS,
            BillError::PatternMismatch { .. } => codes::REFERENCE_PATTERN_MISMATCH,
            BillError::BadCheckDigit { .. } => codes::REFERENCE_BAD_CHECK_DIGIT,
            BillError::NotPositive => codes::AMOUNT_INVALID,
            BillError::CurrencyMismatch { .. } => codes::CURRENCY_MISMATCH,
            BillError::MustEqualDue { .. } => codes::AMOUNT_MUST_EQUAL_DUE,
            BillError::BelowDue { .. } => codes::AMOUNT_BELOW_DUE,
            BillError::AboveDue { .. } => codes::AMOUNT_ABOVE_DUE,
            BillError::BelowMinimum { .. } => codes::AMOUNT_BELOW_MINIMUM,
            BillError::AboveMaximum { .. } => codes::AMOUNT_ABOVE_MAXIMUM,
            BillError::BillRequired => codes::BILL_REQUIRED,
            BillError::OffStep { .. } => codes::AMOUNT_OFF_STEP,
            BillError::UnknownProduct { .. } => codes::PRODUCT_UNKNOWN,
            BillError::NotABill { .. } => codes::NOT_A_BILL,
            BillError::UnknownCreditor { .. } => codes::CREDITOR_UNKNOWN,
            BillError::NoReference => codes::REFERENCE_EMPTY,
            BillError::BadRule(_) => codes::INTERNAL,
        }
    }
}
