//! How a biller answers, behind a trait like the funding provider: the sandbox biller
//! systems here answer from the catalogue's sandbox data, so every outcome of a bill payment
//! can be produced on purpose.
//!
//! The documented references (README): a reference with a sandbox bill returns it; any other
//! is `bill_not_found`; a `timeout` reference makes the biller time out on fetch and leaves a
//! payment to it pending until the biller is advanced (then it completes); a `reject`
//! reference is accepted and rejected when the biller is advanced (the money comes back).
//! Phone operators always accept first and credit the number when advanced.

use purse_core::api::types::{Bill, Biller, BillerCategory, FetchMode};
use purse_core::money::Money;
use purse_core::people::mask_name;
use serde::Deserialize;
use std::collections::HashMap;

/// What the catalogue file says a sandbox biller does.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct SandboxData {
    #[serde(default)]
    pub bills: Vec<SandboxBill>,
    #[serde(default)]
    pub reject: Vec<String>,
    #[serde(default)]
    pub timeout: Vec<String>,
}

impl SandboxData {
    /// Every reference the data names.
    pub fn references(&self) -> impl Iterator<Item = &str> {
        self.bills
            .iter()
            .map(|b| b.reference.as_str())
            .chain(self.reject.iter().map(String::as_str))
            .chain(self.timeout.iter().map(String::as_str))
    }
}

#[derive(Debug, Clone, Deserialize)]
pub struct SandboxBill {
    pub reference: String,
    pub amount_due: Money,
    pub due_date: String,
    pub bill_number: String,
    /// Stored whole; served masked.
    pub customer_name: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FetchFailure {
    NotFound,
    Timeout,
    NotSupported,
}

/// The biller's first answer to a payment.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Submission {
    /// Paid: the biller's confirmation number.
    Confirmed { confirmation: String },
    /// Taken, to be confirmed or rejected later: the money is held meanwhile.
    Accepted,
}

/// The biller's later word on an accepted payment.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Answer {
    Confirmed { confirmation: String },
    Rejected { reason: String },
}

/// A biller system. Calls are synchronous and quick: the sandbox decides from its data. A
/// networked biller would answer `Accepted` at once and confirm later through `advance`,
/// which the pending state already carries.
pub trait BillerSystem: Send + Sync {
    fn fetch(&self, biller: &Biller, reference: &str) -> Result<Bill, FetchFailure>;
    fn submit(&self, biller: &Biller, reference: &str, amount: Money) -> Submission;
    /// The answer to an accepted payment, once time has passed.
    fn advance(&self, biller: &Biller, reference: &str) -> Answer;
}

/// The sandbox biller systems of every catalogue biller.
#[derive(Debug, Clone, Default)]
pub struct SandboxBillers {
    data: HashMap<String, SandboxData>,
}

impl SandboxBillers {
    pub fn new(data: HashMap<String, SandboxData>) -> Self {
        SandboxBillers { data }
    }

    fn data(&self, biller: &Biller) -> Option<&SandboxData> {
        self.data.get(&biller.biller_id)
    }

    fn listed(&self, biller: &Biller, list: fn(&SandboxData) -> &Vec<String>, r: &str) -> bool {
        self.data(biller)
            .is_some_and(|d| list(d).iter().any(|x| x == r))
    }
}

impl BillerSystem for SandboxBillers {
    fn fetch(&self, biller: &Biller, reference: &str) -> Result<Bill, FetchFailure> {
        if biller.fetch_mode == FetchMode::NotSupported {
            return Err(FetchFailure::NotSupported);
        }
        if self.listed(biller, |d| &d.timeout, reference) {
            return Err(FetchFailure::Timeout);
        }
        let bill = self
            .data(biller)
            .and_then(|d| d.bills.iter().find(|b| b.reference == reference))
            .ok_or(FetchFailure::NotFound)?;
        Ok(Bill {
            biller_id: biller.biller_id.clone(),
            reference: bill.reference.clone(),
            amount_due: bill.amount_due,
            due_date: bill.due_date.clone(),
            bill_number: bill.bill_number.clone(),
            customer_name: mask_name(&bill.customer_name),
        })
    }

    fn submit(&self, biller: &Biller, reference: &str, _amount: Money) -> Submission {
        let later = biller.category == BillerCategory::PrepaidMobile
            || self.listed(biller, |d| &d.reject, reference)
            || self.listed(biller, |d| &d.timeout, reference);
        if later {
            Submission::Accepted
        } else {
            Submission::Confirmed {
                confirmation: crate::ids::confirmation_number(),
            }
        }
    }

    fn advance(&self, biller: &Biller, reference: &str) -> Answer {
        if self.listed(biller, |d| &d.reject, reference) {
            Answer::Rejected {
                reason: if biller.category == BillerCategory::PrepaidMobile {
                    "the operator could not credit this number".into()
                } else {
                    "the biller rejected the payment: the account is closed".into()
                },
            }
        } else {
            Answer::Confirmed {
                confirmation: crate::ids::confirmation_number(),
            }
        }
    }
}
