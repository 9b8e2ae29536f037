//! Bills and phone top-up from the wallet: references and amounts are checked offline by
//! the biller's rules before anything is sent; the payment key signs behind the biometric;
//! the intent goes through the one outbox, so a lost answer is pending, never paid twice.

use crate::sign::Authorization;
use base64::Engine;
use base64::engine::general_purpose::STANDARD as B64;

use super::outbox::new_intent_id;
use super::*;
use crate::bills::{BillError, ScannedBill, bill_from_code, check_amount, check_product};
use crate::cache::IntentKind;
use crate::pay::{AUTHORIZATION_TTL_SECS, BillOutcome};
use crate::sign::BillAuthorization;

/// One bill payment as the wallet sends it.
struct BillOrder<'a> {
    biller: &'a Biller,
    reference: String,
    amount: Money,
    product_id: Option<String>,
    quote_id: Option<String>,
    /// The biometric prompt's words.
    prompt: String,
}

impl Wallet {
    /// The catalogue, of one category or all.
    pub async fn billers(
        &self,
        category: Option<BillerCategory>,
    ) -> Result<Vec<Biller>, WalletError> {
        let (account, creds) = self.credentials().await?;
        Ok(self
            .api(Some(&account))?
            .billers(&creds, category)
            .await
            .map_err(WalletError::from_api)?
            .data)
    }

    pub async fn biller(&self, biller_id: &str) -> Result<Biller, WalletError> {
        let (account, creds) = self.credentials().await?;
        self.api(Some(&account))?
            .biller(&creds, biller_id)
            .await
            .map_err(WalletError::from_api)
    }

    /// What `biller` says is due for `reference`; the reference is checked here first, so a
    /// typo is named before anything is sent.
    pub async fn fetch_bill(&self, biller: &Biller, reference: &str) -> Result<Bill, WalletError> {
        let reference = crate::bills::check_reference(&biller.reference, reference)?;
        let (account, creds) = self.credentials().await?;
        self.api(Some(&account))?
            .fetch_bill(&creds, &biller.biller_id, &reference)
            .await
            .map_err(WalletError::from_api)
    }

    /// Pays a biller in the wallet's currency. `due` is the fetched bill's amount due, for
    /// billers whose amount rule needs it; the backend checks against its own fetch again.
    pub async fn pay_bill(
        &self,
        biller: &Biller,
        reference: &str,
        amount: Money,
        due: Option<Money>,
    ) -> Result<BillOutcome, WalletError> {
        let reference = crate::bills::check_reference(&biller.reference, reference)?;
        check_amount(biller, due, amount)?;
        self.send_bill(BillOrder {
            biller,
            prompt: format!("Pay {amount} to {}", biller.name),
            reference,
            amount,
            product_id: None,
            quote_id: None,
        })
        .await
    }

    /// A price for paying a biller in another currency: the product (top-ups) or the amount
    /// in the biller's currency. Show it; [`Wallet::pay_quoted`] pays it.
    pub async fn quote_bill(
        &self,
        biller: &Biller,
        reference: &str,
        product_id: Option<String>,
        amount: Option<Money>,
    ) -> Result<BillQuote, WalletError> {
        let reference = crate::bills::check_reference(&biller.reference, reference)?;
        match &product_id {
            Some(p) => {
                check_product(biller, p, amount)?;
            }
            None => {
                let a = amount.ok_or(BillError::NotPositive)?;
                check_amount(biller, Some(a), a)?;
            }
        }
        let (account, creds) = self.credentials().await?;
        self.api(Some(&account))?
            .bill_quote(
                &creds,
                &BillQuoteRequest {
                    biller_id: biller.biller_id.clone(),
                    reference,
                    product_id,
                    amount,
                },
            )
            .await
            .map_err(WalletError::from_api)
    }

    /// Pays what `quote` priced, before it expires.
    pub async fn pay_quoted(
        &self,
        biller: &Biller,
        quote: &BillQuote,
    ) -> Result<BillOutcome, WalletError> {
        if quote.expires_at < self.now() {
            return Err(WalletError::PaymentRefused {
                code: codes::QUOTE_EXPIRED.into(),
                message: "the quoted price has expired: ask for a new quote".into(),
                request_id: String::new(),
            });
        }
        self.send_bill(BillOrder {
            biller,
            prompt: format!(
                "Pay {} ({} to {})",
                quote.debit, quote.biller_amount, biller.name
            ),
            reference: quote.reference.clone(),
            amount: quote.debit,
            product_id: quote.product_id.clone(),
            quote_id: Some(quote.quote_id.clone()),
        })
        .await
    }

    /// The operators for a mobile number (in E.164), and the one its prefix suggests; the
    /// user confirms it or picks another, since numbers move between operators.
    pub async fn topup_operators(&self, number: &str) -> Result<OperatorLookup, WalletError> {
        let (account, creds) = self.credentials().await?;
        self.api(Some(&account))?
            .operators(&creds, number)
            .await
            .map_err(WalletError::from_api)
    }

    /// Tops up `number` with an operator's product in the wallet's currency (a fixed
    /// denomination, or `amount` on a range product). Another currency is quoted first.
    pub async fn topup_phone(
        &self,
        operator: &Biller,
        number: &str,
        product_id: &str,
        amount: Option<Money>,
    ) -> Result<BillOutcome, WalletError> {
        let number = crate::bills::check_reference(&operator.reference, number)?;
        let (_, paid) = check_product(operator, product_id, amount)?;
        let account = self.require_account()?;
        if paid.currency != account.currency {
            return Err(BillError::CurrencyMismatch {
                expected: account.currency.code().to_owned(),
            }
            .into());
        }
        self.send_bill(BillOrder {
            biller: operator,
            prompt: format!("Top up {number} with {paid}"),
            reference: number,
            amount: paid,
            product_id: Some(product_id.to_owned()),
            quote_id: None,
        })
        .await
    }

    async fn send_bill(&self, o: BillOrder<'_>) -> Result<BillOutcome, WalletError> {
        let (account, creds) = self.credentials().await?;
        let intent_id = new_intent_id()?;
        let auth = BillAuthorization {
            intent_id: intent_id.clone(),
            account_id: account.account_id.clone(),
            biller_id: o.biller.biller_id.clone(),
            reference: o.reference.clone(),
            amount: o.amount,
            product_id: o.product_id.clone(),
            quote_id: o.quote_id.clone(),
            expires_at: self.now() + AUTHORIZATION_TTL_SECS,
        };
        auth.validate()
            .map_err(|e| WalletError::InvalidInput(e.to_string()))?;
        let signature = self
            .sign_with_payment_key(auth.signing_bytes(), o.prompt)
            .await?;
        let record = self.commit_intent(
            IntentKind::Bill,
            &intent_id,
            &BillPaymentRequest {
                biller_id: o.biller.biller_id.clone(),
                reference: o.reference,
                amount: o.amount,
                product_id: o.product_id,
                quote_id: o.quote_id,
                authorization: auth,
                authorization_signature: B64.encode(signature),
            },
            &o.biller.name,
            o.amount,
        )?;
        Ok(
            match self.send_recorded::<BillPayment>(&creds, &record).await? {
                Some(bill_payment) => BillOutcome::Completed { bill_payment },
                None => BillOutcome::Pending { intent_id },
            },
        )
    }

    /// A bill payment as it stands at the backend now (a pending one may have completed).
    pub async fn bill_payment(&self, intent_id: &str) -> Result<BillPayment, WalletError> {
        let (account, creds) = self.credentials().await?;
        self.api(Some(&account))?
            .bill_payment(&creds, intent_id)
            .await
            .map_err(WalletError::from_api)
    }

    /// The receipts: bill payments and top-ups, newest first.
    pub async fn bill_payments(&self) -> Result<Vec<BillPayment>, WalletError> {
        let (account, creds) = self.credentials().await?;
        Ok(self
            .api(Some(&account))?
            .bill_payments(&creds)
            .await
            .map_err(WalletError::from_api)?
            .data)
    }

    pub async fn saved_billers(&self) -> Result<Vec<SavedBiller>, WalletError> {
        let (account, creds) = self.credentials().await?;
        Ok(self
            .api(Some(&account))?
            .saved_billers(&creds)
            .await
            .map_err(WalletError::from_api)?
            .data)
    }

    /// Saves a biller and reference (checked here first) under a nickname.
    pub async fn save_biller(
        &self,
        biller: &Biller,
        reference: &str,
        nickname: &str,
    ) -> Result<SavedBiller, WalletError> {
        let reference = crate::bills::check_reference(&biller.reference, reference)?;
        let nickname = crate::text::check_shown_text(nickname, 40)
            .map_err(|e| WalletError::InvalidInput(format!("nickname: {e}")))?;
        let (account, creds) = self.credentials().await?;
        self.api(Some(&account))?
            .save_biller(
                &creds,
                &SaveBillerRequest {
                    biller_id: biller.biller_id.clone(),
                    reference,
                    nickname,
                },
            )
            .await
            .map_err(WalletError::from_api)
    }

    pub async fn forget_biller(&self, saved_id: &str) -> Result<Vec<SavedBiller>, WalletError> {
        let (account, creds) = self.credentials().await?;
        Ok(self
            .api(Some(&account))?
            .forget_biller(&creds, saved_id)
            .await
            .map_err(WalletError::from_api)?
            .data)
    }

    /// Every saved biller with its bill fetched now (or why none came).
    pub async fn due_bills(&self) -> Result<Vec<DueBill>, WalletError> {
        let (account, creds) = self.credentials().await?;
        Ok(self
            .api(Some(&account))?
            .due_bills(&creds)
            .await
            .map_err(WalletError::from_api)?
            .data)
    }

    /// A scanned Swiss QR-bill or EPC code as a bill payment to fill in, when its creditor
    /// is a registered biller; other codes and creditors are explained, not paid.
    pub async fn scanned_bill(&self, payload: &str) -> Result<ScannedBill, WalletError> {
        let code =
            crate::paycode::parse(payload).map_err(|e| WalletError::InvalidCode(e.to_string()))?;
        let billers = self.billers(None).await?;
        Ok(bill_from_code(&code, &billers)?)
    }

    /// Sandbox only: the billers of this account's pending payments answer now.
    pub async fn sandbox_advance_billers(&self) -> Result<Vec<BillPayment>, WalletError> {
        let (account, creds) = self.credentials().await?;
        Ok(self
            .api(Some(&account))?
            .sandbox_advance_billers(&creds)
            .await
            .map_err(WalletError::from_api)?
            .data)
    }
}
