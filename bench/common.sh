# Sourced by the bench scripts: a scratch folder `$work`, removed on exit together with the
# processes in server_pid, moto_pid and nginx_pid; a check that the tools are installed; a
# free loopback port; a process's RSS; waiting for a server; nginx as the reference server and
# wrk with its report's figures; and the check of the 100,000-item GET /progress answer that
# the immersion and DynamoDB benchmarks share.

require_tools() {
  for tool in "$@"; do
    command -v "$tool" >/dev/null || { echo "bench: $tool is missing (scripts/install-deps.sh --bench)" >&2; exit 1; }
  done
}

work=$(mktemp -d)
# nginx's workers run as an unprivileged user: they must be able to read the files served from
# here (mktemp makes the folder private, and nginx then answers 403 to everything).
chmod 755 "$work"
server_pid=""
moto_pid=""
nginx_pid=""
cleanup() {
  for pid in "$server_pid" "$moto_pid" "$nginx_pid"; do
    [[ -n "$pid" ]] && kill "$pid" 2>/dev/null || true
  done
  wait 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
rss_kib() { awk '/VmRSS/ {print $2}' "/proc/$1/status"; }

# Waits (up to 10 s) until URL answers with a success; further arguments go to curl (e.g.
# -X POST). Fails the benchmark when it never does, so nothing is measured against an error.
wait_for() {
  for _ in $(seq 100); do curl -sf "${@:2}" "$1" >/dev/null && return 0; sleep 0.1; done
  echo "bench: $1 did not answer with a success" >&2
  exit 1
}

# start_nginx DIRECTIVES: nginx (2 workers, access log off, keep-alive) serving $work/nginx/html
# on a free port, with DIRECTIVES added to its server block; sets nport and nginx_pid.
start_nginx() {
  nport=$(free_port)
  mkdir -p "$work/nginx/html" "$work/nginx/logs"
  cat >"$work/nginx/nginx.conf" <<CONF
worker_processes 2;
daemon off;
pid $work/nginx/nginx.pid;
error_log $work/nginx/logs/error.log warn;
events { worker_connections 1024; }
http {
  access_log off;
  keepalive_requests 1000000;
  server {
    listen 127.0.0.1:$nport;
    root $work/nginx/html;
    $1
  }
}
CONF
  nginx -c "$work/nginx/nginx.conf" -p "$work/nginx" &
  nginx_pid=$!
}

# wrk with the calling script's THREADS, CONNECTIONS and DURATION; rps and latency read its
# report from stdin.
run_wrk() { wrk -t"$THREADS" -c"$CONNECTIONS" -d"${DURATION}s" "$@"; }
rps() { awk '/Requests\/sec/ {print $2}'; }
latency() { awk '/^    Latency/ {print $2}'; }

# Prints a summary of the GET /progress answer in FILE and fails unless it counts 100,000 items.
check_progress_100k() {
  python3 - "$1" <<'PY'
import json, sys
p = json.load(open(sys.argv[1]))
items = p["total_episodes_watched"] + p["total_movies_watched"] + p["youtube_videos_watched"] + p["spotify_episodes_watched"]
print(f"GET /progress: {items} items, {p['total_hours_watched']} hours, "
      f"{len(p['all_time_progress'])} quarters, {len(p['shows'])} shows")
assert items == 100000, items
PY
}
