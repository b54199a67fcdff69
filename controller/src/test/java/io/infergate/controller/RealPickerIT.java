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
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import static io.infergate.controller.ItSupport.portFreeOn;
import static io.infergate.controller.ItSupport.runningAndReady;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The router against the Inference Extension's real conformance picker ({@code lwepp} v1.6.2,
 * built by .ci/gie-pickers.sh; its loopback-only main), which watches the InferencePool and its
 * Pods in a real kube-apiserver. Three simulator pods listen on their own loopback podIPs; the
 * {@code test-epp-endpoint-selection} header pins the picker to 1, 2 or 3 of them, and every
 * request must land on a pinned pod, all pinned pods in turn (lwepp round-robins), never another,
 * and the endpoint the router reports as served (response phase) comes back in lwepp's
 * {@code x-conformance-test-served-endpoint} response header.
 * The picker serves TLS with a self-signed certificate: the router's default (TLS, unverified).
 * Then the picker is stopped: the pool (FailClose) answers 503, and once the picker is started
 * again the router uses it again.
 *
 * <p>The snapshot is written here rather than by the controller: the controller addresses the
 * picker by its Service's clusterIP, which no kube-proxy makes reachable in this test.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class RealPickerIT {

    @RegisterExtension
    static final KubeApiServer API = KubeApiServer.withCrds(KubeApiServer.INFERENCE_EXTENSION);

    static final List<String> POD_IPS = List.of("127.0.2.1", "127.0.2.2", "127.0.2.3");
    static final String NS = "default";
    static final String TOKEN = "real-picker-it-token";
    static final HttpClient HTTP =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    static final List<SimulatedPod> sims = new ArrayList<>();
    static Process picker;
    static Path binary;
    static int pickerPort;
    static RouterApp router;
    static int gatewayPort;
    static int simPort;

    /** The lwepp-loopback binary, or empty with the reason printed. */
    static Optional<Path> lwepp() {
        Optional<Path> bin = GiePickers.binary(GiePickers.LWEPP);
        if (bin.isEmpty()) {
            System.out.println("SKIPPED RealPickerIT: " + GiePickers.missing(GiePickers.LWEPP));
        }
        return bin;
    }

    @BeforeAll
    static void start() throws Exception {
        Optional<Path> bin = lwepp();
        Assumptions.assumeTrue(bin.isPresent(), "lwepp-loopback not built (see the line above)");
        KubeRest rest = API.rest();
        simPort = portFreeOn(POD_IPS);
        int pickerPort = portFreeOn(List.of("127.0.0.1"));
        gatewayPort = portFreeOn(List.of("127.0.0.1"));
        List<Endpoint> endpoints = new ArrayList<>();
        for (int i = 0; i < POD_IPS.size(); i++) {
            sims.add(SimulatedPod.start(SimulatorConfig.builder()
                    .host(POD_IPS.get(i))
                    .port(simPort)
                    .podName("sim-" + i)
                    .namespace(NS)
                    .models("Qwen2.5-0.5B-Instruct")
                    .timeToFirstToken(Duration.ofMillis(1))
                    .interTokenLatency(Duration.ZERO)
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
                  endpointPickerRef: {name: lwepp, port: {number: %d}}
                """.formatted(NS, simPort, pickerPort));

        binary = bin.get();
        RealPickerIT.pickerPort = pickerPort;
        startPicker();

        router = RouterApp.start(RouterConfig.defaults("127.0.0.1", 0, TOKEN), new java.util.Random(7));
        var pool = new Backend.InferencePool(
                Backend.InferencePool.idOf(NS, "sims"),
                NS,
                "sims",
                Backend.AppProtocol.HTTP,
                endpoints,
                Optional.of(new Backend.EndpointPicker("127.0.0.1", pickerPort, false)));
        String route = HttpRoute.idOf(NS, "llm");
        Snapshot snapshot = new Snapshot(
                Snapshot.SCHEMA_VERSION,
                List.of(new Gateway(
                        Gateway.idOf(NS, "gw"),
                        NS,
                        "gw",
                        List.of(),
                        List.of(new Listener("http", gatewayPort, Listener.Protocol.HTTP, Optional.empty())))),
                List.of(new HttpRoute(
                        route,
                        NS,
                        "llm",
                        "2026-01-01T00:00:00Z",
                        List.of(),
                        List.of(new ListenerRef(Gateway.idOf(NS, "gw"), "http")),
                        List.of(new Rule(
                                route + "/rule/0",
                                List.of(Match.defaultMatch()),
                                List.of(),
                                List.of(new BackendRef(Optional.of(pool.id()), 1, List.of())),
                                Timeouts.NONE)))),
                List.of(pool),
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
        // lwepp answers once it has seen the pool and its pods
        await("lwepp routes a request")
                .atMost(Duration.ofSeconds(60))
                .pollInterval(Duration.ofMillis(500))
                .until(() -> complete(POD_IPS.getFirst()).statusCode() == 200);
    }

    static void startPicker() throws IOException {
        Path log = Path.of("target", "infergate-it-lwepp.log").toAbsolutePath();
        picker = GiePickers.start(
                binary,
                List.of(
                        "--pool-name=sims",
                        "--pool-namespace=" + NS,
                        "--listen=127.0.0.1:" + pickerPort,
                        "--secure-serving=true"),
                API.kubeconfig(),
                log);
        System.out.println(
                "RealPickerIT: lwepp-loopback (pid " + picker.pid() + ") on 127.0.0.1:" + pickerPort + ", log " + log);
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

    static HttpResponse<String> complete(String pins) throws IOException, InterruptedException {
        return HTTP.send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + gatewayPort + "/v1/completions"))
                        .header("Content-Type", "application/json")
                        .header("test-epp-endpoint-selection", pins)
                        .timeout(Duration.ofSeconds(20))
                        .POST(HttpRequest.BodyPublishers.ofString(
                                "{\"model\":\"Qwen2.5-0.5B-Instruct\",\"prompt\":\"hi\",\"max_tokens\":1}"))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }

    @Test
    @Order(2)
    void whileThePickerIsDownThePoolFailsClosedAndItIsUsedAgainOnceBack() throws Exception {
        stopPicker();
        for (int i = 0; i < 5; i++) {
            HttpResponse<String> r = complete(POD_IPS.get(1));
            assertEquals(503, r.statusCode(), r.body());
            assertTrue(r.body().contains("endpoint_picker_failed"), r.body());
        }
        long t0 = System.nanoTime();
        startPicker();
        await("lwepp is asked again")
                .atMost(Duration.ofSeconds(60))
                .pollInterval(Duration.ofMillis(200))
                .until(() -> complete(POD_IPS.get(1)).statusCode() == 200);
        System.out.printf(
                "RealPickerIT: routed through the restarted lwepp %.1f s after it was started%n",
                (System.nanoTime() - t0) / 1e9);
        assertEquals(
                "sim-1",
                complete(POD_IPS.get(1)).headers().firstValue("x-inference-pod").orElse("?"));
    }

    @Test
    @Order(1)
    void theRequestLandsOnThePodsThePickerWasPinnedTo() throws Exception {
        for (int pinned = 1; pinned <= 3; pinned++) {
            List<String> ips = POD_IPS.subList(0, pinned);
            Set<String> allowed = new HashSet<>();
            for (int i = 0; i < pinned; i++) {
                allowed.add("sim-" + i);
            }
            Set<String> seen = new HashSet<>();
            for (int n = 0; n < 100; n++) {
                HttpResponse<String> r = complete(String.join(",", ips));
                assertEquals(200, r.statusCode(), r.body());
                String pod = r.headers().firstValue("x-inference-pod").orElse("?");
                assertTrue(allowed.contains(pod), "pinned to " + ips + " but served by " + pod);
                // lwepp echoes the served endpoint the router reported in the response phase
                String served = r.headers()
                        .firstValue("x-conformance-test-served-endpoint")
                        .orElse("?");
                assertEquals(POD_IPS.get(Integer.parseInt(pod.substring("sim-".length()))) + ":" + simPort, served);
                seen.add(pod);
            }
            assertEquals(allowed, seen, "lwepp round-robins over the pinned pods: each is named");
        }
    }
}
