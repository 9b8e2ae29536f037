//! The wire types of people: handles, verified phone and email, finding a recipient, and
//! the sandbox outbox where the backend "sends" one-time codes.

use serde::{Deserialize, Serialize};

wire! {
    pub struct SetHandleRequest {
        /// `$` + 3-20 of a-z, 0-9 and _, starting with a letter (any case; stored lower).
        pub handle: String,
    }

    /// What the account has claimed and proven. Only its owner sees phone and email.
    #[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
    pub struct Profile {
        pub account_id: String,
        pub name: String,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub handle: Option<String>,
        /// E.164, once proven.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub phone: Option<String>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub email: Option<String>,
    }

    pub struct AddContactRequest {
        pub kind: ContactKind,
        pub value: String,
    }

    /// A one-time code was sent to `value` (normalised: E.164, or the email with its domain in
    /// lower case). Good for 10 minutes and 5 tries.
    #[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
    pub struct ContactChallenge {
        pub challenge_id: String,
        pub kind: ContactKind,
        pub value: String,
        pub expires_at: i64,
    }

    pub struct VerifyContactRequest {
        pub challenge_id: String,
        /// The six digits received.
        pub code: String,
    }

    /// Someone a payer found: never their phone or email, and their name masked.
    #[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
    pub struct Recipient {
        pub account_id: String,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub handle: Option<String>,
        /// "A** L*******".
        pub masked_name: String,
    }

    /// The account's personal receive code (the wallet builds the QR payload around it).
    pub struct ReceiveCode {
        pub code_id: String,
        pub created_at: i64,
    }

    /// A message the sandbox backend "sent" (no SMS or mail leaves it).
    #[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
    pub struct SandboxMessage {
        pub kind: ContactKind,
        pub to: String,
        pub body: String,
        pub created_at: i64,
    }

    pub struct SandboxMessageList {
        pub data: Vec<SandboxMessage>,
    }
}

impl Recipient {
    /// How the person is named on a confirm screen or in a prompt: masked name and handle
    /// ("B* L* $bo_li").
    pub fn label(&self) -> String {
        match &self.handle {
            Some(h) => format!("{} {h}", self.masked_name),
            None => self.masked_name.clone(),
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "uniffi", derive(uniffi::Enum))]
#[serde(rename_all = "snake_case")]
pub enum ContactKind {
    Phone,
    Email,
}

impl ContactKind {
    pub fn as_str(self) -> &'static str {
        match self {
            ContactKind::Phone => "phone",
            ContactKind::Email => "email",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "phone" => Some(ContactKind::Phone),
            "email" => Some(ContactKind::Email),
            _ => None,
        }
    }
}
