package io.infergate.router.proxy;

import io.infergate.common.snapshot.Backend;
import io.infergate.common.snapshot.ModelRewrite;
import io.infergate.router.testing.Http;
import io.infergate.router.testing.RouterFixture;
import io.infergate.simulator.SimulatedPod;
import io.infergate.simulator.SimulatorConfig;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;

import static io.infergate.router.testing.Snap.endpoint;
import static io.infergate.router.testing.Snap.exact;
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
 * Routing by the body's {@code model} (the match condition Kthena ModelRoutes translate to,
 * docs/adr/0029-kthena-objects.md) through real sockets. Two simulated pods serve different
 * models and refuse every other name, so a 200 proves which pod got the request and which model
 * name reached it; an HTTPRoute with an Exact path on the same listener shows that model
 * conditions are tried first.
 */
class ModelRouteTest {

    private static SimulatedPod podA;
    private static SimulatedPod podB;
    private static RouterFixture router;
    private static int port;

    @BeforeAll
    static void start() {
        podA = pod("127.0.14.1", "a-0", "model-a", "lora-x");
        podB = pod("127.0.14.2", "b-0", "model-b", "lora-y");
        router = RouterFixture.start();
        port = Http.freePort();
        // ModelServer a rewrites its ModelRoute's name to the model it serves; LoRA names pass unchanged.
        Backend.InferencePool a = pool("a", endpoint("127.0.14.1", podA.port(), podA.podName()))
                .withModelRewrites(List.of(new ModelRewrite(
                        "modelserver/default/a/model",
                        List.of("alias-a"),
                        List.of(new ModelRewrite.Target("model-a", 1)))));
        Backend.InferencePool b = pool("b", endpoint("127.0.14.2", podB.port(), podB.podName()));
        Http.Reply put = router.put(snapshot(
                List.of(gateway("gw", listener("http", port))),
                List.of(
                        route("by-model")
                                .rule(rule(
                                                prefix("/v1").model("alias-a"),
                                                prefix("/v1").model("lora-x"))
                                        .backend(a.id()))
                                .rule(rule(prefix("/v1").model("model-b")).backend(b.id()))
                                .build(),
                        route("by-path")
                                .rule(rule(exact("/v1/completions"), prefix("/v1/models"))
                                        .backend(b.id()))
                                .build()),
                List.of(a, b)));
        assertEquals(200, put.status(), put.body());
    }

    private static SimulatedPod pod(String host, String name, String model, String lora) {
        return SimulatedPod.start(SimulatorConfig.builder()
                .host(host)
                .podName(name)
                .models(model)
                .loraAdapters(lora)
                .timeToFirstToken(Duration.ofMillis(2))
                .interTokenLatency(Duration.ofMillis(2))
                .build());
    }

    @AfterAll
    static void stop() {
        router.close();
        podA.close();
        podB.close();
    }

    private static Http.Reply complete(String model, boolean stream) {
        return router.http()
                .post(
                        port,
                        "gw.test",
                        "/v1/completions",
                        "{\"model\":\"" + model + "\",\"prompt\":\"hi\",\"max_tokens\":3,\"stream\":" + stream + "}");
    }

    @Test
    void theBodysModelChoosesTheRuleAheadOfAnExactPathRoute() {
        Http.Reply alias = complete("alias-a", false);
        assertEquals(200, alias.status(), "the pod saw model-a, the rewrite's target: " + alias.body());
        assertEquals("a-0", alias.header("x-inference-pod"));
        assertEquals("alias-a", alias.json().getString("model"));

        Http.Reply lora = complete("lora-x", false);
        assertEquals(200, lora.status(), "a LoRA name reaches the pod unchanged: " + lora.body());
        assertEquals("a-0", lora.header("x-inference-pod"));

        Http.Reply other = complete("model-b", false);
        assertEquals(200, other.status(), other.body());
        assertEquals("b-0", other.header("x-inference-pod"));
    }

    @Test
    void aModelNoConditionNamesFallsToTheHttpRoute() {
        Http.Reply unknown = complete("alias-a-typo", false);
        assertEquals("b-0", unknown.header("x-inference-pod"), unknown.toString());
        assertEquals(404, unknown.status(), "pod b refuses a model it does not serve: " + unknown.body());
        Http.Reply chat = router.http()
                .post(
                        port,
                        "gw.test",
                        "/v1/chat/completions",
                        "{\"model\":\"alias-a\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}");
        assertEquals(200, chat.status(), "chat completions route by model too: " + chat.body());
        assertEquals("a-0", chat.header("x-inference-pod"));
        assertEquals(
                200, router.http().get(port, "gw.test", "/v1/models").status(), "no body, no model: the HTTPRoute");
    }

    @Test
    void aModelNoRouteClaimsIsAnOpenAiModelNotFound() {
        int other = Http.freePort();
        Backend.InferencePool b = pool("b", endpoint("127.0.14.2", podB.port(), podB.podName()));
        try (RouterFixture only = RouterFixture.start()) {
            Http.Reply put = only.put(snapshot(
                    List.of(gateway("gw", listener("http", other))),
                    List.of(route("by-model")
                            .rule(rule(prefix("/v1").model("model-b")).backend(b.id()))
                            .build()),
                    List.of(b)));
            assertEquals(200, put.status(), put.body());
            Http.Reply r =
                    only.http().post(other, "gw.test", "/v1/completions", "{\"model\":\"nope\",\"prompt\":\"hi\"}");
            assertEquals(404, r.status(), r.body());
            assertEquals("model_not_found", r.errorCode(), r.body());
            assertTrue(r.body().contains("'nope'"), r.body());
        }
    }

    @Test
    void aModelRoutedStreamArrivesWhole() {
        Http.Reply r = complete("alias-a", true);
        assertEquals(200, r.status(), r.body());
        assertEquals("a-0", r.header("x-inference-pod"));
        assertTrue(
                r.header("content-type").startsWith("text/event-stream"),
                r.headers().toString());
        assertTrue(r.body().contains("\"model\":\"alias-a\""), r.body());
        assertTrue(r.body().trim().endsWith("data: [DONE]"), r.body());
    }
}
