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
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static io.infergate.controller.ItSupport.SYSTEM;
import static io.infergate.controller.ItSupport.TOKEN_SECRET;
import static io.infergate.controller.ItSupport.portFreeOn;
import static io.infergate.controller.ItSupport.routerPod;
import static io.infergate.controller.ItSupport.runningAndReady;
import static io.infergate.controller.ItSupport.token;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Kthena's own router quick start (docs "Router Routing", examples/kthena-router of Kthena v1.0.0:
 * ModelServer-ds1.5b.yaml and ModelRouteSimple.yaml, applied as they are) on a real API server with
 * Kthena's CRDs, served by Infergate: three model pods labelled as the mock Deployment labels
 * them, simulated on loopback addresses at the ModelServer's port 8000, and an in-process router.
 * The walkthrough's curl (model {@code deepseek-simple}) gets a completion from one of the pods,
 * which saw the ModelServer's model name (the simulator refuses any other); streaming works; the
 * conditions Kthena's objects cannot hold arrive as Events; a ModelRoute to a missing ModelServer
 * gets a Warning Event and 500s; deleting the ModelRoute gives 404 within seconds.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class KthenaQuickStartIT {

    @RegisterExtension
    static final KubeApiServer API =
            KubeApiServer.withCrds(KubeApiServer.GATEWAY_API, KubeApiServer.INFERENCE_EXTENSION, KubeApiServer.KTHENA);

    static final String ROUTER_IP = "127.0.19.100";
    static final List<String> MODEL_IPS = List.of("127.0.19.1", "127.0.19.2", "127.0.19.3");
    static final String SERVED = "deepseek-ai/DeepSeek-R1-Distill-Qwen-1.5B";
    static final String KTHENA = "networking.serving.volcano.sh/v1alpha1";
    static final Duration WITHIN = Duration.ofSeconds(20);
    static final HttpClient HTTP =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    /** examples/kthena-router/ModelServer-ds1.5b.yaml (Kthena v1.0.0), as published. */
    static final String MODEL_SERVER = """
            apiVersion: networking.serving.volcano.sh/v1alpha1
            kind: ModelServer
            metadata:
              name: deepseek-r1-1-5b
              namespace: default
            spec:
              workloadSelector:
                matchLabels:
                  app: deepseek-r1-1-5b
              workloadPort:
                port: 8000
              model: "deepseek-ai/DeepSeek-R1-Distill-Qwen-1.5B"
              inferenceEngine: "vLLM"
              trafficPolicy:
                timeout: 10s
            """;

    /** examples/kthena-router/ModelRouteSimple.yaml (Kthena v1.0.0), as published. */
    static final String MODEL_ROUTE = """
            apiVersion: networking.serving.volcano.sh/v1alpha1
            kind: ModelRoute
            metadata:
              name: deepseek-simple
              namespace: default
            spec:
              modelName: "deepseek-simple"
              rules:
              - name: "default"
                targetModels:
                - modelServerName: "deepseek-r1-1-5b"
            """;

    static KubeRest rest;
    static int gatewayPort;
    static int internalPort;
    static final List<SimulatedPod> sims = new ArrayList<>();
    static ClusterControllerApp controller;
    static RouterApp router;

    @BeforeAll
    static void cluster() throws Exception {
        rest = API.rest();
        gatewayPort = portFreeOn(List.of(ROUTER_IP));
        internalPort = portFreeOn(List.of(ROUTER_IP));
        for (int i = 0; i < MODEL_IPS.size(); i++) {
            // The mock Deployment (LLM-Mock-ds1.5b.yaml) serves MODEL_NAME on the ModelServer's port 8000.
            sims.add(SimulatedPod.start(SimulatorConfig.builder()
                    .host(MODEL_IPS.get(i))
                    .port(8000)
                    .podName("deepseek-r1-1-5b-" + i)
                    .namespace("default")
                    .models(SERVED)
                    .timeToFirstToken(Duration.ofMillis(5))
                    .interTokenLatency(Duration.ofMillis(1))
                    .build()));
        }
        rest.apply(ItSupport.namespacesYaml());
        rest.apply(ItSupport.routerServiceYaml());
        rest.apply("""
                apiVersion: gateway.networking.k8s.io/v1
                kind: GatewayClass
                metadata:
                  name: kthena-router
                spec:
                  controllerName: infergate.io/gateway-controller
                ---
                apiVersion: gateway.networking.k8s.io/v1
                kind: Gateway
                metadata:
                  name: kthena-gateway
                  namespace: default
                spec:
                  gatewayClassName: kthena-router
                  listeners:
                  - name: http
                    port: %d
                    protocol: HTTP
                """.formatted(gatewayPort));
        for (int i = 0; i < MODEL_IPS.size(); i++) {
            rest.apply("""
                    apiVersion: v1
                    kind: Pod
                    metadata:
                      name: deepseek-r1-1-5b-%d
                      namespace: default
                      labels:
                        app: deepseek-r1-1-5b
                    spec:
                      containers:
                      - name: llm-engine
                        image: ghcr.io/faust-benchou/dynamo-mocker-vllm:latest
                    """.formatted(i));
            runningAndReady(rest, "default", "deepseek-r1-1-5b-" + i, MODEL_IPS.get(i));
        }
        rest.apply(MODEL_SERVER);
        rest.apply(MODEL_ROUTE);
        controller = ClusterControllerApp.start(
                ClusterConfig.defaults(SYSTEM, "kthena-controller")
                        .withKubeconfig(API.kubeconfig())
                        .withRouterInternalPort(internalPort)
                        .withAdmin("127.0.0.1", 0)
                        .withTuning(ClusterConfig.Tuning.defaults().withDiscoveryPeriod(Duration.ofSeconds(1))),
                Clock.systemUTC());
        await("token Secret")
                .atMost(WITHIN)
                .until(() -> rest.get("v1", "Secret", SYSTEM, TOKEN_SECRET).isPresent());
        rest.apply(routerPod("kthena-router-0"));
        runningAndReady(rest, SYSTEM, "kthena-router-0", ROUTER_IP);
        router = RouterApp.start(RouterConfig.defaults(ROUTER_IP, internalPort, token(rest)));
        await("the router holds a snapshot").atMost(WITHIN).until(router::ready);
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
    void theQuickStartCurlIsServedByTheModelServersPods() throws Exception {
        await("the ModelRoute is served")
                .atMost(WITHIN)
                .until(() -> completion("deepseek-simple", false).statusCode() == 200);
        Set<String> pods = new HashSet<>();
        for (int i = 0; i < 12; i++) {
            HttpResponse<String> r = completion("deepseek-simple", false);
            assertEquals(200, r.statusCode(), r.body());
            assertTrue(r.body().contains("\"choices\""), r.body());
            assertTrue(r.body().contains("\"model\":\"deepseek-simple\""), "the client's name comes back: " + r.body());
            pods.add(r.headers().firstValue("x-inference-pod").orElse(""));
        }
        assertTrue(pods.stream().allMatch(p -> p.startsWith("deepseek-r1-1-5b-")), pods.toString());
        long served = sims.stream().mapToLong(SimulatedPod::requestsServed).sum();
        assertTrue(served >= 12, "the simulators answered (they serve only " + SERVED + "): " + served);

        HttpResponse<String> stream = completion("deepseek-simple", true);
        assertEquals(200, stream.statusCode(), stream.body());
        assertTrue(stream.headers().firstValue("content-type").orElse("").startsWith("text/event-stream"));
        assertTrue(stream.body().contains("data: [DONE]"), stream.body());

        HttpResponse<String> unknown = completion("deepseek-unknown", false);
        assertEquals(404, unknown.statusCode(), unknown.body());
        assertTrue(unknown.body().contains("\"code\":\"model_not_found\""), unknown.body());
    }

    @Test
    @Order(2)
    void conditionsArriveAsEvents() throws Exception {
        await("Normal Accepted Events on both objects")
                .atMost(WITHIN)
                .until(() -> event("ModelRoute", "deepseek-simple", "Normal", "Accepted")
                        && event("ModelServer", "deepseek-r1-1-5b", "Normal", "Accepted"));
        rest.apply("""
                apiVersion: networking.serving.volcano.sh/v1alpha1
                kind: ModelRoute
                metadata:
                  name: typo
                  namespace: default
                spec:
                  modelName: "deepseek-typo"
                  rules:
                  - targetModels:
                    - modelServerName: "deepseek-r1-1-5b-typo"
                """);
        await("a Warning for the missing ModelServer")
                .atMost(WITHIN)
                .until(() -> event("ModelRoute", "typo", "Warning", "BackendNotFound"));
        await("its share answers 500")
                .atMost(WITHIN)
                .until(() -> completion("deepseek-typo", false).statusCode() == 500);
    }

    @Test
    @Order(3)
    void aDeletedModelRouteGives404WithinSeconds() throws Exception {
        assertEquals(200, completion("deepseek-simple", false).statusCode());
        rest.delete(KTHENA, "ModelRoute", "default", "deepseek-simple");
        await("404 after the ModelRoute is gone")
                .atMost(Duration.ofSeconds(5))
                .until(() -> completion("deepseek-simple", false).statusCode() == 404);
    }

    /** Kthena's "Try it out" curl for the simple route (max_tokens added to keep the test short). */
    static HttpResponse<String> completion(String model, boolean stream) throws IOException, InterruptedException {
        return HTTP.send(
                HttpRequest.newBuilder(URI.create("http://" + ROUTER_IP + ":" + gatewayPort + "/v1/completions"))
                        .header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString("""
                                {"model": "%s", "prompt": "San Francisco is a", "temperature": 0,
                                 "max_tokens": 8, "stream": %s}""".formatted(model, stream)))
                        .timeout(Duration.ofSeconds(10))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }

    @SuppressWarnings("unchecked")
    static boolean event(String kind, String name, String type, String reason) throws Exception {
        Object list = Trees.parse(rest.raw("/api/v1/namespaces/default/events").body());
        for (Object item : Trees.list((Map<String, Object>) list, "items")) {
            Map<String, Object> e = (Map<String, Object>) item;
            Map<String, Object> involved = Trees.map(e, "involvedObject");
            if (kind.equals(involved.get("kind"))
                    && name.equals(involved.get("name"))
                    && type.equals(e.get("type"))
                    && reason.equals(e.get("reason"))) {
                return true;
            }
        }
        return false;
    }
}
