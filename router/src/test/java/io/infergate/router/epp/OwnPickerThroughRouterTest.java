package io.infergate.router.epp;

import io.helidon.http.HeaderNames;
import io.helidon.http.Method;
import io.infergate.common.snapshot.Backend;
import io.infergate.common.snapshot.Endpoint;
import io.infergate.common.snapshot.ModelRewrite;
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

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

import static io.infergate.router.testing.Snap.endpoint;
import static io.infergate.router.testing.Snap.gateway;
import static io.infergate.router.testing.Snap.listener;
import static io.infergate.router.testing.Snap.prefix;
import static io.infergate.router.testing.Snap.route;
import static io.infergate.router.testing.Snap.rule;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Client → a gateway router whose pool names an endpoint picker → a second router serving that
 * picker (TLS, self-signed) → simulator pods: the whole chain over real sockets, as an Envoy-based
 * gateway would use Infergate's picker. The gateway router plays Envoy's part with its own
 * ext_proc client. The picker's snapshot has the pool's model rewrite; the gateway's does not
 * (Envoy knows nothing of rewrites), so a rewritten model proves the picker rewrote the body.
 */
class OwnPickerThroughRouterTest {

    private static final String MODEL = "Qwen2.5-0.5B-Instruct";
    private static final List<SimulatedPod> PODS = new ArrayList<>();
    private static RouterFixture picking;
    private static RouterFixture gateway;
    private static int port;

    @BeforeAll
    static void start() {
        List<Endpoint> endpoints = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            SimulatedPod pod = SimulatedPod.start(SimulatorConfig.builder()
                    .podName("chain-" + i)
                    .models(MODEL)
                    .timeToFirstToken(Duration.ofMillis(1))
                    .interTokenLatency(Duration.ofMillis(1))
                    .build());
            PODS.add(pod);
            endpoints.add(endpoint("127.0.0.1", pod.port(), pod.podName()));
        }
        picking = RouterFixture.start(RouterConfig.defaults("127.0.0.1", 0, RouterFixture.TOKEN)
                .withPools(PoolSettings.defaults().withPicker(EppSettings.loopback(EppSettings.Tls.SELF_SIGNED))));
        int pickerPort = picking.app().picker().orElseThrow().port();
        gateway = RouterFixture.start(RouterConfig.defaults("127.0.0.1", 0, RouterFixture.TOKEN)
                .withPools(PoolSettings.defaults()
                        .withPickers(new PickerSettings(Duration.ofSeconds(10), PickerSettings.Tls.INSECURE, 62_000))));
        port = Http.freePort();
        var pool = new Backend.InferencePool(
                Backend.InferencePool.idOf("default", "sims"),
                "default",
                "sims",
                Backend.AppProtocol.HTTP,
                endpoints,
                Optional.of(new Backend.EndpointPicker("127.0.0.1", pickerPort, false)),
                List.of(new ModelRewrite(
                        "inferencemodelrewrite/default/alias",
                        List.of("alias"),
                        List.of(new ModelRewrite.Target(MODEL, 1)))));
        Snapshot snapshot = new Snapshot(
                Snapshot.SCHEMA_VERSION,
                List.of(gateway("gw", listener("http", port))),
                List.of(route("llm")
                        .rule(rule(prefix("/v1")).backend(pool.id()))
                        .build()),
                List.of(pool),
                List.of());
        for (RouterFixture r : List.of(picking, gateway)) {
            Http.Reply put = r.put(snapshot);
            assertEquals(200, put.status(), put.body());
        }
    }

    @AfterAll
    static void stop() {
        gateway.close();
        picking.close();
        PODS.forEach(SimulatedPod::close);
    }

    private static Http.Reply complete(String model, String extra) {
        return gateway.http()
                .send(
                        Method.POST,
                        port,
                        "llm.test",
                        "/v1/completions",
                        "{\"model\":\"" + model + "\",\"prompt\":\"hello\",\"max_tokens\":3" + extra + "}",
                        r -> r.header(HeaderNames.CONTENT_TYPE, "application/json"));
    }

    @Test
    void requestsAreServedByPoolPodsThePickerChose() {
        Set<String> pods = new HashSet<>();
        for (int i = 0; i < 12; i++) {
            Http.Reply r = complete(MODEL, "");
            assertEquals(200, r.status(), r.body());
            pods.add(r.header("x-inference-pod"));
        }
        assertTrue(pods.stream().allMatch(p -> p.startsWith("chain-")), pods.toString());
    }

    @Test
    void aStreamedResponseFlowsThroughWhileThePickerReadsIt() {
        Http.Reply r = complete(MODEL, ",\"stream\":true,\"stream_options\":{\"include_usage\":true}");
        assertEquals(200, r.status(), r.body());
        assertTrue(r.body().contains("data: [DONE]"), r.body());
    }

    @Test
    void theModelThePickerRewroteIsTheModelTheServerGot() {
        // the pods serve only MODEL: without the picker's rewrite "alias" would be a 404
        Http.Reply r = complete("alias", "");
        assertEquals(200, r.status(), r.body());
    }

    @Test
    void anUnknownModelReachesThePodWhichAnswers404() {
        Http.Reply r = complete("no-such-model", "");
        assertEquals(404, r.status(), r.body());
        assertEquals("model_not_found", r.errorCode());
    }
}
