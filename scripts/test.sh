#!/usr/bin/env bash
# Runs every Purse test: format, lints, unit and end-to-end tests.
# Installs what it needs on a fresh Debian machine first; running it again installs nothing.
set -euo pipefail
cd "$(dirname "$0")/.."

. scripts/install.sh

# A C compiler for the bundled SQLite and for ring; libcrypto for the link libsqlite3-sys's
# build script asks for with SQLCipher (nothing of it is used: SQLCipher's cryptography is
# ring's and RustCrypto's); a font for the console's PNG poster, which prints the shop's name.
missing=()
command -v cc >/dev/null 2>&1 || missing+=(build-essential)
command -v pkg-config >/dev/null 2>&1 || missing+=(pkg-config)
[ -e /usr/include/openssl/evp.h ] || missing+=(libssl-dev)
[ -e /usr/share/fonts/truetype/dejavu/DejaVuSans.ttf ] || missing+=(fonts-dejavu-core)
[ ${#missing[@]} -eq 0 ] || apt_install "${missing[@]}"

command -v cargo >/dev/null 2>&1 || { echo "Rust is required: https://rustup.rs" >&2; exit 1; }
cargo fmt --version >/dev/null 2>&1 || rustup component add rustfmt
cargo clippy --version >/dev/null 2>&1 || rustup component add clippy
if ! command -v cargo-nextest >/dev/null 2>&1; then
    echo "==> installing cargo-nextest"
    retry cargo install cargo-nextest --locked
fi

# A fresh clone's run peaks at 1.5 GiB under target/ (Kotlin compiler included), 1 GiB
# under fuzz/target (the instrumented fuzzing build), plus about 0.4 GiB of crate sources
# in ~/.cargo; say so up front rather than fail half-way with "No space left on device".
free_kib=$(df -Pk . | awk 'NR == 2 { print $4 }')
if [ "${free_kib:-0}" -lt $((3 * 1024 * 1024)) ]; then
    echo "warning: $((free_kib / 1024)) MiB free on this disk; the build needs about 3 GiB" >&2
fi

echo "==> cargo fmt --check"
cargo fmt --all -- --check

# Every build below selects the same thing (--workspace --all-features), so each dependency
# is compiled once with one feature set; a build of one package (-p) would unify features
# differently and compile much of the tree again (a CI run once filled its disk that way).
echo "==> cargo clippy -D warnings"
cargo clippy --workspace --all-targets --all-features --locked -- -D warnings

echo "==> doc tests"
cargo test --workspace --all-features --doc --locked --quiet

echo "==> supply chain: cargo deny (licenses, bans, duplicate versions, sources)"
if ! command -v cargo-deny >/dev/null 2>&1; then
    echo "==> installing cargo-deny"
    retry cargo install cargo-deny --locked
fi
# Every target's crates (the Android-only OpenSSL source included) must be here for
# cargo deny to read their metadata offline.
retry cargo fetch --locked --quiet
cargo deny --offline check licenses bans sources

echo "==> bindings: Kotlin and Swift generated from the built library"
./scripts/bindings.sh
grep -q "public func scanLumaFrame" target/bindings/swift/PurseCore.swift
grep -q "public struct Money" target/bindings/swift/PurseModel.swift
# Both files land in one Swift module (ios/build-xcframework.sh): a name declared in both
# would only fail on a Mac, so it fails here (fileprivate helpers may repeat).
swift_names() {
    grep -oE '^(public |open |internal )?(struct|enum|class|protocol|func|typealias) [A-Za-z_][A-Za-z0-9_]*' "$1" \
        | awk '{print $NF}' | sort -u
}
clash=$(comm -12 <(swift_names target/bindings/swift/PurseCore.swift) <(swift_names target/bindings/swift/PurseModel.swift))
if [ -n "$clash" ]; then
    echo "declared in both PurseCore.swift and PurseModel.swift: $clash" >&2
    exit 1
fi

echo "==> Kotlin bindings: compiled with kotlinc, tested on the JVM"
./scripts/kotlin-test.sh

echo "==> merchant console: Playwright in Chromium, axe-core on every page"
./scripts/console-test.sh

echo "==> fuzzing: every parser of outside input, 10 s each (scripts/fuzz.sh for longer)"
./scripts/fuzz.sh 10

echo "==> API conformance: schemathesis against the running backend"
./scripts/api-conformance.sh 20

# The store's conformance suite and every end-to-end test again, on PostgreSQL: a throwaway
# server on a free loopback port, stopped and removed when this script ends.
echo "==> tests on PostgreSQL (store conformance and end to end)"
pgdir=$(mktemp -d /tmp/purse-pg.XXXXXX)
trap 'scripts/postgres.sh stop "$pgdir"' EXIT
pg_url=$(scripts/postgres.sh start "$pgdir")
PURSE_TEST_POSTGRES=$pg_url cargo nextest run --workspace --all-features --locked \
    --no-fail-fast -E 'package(purse-tests) | (package(purse-backend) & test(/^store::/))'

# Last, so that its summary closes the output.
echo "==> tests (unit and end to end)"
cargo nextest run --workspace --all-features --locked --no-fail-fast
