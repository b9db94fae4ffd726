#!/usr/bin/env bash
# Provider connections: POST /syncyoutube of 1,000 new videos (20 videos.list calls of 50 ids,
# 2 channels.list calls) against the fake YouTube (build/<preset>/bench/bench_fake_providers:
# the tests' fake as a process), with the connections reused (the fake keeps them alive, as
# the real API does) and not reused (the fake closes every connection after its answer: what a
# client that does not reuse connections pays on every call), one after the other in each round:
#
# 1. one user, the fake answering at once: over plain HTTP, and over TLS through nginx in front
#    of the fake (TLS 1.3, ECDSA P-256 certificate for 127.0.0.1, trusted through
#    CURL_CA_BUNDLE; keepalive_timeout 0 for "not reused");
# 2. eight users at once (the server's default 8 provider threads calling together), the fake
#    answering each call after DELAY_MS (50 ms: about what videos.list takes for 50 ids), so the
#    calls overlap as they do against the real API; plain HTTP.
#
# Every phase runs a fresh server on a copy of the same data folder (users u0..u7): the
# metadata cache is cold each time. Prints per phase the time of the sync (the slowest user's),
# the provider calls the fake received, and the connections it (plain HTTP) or nginx (TLS)
# accepted.
# Usage: bench/providers.sh [BINARY] [ROUNDS]
#   BASELINE=OTHER_BINARY runs phase 2 with that binary too (connections reused).
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=${1:-build/release/immersion-tracker}
ROUNDS=${2:-3}
FAKE=${FAKE:-$(dirname "$BIN")/bench/bench_fake_providers}
BASELINE=${BASELINE:-}
DELAY_MS=${DELAY_MS:-50}
USERS=8
VIDEOS=1000
CHANNELS=100

source bench/common.sh
require_tools curl nginx openssl python3
[[ -x "$FAKE" ]] || {
  echo "bench: $FAKE is missing (cmake --build build/release --target bench_fake_providers)" >&2
  exit 1
}

declare -A fake_pid fake_port
trap 'for pid in "${fake_pid[@]}"; do kill "$pid" 2>/dev/null || true; done; cleanup' EXIT

# start_fake NAME ARGS...: a fake knowing every user's videos, its output in $work/NAME.out.
start_fake() {
  local name=$1
  shift
  "$FAKE" --videos $((USERS * VIDEOS)) --channels "$CHANNELS" "$@" >"$work/$name.out" &
  fake_pid[$name]=$!
  for _ in $(seq 100); do
    grep -q '^port ' "$work/$name.out" && break
    sleep 0.05
  done
  fake_port[$name]=$(awk '/^port / {print $2}' "$work/$name.out")
}

# fake_stats NAME: "CONNECTIONS CALLS" the fake NAME has received so far.
fake_stats() {
  local out="$work/$1.out" lines
  lines=$(wc -l <"$out")
  kill -USR1 "${fake_pid[$1]}"
  for _ in $(seq 100); do
    (($(wc -l <"$out") > lines)) && break
    sleep 0.01
  done
  tail -1 "$out" | awk '{print $2, $4 + $6}'
}

start_fake close --close
start_fake keep
start_fake slow-close --close --delay-ms "$DELAY_MS"
start_fake slow-keep --delay-ms "$DELAY_MS"

# TLS: nginx (one worker, so that $connection numbers are unique) passing each request on to
# the "keep" fake over connections it keeps; one port closing every connection, one keeping them.
mkdir -p "$work/tls" "$work/nginx/logs"
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 2 \
  -subj /CN=127.0.0.1 -addext subjectAltName=IP:127.0.0.1 \
  -keyout "$work/tls/key.pem" -out "$work/tls/cert.pem" 2>/dev/null
tls_port_close=$(free_port)
tls_port_keep=$(free_port)
cat >"$work/nginx/nginx.conf" <<CONF
worker_processes 1;
daemon off;
pid $work/nginx/nginx.pid;
error_log $work/nginx/logs/error.log warn;
events { worker_connections 1024; }
http {
  log_format connection '\$connection \$connection_requests \$status \$ssl_session_reused';
  upstream fake { server 127.0.0.1:${fake_port[keep]}; keepalive 32; }
  ssl_certificate $work/tls/cert.pem;
  ssl_certificate_key $work/tls/key.pem;
  ssl_protocols TLSv1.3;
  keepalive_requests 1000000;
  proxy_http_version 1.1;
  proxy_set_header Connection "";
  server {
    listen 127.0.0.1:$tls_port_close ssl;
    keepalive_timeout 0;
    access_log $work/nginx/logs/close.log connection;
    location / { proxy_pass http://fake; }
  }
  server {
    listen 127.0.0.1:$tls_port_keep ssl;
    keepalive_timeout 75s;
    access_log $work/nginx/logs/keep.log connection;
    location / { proxy_pass http://fake; }
  }
}
CONF
nginx -c "$work/nginx/nginx.conf" -p "$work/nginx" &
nginx_pid=$!
probe="/youtube/v3/videos?part=snippet&id=v0000000000&key=fake-youtube-key"
for port in "${fake_port[@]}"; do wait_for "http://127.0.0.1:$port$probe"; done
for port in "$tls_port_close" "$tls_port_keep"; do
  wait_for "https://127.0.0.1:$port$probe" --cacert "$work/tls/cert.pem"
done

# The users (u0..u7, password "pass") once; every phase runs on a copy. User u syncs videos
# u*1000 .. u*1000+999.
for ((u = 0; u < USERS; ++u)); do
  echo "pass" | "$BIN" user add "u$u" --data-dir "$work/template" >/dev/null
  python3 - "$u" "$VIDEOS" >"$work/body$u.json" <<'PY'
import json, sys
u, n = int(sys.argv[1]), int(sys.argv[2])
print(json.dumps({"video_ids": [f"v{u * n + i:010d}" for i in range(n)]}))
PY
done

# run_syncs BINARY BASE_URL USERS: a fresh server on a copy of the users, pointed at BASE_URL for
# YouTube, and USERS users syncing their 1,000 videos at once. Sets `seconds`, the slowest
# sync's time, after checking that every sync added all its videos.
run_syncs() {
  local bin=$1 base=$2 users=$3 port u pids=()
  rm -rf "$work/data"
  cp -a "$work/template" "$work/data"
  port=$(free_port)
  IMMERSION_TRACKER_YOUTUBE_BASE_URL="$base" IMMERSION_TRACKER_YOUTUBE_API_KEY=fake-youtube-key \
    CURL_CA_BUNDLE="$work/tls/cert.pem" \
    "$bin" serve --data-dir "$work/data" --listen "127.0.0.1:$port" --log-level warn \
    >"$work/server.log" 2>&1 &
  server_pid=$!
  wait_for "http://127.0.0.1:$port/healthz"
  for ((u = 0; u < users; ++u)); do
    curl -s -u "u$u:pass" -H 'Content-Type: application/json' --data-binary "@$work/body$u.json" \
      -o "$work/answer$u.json" -w '%{http_code} %{time_total}\n' \
      "http://127.0.0.1:$port/syncyoutube" >"$work/time$u" &
    pids+=($!)
  done
  wait "${pids[@]}"
  kill "$server_pid"
  wait "$server_pid" 2>/dev/null || true
  server_pid=""
  seconds=$(
    python3 - "$work" "$users" "$VIDEOS" <<'PY'
import json, sys
work, users, videos = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
slowest = 0.0
for u in range(users):
    status, seconds = open(f"{work}/time{u}").read().split()
    answer = json.load(open(f"{work}/answer{u}.json"))
    assert status == "200" and answer == {"videos_added": videos, "failed": []}, (status, answer)
    slowest = max(slowest, float(seconds))
print(f"{slowest:.3f}")
PY
  )
}

# measure BINARY_LABEL BINARY FAKE TRANSPORT USERS: one sync phase against the fake FAKE
# (plain HTTP) or the nginx port in front of it (TRANSPORT tls: FAKE is close or keep), and
# its figures; sets `seconds`.
measure() {
  local label=$1 bin=$2 fake=$3 transport=$4 users=$5 before after connections calls log from
  local stats_of=$fake resumed=""
  if [[ $transport == tls ]]; then
    stats_of=keep
    log="$work/nginx/logs/$fake.log"
    from=$(wc -l <"$log")
  fi
  before=$(fake_stats "$stats_of")
  if [[ $transport == tls ]]; then
    local port_var="tls_port_$fake"
    run_syncs "$bin" "https://127.0.0.1:${!port_var}" "$users"
    connections=$(tail -n +"$((from + 1))" "$log" | awk '{print $1}' | sort -u | wc -l)
    resumed=$(tail -n +"$((from + 1))" "$log" | awk '$4 == "r" {print $1}' | sort -u | wc -l)
    resumed=", $resumed resumed a TLS session"
  else
    run_syncs "$bin" "http://127.0.0.1:${fake_port[$fake]}" "$users"
  fi
  after=$(fake_stats "$stats_of")
  calls=$(($(cut -d' ' -f2 <<<"$after") - $(cut -d' ' -f2 <<<"$before")))
  if [[ $transport != tls ]]; then
    connections=$(($(cut -d' ' -f1 <<<"$after") - $(cut -d' ' -f1 <<<"$before")))
  fi
  printf '  %-5s %-10s %-12s %d user(s) %7.3f s %5d calls %5d connections%s\n' "$transport" \
    "$label" "$([[ $fake == *keep ]] && echo reused || echo "not reused")" "$users" "$seconds" \
    "$calls" "$connections" "$resumed"
}

ratio() { python3 -c "print(f'  time not reused / reused: {$1 / $2:.2f}x')"; }

echo "machine: $(nproc) cores, $(uname -r); server: $BIN${BASELINE:+; baseline: $BASELINE}"
echo "each user syncs $VIDEOS new videos of $CHANNELS channels; provider_threads 8 (the default)"
for ((round = 1; round <= ROUNDS; ++round)); do
  echo "== round $round: 1 user, the fake answering at once"
  for transport in plain tls; do
    measure this "$BIN" close "$transport" 1
    without=$seconds
    measure this "$BIN" keep "$transport" 1
    ratio "$without" "$seconds"
  done
  echo "== round $round: $USERS users at once, the fake answering after $DELAY_MS ms"
  measure this "$BIN" slow-close plain "$USERS"
  without=$seconds
  measure this "$BIN" slow-keep plain "$USERS"
  ratio "$without" "$seconds"
  if [[ -n $BASELINE ]]; then measure baseline "$BASELINE" slow-keep plain "$USERS"; fi
done
