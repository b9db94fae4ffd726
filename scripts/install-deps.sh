#!/usr/bin/env bash
# Installs the Debian 12 packages the build, the tests and the benchmarks need, then the web
# dashboard's npm packages from web/package-lock.json (npm ci, only when the lock file changed).
# Idempotent and quiet when nothing is missing. As root it runs apt-get; otherwise it prints
# the exact command to run and fails, so `make` stops with a clear message.
#
#   scripts/install-deps.sh           what `make build` and `make run` need
#   scripts/install-deps.sh --test    also Chromium, for the dashboard's browser tests
#   scripts/install-deps.sh --bench   also wrk and nginx, for `make bench`
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"

packages=(
  build-essential cmake ninja-build ccache pkg-config
  libboost1.81-dev libboost-json1.81-dev libboost-url1.81-dev
  libsqlite3-dev sqlite3 libsodium-dev libcurl4-openssl-dev
  libspdlog-dev libfmt-dev libcli11-dev libtomlplusplus-dev libhowardhinnant-date-dev
  libgtest-dev libgmock-dev libbenchmark-dev
  clang libclang-rt-14-dev  # make fuzz: clang's libFuzzer and sanitizer runtimes
  curl
)
# Optional extras for `make bench` (load generator and the nginx reference server).
if [[ "${1:-}" == "--bench" ]]; then
  packages+=(wrk nginx-light openssl)  # openssl: the TLS certificate of bench/providers.sh
fi
# The browser tests drive Debian's Chromium (never a downloaded one).
if [[ "${1:-}" == "--test" ]]; then
  packages+=(chromium fonts-vlgothic)  # and a Japanese font for the screenshots
fi
# Node 18 or later and npm build the web dashboard. Debian's nodejs and npm unless a Node with
# npm is there already (NodeSource's nodejs bundles npm and conflicts with Debian's npm).
node_major=$(node -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0)
if ! command -v npm >/dev/null || [[ "$node_major" -lt 18 ]]; then
  packages+=(nodejs npm)
fi

missing=()
for p in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done

# npm ci when web/node_modules is missing or older than the lock file (npm ci writes
# node_modules/.package-lock.json last).
install_web_packages() {
  local web="$root/web"
  [[ -f "$web/package-lock.json" ]] || return 0
  if [[ ! -f "$web/node_modules/.package-lock.json" ||
        "$web/package-lock.json" -nt "$web/node_modules/.package-lock.json" ]]; then
    echo "Installing the web dashboard's npm packages (npm ci)" >&2
    (cd "$web" && npm ci --no-audit --no-fund --loglevel=error >/dev/null)
  fi
}

if [[ ${#missing[@]} -eq 0 ]]; then
  install_web_packages
  exit 0
fi

cmd="apt-get install -y --no-install-recommends ${missing[*]}"
if [[ $(id -u) -ne 0 ]]; then
  echo "Missing Debian packages. Run as root:" >&2
  echo "  apt-get update && $cmd" >&2
  exit 1
fi
echo "Installing missing packages: ${missing[*]}" >&2
export DEBIAN_FRONTEND=noninteractive
# A fresh machine has no package lists yet; a stale list makes apt-get fail to find versions.
if ! apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null 2>&1; then
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
install_web_packages
