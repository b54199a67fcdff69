package io.infergate.router.backendtls;

import io.infergate.common.snapshot.Backend;
import io.infergate.common.snapshot.BackendTls;
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

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

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
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * An InferencePool whose pods serve only HTTPS (docs/adr/0041-tls-only-model-servers.md), end to
 * end on loopback: a BackendTLSPolicy on the pool makes the router proxy to the pods and scrape
 * their {@code /metrics} over TLS, so the scheduler and the pool gauges see the pods' load.
 */
class TlsOnlyPoolTest {
    private static final Issuer.Issued CA = Issuer.ca("model CA", Issuer.KeyType.EC_P256, Duration.ofDays(1));
    private static final Issuer.Issued OTHER_CA = Issuer.ca("other CA", Issuer.KeyType.EC_P256, Duration.ofDays(1));
    private static final Issuer.Issued SERVER =
            Issuer.leaf(CA, List.of("vllm.default.svc"), Issuer.KeyType.EC_P256, Duration.ofDays(1));
    private static final String GAUGE = "inference_pool_average_kv_cache_utilization";

    private static SimulatedPod pod;
    private static RouterFixture router;
    private static int port;

    @BeforeAll
    static void start() {
        pod = SimulatedPod.start(SimulatorConfig.builder()
                .host("127.0.0.1")
                .port(0)
                .podName("vllm-tls-0")
                .kvCacheBlocks(256)
                .blockSize(16)
                .tls(Optional.of(new ServingTls(SERVER.certificatePem(), SERVER.privateKeyPem())))
                .build());
        router = RouterFixture.start();
        port = Http.freePort();
    }

    @AfterAll
    static void stop() {
        router.close();
        pod.close();
    }

    private static void serve(String... cas) {
        Backend.InferencePool p = pool("vllm-pool", endpoint("127.0.0.1", pod.port(), "vllm-tls-0"));
        Snapshot s = snapshot(
                List.of(gateway("gw", listener("http", port))),
                List.of(route("r").rule(rule(prefix("/")).backend(p.id())).build()),
                List.of(p));
        BackendTls policy = new BackendTls(
                p.id(), BackendTls.idOf("default", "vllm-tls"), "vllm.default.svc", List.of(), List.of(cas), false);
        Snapshot with = new Snapshot(
                s.schemaVersion(),
                s.gateways(),
                s.routes(),
                s.backends(),
                s.objectives(),
                s.routers(),
                s.certificates(),
                s.authPolicies(),
                s.rateLimitPolicies(),
                List.of(policy));
        Http.Reply put = router.put(with);
        assertEquals(200, put.status(), put.body());
    }

    /** The pool's KV-cache gauge as this router computes it from its scrapes. */
    private static double kvCacheGauge() {
        Http.Reply r = router.observe("/observe/metrics");
        assertEquals(200, r.status(), r.body());
        return r.body()
                .lines()
                .filter(l -> l.startsWith(GAUGE + "{") && l.contains("name=\"vllm-pool\""))
                .mapToDouble(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1)))
                .findFirst()
                .orElse(-1);
    }

    private static long scrapes(String result) {
        return router.observe("/observe/metrics")
                .body()
                .lines()
                .filter(l -> l.startsWith("infergate_router_endpoint_scrapes_total{")
                        && l.contains("result=\"" + result + "\""))
                .mapToLong(l -> (long) Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1)))
                .sum();
    }

    @Test
    void aStreamToATlsOnlyPoolShowsInThePoolGaugeThroughTheTlsScrapes() throws Exception {
        serve(CA.certificatePem());
        await().atMost(Duration.ofSeconds(10)).until(() -> scrapes("ok") >= 3);
        // the gauges follow the served snapshot once a second
        await().atMost(Duration.ofSeconds(10)).until(() -> kvCacheGauge() >= 0);
        assertEquals(0.0, kvCacheGauge(), "idle: the scraped pod uses no KV cache");
        long ok = scrapes("ok");
        // a long stream holds KV-cache blocks on the pod while it runs (800 tokens, ~4 s at 5 ms)
        HttpClient client =
                HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        CompletableFuture<HttpResponse<String>> stream = client.sendAsync(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/v1/completions"))
                        .header("Content-Type", "application/json")
                        .timeout(Duration.ofSeconds(60))
                        .POST(HttpRequest.BodyPublishers.ofString("{\"model\":\"Qwen2.5-0.5B-Instruct\","
                                + "\"prompt\":\"a long story\",\"max_tokens\":800,\"stream\":true}"))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        try {
            await().atMost(Duration.ofSeconds(8)).until(() -> kvCacheGauge() > 0);
            HttpResponse<String> done = stream.get(60, TimeUnit.SECONDS);
            assertEquals(200, done.statusCode(), done.body());
            assertTrue(done.body().stripTrailing().endsWith("data: [DONE]"), done.body());
        } finally {
            stream.cancel(true);
        }
        // the samples kept coming over TLS while the pod streamed (every 50 ms; a single scrape may
        // time out on a saturated machine, so failures are not counted here)
        assertTrue(scrapes("ok") >= ok + 10, "TLS scrapes during the stream: " + (scrapes("ok") - ok));
    }

    @Test
    void aPolicyWithAnotherCaGetsNeitherSamplesNorAnswers() {
        long errors = scrapes("error");
        serve(OTHER_CA.certificatePem());
        // from the first failed handshake on, the policy in force is the new one
        await().atMost(Duration.ofSeconds(10)).until(() -> scrapes("error") > errors);
        long ok = scrapes("ok");
        await().atMost(Duration.ofSeconds(10)).until(() -> scrapes("error") >= errors + 3);
        assertEquals(ok, scrapes("ok"), "no sample from a certificate the policy does not accept");
        Http.Reply r = router.http()
                .post(port, "gw.test", "/v1/completions", "{\"model\":\"Qwen2.5-0.5B-Instruct\",\"prompt\":\"hi\"}");
        assertEquals(502, r.status(), r.body());
        assertEquals("upstream_tls_failed", r.errorCode());
    }
}
