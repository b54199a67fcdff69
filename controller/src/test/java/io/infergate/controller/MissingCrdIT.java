package io.infergate.controller;

import io.infergate.controller.admin.AdminView;
import io.infergate.controller.kube.KubeApiServer;
import io.infergate.controller.kube.KubeRest;
import io.infergate.controller.kube.Trees;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import static io.infergate.controller.ItSupport.DEMO;
import static io.infergate.controller.ItSupport.GW;
import static io.infergate.controller.ItSupport.OURS;
import static io.infergate.controller.ItSupport.POOL;
import static io.infergate.controller.ItSupport.SYSTEM;
import static io.infergate.controller.ItSupport.adminStatus;
import static io.infergate.controller.ItSupport.gatewayYaml;
import static io.infergate.controller.ItSupport.metric;
import static io.infergate.controller.ItSupport.namespacesYaml;
import static io.infergate.controller.ItSupport.poolYaml;
import static io.infergate.controller.kube.StatusTrees.condition;
import static io.infergate.controller.kube.StatusTrees.conditionIn;
import static io.infergate.controller.kube.StatusTrees.is;
import static io.infergate.controller.kube.StatusTrees.parentIs;
import static io.infergate.controller.kube.StatusTrees.parents;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * An API server without the Inference Extension CRDs: the Gateway API side works (statuses,
 * Service backends from EndpointSlices), the missing kinds are reported in /status, the log and
 * a metric, and installing the CRDs later is picked up by the periodic discovery.
 */
class MissingCrdIT {

    @RegisterExtension
    static final KubeApiServer API = KubeApiServer.withCrds(KubeApiServer.GATEWAY_API);

    static final Duration WITHIN = Duration.ofSeconds(20);

    static KubeRest rest;
    static ClusterControllerApp controller;

    @BeforeAll
    static void cluster() throws Exception {
        rest = API.rest();
        rest.apply(String.join("---\n", namespacesYaml(), gatewayYaml(8080), """
                apiVersion: gateway.networking.k8s.io/v1
                kind: HTTPRoute
                metadata:
                  name: pool-route
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
                    - group: inference.networking.k8s.io
                      kind: InferencePool
                      name: kthena-demo
                ---
                apiVersion: gateway.networking.k8s.io/v1
                kind: HTTPRoute
                metadata:
                  name: service-route
                  namespace: demo
                spec:
                  parentRefs:
                  - name: inference-gateway
                  rules:
                  - matches:
                    - path:
                        type: PathPrefix
                        value: /echo
                    backendRefs:
                    - name: echo
                      port: 80
                ---
                apiVersion: v1
                kind: Service
                metadata:
                  name: echo
                  namespace: demo
                spec:
                  selector:
                    app: echo
                  ports:
                  - name: http
                    port: 80
                    targetPort: 8080
                ---
                apiVersion: discovery.k8s.io/v1
                kind: EndpointSlice
                metadata:
                  name: echo-x1
                  namespace: demo
                  labels:
                    kubernetes.io/service-name: echo
                addressType: IPv4
                ports:
                - name: http
                  port: 8080
                  protocol: TCP
                endpoints:
                - addresses: ["10.244.0.5"]
                  conditions:
                    ready: true
                - addresses: ["10.244.0.6"]
                  conditions:
                    ready: false
                """));
        controller = ClusterControllerApp.start(ClusterConfig.defaults(SYSTEM, "crd-controller")
                .withKubeconfig(API.kubeconfig())
                .withAdmin("127.0.0.1", 0)
                .withTuning(ClusterConfig.Tuning.defaults().withDiscoveryPeriod(Duration.ofSeconds(1))));
    }

    @AfterAll
    static void stop() {
        if (controller != null) {
            controller.close();
        }
    }

    @Test
    void missingInferenceCrdsAreReportedTheRestWorksAndInstallingThemLaterIsPickedUp() throws Exception {
        // Reported: /status sources, the metric.
        await("InferencePool reported missing")
                .atMost(WITHIN)
                .until(() -> state("InferencePool").equals("missing"));
        assertEquals("missing", state("InferenceObjective"));
        assertEquals("watching", state("HTTPRoute"));
        Map<?, ?> source = Trees.list(adminStatus(controller.adminPort()), "sources").stream()
                .map(Map.class::cast)
                .filter(s -> "InferencePool".equals(s.get("kind")))
                .findFirst()
                .orElseThrow();
        assertEquals("missing", source.get("state"));
        assertTrue(
                String.valueOf(source.get("message")).contains("install the Gateway API Inference Extension CRDs"),
                String.valueOf(source.get("message")));
        assertEquals(
                0.0, metric(controller.adminPort(), "infergate_controller_source_available{kind=\"InferencePool\""));
        assertEquals(1.0, metric(controller.adminPort(), "infergate_controller_source_available{kind=\"HTTPRoute\""));

        // The Gateway API side works: statuses written, a Service backend resolved through its EndpointSlice.
        await("Gateway accepted").atMost(WITHIN).until(() -> is(gateway(), "Accepted", "True"));
        assertEquals("Pending", condition(gateway(), "Programmed").orElseThrow().get("reason"), "no router yet");
        await("service route resolved")
                .atMost(WITHIN)
                .until(() -> parentIs(route("service-route"), OURS, "ResolvedRefs", "True"));
        await("pool route unresolved")
                .atMost(WITHIN)
                .until(() -> parentIs(route("pool-route"), OURS, "ResolvedRefs", "False"));
        assertEquals(
                "BackendNotFound",
                conditionIn(parents(route("pool-route"), OURS).getFirst(), "ResolvedRefs")
                        .orElseThrow()
                        .get("reason"));
        assertTrue(
                parentIs(route("pool-route"), OURS, "Accepted", "True"),
                "an unresolved backendRef does not reject the route");
        String snapshot = controller.view().snapshotJson();
        assertTrue(snapshot.contains("\"10.244.0.5\""), "the ready endpoint of the slice: " + snapshot);
        assertTrue(!snapshot.contains("\"10.244.0.6\""), "the not-ready endpoint is left out");

        // The CRDs arrive: discovery picks them up, the pool resolves and gets its parents entry.
        API.installCrds(KubeApiServer.INFERENCE_EXTENSION);
        rest.apply(poolYaml(8000));
        await("InferencePool watched")
                .atMost(WITHIN)
                .until(() -> state("InferencePool").equals("watching"));
        await("pool route resolved")
                .atMost(WITHIN)
                .until(() -> parentIs(route("pool-route"), OURS, "ResolvedRefs", "True"));
        await("pool parent accepted")
                .atMost(WITHIN)
                .until(() -> parentIs(
                        rest.get(POOL, "InferencePool", DEMO, "kthena-demo").orElseThrow(), OURS, "Accepted", "True"));
        assertEquals(
                1.0, metric(controller.adminPort(), "infergate_controller_source_available{kind=\"InferencePool\""));

        // An InferenceModelRewrite from the informer rides on its pool in the snapshot.
        rest.apply("""
                apiVersion: inference.networking.x-k8s.io/v1alpha2
                kind: InferenceModelRewrite
                metadata:
                  name: food-review
                  namespace: demo
                spec:
                  poolRef:
                    name: kthena-demo
                  rules:
                  - matches:
                    - model:
                        type: Exact
                        value: food-review
                    targets:
                    - modelRewrite: food-review-v1
                      weight: 90
                    - modelRewrite: food-review-v2
                      weight: 10
                """);
        await("rewrite in the snapshot")
                .atMost(WITHIN)
                .until(
                        () -> controller
                                .view()
                                .snapshotJson()
                                .contains(
                                        "\"modelRewrites\":[{\"id\":\"inferencemodelrewrite/demo/food-review/rule/0\",\"models\":[\"food-review\"],"
                                                + "\"targets\":[{\"model\":\"food-review-v1\",\"weight\":90},{\"model\":\"food-review-v2\",\"weight\":10}]}]"));
        assertEquals("watching", state("InferenceModelRewrite"));
        await("rewrite Accepted")
                .atMost(WITHIN)
                .until(() -> is(
                        rest.get("inference.networking.x-k8s.io/v1alpha2", "InferenceModelRewrite", DEMO, "food-review")
                                .orElseThrow(),
                        "Accepted",
                        "True"));
    }

    @Test
    void aFamilyTurnedOffIsNotWatched() throws Exception {
        try (ClusterControllerApp off = ClusterControllerApp.start(ClusterConfig.defaults(SYSTEM, "off-controller")
                .withKubeconfig(API.kubeconfig())
                .withAdmin("127.0.0.1", 0)
                .withElection("off-controller", "example.net/off", false))) {
            await("sources known")
                    .atMost(WITHIN)
                    .until(() -> !off.view().sources().isEmpty());
            List<AdminView.Source> sources = off.view().sources();
            assertEquals(
                    List.of("disabled", "disabled", "disabled"),
                    sources.stream()
                            .filter(s -> s.kind().startsWith("Inference"))
                            .map(AdminView.Source::state)
                            .toList());
            assertTrue(sources.stream()
                    .filter(s -> s.kind().equals("Gateway"))
                    .allMatch(s -> s.state().equals("watching")));
        }
    }

    static String state(String kind) {
        return controller.view().sources().stream()
                .filter(s -> s.kind().equals(kind))
                .map(AdminView.Source::state)
                .findFirst()
                .orElse("");
    }

    static Map<String, Object> gateway() throws Exception {
        return rest.get(GW, "Gateway", DEMO, "inference-gateway").orElseThrow();
    }

    static Map<String, Object> route(String name) throws Exception {
        return rest.get(GW, "HTTPRoute", DEMO, name).orElseThrow();
    }
}
