//! The account's event stream: every change to it (payments made and received, refunds,
//! top-ups, transfers) and notices about its devices, as long-poll pages after a cursor. A wallet keeps the last cursor
//! and asks again; with `wait`, an empty answer waits until something happens.

use std::time::Duration;

use axum::Json;
use axum::extract::{Query, State};
use purse_core::api::types::{Event, EventPage};
use serde::Deserialize;

use crate::app::AppState;
use crate::auth::Authed;
use crate::present;
use crate::problem::ApiProblem;

/// Longest a poll is held open.
pub const MAX_WAIT_SECS: u64 = 30;

#[derive(Debug, Deserialize, utoipa::IntoParams)]
pub struct EventParams {
    /// The cursor of the last event seen; 0 for everything.
    pub after: Option<i64>,
    /// The cursor of the last device notice seen; 0 for every one.
    pub notices_after: Option<i64>,
    /// 1 to 500; 100 when absent.
    pub limit: Option<u32>,
    /// Seconds to wait for an event when there is none yet (0 to 30).
    #[param(minimum = 0, maximum = 30)]
    pub wait: Option<u64>,
}

#[utoipa::path(get, path = "/v1/events", tag = "account", params(EventParams),
    responses((status = 200, body = EventPage), (status = 401, body = purse_core::api::types::Problem)))]
pub async fn poll(
    State(state): State<AppState>,
    Query(q): Query<EventParams>,
    auth: Authed,
) -> Result<Json<EventPage>, ApiProblem> {
    let after = q.after.unwrap_or(0).max(0);
    let notices_after = q.notices_after.unwrap_or(0).max(0);
    let limit = q.limit.unwrap_or(100);
    if !(1..=500).contains(&limit) {
        return Err(ApiProblem::bad_request("limit must be 1 to 500"));
    }
    let wait = q.wait.unwrap_or(0);
    if wait > MAX_WAIT_SECS {
        return Err(ApiProblem::bad_request(format!(
            "wait must be 0 to {MAX_WAIT_SECS} seconds"
        )));
    }
    let wait = Duration::from_secs(wait);
    let deadline = tokio::time::Instant::now() + wait;
    // Subscribe before the first read, so nothing committed in between is missed.
    let mut moved = state.ledger.subscribe();
    loop {
        let (rows, notices) = state
            .store
            .read(|r| {
                Ok((
                    r.events(auth.account_id(), after, limit)?,
                    r.notices(auth.account_id(), notices_after, limit)?,
                ))
            })
            .await?;
        if !rows.is_empty() || !notices.is_empty() {
            let mut data = Vec::with_capacity(rows.len());
            for r in rows {
                data.push(Event {
                    cursor: r.transaction.seq,
                    balance: present::balance_after(&r),
                    transaction: r.transaction,
                });
            }
            let next_cursor = data.last().map_or(after, |e| e.cursor);
            let next_notice_cursor = notices.last().map_or(notices_after, |n| n.seq);
            return Ok(Json(EventPage {
                data,
                next_cursor,
                notices: notices.into_iter().map(present::notice).collect(),
                next_notice_cursor,
            }));
        }
        match tokio::time::timeout_at(deadline, moved.changed()).await {
            Ok(Ok(())) => continue,
            // Timed out, or the server is stopping.
            _ => {
                return Ok(Json(EventPage {
                    data: Vec::new(),
                    next_cursor: after,
                    notices: Vec::new(),
                    next_notice_cursor: notices_after,
                }));
            }
        }
    }
}
