//! What the device rules store: pairings, the recovery code's public half, challenges,
//! recoveries and the notices every device of an account reads. Each engine implements
//! [`DeviceReads`] and [`DeviceWrites`] beside its other statements.

use purse_core::api::types::{NoticeKind, PairingState, RecoveryKdf, RecoveryState};

use crate::ledger::tx::Result;

/// A new device's offer to join an account, good until `expires_at` and once.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PairingRow {
    pub pairing_id: String,
    /// Hex of the code's secret bytes.
    pub secret: String,
    pub device_id: String,
    pub device_name: String,
    pub device_public_key: String,
    pub payment_public_key: String,
    /// `Waiting` or `Approved` as stored; see [`PairingRow::state_at`].
    pub state: PairingState,
    pub created_at: i64,
    pub expires_at: i64,
    /// Set at approval.
    pub account_id: Option<String>,
    pub approved_by: Option<String>,
    pub approved_at: Option<i64>,
}

impl PairingRow {
    /// A pairing that waited past its expiry is expired.
    pub fn state_at(&self, now: i64) -> PairingState {
        match self.state {
            PairingState::Waiting if now >= self.expires_at => PairingState::Expired,
            s => s,
        }
    }
}

/// The public half of an account's recovery code.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RecoveryKeyRow {
    pub account_id: String,
    pub lookup: String,
    pub public_key: String,
    pub kdf: RecoveryKdf,
    pub created_at: i64,
}

/// A challenge handed to whoever held a valid lookup: the recovery key signs it, once.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChallengeRow {
    pub challenge: String,
    pub account_id: String,
    pub expires_at: i64,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RecoveryRow {
    pub recovery_id: String,
    pub account_id: String,
    pub device_id: String,
    pub device_name: String,
    pub device_public_key: String,
    pub payment_public_key: String,
    pub state: RecoveryState,
    pub created_at: i64,
    pub completes_at: i64,
    /// When it completed or was cancelled, and by which device if cancelled.
    pub finished_at: Option<i64>,
    pub cancelled_by: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NoticeRow {
    /// Assigned by the store at insert; 0 before.
    pub seq: i64,
    pub account_id: String,
    pub kind: NoticeKind,
    pub device_id: String,
    pub device_name: String,
    pub recovery_id: Option<String>,
    pub completes_at: Option<i64>,
    pub request_id: Option<String>,
    /// For a bill payment: the payer's intent.
    pub intent_id: Option<String>,
    pub created_at: i64,
}

pub trait DeviceReads {
    fn pairing(&mut self, pairing_id: &str) -> Result<Option<PairingRow>>;
    /// A pairing offering this device key (whatever its state).
    fn pairing_of_device(&mut self, device_id: &str) -> Result<Option<PairingRow>>;
    fn recovery_key(&mut self, account_id: &str) -> Result<Option<RecoveryKeyRow>>;
    fn recovery_key_by_lookup(&mut self, lookup: &str) -> Result<Option<RecoveryKeyRow>>;
    fn recovery(&mut self, recovery_id: &str) -> Result<Option<RecoveryRow>>;
    /// The account's recoveries in their cool-off, oldest first.
    fn waiting_recoveries(&mut self, account_id: &str) -> Result<Vec<RecoveryRow>>;
    /// A recovery that would enroll this device key.
    fn recovery_of_device(&mut self, device_id: &str) -> Result<Option<RecoveryRow>>;
    /// The sequence of the account's newest notice (0 for none).
    fn newest_notice(&mut self, account_id: &str) -> Result<i64>;
    /// The account's notices after `after`, oldest first.
    fn notices(&mut self, account_id: &str, after: i64, limit: u32) -> Result<Vec<NoticeRow>>;
}

pub trait DeviceWrites: DeviceReads {
    /// `Duplicate` if the pairing id or the device exists already.
    fn insert_pairing(&mut self, pairing: &PairingRow) -> Result<()>;
    /// Writes state, account and approver.
    fn update_pairing(&mut self, pairing: &PairingRow) -> Result<()>;
    /// Sets the account's recovery key, replacing the one before. `Duplicate` if another
    /// account has this lookup.
    fn set_recovery_key(&mut self, key: &RecoveryKeyRow) -> Result<()>;
    fn insert_challenge(&mut self, challenge: &ChallengeRow) -> Result<()>;
    /// Takes a challenge: it is returned once, then gone.
    fn take_challenge(&mut self, challenge: &str) -> Result<Option<ChallengeRow>>;
    fn insert_recovery(&mut self, recovery: &RecoveryRow) -> Result<()>;
    /// Writes state and how it ended.
    fn update_recovery(&mut self, recovery: &RecoveryRow) -> Result<()>;
    /// Stores a notice; returns its sequence.
    fn insert_notice(&mut self, notice: &NoticeRow) -> Result<i64>;
    /// Forgets pairings and challenges that expired before `before`.
    fn purge_device_attempts(&mut self, before: i64) -> Result<u64>;
}
