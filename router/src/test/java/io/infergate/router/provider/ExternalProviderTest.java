package io.infergate.router.provider;

import io.helidon.http.HeaderNames;
import io.helidon.http.Method;
import io.helidon.webclient.api.HttpClientResponse;
import io.infergate.common.snapshot.Backend;
import io.infergate.common.snapshot.Snapshot;
import io.infergate.common.tls.Issuer;
import io.infergate.router.testing.Http;
import io.infergate.router.testing.RouterFixture;
import io.infergate.simulator.ServingTls;
import io.infergate.simulator.SimulatedPod;
import io.infergate.simulator.SimulatorConfig;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
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
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * An external OpenAI-compatible provider through the real router over real sockets: a simulator
 * pod plays the provider over HTTPS with a certificate made here and requires a bearer key
 * (vLLM's {@code --api-key}). The router sends the provider's key in place of the client's
 * credentials, streams, passes the provider's 401 through, and answers 502 for an unreachable or
 * untrusted provider.
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
}
