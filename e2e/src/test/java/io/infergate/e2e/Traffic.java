package io.infergate.e2e;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/**
 * Load from the host through the router Service: {@code workers} virtual threads, each sending
 * completions one after another until {@link #stop()}, streaming and non-streaming in turn.
 * A request counts as ok only if the status is 200 and the body is complete (non-streaming: a
 * {@code choices} array; streaming: it ends with {@code data: [DONE]}); anything else, including
 * a connection error, is a failure kept with its reason.
 */
final class Traffic implements AutoCloseable {
    private static final String MODEL = "Qwen2.5-0.5B-Instruct";
    private static final int RECONNECT = 10;

    /** Counts when the load stopped; {@code pods} counts answers per model pod (x-inference-pod). */
    record Result(long ok, long failed, List<String> failures, Map<String, Long> pods) {
        long total() {
            return ok + failed;
        }

        @Override
        public String toString() {
            return "requests=" + total() + " ok=" + ok + " failed=" + failed + " pods=" + pods
                    + (failures.isEmpty()
                            ? ""
                            : " first failures=" + failures.subList(0, Math.min(5, failures.size())));
        }
    }

    private final URI base;
    private final int maxTokens;
    private final boolean streamOnly;
    private final AtomicBoolean running = new AtomicBoolean(true);
    private final LongAdder ok = new LongAdder();
    private final LongAdder failed = new LongAdder();
    private final ConcurrentLinkedQueue<String> failures = new ConcurrentLinkedQueue<>();
    private final Map<String, AtomicLong> pods = new ConcurrentHashMap<>();
    private final List<Thread> threads = new ArrayList<>();

    /**
     * @param base        e.g. http://10.96.0.57:80
     * @param workers     concurrent requests
     * @param maxTokens   tokens per answer (the simulator streams one per inter-token latency)
     * @param streamOnly  every request streams (long streams), else every other one
     */
    Traffic(URI base, int workers, int maxTokens, boolean streamOnly) {
        this.base = base;
        this.maxTokens = maxTokens;
        this.streamOnly = streamOnly;
        for (int i = 0; i < workers; i++) {
            int id = i;
            threads.add(Thread.ofVirtual().name("traffic-" + i).start(() -> loop(id)));
        }
    }

    private static HttpClient newClient() {
        return HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(5))
                .build();
    }

    private void loop(int id) {
        long n = 0;
        HttpClient client = newClient();
        while (running.get()) {
            // A new client (so a new connection) every RECONNECT requests: behind a Service,
            // kube-proxy balances connections, not requests; clients that never reconnect would
            // never reach routers added after they connected.
            if (n > 0 && n % RECONNECT == 0) {
                client.close();
                client = newClient();
            }
            boolean stream = streamOnly || ((id + n++) % 2 == 0);
            String body = "{\"model\":\"" + MODEL + "\",\"prompt\":\"worker " + id + " request " + n
                    + "\",\"max_tokens\":" + maxTokens + ",\"stream\":" + stream + "}";
            HttpRequest req = HttpRequest.newBuilder(base.resolve("/v1/completions"))
                    .timeout(Duration.ofMinutes(2))
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(body))
                    .build();
            try {
                HttpResponse<String> res = client.send(req, HttpResponse.BodyHandlers.ofString());
                String b = res.body();
                boolean complete = stream ? b.stripTrailing().endsWith("data: [DONE]") : b.contains("\"choices\"");
                if (res.statusCode() == 200 && complete) {
                    ok.increment();
                    res.headers()
                            .firstValue("x-inference-pod")
                            .ifPresent(p -> pods.computeIfAbsent(p, k -> new AtomicLong())
                                    .incrementAndGet());
                } else {
                    fail((stream ? "stream " : "") + "status " + res.statusCode() + " complete=" + complete + " "
                            + b.substring(Math.max(0, b.length() - 200)));
                }
            } catch (InterruptedException e) {
                fail((stream ? "stream " : "") + e);
                client.close();
                return;
            } catch (Exception e) {
                fail((stream ? "stream " : "") + e);
            }
        }
        client.close();
    }

    private void fail(String why) {
        failed.increment();
        if (failures.size() < 100) {
            failures.add(why);
        }
    }

    long completed() {
        return ok.sum() + failed.sum();
    }

    /** Lets every request in flight finish (no request is cut), then returns the counts. */
    Result stop() throws InterruptedException {
        running.set(false);
        for (Thread t : threads) {
            t.join(Duration.ofMinutes(3));
        }
        var p = new java.util.TreeMap<String, Long>();
        pods.forEach((k, v) -> p.put(k, v.get()));
        return new Result(ok.sum(), failed.sum(), List.copyOf(failures), p);
    }

    @Override
    public void close() {
        if (running.get()) {
            try {
                stop();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt(); // the test is being cancelled: keep the interrupt
            }
        }
    }
}
