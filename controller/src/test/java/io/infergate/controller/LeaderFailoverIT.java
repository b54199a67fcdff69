package io.infergate.controller;

import io.infergate.controller.kube.KubeApiServer;
import io.infergate.controller.kube.KubeRest;
import io.infergate.controller.kube.Trees;
import io.infergate.router.RouterApp;
import io.infergate.router.RouterConfig;
import io.infergate.simulator.SimulatedPod;
import io.infergate.simulator.SimulatorConfig;
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
import static io.infergate.controller.ItSupport.TOKEN_SECRET;
import static io.infergate.controller.ItSupport.completion;
import static io.infergate.controller.ItSupport.get;
import static io.infergate.controller.ItSupport.portFreeOn;
import static io.infergate.controller.ItSupport.route;
import static io.infergate.controller.ItSupport.routerPod;
import static io.infergate.controller.ItSupport.runningAndReady;
import static io.infergate.controller.ItSupport.token;
import static io.infergate.controller.ItSupport.walkthrough;
import static io.infergate.controller.kube.StatusTrees.condition;
import static io.infergate.controller.kube.StatusTrees.is;
import static io.infergate.controller.kube.StatusTrees.parentIs;
import static io.infergate.controller.kube.StatusTrees.parents;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Two controllers in-process with different identities on one Lease: only the leader writes and
 * pushes; when it stops, the standby takes over within 15 s, keeps the statuses right (no flap of
 * Programmed, transition times kept) and carries on pushing and writing.
 */
class LeaderFailoverIT {

    @RegisterExtension
    static final KubeApiServer API =
            KubeApiServer.withCrds(KubeApiServer.GATEWAY_API, KubeApiServer.INFERENCE_EXTENSION);

    static final String ROUTER_IP = "127.0.1.110";
    static final String MODEL_IP = "127.0.1.11";
    static final Duration WITHIN = Duration.ofSeconds(20);

    static KubeRest rest;
    static int gatewayPort;
    static int internalPort;
    static SimulatedPod sim;
    static ClusterControllerApp first;
    static ClusterControllerApp second;
    static RouterApp router;

    @BeforeAll
    static void cluster() throws Exception {
        rest = API.rest();
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
        first = controller("controller-a");
        await("the first controller leads").atMost(WITHIN).until(first::isLeader);
        second = controller("controller-b");
        await("token Secret")
                .atMost(WITHIN)
                .until(() -> rest.get("v1", "Secret", SYSTEM, TOKEN_SECRET).isPresent());
        router = RouterApp.start(RouterConfig.defaults(ROUTER_IP, internalPort, token(rest)));
        rest.apply(routerPod("kthena-router-0"));
        runningAndReady(rest, SYSTEM, "kthena-router-0", ROUTER_IP);
    }

    @AfterAll
    static void stop() {
        for (AutoCloseable c : new AutoCloseable[] {first, second, router, sim}) {
            try {
                if (c != null) {
                    c.close();
                }
            } catch (Exception e) {
                System.err.println("closing: " + e);
            }
        }
    }

    static ClusterControllerApp controller(String identity) throws Exception {
        return ClusterControllerApp.start(ClusterConfig.defaults(SYSTEM, identity)
                .withKubeconfig(API.kubeconfig())
                .withRouterInternalPort(internalPort)
                .withAdmin("127.0.0.1", 0));
    }

    @Test
    void theStandbyTakesOverWithinFifteenSecondsAndStatusesStayRight() throws Exception {
        await("Gateway programmed").atMost(WITHIN).until(() -> is(gateway(), "Programmed", "True"));
        await("route and pool accepted")
                .atMost(WITHIN)
                .until(() ->
                        parentIs(httpRoute(), OURS, "Accepted", "True") && parentIs(pool(), OURS, "Accepted", "True"));
        assertEquals(200, completion(ROUTER_IP, gatewayPort).statusCode());
        assertTrue(first.isLeader());
        assertFalse(second.isLeader());
        assertEquals(0, second.statusWrites(), "a follower never writes status");
        assertTrue(second.view().ready(), "the follower keeps its informers warm and its translation current");
        assertEquals(first.view().snapshotId(), second.view().snapshotId());
        Object programmedSince =
                condition(gateway(), "Programmed").orElseThrow().get("lastTransitionTime");
        Object acceptedSince = parents(httpRoute(), OURS).getFirst().get("conditions");

        long stopped = System.nanoTime();
        first.close();
        await("the standby leads")
                .atMost(Duration.ofSeconds(15))
                .pollInterval(Duration.ofMillis(50))
                .until(second::isLeader);
        double seconds = (System.nanoTime() - stopped) / 1e9;
        System.out.printf("LeaderFailoverIT: the standby took over %.2f s after the leader stopped%n", seconds);
        Map<String, Object> lease = rest.get("coordination.k8s.io/v1", "Lease", SYSTEM, "infergate-controller")
                .orElseThrow();
        assertEquals("controller-b", Trees.map(lease, "spec").get("holderIdentity"));

        // The new leader pushes: an edit reaches the router; and writes: observedGeneration moves on.
        rest.apply(route("600s"));
        await("the router holds the new leader's snapshot")
                .atMost(WITHIN)
                .until(() -> heldByRouter().equals(second.view().snapshotId()));
        await("route status at generation 2")
                .atMost(WITHIN)
                .until(() -> parents(httpRoute(), OURS).stream()
                        .anyMatch(p -> ((List<?>) p.get("conditions"))
                                .stream()
                                        .allMatch(c ->
                                                Long.valueOf(2).equals(((Map<?, ?>) c).get("observedGeneration")))));
        assertTrue(second.statusWrites() > 0);
        assertEquals(200, completion(ROUTER_IP, gatewayPort).statusCode());

        // Statuses stayed right: still programmed since the same instant; the route's times kept.
        assertTrue(is(gateway(), "Programmed", "True"));
        assertEquals(
                programmedSince,
                condition(gateway(), "Programmed").orElseThrow().get("lastTransitionTime"),
                "Programmed did not flip during the failover");
        assertEquals(
                times(acceptedSince),
                times(parents(httpRoute(), OURS).getFirst().get("conditions")));
        assertTrue(parentIs(pool(), OURS, "Accepted", "True"));
    }

    static String heldByRouter() throws Exception {
        var r = get("http://" + ROUTER_IP + ":" + internalPort + "/internal/v1/snapshot", token(rest));
        return r.statusCode() == 200 ? String.valueOf(Trees.string(map(Trees.parse(r.body())), "id")) : "";
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> map(Object tree) {
        return (Map<String, Object>) tree;
    }

    static List<Object> times(Object conditions) {
        return ((List<?>) conditions)
                .stream()
                        .map(c -> ((Map<?, ?>) c).get("lastTransitionTime"))
                        .map(Object.class::cast)
                        .toList();
    }

    static Map<String, Object> gateway() throws Exception {
        return rest.get(GW, "Gateway", DEMO, "inference-gateway").orElseThrow();
    }

    static Map<String, Object> httpRoute() throws Exception {
        return rest.get(GW, "HTTPRoute", DEMO, "kthena-demo-route").orElseThrow();
    }

    static Map<String, Object> pool() throws Exception {
        return rest.get(POOL, "InferencePool", DEMO, "kthena-demo").orElseThrow();
    }
}
