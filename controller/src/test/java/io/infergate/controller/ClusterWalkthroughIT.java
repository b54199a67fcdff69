package io.infergate.controller;

import io.infergate.controller.kube.KubeApiServer;
import io.infergate.controller.kube.KubeRest;
import io.infergate.controller.kube.StatusWriter;
import io.infergate.controller.kube.Trees;
import io.infergate.controller.status.ObjectStatus;
import io.infergate.controller.status.StatusPlan;
import io.infergate.router.RouterApp;
import io.infergate.router.RouterConfig;
import io.infergate.simulator.SimulatedPod;
import io.infergate.simulator.SimulatorConfig;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import static io.infergate.controller.ItSupport.DEMO;
import static io.infergate.controller.ItSupport.GW;
import static io.infergate.controller.ItSupport.OURS;
import static io.infergate.controller.ItSupport.POOL;
import static io.infergate.controller.ItSupport.SYSTEM;
import static io.infergate.controller.ItSupport.TOKEN_SECRET;
import static io.infergate.controller.ItSupport.adminStatus;
import static io.infergate.controller.ItSupport.completion;
import static io.infergate.controller.ItSupport.metric;
import static io.infergate.controller.ItSupport.portFreeOn;
import static io.infergate.controller.ItSupport.routerPod;
import static io.infergate.controller.ItSupport.runningAndReady;
import static io.infergate.controller.ItSupport.token;
import static io.infergate.controller.ItSupport.walkthrough;
import static io.infergate.controller.kube.StatusTrees.condition;
import static io.infergate.controller.kube.StatusTrees.is;
import static io.infergate.controller.kube.StatusTrees.parentIs;
import static io.infergate.controller.kube.StatusTrees.parents;
import static io.infergate.controller.kube.StatusTrees.resourceVersion;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The Kthena walkthrough (as docs/install.md follows it) against a real API server: model pods and a
 * router pod are API objects whose status says they run on loopback addresses where simulated
 * model servers and an in-process router listen. Proves discovery and push, every status the
 * walkthrough checks, a completion through the router, no-op status writes being skipped, a
 * conflict being retried without losing another controller's entries, and 404 after the route
 * is deleted.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ClusterWalkthroughIT {

    @RegisterExtension
    static final KubeApiServer API =
            KubeApiServer.withCrds(KubeApiServer.GATEWAY_API, KubeApiServer.INFERENCE_EXTENSION);

    static final String ROUTER_IP = "127.0.1.100";
    static final List<String> MODEL_IPS = List.of("127.0.1.1", "127.0.1.2");
    static final Duration WITHIN = Duration.ofSeconds(20);

    static KubeRest rest;
    static int simPort;
    static int gatewayPort;
    static int internalPort;
    static final List<SimulatedPod> sims = new ArrayList<>();
    static ClusterControllerApp controller;
    static RouterApp router;

    @BeforeAll
    static void cluster() throws Exception {
        rest = API.rest();
        simPort = portFreeOn(MODEL_IPS);
        gatewayPort = portFreeOn(List.of(ROUTER_IP));
        internalPort = portFreeOn(List.of(ROUTER_IP));
        for (int i = 0; i < MODEL_IPS.size(); i++) {
            sims.add(SimulatedPod.start(SimulatorConfig.builder()
                    .host(MODEL_IPS.get(i))
                    .port(simPort)
                    .podName("demo-backend1-" + i)
                    .namespace(DEMO)
                    .models("Qwen2.5-0.5B-Instruct")
                    .timeToFirstToken(Duration.ofMillis(5))
                    .interTokenLatency(Duration.ZERO)
                    .build()));
        }
        rest.apply(walkthrough(simPort, gatewayPort, MODEL_IPS.size()));
        for (int i = 0; i < MODEL_IPS.size(); i++) {
            runningAndReady(rest, DEMO, "demo-backend1-" + i, MODEL_IPS.get(i));
        }
        controller = ClusterControllerApp.start(
                ClusterConfig.defaults(SYSTEM, "walkthrough-controller")
                        .withKubeconfig(API.kubeconfig())
                        .withRouterInternalPort(internalPort)
                        .withAdmin("127.0.0.1", 0)
                        .withTuning(ClusterConfig.Tuning.defaults().withDiscoveryPeriod(Duration.ofSeconds(1))),
                Clock.systemUTC());
    }

    @AfterAll
    static void stop() {
        if (controller != null) {
            controller.close();
        }
        if (router != null) {
            router.close();
        }
        sims.forEach(SimulatedPod::close);
    }

    @Test
    @Order(1)
    void theWalkthroughWorksAgainstTheApiServer() throws Exception {
        // The leader creates the token Secret; the router is started with what it holds (as its mounted file would).
        await("token Secret")
                .atMost(WITHIN)
                .until(() -> rest.get("v1", "Secret", SYSTEM, TOKEN_SECRET).isPresent());
        String token = token(rest);
        assertEquals(64, token.length(), "32 random bytes in hex");

        // The router pod exists (running, with an IP) before its process listens: pushes fail and back off.
        rest.apply(routerPod("kthena-router-0"));
        runningAndReady(rest, SYSTEM, "kthena-router-0", ROUTER_IP);
        await("pushes to the unreachable router fail")
                .atMost(WITHIN)
                .until(() ->
                        metric(controller.adminPort(), "infergate_controller_pushes_total{outcome=\"failed\"") >= 2);

        // Timed from when the router listens (start returns then), not from before its start: on a
        // loaded machine the router's own start-up took 2-4 s and made this flaky. What is checked is
        // the publisher's backoff cap (750 ms in cluster mode) plus one push.
        router = RouterApp.start(RouterConfig.defaults(ROUTER_IP, internalPort, token));
        long started = System.nanoTime();
        await("the router holds a snapshot")
                .atMost(Duration.ofSeconds(10))
                .pollInterval(Duration.ofMillis(20))
                .until(router::ready);
        double seconds = (System.nanoTime() - started) / 1e9;
        System.out.printf(
                "ClusterWalkthroughIT: the router held the snapshot %.2f s after it started listening%n", seconds);
        assertTrue(
                seconds < 3,
                "a listening router gets the snapshot within the 750 ms backoff cap and one push, took " + seconds
                        + " s");

        // kubectl get gateway: an ADDRESS (the router Service's cluster IP) and PROGRAMMED True.
        String clusterIP = (String)
                Trees.map(rest.get("v1", "Service", SYSTEM, "kthena-router").orElseThrow(), "spec")
                        .get("clusterIP");
        await("Gateway programmed").atMost(WITHIN).until(() -> is(gateway(), "Programmed", "True"));
        Map<String, Object> gateway = gateway();
        assertTrue(is(gateway, "Accepted", "True"));
        assertEquals(
                List.of(Map.of("type", "IPAddress", "value", clusterIP)),
                Trees.list(Trees.map(gateway, "status"), "addresses"));
        assertEquals(1L, condition(gateway, "Programmed").orElseThrow().get("observedGeneration"));
        assertTrue(is(get(GW, "GatewayClass", "", "kthena-router"), "Accepted", "True"));

        // The HTTPRoute: Accepted and ResolvedRefs per parent; the pool: a parents entry for the Gateway, Accepted.
        await("HTTPRoute accepted")
                .atMost(WITHIN)
                .until(() ->
                        parentIs(route(), OURS, "Accepted", "True") && parentIs(route(), OURS, "ResolvedRefs", "True"));
        await("InferencePool parent accepted").atMost(WITHIN).until(() -> parentIs(pool(), OURS, "Accepted", "True"));
        Map<String, Object> parent = parents(pool(), OURS).getFirst();
        assertEquals(
                Map.of(
                        "group",
                        "gateway.networking.k8s.io",
                        "kind",
                        "Gateway",
                        "namespace",
                        DEMO,
                        "name",
                        "inference-gateway"),
                parent.get("parentRef"));

        // curl .../v1/completions through the router.
        HttpResponse<String> r = completion(ROUTER_IP, gatewayPort);
        assertEquals(200, r.statusCode(), r.body());
        assertTrue(r.body().contains("\"choices\""), r.body());

        // /status shows leadership and every kind being watched.
        Map<String, Object> status = adminStatus(controller.adminPort());
        assertEquals(true, status.get("leader"));
        // Kthena's kinds are watched only where its CRDs are installed (docs/kthena.md); not here.
        Set<String> kthena = Set.of("ModelServer", "ModelRoute");
        assertTrue(
                Trees.list(status, "sources").stream()
                        .map(s -> (Map<?, ?>) s)
                        .allMatch(
                                s -> (kthena.contains(s.get("kind")) ? "missing" : "watching").equals(s.get("state"))),
                status.toString());
    }

    @Test
    @Order(2)
    void statusWritesThatChangeNothingAreSkipped() throws Exception {
        await("statuses settled")
                .atMost(WITHIN)
                .until(() -> is(gateway(), "Programmed", "True") && parentIs(pool(), OURS, "Accepted", "True"));
        List<String> before = versions();
        long writes = controller.statusWrites();
        // Objects the controller watches change, so it rebuilds and compares every status again.
        long rebuilds = controller.rebuilds();
        rest.apply("""
                apiVersion: v1
                kind: Service
                metadata:
                  name: unrelated
                  namespace: demo
                spec:
                  ports:
                  - port: 80
                """);
        await("a rebuild").atMost(WITHIN).until(() -> controller.rebuilds() > rebuilds);
        long rebuilt = controller.rebuilds();
        rest.apply("""
                apiVersion: v1
                kind: Namespace
                metadata:
                  name: demo
                  labels:
                    touched: "yes"
                """);
        await("another rebuild").atMost(WITHIN).until(() -> controller.rebuilds() > rebuilt);
        long passes = controller.statusPasses();
        controller.resyncStatus();
        await("the writer compared every status again").atMost(WITHIN).until(() -> controller.statusPasses() > passes);
        assertEquals(before, versions(), "no status was written: resourceVersions unchanged");
        assertEquals(writes, controller.statusWrites());
    }

    @Test
    @Order(3)
    void aConflictIsRetriedAndOtherControllersEntriesAreKept() throws Exception {
        Map<String, Object> stale = route();
        // Another controller adds its own parent entry: the route's resourceVersion moves on.
        Map<String, Object> fresh = Trees.copy(stale);
        List<Object> entries = new ArrayList<>(Trees.list(Trees.map(fresh, "status"), "parents"));
        entries.add(Map.of(
                "parentRef",
                Map.of("group", "gateway.networking.k8s.io", "kind", "Gateway", "name", "other-gw"),
                "controllerName",
                "example.net/other",
                "conditions",
                List.of(Map.of(
                        "type",
                        "Accepted",
                        "status",
                        "True",
                        "reason",
                        "Accepted",
                        "message",
                        "ok",
                        "lastTransitionTime",
                        "2026-01-01T00:00:00Z",
                        "observedGeneration",
                        1))));
        Trees.map(fresh, "status").put("parents", entries);
        Trees.map(fresh, "metadata").remove("managedFields");
        rest.replaceStatus(GW, "HTTPRoute", DEMO, "kthena-demo-route", fresh);

        // A third controller writes from its stale copy: 409, then it re-reads, re-merges and writes.
        StatusPlan.Entry ours = controller.view().status().entries().stream()
                .filter(e -> e.key().kind().equals("HTTPRoute"))
                .findFirst()
                .orElseThrow();
        StatusWriter third = new StatusWriter(
                io.kubernetes.client.util.Config.fromConfig(API.kubeconfig().toString()),
                (k, ns, n) -> Optional.empty(),
                StatusPlan::empty,
                () -> false,
                "example.net/third",
                Clock.systemUTC(),
                Duration.ofMinutes(1),
                outcome -> {});
        var routeStatus = (ObjectStatus.HttpRouteStatus) ours.status();
        StatusPlan.Entry theirs = new StatusPlan.Entry(
                ours.key(),
                new ObjectStatus.HttpRouteStatus(routeStatus.parents().stream()
                        .map(p -> new ObjectStatus.ParentStatus(p.parentRef(), "example.net/third", p.conditions()))
                        .toList()));
        assertEquals(StatusWriter.Outcome.WRITTEN, third.write(theirs, Set.of(), Optional.of(stale)));
        assertEquals(1, third.conflicts(), "the stale copy met exactly one conflict");

        Map<String, Object> after = route();
        assertEquals(1, parents(after, "example.net/other").size(), "the other controller's entry survived");
        assertEquals(1, parents(after, "example.net/third").size());
        assertTrue(parentIs(after, OURS, "Accepted", "True"), "ours untouched");

        // Our controller, comparing again, keeps both foreign entries.
        long passes = controller.statusPasses();
        controller.resyncStatus();
        await("the writer compared again").atMost(WITHIN).until(() -> controller.statusPasses() > passes);
        Map<String, Object> later = route();
        assertEquals(1, parents(later, "example.net/other").size());
        assertEquals(1, parents(later, "example.net/third").size());
        assertTrue(parentIs(later, OURS, "Accepted", "True"));
    }

    @Test
    @Order(4)
    void aDeletedRouteGives404WithinSeconds() throws Exception {
        assertEquals(200, completion(ROUTER_IP, gatewayPort).statusCode());
        rest.delete(GW, "HTTPRoute", DEMO, "kthena-demo-route");
        await("404 after the route is gone")
                .atMost(Duration.ofSeconds(5))
                .until(() -> completion(ROUTER_IP, gatewayPort).statusCode() == 404);
        await("the pool's parents entry is removed")
                .atMost(WITHIN)
                .until(() -> parents(pool(), OURS).isEmpty());
        assertTrue(is(gateway(), "Programmed", "True"), "the Gateway stays programmed");
    }

    // ---- helpers --------------------------------------------------------------------------------

    static Map<String, Object> get(String apiVersion, String kind, String namespace, String name) throws Exception {
        return rest.get(apiVersion, kind, namespace, name).orElseThrow();
    }

    static Map<String, Object> gateway() throws Exception {
        return get(GW, "Gateway", DEMO, "inference-gateway");
    }

    static Map<String, Object> route() throws Exception {
        return get(GW, "HTTPRoute", DEMO, "kthena-demo-route");
    }

    static Map<String, Object> pool() throws Exception {
        return get(POOL, "InferencePool", DEMO, "kthena-demo");
    }

    static List<String> versions() throws Exception {
        return List.of(
                resourceVersion(gateway()),
                resourceVersion(route()),
                resourceVersion(pool()),
                resourceVersion(get(GW, "GatewayClass", "", "kthena-router")));
    }
}
