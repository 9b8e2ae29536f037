#!/usr/bin/env bash
# Generates the Kotlin and Swift bindings of purse-ffi from the built library (uniffi
# library mode): target/bindings/kotlin and target/bindings/swift.
# Usage: scripts/bindings.sh [debug|release|release-mobile]   (default: debug)
set -euo pipefail
cd "$(dirname "$0")/.."
profile="${1:-debug}"
# The generator (a debug build is plenty), and with it the debug library and the CLI the
# Kotlin tests drive. The whole workspace with every feature, as scripts/test.sh selects it:
# building one package would unify dependency features differently and compile them again.
cargo build --workspace --all-features --locked --quiet
dir=target/debug
if [ "$profile" != debug ]; then
    cargo build -p purse-ffi --lib --profile "$profile" --locked --quiet
    dir="target/$profile"
fi
lib="$dir/libpurse_ffi.so"
[ -f "$lib" ] || lib="$dir/libpurse_ffi.dylib"
rm -rf target/bindings/kotlin target/bindings/swift
for lang in kotlin swift; do
    target/debug/uniffi-bindgen generate --library "$lib" --language "$lang" \
        --out-dir "target/bindings/$lang" --no-format
done
echo "bindings for $lib in target/bindings/{kotlin,swift}"
