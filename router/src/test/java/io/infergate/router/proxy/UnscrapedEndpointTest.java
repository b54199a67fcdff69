package io.infergate.router.proxy;

import io.infergate.common.snapshot.Backend;
import io.infergate.common.snapshot.Endpoint;
import io.infergate.router.RouterConfig;
import io.infergate.router.listen.ListenerLimits;
import io.infergate.router.outlier.OutlierSettings;
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
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static io.infergate.router.testing.Snap.endpoint;
import static io.infergate.router.testing.Snap.gateway;
import static io.infergate.router.testing.Snap.listener;
import static io.infergate.router.testing.Snap.pool;
import static io.infergate.router.testing.Snap.prefix;
import static io.infergate.router.testing.Snap.route;
import static io.infergate.router.testing.Snap.rule;
import static io.infergate.router.testing.Snap.snapshot;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * An InferencePool of four where one Ready endpoint has nothing listening, with retries and
 * ejection off, so only the scheduler keeps clients away from it: an endpoint that never answered
 * a scrape has an unknown queue, not an empty one, and must not be picked as the idlest.
 */
class UnscrapedEndpointTest {

    private static final List<SimulatedPod> PODS = new ArrayList<>();
    private static RouterFixture plain;
    private static int plainPort;

    @BeforeAll
    static void start() {
        List<Endpoint> endpoints = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            SimulatedPod pod = SimulatedPod.start(SimulatorConfig.builder()
                    .podName("live-" + i)
                    .timeToFirstToken(Duration.ofMillis(1))
                    .interTokenLatency(Duration.ofMillis(1))
                    .build());
            PODS.add(pod);
            endpoints.add(endpoint("127.0.0.1", pod.port(), pod.podName()));
        }
        endpoints.add(1, endpoint("127.0.0.1", Http.freePort(), "dead"));
        // no retries, no ejection: only the scheduler's distrust of never-scraped endpoints helps
        PoolSettings d = PoolSettings.defaults();
        ProxySettings p = ProxySettings.defaults();
        plain = RouterFixture.start(new RouterConfig(
                "127.0.0.1",
                "127.0.0.1",
                0,
                RouterFixture.TOKEN,
                ListenerLimits.defaults(),
                new ProxySettings(
                        p.connectTimeout(),
                        p.readTimeout(),
                        p.maxConcurrentPerEndpoint(),
                        p.maxBodyBytes(),
                        0,
                        new OutlierSettings(0, Duration.ofSeconds(1), Duration.ofSeconds(1)),
                        true),
                RouterConfig.DEFAULT_MAX_SNAPSHOT_BYTES,
                new PoolSettings(
                        new ScrapeSettings(Duration.ofMillis(50), Duration.ofSeconds(1), Duration.ofSeconds(30), 16),
                        d.admission(),
                        d.saturation(),
                        d.scheduler())));
        plainPort = Http.freePort();
        Backend.InferencePool sims = pool("sims", endpoints.toArray(Endpoint[]::new));
        Http.Reply put = plain.put(snapshot(
                List.of(gateway("gw", listener("http", plainPort))),
                List.of(route("llm")
                        .rule(rule(prefix("/v1")).backend(sims.id()))
                        .build()),
                List.of(sims)));
        assertEquals(200, put.status(), put.body());
    }

    @AfterAll
    static void stop() {
        plain.close();
        PODS.forEach(SimulatedPod::close);
    }

    private static double metric(RouterFixture router, String name, String label) {
        String text = router.observe("/observe/metrics").body();
        Matcher m = Pattern.compile(
                        "(?m)^" + Pattern.quote(name) + "\\{[^}]*" + Pattern.quote(label) + "[^}]*} ([0-9.E+-]+)$")
                .matcher(text);
        return m.find() ? Double.parseDouble(m.group(1)) : 0;
    }

    @Test
    void aPoolEndpointThatNeverAnsweredAScrapeGetsNoTraffic() {
        await().atMost(Duration.ofSeconds(10))
                .until(() -> metric(plain, "infergate_router_endpoint_scrapes_total", "result=\"ok\"") >= 3);
        Map<Integer, Integer> statuses = new HashMap<>();
        for (int i = 0; i < 30; i++) {
            Http.Reply r = plain.http()
                    .post(
                            plainPort,
                            "llm.test",
                            "/v1/completions",
                            "{\"model\":\"Qwen2.5-0.5B-Instruct\",\"prompt\":\"hello " + i + "\",\"max_tokens\":1}");
            statuses.merge(r.status(), 1, Integer::sum);
        }
        assertEquals(Map.of(200, 30), statuses, "the silent endpoint must not look like the idlest");
    }
}
