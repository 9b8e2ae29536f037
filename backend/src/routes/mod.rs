//! The HTTP API under `/v1`, and its OpenAPI document generated from these handlers. Each
//! file holds one area's handlers; they share only `extract` (request helpers), `app`, `auth`,
//! `idempotency`, `present` and the `ledger`, never each other.

pub mod account;
pub mod bill_payments;
pub mod billers;
pub mod devices;
pub mod enroll;
pub mod events;
pub mod extract;
pub mod funding;
pub mod merchants;
pub mod pairings;
pub mod paycodes;
pub mod payments;
pub mod payouts;
pub mod people;
pub mod recoveries;
pub mod requests;
pub mod savings;
pub mod topups;
pub mod transfers;
pub mod withdrawals;

use axum::Json;
use axum::Router;
use axum::extract::State;
use axum::routing::{get, post, put};
use utoipa::OpenApi;

use crate::app::AppState;

#[derive(OpenApi)]
#[openapi(
    info(
        title = "Purse reference backend",
        description = "Every request carries an RFC 9421 signature (label `purse`, \
            ecdsa-p256-sha256, keyid = device id) covering @method, @target-uri, \
            content-digest (RFC 9530) and idempotency-key when present. Errors are \
            application/problem+json with a stable `code`. Money is integer minor units \
            with an ISO 4217 code."
    ),
    paths(
        enroll::enroll,
        account::account,
        account::balance,
        account::transactions,
        devices::list,
        devices::revoke,
        pairings::create,
        pairings::status,
        pairings::open,
        pairings::approve,
        recoveries::challenge,
        recoveries::start,
        recoveries::status,
        recoveries::list,
        recoveries::cancel,
        recoveries::rotate,
        people::profile,
        people::set_handle,
        people::add_contact,
        people::verify_contact,
        people::find_recipient,
        people::sandbox_messages,
        people::receive_code,
        people::rotate_receive_code,
        people::resolve_receive_code,
        transfers::create,
        transfers::get,
        requests::create,
        requests::list,
        requests::decline,
        requests::cancel,
        requests::block,
        withdrawals::create,
        withdrawals::get,
        withdrawals::list,
        withdrawals::sandbox_settle,
        payouts::waiting,
        payouts::get,
        payouts::decline,
        funding::link_card,
        funding::link_bank,
        funding::sources,
        topups::create,
        account::limits,
        account::set_limits,
        events::poll,
        merchants::register,
        merchants::me,
        merchants::create_order,
        merchants::list_orders,
        merchants::get_order,
        merchants::close_order,
        merchants::refund,
        payments::quote,
        payments::pay,
        payments::get_payment,
        billers::list,
        billers::get,
        billers::fetch,
        billers::operators,
        billers::quote,
        billers::saved_list,
        billers::save_biller,
        billers::forget_biller,
        billers::due,
        bill_payments::create,
        bill_payments::get,
        bill_payments::list,
        bill_payments::sandbox_advance,
        savings::summary,
        savings::create,
        savings::get,
        savings::list,
        savings::history,
        paycodes::key,
        paycodes::create,
        paycodes::get,
        paycodes::waiting,
        paycodes::confirm_charge,
        paycodes::decline,
        paycodes::get_limit,
        paycodes::set_limit,
    ),
    tags(
        (name = "devices", description = "Enrollment, device keys, pairing and recovery"),
        (name = "account", description = "Balance and history"),
        (name = "funding", description = "Sandbox cards, bank accounts and top-ups"),
        (name = "merchants", description = "Merchant profile, orders and their codes, refunds"),
        (name = "payments", description = "Quotes and payments"),
        (name = "people", description = "Handles, proven phone numbers and emails, recipients"),
        (name = "bills", description = "Billers, bills, phone top-up, saved billers"),
        (name = "savings", description = "A money-market fund beside the wallet, with a daily yield"),
        (name = "paycodes", description = "Codes the customer shows at a till, charged once, even made offline"),
    ),
    modifiers(&ProblemAnswers)
)]
pub struct ApiDoc;

/// Every refusal is `application/problem+json` (RFC 9457) with a stable `code`: the
/// document says so on each error answer an operation lists, and adds a `default` answer
/// for the ones every operation may give (a bad signature, a rate limit, a busy store).
struct ProblemAnswers;

impl utoipa::Modify for ProblemAnswers {
    fn modify(&self, doc: &mut utoipa::openapi::OpenApi) {
        use utoipa::openapi::{ContentBuilder, Ref, RefOr, ResponseBuilder};
        const PROBLEM_JSON: &str = "application/problem+json";
        let problem = ContentBuilder::new()
            .schema(Some(Ref::from_schema_name("Problem")))
            .build();
        for item in doc.paths.paths.values_mut() {
            let operations = [
                &mut item.get,
                &mut item.post,
                &mut item.put,
                &mut item.delete,
                &mut item.patch,
            ];
            for op in operations.into_iter().flatten() {
                for (status, answer) in op.responses.responses.iter_mut() {
                    let is_error = status.starts_with('4') || status.starts_with('5');
                    if let (true, RefOr::T(answer)) = (is_error, answer)
                        && let Some(json) = answer.content.shift_remove("application/json")
                    {
                        answer.content.insert(PROBLEM_JSON.to_owned(), json);
                    }
                }
                op.responses
                    .responses
                    .entry("default".to_owned())
                    .or_insert_with(|| {
                        RefOr::T(
                            ResponseBuilder::new()
                                .description(
                                    "A refusal: a bad or missing signature, an unknown or \
                                     revoked device, a rate limit (with Retry-After), a busy \
                                     store, or the operation's own refusals",
                                )
                                .content(PROBLEM_JSON, problem.clone())
                                .build(),
                        )
                    });
            }
        }
    }
}

/// The API and the merchant console behind one set of layers (per-address limits, request
/// ids). `secure_cookies`: see [`crate::console::router`].
pub fn router(state: AppState, secure_cookies: bool) -> Router {
    Router::new()
        .merge(crate::console::router(secure_cookies))
        .route("/v1/health", get(health))
        .route("/v1/openapi.json", get(openapi))
        .route("/v1/enroll", post(enroll::enroll))
        .route("/v1/account", get(account::account))
        .route("/v1/balance", get(account::balance))
        .route("/v1/transactions", get(account::transactions))
        .route("/v1/devices", get(devices::list))
        .route("/v1/devices/{device_id}/revoke", post(devices::revoke))
        .route("/v1/pairings", post(pairings::create))
        .route("/v1/pairings/{pairing_id}", get(pairings::status))
        .route("/v1/pairings/{pairing_id}/open", post(pairings::open))
        .route("/v1/pairings/{pairing_id}/approve", post(pairings::approve))
        .route("/v1/recovery/challenge", post(recoveries::challenge))
        .route("/v1/recovery/rotate", post(recoveries::rotate))
        .route(
            "/v1/recoveries",
            get(recoveries::list).post(recoveries::start),
        )
        .route("/v1/recoveries/{recovery_id}", get(recoveries::status))
        .route(
            "/v1/recoveries/{recovery_id}/cancel",
            post(recoveries::cancel),
        )
        .route("/v1/funding/cards", post(funding::link_card))
        .route("/v1/funding/banks", post(funding::link_bank))
        .route("/v1/funding/sources", get(funding::sources))
        .route("/v1/topups", post(topups::create))
        .route(
            "/v1/account/limits",
            get(account::limits).put(account::set_limits),
        )
        .route("/v1/events", get(events::poll))
        .route("/v1/merchant", get(merchants::me).post(merchants::register))
        .route(
            "/v1/merchant/orders",
            get(merchants::list_orders).post(merchants::create_order),
        )
        .route("/v1/merchant/orders/{order_id}", get(merchants::get_order))
        .route(
            "/v1/merchant/orders/{order_id}/close",
            post(merchants::close_order),
        )
        .route(
            "/v1/merchant/orders/{order_id}/refunds",
            post(merchants::refund),
        )
        .route("/v1/profile", get(people::profile))
        .route("/v1/profile/handle", put(people::set_handle))
        .route("/v1/profile/contacts", post(people::add_contact))
        .route("/v1/profile/contacts/verify", post(people::verify_contact))
        .route("/v1/recipients", get(people::find_recipient))
        .route("/v1/sandbox/messages", get(people::sandbox_messages))
        .route("/v1/receive-code", get(people::receive_code))
        .route("/v1/receive-code/rotate", post(people::rotate_receive_code))
        .route(
            "/v1/receive-codes/{code_id}",
            get(people::resolve_receive_code),
        )
        .route("/v1/requests", get(requests::list).post(requests::create))
        .route("/v1/requests/{request_id}/decline", post(requests::decline))
        .route("/v1/requests/{request_id}/cancel", post(requests::cancel))
        .route("/v1/blocks", post(requests::block))
        .route(
            "/v1/withdrawals",
            get(withdrawals::list).post(withdrawals::create),
        )
        .route("/v1/withdrawals/{intent_id}", get(withdrawals::get))
        .route(
            "/v1/sandbox/withdrawals/settle",
            post(withdrawals::sandbox_settle),
        )
        .route("/v1/payouts/waiting", get(payouts::waiting))
        .route("/v1/payouts/{payout_id}", get(payouts::get))
        .route("/v1/payouts/{payout_id}/decline", post(payouts::decline))
        .route("/v1/paycode/key", post(paycodes::key))
        .route("/v1/paycode/charges", post(paycodes::create))
        .route("/v1/paycode/charges/{charge_id}", get(paycodes::get))
        .route(
            "/v1/paycode/charges/{charge_id}/confirm",
            post(paycodes::confirm_charge),
        )
        .route(
            "/v1/paycode/charges/{charge_id}/decline",
            post(paycodes::decline),
        )
        .route("/v1/paycode/waiting", get(paycodes::waiting))
        .route(
            "/v1/paycode/limit",
            get(paycodes::get_limit).put(paycodes::set_limit),
        )
        .route("/v1/savings", get(savings::summary))
        .route(
            "/v1/savings/moves",
            get(savings::list).post(savings::create),
        )
        .route("/v1/savings/moves/{intent_id}", get(savings::get))
        .route("/v1/savings/history", get(savings::history))
        .route("/v1/billers", get(billers::list))
        .route("/v1/billers/{biller_id}", get(billers::get))
        .route("/v1/billers/{biller_id}/bill", get(billers::fetch))
        .route("/v1/operators", get(billers::operators))
        .route("/v1/bill-quotes", post(billers::quote))
        .route(
            "/v1/saved-billers",
            get(billers::saved_list).post(billers::save_biller),
        )
        .route("/v1/saved-billers/due", get(billers::due))
        .route(
            "/v1/saved-billers/{saved_id}",
            axum::routing::delete(billers::forget_biller),
        )
        .route(
            "/v1/bill-payments",
            get(bill_payments::list).post(bill_payments::create),
        )
        .route("/v1/bill-payments/{intent_id}", get(bill_payments::get))
        .route(
            "/v1/sandbox/billers/advance",
            post(bill_payments::sandbox_advance),
        )
        .route("/v1/transfers", post(transfers::create))
        .route("/v1/transfers/{intent_id}", get(transfers::get))
        .route("/v1/quote", get(payments::quote))
        .route("/v1/payments", post(payments::pay))
        .route("/v1/payments/{intent_id}", get(payments::get_payment))
        .fallback(|| async { crate::problem::ApiProblem::not_found("endpoint") })
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            per_address,
        ))
        .layer(axum::middleware::from_fn(crate::problem::request_id))
        .with_state(state)
}

/// Counts every request against its client address (`throttle::Limits::requests`).
async fn per_address(
    State(state): State<AppState>,
    ip: crate::auth::ClientIp,
    mut req: axum::extract::Request,
    next: axum::middleware::Next,
) -> axum::response::Response {
    use axum::response::IntoResponse;
    if let Some(t) = &state.throttle
        && let Err(limited) = t.request(&ip.0)
    {
        return crate::auth::throttled(limited).into_response();
    }
    req.extensions_mut().insert(ip);
    next.run(req).await
}

async fn health() -> &'static str {
    "ok"
}

async fn openapi() -> Json<utoipa::openapi::OpenApi> {
    Json(ApiDoc::openapi())
}
