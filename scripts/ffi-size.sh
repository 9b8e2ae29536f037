#!/usr/bin/env bash
# Builds the native library as phones get it (the release-mobile profile: opt-level z, fat
# LTO, one codegen unit, stripped; ELF segments aligned to 16 KiB pages) for this machine,
# checks the alignment and prints the size. The Android build (android/build-rust.sh) uses
# the same profile and flags per ABI.
set -euo pipefail
cd "$(dirname "$0")/.."
host=$(rustc -vV | sed -n 's/^host: //p')
flag="CARGO_TARGET_$(echo "$host" | tr 'a-z-' 'A-Z_')_RUSTFLAGS"
export "$flag=-C link-arg=-Wl,-z,max-page-size=16384"
cargo build -p purse-ffi --lib --profile release-mobile --locked --quiet
so=target/release-mobile/libpurse_ffi.so
if readelf -lW "$so" | awk '/LOAD/ && $NF != "0x4000" { bad = 1 } END { exit bad }'; then
    align="16 KiB-aligned LOAD segments"
else
    echo "not 16 KiB aligned: $so" >&2
    exit 1
fi
bytes=$(stat -c %s "$so")
gz=$(gzip -9 -c "$so" | wc -c)
echo "libpurse_ffi.so ($host, release-mobile): $bytes bytes ($((bytes / 1024)) KiB), $((gz / 1024)) KiB gzipped; $align"
