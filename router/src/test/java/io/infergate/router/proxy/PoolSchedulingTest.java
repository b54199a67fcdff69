package io.infergate.router.proxy;

import io.infergate.router.RouterConfig;
import io.infergate.router.schedule.PoolSettings;
import io.infergate.router.scrape.ScrapeSettings;
import io.infergate.router.testing.Http;
import io.infergate.router.testing.RouterFixture;
import io.infergate.simulator.SimulatedPod;
import io.infergate.simulator.SimulatorConfig;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import static io.infergate.router.testing.Snap.endpoint;
import static io.infergate.router.testing.Snap.gateway;
import static io.infergate.router.testing.Snap.listener;
import static io.infergate.router.testing.Snap.pool;
import static io.infergate.router.testing.Snap.prefix;
import static io.infergate.router.testing.Snap.route;
import static io.infergate.router.testing.Snap.rule;
import static io.infergate.router.testing.Snap.snapshot;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The default profile through the whole router against three simulator pods: a long prompt keeps
 * going to one pod (prefix affinity, rendezvous mode), and every plugin call is timed.
 */
class PoolSchedulingTest {

    private static final List<SimulatedPod> PODS = new ArrayList<>();
    private static RouterFixture router;
    private static int port;

    @BeforeAll
    static void start() {
        var endpoints = new ArrayList<io.infergate.common.snapshot.Endpoint>();
        for (int i = 0; i < 3; i++) {
            SimulatedPod pod = SimulatedPod.start(SimulatorConfig.builder()
                    .podName("prefix-" + i)
                    .timeToFirstToken(Duration.ofMillis(1))
                    .interTokenLatency(Duration.ofMillis(1))
                    .build());
            PODS.add(pod);
            endpoints.add(endpoint("127.0.0.1", pod.port(), pod.podName()));
        }
        // a generous staleness bound: a scrape delayed by a busy test machine must not filter a pod
        PoolSettings d = PoolSettings.defaults();
        router = RouterFixture.start(RouterConfig.defaults("127.0.0.1", 0, RouterFixture.TOKEN)
                .withPools(new PoolSettings(
                        new ScrapeSettings(Duration.ofMillis(50), Duration.ofSeconds(1), Duration.ofSeconds(30), 16),
                        d.admission(),
                        d.saturation(),
                        d.scheduler())));
        port = Http.freePort();
        var sims = pool("prefix-sims", endpoints.toArray(io.infergate.common.snapshot.Endpoint[]::new));
        Http.Reply put = router.put(snapshot(
                List.of(gateway("gw", listener("http", port))),
                List.of(route("llm")
                        .rule(rule(prefix("/v1")).backend(sims.id()))
                        .build()),
                List.of(sims)));
        assertEquals(200, put.status(), put.body());
    }

    @AfterAll
    static void stop() {
        router.close();
        PODS.forEach(SimulatedPod::close);
    }

    private static Http.Reply send(String prompt) {
        Http.Reply r = router.http()
                .post(
                        port,
                        "llm.test",
                        "/v1/completions",
                        "{\"model\":\"Qwen2.5-0.5B-Instruct\",\"prompt\":\"" + prompt + "\",\"max_tokens\":1}");
        assertEquals(200, r.status(), r.body());
        return r;
    }

    @Test
    void aLongPromptStaysOnOnePodAndPluginCallsAreTimed() {
        for (String topic : List.of("astronomy", "botany")) {
            String prompt = ("You are a careful assistant who answers questions about " + topic + ". ").repeat(6);
            Set<String> pods = new HashSet<>();
            for (int i = 0; i < 4; i++) {
                Http.Reply r = send(prompt + " Question " + i);
                pods.add(r.header("x-inference-pod"));
                if (i > 0) { // the pod really had the shared prefix cached
                    assertTrue(Integer.parseInt(r.header("x-prefix-cache-hit-tokens")) > 0, topic + " " + i);
                }
            }
            assertEquals(1, pods.size(), topic + " went to " + pods);
        }
        String metrics = router.observe("/observe/metrics").body();
        assertTrue(metrics.contains("infergate_router_plugin_duration_seconds"), "plugin timer exported");
        assertTrue(metrics.contains("prefix-cache-scorer") && metrics.contains("max-score-picker"), "tagged by type");
        java.util.regex.Matcher ok = java.util.regex.Pattern.compile(
                        "infergate_router_endpoint_scrapes_total\\{result=\"ok\"[^}]*} ([0-9.E]+)")
                .matcher(metrics);
        assertTrue(ok.find(), metrics);
        assertTrue(Double.parseDouble(ok.group(1)) >= 1, "the pods were scraped: " + ok.group());
    }
}
