#!/usr/bin/env bash
# The long form of the backend crash test: the backend killed ROUNDS times (default 40)
# under load and restarted on the same store; every acknowledged payment checked after.
#   ./scripts/crash-soak.sh [ROUNDS]
set -euo pipefail
cd "$(dirname "$0")/.."
PURSE_CRASH_ROUNDS="${1:-40}" cargo nextest run --workspace --all-features --locked \
    --no-capture -E 'binary(backend_crashes)'
