#!/usr/bin/env bash
# DynamoDB store benchmark on moto_server: POST /sync of 1,000 new episodes, and GET /progress
# for a user with 100,000 items, compared with reading that user's whole partition (what the
# original's GetProgressHandler did on every request).
# Usage: bench/dynamodb.sh [BINARY] [REPEATS]
#
# The 100,000 items are written with boto3 in the original's layout (as its own code would),
# so the server first has to build the user's aggregates from them: that first GET /progress
# is timed on its own. moto is a Python server answering one request in a few ms; the
# figures compare the two ways of reading on the same endpoint, not moto with AWS. The syncs
# run first, on a small table: moto deep-copies the whole table for every action of a
# TransactWriteItems, which on a table of 100,000 items would time moto, not the server.
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=${1:-build/release/immersion-tracker}
REPEATS=${2:-10}

source bench/common.sh
require_tools curl python3 moto_server

moto_port=$(free_port)
moto_server -H 127.0.0.1 -p "$moto_port" >"$work/moto.log" 2>&1 &
moto_pid=$!
export AWS_ENDPOINT_URL="http://127.0.0.1:$moto_port" AWS_ACCESS_KEY_ID=test \
  AWS_SECRET_ACCESS_KEY=test AWS_REGION=us-east-1 AWS_DEFAULT_REGION=us-east-1
wait_for "$AWS_ENDPOINT_URL/moto-api/reset" -X POST

"$BIN" dynamodb create-tables >/dev/null
echo "bench-pass" | "$BIN" --store dynamodb user add bench >/dev/null
echo "sync-pass" | "$BIN" --store dynamodb user add syncer >/dev/null


port=$(free_port)
"$BIN" --store dynamodb serve --listen "127.0.0.1:$port" --log-level warn \
  --time-zone Pacific/Auckland >"$work/server.log" 2>&1 &
server_pid=$!
wait_for "http://127.0.0.1:$port/healthz"
url="http://127.0.0.1:$port"

median() { sort -n | awk '{a[NR]=$1} END {m=(NR%2)?a[(NR+1)/2]:(a[NR/2]+a[NR/2+1])/2; printf "%.3f", m}'; }

# --- POST /sync of 1,000 new episodes ----------------------------------------------------------
echo "== POST /sync, 1,000 new episodes per request (10 folders), 5 requests, then one re-sync"
for round in 1 2 3 4 5 5; do
  python3 - "$round" >"$work/sync.json" <<'PY'
import json, sys
r = sys.argv[1]
print(json.dumps({"episodes": [{"folder_name": f"Show {i % 10} [{r}]", "file_name": f"Episode {i:04d} (1080p)"} for i in range(1000)]}))
PY
  curl -sf -u syncer:sync-pass -H 'Content-Type: application/json' --data-binary "@$work/sync.json" \
    -o "$work/sync-answer.json" -w "round $round: %{time_total}s, " "$url/sync"
  cat "$work/sync-answer.json"; echo
done

# --- 100,000 items for "bench", in the original's layout ----------------------------------------
python3 - <<'PY'
import random, time, boto3
db = boto3.client("dynamodb")
now = int(time.time())
rnd = random.Random(7)
def when(): return {"N": str(now - rnd.randrange(730 * 86400))}
def item(sk, **attrs):
    i = {"pk": {"S": "USER#bench"}, "sk": {"S": sk}, "user": {"S": "bench"}, "version": {"N": "1"}}
    i.update(attrs)
    return i
items = []
for n in range(40000):
    folder = f"Show {n % 200}"
    items.append(item(f"EPISODE#{folder}#Episode {n}", folder_name={"S": folder},
                      file_name={"S": f"Episode {n}"}, timestamp=when()))
for f in range(200):
    items.append(item(f"SHOW#Show {f}", folder_name={"S": f"Show {f}"}, tvdb_id={"N": str(1000 + f % 150)},
                      tvdb_name={"S": "Series"}, tvdb_average_runtime={"N": "1440"}))
for n in range(10000):
    items.append(item(f"MOVIE#movie {n}", file_name={"S": f"movie {n}"}, tvdb_id={"N": str(n)},
                      tvdb_name={"S": f"Movie {n}"}, movie_duration={"N": str(6000 + n % 3000)}, timestamp=when()))
for n in range(30000):
    items.append(item(f"YOUTUBEVIDEO#v{n:010d}", youtube_video_id={"S": f"v{n:010d}"},
                      youtube_video_title={"S": f"Video {n}"}, youtube_channel_id={"S": f"UC{n % 300}"},
                      youtube_video_duration={"N": str(60 + n % 1800)}, timestamp=when()))
for c in range(300):
    items.append(item(f"YOUTUBECHANNEL#UC{c}", youtube_channel_id={"S": f"UC{c}"},
                      youtube_channel_title={"S": f"Channel {c}"}))
for n in range(20000):
    items.append(item(f"SPOTIFYEPISODE#s{n:021d}", spotify_episode_id={"S": f"s{n:021d}"},
                      spotify_episode_title={"S": f"Episode {n}"}, spotify_show_id={"S": f"show{n % 50}"},
                      spotify_episode_duration={"N": str(600 + n % 3000)}, timestamp=when()))
for s in range(50):
    items.append(item(f"SPOTIFYSHOW#show{s}", spotify_show_id={"S": f"show{s}"},
                      spotify_show_name={"S": f"Podcast {s}"}))
# moto takes batches larger than AWS's 25, which makes loading 100,550 items quicker.
for start in range(0, len(items), 1000):
    db.batch_write_item(RequestItems={"immersion_tracker": [{"PutRequest": {"Item": i}} for i in items[start:start + 1000]]})
print(f"loaded {len(items)} items for user bench")
PY

# --- GET /progress -----------------------------------------------------------------------------
first=$(curl -sf -u bench:bench-pass -o "$work/progress.json" -w '%{time_total}' "$url/progress")
check_progress_100k "$work/progress.json"
echo "first GET /progress (builds the aggregates from the 100,550 items): ${first}s"
for _ in $(seq "$REPEATS"); do
  curl -sf -u bench:bench-pass -o /dev/null -w '%{time_total}\n' "$url/progress"
done | median | xargs printf "GET /progress from the aggregates, median of $REPEATS: %ss\n"

python3 - "$REPEATS" <<'PY'
import json, sys, time, statistics, boto3
db = boto3.client("dynamodb")
def read_all(pk, reads):
    """Every item of partition `pk`, paged: (items, pages, bytes of the items' JSON, median s)."""
    times = []
    for _ in range(reads):
        start = time.monotonic()
        n, pages, size, kwargs = 0, 0, 0, {}
        while True:
            page = db.query(TableName="immersion_tracker", KeyConditionExpression="pk = :pk",
                            ExpressionAttributeValues={":pk": {"S": pk}}, ConsistentRead=True, **kwargs)
            n, pages, size = n + len(page["Items"]), pages + 1, size + len(json.dumps(page["Items"]))
            if "LastEvaluatedKey" not in page: break
            kwargs = {"ExclusiveStartKey": page["LastEvaluatedKey"]}
        times.append(time.monotonic() - start)
    return n, pages, size, statistics.median(times)
for what, pk in [("the aggregates GET /progress reads", "IT#TOTALS#bench"),
                 ("the whole partition (what the original read per request)", "USER#bench")]:
    n, pages, size, median = read_all(pk, 3)
    print(f"{what}: {n} items, {pages} pages, {size / 1e6:.1f} MB; boto3 Query median of 3: {median:.3f}s")
PY

echo "server RSS after: $(rss_kib "$server_pid") KiB"
