#!/usr/bin/env bash
# Builds the core for iOS devices and simulators (release-mobile profile: opt-level z, LTO,
# stripped), wraps it as PurseCoreFFI.xcframework with the uniffi header and module map,
# and puts the generated Swift bindings in the PurseCore package. Run on macOS with Xcode.
set -euo pipefail
cd "$(dirname "$0")/.."

[ "$(uname)" = Darwin ] || { echo "build-xcframework.sh needs macOS and Xcode" >&2; exit 1; }
targets=(aarch64-apple-ios aarch64-apple-ios-sim x86_64-apple-ios)
rustup target add "${targets[@]}"
for t in "${targets[@]}"; do
    cargo rustc -p purse-ffi --lib --crate-type staticlib --profile release-mobile --target "$t" --locked
done

gen=target/bindings/ios
rm -rf "$gen" && mkdir -p "$gen/headers"
cargo run -p purse-ffi --features bindgen --bin uniffi-bindgen --locked -- generate \
    --library target/aarch64-apple-ios/release-mobile/libpurse_ffi.a \
    --language swift --out-dir "$gen" --no-format
cp "$gen/PurseCoreFFI.h" "$gen/headers/"
# Xcode looks for module.modulemap inside the headers folder of each slice.
cp "$gen/PurseCoreFFI.modulemap" "$gen/headers/module.modulemap"

# One fat library for both simulator architectures.
mkdir -p target/ios-sim/release-mobile
lipo -create \
    target/aarch64-apple-ios-sim/release-mobile/libpurse_ffi.a \
    target/x86_64-apple-ios/release-mobile/libpurse_ffi.a \
    -output target/ios-sim/release-mobile/libpurse_ffi.a

pkg=ios/PurseCore
rm -rf "$pkg/PurseCoreFFI.xcframework"
xcodebuild -create-xcframework \
    -library target/aarch64-apple-ios/release-mobile/libpurse_ffi.a -headers "$gen/headers" \
    -library target/ios-sim/release-mobile/libpurse_ffi.a -headers "$gen/headers" \
    -output "$pkg/PurseCoreFFI.xcframework"
cp "$gen/PurseCore.swift" "$gen/PurseModel.swift" "$pkg/Sources/PurseCore/"
du -sh "$pkg/PurseCoreFFI.xcframework"
echo "now: cd ios && xcodegen generate && open Purse.xcodeproj"
