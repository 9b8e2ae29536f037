//! Any text into the payment-code parser: an error or a code, never a panic.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(text) = std::str::from_utf8(data) {
        if let Ok(code) = purse_core::paycode::parse(text) {
            let _ = code.purse_merchant();
        }
    }
});
