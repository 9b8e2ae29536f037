//! Bills and phone top-up on the shells' `Wallet`: the catalogue, a bill fetched by
//! reference, paying in full or in part, a price in another currency, top-ups, saved
//! billers and "due now", and a scanned QR-bill. The rules are the core's: `check_reference`
//! lets a screen mark a field as it is typed, offline.

use purse_core::Money;
use purse_core::api::types::{
    Bill, BillPayment, BillQuote, Biller, BillerCategory, DueBill, OperatorLookup, SavedBiller,
};
use purse_core::bills::ScannedBill;
use purse_core::pay::BillOutcome;

use crate::error::PurseError;
use crate::wallet::Wallet;

/// A customer reference checked against its biller's rule, offline: its normalised form,
/// or `PurseError::InvalidBill` whose `code` names the rule it breaks.
#[uniffi::export]
pub fn check_reference(biller: &Biller, typed: String) -> Result<String, PurseError> {
    Ok(
        purse_core::bills::check_reference(&biller.reference, &typed)
            .map_err(purse_core::WalletError::from)?,
    )
}

/// Whether to fetch the biller's bill before paying: its rule needs the amount due, or no
/// amount was typed and the biller can say.
#[uniffi::export]
pub fn needs_bill(biller: &Biller, amount_given: bool) -> bool {
    purse_core::bills::needs_bill(biller, amount_given)
}

#[uniffi::export]
impl Wallet {
    /// The catalogue, of one category or all.
    pub async fn billers(
        &self,
        category: Option<BillerCategory>,
    ) -> Result<Vec<Biller>, PurseError> {
        self.with(move |w| async move { Ok(w.billers(category).await?) })
            .await
    }

    /// What `biller` says is due for `reference` (checked offline first).
    pub async fn fetch_bill(&self, biller: Biller, reference: String) -> Result<Bill, PurseError> {
        self.with(move |w| async move { Ok(w.fetch_bill(&biller, &reference).await?) })
            .await
    }

    /// Pays a biller in the wallet's currency; `due` is the fetched bill's amount due when
    /// the biller's rule needs it. Behind the biometric.
    pub async fn pay_bill(
        &self,
        biller: Biller,
        reference: String,
        amount: Money,
        due: Option<Money>,
    ) -> Result<BillOutcome, PurseError> {
        self.with(move |w| async move { Ok(w.pay_bill(&biller, &reference, amount, due).await?) })
            .await
    }

    /// A price for a biller in another currency: a product (top-ups) or an amount in the
    /// biller's currency. Show it, then `pay_quoted`.
    pub async fn quote_bill(
        &self,
        biller: Biller,
        reference: String,
        product_id: Option<String>,
        amount: Option<Money>,
    ) -> Result<BillQuote, PurseError> {
        self.with(move |w| async move {
            Ok(w.quote_bill(&biller, &reference, product_id, amount)
                .await?)
        })
        .await
    }

    /// Pays what a quote priced, before it expires. Behind the biometric.
    pub async fn pay_quoted(
        &self,
        biller: Biller,
        quote: BillQuote,
    ) -> Result<BillOutcome, PurseError> {
        self.with(move |w| async move { Ok(w.pay_quoted(&biller, &quote).await?) })
            .await
    }

    /// The operators for a mobile number and the one its prefix suggests (numbers move:
    /// let the user confirm or pick).
    pub async fn topup_operators(&self, number: String) -> Result<OperatorLookup, PurseError> {
        self.with(move |w| async move { Ok(w.topup_operators(&number).await?) })
            .await
    }

    /// Tops up a number in the wallet's currency with a `carrier`'s product (`amount` for a
    /// range product). Behind the biometric. (`carrier`: `operator` is a Swift keyword.)
    pub async fn topup_phone(
        &self,
        carrier: Biller,
        number: String,
        product_id: String,
        amount: Option<Money>,
    ) -> Result<BillOutcome, PurseError> {
        self.with(move |w| async move {
            Ok(w.topup_phone(&carrier, &number, &product_id, amount)
                .await?)
        })
        .await
    }

    /// The receipts: bill payments and top-ups, newest first.
    pub async fn bill_payments(&self) -> Result<Vec<BillPayment>, PurseError> {
        self.with(|w| async move { Ok(w.bill_payments().await?) })
            .await
    }

    /// Saves a biller and reference under a nickname.
    pub async fn save_biller(
        &self,
        biller: Biller,
        reference: String,
        nickname: String,
    ) -> Result<SavedBiller, PurseError> {
        self.with(move |w| async move { Ok(w.save_biller(&biller, &reference, &nickname).await?) })
            .await
    }

    /// Forgets a saved biller; the ones that remain.
    pub async fn forget_biller(&self, saved_id: String) -> Result<Vec<SavedBiller>, PurseError> {
        self.with(move |w| async move { Ok(w.forget_biller(&saved_id).await?) })
            .await
    }

    /// Every saved biller with its bill fetched now, or why none came.
    pub async fn due_bills(&self) -> Result<Vec<DueBill>, PurseError> {
        self.with(|w| async move { Ok(w.due_bills().await?) }).await
    }

    /// A scanned Swiss QR-bill or EPC code as a payment to fill in, when its creditor is a
    /// registered biller.
    pub async fn scanned_bill(&self, payload: String) -> Result<ScannedBill, PurseError> {
        self.with(move |w| async move { Ok(w.scanned_bill(&payload).await?) })
            .await
    }

    /// Sandbox only: the billers of pending payments answer now.
    pub async fn sandbox_advance_billers(&self) -> Result<Vec<BillPayment>, PurseError> {
        self.with(|w| async move { Ok(w.sandbox_advance_billers().await?) })
            .await
    }
}
