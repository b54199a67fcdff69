package io.infergate.router.proxy;

import io.infergate.common.snapshot.Endpoint;
import io.infergate.router.RouterConfig;
import io.infergate.router.schedule.PoolSettings;
import io.infergate.router.schedule.framework.SchedulerConfig;
import io.infergate.router.schedule.framework.SchedulerConfig.PluginSpec;
import io.infergate.router.schedule.framework.SchedulerConfig.ProfileSpec;
import io.infergate.router.schedule.framework.SchedulerConfig.Ref;
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
import java.util.Map;
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
 * {@code poolProfiles} end to end: one router, two InferencePools of three simulator pods each.
 * Pool {@code sticky} uses the primary profile (prefix affinity only, max-score picker), so one
 * prompt always lands on one pod; pool {@code spread} is mapped to a profile with only a
 * weighted-random picker, so the same prompt, sent 24 times, lands on several pods (all on one
 * pod has probability 3 × 3⁻²⁴).
 */
class PoolProfilesTest {

    private static final List<SimulatedPod> PODS = new ArrayList<>();
    private static RouterFixture router;
    private static int port;

    @BeforeAll
    static void start() {
        List<Endpoint> sticky = new ArrayList<>();
        List<Endpoint> spread = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            SimulatedPod pod = SimulatedPod.start(SimulatorConfig.builder()
                    .podName("profiles-" + i)
                    .timeToFirstToken(Duration.ofMillis(1))
                    .interTokenLatency(Duration.ofMillis(1))
                    .build());
            PODS.add(pod);
            (i < 3 ? sticky : spread).add(endpoint("127.0.0.1", pod.port(), pod.podName()));
        }
        var stickyPool = pool("sticky", sticky.toArray(Endpoint[]::new));
        var spreadPool = pool("spread", spread.toArray(Endpoint[]::new));
        SchedulerConfig config = new SchedulerConfig(
                List.of(
                        new PluginSpec("prefix-cache-scorer", "prefix", Map.of("mode", "rendezvous")),
                        new PluginSpec("max-score-picker", "max", Map.of()),
                        new PluginSpec("weighted-random-picker", "random", Map.of())),
                List.of(
                        new ProfileSpec("default", List.of(new Ref("prefix", 1.0), new Ref("max", null))),
                        new ProfileSpec("uniform", List.of(new Ref("random", null)))),
                Map.of(spreadPool.namespace() + "/" + spreadPool.name(), "uniform"));
        PoolSettings d = PoolSettings.defaults();
        router = RouterFixture.start(RouterConfig.defaults("127.0.0.1", 0, RouterFixture.TOKEN)
                .withPools(new PoolSettings(
                        new ScrapeSettings(Duration.ofMillis(50), Duration.ofSeconds(1), Duration.ofSeconds(30), 16),
                        d.admission(),
                        d.saturation(),
                        config)));
        port = Http.freePort();
        Http.Reply put = router.put(snapshot(
                List.of(gateway("gw", listener("http", port))),
                List.of(
                        route("sticky")
                                .hosts("sticky.test")
                                .rule(rule(prefix("/v1")).backend(stickyPool.id()))
                                .build(),
                        route("spread")
                                .hosts("spread.test")
                                .rule(rule(prefix("/v1")).backend(spreadPool.id()))
                                .build()),
                List.of(stickyPool, spreadPool)));
        assertEquals(200, put.status(), put.body());
    }

    @AfterAll
    static void stop() {
        router.close();
        PODS.forEach(SimulatedPod::close);
    }

    private static Set<String> podsServing(String pool) {
        String prompt = "You are a careful assistant who answers questions about geology. ".repeat(6);
        Set<String> pods = new HashSet<>();
        for (int i = 0; i < 24; i++) {
            Http.Reply r = router.http()
                    .post(
                            port,
                            pool + ".test",
                            "/v1/completions",
                            "{\"model\":\"Qwen2.5-0.5B-Instruct\",\"prompt\":\"" + prompt + "\",\"max_tokens\":1}");
            assertEquals(200, r.status(), r.body());
            pods.add(r.header("x-inference-pod"));
        }
        return pods;
    }

    @Test
    void twoPoolsInOneRouterUseTheirOwnProfiles() {
        Set<String> sticky = podsServing("sticky");
        assertEquals(1, sticky.size(), "primary profile (prefix affinity): one pod, got " + sticky);
        assertTrue(sticky.iterator().next().matches("profiles-[0-2]"), "a pod of the sticky pool: " + sticky);
        Set<String> spread = podsServing("spread");
        assertTrue(spread.size() > 1, "mapped profile (uniform random): several pods, got " + spread);
        assertTrue(spread.stream().allMatch(p -> p.matches("profiles-[3-5]")), "pods of the spread pool: " + spread);
    }
}
