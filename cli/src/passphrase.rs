//! Where the CLI's software key protector gets the passphrase: `PURSE_PASSPHRASE`, else the
//! terminal, asked only when a key is actually needed.

use std::io::IsTerminal;

use purse_core::keys::{PassphraseSource, ProtectorError};
use zeroize::Zeroizing;

pub struct CliPassphrase {
    /// Ask twice and compare (when creating a wallet at the terminal).
    pub confirm: bool,
}

impl PassphraseSource for CliPassphrase {
    fn passphrase(&self, reason: &str) -> Result<Zeroizing<String>, ProtectorError> {
        if let Ok(p) = std::env::var("PURSE_PASSPHRASE") {
            if p.is_empty() {
                return Err(ProtectorError::Denied("PURSE_PASSPHRASE is empty".into()));
            }
            return Ok(Zeroizing::new(p));
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
        Ok(first)
    }
}
