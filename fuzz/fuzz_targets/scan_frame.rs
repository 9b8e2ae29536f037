//! Any bytes as a camera frame: the first four bytes choose width, height and stride
//! padding, the rest are pixels (whatever their count).
#![no_main]

use std::time::Duration;

use libfuzzer_sys::fuzz_target;
use purse_core::scan::{LumaFrame, Rotation, ScanOptions, scan_frame};

fuzz_target!(|data: &[u8]| {
    if data.len() < 4 {
        return;
    }
    let width = usize::from(data[0]) + 1;
    let height = usize::from(data[1]) + 1;
    let row_stride = width + usize::from(data[2] % 16);
    let rotation = Rotation::from_degrees(u32::from(data[3] >> 1 & 3) * 90).unwrap_or_default();
    let frame = LumaFrame {
        data: &data[4..],
        width,
        height,
        row_stride,
        rotation,
    };
    let opts = ScanOptions {
        budget: Duration::from_millis(20),
        first_only: data[3] & 1 == 1,
    };
    let _ = scan_frame(frame, opts);
});
