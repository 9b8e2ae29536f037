//! Payouts: the shop's balance to one of its linked bank accounts. The console only asks:
//! a browser session moves no money by itself, so the payout waits for the shop's phone to
//! sign it as a withdrawal (`purse payouts confirm`, or the app), and the page follows it
//! live from waiting to on its way, paid out or returned.

use askama::Template;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect};
use serde::Deserialize;
use tower_sessions::Session;

use purse_core::api::types::{FundingKind, PayoutState, WithdrawalState};

use super::locale::Locale;
use super::pages::{Frame, Page, example_amount, message, render, utc};
use super::refusals;
use super::session::{SignedIn, internal, signed_in};
use super::words::Words;
use crate::app::AppState;
use crate::ids::random_id;
use crate::ledger::savings::balance_of;
use crate::ledger::withdrawals::PayoutRow;
use crate::ledger::withdrawals::payouts::{self, PayoutDraft, PayoutRefusal};
use crate::ledger::{FundingRow, LedgerAccount, MerchantRow, Reads, StoreError};
use crate::present;

/// How many of the newest payouts the page lists.
const LISTED: u32 = 20;

struct BankOption {
    source_id: String,
    label: String,
}

/// A payout as the page shows it, with how its withdrawal went once there is one.
struct PayoutView {
    payout_id: String,
    created: String,
    amount: String,
    bank: String,
    state: String,
    state_code: &'static str,
    waiting: bool,
}

/// One payout of the account, drawn with its bank account and (read here) its withdrawal.
fn payout_view(
    r: &mut dyn Reads,
    p: PayoutRow,
    bank: &FundingRow,
    now: i64,
    loc: Locale,
) -> Result<PayoutView, StoreError> {
    let withdrawal = r.withdrawal(&p.account_id, &p.payout_id)?;
    let now_state = p.state_at(now);
    let (state, state_code) = match (now_state, withdrawal.map(|w| w.state)) {
        (PayoutState::Waiting, _) => (loc.t("payout-waiting"), "waiting"),
        (PayoutState::Confirmed, Some(WithdrawalState::Completed)) => {
            (loc.t("payout-paid"), "paid")
        }
        (PayoutState::Confirmed, Some(WithdrawalState::Returned)) => {
            (loc.t("payout-returned"), "closed")
        }
        (PayoutState::Confirmed, _) => (loc.t("payout-confirmed"), "confirmed"),
        (PayoutState::Declined, _) => (loc.t("payout-declined"), "closed"),
        (PayoutState::Expired, _) => (loc.t("payout-expired"), "closed"),
    };
    Ok(PayoutView {
        payout_id: p.payout_id,
        created: utc(p.created_at, true),
        amount: loc.money(p.amount),
        bank: present::source_label(bank),
        state,
        state_code,
        waiting: now_state == PayoutState::Waiting,
    })
}

#[derive(Template)]
#[template(path = "console/payouts.html")]
struct PayoutsPage {
    w: Words,
    frame: Frame,
    currency: String,
    example: String,
    balance: String,
    banks: Vec<BankOption>,
    /// One per form shown: a payout sent twice is asked for once.
    key: String,
    error: Option<String>,
    payouts: Vec<PayoutView>,
}

#[derive(Template)]
#[template(path = "console/payout_state.html")]
struct PayoutStateFragment {
    payout: PayoutView,
}

async fn payouts_page(
    state: &AppState,
    signed: SignedIn,
    m: MerchantRow,
    loc: Locale,
    error: Option<String>,
) -> Page {
    let account_id = m.account_id.clone();
    let currency = m.currency;
    let now = state.now();
    let (balance, banks, listed) = state
        .store
        .read(move |r| {
            let balance = balance_of(r, &LedgerAccount::user(&account_id), currency)?;
            // Read once: the form's choices and every listed payout's bank account.
            let sources = r.funding_sources(&account_id)?;
            let mut listed = Vec::new();
            for p in r.payouts(&account_id, LISTED)? {
                if let Some(bank) = sources.iter().find(|f| f.source_id == p.source_id) {
                    listed.push(payout_view(r, p, bank, now, loc)?);
                }
            }
            let banks: Vec<BankOption> = sources
                .into_iter()
                .filter(|f| f.kind == FundingKind::Bank)
                .map(|f| BankOption {
                    label: present::source_label(&f),
                    source_id: f.source_id,
                })
                .collect();
            Ok((balance, banks, listed))
        })
        .await
        .map_err(internal)?;
    let status = if error.is_some() {
        StatusCode::UNPROCESSABLE_ENTITY
    } else {
        StatusCode::OK
    };
    render(
        status,
        &PayoutsPage {
            w: loc.words,
            frame: Frame::new(&signed, &m, "payouts"),
            currency: m.currency.to_string(),
            example: example_amount(loc, m.currency),
            balance: loc.money(balance),
            banks,
            key: random_id("po"),
            error,
            payouts: listed,
        },
    )
}

/// `GET /console/payouts`
pub async fn payouts(State(state): State<AppState>, session: Session) -> Page {
    let (signed, m) = signed_in(&state, &session, None).await?;
    payouts_page(&state, signed, m, Locale::current(), None).await
}

#[derive(Deserialize)]
pub struct PayoutForm {
    /// Missing reads as empty, which no session's token is: refused as forged.
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    amount: String,
    #[serde(default)]
    source: String,
    #[serde(default)]
    key: String,
}

/// `POST /console/payouts`: asks for a payout; the shop's phone confirms it.
pub async fn ask(
    State(state): State<AppState>,
    session: Session,
    axum::Form(form): axum::Form<PayoutForm>,
) -> Page {
    let (signed, m) = signed_in(&state, &session, Some(&form.csrf)).await?;
    let loc = Locale::current();
    let key_ok = form.key.len() <= 64
        && form.key.starts_with("po_")
        && form
            .key
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'_');
    if !key_ok {
        return Err(message(
            StatusCode::BAD_REQUEST,
            loc.t("refused"),
            loc.t("payouts-from-page"),
        ));
    }
    let Some(amount) = loc
        .parse(&form.amount, m.currency)
        .filter(|a| a.is_positive())
    else {
        let e = refusals::payout(PayoutRefusal::BadAmount, m.currency, loc);
        return payouts_page(&state, signed, m, loc, Some(e)).await;
    };
    let account_id = m.account_id.clone();
    let (source_id, payout_id) = (form.source.clone(), form.key.clone());
    let maxima = state.config.maxima();
    let now = state.now();
    let asked = state
        .store
        .write(move |tx| {
            let Some(account) = tx.account(&account_id)? else {
                return Err(StoreError::NotFound);
            };
            let Some(source) = tx.funding_source(&account_id, &source_id)? else {
                return Ok(Err(PayoutRefusal::NotABank));
            };
            let draft = PayoutDraft {
                payout_id: payout_id.clone(),
                account,
                source_label: present::source_label(&source),
                source,
                amount,
                maxima,
                now,
            };
            payouts::ask(tx, &draft)
        })
        .await
        .map_err(internal)?;
    let error = match asked {
        Ok(_) => {
            // The phones follow the event stream: wake it for the new notice.
            state.stream_moved();
            return Ok(Redirect::to("/console/payouts").into_response());
        }
        Err(refusal) => refusals::payout(refusal, m.currency, loc),
    };
    payouts_page(&state, signed, m, loc, Some(error)).await
}

/// `GET /console/payouts/{payout_id}/state`: the payout's state, polled while it waits.
pub async fn payout_state(
    State(state): State<AppState>,
    session: Session,
    Path(payout_id): Path<String>,
) -> Page {
    let (_, m) = signed_in(&state, &session, None).await?;
    let loc = Locale::current();
    let now = state.now();
    let account_id = m.account_id.clone();
    let view = state
        .store
        .read(move |r| {
            let Some(p) = r.payout(&account_id, &payout_id)? else {
                return Ok(None);
            };
            let Some(bank) = r.funding_source(&account_id, &p.source_id)? else {
                return Ok(None);
            };
            payout_view(r, p, &bank, now, loc).map(Some)
        })
        .await
        .map_err(internal)?
        .ok_or_else(|| {
            message(
                StatusCode::NOT_FOUND,
                loc.t("payout-no-such"),
                loc.t("payout-no-such-text"),
            )
        })?;
    render(StatusCode::OK, &PayoutStateFragment { payout: view })
}
