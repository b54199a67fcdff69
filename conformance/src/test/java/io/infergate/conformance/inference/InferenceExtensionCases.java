package io.infergate.conformance.inference;

import io.infergate.conformance.inference.ApiObjects.Cond;
import io.infergate.conformance.inference.ApiObjects.Name;
import io.infergate.conformance.inference.ApiObjects.Pod;
import io.infergate.conformance.inference.Traffic.Expected;
import io.infergate.conformance.inference.Traffic.Request;
import io.infergate.conformance.inference.Traffic.Response;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import static io.infergate.conformance.inference.LoopbackCluster.APP;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The Gateway API Inference Extension conformance suite at v1.6.2 (its 14 tests in
 * {@code conformance/tests}), transcribed: the same objects and names (the manifests under
 * {@code src/test/resources/inference/}), the same requests and assertions, each case named after
 * its upstream test, in upstream's order. Traffic goes through Infergate's controller (cluster
 * mode, status written to the API server) and routers, and every pool's endpoint picker is the
 * real {@code lwepp} v1.6.2. Where a case checks more than upstream does, the comment says so.
 *
 * <p>Where the cases run is the subclass's {@link InferenceTarget}: {@link InferenceExtensionIT} (a
 * kube-apiserver with loopback pods, the fast regression run) and {@link InferenceExtensionClusterIT}
 * (the real test cluster with Infergate installed, the claim). Each writes its run as a report in
 * the upstream report's shape ({@link Report}).
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
abstract class InferenceExtensionCases {

    /** Shared by the subclasses; cleared when a target is started, written when the class ends. */
    @RegisterExtension
    static final Report REPORT = new Report();

    static final Name PRIMARY_GW = new Name("inference-conformance-infra", "conformance-primary");
    static final Name SECONDARY_GW = new Name("inference-conformance-infra", "conformance-secondary");
    static final Name PRIMARY_POOL = new Name(APP, "primary-inference-pool");
    static final Name SECONDARY_POOL = new Name(APP, "secondary-inference-pool");
    static final String PRIMARY_DEPLOYMENT = "primary-inference-model-server-deployment";
    /** The request header lwepp selects endpoints by, and the response header it reports the served one in. */
    static final String SELECT = "test-epp-endpoint-selection";

    static final String SERVED = "x-conformance-test-served-endpoint";
    /** The body upstream posts: an empty JSON object. */
    static final String EMPTY_BODY = "{\n        }";

    static InferenceTarget target;
    static ApiObjects api;
    static Traffic traffic;
    static long started;

    /** Called by the subclass's {@code @BeforeAll} with its started target. */
    static void begin(InferenceTarget started, long startedAt) {
        REPORT.clear();
        InferenceExtensionCases.started = startedAt;
        target = started;
        api = new ApiObjects(target);
        traffic = new Traffic();
        System.out.printf("%s: target up in %.1f s%n", target.mode(), (System.nanoTime() - startedAt) / 1e9);
    }

    @AfterAll
    static void finish() throws Exception {
        if (traffic != null) {
            traffic.close();
            traffic = null;
        }
        if (target != null) {
            try {
                if (!REPORT.empty()) {
                    Path file = target.reportFile();
                    REPORT.write(file, Report.version(), target);
                    System.out.printf(
                            "%s: report %s, %.1f s in all%n",
                            target.mode(), file.toAbsolutePath(), (System.nanoTime() - started) / 1e9);
                }
            } finally {
                target.close();
                target = null;
            }
        }
    }

    /** A test's body, run between applying its manifests and deleting them (as upstream's suite does). */
    private interface Body {
        void run() throws Exception;
    }

    private static void withManifests(String file, Body body) throws Exception {
        List<Manifests.Ref> objects = api.apply(file);
        try {
            body.run();
        } finally {
            for (Manifests.Ref ref : objects.reversed()) {
                api.delete(ref);
            }
        }
    }

    private static Request post(String host, String path, String select) {
        return Request.post(host, path, Map.of(SELECT, select), EMPTY_BODY);
    }

    @Test
    @Order(1)
    @DisplayName("EppUnAvailableFailOpen")
    void eppUnavailableFailOpen() throws Exception {
        withManifests("epp_unavailable_fail_open.yaml", () -> {
            String host = "secondary.example.com";
            String path = "/failopen-pool-test";
            api.routeMustBeAcceptedAndResolved(new Name(APP, "httproute-for-failopen-pool-gw"), SECONDARY_GW);
            api.poolMustBeAcceptedBy(SECONDARY_POOL, SECONDARY_GW);
            String gw = api.gatewayAddress(SECONDARY_GW);
            List<Pod> pods = api.pods(APP, Map.of("app", "secondary-inference-model-server"));
            assertEquals(3, pods.size(), "secondary model server pods");
            Pod first = pods.getFirst();

            // Phase 1: with the picker up, the pinned pod serves.
            traffic.eventually(gw, Expected.ok(post(host, path, first.ip()), first.name(), APP));

            // Phase 2, as upstream: the PRIMARY picker's Service is made unavailable (upstream names
            // PrimaryEppServiceNN here although the route uses the secondary pool); any secondary pod serves.
            Runnable restorePrimary = api.makeServiceUnavailable(new Name(APP, "primary-endpoint-picker-svc"));
            try {
                traffic.eventually(
                        gw, Expected.ok(post(host, path, first.ip()), "secondary-inference-model-server", APP));
            } finally {
                restorePrimary.run();
            }

            // Stricter than upstream: the pool's OWN picker (FailOpen) is made unavailable. Requests
            // are still served by the pool, now without the picker: no served-endpoint header from it.
            // (How a target makes it unavailable: InferenceTarget.makePickerUnavailable.)
            Runnable restoreSecondary = target.makePickerUnavailable(
                    api, new Name(APP, "secondary-endpoint-picker-svc"), "secondary-app-endpoint-picker");
            try {
                // eventually (the router learns of the picker's absence from failed calls and health
                // checks), then consistently: served by the pool with no served-endpoint header
                traffic.eventually(
                        gw,
                        Expected.ok(post(host, path, first.ip()), "secondary-inference-model-server", APP)
                                .withHeader(SERVED, Traffic.ABSENT));
            } finally {
                restoreSecondary.run();
            }
            // and once the picker is back behind its Service, it is asked again
            traffic.eventually(
                    gw,
                    Expected.ok(post(host, path, first.ip()), first.name(), APP)
                            .withHeader(SERVED, first.ip() + ":3000"));
        });
    }

    @Test
    @Order(2)
    @DisplayName("GatewayDestinationEndpointServed")
    void gatewayDestinationEndpointServed() throws Exception {
        withManifests("gateway_destination_endpoint_served.yaml", () -> {
            api.routeMustBeAcceptedAndResolved(new Name(APP, "httproute-for-destination-endpoint-served"), PRIMARY_GW);
            api.poolMustBeAcceptedBy(PRIMARY_POOL, PRIMARY_GW);
            String gw = api.gatewayAddress(PRIMARY_GW);
            List<Pod> pods = api.pods(APP, Map.of("app", "primary-inference-model-server"));
            assertEquals(3, pods.size(), "primary model server pods");
            for (Pod pod : pods) {
                traffic.eventually(
                        gw,
                        Expected.ok(
                                        post("primary.example.com", "/destination-endpoint-served-test", pod.ip()),
                                        pod.name(),
                                        APP)
                                .withHeader(SERVED, pod.ip() + ":3000"));
            }
        });
    }

    @Test
    @Order(3)
    @DisplayName("GatewayFollowingEPPRouting")
    void gatewayFollowingEppRouting() throws Exception {
        withManifests("gateway_following_epp_routing.yaml", () -> {
            String host = "primary.example.com";
            String path = "/primary-gateway-test";
            api.routeMustBeAcceptedAndResolved(new Name(APP, "httproute-for-primary-gw"), PRIMARY_GW);
            api.poolMustBeAcceptedBy(PRIMARY_POOL, PRIMARY_GW);
            String gw = api.gatewayAddress(PRIMARY_GW);
            List<Pod> pods = api.pods(APP, Map.of("app", "primary-inference-model-server"));
            assertEquals(3, pods.size(), "primary model server pods");
            for (Pod pod : pods) {
                traffic.eventually(gw, Expected.ok(post(host, path, pod.ip()), pod.name(), APP));
            }
            List<List<Integer>> cases = List.of(List.of(2), List.of(0, 1), List.of(0, 1, 2));
            for (List<Integer> chosen : cases) {
                List<Pod> expected = chosen.stream().map(pods::get).toList();
                String header = String.join(",", expected.stream().map(Pod::ip).toList());
                Pinned.onlyTo(
                        traffic,
                        gw,
                        Expected.ok(post(host, path, header), "primary-inference-model-server", APP),
                        expected.stream().map(Pod::name).toList(),
                        (pod, echo) -> Optional.empty());
            }
        });
    }

    @Test
    @Order(4)
    @DisplayName("GatewayFollowingEPPRoutingWithDataParallelism")
    void gatewayFollowingEppRoutingWithDataParallelism() throws Exception {
        withManifests("gateway_following_epp_routing_dp.yaml", () -> {
            String host = "primary.example.com";
            String path = "/primary-gateway-dp-test";
            api.routeMustBeAcceptedAndResolved(new Name(APP, "httproute-for-primary-gw-dp"), PRIMARY_GW);
            api.poolMustBeAcceptedBy(new Name(APP, "dp-inference-pool"), PRIMARY_GW);
            String gw = api.gatewayAddress(PRIMARY_GW);
            List<Pod> pods = api.pods(APP, Map.of("app", "dp-inference-model-server"));
            assertEquals(3, pods.size(), "data-parallel model server pods");
            for (Pod pod : pods) {
                assertEquals(List.of(3000, 3002, 3004), pod.ports(), pod.name() + " container ports");
                traffic.eventually(gw, Expected.ok(post(host, path, pod.ip()), pod.name(), APP));
            }
            // pod index → allowed ports (empty: any of the pool's ranks)
            List<Map<Integer, Set<String>>> cases = List.of(
                    Map.of(1, Set.of()),
                    Map.of(0, Set.of(), 2, Set.of("3002")),
                    Map.of(0, Set.of(), 1, Set.of("3000", "3004"), 2, Set.of()));
            for (Map<Integer, Set<String>> allowedByPod : cases) {
                Map<String, Set<String>> allowedByIp = new java.util.TreeMap<>();
                Map<String, String> ipOf = new java.util.HashMap<>();
                allowedByPod.forEach((i, ports) -> allowedByIp.put(pods.get(i).ip(), ports));
                pods.forEach(p -> ipOf.put(p.name(), p.ip()));
                String header = Pinned.header(allowedByIp);
                Pinned.onlyTo(
                        traffic,
                        gw,
                        Expected.ok(post(host, path, header), "dp-inference-model-server", APP),
                        allowedByPod.keySet().stream()
                                .map(i -> pods.get(i).name())
                                .toList(),
                        (pod, echo) -> {
                            if (echo.httpPort().isEmpty()) {
                                return Optional.of("no httpPort in the echo answer");
                            }
                            Set<String> allowed = allowedByIp.get(ipOf.get(pod));
                            Set<String> ranks = allowed.isEmpty() ? Set.of("3000", "3002", "3004") : allowed;
                            return ranks.contains(echo.httpPort())
                                    ? Optional.empty()
                                    : Optional.of("port " + echo.httpPort() + " of " + pod + ", allowed " + ranks);
                        });
            }
        });
    }

    @Test
    @Order(5)
    @DisplayName("GatewayWeightedAcrossTwoInferencePools")
    void gatewayWeightedAcrossTwoInferencePools() throws Exception {
        withManifests("gateway_weighted_two_pools.yaml", () -> {
            String host = "primary.example.com";
            String path = "/weighted-two-pools-test";
            api.routeMustBeAcceptedAndResolved(new Name(APP, "httproute-weighted-two-pools"), PRIMARY_GW);
            api.poolMustBeAcceptedBy(PRIMARY_POOL, PRIMARY_GW);
            api.poolMustBeAcceptedBy(SECONDARY_POOL, PRIMARY_GW);
            String gw = api.gatewayAddress(PRIMARY_GW);
            List<Pod> primary = api.pods(APP, Map.of("app", "primary-inference-model-server"));
            List<Pod> secondary = api.pods(APP, Map.of("app", "secondary-inference-model-server"));
            assertEquals(3, primary.size());
            assertEquals(3, secondary.size());
            List<Pod> all = new java.util.ArrayList<>(primary);
            all.addAll(secondary);
            // Each pod warmed up alone, as upstream does: pinned to ip:3000, with a completion-like body.
            for (Pod pod : all) {
                traffic.eventually(
                        gw,
                        Expected.ok(
                                Request.post(
                                        host,
                                        path,
                                        Map.of(SELECT, pod.ip() + ":3000"),
                                        "{\"model\":\"conformance-fake-model\",\"prompt\":\"Warmup\"}"),
                                pod.name(),
                                APP));
            }
            String header = String.join(",", all.stream().map(Pod::ip).toList());
            Weighted.Split split = Weighted.split(
                    traffic,
                    gw,
                    Expected.ok(post(host, path, header), "", APP),
                    primary.stream().map(Pod::name).toList(),
                    secondary.stream().map(Pod::name).toList());
            System.out.println(target.mode() + ": GatewayWeightedAcrossTwoInferencePools " + split);
            assertTrue(split.withinTolerance(70, 30), split.toString());
        });
    }

    @Test
    @Order(6)
    @DisplayName("HTTPRouteInvalidInferencePoolRef")
    void httpRouteInvalidInferencePoolRef() throws Exception {
        withManifests("httproute_invalid_inferencepool_ref.yaml", () -> {
            Name route = new Name(APP, "httproute-to-non-existent-pool");
            api.routeMustHave(route, PRIMARY_GW, new Cond("Accepted", "True", "Accepted"));
            api.routeMustHave(route, PRIMARY_GW, new Cond("ResolvedRefs", "False", "BackendNotFound"));
        });
    }

    @Test
    @Order(7)
    @DisplayName("HTTPRouteMultipleGatewaysDifferentPools")
    void httpRouteMultipleGatewaysDifferentPools() throws Exception {
        withManifests("httproute_multiple_gateways_different_pools.yaml", () -> {
            api.routeMustBeAcceptedAndResolved(new Name(APP, "route-for-primary-gateway"), PRIMARY_GW);
            api.poolMustBeAcceptedBy(PRIMARY_POOL, PRIMARY_GW);
            traffic.eventually(
                    api.gatewayAddress(PRIMARY_GW),
                    Expected.ok(
                            Request.get("primary.example.com", "/test-primary-gateway"),
                            "primary-inference-model-server",
                            APP));
            api.routeMustBeAcceptedAndResolved(new Name(APP, "route-for-secondary-gateway"), SECONDARY_GW);
            api.poolMustBeAcceptedBy(SECONDARY_POOL, SECONDARY_GW);
            traffic.eventually(
                    api.gatewayAddress(SECONDARY_GW),
                    Expected.ok(
                            Request.get("secondary.example.com", "/test-secondary-gateway"),
                            "secondary-inference-model-server",
                            APP));
        });
    }

    @Test
    @Order(8)
    @DisplayName("InferencePoolAccepted")
    void inferencePoolAccepted() throws Exception {
        withManifests("inferencepool_accepted.yaml", () -> {
            // upstream leaves the reason unchecked here
            api.poolMustHave(PRIMARY_POOL, PRIMARY_GW, new Cond("Accepted", "True", null));
        });
    }

    @Test
    @Order(9)
    @DisplayName("InferencePoolAppProtocol")
    void inferencePoolAppProtocol() throws Exception {
        withManifests("inferencepool_appprotocol.yaml", () -> {
            String gw = api.gatewayAddress(PRIMARY_GW);
            record Case(String host, String path, int port, String route, String pool, String app, String proto) {}
            List<Case> cases = List.of(
                    new Case(
                            "appprotocol-h2c.example.com",
                            "/inferencepool-app-protocol-h2c",
                            3001,
                            "httproute-for-inferencepool-appprotocol-h2c",
                            "appprotocol-h2c-inference-pool",
                            "appprotocol-inference-model-server",
                            "HTTP/2.0"),
                    new Case(
                            "appprotocol-http.example.com",
                            "/inferencepool-app-protocol-http",
                            3000,
                            "httproute-for-inferencepool-appprotocol-http",
                            "appprotocol-http-inference-pool",
                            "appprotocol-inference-model-server",
                            "HTTP/1.1"),
                    new Case(
                            "appprotocol-default.example.com",
                            "/inferencepool-app-protocol-default",
                            3000,
                            "httproute-for-inferencepool-appprotocol-default",
                            "primary-inference-pool",
                            "primary-inference-model-server",
                            "HTTP/1.1"));
            for (Case c : cases) {
                api.routeMustBeAcceptedAndResolved(new Name(APP, c.route()), PRIMARY_GW);
                api.poolMustBeAcceptedBy(new Name(APP, c.pool()), PRIMARY_GW);
                List<Pod> pods = api.pods(APP, Map.of("app", c.app()));
                assertTrue(!pods.isEmpty(), "pods of " + c.app());
                for (Pod pod : pods) {
                    String endpoint = pod.ip() + ":" + c.port();
                    Response r = traffic.eventually(
                            gw,
                            Expected.ok(post(c.host(), c.path(), endpoint), pod.name(), APP)
                                    .withHeader(SERVED, endpoint));
                    // Stricter than upstream (whose check is that the backend answered at all): the
                    // protocol the echo pod saw. echo-basic's h2c listener (3001) also takes HTTP/1.1,
                    // and its 3000 speaks no cleartext HTTP/2, so HTTP/2.0 means the h2c port was used.
                    assertEquals(c.proto(), r.echo().orElseThrow().proto(), c.pool() + " → " + endpoint);
                    if (target.echoReportsListenerPort()) {
                        // (echo-basic reports its HTTP_PORT whatever the listener; the loopback pods
                        // report the port that answered)
                        assertEquals(
                                Integer.toString(c.port()),
                                r.echo().orElseThrow().httpPort(),
                                c.pool() + " → " + endpoint);
                    }
                }
            }
        });
    }

    @Test
    @Order(10)
    @DisplayName("InferencePoolHTTPRoutePortValidation")
    void inferencePoolHttpRoutePortValidation() throws Exception {
        withManifests("inferencepool_httproute_port_validation.yaml", () -> {
            String gw = api.gatewayAddress(PRIMARY_GW);
            // backendRef port unspecified, equal to the target port, and another port: all ignored
            for (String scenario : List.of("unspecified", "matching", "non-matching")) {
                api.routeMustBeAcceptedAndResolved(new Name(APP, "httproute-pool-port-" + scenario), PRIMARY_GW);
                api.poolMustBeAcceptedBy(PRIMARY_POOL, PRIMARY_GW);
                traffic.eventually(
                        gw,
                        Expected.ok(
                                Request.get("port-" + scenario + ".example.com", "/test-port-" + scenario),
                                PRIMARY_DEPLOYMENT,
                                APP));
            }
        });
    }

    @Test
    @Order(11)
    @DisplayName("InferencePoolInvalidEPPService")
    void inferencePoolInvalidEppService() throws Exception {
        withManifests("inferencepool_invalid_epp_service.yaml", () -> {
            String gw = api.gatewayAddress(PRIMARY_GW);
            api.routeMustHave(
                    new Name(APP, "httproute-for-invalid-epp-pool"),
                    PRIMARY_GW,
                    new Cond("Accepted", "True", "Accepted"));
            // upstream leaves the reason unchecked
            api.poolMustHave(
                    new Name(APP, "pool-with-invalid-epp"), PRIMARY_GW, new Cond("ResolvedRefs", "False", null));
            traffic.eventually(
                    gw,
                    new Expected(
                            Request.get("", "/invalid-epp-test"), Set.of(500, 501, 502, 503, 504), Map.of(), "", APP));
        });
    }

    @Test
    @Order(12)
    @DisplayName("InferencePoolMissingEPPRef")
    void inferencePoolMissingEppRef() throws Exception {
        withManifests("inferencepool_missing_epp_ref.yaml", () -> {
            api.routeMustHave(
                    new Name(APP, "httproute-for-missing-epp-ref-pool"),
                    PRIMARY_GW,
                    new Cond("Accepted", "True", "Accepted"));
            api.poolMustHaveOneOf(
                    new Name(APP, "pool-with-missing-epp-ref"),
                    PRIMARY_GW,
                    List.of(
                            new Cond("Accepted", "True", null),
                            new Cond("Accepted", "False", "EndpointPickerRefMissing")));
        });
    }

    @Test
    @Order(13)
    @DisplayName("HTTPRouteMultipleRulesDifferentPools")
    void httpRouteMultipleRulesDifferentPools() throws Exception {
        withManifests("inferencepool_multiple_rules_different_pools.yaml", () -> {
            Name route = new Name(APP, "httproute-multiple-rules-different-pools");
            api.routeMustBeAcceptedAndResolved(route, PRIMARY_GW);
            api.poolMustBeAcceptedBy(PRIMARY_POOL, PRIMARY_GW);
            api.poolMustBeAcceptedBy(SECONDARY_POOL, PRIMARY_GW);
            String gw = api.gatewayAddress(PRIMARY_GW);
            traffic.eventually(gw, Expected.ok(Request.get("", "/primary"), "primary-inference-model-server", APP));
            traffic.eventually(gw, Expected.ok(Request.get("", "/secondary"), "secondary-inference-model-server", APP));
        });
    }

    @Test
    @Order(14)
    @DisplayName("InferencePoolResolvedRefsCondition")
    void inferencePoolResolvedRefsCondition() throws Exception {
        withManifests("inferencepool_resolvedrefs_condition.yaml", () -> {
            Name primaryRoute = new Name(APP, "httproute-for-primary-gw");
            Name secondaryRoute = new Name(APP, "httproute-for-secondary-gw");
            Request toPrimary = Request.get("primary.example.com", "/primary-gateway-test");
            Request toSecondary = Request.get("secondary.example.com", "/secondary-gateway-test");
            api.routeMustBeAcceptedAndResolved(primaryRoute, PRIMARY_GW);
            api.routeMustBeAcceptedAndResolved(secondaryRoute, SECONDARY_GW);
            String primaryGw = api.gatewayAddress(PRIMARY_GW);
            String secondaryGw = api.gatewayAddress(SECONDARY_GW);

            // Both routes reference the primary pool: a parent entry per Gateway, both routable.
            api.poolMustBeAcceptedBy(PRIMARY_POOL, PRIMARY_GW);
            api.poolMustBeAcceptedBy(PRIMARY_POOL, SECONDARY_GW);
            traffic.eventually(primaryGw, Expected.ok(toPrimary, PRIMARY_DEPLOYMENT, APP));
            traffic.eventually(secondaryGw, Expected.ok(toSecondary, PRIMARY_DEPLOYMENT, APP));

            // The primary Gateway's route deleted: the secondary entry stays, the primary path is 404.
            api.delete(new Manifests.Ref(ApiObjects.GATEWAY_API, "HTTPRoute", APP, primaryRoute.name()));
            api.poolMustBeAcceptedBy(PRIMARY_POOL, SECONDARY_GW);
            traffic.eventually(secondaryGw, Expected.ok(toSecondary, PRIMARY_DEPLOYMENT, APP));
            traffic.eventually(primaryGw, new Expected(toPrimary, Set.of(404), Map.of(), "", APP));

            // Both deleted: no parents left, and the secondary path is 404 too.
            api.delete(new Manifests.Ref(ApiObjects.GATEWAY_API, "HTTPRoute", APP, secondaryRoute.name()));
            api.poolMustHaveNoParents(PRIMARY_POOL);
            traffic.eventually(secondaryGw, new Expected(toSecondary, Set.of(404), Map.of(), "", APP));
        });
    }
}
