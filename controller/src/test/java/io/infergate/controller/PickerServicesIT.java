package io.infergate.controller;

import io.infergate.controller.kube.KubeApiServer;
import io.infergate.controller.kube.KubeRest;
import io.infergate.controller.kube.Trees;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static io.infergate.controller.ItSupport.SYSTEM;
import static io.infergate.controller.ItSupport.namespacesYaml;
import static io.infergate.controller.ItSupport.routerPod;
import static io.infergate.controller.ItSupport.runningAndReady;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The picker Services on a real API server (docs/adr/0039-picker-services.md): with
 * {@code --picker-services}, the leader keeps a selectorless Service {@code infergate-picker} and
 * its EndpointSlice (the ready router pods' picker ports) in every namespace whose pools name it,
 * follows router scale and readiness, deletes both with the last such pool, and leaves a Service of
 * that name it did not make alone, with a Warning Event {@code PickerServiceNotOwned} on the pool.
 *
 * <p>The router pods are Pod objects with non-loopback IPs (a slice refuses loopback addresses),
 * and the token Secret exists without a token, so the controller never pushes to them: only the
 * API objects are under test here.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class PickerServicesIT {

    @RegisterExtension
    static final KubeApiServer API =
            KubeApiServer.withCrds(KubeApiServer.GATEWAY_API, KubeApiServer.INFERENCE_EXTENSION);

    static final String NS = "demo";
    static final String FOREIGN = "foreign";
    static final String PICKER = "infergate-picker";
    static final String SLICE = "infergate-picker-ipv4";
    static final Duration WITHIN = Duration.ofSeconds(20);

    static KubeRest rest;
    static ClusterControllerApp controller;

    @BeforeAll
    static void cluster() throws Exception {
        rest = API.rest();
        rest.apply(namespacesYaml() + """
                ---
                apiVersion: v1
                kind: Namespace
                metadata:
                  name: foreign
                ---
                apiVersion: v1
                kind: Secret
                metadata:
                  name: infergate-snapshot-token
                  namespace: kthena-system
                stringData:
                  note: no token on purpose, so that nothing is pushed to the router pods
                ---
                apiVersion: v1
                kind: Service
                metadata:
                  name: infergate-picker
                  namespace: foreign
                  labels:
                    made-by: hand
                spec:
                  ports:
                  - name: grpc-ext-proc
                    port: 9002
                """);
        for (int i = 0; i < 2; i++) {
            rest.apply(routerPod("kthena-router-" + i));
            runningAndReady(rest, SYSTEM, "kthena-router-" + i, "10.244.0." + (10 + i));
        }
        rest.apply(pool(NS, "pool-a") + "---\n" + pool(NS, "pool-b") + "---\n" + pool(FOREIGN, "pool-f"));
        controller = ClusterControllerApp.start(ClusterConfig.defaults(SYSTEM, "controller-picker")
                .withKubeconfig(API.kubeconfig())
                .withPickerServices(true)
                .withAdmin("127.0.0.1", 0));
        await("leader").atMost(WITHIN).until(controller::isLeader);
    }

    @AfterAll
    static void stop() {
        if (controller != null) {
            controller.close();
        }
    }

    static String pool(String ns, String name) {
        return """
                apiVersion: inference.networking.k8s.io/v1
                kind: InferencePool
                metadata:
                  name: %s
                  namespace: %s
                spec:
                  targetPorts:
                  - number: 8000
                  selector:
                    matchLabels:
                      app: %s
                  endpointPickerRef:
                    name: infergate-picker
                    port:
                      number: 9002
                """.formatted(name, ns, name);
    }

    @Test
    @Order(1)
    void theServiceAndItsSliceListTheReadyRouters() throws Exception {
        await("Service and EndpointSlice in " + NS)
                .atMost(WITHIN)
                .until(() -> addresses(NS).equals(List.of("10.244.0.10", "10.244.0.11")));
        Map<String, Object> svc = rest.get("v1", "Service", NS, PICKER).orElseThrow();
        Map<String, Object> spec = Trees.map(svc, "spec");
        assertNull(spec.get("selector"), "selectorless: a selector only selects pods of its own namespace");
        assertEquals(
                List.of("grpc-ext-proc:9002", "grpc-health:9003"),
                Trees.list(spec, "ports").stream()
                        .map(p -> (Map<?, ?>) p)
                        .map(p -> p.get("name") + ":" + ((Number) p.get("port")).intValue())
                        .toList());
        Map<String, Object> slice = slice(NS).orElseThrow();
        Map<String, Object> labels = Trees.map(Trees.map(slice, "metadata"), "labels");
        assertEquals(PICKER, labels.get("kubernetes.io/service-name"));
        assertEquals("controller.infergate.io", labels.get("endpointslice.kubernetes.io/managed-by"));
        assertEquals("IPv4", slice.get("addressType"));
        Map<?, ?> first = (Map<?, ?>) Trees.list(slice, "endpoints").getFirst();
        assertEquals("kthena-router-0", ((Map<?, ?>) first.get("targetRef")).get("name"));
    }

    @Test
    @Order(2)
    void itFollowsScaleUpAndDown() throws Exception {
        rest.apply(routerPod("kthena-router-2"));
        runningAndReady(rest, SYSTEM, "kthena-router-2", "10.244.0.12");
        await("scaled up")
                .atMost(WITHIN)
                .until(() -> addresses(NS).equals(List.of("10.244.0.10", "10.244.0.11", "10.244.0.12")));
        rest.delete("v1", "Pod", SYSTEM, "kthena-router-0");
        await("scaled down").atMost(WITHIN).until(() -> addresses(NS).equals(List.of("10.244.0.11", "10.244.0.12")));
    }

    @Test
    @Order(3)
    void itFollowsReadiness() throws Exception {
        rest.patchStatus("v1", "Pod", SYSTEM, "kthena-router-1", """
                {"status": {"conditions": [{"type": "Ready", "status": "False"}]}}""");
        await("a router that is not ready is left out")
                .atMost(WITHIN)
                .until(() -> addresses(NS).equals(List.of("10.244.0.12")));
        rest.patchStatus("v1", "Pod", SYSTEM, "kthena-router-1", """
                {"status": {"conditions": [{"type": "Ready", "status": "True"}]}}""");
        await("ready again").atMost(WITHIN).until(() -> addresses(NS).equals(List.of("10.244.0.11", "10.244.0.12")));
    }

    @Test
    @Order(4)
    void aServiceItDidNotMakeIsLeftAloneAndReportedOnThePool() throws Exception {
        await("a Warning Event PickerServiceNotOwned on pool-f")
                .atMost(WITHIN)
                .until(() -> events(FOREIGN).stream()
                        .anyMatch(e -> "PickerServiceNotOwned".equals(e.get("reason"))
                                && "Warning".equals(e.get("type"))
                                && "pool-f".equals(((Map<?, ?>) e.get("involvedObject")).get("name"))
                                && ((Map<?, ?>) e.get("involvedObject")).get("uid") != null));
        Map<String, Object> svc = rest.get("v1", "Service", FOREIGN, PICKER).orElseThrow();
        Map<String, Object> labels = Trees.map(Trees.map(svc, "metadata"), "labels");
        assertEquals(Map.of("made-by", "hand"), labels, "its labels are as the user wrote them");
        assertEquals(1, Trees.list(Trees.map(svc, "spec"), "ports").size(), "its ports too");
        assertTrue(slice(FOREIGN).isEmpty(), "no slice is made for a Service that is not ours");
    }

    @Test
    @Order(5)
    void theObjectsGoWithTheLastPoolNamingThePicker() throws Exception {
        long rebuilds = controller.rebuilds();
        rest.delete(ItSupport.POOL, "InferencePool", NS, "pool-a");
        await("a rebuild without pool-a").atMost(WITHIN).until(() -> controller.rebuilds() > rebuilds);
        // pool-b still names it: both objects stay as they are
        await("both objects stay")
                .during(Duration.ofSeconds(2))
                .atMost(WITHIN)
                .until(() -> addresses(NS).equals(List.of("10.244.0.11", "10.244.0.12")));
        rest.delete(ItSupport.POOL, "InferencePool", NS, "pool-b");
        await("Service and slice deleted")
                .atMost(WITHIN)
                .until(() -> rest.get("v1", "Service", NS, PICKER).isEmpty()
                        && slice(NS).isEmpty());
        assertTrue(rest.get("v1", "Service", FOREIGN, PICKER).isPresent(), "the foreign Service stays");
    }

    private static Optional<Map<String, Object>> slice(String ns) throws Exception {
        return rest.get("discovery.k8s.io/v1", "EndpointSlice", ns, SLICE);
    }

    /** The slice's addresses, in order; empty while there is none. */
    private static List<String> addresses(String ns) throws Exception {
        if (rest.get("v1", "Service", ns, PICKER).isEmpty()) {
            return List.of();
        }
        return slice(ns)
                .map(s -> Trees.list(s, "endpoints").stream()
                        .map(e -> (String) ((List<?>) ((Map<?, ?>) e).get("addresses")).getFirst())
                        .toList())
                .orElse(List.of());
    }

    @SuppressWarnings("unchecked")
    private static List<Map<String, Object>> events(String ns) throws Exception {
        Map<String, Object> list = (Map<String, Object>)
                Trees.parse(rest.raw("/api/v1/namespaces/" + ns + "/events").body());
        return (List<Map<String, Object>>) (List<?>) Trees.list(list, "items");
    }
}
