#!/usr/bin/env bash
# Builds the web dashboard (web/) with Vite into OUT_DIR/dist and writes OUT_DIR/web_bundle.cpp,
# which the C++ build compiles into the binary (scripts/embed-web-bundle.mjs). CMake runs it
# when the dashboard's sources change. The packages come from web/package-lock.json, installed
# by scripts/install-deps.sh (npm ci); nothing is downloaded here.
#
#   scripts/build-web.sh OUT_DIR
set -euo pipefail
out="${1:?usage: scripts/build-web.sh OUT_DIR}"
root="$(cd "$(dirname "$0")/.." && pwd)"
if [[ ! -x "$root/web/node_modules/.bin/vite" ]]; then
  echo "The web dashboard's packages are not installed: run scripts/install-deps.sh (or make deps)." >&2
  exit 1
fi
mkdir -p "$out"
cd "$root/web"
node_modules/.bin/vite build --logLevel warn --emptyOutDir --outDir "$out/dist"
node "$root/scripts/embed-web-bundle.mjs" "$out/dist" "$root/web/app-routes.json" "$out/web_bundle.cpp"
