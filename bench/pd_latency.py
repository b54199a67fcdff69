#!/usr/bin/env python3
"""TTFT and ITL of two pools behind one router, same run (docs/adr/0034-prefill-decode-disaggregation.md):
an open-loop Poisson arrival process whose requests alternate between the two model names (one
per pool), so both pools see the same load at the same time. Each request streams a completion of
a unique prompt (no prefix reuse); the client records the time to the first token event and the
gaps between token events. Bounded: --requests per pool, 60 s timeout per request.
"""
import argparse
import http.client
import json
import random
import statistics
import threading
import time


def one(host, port, model, prompt, max_tokens, out):
    body = json.dumps({"model": model, "prompt": prompt, "max_tokens": max_tokens, "stream": True})
    conn = http.client.HTTPConnection(host, port, timeout=60)
    start = time.perf_counter()
    try:
        conn.request("POST", "/v1/completions", body=body, headers={"Content-Type": "application/json"})
        resp = conn.getresponse()
        if resp.status != 200:
            out.append(("error", resp.status, resp.read()[:200]))
            return
        times = []
        while True:
            line = resp.fp.readline()
            if not line or line.startswith(b"data: [DONE]"):
                break
            if line.startswith(b"data: {") and b'"text"' in line:
                times.append(time.perf_counter())
        if len(times) < 2:
            out.append(("error", 200, b"fewer than two tokens"))
            return
        ttft = (times[0] - start) * 1000
        itl = (times[-1] - times[0]) * 1000 / (len(times) - 1)
        out.append(("ok", ttft, itl))
    except Exception as e:  # a failed request is counted, never hides the others
        out.append(("error", 0, str(e).encode()))
    finally:
        conn.close()


def pct(values, p):
    values = sorted(values)
    return values[min(len(values) - 1, int(round(p / 100 * (len(values) - 1))))]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--host", required=True)
    ap.add_argument("--port", type=int, required=True)
    ap.add_argument("--models", default="agg,pd", help="baseline first")
    ap.add_argument("--requests", type=int, default=60, help="per pool")
    ap.add_argument("--rate", type=float, default=8.0, help="requests/s per pool")
    ap.add_argument("--prompt-words", type=int, default=1500)
    ap.add_argument("--max-tokens", type=int, default=64)
    ap.add_argument("--seed", type=int, default=1)
    a = ap.parse_args()
    models = a.models.split(",")
    rng = random.Random(a.seed)
    results = {m: [] for m in models}
    threads = []
    for i in range(a.requests * len(models)):
        model = models[i % len(models)]
        # unique words from the first one on: no prefix shared with any other request
        prompt = " ".join(f"w{i}x{rng.randrange(1 << 30)}" for _ in range(a.prompt_words))
        t = threading.Thread(target=one, args=(a.host, a.port, model, prompt, a.max_tokens, results[model]))
        t.start()
        threads.append(t)
        time.sleep(rng.expovariate(a.rate * len(models)))
    for t in threads:
        t.join(90)
    base = None
    for m in models:
        ok = [r for r in results[m] if r[0] == "ok"]
        errors = [r for r in results[m] if r[0] != "ok"]
        if not ok:
            raise SystemExit(f"{m}: no successful request; errors: {errors[:3]}")
        ttft = [r[1] for r in ok]
        itl = [r[2] for r in ok]
        row = {
            "ttft_p50": statistics.median(ttft), "ttft_p90": pct(ttft, 90),
            "itl_p50": statistics.median(itl), "itl_p90": pct(itl, 90),
        }
        line = (f"{m:>4}: {len(ok)} ok, {len(errors)} errors | TTFT p50 {row['ttft_p50']:7.1f} ms"
                f" p90 {row['ttft_p90']:7.1f} ms | ITL p50 {row['itl_p50']:6.2f} ms p90 {row['itl_p90']:6.2f} ms")
        if base is None:
            base = row
        else:
            line += " | vs " + models[0] + ": " + " ".join(
                f"{k} {row[k] / base[k]:.2f}x" for k in ("ttft_p50", "ttft_p90", "itl_p50", "itl_p90"))
        print(line, flush=True)


if __name__ == "__main__":
    main()
