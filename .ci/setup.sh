#!/usr/bin/env bash
# Installs whatever kubeplay's build and tests need and is missing on this machine:
# the wasm32 target, clippy and rustfmt, Debian's Chromium and ChromeDriver, Node.js,
# trunk and wasm-bindgen-cli at pinned versions, npm's binaryen (wasm-opt) and playwright-core,
# and the crates (so trunk's offline build never reaches for the network).
#
# Every step is skipped when its tool is already present at the pinned version, so a warm
# machine pays a few seconds and a fresh one about 12 minutes (trunk alone takes about 8).
# Nothing here prompts: CI runs it with no standard input.
set -euo pipefail

TRUNK_VERSION=0.22.1
WASM_BINDGEN_VERSION=0.2.130   # must equal the wasm-bindgen pinned in Cargo.toml / Cargo.lock
BINARYEN_VERSION=132.0.0       # npm's JS build of wasm-opt; Debian's binaryen 108 is too old
PLAYWRIGHT_VERSION=1.65.1      # only the driver: it uses Debian's Chromium, never downloads one

here=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
tools="$here/.tools"           # project-local npm tools (wasm-opt, playwright-core)
cargo_home="${CARGO_HOME:-$HOME/.cargo}"
mkdir -p "$tools"
export PATH="$cargo_home/bin:$tools/node_modules/.bin:$PATH"

log() { printf '[setup] %s\n' "$*" >&2; }
die() { printf '[setup] error: %s\n' "$*" >&2; exit 1; }
as_root() {
  if [ "$(id -u)" = 0 ]; then "$@"
  elif command -v sudo >/dev/null; then sudo -n "$@"
  else die "need root (or passwordless sudo) to run: $*"
  fi
}
apt_updated=no
apt_install() {
  export DEBIAN_FRONTEND=noninteractive
  if [ "$apt_updated" = no ]; then
    as_root apt-get update -qq
    apt_updated=yes
  fi
  as_root apt-get install -y -qq --no-install-recommends "$@" >/dev/null
}

command -v cargo >/dev/null || die "cargo is not installed: install Rust with rustup (https://rustup.rs) first"

# 1. The wasm32 target, and the linters the test script runs.
if command -v rustup >/dev/null; then
  if ! rustup target list --installed | grep -qx wasm32-unknown-unknown; then
    log "adding rust target wasm32-unknown-unknown"
    rustup target add wasm32-unknown-unknown >/dev/null
  fi
  for component in clippy rustfmt; do
    if ! rustup component list --installed | grep -q "^$component"; then
      log "adding rust component $component"
      rustup component add "$component" >/dev/null
    fi
  done
fi

# 2. Debian's Chromium and ChromeDriver (same release, so they always match) for the browser
#    tests, and Node.js for npm and the end-to-end test.
if ! command -v chromium >/dev/null || ! command -v chromedriver >/dev/null; then
  log "installing chromium and chromium-driver from Debian"
  apt_install chromium chromium-driver
fi
if ! command -v node >/dev/null || ! command -v npm >/dev/null; then
  log "installing nodejs and npm from Debian"
  apt_install nodejs npm
fi

# 3. trunk, pinned. 0.22.1 declares a newer rust-version than this toolchain; it builds fine.
if ! trunk --version 2>/dev/null | grep -q "$TRUNK_VERSION"; then
  log "building trunk $TRUNK_VERSION (about 8 minutes on 2 cores)"
  cargo install -q --locked trunk --version "$TRUNK_VERSION" --ignore-rust-version
fi

# 4. wasm-bindgen-cli (wasm-bindgen, wasm-bindgen-test-runner) at exactly the library's
#    version. Its published lock pins a webpki-roots release the registry here lacks, so we
#    unpack the crate and relock that one package.
if ! wasm-bindgen --version 2>/dev/null | grep -q "$WASM_BINDGEN_VERSION" \
  || ! command -v wasm-bindgen-test-runner >/dev/null; then
  log "building wasm-bindgen-cli $WASM_BINDGEN_VERSION (about 3 minutes)"
  work=$(mktemp -d)
  trap 'rm -rf "$work"' EXIT
  (
    cd "$work"
    cargo new -q --bin fetcher
    cd fetcher
    printf 'wasm-bindgen-cli = "=%s"\n' "$WASM_BINDGEN_VERSION" >> Cargo.toml
    cargo fetch -q >/dev/null 2>&1 || true
  )
  crate=$(ls "$cargo_home"/registry/cache/*/wasm-bindgen-cli-"$WASM_BINDGEN_VERSION".crate 2>/dev/null | head -n1 || true)
  [ -n "$crate" ] || die "could not download wasm-bindgen-cli $WASM_BINDGEN_VERSION from the crate registry"
  tar -xzf "$crate" -C "$work"
  (
    cd "$work/wasm-bindgen-cli-$WASM_BINDGEN_VERSION"
    if grep -q 'name = "webpki-roots"' Cargo.lock; then
      cargo update -q -p webpki-roots@1.0.11 2>/dev/null || true
    fi
    cargo install -q --locked --path . --force
  )
  rm -rf "$work"
  trap - EXIT
fi

# 5. npm tools: wasm-opt (binaryen) for trunk, playwright-core to drive Chromium end to end.
if [ ! -x "$tools/node_modules/.bin/wasm-opt" ] || [ ! -d "$tools/node_modules/playwright-core" ]; then
  log "installing binaryen@$BINARYEN_VERSION and playwright-core@$PLAYWRIGHT_VERSION from npm"
  (
    cd "$tools"
    [ -f package.json ] || echo '{"private":true}' > package.json
    npm install --silent --no-audit --no-fund --no-save --no-progress \
      "binaryen@$BINARYEN_VERSION" "playwright-core@$PLAYWRIGHT_VERSION" >/dev/null
  )
fi

# 6. Crates for both targets, so trunk's `--offline` cargo build finds everything.
(cd "$here" && cargo fetch -q)
log "toolchain ready"
