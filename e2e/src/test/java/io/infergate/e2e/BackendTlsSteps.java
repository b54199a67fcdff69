package io.infergate.e2e;

import io.infergate.common.tls.Issuer;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * BackendTLSPolicy on the cluster with our simulator as a TLS-only model server (issue 13;
 * docs/adr/0027-backend-tls.md, docs/adr/0041-tls-only-model-servers.md): one pod serving HTTPS
 * from a mounted {@code kubernetes.io/tls} Secret, as an InferencePool's pod and behind a Service;
 * CA ConfigMaps; a policy on each; requests through the router Service on the walkthrough's
 * Gateway, told apart from the walkthrough's route by a header match.
 *
 * <p>Checks: a streamed completion through the pool and a request through the Service work with
 * verification; the routers scrape the TLS pod's metrics (the pool's KV-cache gauge moves while a
 * stream runs); a wrong hostname and a wrong CA give 502 {@code upstream_tls_failed} with the
 * policy still Accepted (the controller cannot know); a missing CA ConfigMap gives
 * {@code ResolvedRefs=False/InvalidCACertificateRef}, {@code Accepted=False/NoValidCACertificate}
 * and 502; the policy fixed, the pool answers again. Everything made here is deleted at the end.
 */
final class BackendTlsSteps {
    private static final String NS = "default";
    private static final String HOSTNAME = "vllm-tls.default.svc";
    private static final String MODEL = "Qwen2.5-0.5B-Instruct";
    private static final String POOL_HEADER = "x-e2e-backend-tls";

    private final Cluster cluster;
    private final URI service;
    private final Path dir;
    private final Function<String, String> routerMetrics;
    private final HttpClient client =
            HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    /**
     * @param service       the router Service (walkthrough Gateway, port 80)
     * @param dir           where the manifests made here are written
     * @param routerMetrics a router pod's IP to its {@code /observe/metrics} (internal TLS port)
     */
    BackendTlsSteps(Cluster cluster, URI service, Path dir, Function<String, String> routerMetrics) {
        this.cluster = cluster;
        this.service = service;
        this.dir = dir;
        this.routerMetrics = routerMetrics;
    }

    /** Runs the checks; returns the line for the results file. */
    String run() throws Exception {
        long t0 = System.nanoTime();
        Issuer.Issued ca = Issuer.ca("e2e model CA", Issuer.KeyType.EC_P256, Duration.ofDays(1));
        Issuer.Issued other = Issuer.ca("e2e other CA", Issuer.KeyType.EC_P256, Duration.ofDays(1));
        Issuer.Issued leaf = Issuer.leaf(ca, List.of(HOSTNAME), Issuer.KeyType.EC_P256, Duration.ofDays(1));
        try {
            apply("tls-objects.yaml", BackendTlsManifests.objects(ca, other, leaf, HOSTNAME, POOL_HEADER));
            cluster.kubectl(
                    Duration.ofMinutes(4), "-n", NS, "rollout", "status", "deployment/tls-sim", "--timeout=240s");
            String pod = cluster.kubectl(
                            "-n", NS, "get", "pods", "-l", "app=tls-sim", "-o", "jsonpath={.items[0].metadata.name}")
                    .strip();
            await().atMost(Duration.ofSeconds(60))
                    .pollInterval(Duration.ofSeconds(1))
                    .until(() -> "True/Accepted True/ResolvedRefs".equals(status("tls-pool-policy")));

            // 1. a streamed completion through the pool, verified, from the TLS pod
            await().atMost(Duration.ofSeconds(60))
                    .pollInterval(Duration.ofMillis(500))
                    .until(() -> send("pool", true, 8).statusCode() == 200);
            HttpResponse<String> streamed = send("pool", true, 8);
            assertEquals(200, streamed.statusCode(), streamed.body());
            assertTrue(streamed.body().stripTrailing().endsWith("data: [DONE]"), streamed.body());
            assertEquals(
                    pod + "-0", streamed.headers().firstValue("x-inference-pod").orElse(""));
            // and a request through the Service the other policy targets (its port by name)
            await().atMost(Duration.ofSeconds(60))
                    .pollInterval(Duration.ofMillis(500))
                    .until(() -> send("service", false, 4).statusCode() == 200);
            assertEquals("True/Accepted True/ResolvedRefs", status("tls-service-policy"));

            // 2. the routers scrape the TLS-only pod: its KV-cache use shows while a stream runs
            String routerIp = cluster.kubectl(
                            "-n",
                            "kthena-system",
                            "get",
                            "pods",
                            "-l",
                            "app.kubernetes.io/name=kthena-router",
                            "-o",
                            "jsonpath={.items[0].status.podIP}")
                    .strip();
            CompletableFuture<HttpResponse<String>> longStream =
                    client.sendAsync(request("pool", true, 1000), HttpResponse.BodyHandlers.ofString());
            double gauge;
            try {
                // 1000 tokens at the simulator's 5 ms: the KV-cache blocks stay held for ~5 s
                await().atMost(Duration.ofSeconds(5))
                        .pollInterval(Duration.ofMillis(300))
                        .until(() -> kvCacheGauge(routerIp) > 0);
                gauge = kvCacheGauge(routerIp);
                HttpResponse<String> done = longStream.get(60, TimeUnit.SECONDS);
                assertEquals(200, done.statusCode(), done.body());
            } finally {
                longStream.cancel(true);
            }

            // 3. a hostname the certificate does not name: 502, the policy stays Accepted
            patch("tls-pool-policy", "{\"spec\":{\"validation\":{\"hostname\":\"wrong.default.svc\"}}}");
            String wrongName = awaitTlsFailure();
            assertTrue(wrongName.contains("wrong.default.svc"), wrongName);
            assertEquals("True/Accepted True/ResolvedRefs", status("tls-pool-policy"));

            // 4. a CA that did not sign it: 502, the policy stays Accepted
            patch(
                    "tls-pool-policy",
                    "{\"spec\":{\"validation\":{\"hostname\":\"" + HOSTNAME + "\",\"caCertificateRefs\":"
                            + "[{\"group\":\"\",\"kind\":\"ConfigMap\",\"name\":\"tls-other-ca\"}]}}}");
            String wrongCa = awaitTlsFailure();
            assertTrue(wrongCa.contains("does not lead to a CA trusted by"), wrongCa);
            assertEquals("True/Accepted True/ResolvedRefs", status("tls-pool-policy"));

            // 5. a CA ConfigMap that does not exist: the status says so, and nothing is sent
            patch(
                    "tls-pool-policy",
                    "{\"spec\":{\"validation\":{\"caCertificateRefs\":"
                            + "[{\"group\":\"\",\"kind\":\"ConfigMap\",\"name\":\"tls-missing-ca\"}]}}}");
            await().atMost(Duration.ofSeconds(30))
                    .pollInterval(Duration.ofMillis(500))
                    .until(() -> "False/NoValidCACertificate False/InvalidCACertificateRef"
                            .equals(status("tls-pool-policy")));
            String noCa = awaitTlsFailure();
            assertTrue(noCa.contains("has no valid CA certificate"), noCa);

            // 6. fixed: the pool answers again
            patch(
                    "tls-pool-policy",
                    "{\"spec\":{\"validation\":{\"caCertificateRefs\":"
                            + "[{\"group\":\"\",\"kind\":\"ConfigMap\",\"name\":\"tls-sim-ca\"}]}}}");
            await().atMost(Duration.ofSeconds(30))
                    .pollInterval(Duration.ofMillis(500))
                    .until(() -> send("pool", true, 4).statusCode() == 200);
            assertEquals("True/Accepted True/ResolvedRefs", status("tls-pool-policy"));

            return "BackendTLSPolicy to a TLS simulator pod (" + pod + "): streamed completion through the"
                    + " InferencePool and a request through the Service, verified; pool KV-cache gauge "
                    + String.format("%.3f", gauge) + " from TLS scrapes during a stream; wrong hostname, wrong CA,"
                    + " missing CA ConfigMap -> 502 upstream_tls_failed (status Accepted, Accepted,"
                    + " NoValidCACertificate/InvalidCACertificateRef); fixed -> 200; in "
                    + Duration.ofNanos(System.nanoTime() - t0).toSeconds() + " s";
        } finally {
            cluster.tryKubectl(
                    "delete", "-f", dir.resolve("tls-objects.yaml").toString(), "--ignore-not-found", "--wait=false");
        }
    }

    private void apply(String name, String yaml) throws Exception {
        Files.createDirectories(dir);
        Path f = dir.resolve(name);
        Files.writeString(f, yaml);
        cluster.kubectl("apply", "-f", f.toString());
    }

    private void patch(String policy, String json) {
        cluster.kubectl("-n", NS, "patch", "backendtlspolicy", policy, "--type=merge", "-p", json);
    }

    /** {@code Accepted} and {@code ResolvedRefs} of the policy's first ancestor: "status/reason status/reason". */
    private String status(String policy) {
        String out = cluster.tryKubectl(
                        "-n",
                        NS,
                        "get",
                        "backendtlspolicy",
                        policy,
                        "-o",
                        "jsonpath={range .status.ancestors[0].conditions[?(@.type==\"Accepted\")]}{.status}/{.reason}{end}"
                                + " {range .status.ancestors[0].conditions[?(@.type==\"ResolvedRefs\")]}"
                                + "{.status}/{.reason}{end}")
                .output();
        return out.strip();
    }

    /** Waits for the pool to answer 502 upstream_tls_failed; returns the error message. */
    private String awaitTlsFailure() {
        String[] message = new String[1];
        await().atMost(Duration.ofSeconds(30))
                .pollInterval(Duration.ofMillis(500))
                .until(() -> {
                    HttpResponse<String> r = send("pool", false, 4);
                    if (r.statusCode() == 502 && r.body().contains("\"code\":\"upstream_tls_failed\"")) {
                        message[0] = r.body();
                        return true;
                    }
                    return false;
                });
        return message[0];
    }

    private HttpRequest request(String backend, boolean stream, int maxTokens) {
        return HttpRequest.newBuilder(service.resolve("/v1/completions"))
                .timeout(Duration.ofSeconds(60))
                .header("Content-Type", "application/json")
                .header(POOL_HEADER, backend)
                .POST(HttpRequest.BodyPublishers.ofString("{\"model\":\"" + MODEL + "\",\"prompt\":\"TLS all the way\","
                        + "\"max_tokens\":" + maxTokens + ",\"stream\":" + stream + "}"))
                .build();
    }

    private HttpResponse<String> send(String backend, boolean stream, int maxTokens) throws Exception {
        return client.send(request(backend, stream, maxTokens), HttpResponse.BodyHandlers.ofString());
    }

    private double kvCacheGauge(String routerIp) {
        return routerMetrics
                .apply(routerIp)
                .lines()
                .filter(l ->
                        l.startsWith("inference_pool_average_kv_cache_utilization{") && l.contains("name=\"tls-pool\""))
                .mapToDouble(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1)))
                .findFirst()
                .orElse(-1);
    }
}
