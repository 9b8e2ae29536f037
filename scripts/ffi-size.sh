#!/usr/bin/env bash
# Builds the native library as phones get it (the release-mobile profile: opt-level z, fat
# LTO, one codegen unit, stripped; ELF segments aligned to 16 KiB pages; relative
# relocations packed as RELR) for this machine, checks both and prints the size. The Android
# build (android/build-rust.sh) uses the same profile and page size per ABI, and the NDK's
# clang packs relocations as RELR by itself for API 28 and later (our minSdk), so the figure
# here is what phones carry, not the 400 KB of plain `.rela.dyn` a default host link leaves.
# Identical functions are folded (lld's --icf=all, as .cargo/config.toml asks of the Android
# link; rustc links with its own lld here): Rust promises no two functions or vtables distinct
# addresses, and Purse compares none.
#
# Two builds: as Android links it (with the OpenSSL built from source that libsqlite3-sys
# insists on there, `--cfg purse_vendored_openssl`), and as a Linux desktop links it. Both
# must be the same size: SQLCipher's cryptography is ring's and RustCrypto's
# (core/src/cache/sqlcipher_crypto.rs), so no byte of OpenSSL is linked, and the script fails
# if a build carries OpenSSL's version string or needs a libcrypto. The first build takes a
# few minutes more the first time (OpenSSL's build).
#
#   ./scripts/ffi-size.sh [--host-only]
set -euo pipefail
cd "$(dirname "$0")/.."
host=$(rustc -vV | sed -n 's/^host: //p')
flag="CARGO_TARGET_$(echo "$host" | tr 'a-z-' 'A-Z_')_RUSTFLAGS"
link="-C link-arg=-Wl,-z,max-page-size=16384 -C link-arg=-Wl,-z,pack-relative-relocs -C link-arg=-Wl,--icf=all"
target_dir="${CARGO_TARGET_DIR:-target}"

# Builds into DIR with RUSTFLAGS, checks the layout, prints the size as LABEL.
measure() {
    local dir=$1 label=$2 rustflags=$3
    env "$flag=$rustflags" CARGO_TARGET_DIR="$dir" \
        cargo build -p purse-ffi --lib --profile release-mobile --locked --quiet
    local so="$dir/release-mobile/libpurse_ffi.so"
    if ! readelf -lW "$so" | awk '/LOAD/ && $NF != "0x4000" { bad = 1 } END { exit bad }'; then
        echo "not 16 KiB aligned: $so" >&2
        exit 1
    fi
    readelf -dW "$so" | grep -q '(RELR)' || { echo "relocations not packed: $so" >&2; exit 1; }
    if readelf -dW "$so" | grep -q 'libcrypto' || grep -qa 'OpenSSL [0-9]' "$so"; then
        echo "OpenSSL is linked into $so" >&2
        exit 1
    fi
    local bytes gz
    bytes=$(stat -c %s "$so")
    gz=$(gzip -9 -c "$so" | wc -c)
    echo "libpurse_ffi.so ($host, release-mobile, $label): $bytes bytes ($((bytes / 1024)) KiB), $((gz / 1024)) KiB gzipped; 16 KiB-aligned LOAD segments, RELR"
}

if [ "${1:-}" != "--host-only" ]; then
    # Its own folder: the cfg changes what links, and would rebuild the other each time.
    measure "$target_dir/ffi-size-android" "as Android links it" \
        "$link --cfg purse_vendored_openssl"
fi
measure "$target_dir" "as a Linux desktop links it" "$link"
