package io.infergate.controller;

import io.infergate.common.tls.Issuer;
import io.infergate.controller.kube.KubeApiServer;
import io.infergate.controller.kube.KubeRest;
import io.infergate.controller.kube.Trees;
import io.infergate.router.RouterApp;
import io.infergate.router.RouterConfig;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import java.util.logging.SimpleFormatter;
import java.util.stream.Stream;

import static io.infergate.controller.ItSupport.DEMO;
import static io.infergate.controller.ItSupport.GW;
import static io.infergate.controller.ItSupport.SYSTEM;
import static io.infergate.controller.ItSupport.TOKEN_SECRET;
import static io.infergate.controller.ItSupport.portFreeOn;
import static io.infergate.controller.ItSupport.routerPod;
import static io.infergate.controller.ItSupport.runningAndReady;
import static io.infergate.controller.ItSupport.token;
import static io.infergate.controller.kube.StatusTrees.condition;
import static io.infergate.controller.kube.StatusTrees.conditionIn;
import static io.infergate.controller.kube.StatusTrees.parents;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * An ExternalProvider on a real API server, from the objects to a streamed completion
 * (docs/adr/0033-external-providers.md, issue 19 part 2): a Gateway, an HTTPRoute whose backendRef
 * is an ExternalProvider with an {@code https} base URL, its CA in a ConfigMap and its key in an
 * {@code infergate.io/provider-key} Secret; the real controller and an in-process router on real
 * sockets; an HTTPS stand-in for the provider ({@link ProviderStandIn}) with a certificate made
 * here. Through the router's public port: a chat completion and a chat stream answered by the
 * stand-in, which saw the Secret's key and none of the client's credentials; the Secret changed to
 * a wrong key gives the provider's 401 as it wrote it; the Secret deleted gives the provider
 * {@code ResolvedRefs=False/SecretNotFound}, the route {@code ResolvedRefs=False/BackendNotFound}
 * and 500 {@code backend_not_found} for its share (kthena.md, "External providers"). Neither key
 * appears in the controller's {@code /snapshot} or {@code /status}, in object status or Events,
 * or in any log record of the controller or router.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ExternalProviderIT {

    @RegisterExtension
    static final KubeApiServer API = KubeApiServer.withCrds(KubeApiServer.GATEWAY_API);

    static final String ROUTER_IP = "127.0.40.100";
    static final String INFERGATE = "infergate.io/v1alpha1";
    static final String PROVIDER = "hosted";
    static final String KEY_SECRET = "hosted-key";
    static final Duration WITHIN = Duration.ofSeconds(20);
    /** Random per run, so that finding one in a log or a document cannot be a coincidence of fixtures. */
    static final String KEY =
            "sk-it-" + HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextLong());

    static final String WRONG_KEY = "sk-it-wrong-"
            + HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextLong());
    static final String CLIENT_TOKEN = "client-own-token";
    static final HttpClient HTTP =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    static final Issuer.Issued CA = Issuer.ca("provider CA", Issuer.KeyType.EC_P256, Duration.ofHours(1));
    static final LogCapture LOGS = new LogCapture();
    static final Logger OURS = Logger.getLogger("io.infergate");

    static KubeRest rest;
    static int gatewayPort;
    static ProviderStandIn provider;
    static ClusterControllerApp controller;
    static RouterApp router;
    static Level oursBefore;

    @BeforeAll
    static void cluster() throws Exception {
        // Every record of our code from FINEST up, and everything else at its configured level.
        oursBefore = OURS.getLevel();
        OURS.setLevel(Level.ALL);
        Logger.getLogger("").addHandler(LOGS);
        rest = API.rest();
        gatewayPort = portFreeOn(List.of(ROUTER_IP));
        int internalPort = portFreeOn(List.of(ROUTER_IP));
        provider = ProviderStandIn.start(CA, "/openai/v1", KEY);
        rest.apply(ItSupport.namespacesYaml());
        rest.apply(String.join(
                "---\n",
                ItSupport.routerServiceYaml(),
                ItSupport.gatewayYaml(gatewayPort),
                keySecret(KEY),
                """
                apiVersion: v1
                kind: ConfigMap
                metadata:
                  name: hosted-ca
                  namespace: demo
                data:
                  ca.crt: |
                %s
                ---
                apiVersion: infergate.io/v1alpha1
                kind: ExternalProvider
                metadata:
                  name: hosted
                  namespace: demo
                spec:
                  baseUrl: https://localhost:%d/openai/v1
                  apiKeySecretRef:
                    name: hosted-key
                  caCertificateRefs:
                  - name: hosted-ca
                ---
                apiVersion: gateway.networking.k8s.io/v1
                kind: HTTPRoute
                metadata:
                  name: hosted-route
                  namespace: demo
                spec:
                  parentRefs:
                  - name: inference-gateway
                  rules:
                  - matches:
                    - path:
                        type: PathPrefix
                        value: /v1
                    backendRefs:
                    - group: infergate.io
                      kind: ExternalProvider
                      name: hosted
                """.formatted(CA.certificatePem().indent(4).stripTrailing(), provider.port())));
        controller = ClusterControllerApp.start(
                ClusterConfig.defaults(SYSTEM, "provider-controller")
                        .withKubeconfig(API.kubeconfig())
                        .withRouterInternalPort(internalPort)
                        .withAdmin("127.0.0.1", 0)
                        .withTuning(ClusterConfig.Tuning.defaults().withDiscoveryPeriod(Duration.ofSeconds(1))),
                Clock.systemUTC());
        await("token Secret")
                .atMost(WITHIN)
                .until(() -> rest.get("v1", "Secret", SYSTEM, TOKEN_SECRET).isPresent());
        rest.apply(routerPod("kthena-router-0"));
        runningAndReady(rest, SYSTEM, "kthena-router-0", ROUTER_IP);
        router = RouterApp.start(RouterConfig.defaults(ROUTER_IP, internalPort, token(rest)));
        await("the router holds a snapshot").atMost(WITHIN).until(router::ready);
    }

    @AfterAll
    static void stop() {
        Logger.getLogger("").removeHandler(LOGS);
        OURS.setLevel(oursBefore);
        for (AutoCloseable c : new AutoCloseable[] {controller, router, provider}) {
            try {
                if (c != null) {
                    c.close();
                }
            } catch (Exception e) {
                System.err.println("closing: " + e);
            }
        }
    }

    @Test
    @Order(1)
    void aCompletionReachesTheProviderWithTheSecretsKeyAndNoneOfTheClients() throws Exception {
        await("the ExternalProvider resolved")
                .atMost(WITHIN)
                .until(() -> reason(providerObject(), "ResolvedRefs").equals("True/ResolvedRefs"));
        assertEquals("True/Accepted", reason(providerObject(), "Accepted"));
        await("the route resolved and served")
                .atMost(WITHIN)
                .ignoreExceptionsInstanceOf(IOException.class) // the listener opens with the first snapshot
                .until(() -> routeResolvedRefs().equals("True/ResolvedRefs")
                        && chat(false).statusCode() == 200);

        int before = provider.seen().size();
        HttpResponse<String> r = chat(false);
        assertEquals(200, r.statusCode(), r.body());
        assertTrue(r.body().contains("\"content\":\"Hello from the provider\""), r.body());
        assertEquals(before + 1, provider.seen().size(), "exactly one request reached the provider");
        ProviderStandIn.Seen seen = provider.seen().getLast();
        assertEquals("/openai/v1/chat/completions", seen.path(), "the base URL's path joined without a second /v1");
        assertEquals("localhost:" + provider.port(), seen.host());
        assertEquals(Optional.of("Bearer " + KEY), seen.authorization(), "the Secret's key, not the client's token");
        assertEquals(Optional.empty(), seen.apiKey(), "the client's x-api-key is dropped");
        assertEquals(Optional.empty(), seen.cookie(), "the client's Cookie is dropped");
        assertEquals("gpt-standin", json(seen.body()).get("model"), "the client's body is passed on: " + seen.body());
    }

    @Test
    @Order(2)
    void aChatStreamArrivesEventByEventWithTheSecretsKey() throws Exception {
        HttpResponse<Stream<String>> r = HTTP.send(chatRequest(true), HttpResponse.BodyHandlers.ofLines());
        List<String> events = new ArrayList<>();
        try (Stream<String> lines = r.body()) {
            assertEquals(200, r.statusCode());
            assertTrue(r.headers().firstValue("content-type").orElse("").startsWith("text/event-stream"));
            Iterator<String> it = lines.iterator();
            while (it.hasNext() && events.isEmpty()) {
                String line = it.next();
                if (line.startsWith("data: ")) {
                    events.add(line.substring(6));
                }
            }
            // The stand-in holds the rest of the stream until now: the first event came through alone.
            provider.release();
            it.forEachRemaining(line -> {
                if (line.startsWith("data: ")) {
                    events.add(line.substring(6));
                }
            });
        }
        assertTrue(
                provider.streamWasReleasedByTheClient(), "the first event reached the client before the rest was sent");
        assertEquals(5, events.size(), "four chunks and [DONE]: " + events);
        assertTrue(events.getFirst().contains("\"content\":\"Hello\""), events.getFirst());
        assertEquals("[DONE]", events.getLast());
        ProviderStandIn.Seen seen = provider.seen().getLast();
        assertEquals(Optional.of("Bearer " + KEY), seen.authorization());
        assertEquals(Optional.empty(), seen.apiKey());
        assertEquals(Optional.empty(), seen.cookie());
    }

    @Test
    @Order(3)
    void theKeyIsInTheSnapshotButNotInAdminOutputStatusOrEvents() throws Exception {
        String snapshot = admin("/snapshot");
        assertTrue(snapshot.contains("externalprovider/demo/hosted"), snapshot);
        assertTrue(snapshot.contains("\"apiKey\": \"<redacted>\""), snapshot);
        assertNoKey("/snapshot", snapshot);
        String status = admin("/status");
        assertTrue(status.contains("\"ExternalProvider\""), status);
        assertNoKey("/status", status);
        assertNoKey(
                "the ExternalProvider", Trees.map(providerObject(), "status").toString());
        assertNoKey("Events", rest.raw("/api/v1/namespaces/demo/events").body());
    }

    @Test
    @Order(4)
    void aWrongKeyInTheSecretGivesTheProvidersOwn401() throws Exception {
        rest.apply(keySecret(WRONG_KEY));
        await("the new key in use").atMost(WITHIN).until(() -> chat(false).statusCode() == 401);
        HttpResponse<String> r = chat(false);
        assertEquals(401, r.statusCode(), r.body());
        assertTrue(r.headers().firstValue("content-type").orElse("").startsWith("application/json"));
        Map<String, Object> error = Trees.map(json(r.body()), "error");
        assertEquals("invalid_api_key", error.get("code"), r.body());
        assertEquals("invalid_request_error", error.get("type"), r.body());
        assertEquals("Incorrect API key provided.", error.get("message"), r.body());
        ProviderStandIn.Seen seen = provider.seen().getLast();
        assertEquals(Optional.of("Bearer " + WRONG_KEY), seen.authorization(), "the updated Secret's key was sent");
        assertNoKey("/snapshot", admin("/snapshot"));
        assertNoKey("/status", admin("/status"));
    }

    @Test
    @Order(5)
    void aDeletedSecretGivesSecretNotFoundAndTheRoutesShare500() throws Exception {
        int before = provider.seen().size();
        rest.delete("v1", "Secret", DEMO, KEY_SECRET);
        await("ResolvedRefs=False/SecretNotFound on the ExternalProvider")
                .atMost(WITHIN)
                .until(() -> reason(providerObject(), "ResolvedRefs").equals("False/SecretNotFound"));
        assertEquals("True/Accepted", reason(providerObject(), "Accepted"));
        String message = (String)
                condition(providerObject(), "ResolvedRefs").orElseThrow().get("message");
        assertTrue(message.contains("demo/hosted-key"), message);
        await("the route's ResolvedRefs=False/BackendNotFound")
                .atMost(WITHIN)
                .until(() -> routeResolvedRefs().equals("False/BackendNotFound"));
        await("the share answers 500").atMost(WITHIN).until(() -> chat(false).statusCode() == 500);
        HttpResponse<String> r = chat(false);
        assertEquals(500, r.statusCode(), r.body());
        assertEquals("backend_not_found", Trees.map(json(r.body()), "error").get("code"), r.body());
        assertEquals(before, provider.seen().size(), "nothing reaches the provider without a key");
        assertNoKey("/snapshot", admin("/snapshot"));
    }

    @Test
    @Order(6)
    void noLogRecordCarriesEitherKey() {
        List<String> records = LOGS.lines();
        assertTrue(
                records.stream().anyMatch(l -> l.contains("io.infergate.controller")),
                "the capture saw the controller's records: " + records.size());
        for (String line : records) {
            assertFalse(line.contains(KEY) || line.contains(WRONG_KEY), "a log record carries a key: " + line);
        }
    }

    static String keySecret(String key) {
        return """
                apiVersion: v1
                kind: Secret
                metadata:
                  name: hosted-key
                  namespace: demo
                type: infergate.io/provider-key
                data:
                  apiKey: %s
                """.formatted(Base64.getEncoder().encodeToString(key.getBytes(StandardCharsets.UTF_8)));
    }

    /** A chat request with credentials of the client's own, which must never reach the provider. */
    static HttpRequest chatRequest(boolean stream) {
        return HttpRequest.newBuilder(URI.create("http://" + ROUTER_IP + ":" + gatewayPort + "/v1/chat/completions"))
                .header("Content-Type", "application/json")
                .header("Authorization", "Bearer " + CLIENT_TOKEN)
                .header("x-api-key", CLIENT_TOKEN)
                .header("Cookie", "session=" + CLIENT_TOKEN)
                .POST(HttpRequest.BodyPublishers.ofString("""
                        {"model": "gpt-standin", "messages": [{"role": "user", "content": "Hello"}],
                         "max_tokens": 8, "stream": %s}""".formatted(stream)))
                .timeout(Duration.ofSeconds(15))
                .build();
    }

    static HttpResponse<String> chat(boolean stream) throws IOException, InterruptedException {
        return HTTP.send(chatRequest(stream), HttpResponse.BodyHandlers.ofString());
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> json(String body) {
        return (Map<String, Object>) Trees.parse(body);
    }

    static Map<String, Object> providerObject() throws Exception {
        return rest.get(INFERGATE, "ExternalProvider", DEMO, PROVIDER).orElseThrow();
    }

    /** {@code status/reason} of a top-level condition, or {@code absent}. */
    static String reason(Map<String, Object> object, String type) {
        return condition(object, type)
                .map(c -> c.get("status") + "/" + c.get("reason"))
                .orElse("absent");
    }

    /** {@code status/reason} of the route's ResolvedRefs under our parent entry, or {@code absent}. */
    static String routeResolvedRefs() throws Exception {
        return parents(rest.get(GW, "HTTPRoute", DEMO, "hosted-route").orElseThrow(), ItSupport.OURS).stream()
                .findFirst()
                .flatMap(p -> conditionIn(p, "ResolvedRefs"))
                .map(c -> c.get("status") + "/" + c.get("reason"))
                .orElse("absent");
    }

    static String admin(String path) throws IOException, InterruptedException {
        HttpResponse<String> r = ItSupport.get("http://127.0.0.1:" + controller.adminPort() + path, null);
        assertEquals(200, r.statusCode(), path + ": " + r.body());
        return r.body();
    }

    static void assertNoKey(String where, String text) {
        assertFalse(text.contains(KEY), where + " carries the provider key");
        assertFalse(text.contains(WRONG_KEY), where + " carries the wrong key");
    }

    /** Every log record published while the class runs, formatted with its parameters and stack trace. */
    static final class LogCapture extends Handler {
        private final List<String> lines = new java.util.concurrent.CopyOnWriteArrayList<>();
        private final SimpleFormatter format = new SimpleFormatter();

        LogCapture() {
            setLevel(Level.ALL);
        }

        @Override
        public void publish(LogRecord record) {
            lines.add(record.getLoggerName() + " " + format.format(record));
        }

        List<String> lines() {
            return List.copyOf(lines);
        }

        @Override
        public void flush() {}

        @Override
        public void close() {}
    }
}
