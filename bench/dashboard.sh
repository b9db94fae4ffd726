#!/usr/bin/env bash
# The dashboard's files: GET of its largest script, brotli-compressed as a browser asks for it
# and gzip-compressed as a client without brotli does, and the revalidation of index.html (If-None-Match -> 304) that every page load makes, against
# nginx serving the same compressed bytes as a static file in the same run, so the figures
# compare as ratios. Usage: bench/dashboard.sh [BINARY] [SECONDS]
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=${1:-build/release/immersion-tracker}
DURATION=${2:-10}
CONNECTIONS=64
THREADS=2

source bench/common.sh
require_tools wrk nginx curl

port=$(free_port)
"$BIN" serve --data-dir "$work/data" --listen "127.0.0.1:$port" --log-level warn >"$work/server.log" 2>&1 &
server_pid=$!
wait_for "http://127.0.0.1:$port/healthz"
base="http://127.0.0.1:$port"

# The largest script the first page load fetches, as the browser gets it.
script=$(curl -sf "$base/" | grep -o '/assets/[^"]*\.js' | head -1)
curl -sf -H 'Accept-Encoding: br' -o "$work/script.br" "$base$script"
curl -sf -H 'Accept-Encoding: gzip' -o "$work/script.gz" "$base$script"
etag=$(curl -sf -D - -o /dev/null "$base/" | awk 'tolower($1) == "etag:" {print $2}' | tr -d '\r')

# Each compressed file under its own folder, with the Content-Encoding our server sends.
start_nginx "location /br/ { add_header Content-Encoding br; } location /gz/ { add_header Content-Encoding gzip; }"
mkdir -p "$work/nginx/html/br" "$work/nginx/html/gz"
cp "$work/script.br" "$work/nginx/html/br/script.js"
cp "$work/script.gz" "$work/nginx/html/gz/script.js"
chmod -R a+rX "$work/nginx/html"
wait_for "http://127.0.0.1:$nport/br/script.js"

nginx_out=$(run_wrk "http://127.0.0.1:$nport/br/script.js")
script_out=$(run_wrk -H 'Accept-Encoding: gzip, deflate, br' "$base$script")
nginx_gzip_out=$(run_wrk "http://127.0.0.1:$nport/gz/script.js")
gzip_out=$(run_wrk -H 'Accept-Encoding: gzip' "$base$script")
revalidate_out=$(run_wrk -H "If-None-Match: $etag" "$base/")

nginx_rps=$(rps <<<"$nginx_out")
script_rps=$(rps <<<"$script_out")
revalidate_rps=$(rps <<<"$revalidate_out")
nginx_gzip_rps=$(rps <<<"$nginx_gzip_out")
gzip_rps=$(rps <<<"$gzip_out")
echo "machine:      $(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo), $(uname -r)"
echo "settings:     wrk -t$THREADS -c$CONNECTIONS -d${DURATION}s, keep-alive"
echo "script:       $script, $(stat -c %s "$work/script.br") bytes brotli, $(stat -c %s "$work/script.gz") bytes gzip"
echo "nginx static: $nginx_rps req/s (brotli)"
echo "our script:   $script_rps req/s = $(python3 -c "print(f'{$script_rps / $nginx_rps:.2f}')")x nginx (brotli)"
echo "nginx static: $nginx_gzip_rps req/s (gzip)"
echo "our script:   $gzip_rps req/s = $(python3 -c "print(f'{$gzip_rps / $nginx_gzip_rps:.2f}')")x nginx (gzip)"
echo "index 304:    $revalidate_rps req/s"
for out in "$nginx_out" "$script_out" "$nginx_gzip_out" "$gzip_out"; do grep -h "Non-2xx" <<<"$out" && echo "  (in: $(head -1 <<<"$out"))"; done || true
