#!/usr/bin/env bash
# Load benchmark: GET /healthz, GET /api/show_episode and POST /api/update_episode against the
# release build, and nginx serving static JSON files of the same sizes, in the same run, so the
# figures compare as ratios on a shared machine; then the server's memory with 1,000 open
# keep-alive connections. Usage: bench/run.sh [BINARY] [SECONDS]
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=${1:-build/release/immersion-tracker}
DURATION=${2:-10}
CONNECTIONS=64
THREADS=2

source bench/common.sh
require_tools wrk nginx curl

# --- our server ---------------------------------------------------------------------------
LOG_LEVEL=${LOG_LEVEL:-info}
echo "bench-pass" | "$BIN" user add bench --data-dir "$work/data" >/dev/null
port=$(free_port)
# wrk's 1,000 connections all come from 127.0.0.1, one client to the server.
ulimit -n 4096 2>/dev/null || echo "bench: cannot open 4,096 files; the 1,000-connection figure may fail" >&2
IMMERSION_TRACKER_MAX_CONNECTIONS_PER_CLIENT=2000 \
  "$BIN" serve --data-dir "$work/data" --listen "127.0.0.1:$port" --log-level "$LOG_LEVEL" \
  >"$work/server.log" 2>&1 &
server_pid=$!
wait_for "http://127.0.0.1:$port/healthz"
auth="Authorization: Basic $(printf 'bench:bench-pass' | base64)"
curl -sf -H "$auth" -X POST "http://127.0.0.1:$port/api/update_episode" \
  --json '{"username":"bench","tv_show":"The Office","season":2,"episode":5}' >/dev/null
sleep 1
idle_rss=$(rss_kib "$server_pid")
body=$(curl -sf -H "$auth" "http://127.0.0.1:$port/api/show_episode?username=bench&tv_show=The%20Office")
health=$(curl -sf "http://127.0.0.1:$port/healthz")

# --- nginx with a static file of the same size ----------------------------------------------
start_nginx "default_type application/json;"
printf '%s' "$body" >"$work/nginx/html/show_episode.json"
printf '%s' "$health" >"$work/nginx/html/healthz.json"
wait_for "http://127.0.0.1:$nport/show_episode.json"

cat >"$work/update.lua" <<'LUA'
-- Each request moves one of 1,000 shows forward, so the writes are real upserts.
local counter = 0
request = function()
  counter = counter + 1
  local body = string.format('{"username":"bench","tv_show":"show %d","season":1,"episode":%d}',
                             counter % 1000, counter)
  return wrk.format("POST", "/api/update_episode", nil, body)
end
LUA

nginx_health_out=$(run_wrk "http://127.0.0.1:$nport/healthz.json")
health_out=$(run_wrk "http://127.0.0.1:$port/healthz")
nginx_out=$(run_wrk "http://127.0.0.1:$nport/show_episode.json")
read_out=$(run_wrk -H "$auth" "http://127.0.0.1:$port/api/show_episode?username=bench&tv_show=The%20Office")
write_out=$(run_wrk -H "$auth" -H "Content-Type: application/json" -s "$work/update.lua" "http://127.0.0.1:$port")
loaded_rss=$(rss_kib "$server_pid")
# 1,000 keep-alive connections asking /healthz; the RSS is read while they are all open.
wrk -t"$THREADS" -c1000 -d"${DURATION}s" "http://127.0.0.1:$port/healthz" >"$work/many.txt" &
many_pid=$!
sleep $((DURATION / 2 + 1))
open_connections=$(($(ls "/proc/$server_pid/fd" | wc -l)))
many_rss=$(rss_kib "$server_pid")
wait "$many_pid"

nginx_health_rps=$(rps <<<"$nginx_health_out")
health_rps=$(rps <<<"$health_out")
nginx_rps=$(rps <<<"$nginx_out")
read_rps=$(rps <<<"$read_out")
write_rps=$(rps <<<"$write_out")
errors=$(grep -h "Non-2xx" <<<"$health_out$read_out$write_out" || true)
ratio=$(python3 -c "print(f'{$read_rps / $nginx_rps:.2f}')")
health_ratio=$(python3 -c "print(f'{$health_rps / $nginx_health_rps:.2f}')")

echo "machine:      $(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo), $(uname -r)"
echo "settings:     wrk -t$THREADS -c$CONNECTIONS -d${DURATION}s, keep-alive, response body ${#body} bytes, server log level $LOG_LEVEL"
echo "nginx static: $nginx_health_rps req/s (latency avg $(latency <<<"$nginx_health_out")) with /healthz's ${#health} bytes"
echo "healthz:      $health_rps req/s (latency avg $(latency <<<"$health_out")) = ${health_ratio}x nginx"
echo "nginx static: $nginx_rps req/s (latency avg $(latency <<<"$nginx_out"))"
echo "show_episode: $read_rps req/s (latency avg $(latency <<<"$read_out")) = ${ratio}x nginx"
echo "update (201, fsync'd group commits): $write_rps req/s (latency avg $(latency <<<"$write_out"))"
mib() { awk -v kib="$1" 'BEGIN { printf "%.1f", kib / 1024 }'; }
echo "server RSS:   idle $(mib "$idle_rss") MiB, after load $(mib "$loaded_rss") MiB, with 1,000 keep-alive connections $(mib "$many_rss") MiB ($open_connections open files; $(rps <"$work/many.txt") req/s)"
[[ -n "$errors" ]] && echo "non-2xx:      $errors"
kill -TERM "$server_pid"; wait "$server_pid"; server_pid=""
echo "server exit on SIGTERM: $?"
