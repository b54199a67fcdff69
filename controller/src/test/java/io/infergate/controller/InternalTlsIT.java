package io.infergate.controller;

import io.infergate.controller.kube.KubeApiServer;
import io.infergate.controller.kube.KubeRest;
import io.infergate.controller.kube.Trees;
import io.infergate.router.RouterApp;
import io.infergate.router.RouterConfig;
import io.infergate.router.snapshot.CertificateFiles;
import io.infergate.router.snapshot.TokenFile;
import io.infergate.simulator.SimulatedPod;
import io.infergate.simulator.SimulatorConfig;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static io.infergate.controller.ItSupport.DEMO;
import static io.infergate.controller.ItSupport.GW;
import static io.infergate.controller.ItSupport.SYSTEM;
import static io.infergate.controller.ItSupport.TOKEN_SECRET;
import static io.infergate.controller.ItSupport.completion;
import static io.infergate.controller.ItSupport.portFreeOn;
import static io.infergate.controller.ItSupport.route;
import static io.infergate.controller.ItSupport.routerPod;
import static io.infergate.controller.ItSupport.runningAndReady;
import static io.infergate.controller.ItSupport.token;
import static io.infergate.controller.ItSupport.walkthrough;
import static io.infergate.controller.kube.StatusTrees.is;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

/**
 * The internal API over TLS on a real API server (docs/adr/0035-internal-api-tls.md): the leader
 * creates Secret infergate-router-tls (CA, ca.key, the routers' certificate), a router serving only
 * TLS with the Secret's files gets the snapshot and serves the walkthrough; when the Secret is
 * deleted, the leader makes a new CA, pushes fail closed until the router serves the new
 * certificate (the kubelet's update of the mounted files), then resume.
 */
class InternalTlsIT {

    @RegisterExtension
    static final KubeApiServer API =
            KubeApiServer.withCrds(KubeApiServer.GATEWAY_API, KubeApiServer.INFERENCE_EXTENSION);

    static final String ROUTER_IP = "127.0.1.120";
    static final String MODEL_IP = "127.0.1.21";
    static final String TLS_SECRET = "infergate-router-tls";
    static final Duration WITHIN = Duration.ofSeconds(30);

    static KubeRest rest;
    static Path files;
    static int gatewayPort;
    static int internalPort;
    static SimulatedPod sim;
    static ClusterControllerApp controller;
    static RouterApp router;

    @BeforeAll
    static void cluster() throws Exception {
        rest = API.rest();
        files = Files.createTempDirectory("internal-tls");
        int modelPort = portFreeOn(List.of(MODEL_IP));
        gatewayPort = portFreeOn(List.of(ROUTER_IP));
        internalPort = portFreeOn(List.of(ROUTER_IP));
        sim = SimulatedPod.start(SimulatorConfig.builder()
                .host(MODEL_IP)
                .port(modelPort)
                .podName("demo-backend1-0")
                .namespace(DEMO)
                .models("Qwen2.5-0.5B-Instruct")
                .timeToFirstToken(Duration.ofMillis(5))
                .interTokenLatency(Duration.ZERO)
                .build());
        rest.apply(walkthrough(modelPort, gatewayPort, 1));
        runningAndReady(rest, DEMO, "demo-backend1-0", MODEL_IP);
        controller = ClusterControllerApp.start(ClusterConfig.defaults(SYSTEM, "controller-tls")
                .withKubeconfig(API.kubeconfig())
                .withRouterInternalPort(internalPort)
                .withRouterTlsSecret(TLS_SECRET)
                .withAdmin("127.0.0.1", 0));
        await("token and internal-TLS Secrets")
                .atMost(WITHIN)
                .until(() -> rest.get("v1", "Secret", SYSTEM, TOKEN_SECRET).isPresent()
                        && rest.get("v1", "Secret", SYSTEM, TLS_SECRET).isPresent());
        mount(secretData());
        Path tokenFile = files.resolve("token");
        Files.writeString(tokenFile, token(rest));
        router = RouterApp.start(
                RouterConfig.defaults(ROUTER_IP, internalPort, token(rest)),
                new Random(3),
                new TokenFile(tokenFile),
                java.util.Optional.of(new CertificateFiles(files)));
        rest.apply(routerPod("kthena-router-0"));
        runningAndReady(rest, SYSTEM, "kthena-router-0", ROUTER_IP);
    }

    @AfterAll
    static void stop() {
        for (AutoCloseable c : new AutoCloseable[] {controller, router, sim}) {
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
    void pushesOverVerifiedTlsAndSurviveANewCa() throws Exception {
        Map<String, String> first = secretData();
        assertEquals(
                List.of("ca.crt", "ca.key", "tls.crt", "tls.key"),
                first.keySet().stream().sorted().toList());
        await("Gateway programmed through a TLS push")
                .atMost(WITHIN)
                .until(() ->
                        is(rest.get(GW, "Gateway", DEMO, "inference-gateway").orElseThrow(), "Programmed", "True"));
        assertEquals(200, completion(ROUTER_IP, gatewayPort).statusCode());
        String held = controller.view().snapshotId();

        // An operator deletes the Secret; the next look (every 30 s, or at the next rebuild: an
        // unrelated ConfigMap here) makes a new CA, and the controller trusts only it from then on.
        rest.delete("v1", "Secret", SYSTEM, TLS_SECRET);
        rest.apply("""
                apiVersion: v1
                kind: ConfigMap
                metadata:
                  name: nudge
                  namespace: %s
                data:
                  a: b
                """.formatted(DEMO));
        await("a new internal CA")
                .atMost(Duration.ofSeconds(45))
                .until(() -> rest.get("v1", "Secret", SYSTEM, TLS_SECRET).isPresent()
                        && !secretData().get("ca.crt").equals(first.get("ca.crt")));
        rest.apply(route("600s"));
        await("a new snapshot")
                .atMost(WITHIN)
                .until(() -> !controller.view().snapshotId().equals(held));
        String next = controller.view().snapshotId();
        // The router still serves the old CA's certificate: new handshakes fail, nothing is pushed.
        await().during(Duration.ofSeconds(2)).atMost(WITHIN).until(() -> !routerHolds(next));

        // The kubelet updates the mounted files: the router serves the new certificate, pushes resume.
        mount(secretData());
        await("the router holds the new snapshot").atMost(WITHIN).until(() -> routerHolds(next));
        assertEquals(200, completion(ROUTER_IP, gatewayPort).statusCode());
        assertNotEquals(held, next);
    }

    private static boolean routerHolds(String id) {
        return controller.view().routers().stream()
                .anyMatch(a -> a.ackedId().filter(id::equals).isPresent());
    }

    private static Map<String, String> secretData() throws Exception {
        Map<String, Object> data =
                Trees.map(rest.get("v1", "Secret", SYSTEM, TLS_SECRET).orElseThrow(), "data");
        return data.entrySet().stream()
                .collect(java.util.stream.Collectors.toMap(
                        Map.Entry::getKey,
                        e -> new String(
                                Base64.getDecoder().decode((String) e.getValue()),
                                java.nio.charset.StandardCharsets.UTF_8)));
    }

    /** Writes tls.crt and tls.key the way the kubelet updates a Secret volume: each file replaced whole. */
    private static void mount(Map<String, String> data) throws Exception {
        for (String key : List.of("tls.crt", "tls.key")) {
            Path tmp = files.resolve("." + key);
            Files.writeString(tmp, data.get(key));
            Files.move(tmp, files.resolve(key), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        }
    }
}
