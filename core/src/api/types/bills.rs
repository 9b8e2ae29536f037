//! The wire types of bills and phone top-up: the biller catalogue (billers as data, in the
//! manner of BBPS biller definitions), a fetched bill, a bill payment and its receipt, saved
//! billers, and the top-up quote of a cross-currency operator.

use serde::{Deserialize, Serialize};

use super::Transaction;
use crate::money::{Currency, Money};
use crate::sign::BillAuthorization;

/// What a biller bills for. Phone operators are `prepaid_mobile` billers with products.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "uniffi", derive(uniffi::Enum))]
#[serde(rename_all = "snake_case")]
pub enum BillerCategory {
    Electricity,
    Water,
    Gas,
    Internet,
    PostpaidMobile,
    CreditCard,
    Tax,
    PrepaidMobile,
}

impl BillerCategory {
    pub const ALL: [BillerCategory; 8] = [
        BillerCategory::Electricity,
        BillerCategory::Water,
        BillerCategory::Gas,
        BillerCategory::Internet,
        BillerCategory::PostpaidMobile,
        BillerCategory::CreditCard,
        BillerCategory::Tax,
        BillerCategory::PrepaidMobile,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            BillerCategory::Electricity => "electricity",
            BillerCategory::Water => "water",
            BillerCategory::Gas => "gas",
            BillerCategory::Internet => "internet",
            BillerCategory::PostpaidMobile => "postpaid_mobile",
            BillerCategory::CreditCard => "credit_card",
            BillerCategory::Tax => "tax",
            BillerCategory::PrepaidMobile => "prepaid_mobile",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|c| c.as_str() == s)
    }
}

/// Which characters a customer reference may hold.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "uniffi", derive(uniffi::Enum))]
#[serde(rename_all = "snake_case")]
pub enum ParamKind {
    /// Digits only.
    Numeric,
    /// Letters A-Z and digits (typed letters are upper-cased).
    Alphanumeric,
    /// A phone number in E.164 (`+` and 8 to 15 digits): a top-up's number.
    E164,
}

/// The check-digit rule of a customer reference ([`CheckDigit::verify`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "uniffi", derive(uniffi::Enum))]
#[serde(rename_all = "snake_case")]
pub enum CheckDigit {
    None,
    Luhn,
    /// ISO 11649 `RF` creditor reference (mod 97).
    Iso11649,
    /// Swiss QR reference (27 digits, recursive mod 10).
    SwissQr,
    /// ISO 7064 mod 97-10 over the whole reference.
    #[serde(rename = "iso7064_mod97_10")]
    Iso7064Mod97_10,
}

/// Whether the biller can say what is due.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "uniffi", derive(uniffi::Enum))]
#[serde(rename_all = "snake_case")]
pub enum FetchMode {
    /// A bill must be fetched before it is paid.
    Mandatory,
    /// A bill can be fetched; the payer may also pay without one.
    Optional,
    /// The biller cannot say: the payer types the amount.
    NotSupported,
}

/// Which amounts a biller accepts, against the bill's amount due.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "uniffi", derive(uniffi::Enum))]
#[serde(rename_all = "snake_case")]
pub enum AmountRule {
    /// Exactly the amount due.
    Exact,
    /// The amount due or more (an advance).
    AtLeastDue,
    /// Up to the amount due (a part payment).
    AtMostDue,
    /// Any amount within the biller's minimum and maximum.
    Range,
}

/// How a top-up product is priced, in the operator's currency.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "uniffi", derive(uniffi::Enum))]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum ProductPrice {
    /// One denomination.
    Fixed { amount: Money },
    /// Any amount from `min` to `max` in steps of `step` above `min`.
    Range { min: Money, max: Money, step: Money },
}

wire! {
    /// The one customer parameter a biller asks for (the account number, the creditor
    /// reference, the phone number) and the rules it must meet.
    #[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
    pub struct CustomerParam {
        /// What a screen calls it ("Account number").
        pub label: String,
        pub kind: ParamKind,
        pub min_length: u32,
        pub max_length: u32,
        /// A regular expression the whole normalised reference must match (regex-lite
        /// syntax), if any.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub pattern: Option<String>,
        pub check_digit: CheckDigit,
    }

    #[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
    pub struct Product {
        pub product_id: String,
        pub name: String,
        pub price: ProductPrice,
    }

    /// A biller as the catalogue defines it.
    #[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
    pub struct Biller {
        pub biller_id: String,
        pub name: String,
        pub category: BillerCategory,
        /// ISO 3166-1 alpha-2.
        pub country: String,
        /// What the biller is paid in; a top-up in another currency is quoted first.
        pub currency: Currency,
        pub reference: CustomerParam,
        pub fetch_mode: FetchMode,
        pub amount_rule: AmountRule,
        pub min_amount: Money,
        pub max_amount: Money,
        /// IBANs (and QR-IBANs) the biller is paid to: how a scanned QR-bill or EPC code is
        /// matched to it.
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        pub creditor_accounts: Vec<String>,
        /// A phone operator's products.
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        pub products: Vec<Product>,
        /// A phone operator's numbering-plan prefixes, in E.164 (`+4477`): what suggests it
        /// for a number, though numbers move between operators.
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        pub prefixes: Vec<String>,
    }

    pub struct BillerList {
        pub data: Vec<Biller>,
    }

    /// What the biller says is due for a reference.
    #[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
    pub struct Bill {
        pub biller_id: String,
        pub reference: String,
        pub amount_due: Money,
        /// `YYYY-MM-DD`.
        pub due_date: String,
        pub bill_number: String,
        /// The biller's customer, masked ("A** L*******").
        pub customer_name: String,
    }

    /// Pays a bill or tops up a phone. The `Idempotency-Key` is the authorization's intent
    /// id. `amount` is what leaves the wallet; for a quoted top-up it is the quote's debit.
    pub struct BillPaymentRequest {
        pub biller_id: String,
        pub reference: String,
        pub amount: Money,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub product_id: Option<String>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub quote_id: Option<String>,
        pub authorization: BillAuthorization,
        pub authorization_signature: String,
    }

    /// A bill payment's receipt.
    #[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
    pub struct BillPayment {
        pub bill_payment_id: String,
        pub intent_id: String,
        pub biller_id: String,
        pub biller_name: String,
        pub category: BillerCategory,
        pub reference: String,
        /// What left the wallet.
        pub amount: Money,
        /// What the biller was paid, when that is another currency (a quoted top-up).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub biller_amount: Option<Money>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub product_id: Option<String>,
        pub state: BillPaymentState,
        /// The biller's confirmation number, once completed.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub confirmation: Option<String>,
        /// Why the biller failed it (the money came back).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub failure: Option<String>,
        /// The balance right after the payment.
        pub balance: Money,
        pub transaction: Transaction,
        pub created_at: i64,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub settled_at: Option<i64>,
    }

    pub struct BillPaymentList {
        pub data: Vec<BillPayment>,
    }

    pub struct SaveBillerRequest {
        pub biller_id: String,
        pub reference: String,
        pub nickname: String,
    }

    /// A biller the user pays again: which one, the reference, and what the user calls it.
    #[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
    pub struct SavedBiller {
        pub saved_id: String,
        pub biller_id: String,
        pub biller_name: String,
        pub reference: String,
        pub nickname: String,
        pub created_at: i64,
    }

    pub struct SavedBillerList {
        pub data: Vec<SavedBiller>,
    }

    /// One saved biller in the "due now" list: its bill, or why none came.
    #[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
    pub struct DueBill {
        pub saved: SavedBiller,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub bill: Option<Bill>,
        /// The problem code when the biller gave no bill (`bill_not_found`, `biller_timeout`,
        /// `bill_fetch_not_supported`).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub problem: Option<String>,
    }

    pub struct DueBillList {
        pub data: Vec<DueBill>,
    }

    /// The operators for a phone number: the number in E.164, the one its prefix suggests
    /// (the user confirms or picks another: numbers move between operators), and all that
    /// serve its country.
    #[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
    pub struct OperatorLookup {
        pub number: String,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub suggested: Option<String>,
        pub operators: Vec<Biller>,
    }

    /// Asks what paying a biller in another currency costs in the wallet's: a top-up
    /// product (with the amount for a range product), or an amount in the biller's currency.
    pub struct BillQuoteRequest {
        pub biller_id: String,
        pub reference: String,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub product_id: Option<String>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub amount: Option<Money>,
    }

    /// A price held for a few minutes, for one payment: the biller is paid `biller_amount`,
    /// the wallet pays `debit` (converted at `rate_micros`, plus `fee`).
    #[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
    pub struct BillQuote {
        pub quote_id: String,
        pub biller_id: String,
        pub reference: String,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub product_id: Option<String>,
        pub biller_amount: Money,
        /// Units of the biller's currency per unit of the wallet's, in millionths (an
        /// exchange rate is not money, but it is still not a float).
        pub rate_micros: i64,
        pub fee: Money,
        /// What leaves the wallet: the converted amount plus the fee.
        pub debit: Money,
        pub expires_at: i64,
    }
}

/// Where a bill payment is: held (`pending`) until the biller confirms it `completed`, or
/// `failed` (the held money comes back).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "uniffi", derive(uniffi::Enum))]
#[serde(rename_all = "snake_case")]
pub enum BillPaymentState {
    Pending,
    Completed,
    Failed,
}

impl BillPaymentState {
    pub fn as_str(self) -> &'static str {
        match self {
            BillPaymentState::Pending => "pending",
            BillPaymentState::Completed => "completed",
            BillPaymentState::Failed => "failed",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        [
            BillPaymentState::Pending,
            BillPaymentState::Completed,
            BillPaymentState::Failed,
        ]
        .into_iter()
        .find(|k| k.as_str() == s)
    }
}
