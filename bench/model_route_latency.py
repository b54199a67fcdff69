#!/usr/bin/env python3
"""Cost of routing by the body's model (a Kthena ModelRoute, docs/adr/0029-kthena-objects.md): the
same request to the same pod through an HTTPRoute (path match, body read after routing) and
through a ModelRoute (body read before routing to find the model). Sequential, the two kinds
interleaved so that drift hits both alike; prints the median and p90 of a non-streaming request
and of the time to the first SSE event. Bounded: --requests per kind, 10 s timeout each.
"""
import argparse
import http.client
import json
import statistics
import time


def once(host, port, model, stream):
    body = json.dumps({"model": model, "prompt": "Hello " * 50, "max_tokens": 8, "stream": stream})
    conn = http.client.HTTPConnection(host, port, timeout=10)
    start = time.perf_counter()
    conn.request("POST", "/v1/completions", body=body, headers={"Content-Type": "application/json"})
    resp = conn.getresponse()
    if resp.status != 200:
        raise SystemExit(f"{host}:{port}: {resp.status} {resp.read()[:200]!r}")
    if not stream:
        resp.read()
        took = (time.perf_counter() - start) * 1000
    else:
        took = None
        while True:
            line = resp.fp.readline()
            if not line or line.startswith(b"data: [DONE]"):
                break
            if took is None and line.startswith(b"data: {"):
                took = (time.perf_counter() - start) * 1000
    conn.close()
    return took


def pct(values, p):
    values = sorted(values)
    return values[min(len(values) - 1, int(round(p / 100 * (len(values) - 1))))]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--host", required=True)
    ap.add_argument("--http-route-port", type=int, required=True)
    ap.add_argument("--model-route-port", type=int, required=True)
    ap.add_argument("--model", required=True)
    ap.add_argument("--requests", type=int, default=300)
    a = ap.parse_args()
    kinds = [("HTTPRoute", a.http_route_port), ("ModelRoute", a.model_route_port)]
    for _, port in kinds:  # warm-up
        for _ in range(50):
            once(a.host, port, a.model, False)
            once(a.host, port, a.model, True)
    t = {k: {"plain": [], "first": []} for k, _ in kinds}
    for _ in range(a.requests):
        for k, port in kinds:
            t[k]["plain"].append(once(a.host, port, a.model, False))
            t[k]["first"].append(once(a.host, port, a.model, True))
    for m in ("plain", "first"):
        h, r = t["HTTPRoute"][m], t["ModelRoute"][m]
        print(f"{m:>5}: HTTPRoute p50 {statistics.median(h):.3f} ms p90 {pct(h, 90):.3f} | ModelRoute p50 "
              f"{statistics.median(r):.3f} ms p90 {pct(r, 90):.3f} | added p50 "
              f"{statistics.median(r) - statistics.median(h):+.3f} ms p90 {pct(r, 90) - pct(h, 90):+.3f} ms "
              f"| ratio p50 {statistics.median(r) / statistics.median(h):.3f}")


if __name__ == "__main__":
    main()
