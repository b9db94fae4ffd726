#!/usr/bin/env bash
# Import and export benchmark: POST /api/import of an export document of 100,000 records
# (60,000 episodes in 600 syncs, 10,000 YouTube videos, 30,000 logs), then the same document
# again (which adds nothing), then GET /api/export of the result, on SQLite.
# Usage: bench/import.sh [BINARY]
#
# Reports each step's wall time, the document's size and the server's peak RSS, so the
# memory an import holds can be compared with the document it reads.
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=${1:-build/release/immersion-tracker}

source bench/common.sh
require_tools curl python3

echo "bench-pass" | "$BIN" user add bench --data-dir "$work/data" >/dev/null

python3 - "$work/export.json" <<'PY'
import json, sys
items, logs = [], []
t0 = 1_700_000_000
for sync in range(600):
    for n in range(100):
        items.append({"kind": "episode", "timestamp": t0 + sync * 3600,
                      "folder_name": f"Show {sync % 120}", "file_name": f"{sync:04d}-{n:03d}.mkv"})
for n in range(10_000):
    items.append({"kind": "youtube_video", "timestamp": t0 + n * 600, "id": f"v{n:010d}",
                  "title": f"Video {n}", "channel_id": f"UC{n % 50}", "duration_seconds": 300 + n % 900,
                  "language": "ja" if n % 3 else "en"})
for n in range(30_000):
    logs.append({"id": f"{1_700_000_000_000_000 + n:016x}{n:08x}", "date": f"2024-{1 + n % 12:02d}-{1 + n % 28:02d}",
                 "medium": "book", "minutes": 5 + n % 100, "title": f"Book {n % 300}", "amount": None,
                 "unit": None, "language": "ja", "note": None, "created_at": "2024-01-01T00:00:00.000000"})
doc = {"format": "immersion-tracker-export", "version": 1, "exported_at": "2024-12-31T00:00:00.000000",
       "user": {"username": "bench", "time_zone": "Asia/Tokyo", "language": "ja",
                "daily_goal_minutes": 60, "day_start_hour": 4},
       "tv_progress": [], "shows": [], "channels": [{"id": f"UC{c}", "title": f"Channel {c}", "artwork_url": None}
                                                   for c in range(50)],
       "podcasts": [], "language_choices": [], "items": items, "logs": logs}
with open(sys.argv[1], "w") as f:
    json.dump(doc, f, separators=(",", ":"))
PY
size=$(stat -c %s "$work/export.json")

port=$(free_port)
# The default limits: the import reads up to max_import_bytes (64 MiB), whatever the syncs'.
"$BIN" serve --data-dir "$work/data" --listen "127.0.0.1:$port" --log-level warn \
  >"$work/server.log" 2>&1 &
server_pid=$!
wait_for "http://127.0.0.1:$port/healthz"
url="http://127.0.0.1:$port"
rss_before=$(rss_kib "$server_pid")

import() {
  curl -sS --fail-with-body -u bench:bench-pass -H 'Content-Type: application/json' \
    --data-binary @"$work/export.json" -o "$work/report.json" -w '%{time_total}' "$url/api/import"
}
first=$(import)
first_report=$(cat "$work/report.json")
second=$(import)
second_report=$(cat "$work/report.json")
export_time=$(curl -sf -u bench:bench-pass -o "$work/again.json" -w '%{time_total}' "$url/api/export")
rss_peak=$(awk '/VmHWM/ {print $2}' "/proc/$server_pid/status")
again=$(python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); print(len(d["items"]), len(d["logs"]))' "$work/again.json")

echo "machine: $(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo)"
echo "document: 100,000 records, $((size / 1024 / 1024)) MiB"
echo "first import:  ${first} s  $first_report"
echo "second import: ${second} s  $second_report"
echo "export:        ${export_time} s  (items, logs: $again)"
echo "server RSS: ${rss_before} KiB before, peak ${rss_peak} KiB"
