package io.infergate.router.provider;

import io.helidon.http.HeaderNames;
import io.helidon.http.Method;
import io.helidon.webclient.api.HttpClientResponse;
import io.infergate.common.snapshot.Backend;
import io.infergate.common.snapshot.HttpRoute;
import io.infergate.common.snapshot.RateLimitPolicy;
import io.infergate.common.snapshot.Snapshot;
import io.infergate.common.tls.Issuer;
import io.infergate.router.testing.Http;
import io.infergate.router.testing.RouterFixture;
import io.infergate.simulator.ServingTls;
import io.infergate.simulator.SimulatedPod;
import io.infergate.simulator.SimulatorConfig;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import static io.infergate.router.testing.Snap.gateway;
import static io.infergate.router.testing.Snap.listener;
import static io.infergate.router.testing.Snap.prefix;
import static io.infergate.router.testing.Snap.route;
import static io.infergate.router.testing.Snap.rule;
import static io.infergate.router.testing.Snap.snapshot;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * An external OpenAI-compatible provider through the real router over real sockets: a simulator
 * pod plays the provider over HTTPS with a certificate made here and requires a bearer key
 * (vLLM's {@code --api-key}). The router sends the provider's key in place of the client's
 * credentials, streams, passes the provider's 401 through, and answers 502 for an unreachable or
 * untrusted provider. As for pods, the provider's {@code usage} feeds the per-model token meters
 * and settles token limits, and the route's timeout bounds the wait.
 */
class ExternalProviderTest {
    private static final Issuer.Issued CA = Issuer.ca("provider CA", Issuer.KeyType.EC_P256, Duration.ofDays(1));
    private static final Issuer.Issued OTHER_CA = Issuer.ca("other CA", Issuer.KeyType.EC_P256, Duration.ofDays(1));
    private static final Issuer.Issued SERVER =
            Issuer.leaf(CA, List.of("localhost"), Issuer.KeyType.EC_P256, Duration.ofDays(1));
    private static final String KEY = "sk-test-provider-key";
    private static final String BODY = "{\"model\":\"gpt-sim\",\"prompt\":\"Hello\",\"max_tokens\":5}";
    private static final String STREAM_BODY =
            "{\"model\":\"gpt-sim\",\"prompt\":\"Hello\",\"max_tokens\":5,\"stream\":true}";

    private static SimulatedPod provider;
    private static RouterFixture router;
    private static int port;

    @BeforeAll
    static void start() {
        provider = SimulatedPod.start(SimulatorConfig.builder()
                .host("127.0.0.1")
                .port(0)
                .podName("provider-0")
                .models(List.of("gpt-sim"))
                .tls(Optional.of(new ServingTls(SERVER.certificatePem(), SERVER.privateKeyPem())))
                .apiKey(Optional.of(KEY))
                .build());
        router = RouterFixture.start();
        port = Http.freePort();
    }

    @AfterAll
    static void stop() {
        router.close();
        provider.close();
    }

    private static void serve(Backend.External backend) {
        Snapshot s = snapshot(
                List.of(gateway("gw", listener("http", port))),
                List.of(route("r").rule(rule(prefix("/")).backend(backend.id())).build()),
                List.of(backend));
        Http.Reply put = router.put(s);
        assertEquals(200, put.status(), put.body());
    }

    private static Backend.External provider(String baseUrl, String key, String... cas) {
        return new Backend.External(
                Backend.External.idOf("default", "sim"), "default", "sim", baseUrl, List.of(cas), key);
    }

    private static String baseUrl() {
        return "https://localhost:" + provider.port() + "/v1";
    }

    private static Http.Reply post(String body) {
        return router.http()
                .send(
                        Method.POST,
                        port,
                        "gw.test",
                        "/v1/completions",
                        body,
                        r -> r.header(HeaderNames.CONTENT_TYPE, "application/json")
                                .header(HeaderNames.AUTHORIZATION, "Bearer the-clients-own-token"));
    }

    private static Http.Reply send(String body, String... headers) {
        return router.http().send(Method.POST, port, "gw.test", "/v1/completions", body, r -> {
            r.header(HeaderNames.CONTENT_TYPE, "application/json");
            for (int i = 0; i < headers.length; i += 2) {
                r.header(HeaderNames.create(headers[i]), headers[i + 1]);
            }
        });
    }

    @Test
    void aCompletionReachesTheProviderWithItsKeyInPlaceOfTheClients() {
        serve(provider(baseUrl(), KEY, CA.certificatePem()));
        long before = provider.requestsServed();
        Http.Reply r = post(BODY);
        // the provider only answers 200 to its own key: the client's Authorization was replaced
        assertEquals(200, r.status(), r.body());
        assertTrue(r.body().contains("\"choices\""), r.body());
        assertEquals("gpt-sim", r.json().getString("model"));
        assertEquals(before + 1, provider.requestsServed());
    }

    @Test
    void aStreamArrivesEventByEventAndEndsWithDone() throws IOException {
        serve(provider(baseUrl(), KEY, CA.certificatePem()));
        List<String> events = new ArrayList<>();
        try (HttpClientResponse res = router.http()
                .request(Method.POST, port, "/v1/completions", "gw.test")
                .header(HeaderNames.CONTENT_TYPE, "application/json")
                .submit(STREAM_BODY.getBytes(StandardCharsets.UTF_8))) {
            assertEquals(200, res.status().code());
            assertTrue(res.headers().first(HeaderNames.CONTENT_TYPE).orElse("").startsWith("text/event-stream"));
            BufferedReader reader =
                    new BufferedReader(new InputStreamReader(res.inputStream(), StandardCharsets.UTF_8));
            for (String line = reader.readLine(); line != null; line = reader.readLine()) {
                if (line.startsWith("data: ")) {
                    events.add(line.substring(6));
                }
            }
        }
        assertEquals("[DONE]", events.getLast(), events.toString());
        assertEquals(6, events.size(), "five token events and [DONE]: " + events);
        assertTrue(events.getFirst().contains("\"text\""), events.getFirst());
    }

    @Test
    void aWrongKeyGivesTheProvidersOwn401() {
        serve(provider(baseUrl(), "sk-wrong", CA.certificatePem()));
        Http.Reply r = post(BODY);
        assertEquals(401, r.status(), r.body());
        assertEquals("invalid_api_key", r.errorCode());
        assertEquals(
                "Incorrect API key provided.", r.json().getJsonObject("error").getString("message"));
    }

    @Test
    void aMalformedInferenceBodyIsRefusedBeforeTheProviderIsAsked() {
        serve(provider(baseUrl(), KEY, CA.certificatePem()));
        long before = provider.requestsServed();
        Http.Reply r = post("{\"model\":\"gpt-sim\",\"prompt\":");
        assertEquals(400, r.status(), r.body());
        assertEquals("invalid_request", r.errorCode());
        assertEquals(before, provider.requestsServed());
    }

    @Test
    void anUnreachableProviderIs502() {
        int closed = Http.freePort();
        serve(provider("https://localhost:" + closed + "/v1", KEY, CA.certificatePem()));
        Http.Reply r = post(BODY);
        assertEquals(502, r.status(), r.body());
        assertEquals("upstream_connect_failed", r.errorCode());
        assertFalse(r.body().contains(KEY), r.body());
    }

    @Test
    void aProviderCertificateFromAnotherCaIs502AndNothingIsSent() {
        serve(provider(baseUrl(), KEY, OTHER_CA.certificatePem()));
        long before = provider.requestsServed();
        Http.Reply r = post(BODY);
        assertEquals(502, r.status(), r.body());
        assertEquals("upstream_tls_failed", r.errorCode());
        assertEquals(before, provider.requestsServed());
    }

    @Test
    void aPlainHttpBaseUrlIsRefusedWithTheSnapshot() {
        Snapshot s = snapshot(
                List.of(gateway("gw", listener("http", port))),
                List.of(route("r")
                        .rule(rule(prefix("/")).backend("externalprovider/default/sim"))
                        .build()),
                List.of(provider("http://localhost:" + provider.port() + "/v1", KEY)));
        Http.Reply put = router.put(s);
        assertEquals(400, put.status(), put.body());
        assertTrue(put.body().contains("must be an https URL"), put.body());
        assertFalse(put.body().contains(KEY), put.body());
    }

    @Test
    void theProvidersUsageFeedsTheTokenMetersOfAPlainAndAStreamedRequest() {
        serve(provider(baseUrl(), KEY, CA.certificatePem()));
        Meters before = Meters.read("gpt-sim", "gpt-sim");
        Http.Reply plain = post(BODY);
        assertEquals(200, plain.status(), plain.body());
        JsonObject usage = plain.json().getJsonObject("usage");
        Http.Reply stream = send(STREAM_BODY.replace("}", ",\"stream_options\":{\"include_usage\":true}}"));
        assertEquals(200, stream.status(), stream.body());
        JsonObject streamed = streamedUsage(stream.body());
        // the meters are written when the request ends, just after the client has the last byte
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            Meters after = Meters.read("gpt-sim", "gpt-sim");
            assertEquals(before.requests() + 2, after.requests(), "inference_objective_request_total");
            assertEquals(before.inputCount() + 2, after.inputCount(), "one input_tokens observation per request");
            assertEquals(
                    before.inputSum() + usage.getInt("prompt_tokens") + streamed.getInt("prompt_tokens"),
                    after.inputSum(),
                    "input_tokens_sum: the prompt_tokens the provider reported");
            assertEquals(before.outputCount() + 2, after.outputCount());
            assertEquals(
                    before.outputSum() + usage.getInt("completion_tokens") + streamed.getInt("completion_tokens"),
                    after.outputSum(),
                    "output_tokens_sum: the completion_tokens the provider reported");
            assertTrue(
                    after.firstTokens() > before.firstTokens(),
                    "time to first token of the stream, labelled with the provider's backend id");
        });
        assertEquals(5, streamed.getInt("completion_tokens"), streamed.toString());
    }

    @Test
    void aForcedModelRewriteGoesToTheProviderAndTheMetersNameBothModels() {
        serve(provider(baseUrl(), KEY, CA.certificatePem()));
        Meters before = Meters.read("my-alias", "gpt-sim");
        // the provider serves only gpt-sim: it answers 200 only if the rewrite went upstream
        Http.Reply r = send(BODY.replace("gpt-sim", "my-alias"), "x-gateway-model-name-rewrite", "gpt-sim");
        assertEquals(200, r.status(), r.body());
        assertEquals("my-alias", r.json().getString("model"), "the client's model is restored");
        await().atMost(Duration.ofSeconds(10))
                .untilAsserted(() -> assertEquals(
                        before.inputCount() + 1,
                        Meters.read("my-alias", "gpt-sim").inputCount(),
                        "input_tokens{model_name=my-alias,target_model_name=gpt-sim}"));
    }

    @Test
    void aTokenLimitIsSettledFromTheProvidersUsageAndRefusesTheNextRequest() {
        // The request sets no max_tokens: it reserves only its prompt estimate (2 tokens for
        // "Hello"), and the provider's usage (prompt plus 16 completion tokens) is what counts.
        String body = "{\"model\":\"gpt-sim\",\"prompt\":\"Hello\"}";
        serve(provider(baseUrl(), KEY, CA.certificatePem()));
        Http.Reply measured = post(body);
        assertEquals(200, measured.status(), measured.body());
        int total = measured.json().getJsonObject("usage").getInt("total_tokens");
        assertTrue(total > 2 + 2, "the usage must exceed two reservations for the test to mean anything: " + total);
        long limit = total + 1L; // room for the first request's usage, not for another request on top
        Backend.External backend = provider(baseUrl(), KEY, CA.certificatePem());
        Snapshot base = snapshot(
                List.of(gateway("gw", listener("http", port))),
                List.of(route("limited")
                        .rule(rule(prefix("/")).backend(backend.id()))
                        .build()),
                List.of(backend));
        Http.Reply put = router.put(new Snapshot(
                base.schemaVersion(),
                base.gateways(),
                base.routes(),
                base.backends(),
                base.objectives(),
                base.routers(),
                List.of(),
                List.of(),
                List.of(new RateLimitPolicy(
                        RateLimitPolicy.idOf("default", "provider-tokens"),
                        List.of(HttpRoute.idOf("default", "limited")),
                        RateLimitPolicy.FailureMode.OPEN,
                        List.of(new RateLimitPolicy.Limit(
                                RateLimitPolicy.Scope.LOCAL,
                                RateLimitPolicy.Unit.DAY,
                                limit,
                                0,
                                List.of(),
                                List.of())))),
                List.of()));
        assertEquals(200, put.status(), put.body());

        Http.Reply first = post(body);
        assertEquals(200, first.status(), first.body());
        assertEquals(Long.toString(limit - 2), first.header("x-ratelimit-remaining-tokens"), "the reservation");
        // a model list through the same route draws no tokens: its headers show the count once settled
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            Http.Reply probe = router.http().get(port, "gw.test", "/v1/models");
            assertEquals(200, probe.status(), probe.body());
            assertEquals(
                    Long.toString(limit - total),
                    probe.header("x-ratelimit-remaining-tokens"),
                    "the reservation replaced by the provider's usage");
        });
        Http.Reply refused = post(body);
        assertEquals(429, refused.status(), refused.body());
        assertEquals("rate_limit_exceeded", refused.errorCode());
        assertEquals(
                "invalid_request_error", refused.json().getJsonObject("error").getString("type"));
        assertTrue(
                refused.json()
                        .getJsonObject("error")
                        .getString("message")
                        .startsWith("rate limit reached for tokens: " + total + " of " + limit + " per day used"),
                refused.body());
        assertTrue(
                Long.parseLong(refused.header("retry-after")) >= 1,
                refused.headers().toString());
    }

    @Test
    void aRouteTimeoutBoundsTheWaitForTheProvider() {
        try (SimulatedPod slow = SimulatedPod.start(SimulatorConfig.builder()
                .host("127.0.0.1")
                .port(0)
                .podName("slow-provider-0")
                .models(List.of("gpt-sim"))
                .timeToFirstToken(Duration.ofSeconds(30))
                .tls(Optional.of(new ServingTls(SERVER.certificatePem(), SERVER.privateKeyPem())))
                .apiKey(Optional.of(KEY))
                .build())) {
            Backend.External backend = provider("https://localhost:" + slow.port() + "/v1", KEY, CA.certificatePem());
            Http.Reply put = router.put(snapshot(
                    List.of(gateway("gw", listener("http", port))),
                    List.of(route("r")
                            .rule(rule(prefix("/")).backend(backend.id()).requestTimeout(Duration.ofMillis(300)))
                            .build()),
                    List.of(backend)));
            assertEquals(200, put.status(), put.body());
            Http.Reply r = post(BODY);
            assertEquals(504, r.status(), r.body());
            assertEquals("upstream_timeout", r.errorCode());
        }
    }

    /** The {@code usage} of a streamed response's last data event before {@code [DONE]}. */
    private static JsonObject streamedUsage(String sse) {
        List<String> data = sse.lines()
                .filter(l -> l.startsWith("data: ") && !l.equals("data: [DONE]"))
                .toList();
        JsonObject last =
                Json.createReader(new StringReader(data.getLast().substring(6))).readObject();
        assertTrue(last.containsKey("usage"), "the stream reports usage when asked: " + sse);
        return last.getJsonObject("usage");
    }

    /** The router's per-model meters for one model and target model, read from its metrics page. */
    private record Meters(
            double requests,
            double inputCount,
            double inputSum,
            double outputCount,
            double outputSum,
            double firstTokens) {
        static Meters read(String model, String target) {
            String m = router.observe("/observe/metrics").body();
            String[] labels = {"model_name=\"" + model + "\"", "target_model_name=\"" + target + "\""};
            return new Meters(
                    value(m, "inference_objective_request_total{", labels),
                    value(m, "inference_objective_input_tokens_count{", labels),
                    value(m, "inference_objective_input_tokens_sum{", labels),
                    value(m, "inference_objective_output_tokens_count{", labels),
                    value(m, "inference_objective_output_tokens_sum{", labels),
                    value(
                            m,
                            "infergate_router_time_to_first_token_seconds_count{",
                            "backend=\"externalprovider/default/sim\""));
        }

        /** The sum of the samples whose line starts with {@code prefix} and holds every label; 0 when none. */
        private static double value(String metrics, String prefix, String... labels) {
            return metrics.lines()
                    .filter(l ->
                            l.startsWith(prefix) && List.of(labels).stream().allMatch(l::contains))
                    .mapToDouble(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1)))
                    .sum();
        }
    }
}
