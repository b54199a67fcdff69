package io.infergate.controller;

import io.infergate.common.snapshot.Backend;
import io.infergate.common.snapshot.Endpoint;
import io.infergate.common.snapshot.ModelRewrite;
import io.infergate.common.snapshot.Objective;
import io.infergate.common.snapshot.Snapshot;
import io.infergate.common.snapshot.SnapshotJson;
import io.infergate.controller.kube.GiePickers;
import io.infergate.controller.kube.KubeApiServer;
import io.infergate.controller.kube.KubeRest;
import io.infergate.router.RouterApp;
import io.infergate.router.RouterConfig;
import io.infergate.router.epp.EppSettings;
import io.infergate.router.schedule.PoolSettings;
import io.infergate.simulator.SimulatedPod;
import io.infergate.simulator.SimulatorConfig;
import org.junit.jupiter.api.Assumptions;

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

import static io.infergate.controller.ItSupport.portFreeOn;
import static io.infergate.controller.ItSupport.runningAndReady;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The two pickers compared by PickerParityIT and PickerDriverIT, on the same three simulator pods:
 * the reference picker (epp v1.5.0 watching pool {@code par} in a real kube-apiserver, with
 * InferenceObjective {@code batch} at priority -1 and InferenceModelRewrite {@code alias} → the
 * served model) and Infergate's (a router with {@code router.picker} on, the same objects in its
 * snapshot, at most {@link #MAX_STREAMS} streams). Both serve self-signed TLS on loopback.
 */
final class PickerPeers implements AutoCloseable {

    static final String NS = "default";
    static final String MODEL = "Qwen2.5-0.5B-Instruct";
    static final String TOKEN = "picker-peers-it-token";
    /** Infergate's picker's stream bound: the "picker overloaded" cases hold this many open. */
    static final int MAX_STREAMS = 8;

    static final HttpClient HTTP =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    final List<String> podIps;
    final List<Endpoint> endpoints = new ArrayList<>();
    final int simPort;
    final int eppPort;
    private final List<SimulatedPod> sims = new ArrayList<>();
    private Process epp;
    RouterApp ours;

    /** Starts both pickers, or skips the calling test class (with the reason printed) when epp is not built. */
    static PickerPeers start(KubeApiServer api, List<String> podIps, String testName) throws Exception {
        Optional<Path> bin = GiePickers.binary(GiePickers.EPP);
        if (bin.isEmpty()) {
            System.out.println("SKIPPED " + testName + ": " + GiePickers.missing(GiePickers.EPP));
        }
        Assumptions.assumeTrue(bin.isPresent(), "epp-loopback not built (see the line above)");
        return new PickerPeers(api, podIps, bin.get(), testName);
    }

    private PickerPeers(KubeApiServer api, List<String> podIps, Path eppBinary, String testName) throws Exception {
        this.podIps = List.copyOf(podIps);
        KubeRest rest = api.rest();
        simPort = portFreeOn(podIps);
        eppPort = portFreeOn(List.of("127.0.0.1"));
        int eppHealth = portFreeOn(List.of("127.0.0.1"));
        int eppMetrics = portFreeOn(List.of("127.0.0.1"));
        RouterApp started = null;
        try {
            for (int i = 0; i < podIps.size(); i++) {
                sims.add(SimulatedPod.start(SimulatorConfig.builder()
                        .host(podIps.get(i))
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
                runningAndReady(rest, NS, "par-" + i, podIps.get(i));
                endpoints.add(new Endpoint(podIps.get(i), simPort, Optional.of("par-" + i), Map.of("app", "par")));
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
            Path log =
                    Path.of("target", "infergate-it-" + testName + "-epp.log").toAbsolutePath();
            epp = GiePickers.start(
                    eppBinary,
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
                    api.kubeconfig(),
                    log);
            System.out.println(testName + ": epp-loopback on 127.0.0.1:" + eppPort + ", log " + log);

            started = RouterApp.start(
                    RouterConfig.defaults("127.0.0.1", 0, TOKEN)
                            .withPools(PoolSettings.defaults()
                                    .withPicker(EppSettings.loopback(EppSettings.Tls.SELF_SIGNED)
                                            .withMaxStreams(MAX_STREAMS))),
                    new java.util.Random(11));
            Backend.InferencePool picked = new Backend.InferencePool(
                    Backend.InferencePool.idOf(NS, "par"),
                    NS,
                    "par",
                    Backend.AppProtocol.HTTP,
                    endpoints,
                    Optional.of(new Backend.EndpointPicker(
                            "127.0.0.1", started.picker().orElseThrow().port(), false)),
                    List.of(new ModelRewrite(
                            "inferencemodelrewrite/" + NS + "/alias",
                            List.of("alias"),
                            List.of(new ModelRewrite.Target(MODEL, 1)))));
            put(
                    started,
                    new Snapshot(
                            Snapshot.SCHEMA_VERSION,
                            List.of(),
                            List.of(),
                            List.of(picked),
                            List.of(new Objective(
                                    "inferenceobjective/" + NS + "/batch", NS, "batch", picked.id(), -1))));
        } catch (Exception | Error e) {
            ours = started;
            close(); // whatever started before the failure
            throw e;
        }
        ours = started;
    }

    /** Infergate's picker's ext_proc port. */
    int oursPort() {
        return ours.picker().orElseThrow().port();
    }

    /** Whether Infergate's picker sees the pool saturated (the shed cases wait for it). */
    boolean saturated() {
        return ours.poolSaturated(Backend.InferencePool.idOf(NS, "par"));
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

    /** Sends 10 long completions straight to every pod: 2 running, 8 waiting, so every pod queues. */
    List<java.util.concurrent.Future<HttpResponse<String>>> saturate(java.util.concurrent.ExecutorService threads) {
        List<java.util.concurrent.Future<HttpResponse<String>>> load = new ArrayList<>();
        for (String ip : podIps) {
            for (int i = 0; i < 10; i++) { // waiting/5 >= 1 everywhere
                load.add(threads.submit(() -> HTTP.send(
                        HttpRequest.newBuilder(URI.create("http://" + ip + ":" + simPort + "/v1/completions"))
                                .header("Content-Type", "application/json")
                                .POST(HttpRequest.BodyPublishers.ofString(
                                        "{\"model\":\"" + MODEL + "\",\"prompt\":\"x\",\"max_tokens\":150}"))
                                .build(),
                        HttpResponse.BodyHandlers.ofString())));
            }
        }
        return load;
    }

    @Override
    public void close() {
        if (ours != null) {
            ours.close();
        }
        try {
            if (epp != null) {
                GiePickers.stop(epp);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        sims.forEach(SimulatedPod::close);
    }
}
