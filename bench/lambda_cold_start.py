#!/usr/bin/env python3
"""The Lambda cold start: from starting `immersion-tracker lambda` to its first request for an
event (GET .../runtime/invocation/next), which is when Lambda counts a custom runtime's init
as done.

Usage: bench/lambda_cold_start.py [BINARY ...] [--runs N]

Serves a fake Runtime API on a loopback port that never hands out an event, starts each
BINARY N times (default 30) on a SQLite file in a scratch folder (TZ=:UTC, as on Lambda),
takes the time from just before the process is created to the arrival of its first `next`,
and stops it. With several binaries, their runs alternate, so they are compared on the same
(noisy, shared) machine at the same moments. Prints min, median and max per binary, and the
process's own `init_ms` (static initialisation to "lambda runtime ready") from its log.
The times include Python's own cost of creating a process (1-2 ms here).
"""
import http.server
import json
import os
import shutil
import socketserver
import statistics
import subprocess
import sys
import tempfile
import threading
import time

args = sys.argv[1:]
runs = 30
if "--runs" in args:
    i = args.index("--runs")
    runs = int(args[i + 1])
    del args[i : i + 2]
binaries = args or ["build/release/immersion-tracker"]

first_next = threading.Event()


class FakeRuntimeApi(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        if self.path.endswith("/runtime/invocation/next"):
            first_next.set()
        # No event: the process is stopped before anything would come.

    def log_message(self, *args):
        pass


server = socketserver.ThreadingTCPServer(("127.0.0.1", 0), FakeRuntimeApi)
server.daemon_threads = True
threading.Thread(target=server.serve_forever, daemon=True).start()
address = "127.0.0.1:%d" % server.server_address[1]

work = tempfile.mkdtemp()
try:
    data_dirs = {}
    for binary in binaries:
        data = os.path.join(work, str(len(data_dirs)))
        subprocess.run([binary, "user", "add", "bench", "--data-dir", data],
                       input=b"bench-pass\n", capture_output=True, check=True)
        data_dirs[binary] = data
    env = dict(os.environ, AWS_LAMBDA_RUNTIME_API=address, TZ=":UTC")
    times = {binary: [] for binary in binaries}
    init_ms = {binary: [] for binary in binaries}
    for _ in range(runs):
        for binary in binaries:
            first_next.clear()
            started = time.perf_counter()
            process = subprocess.Popen([binary, "--data-dir", data_dirs[binary], "lambda"], env=env,
                                       stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
            reached = first_next.wait(10)
            elapsed = (time.perf_counter() - started) * 1000
            process.kill()
            out = process.communicate()[0].decode(errors="replace")
            if not reached:
                sys.exit("%s never asked for an event:\n%s" % (binary, out))
            times[binary].append(elapsed)
            for line in out.splitlines():
                try:
                    entry = json.loads(line)
                except ValueError:
                    continue
                if entry.get("msg") == "lambda runtime ready":
                    init_ms[binary].append(float(entry["init_ms"]))
    for binary in binaries:
        t = times[binary]
        inits = init_ms[binary]
        print("%s: cold start min %.1f ms, median %.1f ms, max %.1f ms over %d runs; "
              "init_ms median %s" % (binary, min(t), statistics.median(t), max(t), len(t),
                 "%.1f" % statistics.median(inits) if inits else "?"))
finally:
    server.shutdown()
    shutil.rmtree(work, ignore_errors=True)
