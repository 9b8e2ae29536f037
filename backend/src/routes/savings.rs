//! Savings: the account's fund balance and the fund's recent returns, moves in and out
//! (`POST /v1/savings/moves`, exactly once per intent, authorized by the payment key), a
//! move by its intent, the moves, and the savings history.

use axum::Json;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use purse_core::api::types::{
    FundDay, Problem, Savings, SavingsEntry, SavingsHistory, SavingsMove, SavingsMoveList,
    SavingsMoveRequest, SavingsMoveState, codes,
};
use purse_core::calendar::iso_date;
use purse_core::money::Money;
use purse_core::savings::seven_day_yield_ppm;

use crate::app::AppState;
use crate::auth::Authed;
use crate::idempotency::{self, Done, Key, Reply};
use crate::ids::random_id;
use crate::ledger::savings::{
    MoveDraft, MoveRefusal, MoveResult, SavingsMoveRow, balance_of, instant_left, move_money,
};
use crate::ledger::{LedgerAccount, Reads, StoreError, day_of};
use crate::present;
use crate::problem::ApiProblem;
use crate::routes::extract::{PageParams, SignedAuthorization, check_signed, own_account};

fn refusal_problem(r: MoveRefusal) -> ApiProblem {
    match r {
        MoveRefusal::IntentUsed => ApiProblem::new(
            StatusCode::CONFLICT,
            codes::INTENT_ALREADY_USED,
            "this intent was used already; look it up by its id",
        ),
        MoveRefusal::InsufficientFunds => ApiProblem::new(
            StatusCode::PAYMENT_REQUIRED,
            codes::INSUFFICIENT_FUNDS,
            "the wallet holds less than this",
        ),
        MoveRefusal::OverSavings => ApiProblem::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            codes::SAVINGS_INSUFFICIENT,
            "savings hold less than this",
        ),
    }
}

/// A move as the wallet sees it: its wallet side when there is one, the balances after.
fn view(r: &mut dyn Reads, m: &SavingsMoveRow) -> Result<SavingsMove, StoreError> {
    let wallet = r.transaction_of(&m.account_id, &m.transaction_id)?;
    let savings = r.savings_posting(&m.account_id, &m.transaction_id)?;
    let currency = m.amount.currency;
    let balance = match &wallet {
        Some(w) => present::balance_after(w),
        None => balance_of(r, &LedgerAccount::user(&m.account_id), currency)?,
    };
    Ok(SavingsMove {
        move_id: m.move_id.clone(),
        intent_id: m.intent_id.clone(),
        direction: m.direction,
        amount: m.amount,
        instant: m.instant,
        standard: m.standard,
        state: m.state,
        settles_on: m.settles_on.map(iso_date),
        earns_from: (m.direction == purse_core::api::types::SavingsDirection::In)
            .then(|| iso_date(day_of(m.created_at) + 1)),
        transaction: wallet.map(|w| w.transaction),
        balance,
        savings_balance: savings
            .as_ref()
            .map_or(Money::zero(currency), present::balance_after),
        created_at: m.created_at,
        settled_at: m.settled_at,
    })
}

fn instant_cap(state: &AppState, currency: purse_core::money::Currency) -> Money {
    Money::from_major(state.config.savings_instant_cap_major, currency)
        .unwrap_or(Money::new(i64::MAX, currency))
}

/// The account's savings and the fund's last seven days.
#[utoipa::path(get, path = "/v1/savings", tag = "savings",
    responses((status = 200, body = Savings)))]
pub async fn summary(
    State(state): State<AppState>,
    auth: Authed,
) -> Result<Json<Savings>, ApiProblem> {
    let account = own_account(&state, &auth).await?;
    let now = state.fund_now();
    let today = day_of(now);
    let cap = instant_cap(&state, account.currency);
    let savings = state
        .store
        .read(move |r| {
            let id = account.account_id.as_str();
            let c = account.currency;
            let balance = balance_of(r, &LedgerAccount::savings(id), c)?;
            let holder = r.holder(id)?;
            let days = r.fund_days(7)?;
            let returns: Vec<i64> = days.iter().map(|d| d.per_10k).collect();
            let yesterday = holder
                .as_ref()
                .filter(|h| h.last_income_day == Some(today - 1))
                .map_or(0, |h| h.last_income);
            Ok(Savings {
                balance,
                not_yet_earning: Money::new(r.flow(id, today)?.moved_in.min(balance.minor), c),
                redeeming: Money::new(r.redeeming(id)?, c),
                yesterday_income: Money::new(yesterday, c),
                total_income: Money::new(holder.as_ref().map_or(0, |h| h.total_income), c),
                instant_left: instant_left(r, id, cap, now)?,
                instant_cap: cap,
                seven_day_yield_ppm: seven_day_yield_ppm(&returns),
                returns: days
                    .iter()
                    .map(|d| FundDay {
                        date: iso_date(d.day),
                        per_10k: d.per_10k,
                    })
                    .collect(),
                today: iso_date(today),
            })
        })
        .await?;
    Ok(Json(savings))
}

/// Moves money into savings (at once; earning from the next day) or out (instantly up to
/// the day's cap, the rest on the next business day), exactly once per intent: the
/// `Idempotency-Key` is the authorization's intent id, signed by the device's payment key.
#[utoipa::path(post, path = "/v1/savings/moves", tag = "savings", request_body = SavingsMoveRequest,
    params(("Idempotency-Key" = String, Header, description = "the intent id")),
    responses((status = 201, body = SavingsMove), (status = 402, body = Problem),
        (status = 409, body = Problem), (status = 422, body = Problem)))]
pub async fn create(State(state): State<AppState>, auth: Authed) -> Result<Response, ApiProblem> {
    let now = state.now();
    let key = Key::required(&auth, now)?;
    if let Some(replayed) = key.replayed(state.store.as_ref()).await? {
        return Ok(replayed);
    }
    let req: SavingsMoveRequest = auth.json()?;
    let a = &req.authorization;
    check_signed(
        &auth,
        SignedAuthorization {
            intent_id: &a.intent_id,
            account_id: &a.account_id,
            expires_at: a.expires_at,
            signature: &req.authorization_signature,
            what: "savings",
        },
        &key.key,
        now,
        a,
    )?;
    let account = own_account(&state, &auth).await?;
    if a.amount.currency != account.currency {
        return Err(ApiProblem::new(
            StatusCode::BAD_REQUEST,
            codes::CURRENCY_MISMATCH,
            format!("savings are held in {}", account.currency),
        ));
    }
    let draft = MoveDraft {
        move_id: random_id("sv"),
        transaction_id: random_id("tx"),
        intent_id: key.key.clone(),
        instant_cap: instant_cap(&state, account.currency),
        account,
        direction: a.direction,
        amount: a.amount,
        now: state.fund_now(),
    };
    let done = idempotency::write(state.store.as_ref(), Some(key), move |tx| {
        let result = move_money(tx, &draft)?;
        let reply = match &result {
            MoveResult::Moved { row, .. } => Reply::json(StatusCode::CREATED, &view(tx, row)?),
            MoveResult::Refused(r) => Reply::problem(&refusal_problem(*r)),
        };
        Ok((reply, result))
    })
    .await?;
    if let Done::Fresh(_, MoveResult::Moved { savings, .. }) = &done {
        state.ledger_moved(savings.transaction.seq);
    }
    Ok(done.into_response())
}

/// A move by its intent id.
#[utoipa::path(get, path = "/v1/savings/moves/{intent_id}", tag = "savings",
    params(("intent_id" = String, Path)),
    responses((status = 200, body = SavingsMove), (status = 404, body = Problem)))]
pub async fn get(
    State(state): State<AppState>,
    Path(intent_id): Path<String>,
    auth: Authed,
) -> Result<Json<SavingsMove>, ApiProblem> {
    state
        .store
        .read(|r| match r.savings_move(auth.account_id(), &intent_id)? {
            Some(m) => Ok(Some(view(r, &m)?)),
            None => Ok(None),
        })
        .await?
        .map(Json)
        .ok_or_else(|| ApiProblem::not_found("savings move"))
}

/// The account's moves, newest first.
#[utoipa::path(get, path = "/v1/savings/moves", tag = "savings",
    responses((status = 200, body = SavingsMoveList)))]
pub async fn list(
    State(state): State<AppState>,
    auth: Authed,
) -> Result<Json<SavingsMoveList>, ApiProblem> {
    let data = state
        .store
        .read(|r| {
            r.savings_moves(auth.account_id(), 100)?
                .iter()
                .map(|m| view(r, m))
                .collect::<Result<Vec<_>, _>>()
        })
        .await?;
    Ok(Json(SavingsMoveList { data }))
}

/// Savings as they moved: each move's savings side and each day's income, newest first; a
/// redemption whose standard part has not landed yet is `pending`.
#[utoipa::path(get, path = "/v1/savings/history", tag = "savings", params(PageParams),
    responses((status = 200, body = SavingsHistory)))]
pub async fn history(
    State(state): State<AppState>,
    Query(q): Query<PageParams>,
    auth: Authed,
) -> Result<Json<SavingsHistory>, ApiProblem> {
    let limit = q.limit()?;
    let page = state
        .store
        .read(|r| {
            let id = auth.account_id();
            let (rows, has_more) = r.savings_history(id, limit, q.starting_after.as_deref())?;
            // The pending moves are few: match them to their rows here.
            let pending: Vec<SavingsMoveRow> = r
                .savings_moves(id, 100)?
                .into_iter()
                .filter(|m| m.state == SavingsMoveState::Pending)
                .collect();
            let data = rows
                .into_iter()
                .map(|row| {
                    let waiting = pending
                        .iter()
                        .find(|m| m.transaction_id == row.transaction.transaction_id);
                    let mut transaction = row.transaction.clone();
                    if waiting.is_some() {
                        transaction.status = purse_core::api::types::TransactionStatus::Pending;
                    }
                    SavingsEntry {
                        balance: present::balance_after(&row),
                        transaction,
                        settles_on: waiting.and_then(|m| m.settles_on).map(iso_date),
                    }
                })
                .collect();
            Ok(SavingsHistory { data, has_more })
        })
        .await?;
    Ok(Json(page))
}
