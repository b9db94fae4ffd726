#!/usr/bin/env bash
# Load benchmark: GET /api/show_episode and POST /api/update_episode against the release
# build, and nginx serving a static JSON file of the same size, in the same run, so the
# figures compare as ratios on a shared machine. Usage: bench/run.sh [BINARY] [SECONDS]
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

# --- nginx with a static file of the same size ----------------------------------------------
start_nginx "default_type application/json;"
printf '%s' "$body" >"$work/nginx/html/show_episode.json"
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

nginx_out=$(run_wrk "http://127.0.0.1:$nport/show_episode.json")
read_out=$(run_wrk -H "$auth" "http://127.0.0.1:$port/api/show_episode?username=bench&tv_show=The%20Office")
write_out=$(run_wrk -H "$auth" -H "Content-Type: application/json" -s "$work/update.lua" "http://127.0.0.1:$port")
loaded_rss=$(rss_kib "$server_pid")

nginx_rps=$(rps <<<"$nginx_out")
read_rps=$(rps <<<"$read_out")
write_rps=$(rps <<<"$write_out")
errors=$(grep -h "Non-2xx" <<<"$read_out$write_out" || true)
ratio=$(python3 -c "print(f'{$read_rps / $nginx_rps:.2f}')")

echo "machine:      $(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo), $(uname -r)"
echo "settings:     wrk -t$THREADS -c$CONNECTIONS -d${DURATION}s, keep-alive, response body ${#body} bytes, server log level $LOG_LEVEL"
echo "nginx static: $nginx_rps req/s (latency avg $(latency <<<"$nginx_out"))"
echo "show_episode: $read_rps req/s (latency avg $(latency <<<"$read_out")) = ${ratio}x nginx"
echo "update (201, fsync'd group commits): $write_rps req/s (latency avg $(latency <<<"$write_out"))"
echo "server RSS:   idle $((idle_rss / 1024)) MiB, after load $((loaded_rss / 1024)) MiB"
[[ -n "$errors" ]] && echo "non-2xx:      $errors"
kill -TERM "$server_pid"; wait "$server_pid"; server_pid=""
echo "server exit on SIGTERM: $?"
