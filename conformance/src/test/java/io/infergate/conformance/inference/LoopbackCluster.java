package io.infergate.conformance.inference;

import io.infergate.controller.ClusterConfig;
import io.infergate.controller.ClusterControllerApp;
import io.infergate.controller.kube.GiePickers;
import io.infergate.controller.kube.KubeApiServer;
import io.infergate.controller.kube.KubeRest;
import io.infergate.controller.kube.Trees;
import io.infergate.router.RouterApp;
import io.infergate.router.RouterConfig;
import io.infergate.simulator.SimulatedPod;
import io.infergate.simulator.SimulatorConfig;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.ThreadLocalRandom;

import static org.awaitility.Awaitility.await;

/**
 * The suite's cluster on one machine: a real kube-apiserver (no controllers, no kubelet) holding the
 * suite's objects, and on loopback addresses what a cluster would run for them.
 *
 * <ul>
 *   <li>Pods: each model-server Pod of base.yaml is a simulator echo pod per container port on the
 *       Pod's loopback podIP (reporting its Pod name, namespace and port like echo-basic); each
 *       endpoint-picker Pod is a real {@code lwepp} v1.6.2 process (the loopback-only main built by
 *       .ci/gie-pickers.sh) listening on its podIP:9002 and watching its pool through the API server.
 *       The fixture writes their status (Running, Ready, podIP), as a kubelet would.
 *   <li>Services: the API server's Service range is a loopback /24, and {@link ServiceProxy} plays
 *       kube-proxy, so the controller's picker addresses (Service cluster IPs) and the Gateways'
 *       addresses (the router Service and the per-Gateway Services of ADR 0006) are reachable.
 *   <li>Infergate: the cluster-mode controller (leader election, informers, status writer) and one
 *       router, whose Pod {@code kthena-system/kthena-router-0} it discovers and pushes to.
 * </ul>
 *
 * <p>Every run takes its own random 127.x.y.0/24 for pods and the next /24 for Services, so the
 * upstream ports (3000-3005, 9002) are kept as they are and two runs on one machine do not meet.
 */
final class LoopbackCluster implements InferenceTarget {

    static final String GATEWAY_CLASS = "infergate";
    static final String APP = "inference-conformance-app-backend";
    private static final String SYSTEM = "kthena-system";
    private static final String LWEPP_VERSION = "v1.6.2";
    private static final String KUBE_VERSION = "v1.37.2";

    /** The addresses of one run. */
    record Net(String prefix, String serviceCidr) {
        /** A random unused pod /24 (127.100-199.y.0) and the /24 after it for Services. */
        static Net random() {
            for (int attempt = 0; attempt < 20; attempt++) {
                int a = ThreadLocalRandom.current().nextInt(100, 200);
                int b = ThreadLocalRandom.current().nextInt(0, 127) * 2;
                Net net = new Net("127." + a + "." + b + ".", "127." + a + "." + (b + 1) + ".0/24");
                if (canBind(net.ip(1), 3000) && canBind(net.ip(100), 0)) {
                    return net;
                }
            }
            throw new IllegalStateException("no free loopback /24 found");
        }

        String ip(int host) {
            return prefix + host;
        }
    }

    /** One Pod of base.yaml that the fixture runs: its name, podIP and the ports it serves. */
    private record PodSpec(String name, String ip, List<Integer> ports) {}

    private final Net net;
    private final KubeApiServer api;
    private final Path lwepp;
    private final int listenerPort;
    private final List<SimulatedPod> sims = new ArrayList<>();
    private final Map<String, Process> pickers = new LinkedHashMap<>();
    private ServiceProxy proxy;
    private ClusterControllerApp controller;
    private RouterApp router;

    private LoopbackCluster(Net net, KubeApiServer api, Path lwepp) {
        this.net = net;
        this.api = api;
        this.lwepp = lwepp;
        this.listenerPort = freePort(net.ip(100));
    }

    /** The lwepp-loopback binary, when it is built (.ci/gie-pickers.sh). */
    static Optional<Path> lweppBinary() {
        return GiePickers.binary(GiePickers.LWEPP);
    }

    /** Starts everything around a running API server and applies base.yaml; returns once the router is served. */
    static LoopbackCluster start(Net net, KubeApiServer api, Path lwepp) throws Exception {
        LoopbackCluster c = new LoopbackCluster(net, api, lwepp);
        try {
            c.startAll();
            return c;
        } catch (Exception | AssertionError e) {
            c.close();
            throw e;
        }
    }

    private List<PodSpec> modelPods() {
        List<PodSpec> out = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            out.add(new PodSpec("primary-inference-model-server-deployment-" + i, net.ip(1 + i), List.of(3000)));
            out.add(new PodSpec("secondary-inference-model-server-deployment-" + i, net.ip(11 + i), List.of(3000)));
            out.add(new PodSpec(
                    "appprotocol-inference-model-server-deployment-" + i, net.ip(21 + i), List.of(3000, 3001)));
            out.add(new PodSpec(
                    "dp-inference-model-server-deployment-" + i, net.ip(31 + i), List.of(3000, 3002, 3004)));
        }
        return out;
    }

    /** Picker name prefix → its pool; the Pod is {@code <prefix>-app-endpoint-picker-0}. */
    private static final Map<String, String> PICKERS = pickers();

    private static Map<String, String> pickers() {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("primary", "primary-inference-pool");
        m.put("secondary", "secondary-inference-pool");
        m.put("appprotocol-http", "appprotocol-http-inference-pool");
        m.put("appprotocol-h2c", "appprotocol-h2c-inference-pool");
        m.put("dp", "dp-inference-pool");
        return m;
    }

    private void startAll() throws Exception {
        KubeRest rest = api.rest();
        for (PodSpec p : modelPods()) {
            for (int port : p.ports()) {
                sims.add(SimulatedPod.start(SimulatorConfig.builder()
                        .host(p.ip())
                        .port(port)
                        .podName(p.name())
                        .namespace(APP)
                        .build()));
            }
        }
        rest.apply(Manifests.substitute(Manifests.resource("base.yaml"), substitutions()));
        for (PodSpec p : modelPods()) {
            runningAndReady(rest, APP, p.name(), p.ip());
        }
        int n = 0;
        for (Map.Entry<String, String> e : PICKERS.entrySet()) {
            String ip = net.ip(200 + n++);
            runningAndReady(rest, APP, e.getKey() + "-app-endpoint-picker-0", ip);
            pickers.put(e.getKey(), startPicker(e.getKey(), e.getValue(), ip));
        }
        proxy = new ServiceProxy(rest);

        // Infergate as installed: its namespace, the router Service and Pod, the controller.
        String routerIp = net.ip(100);
        int internalPort = freePort(routerIp);
        rest.apply("""
                apiVersion: v1
                kind: Namespace
                metadata: {name: %s}
                ---
                apiVersion: v1
                kind: Service
                metadata: {name: kthena-router, namespace: %s}
                spec:
                  selector: {app.kubernetes.io/name: kthena-router}
                  ports: [{name: http, port: %d, targetPort: %d}]
                ---
                apiVersion: gateway.networking.k8s.io/v1
                kind: GatewayClass
                metadata: {name: %s}
                spec: {controllerName: infergate.io/gateway-controller}
                ---
                apiVersion: v1
                kind: Pod
                metadata:
                  name: kthena-router-0
                  namespace: %s
                  labels: {app.kubernetes.io/name: kthena-router}
                spec: {containers: [{name: router, image: infergate/router}]}
                """.formatted(SYSTEM, SYSTEM, listenerPort, listenerPort, GATEWAY_CLASS, SYSTEM));
        runningAndReady(rest, SYSTEM, "kthena-router-0", routerIp);
        controller = ClusterControllerApp.start(
                ClusterConfig.defaults(SYSTEM, "inference-conformance")
                        .withKubeconfig(api.kubeconfig())
                        .withRouterInternalPort(internalPort)
                        .withAdmin("127.0.0.1", 0)
                        .withTuning(ClusterConfig.Tuning.defaults().withDiscoveryPeriod(Duration.ofSeconds(1))),
                Clock.systemUTC());
        await("the leader writes the snapshot token Secret")
                .atMost(Duration.ofSeconds(30))
                .until(() -> rest.get("v1", "Secret", SYSTEM, "infergate-snapshot-token")
                        .isPresent());
        Map<String, Object> secret =
                rest.get("v1", "Secret", SYSTEM, "infergate-snapshot-token").orElseThrow();
        String token = new String(
                Base64.getDecoder().decode((String) Trees.map(secret, "data").get("token")), StandardCharsets.UTF_8);
        // seeded: the weighted split between pools repeats run after run
        router = RouterApp.start(RouterConfig.defaults(routerIp, internalPort, token), new Random(42));
        await("the router holds a snapshot")
                .atMost(Duration.ofSeconds(30))
                .pollInterval(Duration.ofMillis(50))
                .until(router::ready);
    }

    private Process startPicker(String prefix, String pool, String ip) throws IOException {
        return GiePickers.start(
                lwepp,
                List.of(
                        "--pool-name=" + pool,
                        "--pool-namespace=" + APP,
                        "--listen=" + ip + ":9002",
                        "--secure-serving=true"),
                api.kubeconfig(),
                Path.of("target", "infergate-it-lwepp-" + prefix + ".log"));
    }

    /** What a kubelet would report: running, an IP, Ready. */
    static void runningAndReady(KubeRest rest, String namespace, String pod, String ip) throws Exception {
        rest.patchStatus("v1", "Pod", namespace, pod, """
                {"status": {"phase": "Running", "podIP": "%s", "podIPs": [{"ip": "%s"}],
                 "conditions": [{"type": "Ready", "status": "True"}]}}""".formatted(ip, ip));
    }

    @Override
    public KubeRest rest() {
        return api.rest();
    }

    @Override
    public String gatewayClassName() {
        return GATEWAY_CLASS;
    }

    @Override
    public Map<String, String> substitutions() {
        return Map.of("{GATEWAY_CLASS_NAME}", GATEWAY_CLASS, "{PORT_80}", Integer.toString(listenerPort));
    }

    @Override
    public String mode() {
        return "transcription-kube-apiserver";
    }

    @Override
    public Path reportFile() {
        return Path.of("target", "inference-conformance-report.yaml");
    }

    @Override
    public boolean echoReportsListenerPort() {
        return true;
    }

    @Override
    public String description() {
        return "a real kube-apiserver " + KUBE_VERSION
                + " without kubelet or kube-proxy (loopback pods and\n# Services,"
                + " a test kube-proxy), Infergate's cluster-mode controller and one router in-process, and the\n# real lwepp "
                + LWEPP_VERSION + " as every pool's endpoint picker; listener port 80 served on " + listenerPort;
    }

    @Override
    public void close() {
        if (controller != null) {
            controller.close();
        }
        if (router != null) {
            router.close();
        }
        if (proxy != null) {
            proxy.close();
        }
        for (Process p : pickers.values()) {
            try {
                GiePickers.stop(p);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        sims.forEach(SimulatedPod::close);
    }

    private static int freePort(String address) {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getByName(address))) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static boolean canBind(String address, int port) {
        try (ServerSocket s = new ServerSocket()) {
            s.bind(new InetSocketAddress(InetAddress.getByName(address), port));
            return true;
        } catch (IOException e) {
            return false;
        }
    }
}
