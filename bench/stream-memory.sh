#!/usr/bin/env bash
# Router memory per open stream: STREAMS concurrent streaming completions held open through the
# router (the simulator sends the first token at once, then the next only after ITL_MS, so nothing
# flows while they are measured), against simulator pods on 127.0.16.101-104. Measures the router's
# heap after a full GC (jcmd GC.heap_info) and its RSS with no streams, with SMALL streams and with
# STREAMS streams, prints the per-stream deltas and the top of a class histogram (what the memory
# is), then prints what a request beyond max-concurrent-requests (set to STREAMS) gets while the
# streams are open (documented: 503 with an OpenAI-style error), after checking that they are all
# still in flight. Each stream costs the router two descriptors (client and upstream): as root the
# script raises the hard limit (see below).
# Loopback only. Bounded: about 2-4 minutes.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
STREAMS=${STREAMS:-9000} SMALL=${SMALL:-1000} ITL_MS=${ITL_MS:-600000}
. "$ROOT/.mvn/find-jdk.sh"
JAVA="$JAVA_HOME/bin/java"; JCMD="$JAVA_HOME/bin/jcmd"
V=0.1.0-SNAPSHOT
# Descriptors: each stream holds two in the router (client and upstream connection) and one in the
# load generator, plus about 200 for the router's own files and sockets. When the hard limit is too
# low the script raises it up to the kernel's fs.nr_open; that needs CAP_SYS_RESOURCE (root on a
# normal machine; the sandboxed build machines drop that capability, so there the hard limit of
# 20,000 stands and 9,900 streams are the most that fit).
NEED=$((STREAMS * 2 + 200))
if (( NEED > $(ulimit -Hn) )); then
  NR_OPEN=$(cat /proc/sys/fs/nr_open)
  WANT=$(( NEED * 2 < NR_OPEN ? NEED * 2 : NR_OPEN ))
  if ulimit -Hn "$WANT" 2>/dev/null; then
    echo "bench: raised the hard descriptor limit to $WANT (fs.nr_open=$NR_OPEN)"
  else
    echo "bench: STREAMS=$STREAMS needs $NEED descriptors in the router; the hard limit is $(ulimit -Hn) and"
    echo "  raising it failed (setrlimit needs CAP_SYS_RESOURCE; effective capabilities: $(grep CapEff /proc/self/status | cut -f2))"
    exit 2
  fi
fi
ulimit -n "$(ulimit -Hn)"
# The router's JVM flags. Default: the image's heap sizing (pom.xml JAVA_TOOL_OPTIONS) scaled to a
# 2 GiB container, with G1 told to give back free heap after a full GC, so that RSS follows the
# live heap; ROUTER_JAVA_OPTS="" measures with the JVM's own defaults.
ROUTER_JAVA_OPTS=${ROUTER_JAVA_OPTS--Xms64m -Xmx1536m -XX:MinHeapFreeRatio=5 -XX:MaxHeapFreeRatio=10}
for t in curl python3; do command -v $t >/dev/null || { echo "bench: needs $t"; exit 2; }; done
for m in simulator controller router; do [ -f "$ROOT/$m/target/infergate-$m-$V.jar" ] || { echo "bench: build first: ./mvnw -DskipTests package"; exit 2; }; done

W=$(mktemp -d)
PIDS=()
trap 'for p in "${PIDS[@]}"; do kill -TERM $p 2>/dev/null || true; done; wait 2>/dev/null || true; rm -rf "$W"' EXIT
head -c 16 /dev/urandom | od -An -tx1 | tr -d ' \n' > "$W/token"
mkdir "$W/manifests"
cp "$ROOT"/docs/examples/walkthrough/*.yaml "$W/manifests/"
sed -i 's/port: 8080/port: 18161/' "$W/manifests/02-gateway.yaml"
for i in 101 102 103 104; do cat >> "$W/manifests/05-pods.yaml" <<YAML
---
apiVersion: v1
kind: Pod
metadata: {name: mem-$i, namespace: default, labels: {workload.serving.volcano.sh/model-name: demo}}
status: {podIP: 127.0.16.$i, conditions: [{type: Ready, status: "True"}]}
YAML
done
cat > "$W/router.yaml" <<YAML
router:
  listeners:
    max-concurrent-requests: $STREAMS
  upstream:
    max-concurrent-per-endpoint: 0
    read-timeout: PT1H   # the default 300 s would cut the first streams before the last ones are measured
  admission:
    queue: false         # a busy machine's late scrapes must not turn into 503 queue_timeout here
YAML

"$JAVA" -jar "$ROOT/simulator/target/infergate-simulator-$V.jar" --hosts 127.0.16.101,127.0.16.102,127.0.16.103,127.0.16.104 \
  --port 8000 --ttft-ms 0 --itl-ms "$ITL_MS" --max-tokens 3 --max-running 100000 --max-waiting 0 \
  --kv-cache-blocks 10000000 > "$W/sim.log" 2>&1 & PIDS+=($!)
echo "router JVM flags: ${ROUTER_JAVA_OPTS:-(JVM defaults)}"
# shellcheck disable=SC2086
"$JAVA" $ROUTER_JAVA_OPTS -jar "$ROOT/router/target/infergate-router-$V.jar" --bind 127.0.16.200 --internal-bind 127.0.16.200 \
  --internal-port 15161 --token-file "$W/token" --config "$W/router.yaml" > "$W/router.log" 2>&1 & ROUTER=$!; PIDS+=($ROUTER)
"$JAVA" -jar "$ROOT/controller/target/infergate-controller-$V.jar" --manifests "$W/manifests" \
  --routers http://127.0.16.200:15161 --token-file "$W/token" --admin-port 19161 > "$W/controller.log" 2>&1 & PIDS+=($!)
for _ in $(seq 1 300); do curl -fs -o /dev/null http://127.0.16.200:15161/observe/health/ready && break; sleep 0.2; done
curl -fs -o /dev/null http://127.0.16.200:15161/observe/health/ready || { echo "router not ready"; tail "$W"/*.log; exit 1; }

python3 - "$ROUTER" "$JCMD" "$STREAMS" "$SMALL" "$W" <<'PY'
import asyncio, json, re, subprocess, sys, time, urllib.request
pid, jcmd, streams, small, work = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4]), sys.argv[5]
GW = ("127.0.16.200", 18161)

def heap_and_rss():
    subprocess.run([jcmd, pid, "GC.run"], capture_output=True, check=True)
    time.sleep(1)
    subprocess.run([jcmd, pid, "GC.run"], capture_output=True, check=True)
    info = subprocess.run([jcmd, pid, "GC.heap_info"], capture_output=True, text=True, check=True).stdout
    used = int(re.search(r"heap.*?used (\d+)K", info).group(1)) * 1024  # the first line: the whole heap
    rss = int(re.search(r"VmRSS:\s+(\d+) kB", open(f"/proc/{pid}/status").read()).group(1)) * 1024
    return used, rss

def request(prompt, stream=True, objective=None):
    body = json.dumps({"model": "Qwen2.5-0.5B-Instruct", "prompt": prompt, "max_tokens": 3, "stream": stream})
    head = (f"POST /v1/completions HTTP/1.1\r\nHost: mem.test\r\nContent-Type: application/json\r\n"
            f"Content-Length: {len(body)}\r\n\r\n{body}")
    return head.encode()

async def open_stream(i, held, sem):
    async with sem:
        r, w = await asyncio.open_connection(*GW)
        w.write(request(f"stream {i}"))
        await w.drain()
        data = b""
        while b"data:" not in data:
            chunk = await asyncio.wait_for(r.read(4096), 300)
            if not chunk:
                raise RuntimeError(f"stream {i} ended before its first event: {data[:200]!r}")
            data += chunk
        if not data.startswith(b"HTTP/1.1 200"):
            raise RuntimeError(f"stream {i}: {data[:200]!r}")
        held.append((r, w))

async def main():
    # warm-up: short non-streaming requests, so the JIT and the pools settle before the baseline
    def short():
        c = urllib.request.Request(f"http://{GW[0]}:{GW[1]}/v1/completions", data=json.dumps(
            {"model": "Qwen2.5-0.5B-Instruct", "prompt": "warm", "max_tokens": 1}).encode(),
            headers={"Content-Type": "application/json"})
        return urllib.request.urlopen(c, timeout=30).status
    for _ in range(300):
        assert short() == 200
    base_heap, base_rss = heap_and_rss()
    held, sem = [], asyncio.Semaphore(200)
    rows = [("0", base_heap, base_rss)]
    for target in (small, streams):
        t0 = time.time()
        await asyncio.gather(*(open_stream(i, held, sem) for i in range(len(held), target)))
        heap, rss = heap_and_rss()
        rows.append((str(target), heap, rss))
        print(f"{target} streams open ({time.time() - t0:.1f} s to open): heap {heap / 2**20:.1f} MiB, RSS {rss / 2**20:.1f} MiB;"
              f" per stream: heap {(heap - base_heap) / target / 1024:.1f} KiB, RSS {(rss - base_rss) / target / 1024:.1f} KiB")
    print(f"baseline (no streams): heap {base_heap / 2**20:.1f} MiB, RSS {base_rss / 2**20:.1f} MiB")
    hist = subprocess.run([jcmd, pid, "GC.class_histogram"], capture_output=True, text=True).stdout.splitlines()
    print("class histogram with all streams open (top 15):")
    print("\n".join(hist[:18]))
    # every stream must still be open (in flight on the router) for the next check to mean anything
    metrics = urllib.request.urlopen("http://127.0.16.200:15161/observe/metrics", timeout=30).read().decode()
    active = [l for l in metrics.splitlines() if l.startswith("infergate_router_active_requests")]
    print("router in flight:", active)
    alive = sum(1 for r2, _ in held if not r2.at_eof())
    print(f"streams still open on the client side: {alive} of {len(held)}")
    # one more request than max-concurrent-requests: the documented 503 while the streams are open
    r, w = await asyncio.open_connection(*GW)
    w.write(request("one too many"))
    await w.drain()
    answer = (await asyncio.wait_for(r.read(4096), 30)).decode(errors="replace")
    status = answer[9:12]
    print(f"request {streams + 1} while {streams} streams are open: {status} {answer.split(chr(13) + chr(10) + chr(13) + chr(10), 1)[-1][:160]}")
    for _, w2 in held:
        w2.close()

asyncio.run(main())
PY
