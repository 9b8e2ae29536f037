//! What handlers take from a request besides its signature: page parameters, and the
//! signing account or merchant.

use axum::http::StatusCode;
use purse_core::api::types::codes;
use purse_core::sign::Authorization;
use serde::Deserialize;

use crate::app::AppState;
use crate::auth::Authed;
use crate::ledger::{AccountRow, MerchantRow};
use crate::problem::ApiProblem;

#[derive(Debug, Deserialize, utoipa::IntoParams)]
pub struct PageParams {
    /// 1 to 100; 20 when absent.
    pub limit: Option<u32>,
    /// The id of the last item of the previous page.
    pub starting_after: Option<String>,
}

impl PageParams {
    pub fn limit(&self) -> Result<u32, ApiProblem> {
        let limit = self.limit.unwrap_or(20);
        if !(1..=100).contains(&limit) {
            return Err(ApiProblem::bad_request("limit must be 1 to 100"));
        }
        Ok(limit)
    }
}

/// The signing account's row.
pub async fn own_account(state: &AppState, auth: &Authed) -> Result<AccountRow, ApiProblem> {
    state
        .store
        .read(|r| r.account(auth.account_id()))
        .await?
        .ok_or_else(|| ApiProblem::not_found("account"))
}

/// The signing account's merchant profile, or `not_a_merchant`.
pub async fn own_merchant(state: &AppState, auth: &Authed) -> Result<MerchantRow, ApiProblem> {
    state
        .store
        .read(|r| r.merchant_of_account(auth.account_id()))
        .await?
        .ok_or_else(|| {
            ApiProblem::new(
                StatusCode::FORBIDDEN,
                codes::NOT_A_MERCHANT,
                "this account is not registered as a merchant",
            )
        })
}

/// Counts one attempt in each bucket (one write); `429 rate_limited` with `Retry-After` when
/// any is full.
pub async fn limit_attempts(
    state: &AppState,
    buckets: Vec<(String, crate::ledger::rate::RateLimit)>,
) -> Result<(), ApiProblem> {
    let now = state.now();
    let wait = state
        .store
        .write(move |tx| {
            let mut wait = None;
            for (bucket, limit) in &buckets {
                if let Err(secs) = crate::ledger::rate::take(tx, bucket, *limit, now)? {
                    wait = Some(wait.map_or(secs, |w: i64| w.max(secs)));
                }
            }
            Ok(wait)
        })
        .await?;
    match wait {
        Some(secs) => Err(ApiProblem::rate_limited(secs)),
        None => Ok(()),
    }
}

/// The refusal of money that may not go out, as every money-moving route answers it.
/// `what` names the movement ("payment", "transfer").
pub fn overspend_problem(o: crate::ledger::spending::Overspend, what: &str) -> ApiProblem {
    use crate::ledger::spending::Overspend;
    match o {
        Overspend::LimitPerPayment { limit } => ApiProblem::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            codes::LIMIT_PER_PAYMENT,
            format!("a single {what} may be at most {limit}"),
        ),
        Overspend::LimitPerDay { limit, spent } => ApiProblem::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            codes::LIMIT_PER_DAY,
            format!("the daily limit is {limit}; {spent} paid today already"),
        ),
        Overspend::LimitAfterRecovery { limit } => ApiProblem::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            codes::LIMIT_AFTER_RECOVERY,
            format!("this device was recovered lately: it may pay at most {limit} a day for now"),
        ),
        Overspend::InsufficientFunds => ApiProblem::new(
            StatusCode::PAYMENT_REQUIRED,
            codes::INSUFFICIENT_FUNDS,
            format!("the balance is too low for this {what}"),
        ),
    }
}

/// The longest an authorization may be valid for: it bounds how long a lost request can
/// still be replayed into a payment or transfer (the client asks for 10 minutes).
pub const MAX_AUTHORIZATION_SECS: i64 = 3600;

pub fn mismatch(field: &str) -> ApiProblem {
    ApiProblem::new(
        StatusCode::UNPROCESSABLE_ENTITY,
        codes::AUTHORIZATION_MISMATCH,
        format!("the authorization's {field} differs from the request's"),
    )
}

/// A payout the phone answers too late, or twice: `409` whether it confirms or declines.
pub fn payout_not_waiting() -> ApiProblem {
    ApiProblem::new(
        StatusCode::CONFLICT,
        codes::PAYOUT_NOT_WAITING,
        "this payout is no longer waiting (confirmed, declined, or its ten minutes ran out)",
    )
}

/// The envelope every money-out authorization shares.
pub struct SignedAuthorization<'a> {
    pub intent_id: &'a str,
    pub account_id: &'a str,
    pub expires_at: i64,
    /// Base64 of the payment key's signature.
    pub signature: &'a str,
    /// "payment", "transfer": for the messages.
    pub what: &'a str,
}

/// Checks an authorization's envelope (its intent is the `Idempotency-Key`, it is the
/// signing account's, fresh, not valid for too long) and its signature by the signing
/// device's payment key (the authorization's own [`Authorization::verify`]).
pub fn check_signed(
    auth: &Authed,
    a: SignedAuthorization<'_>,
    idempotency_key: &str,
    now: i64,
    authorization: &impl Authorization,
) -> Result<(), ApiProblem> {
    use base64::Engine;
    if a.intent_id != idempotency_key {
        return Err(ApiProblem::bad_request(
            "Idempotency-Key must be the authorization's intent_id",
        ));
    }
    if a.account_id != auth.account_id() {
        return Err(mismatch("account"));
    }
    let invalid = |detail: &str| {
        ApiProblem::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            codes::AUTHORIZATION_INVALID,
            detail.to_owned(),
        )
    };
    // What is wrong with the fields themselves is said as such, before the signature (which
    // could not be right over fields no wallet signs).
    match authorization.validate() {
        Ok(()) => {}
        Err(purse_core::sign::AuthorizationError::NotPositive) => {
            return Err(ApiProblem::new(
                StatusCode::BAD_REQUEST,
                codes::AMOUNT_INVALID,
                format!("the {} amount must be more than zero", a.what),
            ));
        }
        Err(e) => return Err(invalid(&e.to_string())),
    }
    if a.expires_at > now + MAX_AUTHORIZATION_SECS {
        return Err(invalid("the authorization is valid for too long"));
    }
    if a.expires_at < now {
        return Err(ApiProblem::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            codes::AUTHORIZATION_EXPIRED,
            format!(
                "the {} authorization has expired; confirm the {} again",
                a.what, a.what
            ),
        ));
    }
    let sig = base64::engine::general_purpose::STANDARD
        .decode(a.signature)
        .map_err(|_| invalid("authorization_signature is not base64"))?;
    let key = purse_core::keys::PublicKey::from_base64(&auth.device.payment_public_key)
        .map_err(ApiProblem::internal)?;
    if !authorization.verify(&sig, &key) {
        return Err(invalid(
            "the authorization is not signed by this device's payment key",
        ));
    }
    Ok(())
}

/// The cap on the signing device's spending: a recovered device, in its first days, may
/// send at most the configured amount a day.
pub fn device_cap(
    state: &AppState,
    auth: &Authed,
    currency: purse_core::money::Currency,
    now: i64,
) -> Option<purse_core::money::Money> {
    use purse_core::money::Money;
    auth.device
        .restricted_until
        .filter(|until| now < *until)
        .map(|_| {
            Money::from_major(state.config.recovery_cap_major, currency)
                .unwrap_or(Money::zero(currency))
        })
}

/// A refused request step (creating, ending, or paying one by a transfer).
pub fn request_problem(r: crate::ledger::requests::RequestRefusal) -> ApiProblem {
    use crate::ledger::requests::RequestRefusal;
    match r {
        RequestRefusal::SelfRequest => ApiProblem::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            codes::SELF_TRANSFER,
            "you cannot ask yourself for money",
        ),
        RequestRefusal::Blocked => ApiProblem::new(
            StatusCode::FORBIDDEN,
            codes::REQUESTS_BLOCKED,
            "this person does not take requests from you",
        ),
        RequestRefusal::NotFound => ApiProblem::not_found("request"),
        RequestRefusal::NotOpen => ApiProblem::new(
            StatusCode::CONFLICT,
            codes::REQUEST_NOT_OPEN,
            "this request was paid, declined, cancelled or has expired",
        ),
        RequestRefusal::Mismatch => ApiProblem::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            codes::REQUEST_MISMATCH,
            "the transfer does not match the request (who, to whom, or how much)",
        ),
    }
}

/// An account as another sees it: its handle and masked name.
pub fn recipient_of(
    r: &mut dyn crate::ledger::Reads,
    account_id: &str,
) -> Result<purse_core::api::types::Recipient, crate::ledger::StoreError> {
    let handle = r.handle_of(account_id)?;
    Ok(match r.account(account_id)? {
        Some(a) => crate::present::recipient(&a, handle),
        None => purse_core::api::types::Recipient {
            account_id: account_id.to_owned(),
            handle,
            masked_name: String::new(),
        },
    })
}

/// The account a joining device now belongs to, and its newest notice (the device starts
/// reading notices after it).
pub fn joined_account(
    r: &mut dyn crate::ledger::Reads,
    account_id: &str,
) -> Result<Option<(AccountRow, i64)>, crate::ledger::StoreError> {
    match r.account(account_id)? {
        Some(a) => Ok(Some((a, r.newest_notice(account_id)?))),
        None => Ok(None),
    }
}

/// Text one user writes that another sees (a name, a description, a reference), through the
/// core's one validator: trimmed and composed, or `400` saying which field and why.
pub fn shown_text(field: &str, value: &str, max_chars: usize) -> Result<String, ApiProblem> {
    purse_core::text::check_shown_text(value, max_chars)
        .map_err(|e| ApiProblem::bad_request(format!("{field}: {e}")))
}

/// [`shown_text`] for a field that may be left blank (`""`).
pub fn optional_shown_text(
    field: &str,
    value: &str,
    max_chars: usize,
) -> Result<String, ApiProblem> {
    purse_core::text::check_optional_shown_text(value, max_chars)
        .map_err(|e| ApiProblem::bad_request(format!("{field}: {e}")))
}
