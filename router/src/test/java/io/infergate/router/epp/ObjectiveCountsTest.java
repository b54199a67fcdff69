package io.infergate.router.epp;

import io.helidon.http.HeaderNames;
import io.helidon.http.Method;
import io.infergate.common.snapshot.Backend;
import io.infergate.common.snapshot.Endpoint;
import io.infergate.common.snapshot.Snapshot;
import io.infergate.router.RouterConfig;
import io.infergate.router.extproc.PickerSettings;
import io.infergate.router.schedule.PoolSettings;
import io.infergate.router.testing.Http;
import io.infergate.router.testing.RouterFixture;
import io.infergate.simulator.SimulatedPod;
import io.infergate.simulator.SimulatorConfig;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.ServerSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import static io.infergate.router.testing.Snap.endpoint;
import static io.infergate.router.testing.Snap.gateway;
import static io.infergate.router.testing.Snap.listener;
import static io.infergate.router.testing.Snap.prefix;
import static io.infergate.router.testing.Snap.route;
import static io.infergate.router.testing.Snap.rule;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The Inference Extension's per-model meters count every request once when one router both routes
 * a request (its Gateway's pool names an endpoint picker) and picks for it (the picker Service
 * sent the ext_proc call to this same router): the picker counts what it routes, the gateway
 * leaves those to it and counts what no picker routed (docs/adr/0039-picker-services.md). Real
 * sockets: the router's listener, its own picker port over TLS, simulator pods.
 */
class ObjectiveCountsTest {

    /** Model names of their own, so meters of other tests in this JVM do not mix in. */
    private static final String PICKED = "counted-once-picked";

    private static final String FALLBACK = "counted-once-fallback";
    private static final List<SimulatedPod> PODS = new ArrayList<>();
    private static RouterFixture router;
    private static int port;

    @BeforeAll
    static void start() throws Exception {
        List<Endpoint> endpoints = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            SimulatedPod pod = SimulatedPod.start(SimulatorConfig.builder()
                    .podName("counts-" + i)
                    .models(PICKED, FALLBACK)
                    .timeToFirstToken(Duration.ofMillis(1))
                    .interTokenLatency(Duration.ofMillis(1))
                    .build());
            PODS.add(pod);
            endpoints.add(endpoint("127.0.0.1", pod.port(), pod.podName()));
        }
        // one router: the gateway (its ext_proc client) and the picker (its ext_proc server), which
        // picks for pool "self" (router.picker.pool: two pools name a picker)
        EppSettings loopback = EppSettings.loopback(EppSettings.Tls.SELF_SIGNED);
        EppSettings picker = new EppSettings(
                true,
                loopback.host(),
                0,
                0,
                loopback.tls(),
                Optional.empty(),
                Optional.empty(),
                Optional.of("default/self"),
                loopback.maxStreams(),
                loopback.maxMessageBytes(),
                loopback.maxBodyBytes(),
                loopback.bodyTimeout());
        router = RouterFixture.start(RouterConfig.defaults("127.0.0.1", 0, RouterFixture.TOKEN)
                .withPools(PoolSettings.defaults()
                        .withPicker(picker)
                        .withPickers(new PickerSettings(Duration.ofSeconds(10), PickerSettings.Tls.INSECURE, 62_000))));
        int pickerPort = router.app().picker().orElseThrow().port();
        int closed;
        try (ServerSocket s = new ServerSocket(0)) {
            closed = s.getLocalPort();
        }
        port = Http.freePort();
        var self = new Backend.InferencePool(
                Backend.InferencePool.idOf("default", "self"),
                "default",
                "self",
                Backend.AppProtocol.HTTP,
                endpoints.subList(0, 2),
                Optional.of(new Backend.EndpointPicker("127.0.0.1", pickerPort, false)));
        var down = new Backend.InferencePool(
                Backend.InferencePool.idOf("default", "down"),
                "default",
                "down",
                Backend.AppProtocol.HTTP,
                endpoints.subList(2, 3),
                Optional.of(new Backend.EndpointPicker("127.0.0.1", closed, true)));
        Snapshot snapshot = new Snapshot(
                Snapshot.SCHEMA_VERSION,
                List.of(gateway("gw", listener("http", port))),
                List.of(
                        route("picked")
                                .hosts("picked.test")
                                .rule(rule(prefix("/v1")).backend(self.id()))
                                .build(),
                        route("fallback")
                                .hosts("fallback.test")
                                .rule(rule(prefix("/v1")).backend(down.id()))
                                .build()),
                List.of(self, down),
                List.of());
        Http.Reply put = router.put(snapshot);
        assertEquals(200, put.status(), put.body());
    }

    @AfterAll
    static void stop() {
        router.close();
        PODS.forEach(SimulatedPod::close);
    }

    private static Http.Reply complete(String host, String model) {
        return router.http()
                .send(
                        Method.POST,
                        port,
                        host,
                        "/v1/completions",
                        "{\"model\":\"" + model + "\",\"prompt\":\"hello\",\"max_tokens\":3}",
                        r -> r.header(HeaderNames.CONTENT_TYPE, "application/json"));
    }

    /** The sum of a meter's samples for one model_name. */
    private static double sum(String metric, String model) {
        return router.http()
                .get(router.internalPort(), "localhost", "/observe/metrics")
                .body()
                .lines()
                .filter(l -> l.startsWith(metric + "{") && l.contains("model_name=\"" + model + "\""))
                .mapToDouble(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1)))
                .sum();
    }

    @Test
    void aRequestThisRouterRoutesAndPicksIsCountedOnce() {
        for (int i = 0; i < 5; i++) {
            Http.Reply r = complete("picked.test", PICKED);
            assertEquals(200, r.status(), r.body());
        }
        // the picker counts when the exchange's stream ends, just after the client has its answer
        await().atMost(Duration.ofSeconds(5)).until(() -> sum("inference_objective_request_total", PICKED) >= 5);
        await("nothing counted twice, nothing left running")
                .during(Duration.ofMillis(500))
                .atMost(Duration.ofSeconds(5))
                .until(() -> sum("inference_objective_request_total", PICKED) == 5
                        && sum("inference_objective_request_duration_seconds_count", PICKED) == 5
                        && sum("inference_objective_running_requests", PICKED) == 0);
    }

    @Test
    void aRequestNoPickerRoutedIsCountedByTheGateway() {
        // the pool's picker is down and the pool fails open: the router's own pick serves it
        for (int i = 0; i < 3; i++) {
            Http.Reply r = complete("fallback.test", FALLBACK);
            assertEquals(200, r.status(), r.body());
        }
        await().atMost(Duration.ofSeconds(5))
                .until(() -> sum("inference_objective_request_total", FALLBACK) == 3
                        && sum("inference_objective_running_requests", FALLBACK) == 0);
    }
}
