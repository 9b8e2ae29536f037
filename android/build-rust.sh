#!/usr/bin/env bash
# Builds what the Android app links: the core for each Android ABI (cargo-ndk, the
# release-mobile profile: opt-level z, LTO, stripped, 16 KiB pages), the Kotlin bindings
# generated from that very library, and the purse-core AAR.
#
# Needs, on a workstation: the Android SDK with NDK r27 or newer (ANDROID_NDK_HOME, or
# ANDROID_HOME with ndk/ inside), Gradle 8.11+ (or the wrapper: `gradle wrapper` once).
# Usage: android/build-rust.sh            then: (cd android && gradle :app:assembleDebug)
set -euo pipefail
cd "$(dirname "$0")/.."

targets=(aarch64-linux-android armv7-linux-androideabi x86_64-linux-android)
rustup target add "${targets[@]}"
command -v cargo-ndk >/dev/null 2>&1 || cargo install cargo-ndk --locked

out=android/purse-core/build/generated
rm -rf "$out" && mkdir -p "$out"
# minSdk 28: the platform the NDK links against.
cargo ndk -t arm64-v8a -t armeabi-v7a -t x86_64 --platform 28 -o "$out/jniLibs" \
    build -p purse-ffi --lib --profile release-mobile --locked

lib=target/aarch64-linux-android/release-mobile/libpurse_ffi.so
cargo run -p purse-ffi --features bindgen --bin uniffi-bindgen --locked -- \
    generate --library "$lib" --language kotlin --out-dir "$out/uniffi" --no-format

# Every LOAD segment must be 16 KiB-aligned for Android 15's 16 KiB-page devices.
if command -v llvm-readelf >/dev/null 2>&1; then
    for so in "$out"/jniLibs/arm64-v8a/*.so "$out"/jniLibs/x86_64/*.so; do
        if llvm-readelf -lW "$so" | awk '/LOAD/ && $NF != "0x4000" { bad = 1 } END { exit bad }'; then
            echo "16 KiB aligned: $so"
        else
            echo "not 16 KiB aligned: $so" >&2
            exit 1
        fi
    done
fi
ls -l "$out"/jniLibs/*/libpurse_ffi.so

gradle_cmd=gradle
[ -x android/gradlew ] && gradle_cmd=./gradlew
(cd android && $gradle_cmd :purse-core:assembleRelease)
ls -l android/purse-core/build/outputs/aar/
