//! People: the account's handle and proven contacts, finding a recipient, and the sandbox
//! outbox where one-time codes are "sent".

use axum::Json;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use purse_core::api::types::{
    AddContactRequest, ContactChallenge, ContactKind, Problem, Profile, ReceiveCode, Recipient,
    SandboxMessage, SandboxMessageList, SetHandleRequest, VerifyContactRequest, codes,
};
use purse_core::people::{HandleError, RecipientQuery, normalize_handle, parse_recipient};
use serde::Deserialize;

use crate::app::AppState;
use crate::auth::Authed;
use crate::contacts::{ContactError, normalize};
use crate::ids::{one_time_code, random_id};
use crate::ledger::people::{
    self, ContactChallengeRow, OTP_TRIES, OTP_TTL_SECS, PeopleRefusal, code_hash,
};
use crate::ledger::rate::RateLimit;
use crate::present;
use crate::problem::ApiProblem;
use crate::routes::extract::{limit_attempts, own_account};

/// Lookups per account and minute: enough to find a friend, too few to walk the directory.
const LOOKUPS: RateLimit = RateLimit {
    max: 30,
    window_secs: 60,
};
/// One-time codes sent per account and hour.
const CODES_SENT: RateLimit = RateLimit {
    max: 5,
    window_secs: 3_600,
};

fn handle_problem(e: HandleError) -> ApiProblem {
    match e {
        HandleError::Invalid => ApiProblem::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            codes::HANDLE_INVALID,
            e.to_string(),
        ),
        HandleError::Reserved => ApiProblem::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            codes::HANDLE_RESERVED,
            e.to_string(),
        ),
    }
}

fn contact_problem(e: ContactError) -> ApiProblem {
    let code = match e {
        ContactError::PhoneInvalid => codes::PHONE_INVALID,
        ContactError::PhoneNotMobile => codes::PHONE_NOT_MOBILE,
        ContactError::EmailInvalid => codes::EMAIL_INVALID,
    };
    ApiProblem::new(StatusCode::UNPROCESSABLE_ENTITY, code, e.to_string())
}

fn refusal_problem(r: PeopleRefusal, what: &str) -> ApiProblem {
    match r {
        PeopleRefusal::Taken => ApiProblem::new(
            StatusCode::CONFLICT,
            if what == "handle" {
                codes::HANDLE_TAKEN
            } else {
                codes::CONTACT_TAKEN
            },
            format!("this {what} belongs to another account"),
        ),
        PeopleRefusal::NotFound => ApiProblem::not_found("code request"),
        PeopleRefusal::Expired => ApiProblem::new(
            StatusCode::GONE,
            codes::OTP_EXPIRED,
            "the code has expired; ask for a new one",
        ),
        PeopleRefusal::Wrong { tries_left } => ApiProblem::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            codes::OTP_WRONG,
            format!("wrong code; {tries_left} tries left"),
        ),
        PeopleRefusal::Exhausted => ApiProblem::new(
            StatusCode::GONE,
            codes::OTP_EXHAUSTED,
            "too many wrong codes; ask for a new one",
        ),
    }
}

async fn profile_of(state: &AppState, auth: &Authed) -> Result<Profile, ApiProblem> {
    let account = own_account(state, auth).await?;
    let id = account.account_id.clone();
    let (handle, phone, email) = state
        .store
        .read(|r| {
            Ok((
                r.handle_of(&id)?,
                r.contact_of(&id, ContactKind::Phone)?,
                r.contact_of(&id, ContactKind::Email)?,
            ))
        })
        .await?;
    Ok(Profile {
        account_id: account.account_id,
        name: account.name,
        handle,
        phone,
        email,
    })
}

/// The account's handle and proven contacts (only its own devices see these).
#[utoipa::path(get, path = "/v1/profile", tag = "people",
    responses((status = 200, body = Profile), (status = 401, body = Problem)))]
pub async fn profile(
    State(state): State<AppState>,
    auth: Authed,
) -> Result<Json<Profile>, ApiProblem> {
    Ok(Json(profile_of(&state, &auth).await?))
}

/// Claims a handle (replacing the account's old one, which becomes free).
#[utoipa::path(put, path = "/v1/profile/handle", tag = "people", request_body = SetHandleRequest,
    responses((status = 200, body = Profile), (status = 409, body = Problem), (status = 422, body = Problem)))]
pub async fn set_handle(
    State(state): State<AppState>,
    auth: Authed,
) -> Result<Json<Profile>, ApiProblem> {
    let body: SetHandleRequest = auth.json()?;
    let handle = normalize_handle(&body.handle).map_err(handle_problem)?;
    let account_id = auth.account_id().to_owned();
    state
        .store
        .write(move |tx| people::claim_handle(tx, &account_id, &handle))
        .await?
        .map_err(|r| refusal_problem(r, "handle"))?;
    Ok(Json(profile_of(&state, &auth).await?))
}

/// Sends a six-digit code to a phone number (mobile only) or an email, to the sandbox
/// outbox. At most 5 an hour per account.
#[utoipa::path(post, path = "/v1/profile/contacts", tag = "people", request_body = AddContactRequest,
    responses((status = 201, body = ContactChallenge), (status = 409, body = Problem),
        (status = 422, body = Problem), (status = 429, body = Problem)))]
pub async fn add_contact(
    State(state): State<AppState>,
    auth: Authed,
) -> Result<(StatusCode, Json<ContactChallenge>), ApiProblem> {
    let body: AddContactRequest = auth.json()?;
    let value = normalize(body.kind, &body.value).map_err(contact_problem)?;
    limit_attempts(
        &state,
        vec![(format!("otp:acct:{}", auth.account_id()), CODES_SENT)],
    )
    .await?;
    let now = state.now();
    let challenge_id = random_id("otp");
    let code = one_time_code();
    let row = ContactChallengeRow {
        code_hash: code_hash(&challenge_id, &code),
        challenge_id,
        account_id: auth.account_id().to_owned(),
        kind: body.kind,
        value,
        tries_left: OTP_TRIES,
        created_at: now,
        expires_at: now + OTP_TTL_SECS,
    };
    let stored = row.clone();
    state
        .store
        .write(move |tx| people::send_code(tx, &stored, &code))
        .await?
        .map_err(|r| refusal_problem(r, body.kind.as_str()))?;
    Ok((
        StatusCode::CREATED,
        Json(ContactChallenge {
            challenge_id: row.challenge_id,
            kind: row.kind,
            value: row.value,
            expires_at: row.expires_at,
        }),
    ))
}

/// Proves a contact with the code it received. Each wrong code costs one of 5 tries.
#[utoipa::path(post, path = "/v1/profile/contacts/verify", tag = "people", request_body = VerifyContactRequest,
    responses((status = 200, body = Profile), (status = 410, body = Problem), (status = 422, body = Problem)))]
pub async fn verify_contact(
    State(state): State<AppState>,
    auth: Authed,
) -> Result<Json<Profile>, ApiProblem> {
    let body: VerifyContactRequest = auth.json()?;
    let (account_id, now) = (auth.account_id().to_owned(), state.now());
    let kind = state
        .store
        .write(move |tx| people::verify_code(tx, &account_id, &body.challenge_id, &body.code, now))
        .await?
        .map_err(|r| refusal_problem(r, "contact"))?;
    tracing::info!(account = %auth.account_id(), kind = kind.0.as_str(), "contact proven");
    Ok(Json(profile_of(&state, &auth).await?))
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
pub struct RecipientParams {
    /// `$handle`, a phone number with its country code, or an email.
    pub q: String,
}

/// Finds a recipient by handle, proven phone or proven email: their handle and masked name,
/// never their contacts. At most 30 lookups a minute per account.
#[utoipa::path(get, path = "/v1/recipients", tag = "people", params(RecipientParams),
    responses((status = 200, body = Recipient), (status = 404, body = Problem), (status = 429, body = Problem)))]
pub async fn find_recipient(
    State(state): State<AppState>,
    Query(q): Query<RecipientParams>,
    auth: Authed,
) -> Result<Json<Recipient>, ApiProblem> {
    limit_attempts(
        &state,
        vec![(format!("lookup:acct:{}", auth.account_id()), LOOKUPS)],
    )
    .await?;
    let query = parse_recipient(&q.q).map_err(handle_problem)?;
    let not_found = || {
        ApiProblem::new(
            StatusCode::NOT_FOUND,
            codes::RECIPIENT_NOT_FOUND,
            "nobody has this handle, number or email",
        )
    };
    let (kind_value, handle) = match query {
        RecipientQuery::Handle(h) => (None, Some(h)),
        RecipientQuery::Phone(p) => (
            Some((
                ContactKind::Phone,
                normalize(ContactKind::Phone, &p).map_err(|_| not_found())?,
            )),
            None,
        ),
        RecipientQuery::Email(e) => (
            Some((
                ContactKind::Email,
                normalize(ContactKind::Email, &e).map_err(|_| not_found())?,
            )),
            None,
        ),
    };
    let found = state
        .store
        .read(|r| {
            let account_id = match (&handle, &kind_value) {
                (Some(h), _) => r.account_of_handle(h)?,
                (None, Some((k, v))) => r.account_of_contact(*k, v)?,
                (None, None) => None,
            };
            match account_id {
                Some(id) => people::recipient(r, &id),
                None => Ok(None),
            }
        })
        .await?
        .ok_or_else(not_found)?;
    let (account, handle) = found;
    Ok(Json(present::recipient(&account, handle)))
}

/// The account's receive code, made on first ask (`rotate`: a new one, the old revoked).
async fn own_receive_code(
    state: &AppState,
    auth: &Authed,
    rotate: bool,
) -> Result<Json<ReceiveCode>, ApiProblem> {
    let (account_id, now, id) = (auth.account_id().to_owned(), state.now(), random_id("rc"));
    let c = state
        .store
        .write(move |tx| {
            if rotate {
                people::rotate_receive_code(tx, &account_id, &id, now)
            } else {
                people::receive_code(tx, &account_id, &id, now)
            }
        })
        .await?;
    Ok(Json(ReceiveCode {
        code_id: c.code_id,
        created_at: c.created_at,
    }))
}

/// The account's receive code, made on first ask.
#[utoipa::path(get, path = "/v1/receive-code", tag = "people",
    responses((status = 200, body = ReceiveCode), (status = 401, body = Problem)))]
pub async fn receive_code(
    State(state): State<AppState>,
    auth: Authed,
) -> Result<Json<ReceiveCode>, ApiProblem> {
    own_receive_code(&state, &auth, false).await
}

/// A new receive code; the old one stops resolving (a printed code that got around).
#[utoipa::path(post, path = "/v1/receive-code/rotate", tag = "people",
    responses((status = 200, body = ReceiveCode), (status = 401, body = Problem)))]
pub async fn rotate_receive_code(
    State(state): State<AppState>,
    auth: Authed,
) -> Result<Json<ReceiveCode>, ApiProblem> {
    own_receive_code(&state, &auth, true).await
}

/// Who a scanned receive code pays, as the backend knows them (handle and masked name);
/// a rotated or unknown code is `receive_code_invalid`. Counted with the lookups.
#[utoipa::path(get, path = "/v1/receive-codes/{code_id}", tag = "people",
    params(("code_id" = String, Path)),
    responses((status = 200, body = Recipient), (status = 404, body = Problem), (status = 429, body = Problem)))]
pub async fn resolve_receive_code(
    State(state): State<AppState>,
    Path(code_id): Path<String>,
    auth: Authed,
) -> Result<Json<Recipient>, ApiProblem> {
    limit_attempts(
        &state,
        vec![(format!("lookup:acct:{}", auth.account_id()), LOOKUPS)],
    )
    .await?;
    let found = state
        .store
        .read(|r| match people::receive_code_owner(r, &code_id)? {
            Some(id) => people::recipient(r, &id),
            None => Ok(None),
        })
        .await?
        .ok_or_else(|| {
            ApiProblem::new(
                StatusCode::NOT_FOUND,
                codes::RECEIVE_CODE_INVALID,
                "this receive code is not in use (rotated, or never made)",
            )
        })?;
    let (account, handle) = found;
    Ok(Json(present::recipient(&account, handle)))
}

/// What the sandbox "sent" for this account (SMS and email codes), newest first.
#[utoipa::path(get, path = "/v1/sandbox/messages", tag = "people",
    responses((status = 200, body = SandboxMessageList), (status = 401, body = Problem)))]
pub async fn sandbox_messages(
    State(state): State<AppState>,
    auth: Authed,
) -> Result<Json<SandboxMessageList>, ApiProblem> {
    let data = state
        .store
        .read(|r| r.sandbox_messages(auth.account_id(), 20))
        .await?
        .into_iter()
        .map(|m| SandboxMessage {
            kind: m.kind,
            to: m.to,
            body: m.body,
            created_at: m.created_at,
        })
        .collect();
    Ok(Json(SandboxMessageList { data }))
}
