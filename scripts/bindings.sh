#!/usr/bin/env bash
# Generates the Kotlin and Swift bindings of purse-ffi from the built library (uniffi
# library mode): target/bindings/kotlin and target/bindings/swift.
# Usage: scripts/bindings.sh [debug|release|release-mobile]   (default: debug)
set -euo pipefail
cd "$(dirname "$0")/.."
profile="${1:-debug}"
case "$profile" in
    debug) cargo build -p purse-ffi --locked --quiet; dir=target/debug ;;
    *) cargo build -p purse-ffi --locked --quiet --profile "$profile"; dir="target/$profile" ;;
esac
lib="$dir/libpurse_ffi.so"
[ -f "$lib" ] || lib="$dir/libpurse_ffi.dylib"
rm -rf target/bindings/kotlin target/bindings/swift
for lang in kotlin swift; do
    cargo run -p purse-ffi --bin uniffi-bindgen --locked --quiet -- \
        generate --library "$lib" --language "$lang" --out-dir "target/bindings/$lang" --no-format
done
echo "bindings for $lib in target/bindings/{kotlin,swift}"
