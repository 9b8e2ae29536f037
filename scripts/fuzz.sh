#!/usr/bin/env bash
# Runs each fuzz target for a bounded time (default 60 s each) with libFuzzer.
#   ./scripts/fuzz.sh [SECONDS]
# cargo-fuzz needs nightly compiler flags; on a stable toolchain RUSTC_BOOTSTRAP=1 enables
# them for this build only. Crashes land in fuzz/artifacts/<target>/.
set -euo pipefail
cd "$(dirname "$0")/.."
secs="${1:-60}"
command -v cargo-fuzz >/dev/null 2>&1 || cargo install cargo-fuzz --locked
export RUSTC_BOOTSTRAP=1
for target in paycode scan_image scan_frame; do
    echo "==> fuzzing $target for ${secs}s"
    cargo fuzz run "$target" --fuzz-dir fuzz --sanitizer none -- \
        -max_total_time="$secs" -max_len=65536 -rss_limit_mb=2048 -timeout=5
done
