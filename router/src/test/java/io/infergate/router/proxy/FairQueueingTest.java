package io.infergate.router.proxy;

import io.helidon.http.HeaderNames;
import io.helidon.http.Method;
import io.infergate.common.snapshot.Backend;
import io.infergate.common.snapshot.Snapshot;
import io.infergate.router.RouterConfig;
import io.infergate.router.schedule.PoolSettings;
import io.infergate.router.schedule.admission.Admission;
import io.infergate.router.schedule.admission.SaturationDetector;
import io.infergate.router.schedule.framework.SchedulerConfig;
import io.infergate.router.scrape.ScrapeSettings;
import io.infergate.router.testing.Http;
import io.infergate.router.testing.RouterFixture;
import io.infergate.simulator.SimulatedPod;
import io.infergate.simulator.SimulatorConfig;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static io.infergate.router.testing.Snap.endpoint;
import static io.infergate.router.testing.Snap.gateway;
import static io.infergate.router.testing.Snap.listener;
import static io.infergate.router.testing.Snap.pool;
import static io.infergate.router.testing.Snap.prefix;
import static io.infergate.router.testing.Snap.route;
import static io.infergate.router.testing.Snap.rule;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Fair queueing between tenants through real sockets: a saturated pool (one simulator pod, one
 * running slot) whose router queue holds a flood of 20 requests of tenant A when one request of
 * tenant B arrives. The order asserted, not the timing: the pod runs one request at a time in
 * arrival order, so the order in which responses come back is the order the router admitted them
 * (up to a swap of two requests admitted within the same instant).
 * Fair: B leaves the queue after at most one of A's (its start tag equals the virtual time, A's
 * backlog is tagged ahead of it), so nearly all of A's backlog finishes after B. Fairness off
 * ({@code router.admission.fairness: false}): first come, first served, B after all 20.
 * bench/fairness.sh measures the wall-clock queue wait this ordering buys.
 */
class FairQueueingTest {

    private static final String MODEL = "Qwen2.5-0.5B-Instruct";
    private static final int FLOOD = 20;

    @ParameterizedTest(name = "fairness {0}")
    @ValueSource(booleans = {true, false})
    void quietTenantOvertakesTheFloodOnlyWhenFair(boolean fairness) throws Exception {
        // itl 20 ms: the 250-token request that saturates the pod runs 5 s, ample time to queue 21
        // requests behind it; each queued request (2 tokens) then runs ~45 ms, one at a time
        try (SimulatedPod pod = SimulatedPod.start(SimulatorConfig.builder()
                        .podName("fair-0")
                        .maxRunning(1)
                        .maxWaiting(100)
                        .timeToFirstToken(Duration.ofMillis(5))
                        .interTokenLatency(Duration.ofMillis(20))
                        .build());
                RouterFixture router = RouterFixture.start(config(fairness));
                ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor()) {
            int port = Http.freePort();
            Backend.InferencePool sims = pool("sims", endpoint("127.0.0.1", pod.port(), pod.podName()));
            Http.Reply put = router.put(new Snapshot(
                    Snapshot.SCHEMA_VERSION,
                    List.of(gateway("gw", listener("http", port))),
                    List.of(route("llm")
                            .rule(rule(prefix("/v1")).backend(sims.id()))
                            .build()),
                    List.of(sims),
                    List.of()));
            assertEquals(200, put.status(), put.body());

            // one long request running on the pod, then one waiting behind it: 1 waiting ≥ threshold 1.
            // The pod's own counts are awaited: a late scrape reads as stale, hence saturated, before
            // the waiting request has even arrived, and the next fresh scrape would unsaturate the pool.
            List<Future<Http.Reply>> preload = new ArrayList<>();
            preload.add(threads.submit(() -> router.http().post(pod.port(), "pod", "/v1/completions", body(250))));
            await().atMost(Duration.ofSeconds(10)).until(() -> podGauge(router, pod, "running") >= 1);
            preload.add(threads.submit(() -> router.http().post(pod.port(), "pod", "/v1/completions", body(2))));
            await().atMost(Duration.ofSeconds(10)).until(() -> podGauge(router, pod, "waiting") >= 1);
            await().atMost(Duration.ofSeconds(10)).until(() -> router.app().poolSaturated(sims.id()));

            Queue<String> finished = new ConcurrentLinkedQueue<>();
            List<Future<Http.Reply>> sent = new ArrayList<>();
            for (int i = 0; i < FLOOD; i++) {
                sent.add(threads.submit(() -> viaRouter(router, port, "tenant-a", finished)));
            }
            await().atMost(Duration.ofSeconds(4)).until(() -> router.app().queued(sims.id()) == FLOOD);
            sent.add(threads.submit(() -> viaRouter(router, port, "tenant-b", finished)));
            await().atMost(Duration.ofSeconds(4)).until(() -> router.app().queued(sims.id()) == FLOOD + 1);

            for (Future<Http.Reply> f : sent) {
                Http.Reply r = f.get();
                assertEquals(200, r.status(), r.body());
            }
            for (Future<Http.Reply> f : preload) {
                assertEquals(200, f.get().status());
            }
            List<String> order = List.copyOf(finished);
            int aAfterB = order.size() - 1 - order.indexOf("tenant-b");
            if (fairness) {
                // B's tag ties A's first queued request (arrival breaks the tie), then precedes the
                // rest: FLOOD - 1 finish after it. 15 leaves room for a head admitted while B arrived.
                assertTrue(aAfterB >= 15, "B should overtake A's backlog: " + order);
            } else {
                // 1, not 0: two requests admitted within the same millisecond may reach the pod swapped
                assertTrue(aAfterB <= 1, "first come, first served: B after (nearly) all of A: " + order);
            }
        }
    }

    private static RouterConfig config(boolean fairness) {
        Admission.Settings admission = new Admission.Settings(
                true, Duration.ofSeconds(60), 1000, Duration.ofSeconds(1), Duration.ofMillis(50), fairness);
        return RouterConfig.defaults("127.0.0.1", 0, RouterFixture.TOKEN)
                .withPools(new PoolSettings(
                        ScrapeSettings.defaults(),
                        admission,
                        new SaturationDetector(1, 0.8),
                        SchedulerConfig.defaults()));
    }

    /** The pod's {@code vllm:num_requests_<which>} gauge, read over HTTP. */
    private static double podGauge(RouterFixture router, SimulatedPod pod, String which) {
        return router.http()
                .get(pod.port(), "pod", "/metrics")
                .body()
                .lines()
                .filter(l -> l.startsWith("vllm:num_requests_" + which))
                .mapToDouble(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1)))
                .findFirst()
                .orElse(0);
    }

    private static String body(int tokens) {
        return "{\"model\":\"" + MODEL + "\",\"prompt\":\"hello\",\"max_tokens\":" + tokens + "}";
    }

    private static Http.Reply viaRouter(RouterFixture router, int port, String tenant, Queue<String> finished) {
        Http.Reply r = router.http().send(Method.POST, port, "llm.test", "/v1/completions", body(2), req -> {
            req.header(HeaderNames.CONTENT_TYPE, "application/json");
            req.header(HeaderNames.create(GatewayHandler.X_FAIRNESS_ID), tenant);
        });
        finished.add(tenant);
        return r;
    }
}
