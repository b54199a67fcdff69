package io.infergate.router.disagg;

import io.helidon.http.HeaderNames;
import io.helidon.http.Method;
import io.helidon.webclient.api.HttpClientResponse;
import io.infergate.common.snapshot.Backend;
import io.infergate.common.snapshot.Endpoint;
import io.infergate.common.snapshot.Snapshot;
import io.infergate.router.testing.Http;
import io.infergate.router.testing.RouterFixture;
import io.infergate.simulator.SimulatedPod;
import io.infergate.simulator.SimulatorConfig;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static io.infergate.router.testing.Snap.gateway;
import static io.infergate.router.testing.Snap.listener;
import static io.infergate.router.testing.Snap.prefix;
import static io.infergate.router.testing.Snap.route;
import static io.infergate.router.testing.Snap.rule;
import static io.infergate.router.testing.Snap.snapshot;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A disaggregated pool end to end through the real router and simulator pods over real sockets:
 * one pod labelled prefill, two labelled decode. A streaming completion is prefilled on the prefill
 * pod (a one-token, non-streaming request: the simulator refuses a streaming prefill with 400) and
 * decoded on a decode pod with the transfer parameters the prefill pod answered; the client gets
 * every token as SSE. A pool without role labels is served as before.
 */
class DisaggregatedPoolTest {
    private static final int TOKENS = 7;
    private static SimulatedPod prefill;
    private static SimulatedPod decodeA;
    private static SimulatedPod decodeB;
    private static RouterFixture router;
    private static int port;

    @BeforeAll
    static void start() {
        prefill = pod("prefill-0");
        decodeA = pod("decode-0");
        decodeB = pod("decode-1");
        router = RouterFixture.start();
        port = Http.freePort();
    }

    private static SimulatedPod pod(String name) {
        return SimulatedPod.start(SimulatorConfig.builder()
                .host("127.0.0.1")
                .port(0)
                .podName(name)
                .models(List.of("m"))
                .build());
    }

    @AfterAll
    static void stop() {
        router.close();
        prefill.close();
        decodeA.close();
        decodeB.close();
    }

    private static Endpoint endpoint(SimulatedPod pod, Map<String, String> labels) {
        return new Endpoint("127.0.0.1", pod.port(), Optional.of(pod.podName()), labels);
    }

    private static void serve(Endpoint... endpoints) {
        Backend.InferencePool pool = new Backend.InferencePool(
                Backend.InferencePool.idOf("default", "pd"),
                "default",
                "pd",
                Backend.AppProtocol.HTTP,
                List.of(endpoints),
                Optional.empty());
        Snapshot s = snapshot(
                List.of(gateway("gw", listener("http", port))),
                List.of(route("r").rule(rule(prefix("/")).backend(pool.id())).build()),
                List.of(pool));
        Http.Reply put = router.put(s);
        assertEquals(200, put.status(), put.body());
    }

    private static void serveDisaggregated() {
        serve(
                endpoint(prefill, Map.of(PdSplit.ROLE, "prefill")),
                endpoint(decodeA, Map.of(PdSplit.ROLE, "decode")),
                endpoint(decodeB, Map.of(PdSplit.ROLE, "decode")));
    }

    private static List<String> stream(String body) throws IOException {
        List<String> events = new ArrayList<>();
        try (HttpClientResponse res = router.http()
                .request(Method.POST, port, "/v1/completions", "gw.test")
                .header(HeaderNames.CONTENT_TYPE, "application/json")
                .submit(body.getBytes(StandardCharsets.UTF_8))) {
            assertEquals(200, res.status().code(), () -> Http.read(res).body());
            BufferedReader reader =
                    new BufferedReader(new InputStreamReader(res.inputStream(), StandardCharsets.UTF_8));
            for (String line = reader.readLine(); line != null; line = reader.readLine()) {
                if (line.startsWith("data: ")) {
                    events.add(line.substring(6));
                }
            }
        }
        return events;
    }

    private static long decoded() {
        return decodeA.requestsServed() + decodeB.requestsServed();
    }

    @Test
    void aStreamingCompletionIsPrefilledOnThePrefillPodAndDecodedOnADecodePod() throws IOException {
        serveDisaggregated();
        long prefilled = prefill.requestsServed();
        long decodedBefore = decoded();

        List<String> events = stream("{\"model\":\"m\",\"prompt\":\"Hello there\",\"max_tokens\":" + TOKENS
                + ",\"stream\":true,\"stream_options\":{\"include_usage\":true}}");

        assertEquals("[DONE]", events.getLast(), events.toString());
        long tokens = events.stream().filter(e -> e.contains("\"text\"")).count();
        assertEquals(TOKENS, tokens, "every token of the decode pod reached the client: " + events);
        assertTrue(events.get(events.size() - 2).contains("\"completion_tokens\":" + TOKENS), events.toString());
        assertEquals(prefilled + 1, prefill.requestsServed(), "one prefill request");
        assertEquals(decodedBefore + 1, decoded(), "one decode request");
    }

    @Test
    void aNonStreamingCompletionComesBackWholeFromTheDecodePod() {
        serveDisaggregated();
        long prefilled = prefill.requestsServed();
        Http.Reply r = router.http()
                .post(port, "gw.test", "/v1/completions", "{\"model\":\"m\",\"prompt\":\"Hi\",\"max_tokens\":5}");
        assertEquals(200, r.status(), r.body());
        assertEquals(5, r.json().getJsonObject("usage").getInt("completion_tokens"));
        assertTrue(
                r.header("x-inference-pod").startsWith("decode-"),
                "answered by a decode pod: " + r.header("x-inference-pod"));
        assertEquals(prefilled + 1, prefill.requestsServed());
    }

    @Test
    void decodeRequestsSpreadOverTheDecodePods() throws IOException {
        serveDisaggregated();
        long a = decodeA.requestsServed();
        long b = decodeB.requestsServed();
        for (int i = 0; i < 20; i++) {
            stream("{\"model\":\"m\",\"prompt\":\"p" + i + "\",\"max_tokens\":2,\"stream\":true}");
        }
        assertEquals(20, decodeA.requestsServed() - a + decodeB.requestsServed() - b);
        assertTrue(decodeA.requestsServed() > a && decodeB.requestsServed() > b, "both decode pods decoded");
    }

    @Test
    void aPoolWithoutRoleLabelsIsServedAggregated() throws IOException {
        serve(endpoint(prefill, Map.of()), endpoint(decodeA, Map.of()));
        long before = prefill.requestsServed() + decodeA.requestsServed();
        List<String> events = stream("{\"model\":\"m\",\"prompt\":\"Hello\",\"max_tokens\":3,\"stream\":true}");
        assertEquals("[DONE]", events.getLast());
        assertEquals(before + 1, prefill.requestsServed() + decodeA.requestsServed(), "one request, one pod");
    }

    @Test
    void aPrefillPodThatIsGoneIs502WithAnOpenAiError() {
        int closed = Http.freePort();
        serve(
                new Endpoint("127.0.0.1", closed, Optional.of("prefill-gone"), Map.of(PdSplit.ROLE, "prefill")),
                endpoint(decodeA, Map.of(PdSplit.ROLE, "decode")));
        long decodedBefore = decoded();
        Http.Reply r = router.http()
                .post(port, "gw.test", "/v1/completions", "{\"model\":\"m\",\"prompt\":\"Hi\",\"max_tokens\":5}");
        assertEquals(502, r.status(), r.body());
        assertEquals("prefill_failed", r.errorCode());
        assertEquals(decodedBefore, decoded(), "no decode without a prefill");
    }
}
