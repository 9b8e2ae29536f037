#!/usr/bin/env bash
# The merchant console in a real browser: Playwright (npm) driving Debian's Chromium against
# a real backend, with axe-core on every page. Installs what it needs (chromium from apt,
# the npm packages, no browser download) and runs again without installing anything.
# PURSE_CONSOLE_SCREENSHOT=FILE also saves the orders page (the README's picture).
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/install.sh

command -v chromium >/dev/null 2>&1 || apt_install chromium
command -v npm >/dev/null 2>&1 || apt_install npm
cargo build --workspace --all-features --locked --quiet
export PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1
if [ ! -d console-tests/node_modules/@playwright/test ] \
    || [ console-tests/package-lock.json -nt console-tests/node_modules/.package-lock.json ]; then
    echo "==> installing Playwright and axe-core (npm, no browser download)"
    (cd console-tests && retry npm ci --no-audit --no-fund --silent)
fi
export CHROMIUM="${CHROMIUM:-$(command -v chromium)}"
export PURSE_BIN="$PWD/target/debug/purse"
if [ -n "${PURSE_CONSOLE_SCREENSHOT:-}" ]; then
    PURSE_CONSOLE_SCREENSHOT="$(realpath -m "$PURSE_CONSOLE_SCREENSHOT")"
    export PURSE_CONSOLE_SCREENSHOT
fi
cd console-tests
npx playwright test
