#!/usr/bin/env bash
# Runs each fuzz target for a bounded time (default 60 s each) with libFuzzer.
#   ./scripts/fuzz.sh [SECONDS]
# Targets: every parser of outside input. paycode (scanned payment codes), scan_image and
# scan_frame (photos and camera frames), signed_request (the backend's reading of signature
# headers, digests and signatures), api_answer (the wallet's reading of backend answers).
#
# cargo-fuzz needs nightly compiler flags; on a stable toolchain RUSTC_BOOTSTRAP=1 enables
# them for this build only. Each target starts from its committed seeds
# (fuzz/seeds/TARGET) and grows fuzz/corpus/TARGET (not committed). A crash stops the run
# and lands in fuzz/artifacts/TARGET/: fix it, then add the input to fuzz/seeds/TARGET so
# that every later run (the test command's included) replays it first.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/install.sh
secs="${1:-60}"
command -v cargo-fuzz >/dev/null 2>&1 || retry cargo install cargo-fuzz --locked
export RUSTC_BOOTSTRAP=1
for target in paycode scan_image scan_frame signed_request api_answer; do
    echo "==> fuzzing $target for ${secs}s"
    corpora=("fuzz/corpus/$target")
    mkdir -p "fuzz/corpus/$target"
    [ -d "fuzz/seeds/$target" ] && corpora+=("fuzz/seeds/$target")
    cargo fuzz run "$target" --fuzz-dir fuzz --sanitizer none "${corpora[@]}" -- \
        -max_total_time="$secs" -max_len=65536 -rss_limit_mb=2048 -timeout=5 2>&1 \
        | grep -E 'DONE|^Done |panicked|ERROR|SUMMARY|Test unit written' || true
    test "${PIPESTATUS[0]}" -eq 0 || { echo "fuzz target $target failed" >&2; exit 1; }
done
