package io.infergate.router.proxy;

import io.infergate.common.snapshot.Backend;
import io.infergate.router.RouterConfig;
import io.infergate.router.listen.ListenerLimits;
import io.infergate.router.testing.Http;
import io.infergate.router.testing.RouterFixture;
import io.infergate.simulator.SimulatedPod;
import io.infergate.simulator.SimulatorConfig;
import org.junit.jupiter.api.Test;

import java.util.List;

import static io.infergate.router.testing.Snap.endpoint;
import static io.infergate.router.testing.Snap.gateway;
import static io.infergate.router.testing.Snap.listener;
import static io.infergate.router.testing.Snap.pool;
import static io.infergate.router.testing.Snap.prefix;
import static io.infergate.router.testing.Snap.route;
import static io.infergate.router.testing.Snap.rule;
import static io.infergate.router.testing.Snap.snapshot;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The body a model condition reads before routing is bounded by the inference body bound: over
 * it the request gets 413 before any route is chosen, under it the same bytes go upstream.
 */
class ModelRouteBoundTest {

    @Test
    void aBodyOverTheBoundIs413AndOneUnderItIsServed() {
        ProxySettings d = ProxySettings.defaults();
        RouterConfig config = new RouterConfig(
                "127.0.0.1",
                "127.0.0.1",
                0,
                RouterFixture.TOKEN,
                ListenerLimits.defaults(),
                new ProxySettings(
                        d.connectTimeout(),
                        d.readTimeout(),
                        d.maxConcurrentPerEndpoint(),
                        200,
                        d.retries(),
                        d.outliers(),
                        d.watchClients()),
                64 * 1024);
        try (SimulatedPod pod = SimulatedPod.start(SimulatorConfig.builder()
                        .host("127.0.14.3")
                        .podName("bound-0")
                        .models("m")
                        .build());
                RouterFixture router = RouterFixture.start(config)) {
            int port = Http.freePort();
            Backend.InferencePool p = pool("p", endpoint("127.0.14.3", pod.port(), pod.podName()));
            Http.Reply put = router.put(snapshot(
                    List.of(gateway("gw", listener("http", port))),
                    List.of(route("by-model")
                            .rule(rule(prefix("/v1").model("m")).backend(p.id()))
                            .build()),
                    List.of(p)));
            assertEquals(200, put.status(), put.body());

            Http.Reply small = router.http()
                    .post(port, "gw.test", "/v1/completions", "{\"model\":\"m\",\"prompt\":\"hi\",\"max_tokens\":1}");
            assertEquals(200, small.status(), small.body());
            String big = "{\"model\":\"m\",\"prompt\":\"" + "x".repeat(300) + "\",\"max_tokens\":1}";
            Http.Reply large = router.http().post(port, "gw.test", "/v1/completions", big);
            assertEquals(413, large.status(), large.body());
            assertEquals("request_too_large", large.errorCode());
            assertEquals(1, pod.requestsServed(), "the large request never reached the pod");
        }
    }
}
