package io.infergate.router.proxy;

import io.helidon.http.HeaderNames;
import io.helidon.http.Method;
import io.infergate.common.snapshot.Objective;
import io.infergate.common.snapshot.Snapshot;
import io.infergate.router.RouterConfig;
import io.infergate.router.testing.Http;
import io.infergate.router.testing.RouterFixture;
import io.infergate.simulator.SimulatedPod;
import io.infergate.simulator.SimulatorConfig;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
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

/**
 * A pool made saturated for real: one simulator pod running one request at a time with six more
 * queued behind it (vllm:num_requests_waiting = 6 ≥ 5). Sheddable requests (objective priority
 * &lt; 0) get 429 pool_saturated with Retry-After; priority ≥ 0 (and no objective) wait in the
 * router's queue and complete.
 */
class SheddingTest {

    private static final String MODEL = "Qwen2.5-0.5B-Instruct";
    private static SimulatedPod pod;
    private static RouterFixture router;
    private static int port;
    private static String poolId;

    @BeforeAll
    static void start() {
        pod = SimulatedPod.start(SimulatorConfig.builder()
                .podName("shed-0")
                .maxRunning(1)
                .maxWaiting(100)
                .timeToFirstToken(Duration.ofMillis(5))
                .interTokenLatency(Duration.ofMillis(100))
                .build());
        router = RouterFixture.start(RouterConfig.defaults("127.0.0.1", 0, RouterFixture.TOKEN));
        port = Http.freePort();
        var sims = pool("sims", endpoint("127.0.0.1", pod.port(), pod.podName()));
        poolId = sims.id();
        Snapshot snapshot = new Snapshot(
                Snapshot.SCHEMA_VERSION,
                List.of(gateway("gw", listener("http", port))),
                List.of(route("llm")
                        .rule(rule(prefix("/v1")).backend(sims.id()))
                        .build()),
                List.of(sims),
                List.of(
                        new Objective("inferenceobjective/default/batch", "default", "batch", sims.id(), -1),
                        new Objective("inferenceobjective/default/chat", "default", "chat", sims.id(), 10)));
        Http.Reply put = router.put(snapshot);
        assertEquals(200, put.status(), put.body());
    }

    @AfterAll
    static void stop() {
        router.close();
        pod.close();
    }

    private static String body(int tokens) {
        return "{\"model\":\"" + MODEL + "\",\"prompt\":\"hello\",\"max_tokens\":" + tokens + "}";
    }

    private static Http.Reply viaRouter(String objective, int tokens) {
        return router.http().send(Method.POST, port, "llm.test", "/v1/completions", body(tokens), r -> {
            r.header(HeaderNames.CONTENT_TYPE, "application/json");
            if (objective != null) {
                r.header(HeaderNames.create("x-gateway-inference-objective"), objective);
            }
        });
    }

    @Test
    void sheddableRequestsAre429WhileOthersQueueAndComplete() throws Exception {
        try (ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor()) {
            List<Future<Http.Reply>> load = new ArrayList<>();
            for (int i = 0; i < 7; i++) { // straight to the pod: 1 running, 6 waiting, ~0.8 s each
                load.add(threads.submit(() -> router.http().post(pod.port(), "pod", "/v1/completions", body(8))));
            }
            await().atMost(Duration.ofSeconds(10)).until(() -> router.app().poolSaturated(poolId));

            Future<Http.Reply> chat = threads.submit(() -> viaRouter("chat", 2));
            Future<Http.Reply> plain = threads.submit(() -> viaRouter(null, 2));
            Http.Reply shed = viaRouter("batch", 2);
            assertEquals(429, shed.status(), shed.body());
            assertEquals("pool_saturated", shed.errorCode());
            assertEquals("1", shed.header("Retry-After"));

            assertEquals(200, chat.get().status(), "priority 10 is never shed");
            assertEquals(200, plain.get().status(), "no objective is priority 0, never shed");
            for (Future<Http.Reply> f : load) {
                assertEquals(200, f.get().status());
            }
        }
        await().atMost(Duration.ofSeconds(10)).until(() -> !router.app().poolSaturated(poolId));
        // an unsaturated pool serves sheddable requests (awaited: a scrape late under load reads as stale)
        await().atMost(Duration.ofSeconds(10)).until(() -> viaRouter("batch", 1).status() == 200);
    }
}
