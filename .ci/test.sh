#!/usr/bin/env bash
# Everything CI checks, in order: installs (.ci/setup.sh), formatting, clippy for the host
# and for wasm32, the native tests, the release wasm build and its size budget, the browser
# component tests (wasm-bindgen-test in headless Chromium) and the end-to-end test
# (playwright-core against the built dist/). Every stage runs even when an earlier one failed
# (except those that need its output), and the last line sums them up: `N passed, N failed`.
set -uo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$here"
export PATH="${CARGO_HOME:-$HOME/.cargo}/bin:$here/.tools/node_modules/.bin:$PATH"
export CHROMEDRIVER="${CHROMEDRIVER:-/usr/bin/chromedriver}"   # never geckodriver, if one is on PATH
export CARGO_TERM_COLOR="${CARGO_TERM_COLOR:-never}"
SIZE_BUDGET_KIB=400
# The ceiling the download may not grow past while the 400 KiB goal is out of reach (README,
# Performance): today's size plus a little room. A change that adds more fails the run, so
# growth is a decision rather than an accident. Lower it when the size comes down.
# Raised from 800 on 2026-11-21 for that session's features (console commands run in pieces,
# drain/taint/expose/patch fidelity, Service allocators, Priority admission, enum validation,
# tiles for crowded lanes): about 50 KiB.
SIZE_CEILING_KIB=840

passed=0
failed=0
failures=()

# stage NAME COMMAND...: runs one stage, prints its time and verdict, counts it.
stage() {
  local name=$1
  shift
  printf '\n==> %s\n' "$name"
  local start=$SECONDS
  if "$@"; then
    passed=$((passed + 1))
    printf '==> %s: ok (%ss)\n' "$name" $((SECONDS - start))
    return 0
  else
    failed=$((failed + 1))
    failures+=("$name")
    printf '==> %s: FAILED (%ss)\n' "$name" $((SECONDS - start))
    return 1
  fi
}

# The gzipped size of everything the browser downloads for the app.
size_budget() {
  local total=0 file bytes
  shopt -s nullglob
  local files=(dist/*.wasm dist/*.js dist/*.css)
  shopt -u nullglob
  if [ ${#files[@]} -eq 0 ]; then
    echo "dist/ has no wasm, js or css: the build did not run"
    return 1
  fi
  for file in "${files[@]}"; do
    bytes=$(gzip -9 -c "$file" | wc -c)
    total=$((total + bytes))
    printf '  %-48s %8d bytes raw %8d bytes gzipped\n' "$file" "$(wc -c < "$file")" "$bytes"
  done
  printf '  total gzipped: %d bytes (%d KiB), budget %d KiB\n' "$total" $((total / 1024)) "$SIZE_BUDGET_KIB"
  if [ "$total" -gt $((SIZE_CEILING_KIB * 1024)) ]; then
    printf '  OVER THE CEILING of %d KiB by %d KiB: the download grew; find what did (twiggy, README)\n' \
      "$SIZE_CEILING_KIB" $(((total - SIZE_CEILING_KIB * 1024) / 1024))
    return 1
  fi
  if [ "$total" -gt $((SIZE_BUDGET_KIB * 1024)) ]; then
    # The 400 KiB goal is the playground issue's and is not met (see README, Performance):
    # reported loudly; the ceiling above is what fails the run.
    printf '  over the %d KiB goal by %d KiB (ceiling %d KiB enforced)\n' \
      "$SIZE_BUDGET_KIB" $(((total - SIZE_BUDGET_KIB * 1024) / 1024)) "$SIZE_CEILING_KIB"
  fi
}

if ! stage "setup (.ci/setup.sh)" bash .ci/setup.sh; then
  printf '\n%d passed, %d failed\n' "$passed" "$failed"
  exit 1
fi
stage "cargo fmt --check" cargo fmt --check
stage "clippy (host)" cargo clippy --all-targets -- -D warnings
stage "clippy (wasm32)" cargo clippy --target wasm32-unknown-unknown --lib --bins --test browser --test determinism -- -D warnings
stage "native tests (cargo test)" cargo test --no-fail-fast
if stage "wasm build (trunk build --release)" trunk build --release; then
  stage "download size (gzipped wasm+js+css: goal ${SIZE_BUDGET_KIB} KiB, ceiling ${SIZE_CEILING_KIB} KiB)" size_budget
  built=yes
else
  built=no
fi
stage "browser tests (wasm-bindgen-test, headless Chromium)" \
  cargo test --target wasm32-unknown-unknown --test browser
stage "determinism on wasm32 (example transcripts equal the native ones)" \
  cargo test --target wasm32-unknown-unknown --test determinism
if [ "$built" = yes ]; then
  # Every tests/e2e/*.mjs but the shared harness is one end-to-end suite.
  for suite in tests/e2e/*.mjs; do
    [ "$(basename "$suite")" = lib.mjs ] && continue
    stage "end-to-end test $(basename "$suite" .mjs) (playwright-core, dist/)" node "$suite"
  done
else
  failed=$((failed + 1))
  failures+=("end-to-end test (no dist/ to test)")
fi

echo
if [ ${#failures[@]} -gt 0 ]; then
  printf 'failed stages:\n'
  printf '  %s\n' "${failures[@]}"
fi
printf '%d passed, %d failed\n' "$passed" "$failed"
[ "$failed" -eq 0 ]
