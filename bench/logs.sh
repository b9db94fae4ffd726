#!/usr/bin/env bash
# Manual logs benchmark: GET /progress and a year of GET /api/activity for a user with 100,000
# logs over three years (and a daily goal, so the streaks are judged), and POST /api/logs.
# Usage: bench/logs.sh [BINARY] [SECONDS]
#
# The logs are written straight into the SQLite file with their three totals (the rows the
# server keeps as each log is written), since 100,000 POSTs would time the writes rather than
# the reads; the POST rate is measured after.
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=${1:-build/release/immersion-tracker}
DURATION=${2:-10}

source bench/common.sh
require_tools wrk curl sqlite3 python3

echo "bench-pass" | "$BIN" user add bench --data-dir "$work/data" >/dev/null

# --- 100,000 logs for "bench" -------------------------------------------------------------------
sqlite3 "$work/data/tracker.db" >/dev/null <<'SQL'
PRAGMA journal_mode=WAL;
BEGIN;
UPDATE users SET daily_goal_minutes = 60, language = 'ja' WHERE name = 'bench';
WITH RECURSIVE seq(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM seq WHERE n < 100000)
INSERT INTO logs (username, id, date, medium, minutes, title, amount, unit, language, note,
                  created_at, revision)
  SELECT 'bench', printf('%016x%08x', 1700000000000000 + n, n),
    CAST(julianday('now') - 2440587.5 AS INTEGER) - (abs(random()) % 1095),
    CASE n % 6 WHEN 0 THEN 'book' WHEN 1 THEN 'manga' WHEN 2 THEN 'anime' WHEN 3 THEN 'podcast'
               WHEN 4 THEN 'visual_novel' ELSE 'reading' END,
    5 + n % 116, 'Title ' || (n % 500), NULL, NULL,
    CASE n % 10 WHEN 0 THEN 'ko' WHEN 1 THEN NULL ELSE 'ja' END, NULL,
    1700000000000000 + n, 1
  FROM seq;
INSERT INTO log_totals (username, day, medium, language, minutes, logs)
  SELECT username, date, medium, COALESCE(language, ''), SUM(minutes), COUNT(*) FROM logs
  GROUP BY username, date, medium, COALESCE(language, '');
INSERT INTO log_share_totals (username, medium, language, minutes, logs)
  SELECT username, medium, COALESCE(language, ''), SUM(minutes), COUNT(*) FROM logs
  GROUP BY username, medium, COALESCE(language, '');
INSERT INTO log_date_totals (username, day, minutes, logs)
  SELECT username, date, SUM(minutes), COUNT(*) FROM logs GROUP BY username, date;
COMMIT;
SQL
echo "log totals rows: $(sqlite3 "$work/data/tracker.db" 'SELECT COUNT(*) FROM log_totals')"

port=$(free_port)
"$BIN" serve --data-dir "$work/data" --listen "127.0.0.1:$port" --log-level warn \
  --time-zone Pacific/Auckland >"$work/server.log" 2>&1 &
server_pid=$!
wait_for "http://127.0.0.1:$port/healthz"
url="http://127.0.0.1:$port"

logged=$(curl -sf -u bench:bench-pass "$url/progress" |
  python3 -c 'import json,sys; p=json.load(sys.stdin); print(sum(m["items"] for m in p["by_medium"]))')
[ "$logged" = 100000 ] || { echo "GET /progress counts $logged logs, not 100000" >&2; exit 1; }

auth="Authorization: Basic $(printf 'bench:bench-pass' | base64)"
# 365 days ending yesterday: today in Auckland may be tomorrow here, and 366 days is the limit.
year=$(python3 -c 'import datetime as d; t = d.date.today() - d.timedelta(days=1)
print(f"from={t - d.timedelta(days=364)}&to={t}")')
curl -sf -u bench:bench-pass "$url/api/activity?$year" >/dev/null ||
  { echo "GET /api/activity?$year failed" >&2; exit 1; }
for path in "/progress" "/api/activity?$year"; do
  for c in 1 4; do
    echo "== wrk -t1 -c$c -d${DURATION}s GET $path"
    wrk -t1 -c"$c" -d"${DURATION}s" --latency -H "$auth" "$url$path" |
      grep -E "Requests/sec|50%|90%|99%|Non-2xx"
  done
done

# --- POST /api/logs, each acknowledged after its commit -----------------------------------------
cat >"$work/post.lua" <<'LUA'
wrk.method = "POST"
wrk.body = '{"medium": "book", "minutes": 30, "title": "Bench", "amount": 10, "unit": "pages"}'
wrk.headers["Content-Type"] = "application/json"
LUA
echo "== wrk -t2 -c16 -d${DURATION}s POST /api/logs"
wrk -t2 -c16 -d"${DURATION}s" --latency -H "$auth" -s "$work/post.lua" "$url/api/logs" |
  grep -E "Requests/sec|50%|99%|Non-2xx"
echo "server RSS after: $(rss_kib "$server_pid") KiB"
