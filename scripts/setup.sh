#!/usr/bin/env bash
# Installs whatever kubeplay's build and tests need and is missing on this machine.
# Every step is skipped when its tool is already present at the pinned version, so a warm
# machine pays a few seconds. Nothing here prompts (CI runs with no standard input).
set -euo pipefail

TRUNK_VERSION=0.22.1
WASM_BINDGEN_VERSION=0.2.130   # must equal the wasm-bindgen pinned in Cargo.toml / Cargo.lock
BINARYEN_VERSION=132.0.0       # npm's JS build of wasm-opt; Debian's binaryen is too old
PLAYWRIGHT_VERSION=1.65.1

here=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
tools="$here/.tools"           # project-local npm tools (wasm-opt, playwright-core)
mkdir -p "$tools"
export PATH="$HOME/.cargo/bin:$tools/node_modules/.bin:$PATH"

log() { printf '[setup] %s\n' "$*" >&2; }
as_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo -n "$@"; fi; }

# 1. The wasm32 target.
if ! rustup target list --installed | grep -qx wasm32-unknown-unknown; then
  log "adding rust target wasm32-unknown-unknown"
  rustup target add wasm32-unknown-unknown
fi

# 2. Debian's Chromium and ChromeDriver for the browser tests.
if ! command -v chromium >/dev/null || ! command -v chromedriver >/dev/null; then
  log "installing chromium and chromium-driver from Debian"
  export DEBIAN_FRONTEND=noninteractive
  as_root apt-get update -qq
  as_root apt-get install -y -qq --no-install-recommends chromium chromium-driver >/dev/null
fi

# 3. trunk, pinned. 0.22.1 declares a newer rust-version than this toolchain; it builds fine.
if ! trunk --version 2>/dev/null | grep -q "$TRUNK_VERSION"; then
  log "building trunk $TRUNK_VERSION (about 8 minutes on 2 cores)"
  cargo install --locked trunk --version "$TRUNK_VERSION" --ignore-rust-version
fi

# 4. wasm-bindgen-cli at exactly the library's version. Its published lock pins a webpki-roots
#    release the registry here lacks, so we unpack the crate and relock that one package.
if ! wasm-bindgen --version 2>/dev/null | grep -q "$WASM_BINDGEN_VERSION"; then
  log "building wasm-bindgen-cli $WASM_BINDGEN_VERSION"
  work=$(mktemp -d)
  (
    cd "$work"
    cargo new -q --bin fetcher
    cd fetcher
    printf 'wasm-bindgen-cli = "=%s"\n' "$WASM_BINDGEN_VERSION" >> Cargo.toml
    cargo fetch -q >/dev/null 2>&1 || true
  )
  crate=$(ls "$HOME"/.cargo/registry/cache/*/wasm-bindgen-cli-"$WASM_BINDGEN_VERSION".crate | head -n1)
  tar -xzf "$crate" -C "$work"
  (
    cd "$work/wasm-bindgen-cli-$WASM_BINDGEN_VERSION"
    if grep -q 'name = "webpki-roots"' Cargo.lock; then
      cargo update -q -p webpki-roots@1.0.11 2>/dev/null || true
    fi
    cargo install -q --locked --path . --force
  )
  rm -rf "$work"
fi

# 5. npm tools: wasm-opt (binaryen) for trunk, playwright-core to drive Chromium end to end.
if [ ! -x "$tools/node_modules/.bin/wasm-opt" ] || [ ! -d "$tools/node_modules/playwright-core" ]; then
  log "installing binaryen@$BINARYEN_VERSION and playwright-core@$PLAYWRIGHT_VERSION from npm"
  (
    cd "$tools"
    [ -f package.json ] || echo '{"private":true}' > package.json
    npm install --silent --no-audit --no-fund --no-save \
      "binaryen@$BINARYEN_VERSION" "playwright-core@$PLAYWRIGHT_VERSION" >/dev/null
  )
fi

# 6. Crates, so trunk's offline build never reaches for the network.
if [ -f "$here/Cargo.lock" ]; then
  (cd "$here" && cargo fetch --locked -q)
fi
log "toolchain ready"
