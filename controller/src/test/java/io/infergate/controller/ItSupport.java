package io.infergate.controller;

import io.infergate.controller.kube.KubeApiServer;
import io.infergate.controller.kube.KubeRest;
import io.infergate.controller.kube.Trees;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;

/** What the cluster-mode integration tests share: the walkthrough's objects, pod status, requests. */
final class ItSupport {

    static final String OURS = "infergate.io/gateway-controller";
    static final String SYSTEM = "kthena-system";
    static final String DEMO = "demo";
    static final String GW = "gateway.networking.k8s.io/v1";
    static final String POOL = "inference.networking.k8s.io/v1";
    static final String TOKEN_SECRET = "infergate-snapshot-token";

    private static final HttpClient HTTP =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    private ItSupport() {}

    /**
     * The objects of the Kthena walkthrough that docs/install.md follows: namespaces {@code kthena-system} and
     * {@code demo}, the router Service, GatewayClass {@code kthena-router}, Gateway
     * {@code inference-gateway} (listener {@code http} on {@code gatewayPort}), InferencePool
     * {@code kthena-demo} (target port {@code modelPort}), HTTPRoute {@code kthena-demo-route}, and
     * model pods {@code demo-backend1-<i>} (their status is set separately).
     */
    static String walkthrough(int modelPort, int gatewayPort, int modelPods) {
        StringBuilder pods = new StringBuilder();
        for (int i = 0; i < modelPods; i++) {
            pods.append("""
                    ---
                    apiVersion: v1
                    kind: Pod
                    metadata:
                      name: demo-backend1-%d
                      namespace: demo
                      labels:
                        workload.serving.volcano.sh/model-name: demo
                        modelserving.volcano.sh/name: demo-backend1
                    spec:
                      containers:
                      - name: vllm
                        image: vllm/vllm-openai
                        ports:
                        - containerPort: %d
                    """.formatted(i, modelPort));
        }
        return String.join(
                        "---\n",
                        namespacesYaml(),
                        routerServiceYaml(),
                        gatewayYaml(gatewayPort),
                        poolYaml(modelPort),
                        route("300s"))
                + pods;
    }

    /** The router Service {@code kthena-system/kthena-router} (port 80 to the routers' 8080). */
    static String routerServiceYaml() {
        return """
                apiVersion: v1
                kind: Service
                metadata:
                  name: kthena-router
                  namespace: kthena-system
                spec:
                  selector:
                    app.kubernetes.io/name: kthena-router
                  ports:
                  - name: http
                    port: 80
                    targetPort: 8080
                """;
    }

    /** Namespaces {@code kthena-system} and {@code demo}. */
    static String namespacesYaml() {
        return """
                apiVersion: v1
                kind: Namespace
                metadata:
                  name: kthena-system
                ---
                apiVersion: v1
                kind: Namespace
                metadata:
                  name: demo
                """;
    }

    /**
     * GatewayClass {@code kthena-router} (ours) and Gateway {@code demo/inference-gateway} with
     * listener {@code http} on {@code gatewayPort}.
     */
    static String gatewayYaml(int gatewayPort) {
        return """
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
                  name: inference-gateway
                  namespace: demo
                spec:
                  gatewayClassName: kthena-router
                  listeners:
                  - name: http
                    port: %d
                    protocol: HTTP
                """.formatted(gatewayPort);
    }

    /** InferencePool {@code demo/kthena-demo}: the demo model pods, target port {@code modelPort}. */
    static String poolYaml(int modelPort) {
        return """
                apiVersion: inference.networking.k8s.io/v1
                kind: InferencePool
                metadata:
                  name: kthena-demo
                  namespace: demo
                spec:
                  targetPorts:
                  - number: %d
                  selector:
                    matchLabels:
                      workload.serving.volcano.sh/model-name: demo
                """.formatted(modelPort);
    }

    /** HTTPRoute {@code kthena-demo-route}: every path to the pool, with this request timeout. */
    static String route(String timeout) {
        return """
                apiVersion: gateway.networking.k8s.io/v1
                kind: HTTPRoute
                metadata:
                  name: kthena-demo-route
                  namespace: demo
                spec:
                  parentRefs:
                  - group: gateway.networking.k8s.io
                    kind: Gateway
                    name: inference-gateway
                  rules:
                  - backendRefs:
                    - group: inference.networking.k8s.io
                      kind: InferencePool
                      name: kthena-demo
                    matches:
                    - path:
                        type: PathPrefix
                        value: /
                    timeouts:
                      request: %s
                """.formatted(timeout);
    }

    /** The router pod object: labelled for discovery; its status is set separately. */
    static String routerPod(String name) {
        return """
                apiVersion: v1
                kind: Pod
                metadata:
                  name: %s
                  namespace: kthena-system
                  labels:
                    app.kubernetes.io/name: kthena-router
                spec:
                  containers:
                  - name: router
                    image: infergate/router
                """.formatted(name);
    }

    /** What the kubelet would report: running, an IP, Ready. */
    static void runningAndReady(KubeRest rest, String namespace, String pod, String ip) throws Exception {
        rest.patchStatus("v1", "Pod", namespace, pod, """
                {"status": {"phase": "Running", "podIP": "%s", "podIPs": [{"ip": "%s"}],
                 "conditions": [{"type": "Ready", "status": "True"}]}}""".formatted(ip, ip));
    }

    /** A port free on every one of these loopback addresses. */
    static int portFreeOn(List<String> addresses) throws IOException {
        for (int attempt = 0; attempt < 20; attempt++) {
            int port = KubeApiServer.freePort();
            boolean free = true;
            for (String a : addresses) {
                try (ServerSocket s = new ServerSocket(port, 1, InetAddress.getByName(a))) {
                    s.getLocalPort();
                } catch (IOException e) {
                    free = false;
                }
            }
            if (free) {
                return port;
            }
        }
        throw new IOException("no port free on all of " + addresses);
    }

    /** The snapshot API token from the Secret the leader created. */
    static String token(KubeRest rest) throws Exception {
        Map<String, Object> secret =
                rest.get("v1", "Secret", SYSTEM, TOKEN_SECRET).orElseThrow();
        return new String(
                Base64.getDecoder().decode((String) Trees.map(secret, "data").get("token")), StandardCharsets.UTF_8);
    }

    /** The walkthrough's curl through the router. */
    static HttpResponse<String> completion(String host, int port) throws IOException, InterruptedException {
        return HTTP.send(
                HttpRequest.newBuilder(URI.create("http://" + host + ":" + port + "/v1/completions"))
                        .header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString("""
                        {"model":"Qwen2.5-0.5B-Instruct","prompt":"Write as if you were a critic: San Francisco",
                         "max_tokens":100,"temperature":0}"""))
                        .timeout(Duration.ofSeconds(10))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }

    /** A GET with a bearer token, the body as text. */
    static HttpResponse<String> get(String url, String token) throws IOException, InterruptedException {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(5));
        if (token != null) {
            b.header("Authorization", "Bearer " + token);
        }
        return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    /** The controller's /status document. */
    @SuppressWarnings("unchecked")
    static Map<String, Object> adminStatus(int adminPort) throws IOException, InterruptedException {
        return (Map<String, Object>) Trees.parse(
                get("http://127.0.0.1:" + adminPort + "/status", null).body());
    }

    /** The sum of the samples of a metric whose line starts with this prefix, from the admin socket. */
    static double metric(int adminPort, String prefix) throws IOException, InterruptedException {
        String text =
                get("http://127.0.0.1:" + adminPort + "/observe/metrics", null).body();
        return text.lines()
                .filter(l -> l.startsWith(prefix))
                .mapToDouble(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1)))
                .sum();
    }
}
