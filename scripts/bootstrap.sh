#!/usr/bin/env bash
# Installs whatever the build and the tests need and is missing; does nothing for what is there.
# Only package registries are used (crates.io, npm, Debian): nothing downloads a prebuilt binary.
# Usage: scripts/bootstrap.sh [serve|test]   (serve skips the test-only browser tools)
set -euo pipefail
cd "$(dirname "$0")/.."

want=${1:-test}
TRUNK_VERSION=0.21.14
# wasm-bindgen-cli must match the wasm-bindgen crate the app links, or the generated JS is wrong.
WASM_BINDGEN_VERSION=$(awk '/^name = "wasm-bindgen"$/ { getline; gsub(/version = |"/, ""); print; exit }' Cargo.lock)
export PATH="$HOME/.cargo/bin:$PATH"

say() { printf '[bootstrap] %s\n' "$*"; }

if ! rustup target list --installed | grep -qx wasm32-unknown-unknown; then
    say "adding the wasm32-unknown-unknown target"
    rustup target add wasm32-unknown-unknown
fi
for component in rustfmt clippy; do
    if ! rustup component list --installed | grep -q "^$component"; then
        say "adding rustup component $component"
        rustup component add "$component"
    fi
done

if [ "$(trunk --version 2>/dev/null)" != "trunk $TRUNK_VERSION" ]; then
    say "installing trunk $TRUNK_VERSION from crates.io (takes several minutes)"
    cargo install --locked trunk --version "$TRUNK_VERSION"
fi

if [ "$(wasm-bindgen --version 2>/dev/null)" != "wasm-bindgen $WASM_BINDGEN_VERSION" ]; then
    say "installing wasm-bindgen-cli $WASM_BINDGEN_VERSION from crates.io"
    # Not --locked: its lock file pins a crate version the registry mirror lacks.
    cargo install --force wasm-bindgen-cli --version "$WASM_BINDGEN_VERSION"
fi

# npm tools: wasm-opt (binaryen@132, never Debian's binaryen 108) and playwright-core.
if [ ! -x node_modules/.bin/wasm-opt ] || [ ! -d node_modules/playwright-core ] \
    || ! node_modules/.bin/wasm-opt --version | grep -q 'version 132'; then
    say "installing npm tools (binaryen, playwright-core)"
    npm ci --no-audit --no-fund
fi

if [ "$want" = test ]; then
    if ! command -v wasm-pack >/dev/null; then
        say "installing wasm-pack from crates.io"
        cargo install --locked wasm-pack
    fi
    if ! cargo fuzz --version >/dev/null 2>&1; then
        say "installing cargo-fuzz from crates.io"
        cargo install --locked cargo-fuzz
    fi
    if [ ! -x /usr/bin/chromium ] || [ ! -x /usr/bin/chromedriver ]; then
        say "installing Debian's chromium and chromium-driver"
        SUDO=""
        [ "$(id -u)" -eq 0 ] || SUDO=sudo
        $SUDO apt-get update
        DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y chromium chromium-driver
    fi
fi
say "all tools present"
