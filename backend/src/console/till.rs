//! The till: the amount, then the customer's pay code typed or scanned (a USB scanner types
//! like a keyboard and ends with Enter), charged at once or waiting for the customer's
//! confirmation on their phone, which the page follows live.

use askama::Template;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use serde::Deserialize;
use tower_sessions::Session;

use purse_core::api::types::ChargeState;

use super::locale::Locale;
use super::pages::{Frame, Page, example_amount, form_key, message, render};
use super::refusals;
use super::session::{SignedIn, internal, signed_in};
use super::words::Words;
use crate::app::AppState;
use crate::idempotency::Done;
use crate::ledger::MerchantRow;
use crate::ledger::paycodes::{ChargeResult, ChargeRow};
use crate::paycode_charges::{self, Sale};

/// A charge as the till shows it.
struct ChargeView {
    charge_id: String,
    amount: String,
    reference: String,
    state: String,
    state_code: &'static str,
    waiting: bool,
}

fn charge_view(c: &ChargeRow, loc: Locale) -> ChargeView {
    let (state, state_code) = match c.state {
        ChargeState::Completed => (loc.t("charge-paid"), "paid"),
        ChargeState::AwaitingConfirmation => (loc.t("charge-waiting"), "waiting"),
        ChargeState::Canceled => (loc.t("charge-canceled"), "closed"),
    };
    ChargeView {
        charge_id: c.charge_id.clone(),
        amount: loc.money(c.amount),
        reference: c.reference.clone(),
        state,
        state_code,
        waiting: c.state == ChargeState::AwaitingConfirmation,
    }
}

#[derive(Template)]
#[template(path = "console/till.html")]
struct TillPage {
    w: Words,
    frame: Frame,
    currency: String,
    example: String,
    /// One per form shown: a sale sent twice (a double Enter) is charged once.
    key: String,
    error: Option<String>,
    charge: Option<ChargeView>,
}

#[derive(Template)]
#[template(path = "console/till_state.html")]
struct ChargeStateFragment {
    charge: ChargeView,
}

fn till_page(
    signed: SignedIn,
    m: MerchantRow,
    error: Option<String>,
    charge: Option<ChargeView>,
) -> Page {
    let status = if error.is_some() {
        StatusCode::UNPROCESSABLE_ENTITY
    } else {
        StatusCode::OK
    };
    let loc = Locale::current();
    render(
        status,
        &TillPage {
            w: loc.words,
            frame: Frame::new(&signed, &m, "till"),
            currency: m.currency.to_string(),
            example: example_amount(loc, m.currency),
            key: crate::ids::random_id("sale"),
            error,
            charge,
        },
    )
}

/// `GET /console/till`
pub async fn till(State(state): State<AppState>, session: Session) -> Page {
    let (signed, m) = signed_in(&state, &session, None).await?;
    till_page(signed, m, None, None)
}

#[derive(Deserialize)]
pub struct SaleForm {
    /// Missing reads as empty, which no session's token is: refused as forged.
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    amount: String,
    #[serde(default)]
    reference: String,
    #[serde(default)]
    code: String,
    #[serde(default)]
    key: String,
}

/// `POST /console/till`: charges the code.
pub async fn charge(
    State(state): State<AppState>,
    session: Session,
    axum::Form(form): axum::Form<SaleForm>,
) -> Page {
    let (signed, m) = signed_in(&state, &session, Some(&form.csrf)).await?;
    let loc = Locale::current();
    let Some(amount) = loc
        .parse(&form.amount, m.currency)
        .filter(|a| a.is_positive())
    else {
        let e = loc.words.t1("enter-amount", "currency", m.currency);
        return till_page(signed, m, Some(e), None);
    };
    let code = form.code.trim().to_owned();
    // The reference is the sale's name on both sides' statements: the till's by default.
    let reference = match form.reference.trim() {
        "" => loc.t("till-default-reference"),
        r => r.to_owned(),
    };
    let key = form_key(
        &m,
        "console-till",
        &form.key,
        &[
            code.as_bytes(),
            amount.to_string().as_bytes(),
            reference.as_bytes(),
        ],
        state.now(),
        loc.t("till-from-page"),
    )?;
    let account_id = m.account_id.clone();
    let merchant_account = state
        .store
        .read(move |r| r.account(&account_id))
        .await
        .map_err(internal)?
        .ok_or_else(|| internal("the merchant's account is missing"))?;
    let sale = Sale {
        code,
        amount,
        reference,
    };
    let done = paycode_charges::charge(&state, m.clone(), merchant_account, sale, key).await;
    let charge = match done {
        Ok(Done::Fresh(_, ChargeResult::Charged { charge, .. }))
        | Ok(Done::Fresh(_, ChargeResult::Awaiting { charge })) => charge,
        Ok(Done::Fresh(_, ChargeResult::Refused { refusal, .. })) => {
            let e = refusals::charge(refusal, loc);
            return till_page(signed, m, Some(e), None);
        }
        Ok(Done::Replayed(_)) => {
            let e = loc.t("till-sent-already");
            return till_page(signed, m, Some(e), None);
        }
        Err(p) => {
            let e = refusals::unexpected(p, loc);
            return till_page(signed, m, Some(e), None);
        }
    };
    let view = charge_view(&charge, loc);
    till_page(signed, m, None, Some(view))
}

/// `GET /console/till/charges/{charge_id}/state`: the charge's state, polled while the
/// customer confirms.
pub async fn charge_state(
    State(state): State<AppState>,
    session: Session,
    Path(charge_id): Path<String>,
) -> Page {
    let (_, m) = signed_in(&state, &session, None).await?;
    let found = state
        .store
        .read(move |r| r.charge(&charge_id))
        .await
        .map_err(internal)?
        .filter(|c| c.merchant_id == m.merchant_id)
        .ok_or_else(|| {
            let loc = Locale::current();
            message(
                StatusCode::NOT_FOUND,
                loc.t("charge-no-such"),
                loc.t("charge-no-such-text"),
            )
        })?;
    let c = paycode_charges::current(&state, found)
        .await
        .map_err(|p| internal(p.detail))?;
    render(
        StatusCode::OK,
        &ChargeStateFragment {
            charge: charge_view(&c, Locale::current()),
        },
    )
}
