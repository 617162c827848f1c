#!/usr/bin/env bash
# Installs what is missing (.ci/setup.sh), then serves the playground with live reload at
# http://127.0.0.1:8080 — the default cluster with the StatefulSet example in the editor.
# Extra arguments go to `trunk serve` (e.g. `.ci/serve.sh --release` for the small build).
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$here"
bash .ci/setup.sh
export PATH="${CARGO_HOME:-$HOME/.cargo}/bin:$here/.tools/node_modules/.bin:$PATH"
echo "kubeplay: building, then serving at http://127.0.0.1:8080 (Ctrl+C stops)"
exec trunk serve "$@"
