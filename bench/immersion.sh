#!/usr/bin/env bash
# Immersion API benchmark: POST /sync of 10,000 new episodes in one request, and GET /progress
# and a year of GET /api/activity for a user with 100,000 items of every type spread over two
# years.
# Usage: bench/immersion.sh [BINARY] [SECONDS]
#
# The 100,000-item history is written straight into the SQLite file (a recursive CTE), because
# syncing YouTube, Spotify and movies over the API needs the providers; the server then builds
# its per-day totals from those rows on the first GET /progress, which is timed on its own.
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=${1:-build/release/immersion-tracker}
DURATION=${2:-10}

source bench/common.sh
require_tools wrk curl sqlite3 python3

echo "bench-pass" | "$BIN" user add bench --data-dir "$work/data" >/dev/null
echo "sync-pass" | "$BIN" user add syncer --data-dir "$work/data" >/dev/null

# --- 100,000 items for "bench" ------------------------------------------------------------------
sqlite3 "$work/data/tracker.db" >/dev/null <<'SQL'
PRAGMA journal_mode=WAL;
BEGIN;
WITH RECURSIVE seq(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM seq WHERE n < 40000)
INSERT INTO episodes SELECT 'bench', 'Show ' || (n % 200), 'Episode ' || n,
  strftime('%s', 'now') - (abs(random()) % (730 * 86400)) FROM seq;
INSERT INTO shows (username, folder_name, tvdb_id, tvdb_name, tvdb_average_runtime)
  SELECT 'bench', folder_name, 1000 + (abs(random()) % 150), 'Series', 1440 FROM episodes
  GROUP BY folder_name;
WITH RECURSIVE seq(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM seq WHERE n < 10000)
INSERT INTO movies (username, file_name, tvdb_id, tvdb_name, tvdb_image, movie_duration, timestamp)
  SELECT 'bench', 'movie ' || n, n, 'Movie ' || n, NULL, 6000 + n % 3000,
  strftime('%s', 'now') - (abs(random()) % (730 * 86400)) FROM seq;
WITH RECURSIVE seq(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM seq WHERE n < 30000)
INSERT INTO youtube_videos (username, youtube_video_id, youtube_video_title, youtube_channel_id,
                            youtube_video_duration, timestamp)
  SELECT 'bench', printf('v%010d', n), 'Video ' || n,
  'UC' || (n % 300), 60 + n % 1800, strftime('%s', 'now') - (abs(random()) % (730 * 86400)) FROM seq;
INSERT INTO youtube_channels (username, youtube_channel_id, youtube_channel_title) SELECT DISTINCT 'bench', youtube_channel_id, 'Channel ' || youtube_channel_id
  FROM youtube_videos;
WITH RECURSIVE seq(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM seq WHERE n < 20000)
INSERT INTO spotify_episodes (username, spotify_episode_id, spotify_episode_title, spotify_show_id,
                              spotify_episode_duration, timestamp)
  SELECT 'bench', printf('s%021d', n), 'Episode ' || n,
  'show' || (n % 50), 600 + n % 3000, strftime('%s', 'now') - (abs(random()) % (730 * 86400)) FROM seq;
INSERT INTO spotify_shows (username, spotify_show_id, spotify_show_name) SELECT DISTINCT 'bench', spotify_show_id, 'Podcast ' || spotify_show_id
  FROM spotify_episodes;
COMMIT;
SQL

port=$(free_port)
"$BIN" serve --data-dir "$work/data" --listen "127.0.0.1:$port" --log-level warn \
  --time-zone Pacific/Auckland >"$work/server.log" 2>&1 &
server_pid=$!
wait_for "http://127.0.0.1:$port/healthz"
url="http://127.0.0.1:$port"

# --- GET /progress -----------------------------------------------------------------------------
first=$(curl -sf -u bench:bench-pass -o "$work/progress.json" -w '%{time_total}' "$url/progress")
check_progress_100k "$work/progress.json"
echo "first GET /progress (builds the per-day totals): ${first}s"
auth="Authorization: Basic $(printf 'bench:bench-pass' | base64)"
for c in 1 4; do
  echo "== wrk -t1 -c$c -d${DURATION}s GET /progress"
  wrk -t1 -c"$c" -d"${DURATION}s" --latency -H "$auth" "$url/progress" |
    grep -E "Requests/sec|50%|90%|99%"
done

# --- GET /api/activity: a year of per-day totals of the same user ------------------------------
# 365 days ending yesterday: today in Auckland may be tomorrow here, and 366 days is the limit.
year=$(python3 -c 'import datetime as d; t = d.date.today() - d.timedelta(days=1)
print(f"from={t - d.timedelta(days=364)}&to={t}")')
curl -sf -u bench:bench-pass "$url/api/activity?$year" >/dev/null ||
  { echo "GET /api/activity?$year failed" >&2; exit 1; }
echo "== wrk -t1 -c1 -d${DURATION}s GET /api/activity?$year"
wrk -t1 -c1 -d"${DURATION}s" --latency -H "$auth" "$url/api/activity?$year" |
  grep -E "Requests/sec|50%|90%|99%"

# --- POST /sync of 10,000 new episodes ---------------------------------------------------------
echo "== POST /sync, 10,000 new episodes per request, 5 requests (each of new episodes)"
for round in 1 2 3 4 5; do
  python3 - "$round" >"$work/sync.json" <<'PY'
import json, sys
r = sys.argv[1]
print(json.dumps({"episodes": [{"folder_name": f"Show {i % 25} [{r}]", "file_name": f"Episode {i:05d} (1080p)"} for i in range(10000)]}))
PY
  curl -sf -u syncer:sync-pass -H 'Content-Type: application/json' --data-binary "@$work/sync.json" \
    -o "$work/sync-answer.json" -w "round $round: %{time_total}s, " "$url/sync"
  cat "$work/sync-answer.json"; echo
done
echo "server RSS after: $(rss_kib "$server_pid") KiB"
