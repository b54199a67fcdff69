#!/usr/bin/env python3
"""Time to the first SSE `data:` event through two router listeners on the same pods: one pool
picked natively, one asked of an external endpoint picker over ext_proc. Sequential requests (low
load), in alternating blocks so drift hits both alike; the router's (and the picker's) CPU time is
read from /proc between blocks and divided by the block's requests. Prints one line per prompt
size and target, and the added p50/p99 (ext_proc minus native). Bounded: --requests per target and
prompt size, each with a 30 s timeout.
"""
import argparse
import http.client
import json
import os
import time

TICK = os.sysconf("SC_CLK_TCK")


def cpu_ms(pid):
    """User + system CPU of a process (all threads), in ms."""
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) * 1000.0 / TICK


def first_chunk_ms(conn, body):
    start = time.perf_counter()
    conn.request("POST", "/v1/completions", body=body, headers={"Content-Type": "application/json"})
    resp = conn.getresponse()
    if resp.status != 200:
        raise SystemExit(f"answered {resp.status}: {resp.read()[:300]!r}")
    first = None
    while True:
        line = resp.readline()
        if not line:
            break
        if first is None and line.startswith(b"data:"):
            first = (time.perf_counter() - start) * 1000
        if line.startswith(b"data: [DONE]"):
            break
    # read the chunked terminator so the connection can be reused
    resp.read()
    if first is None:
        raise SystemExit("no SSE data event")
    return first


def pct(values, p):
    values = sorted(values)
    return values[min(len(values) - 1, int(round(p / 100 * (len(values) - 1))))]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--target", action="append", required=True, help="name=host:port (repeatable; the first is the baseline)")
    ap.add_argument("--router-pid", type=int, required=True)
    ap.add_argument("--picker-pid", type=int, default=0)
    ap.add_argument("--requests", type=int, default=300)
    ap.add_argument("--block", type=int, default=50)
    ap.add_argument("--warmup", type=int, default=300, help="requests per target before measuring (JIT)")
    ap.add_argument("--prompt-bytes", type=int, action="append", default=[])
    args = ap.parse_args()
    targets = [tuple(t.split("=", 1)) for t in args.target]
    for size in args.prompt_bytes or [16]:
        # 40-letter words: the simulator counts about one token per word, so 200 KB stays inside its
        # 32k-token context (about 5,000 tokens) while the picker still receives and parses 200 KB
        prompt = ("abcdefghijklmnopqrstuvwxyzabcdefghijklmn " * (size // 41 + 1))[:size]
        body = json.dumps({"model": "Qwen2.5-0.5B-Instruct", "prompt": prompt, "max_tokens": 2, "stream": True})
        conns = {}
        for name, hp in targets:
            h, p = hp.rsplit(":", 1)
            conns[name] = http.client.HTTPConnection(h, int(p), timeout=30)
            for _ in range(args.warmup):  # warm-up: JIT (its CPU would count), connections, caches
                first_chunk_ms(conns[name], body)
        samples = {name: [] for name, _ in targets}
        router_cpu = {name: 0.0 for name, _ in targets}
        picker_cpu = {name: 0.0 for name, _ in targets}
        done = 0
        while done < args.requests:
            n = min(args.block, args.requests - done)
            for name, _ in targets:
                r0 = cpu_ms(args.router_pid)
                p0 = cpu_ms(args.picker_pid) if args.picker_pid else 0.0
                for _ in range(n):
                    samples[name].append(first_chunk_ms(conns[name], body))
                router_cpu[name] += cpu_ms(args.router_pid) - r0
                if args.picker_pid:
                    picker_cpu[name] += cpu_ms(args.picker_pid) - p0
            done += n
        base = targets[0][0]
        for name, _ in targets:
            s = samples[name]
            print(
                f"prompt {size:>7d} B  {name:8s}  TTFT p50 {pct(s, 50):7.2f} ms  p99 {pct(s, 99):7.2f} ms  "
                f"added p50 {pct(s, 50) - pct(samples[base], 50):+7.2f} ms  p99 {pct(s, 99) - pct(samples[base], 99):+7.2f} ms  "
                f"router CPU {router_cpu[name] / len(s):6.3f} ms/req  picker CPU {picker_cpu[name] / len(s):6.3f} ms/req  "
                f"(n={len(s)})"
            )
        for c in conns.values():
            c.close()


if __name__ == "__main__":
    main()
