//! Where the CLI's software key protector gets the passphrase: `PURSE_PASSPHRASE`, else the
//! terminal, asked only when a key is actually needed.

use std::io::IsTerminal;
use std::sync::Mutex;

use purse_core::keys::{PassphraseSource, ProtectorError};
use zeroize::Zeroizing;

pub struct CliPassphrase {
    /// Ask twice and compare (when creating a wallet at the terminal).
    confirm: bool,
    /// What the user typed, kept for this process only: one command may need both keys
    /// (enrollment wraps two), and the user should be asked once.
    typed: Mutex<Option<Zeroizing<String>>>,
}

impl CliPassphrase {
    pub fn new(confirm: bool) -> Self {
        CliPassphrase {
            confirm,
            typed: Mutex::new(None),
        }
    }
}

impl PassphraseSource for CliPassphrase {
    fn passphrase(&self, reason: &str) -> Result<Zeroizing<String>, ProtectorError> {
        if let Ok(p) = std::env::var("PURSE_PASSPHRASE") {
            if p.is_empty() {
                return Err(ProtectorError::Denied("PURSE_PASSPHRASE is empty".into()));
            }
            return Ok(Zeroizing::new(p));
        }
        let mut typed = self.typed.lock().unwrap_or_else(|p| p.into_inner());
        if let Some(p) = typed.as_ref() {
            return Ok(p.clone());
        }
        if !std::io::stdin().is_terminal() {
            return Err(ProtectorError::Unavailable(
                "no passphrase: set PURSE_PASSPHRASE or run in a terminal".into(),
            ));
        }
        let ask = |prompt: &str| {
            rpassword::prompt_password(prompt)
                .map(Zeroizing::new)
                .map_err(|e| {
                    ProtectorError::Unavailable(format!("cannot read the passphrase: {e}"))
                })
        };
        let first = ask(&format!("{reason}. Passphrase: "))?;
        if first.is_empty() {
            return Err(ProtectorError::Cancelled);
        }
        if self.confirm && *ask("Repeat the passphrase: ")? != *first {
            return Err(ProtectorError::Denied("the passphrases differ".into()));
        }
        *typed = Some(first.clone());
        Ok(first)
    }
}
