#!/usr/bin/env python3
"""Time to the first SSE `data:` event, direct to a model server vs through a proxy.

Sends sequential streaming completions, alternating targets so that drift hits both alike, and
prints the median and p90 of each plus the added time (proxy minus direct). Bounded: --requests
per target, each with a 10 s timeout.
"""
import argparse
import http.client
import json
import statistics
import time


def first_chunk_ms(host, port, body):
    conn = http.client.HTTPConnection(host, port, timeout=10)
    start = time.perf_counter()
    conn.request("POST", "/v1/completions", body=body, headers={"Content-Type": "application/json"})
    resp = conn.getresponse()
    if resp.status != 200:
        raise SystemExit(f"{host}:{port} answered {resp.status}: {resp.read()[:200]!r}")
    first = None
    while True:
        line = resp.fp.readline()
        if not line:
            break
        if first is None and line.startswith(b"data:"):
            first = (time.perf_counter() - start) * 1000
        if line.startswith(b"data: [DONE]"):
            break  # the connection stays open (keep-alive); the stream is complete
    conn.close()
    if first is None:
        raise SystemExit(f"{host}:{port}: no SSE data event")
    return first


def pct(values, p):
    values = sorted(values)
    return values[min(len(values) - 1, int(round(p / 100 * (len(values) - 1))))]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--direct", required=True, help="host:port of the model server")
    ap.add_argument("--proxy", action="append", required=True, help="name=host:port (repeatable)")
    ap.add_argument("--requests", type=int, default=200)
    args = ap.parse_args()
    body = json.dumps({"model": "Qwen2.5-0.5B-Instruct", "prompt": "Hello", "max_tokens": 4, "stream": True})
    targets = [("direct", args.direct)] + [tuple(p.split("=", 1)) for p in args.proxy]
    samples = {name: [] for name, _ in targets}
    for name, hp in targets:  # warm-up
        h, p = hp.rsplit(":", 1)
        for _ in range(20):
            first_chunk_ms(h, int(p), body)
    for _ in range(args.requests):
        for name, hp in targets:
            h, p = hp.rsplit(":", 1)
            samples[name].append(first_chunk_ms(h, int(p), body))
    base = statistics.median(samples["direct"])
    for name, _ in targets:
        s = samples[name]
        print(f"first-chunk {name:8s} median {statistics.median(s):7.3f} ms  p90 {pct(s, 90):7.3f} ms  "
              f"added median {statistics.median(s) - base:+7.3f} ms")


if __name__ == "__main__":
    main()
