#!/usr/bin/env python3
"""How well other clients are served while hostile ones push the server (issue 7).

Usage: bench/hostile.py [BINARY] [ROUNDS]

Starts the release server on a fresh SQLite file and, for ROUNDS rounds of each attack,
measures the latency of GET /healthz (public, inline) and of a logged-in user's GET /progress
(runs on the worker threads) while the attack runs:

  large-bodies  8 clients each POST a 7.8 MB JSON body to /api/update_episode at once;
  login-flood   300 connections each guess a password for a different user name at once.

Prints the median and worst latency of each, per attack, next to the same figures with no
attack in the same run (the machine is shared and noisy: compare within one run).
"""
import base64
import os
import re
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request

BIN = sys.argv[1] if len(sys.argv) > 1 else "build/release/immersion-tracker"
ROUNDS = int(sys.argv[2]) if len(sys.argv) > 2 else 5
AUTH = "Basic " + base64.b64encode(b"bench:bench-pass").decode()


def start_server(data_dir):
    subprocess.run([BIN, "user", "add", "bench", "--data-dir", data_dir], input=b"bench-pass\n",
                   check=True, capture_output=True)
    server = subprocess.Popen(
        [BIN, "serve", "--data-dir", data_dir, "--listen", "127.0.0.1:0", "--log-level", "info"],
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    for line in server.stdout:
        match = re.search(r'"address":"127\.0\.0\.1:(\d+)"', line)
        if match:
            threading.Thread(target=lambda: [None for _ in server.stdout], daemon=True).start()
            return server, int(match.group(1))
    raise SystemExit("the server did not start")


def raw_request(port, data, timeout=60):
    with socket.create_connection(("127.0.0.1", port), timeout=timeout) as s:
        s.sendall(data)
        return s.recv(64)


def timed_get(port, path, auth):
    request = urllib.request.Request(f"http://127.0.0.1:{port}{path}")
    if auth:
        request.add_header("Authorization", AUTH)
    start = time.perf_counter()
    try:
        urllib.request.urlopen(request, timeout=60).read()
    except urllib.error.HTTPError:
        pass
    return (time.perf_counter() - start) * 1000


def probe_while(port, attack_threads):
    """Latencies (ms) of /healthz and /progress, one after the other, until the attack ends."""
    healthz, progress = [], []
    for t in attack_threads:
        t.start()
    while any(t.is_alive() for t in attack_threads):
        healthz.append(timed_get(port, "/healthz", False))
        progress.append(timed_get(port, "/progress", True))
    for t in attack_threads:
        t.join()
    return healthz, progress


def large_bodies(port):
    body = ('{"username":"bench","tv_show":"x","season":1,"episode":1,"pad":[' +
            ",".join(['{"a":[[[]]]}'] * 600_000) + "]}").encode()
    head = ("POST /api/update_episode HTTP/1.1\r\nHost: bench\r\nAuthorization: " + AUTH +
            "\r\nContent-Type: application/json\r\nContent-Length: %d\r\n\r\n" % len(body))
    data = head.encode() + body
    return [threading.Thread(target=raw_request, args=(port, data)) for _ in range(8)]


def login_flood(port, round_number):
    threads = []
    for i in range(300):
        credentials = base64.b64encode(f"guess{round_number}x{i}:wrong".encode()).decode()
        data = (f"GET /progress HTTP/1.1\r\nHost: bench\r\nAuthorization: Basic {credentials}"
                "\r\n\r\n").encode()
        threads.append(threading.Thread(target=raw_request, args=(port, data)))
    return threads


def idle(_port):
    return [threading.Thread(target=time.sleep, args=(1.0,))]


def summary(values):
    return f"median {statistics.median(values):6.1f} ms, worst {max(values):7.1f} ms"


def main():
    with tempfile.TemporaryDirectory() as work:
        server, port = start_server(os.path.join(work, "data"))
        try:
            timed_get(port, "/progress", True)  # bench's login verified and remembered
            attacks = [("no attack", lambda p, r: idle(p)),
                       ("large-bodies", lambda p, r: large_bodies(p)),
                       ("login-flood", login_flood)]
            for name, make in attacks:
                healthz, progress = [], []
                for round_number in range(ROUNDS):
                    h, p = probe_while(port, make(port, round_number))
                    healthz += h
                    progress += p
                    # The flood's address stays throttled for a while; later rounds of it only
                    # meet the throttle, which is the point of it.
                print(f"{name:13} /healthz  {summary(healthz)}  ({len(healthz)} requests)")
                print(f"{'':13} /progress {summary(progress)}")
        finally:
            server.terminate()
            server.wait()


if __name__ == "__main__":
    main()
