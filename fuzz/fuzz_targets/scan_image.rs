//! Any bytes as an encoded image: an error or codes, never a panic, a hang or a huge
//! allocation.
#![no_main]

use std::time::Duration;

use libfuzzer_sys::fuzz_target;
use purse_core::scan::{ScanOptions, scan_image};

fuzz_target!(|data: &[u8]| {
    let opts = ScanOptions {
        budget: Duration::from_millis(20),
        first_only: false,
    };
    let _ = scan_image(data, opts);
});
