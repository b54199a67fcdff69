#!/usr/bin/env python3
"""Cost of model rewrite through the router: the same LoRA adapter asked for by its own name (no
rewrite) and by an alias that an InferenceModelRewrite maps to it (body rewritten, every streamed
event's model restored). Sequential requests, the two kinds interleaved so that drift hits both
alike; prints the median and p90 of the time to the first SSE event, of the whole stream, and of a
non-streaming request, and checks that the client always sees the model it asked for.
Bounded: --requests per kind and measure, 10 s timeout each.
"""
import argparse
import http.client
import json
import statistics
import time


def stream(host, port, model, tokens):
    body = json.dumps({"model": model, "prompt": "Hello", "max_tokens": tokens, "stream": True,
                       "stream_options": {"include_usage": True}})
    conn = http.client.HTTPConnection(host, port, timeout=10)
    start = time.perf_counter()
    conn.request("POST", "/v1/completions", body=body, headers={"Content-Type": "application/json"})
    resp = conn.getresponse()
    if resp.status != 200:
        raise SystemExit(f"{model}: {resp.status} {resp.read()[:200]!r}")
    first, events = None, 0
    while True:
        line = resp.fp.readline()
        if not line:
            break
        if line.startswith(b"data: {"):
            if first is None:
                first = (time.perf_counter() - start) * 1000
            seen = json.loads(line[6:])["model"]
            if seen != model:
                raise SystemExit(f"asked {model}, an event named {seen}")
            events += 1
        if line.startswith(b"data: [DONE]"):
            break
    total = (time.perf_counter() - start) * 1000
    conn.close()
    return first, total, events


def plain(host, port, model):
    body = json.dumps({"model": model, "prompt": "Hello", "max_tokens": 16})
    conn = http.client.HTTPConnection(host, port, timeout=10)
    start = time.perf_counter()
    conn.request("POST", "/v1/completions", body=body, headers={"Content-Type": "application/json"})
    resp = conn.getresponse()
    data = resp.read()
    took = (time.perf_counter() - start) * 1000
    conn.close()
    if resp.status != 200 or json.loads(data)["model"] != model:
        raise SystemExit(f"{model}: {resp.status} {data[:200]!r}")
    return took


def pct(values, p):
    values = sorted(values)
    return values[min(len(values) - 1, int(round(p / 100 * (len(values) - 1))))]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--router", required=True, help="host:port")
    ap.add_argument("--direct-name", required=True, help="a model the pods serve")
    ap.add_argument("--alias", required=True, help="a name an InferenceModelRewrite maps to it")
    ap.add_argument("--requests", type=int, default=300)
    ap.add_argument("--tokens", type=int, default=64)
    args = ap.parse_args()
    h, p = args.router.rsplit(":", 1)
    p = int(p)
    kinds = [("direct", args.direct_name), ("rewritten", args.alias)]
    for _, m in kinds:  # warm-up
        for _ in range(50):
            stream(h, p, m, args.tokens)
            plain(h, p, m)
    s = {k: {"first": [], "stream": [], "plain": []} for k, _ in kinds}
    for _ in range(args.requests):
        for k, m in kinds:
            first, total, events = stream(h, p, m, args.tokens)
            if events < args.tokens:
                raise SystemExit(f"{m}: {events} events for {args.tokens} tokens")
            s[k]["first"].append(first)
            s[k]["stream"].append(total)
            s[k]["plain"].append(plain(h, p, m))
    for measure in ("first", "stream", "plain"):
        d, r = s["direct"][measure], s["rewritten"][measure]
        print(f"{measure:>6}: direct p50 {statistics.median(d):.3f} ms p90 {pct(d, 90):.3f} | rewritten p50 "
              f"{statistics.median(r):.3f} ms p90 {pct(r, 90):.3f} | added p50 {statistics.median(r) - statistics.median(d):+.3f} ms")


if __name__ == "__main__":
    main()
