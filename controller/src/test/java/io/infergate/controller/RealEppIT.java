package io.infergate.controller;

import io.infergate.common.snapshot.Backend;
import io.infergate.common.snapshot.BackendRef;
import io.infergate.common.snapshot.Endpoint;
import io.infergate.common.snapshot.Gateway;
import io.infergate.common.snapshot.HttpRoute;
import io.infergate.common.snapshot.Listener;
import io.infergate.common.snapshot.ListenerRef;
import io.infergate.common.snapshot.Match;
import io.infergate.common.snapshot.Rule;
import io.infergate.common.snapshot.Snapshot;
import io.infergate.common.snapshot.SnapshotJson;
import io.infergate.common.snapshot.Timeouts;
import io.infergate.controller.kube.GiePickers;
import io.infergate.controller.kube.KubeApiServer;
import io.infergate.controller.kube.KubeRest;
import io.infergate.router.RouterApp;
import io.infergate.router.RouterConfig;
import io.infergate.simulator.SimulatedPod;
import io.infergate.simulator.SimulatorConfig;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
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
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;

import static io.infergate.controller.ItSupport.portFreeOn;
import static io.infergate.controller.ItSupport.runningAndReady;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The router against the Inference Extension's real full endpoint picker ({@code epp} v1.5.0: its
 * scheduler, scorers, data layer and ext_proc server, behind our loopback-only main built by
 * .ci/gie-pickers.sh), which watches the InferencePool and its Pods in a real kube-apiserver and
 * scrapes the simulator pods' vLLM metrics on their loopback podIPs.
 *
 * <p>The picker runs its default scorers (queue, KV cache, prefix) plus the conformance plugins:
 * the {@code test-epp-endpoint-selection} header narrows its candidates, and the served endpoint
 * the router reports comes back in {@code x-conformance-test-served-endpoint}. Shown: every request
 * lands on a pod the picker could name (pinned to 1, 2 and 3 pods, 100 requests each); the picker
 * read the pods' metrics; a streamed response reaches the client event by event while the pod is
 * still generating, and the body reached the picker (its usage counters move); with the picker
 * down a FailClose pool answers 503 and a FailOpen pool 200, and the picker is used again soon
 * after it is back. It serves TLS with a self-signed certificate (the router's default) and gRPC
 * health on its ext_proc port, which the router checks.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class RealEppIT {

    @RegisterExtension
    static final KubeApiServer API = KubeApiServer.withCrds(KubeApiServer.INFERENCE_EXTENSION);

    static final List<String> POD_IPS = List.of("127.0.3.1", "127.0.3.2", "127.0.3.3");
    static final String NS = "default";
    static final String MODEL = "Qwen2.5-0.5B-Instruct";
    static final String TOKEN = "real-epp-it-token";
    static final HttpClient HTTP =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    /** The default scorers with the conformance filter in front and the served-endpoint verifier. */
    static final String CONFIG = """
            apiVersion: inference.networking.x-k8s.io/v1alpha1
            kind: EndpointPickerConfig
            plugins:
            - type: header-based-testing-filter
            - type: queue-scorer
            - type: kv-cache-utilization-scorer
            - type: prefix-cache-scorer
            - type: max-score-picker
            - type: destination-endpoint-served-verifier
            schedulingProfiles:
            - name: default
              plugins:
              - pluginRef: header-based-testing-filter
              - pluginRef: queue-scorer
                weight: 2
              - pluginRef: kv-cache-utilization-scorer
                weight: 2
              - pluginRef: prefix-cache-scorer
                weight: 3
              - pluginRef: max-score-picker
            """;

    static final List<SimulatedPod> sims = new ArrayList<>();
    static Process picker;
    static Path binary;
    static int pickerPort;
    static int healthPort;
    static int metricsPort;
    static RouterApp router;
    static int closedPort;
    static int openPort;
    static int simPort;

    /** The epp-loopback binary, or empty with the reason printed. */
    static Optional<Path> epp() {
        Optional<Path> bin = GiePickers.binary(GiePickers.EPP);
        if (bin.isEmpty()) {
            System.out.println("SKIPPED RealEppIT: " + GiePickers.missing(GiePickers.EPP));
        }
        return bin;
    }

    @BeforeAll
    static void start() throws Exception {
        Optional<Path> bin = epp();
        Assumptions.assumeTrue(bin.isPresent(), "epp-loopback not built (see the line above)");
        KubeRest rest = API.rest();
        simPort = portFreeOn(POD_IPS);
        pickerPort = portFreeOn(List.of("127.0.0.1"));
        healthPort = portFreeOn(List.of("127.0.0.1"));
        metricsPort = portFreeOn(List.of("127.0.0.1"));
        closedPort = portFreeOn(List.of("127.0.0.1"));
        openPort = portFreeOn(List.of("127.0.0.1"));
        List<Endpoint> endpoints = new ArrayList<>();
        for (int i = 0; i < POD_IPS.size(); i++) {
            sims.add(SimulatedPod.start(SimulatorConfig.builder()
                    .host(POD_IPS.get(i))
                    .port(simPort)
                    .podName("sim-" + i)
                    .namespace(NS)
                    .models(MODEL)
                    .timeToFirstToken(Duration.ofMillis(1))
                    .interTokenLatency(Duration.ofMillis(100))
                    .build()));
            rest.apply("""
                    apiVersion: v1
                    kind: Pod
                    metadata: {name: sim-%d, namespace: %s, labels: {app: sims}}
                    spec: {containers: [{name: sim, image: simulator}]}
                    """.formatted(i, NS));
            runningAndReady(rest, NS, "sim-" + i, POD_IPS.get(i));
            endpoints.add(new Endpoint(POD_IPS.get(i), simPort, Optional.of("sim-" + i), Map.of("app", "sims")));
        }
        rest.apply("""
                apiVersion: inference.networking.k8s.io/v1
                kind: InferencePool
                metadata: {name: sims, namespace: %s}
                spec:
                  selector: {matchLabels: {app: sims}}
                  targetPorts: [{number: %d}]
                  endpointPickerRef: {name: epp, port: {number: %d}}
                """.formatted(NS, simPort, pickerPort));

        binary = bin.get();
        startPicker();

        router = RouterApp.start(RouterConfig.defaults("127.0.0.1", 0, TOKEN), new java.util.Random(7));
        // one pool per failure mode, both asking the same picker about the same pods
        var closed = pool("sims", endpoints, false);
        var open = pool("sims-open", endpoints, true);
        Snapshot snapshot = new Snapshot(
                Snapshot.SCHEMA_VERSION,
                List.of(new Gateway(
                        Gateway.idOf(NS, "gw"),
                        NS,
                        "gw",
                        List.of(),
                        List.of(
                                new Listener("closed", closedPort, Listener.Protocol.HTTP, Optional.empty()),
                                new Listener("open", openPort, Listener.Protocol.HTTP, Optional.empty())))),
                List.of(route("closed", closed), route("open", open)),
                List.of(closed, open),
                List.of());
        HttpResponse<String> put = HTTP.send(
                HttpRequest.newBuilder(
                                URI.create("http://127.0.0.1:" + router.internalPort() + "/internal/v1/snapshot"))
                        .header("Authorization", "Bearer " + TOKEN)
                        .header("Content-Type", "application/json")
                        .PUT(HttpRequest.BodyPublishers.ofString(SnapshotJson.toJson(snapshot)))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, put.statusCode(), put.body());
        await("epp routes a request")
                .atMost(Duration.ofSeconds(90))
                .pollInterval(Duration.ofMillis(500))
                .until(() -> complete(closedPort, POD_IPS.getFirst()).statusCode() == 200);
    }

    static Backend.InferencePool pool(String name, List<Endpoint> endpoints, boolean failOpen) {
        return new Backend.InferencePool(
                Backend.InferencePool.idOf(NS, name),
                NS,
                name,
                Backend.AppProtocol.HTTP,
                endpoints,
                Optional.of(new Backend.EndpointPicker("127.0.0.1", pickerPort, failOpen)));
    }

    static HttpRoute route(String listener, Backend.InferencePool pool) {
        String id = HttpRoute.idOf(NS, listener);
        return new HttpRoute(
                id,
                NS,
                listener,
                "2026-01-01T00:00:00Z",
                List.of(),
                List.of(new ListenerRef(Gateway.idOf(NS, "gw"), listener)),
                List.of(new Rule(
                        id + "/rule/0",
                        List.of(Match.defaultMatch()),
                        List.of(),
                        List.of(new BackendRef(Optional.of(pool.id()), 1, List.of())),
                        Timeouts.NONE)));
    }

    static void startPicker() throws IOException {
        Path log = Path.of("target", "infergate-it-epp.log").toAbsolutePath();
        picker = GiePickers.start(
                binary,
                List.of(
                        "--pool-name=sims",
                        "--pool-namespace=" + NS,
                        "--bind-host=127.0.0.1",
                        "--grpc-port=" + pickerPort,
                        "--grpc-health-port=" + healthPort,
                        "--metrics-port=" + metricsPort,
                        "--metrics-endpoint-auth=false",
                        "--secure-serving=true",
                        "--health-checking=true",
                        "--refresh-prometheus-metrics-interval=500ms",
                        "--config-text=" + CONFIG),
                API.kubeconfig(),
                log);
        System.out.println(
                "RealEppIT: epp-loopback (pid " + picker.pid() + ") on 127.0.0.1:" + pickerPort + ", log " + log);
    }

    static void stopPicker() throws InterruptedException {
        GiePickers.stop(picker);
    }

    @AfterAll
    static void stop() throws InterruptedException {
        if (router != null) {
            router.close();
        }
        if (picker != null) {
            stopPicker();
        }
        sims.forEach(SimulatedPod::close);
    }

    static HttpResponse<String> complete(int port, String pins) throws IOException, InterruptedException {
        return HTTP.send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/v1/completions"))
                        .header("Content-Type", "application/json")
                        .header("test-epp-endpoint-selection", pins)
                        .timeout(Duration.ofSeconds(20))
                        .POST(HttpRequest.BodyPublishers.ofString(
                                "{\"model\":\"" + MODEL + "\",\"prompt\":\"hi\",\"max_tokens\":1}"))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }

    /** The picker's own Prometheus metrics. */
    static String pickerMetrics() throws IOException, InterruptedException {
        return HTTP.send(
                        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + metricsPort + "/metrics"))
                                .build(),
                        HttpResponse.BodyHandlers.ofString())
                .body();
    }

    /** The sum of every sample of {@code name} (all label sets), 0 when absent. */
    static double sum(String metrics, String name) {
        return metrics.lines()
                .filter(l -> l.startsWith(name + "{") || l.startsWith(name + " "))
                .mapToDouble(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1)))
                .sum();
    }

    @Test
    @Order(1)
    void theRequestLandsOnAPodThePickerWasAllowedToName() throws Exception {
        for (int pinned = 1; pinned <= 3; pinned++) {
            List<String> ips = POD_IPS.subList(0, pinned);
            Set<String> allowed = new HashSet<>();
            for (int i = 0; i < pinned; i++) {
                allowed.add("sim-" + i);
            }
            for (int n = 0; n < 100; n++) {
                HttpResponse<String> r = complete(closedPort, String.join(",", ips));
                assertEquals(200, r.statusCode(), r.body());
                String pod = r.headers().firstValue("x-inference-pod").orElse("?");
                assertTrue(allowed.contains(pod), "pinned to " + ips + " but served by " + pod);
                String served = r.headers()
                        .firstValue("x-conformance-test-served-endpoint")
                        .orElse("?");
                assertEquals(POD_IPS.get(Integer.parseInt(pod.substring("sim-".length()))) + ":" + simPort, served);
            }
        }
        // each pod alone: the one named is the one that served
        for (int i = 0; i < POD_IPS.size(); i++) {
            HttpResponse<String> r = complete(closedPort, POD_IPS.get(i));
            assertEquals("sim-" + i, r.headers().firstValue("x-inference-pod").orElse("?"));
        }
    }

    @Test
    @Order(2)
    void aStreamReachesTheClientEventByEventWhileItsBodyFlowsToThePicker() throws Exception {
        double tokensBefore = sum(pickerMetrics(), "inference_objective_output_tokens_sum");
        HttpResponse<Stream<String>> r = HTTP.send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + closedPort + "/v1/completions"))
                        .header("Content-Type", "application/json")
                        .header("test-epp-endpoint-selection", POD_IPS.get(2))
                        .POST(HttpRequest.BodyPublishers.ofString("{\"model\":\"" + MODEL + "\",\"prompt\":\"hello\","
                                + "\"max_tokens\":20,\"stream\":true,\"stream_options\":{\"include_usage\":true}}"))
                        .build(),
                HttpResponse.BodyHandlers.ofLines());
        assertEquals(200, r.statusCode());
        Iterator<String> lines = r.body().iterator();
        String first = lines.next();
        while (!first.startsWith("data: ")) {
            first = lines.next();
        }
        // the client has its first event while the pod is still generating the other 19 (100 ms
        // apart), and the picker has scraped that the pod is busy: it reads the pods' metrics
        String podMetrics = HTTP.send(
                        HttpRequest.newBuilder(URI.create(sims.get(2).baseUrl() + "/metrics"))
                                .build(),
                        HttpResponse.BodyHandlers.ofString())
                .body();
        assertEquals(1.0, sum(podMetrics, "vllm:num_requests_running"), "the pod is still generating");
        await("the picker sees the busy pod in its metrics")
                .atMost(Duration.ofSeconds(10))
                .pollInterval(Duration.ofMillis(100))
                .until(() -> sum(pickerMetrics(), "inference_pool_average_running_requests") > 0);
        List<String> rest = new ArrayList<>();
        lines.forEachRemaining(rest::add);
        assertTrue(rest.contains("data: [DONE]"), rest.toString());
        // the picker read the usage of the streamed body (it reports output tokens)
        await("the picker read the usage from the response body")
                .atMost(Duration.ofSeconds(10))
                .pollInterval(Duration.ofMillis(100))
                .until(() -> sum(pickerMetrics(), "inference_objective_output_tokens_sum") >= tokensBefore + 20);
    }

    @Test
    @Order(3)
    void whileThePickerIsDownFailCloseAnswers503AndFailOpen200AndItIsUsedAgainOnceBack() throws Exception {
        stopPicker();
        for (int i = 0; i < 5; i++) {
            HttpResponse<String> r = complete(closedPort, POD_IPS.get(1));
            assertEquals(503, r.statusCode(), r.body());
            assertTrue(r.body().contains("endpoint_picker_failed"), r.body());
            HttpResponse<String> open = complete(openPort, POD_IPS.get(1));
            assertEquals(200, open.statusCode(), open.body());
        }
        long t0 = System.nanoTime();
        startPicker();
        await("epp is asked again")
                .atMost(Duration.ofSeconds(60))
                .pollInterval(Duration.ofMillis(200))
                .until(() -> complete(closedPort, POD_IPS.get(1)).statusCode() == 200);
        System.out.printf(
                "RealEppIT: routed through the restarted epp %.1f s after it was started%n",
                (System.nanoTime() - t0) / 1e9);
        for (int i = 0; i < 5; i++) {
            assertEquals(
                    "sim-1",
                    complete(closedPort, POD_IPS.get(1))
                            .headers()
                            .firstValue("x-inference-pod")
                            .orElse("?"));
            assertEquals(
                    "sim-1",
                    complete(openPort, POD_IPS.get(1))
                            .headers()
                            .firstValue("x-inference-pod")
                            .orElse("?"));
        }
    }
}
