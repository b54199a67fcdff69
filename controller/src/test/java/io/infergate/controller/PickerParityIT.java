package io.infergate.controller;

import io.infergate.common.snapshot.Backend;
import io.infergate.common.snapshot.BackendRef;
import io.infergate.common.snapshot.Endpoint;
import io.infergate.common.snapshot.Gateway;
import io.infergate.common.snapshot.HttpRoute;
import io.infergate.common.snapshot.Listener;
import io.infergate.common.snapshot.ListenerRef;
import io.infergate.common.snapshot.Match;
import io.infergate.common.snapshot.ModelRewrite;
import io.infergate.common.snapshot.Objective;
import io.infergate.common.snapshot.Rule;
import io.infergate.common.snapshot.Snapshot;
import io.infergate.common.snapshot.SnapshotJson;
import io.infergate.common.snapshot.Timeouts;
import io.infergate.controller.kube.GiePickers;
import io.infergate.controller.kube.KubeApiServer;
import io.infergate.controller.kube.KubeRest;
import io.infergate.router.RouterApp;
import io.infergate.router.RouterConfig;
import io.infergate.router.epp.EppSettings;
import io.infergate.router.schedule.PoolSettings;
import io.infergate.simulator.SimulatedPod;
import io.infergate.simulator.SimulatorConfig;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static io.infergate.controller.ItSupport.portFreeOn;
import static io.infergate.controller.ItSupport.runningAndReady;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The same protocol cases against the reference picker (epp v1.5.0, watching the pool in a real
 * kube-apiserver) and against Infergate's own picker (a router with {@code router.picker} on), on
 * the same simulator pods, through the same gateway router playing Envoy's part: one listener whose
 * pool names the reference picker, one whose pool names ours. Each case asserts the same
 * observable result on both; where they differ on purpose, docs/picker.md lists it.
 */
class PickerParityIT {

    @RegisterExtension
    static final KubeApiServer API = KubeApiServer.withCrds(KubeApiServer.INFERENCE_EXTENSION);

    static final List<String> POD_IPS = List.of("127.0.6.1", "127.0.6.2", "127.0.6.3");
    static final String NS = "default";
    static final String MODEL = "Qwen2.5-0.5B-Instruct";
    static final String TOKEN = "picker-parity-it-token";
    static final HttpClient HTTP =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    static final List<SimulatedPod> sims = new ArrayList<>();
    static Process epp;
    static RouterApp ours;
    static RouterApp gateway;
    static int simPort;
    static int eppListener;
    static int oursListener;

    @BeforeAll
    static void start() throws Exception {
        Optional<Path> bin = GiePickers.binary(GiePickers.EPP);
        if (bin.isEmpty()) {
            System.out.println("SKIPPED PickerParityIT: " + GiePickers.missing(GiePickers.EPP));
        }
        Assumptions.assumeTrue(bin.isPresent(), "epp-loopback not built (see the line above)");
        KubeRest rest = API.rest();
        simPort = portFreeOn(POD_IPS);
        int eppPort = portFreeOn(List.of("127.0.0.1"));
        int eppHealth = portFreeOn(List.of("127.0.0.1"));
        int eppMetrics = portFreeOn(List.of("127.0.0.1"));
        eppListener = portFreeOn(List.of("127.0.0.1"));
        oursListener = portFreeOn(List.of("127.0.0.1"));
        List<Endpoint> endpoints = new ArrayList<>();
        for (int i = 0; i < POD_IPS.size(); i++) {
            sims.add(SimulatedPod.start(SimulatorConfig.builder()
                    .host(POD_IPS.get(i))
                    .port(simPort)
                    .podName("par-" + i)
                    .namespace(NS)
                    .models(MODEL)
                    .maxRunning(2)
                    .maxWaiting(100)
                    .timeToFirstToken(Duration.ofMillis(1))
                    .interTokenLatency(Duration.ofMillis(20))
                    .build()));
            rest.apply("""
                    apiVersion: v1
                    kind: Pod
                    metadata: {name: par-%d, namespace: %s, labels: {app: par}}
                    spec: {containers: [{name: sim, image: simulator}]}
                    """.formatted(i, NS));
            runningAndReady(rest, NS, "par-" + i, POD_IPS.get(i));
            endpoints.add(new Endpoint(POD_IPS.get(i), simPort, Optional.of("par-" + i), Map.of("app", "par")));
        }
        rest.apply("""
                apiVersion: inference.networking.k8s.io/v1
                kind: InferencePool
                metadata: {name: par, namespace: %s}
                spec:
                  selector: {matchLabels: {app: par}}
                  targetPorts: [{number: %d}]
                  endpointPickerRef: {name: epp, port: {number: %d}}
                ---
                apiVersion: inference.networking.x-k8s.io/v1alpha2
                kind: InferenceObjective
                metadata: {name: batch, namespace: %s}
                spec: {priority: -1, poolRef: {name: par}}
                ---
                apiVersion: inference.networking.x-k8s.io/v1alpha2
                kind: InferenceModelRewrite
                metadata: {name: alias, namespace: %s}
                spec:
                  poolRef: {name: par}
                  rules:
                  - matches: [{model: {type: Exact, value: alias}}]
                    targets: [{modelRewrite: %s, weight: 1}]
                """.formatted(NS, simPort, eppPort, NS, NS, MODEL));
        Path log = Path.of("target", "infergate-it-parity-epp.log").toAbsolutePath();
        epp = GiePickers.start(
                bin.get(),
                List.of(
                        "--pool-name=par",
                        "--pool-namespace=" + NS,
                        "--bind-host=127.0.0.1",
                        "--grpc-port=" + eppPort,
                        "--grpc-health-port=" + eppHealth,
                        "--metrics-port=" + eppMetrics,
                        "--metrics-endpoint-auth=false",
                        "--secure-serving=true",
                        "--health-checking=true"),
                API.kubeconfig(),
                log);
        System.out.println("PickerParityIT: epp-loopback on 127.0.0.1:" + eppPort + ", log " + log);

        ours = RouterApp.start(
                RouterConfig.defaults("127.0.0.1", 0, TOKEN)
                        .withPools(
                                PoolSettings.defaults().withPicker(EppSettings.loopback(EppSettings.Tls.SELF_SIGNED))),
                new java.util.Random(11));
        int oursPort = ours.picker().orElseThrow().port();
        Backend.InferencePool picked = new Backend.InferencePool(
                Backend.InferencePool.idOf(NS, "par"),
                NS,
                "par",
                Backend.AppProtocol.HTTP,
                endpoints,
                Optional.of(new Backend.EndpointPicker("127.0.0.1", oursPort, false)),
                List.of(new ModelRewrite(
                        "inferencemodelrewrite/" + NS + "/alias",
                        List.of("alias"),
                        List.of(new ModelRewrite.Target(MODEL, 1)))));
        put(
                ours,
                new Snapshot(
                        Snapshot.SCHEMA_VERSION,
                        List.of(),
                        List.of(),
                        List.of(picked),
                        List.of(new Objective("inferenceobjective/" + NS + "/batch", NS, "batch", picked.id(), -1))));

        gateway = RouterApp.start(RouterConfig.defaults("127.0.0.1", 0, TOKEN), new java.util.Random(12));
        Backend.InferencePool viaEpp = pool("via-epp", endpoints, eppPort);
        Backend.InferencePool viaOurs = pool("via-ours", endpoints, oursPort);
        put(
                gateway,
                new Snapshot(
                        Snapshot.SCHEMA_VERSION,
                        List.of(new Gateway(
                                Gateway.idOf(NS, "gw"),
                                NS,
                                "gw",
                                List.of(),
                                List.of(
                                        new Listener("epp", eppListener, Listener.Protocol.HTTP, Optional.empty()),
                                        new Listener("ours", oursListener, Listener.Protocol.HTTP, Optional.empty())))),
                        List.of(route("epp", viaEpp), route("ours", viaOurs)),
                        List.of(viaEpp, viaOurs),
                        List.of()));
        for (int port : List.of(eppListener, oursListener)) {
            await("the picker behind " + port + " routes")
                    .atMost(Duration.ofSeconds(90))
                    .pollInterval(Duration.ofMillis(500))
                    .until(() -> post(port, MODEL, "\"prompt\":\"hi\",\"max_tokens\":1", null)
                                    .statusCode()
                            == 200);
        }
    }

    @AfterAll
    static void stop() throws InterruptedException {
        if (gateway != null) {
            gateway.close();
        }
        if (ours != null) {
            ours.close();
        }
        if (epp != null) {
            GiePickers.stop(epp);
        }
        sims.forEach(SimulatedPod::close);
    }

    static Backend.InferencePool pool(String name, List<Endpoint> endpoints, int pickerPort) {
        return new Backend.InferencePool(
                Backend.InferencePool.idOf(NS, name),
                NS,
                name,
                Backend.AppProtocol.HTTP,
                endpoints,
                Optional.of(new Backend.EndpointPicker("127.0.0.1", pickerPort, false)));
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

    static void put(RouterApp router, Snapshot snapshot) throws IOException, InterruptedException {
        HttpResponse<String> put = HTTP.send(
                HttpRequest.newBuilder(
                                URI.create("http://127.0.0.1:" + router.internalPort() + "/internal/v1/snapshot"))
                        .header("Authorization", "Bearer " + TOKEN)
                        .header("Content-Type", "application/json")
                        .PUT(HttpRequest.BodyPublishers.ofString(SnapshotJson.toJson(snapshot)))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, put.statusCode(), put.body());
    }

    static HttpResponse<String> post(int port, String model, String fields, String objective)
            throws IOException, InterruptedException {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/v1/completions"))
                .header("Content-Type", "application/json")
                .timeout(Duration.ofSeconds(30))
                .POST(HttpRequest.BodyPublishers.ofString("{\"model\":\"" + model + "\"," + fields + "}"));
        if (objective != null) {
            b.header("x-gateway-inference-objective", objective);
        }
        return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    static String pod(HttpResponse<String> r) {
        return r.headers().firstValue("x-inference-pod").orElse("?");
    }

    /** Both listeners, the reference picker's first. */
    static List<Integer> both() {
        return List.of(eppListener, oursListener);
    }

    @Test
    void headersOnlyIsRoutedToAPoolPod() throws Exception {
        for (int port : both()) {
            HttpResponse<String> r = HTTP.send(
                    HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/health"))
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(200, r.statusCode(), port + ": " + r.body());
        }
    }

    @Test
    void aBodyInOneChunkAndInManyIsRoutedToAPoolPod() throws Exception {
        String big = "a".repeat(200_000);
        for (int port : both()) {
            for (String prompt : List.of("hello", big)) {
                HttpResponse<String> r = post(port, MODEL, "\"prompt\":\"" + prompt + "\",\"max_tokens\":2", null);
                assertEquals(200, r.statusCode(), port + ": " + r.body());
                assertTrue(pod(r).startsWith("par-"), pod(r));
            }
        }
    }

    @Test
    void aStreamedResponseReachesTheClientWhole() throws Exception {
        for (int port : both()) {
            HttpResponse<String> r = post(
                    port,
                    MODEL,
                    "\"prompt\":\"hi\",\"max_tokens\":3,\"stream\":true,"
                            + "\"stream_options\":{\"include_usage\":true}",
                    null);
            assertEquals(200, r.statusCode(), port + ": " + r.body());
            assertTrue(r.body().contains("data: [DONE]"), r.body());
        }
    }

    @Test
    void aRewrittenModelReachesThePod() throws Exception {
        for (int port : both()) {
            HttpResponse<String> r = post(port, "alias", "\"prompt\":\"hi\",\"max_tokens\":2", null);
            assertEquals(200, r.statusCode(), port + ": " + r.body());
        }
    }

    @Test
    void anUnknownModelIsLeftToThePod() throws Exception {
        for (int port : both()) {
            HttpResponse<String> r = post(port, "no-such-model", "\"prompt\":\"hi\",\"max_tokens\":2", null);
            assertEquals(404, r.statusCode(), port + ": " + r.body());
            assertTrue(r.body().contains("model_not_found"), r.body());
        }
    }

    @Test
    void aSheddableRequestToASaturatedPoolIs429() throws Exception {
        try (ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor()) {
            List<Future<HttpResponse<String>>> load = new ArrayList<>();
            for (String ip : POD_IPS) {
                for (int i = 0; i < 10; i++) { // 2 running, 8 waiting per pod: waiting/5 >= 1 everywhere
                    load.add(threads.submit(() -> HTTP.send(
                            HttpRequest.newBuilder(URI.create("http://" + ip + ":" + simPort + "/v1/completions"))
                                    .header("Content-Type", "application/json")
                                    .POST(HttpRequest.BodyPublishers.ofString(
                                            "{\"model\":\"" + MODEL + "\",\"prompt\":\"x\",\"max_tokens\":150}"))
                                    .build(),
                            HttpResponse.BodyHandlers.ofString())));
                }
            }
            await().atMost(Duration.ofSeconds(10))
                    .until(() -> ours.poolSaturated(Backend.InferencePool.idOf(NS, "par")));
            for (int port : both()) {
                HttpResponse<String> r = post(port, MODEL, "\"prompt\":\"shed\",\"max_tokens\":1", "batch");
                assertEquals(429, r.statusCode(), port + ": " + r.body());
                // the bodies and headers differ (docs/picker.md); printed for the record
                System.out.println("PickerParityIT: shed via " + (port == eppListener ? "epp" : "ours") + ": "
                        + r.headers().map() + " " + r.body());
            }
            for (Future<HttpResponse<String>> f : load) {
                assertEquals(200, f.get().statusCode());
            }
        }
    }
}
