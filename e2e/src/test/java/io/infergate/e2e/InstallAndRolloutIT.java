package io.infergate.e2e;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.extension.TestWatcher;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The install as users run it, on the test cluster, with the images this build wrote: the
 * walkthrough to the curl, then scaling, a rolling restart, a controller failover and a model pod
 * loss, each under load through the router Service's ClusterIP (from the host: the bridge the
 * cluster scripts created), then the uninstall. Counts go to the log and to
 * target/e2e-results.txt (docs/operations.md quotes them).
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class InstallAndRolloutIT {
    private static final String NS = "kthena-system";
    private static final Duration ROLLOUT = Duration.ofMinutes(6);
    private static Cluster cluster;
    private static Path root;
    private static URI service;

    @BeforeAll
    static void importImages() throws Exception {
        try {
            cluster = Cluster.fromEnvironment();
        } catch (Cluster.Unavailable e) {
            System.out.println("SKIPPED " + InstallAndRolloutIT.class.getSimpleName() + ": " + e.getMessage());
            assumeTrue(false, e.getMessage());
        }
        root = Commands.root();
        for (String m : List.of("controller", "router", "simulator")) {
            ImageArchive a = ImageArchive.of(m);
            assertTrue(a.exists(), "the build wrote no " + a.tar() + " (INFERGATE_IMAGE_BASE / -Pimages)");
            cluster.ctr(
                    Duration.ofMinutes(3), List.of("image", "import", a.tar().toString()));
        }
        Files.deleteIfExists(results());
        // a namespace left by an earlier run may still be terminating (the routers' 330 s grace)
        await().atMost(Duration.ofMinutes(7))
                .pollInterval(Duration.ofSeconds(3))
                .until(() -> cluster.tryKubectl("get", "namespace", NS).exit() != 0);
    }

    /**
     * On a failure, the controllers' logs, the router pods and the Gateway go to the test output
     * (the cluster and its logs are gone once .ci/run ends).
     */
    @RegisterExtension
    static final TestWatcher DIAGNOSE = new TestWatcher() {
        @Override
        public void testFailed(ExtensionContext context, Throwable cause) {
            if (cluster == null) {
                return;
            }
            StringBuilder out = new StringBuilder("==== diagnostics after " + context.getDisplayName() + "\n");
            for (String[] cmd : List.of(
                    new String[] {"-n", NS, "get", "pods,lease", "-o", "wide"},
                    new String[] {"get", "gateway,httproute,inferencepool,backendtlspolicy", "-A", "-o", "yaml"},
                    new String[] {"-n", NS, "get", "events", "--sort-by=.lastTimestamp"})) {
                out.append("---- kubectl ").append(String.join(" ", cmd)).append('\n');
                out.append(cluster.tryKubectl(cmd).output()).append('\n');
            }
            for (String pod : podNames(NS, "app.kubernetes.io/name=infergate-controller")) {
                out.append("---- logs of ").append(pod).append('\n');
                out.append(cluster.tryKubectl("-n", NS, "logs", pod, "--tail=400")
                                .output())
                        .append('\n');
            }
            System.out.println(out);
        }
    };

    /** Load generators of the running test: stopped even when an assertion ends the test early. */
    private final java.util.List<Traffic> loads = new java.util.ArrayList<>();

    private Traffic load(int workers, int maxTokens, boolean streamOnly) {
        Traffic t = new Traffic(walkedThrough(), workers, maxTokens, streamOnly);
        loads.add(t);
        return t;
    }

    @AfterEach
    void stopLoad() throws InterruptedException {
        for (Traffic t : loads) {
            t.close();
        }
        loads.clear();
    }

    private static Path results() {
        return root.resolve("e2e/target/e2e-results.txt");
    }

    private static void report(String line) throws Exception {
        System.out.println("E2E-RESULT " + line);
        Files.createDirectories(results().getParent());
        Files.writeString(results(), line + "\n", StandardOpenOption.CREATE, StandardOpenOption.APPEND);
    }

    private static String p(String rel) {
        return root.resolve(rel).toString();
    }

    private static int readyReplicas(String ns, String deployment) {
        String r = cluster.jsonpath(ns, "deployment/" + deployment, "{.status.readyReplicas}");
        return r.isEmpty() ? 0 : Integer.parseInt(r);
    }

    private static List<String> podNames(String ns, String selector) {
        String out = cluster.kubectl(
                        "-n",
                        ns,
                        "get",
                        "pods",
                        "-l",
                        selector,
                        "-o",
                        "jsonpath={range .items[*]}{.metadata.name}{\"\\n\"}{end}")
                .strip();
        return out.isEmpty() ? List.of() : Arrays.asList(out.split("\n"));
    }

    /** The router Service, once the walkthrough has worked (the later steps build on it). */
    private static URI walkedThrough() {
        assertTrue(service != null, "the walkthrough step failed: nothing to load");
        return service;
    }

    private static String condition(String ns, String object, String path, String type) {
        return cluster.jsonpath(ns, object, path + ".conditions[?(@.type==\"" + type + "\")].status}");
    }

    @Test
    @Order(1)
    void installBringsUpTwoControllersAndTwoRouters() throws Exception {
        String assets = System.getenv("INFERGATE_KUBE_ASSETS");
        assertTrue(assets != null, "INFERGATE_KUBE_ASSETS (the CRDs of .ci/kube-binaries.sh) is not set");
        // step 1 of docs/install.md, from the cached release files instead of the URLs
        cluster.kubectl("apply", "--server-side", "-f", assets + "/crds/gateway-api-standard");
        cluster.kubectl("apply", "--server-side", "-f", assets + "/crds/inference-extension");
        cluster.kubectl("wait", "--for=condition=Established", "crd", "--all", "--timeout=60s");
        // step 2
        cluster.kubectl("apply", "-k", p("kustomize/overlays/default"));
        cluster.kubectl(ROLLOUT, "-n", NS, "rollout", "status", "deployment/infergate-controller", "--timeout=360s");
        cluster.kubectl(ROLLOUT, "-n", NS, "rollout", "status", "deployment/kthena-router", "--timeout=360s");
        assertEquals(2, readyReplicas(NS, "infergate-controller"));
        assertEquals(2, readyReplicas(NS, "kthena-router"));
        await().atMost(Duration.ofSeconds(60))
                .until(() -> "True".equals(condition("", "gatewayclass/kthena-router", "{.status", "Accepted")));
        report("install: controller 2/2, routers 2/2 Ready; GatewayClass kthena-router Accepted");
    }

    @Test
    @Order(2)
    void walkthroughServesCompletionsFromEveryModelPod() throws Exception {
        // step 3: the model server (simulated pods labelled like the walkthrough's)
        cluster.kubectl("apply", "-k", p("kustomize/overlays/dev/demo"));
        cluster.kubectl(ROLLOUT, "-n", "default", "rollout", "status", "deployment/demo-backend1", "--timeout=360s");
        // steps 4-6 (01-gatewayclass.yaml is part of the install already; applying it again is a no-op)
        cluster.kubectl("apply", "-f", p("docs/examples/walkthrough"));
        // step 7
        await().atMost(Duration.ofSeconds(90))
                .until(() ->
                        "True".equals(condition("default", "gateway/inference-gateway", "{.status", "Programmed")));
        String address = cluster.jsonpath("default", "gateway/inference-gateway", "{.status.addresses[0].value}");
        String clusterIp = cluster.jsonpath(NS, "service/kthena-router", "{.spec.clusterIP}");
        String lb = cluster.jsonpath(NS, "service/kthena-router", "{.status.loadBalancer.ingress[0].ip}");
        assertEquals(lb.isEmpty() ? clusterIp : lb, address, "the Gateway's address is the router Service's");
        await().atMost(Duration.ofSeconds(60))
                .until(() -> "True"
                        .equals(condition(
                                "default", "httproute/kthena-demo-route", "{.status.parents[0]", "Accepted")));
        service = URI.create("http://" + clusterIp + ":80");
        // step 8, through the Service's ClusterIP
        HttpClient client =
                HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        Set<String> served = new TreeSet<>();
        for (int i = 0; i < 60 && served.size() < 3; i++) {
            boolean stream = i % 2 == 1;
            HttpResponse<String> res = client.send(
                    HttpRequest.newBuilder(service.resolve("/v1/completions"))
                            .timeout(Duration.ofSeconds(30))
                            .header("Content-Type", "application/json")
                            .POST(HttpRequest.BodyPublishers.ofString(
                                    "{\"model\":\"Qwen2.5-0.5B-Instruct\",\"prompt\":\"Write as if you"
                                            + " were a critic: San Francisco " + i
                                            + "\",\"max_tokens\":20,\"temperature\":0,\"stream\":" + stream + "}"))
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(200, res.statusCode(), res.body());
            assertTrue(
                    stream
                            ? res.body().stripTrailing().endsWith("data: [DONE]")
                            : res.body().contains("\"choices\""),
                    res.body());
            res.headers().firstValue("x-inference-pod").ifPresent(served::add);
        }
        Set<String> pods = podNames("default", "workload.serving.volcano.sh/model-name=demo").stream()
                .map(n -> n + "-0")
                .collect(Collectors.toCollection(TreeSet::new));
        assertEquals(pods, served, "answers came from every model pod");
        report("walkthrough: Gateway Programmed at " + address + " (router Service ClusterIP); completions, streaming"
                + " and not, through " + service + " from all model pods " + served);
    }

    @Test
    @Order(3)
    void scalingRoutersUnderLoadFailsNoRequest() throws Exception {
        // The test node has 2 CPUs: five routers at the install's 500m request would not all be
        // scheduled. Lower the request (a rollout of its own, finished before the load starts).
        cluster.kubectl(
                "-n", NS, "set", "resources", "deployment/kthena-router", "-c", "router", "--requests=cpu=100m");
        cluster.kubectl(ROLLOUT, "-n", NS, "rollout", "status", "deployment/kthena-router", "--timeout=360s");
        await().atMost(ROLLOUT)
                .pollInterval(Duration.ofSeconds(2))
                .until(() ->
                        podNames(NS, "app.kubernetes.io/name=kthena-router").size() == 2);
        Traffic load = load(6, 24, false);
        await().atMost(Duration.ofSeconds(60)).until(() -> load.completed() > 50);
        cluster.kubectl("-n", NS, "scale", "deployment", "kthena-router", "--replicas=5");
        await().atMost(ROLLOUT)
                .pollInterval(Duration.ofSeconds(2))
                .until(() -> readyReplicas(NS, "kthena-router") == 5);
        long at5 = load.completed();
        await().atMost(Duration.ofSeconds(60)).until(() -> load.completed() > at5 + 400);
        // every router, the three new ones included, is serving (a Ready router holds a snapshot;
        // one without would answer 404, which the load counts as a failure)
        var perRouter = new java.util.TreeMap<String, Long>();
        for (String pod : podNames(NS, "app.kubernetes.io/name=kthena-router")) {
            perRouter.put(pod, servedRequests(cluster.jsonpath(NS, "pod/" + pod, "{.status.podIP}")));
        }
        report("  requests served per router at 5 replicas: " + perRouter);
        assertTrue(perRouter.values().stream().allMatch(n -> n > 0), "a router took no traffic: " + perRouter);
        cluster.kubectl("-n", NS, "scale", "deployment", "kthena-router", "--replicas=2");
        await().atMost(ROLLOUT)
                .pollInterval(Duration.ofSeconds(2))
                .until(() ->
                        podNames(NS, "app.kubernetes.io/name=kthena-router").size() == 2);
        long at2 = load.completed();
        await().atMost(Duration.ofSeconds(60)).until(() -> load.completed() > at2 + 100);
        Traffic.Result r = load.stop();
        report("scale kthena-router 2 -> 5 -> 2 under load (6 clients, streaming and not): " + r);
        assertEquals(0, r.failed(), r.toString());
    }

    /** The pod holding the controller Lease (holderIdentity is {@code <pod>_<random>}). */
    private static String leaderPod() {
        String holder = cluster.jsonpath(NS, "lease/infergate-controller", "{.spec.holderIdentity}");
        int cut = holder.indexOf('_');
        return cut < 0 ? holder : holder.substring(0, cut);
    }

    /** The controller's own check of a router: the CA bundle, and the name kthena-router.<ns>.svc. */
    private static javax.net.ssl.SSLContext routerTrust(String caBundle) throws Exception {
        var trust = new io.infergate.controller.internalca.RouterTrust("kthena-router." + NS + ".svc");
        trust.update(io.infergate.common.tls.KeyMaterial.certificates(caBundle));
        return trust.context();
    }

    /**
     * Inference requests a router has served, from its metrics (internal port over TLS, pod IP),
     * verified against the controller's internal CA (docs/adr/0035-internal-api-tls.md).
     */
    private static long servedRequests(String podIp) throws Exception {
        return routerMetrics(podIp)
                .lines()
                .filter(l -> l.startsWith("inference_objective_request_total"))
                .mapToLong(l -> (long) Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1)))
                .sum();
    }

    /** A router pod's {@code /observe/metrics}, over the internal TLS port, verified as above. */
    private static String routerMetrics(String podIp) throws Exception {
        String ca = new String(
                java.util.Base64.getDecoder()
                        .decode(cluster.jsonpath(NS, "secret/infergate-router-tls", "{.data.ca\\.crt}")),
                java.nio.charset.StandardCharsets.UTF_8);
        HttpResponse<String> res = HttpClient.newBuilder()
                .sslContext(routerTrust(ca))
                .build()
                .send(
                        HttpRequest.newBuilder(URI.create("https://" + podIp + ":15000/observe/metrics"))
                                .timeout(Duration.ofSeconds(10))
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
        assertEquals(200, res.statusCode(), res.body());
        return res.body();
    }

    @Test
    @Order(4)
    void rollingRestartUnderLoadCompletesEveryStream() throws Exception {
        // long streams: 2000 tokens at the simulator's 5 ms inter-token latency, ~10 s each
        Traffic longStreams = load(4, 2000, true);
        Traffic load = load(4, 24, false);
        await().atMost(Duration.ofSeconds(60)).until(() -> load.completed() > 50);
        cluster.kubectl("-n", NS, "rollout", "restart", "deployment/kthena-router");
        cluster.kubectl(ROLLOUT, "-n", NS, "rollout", "status", "deployment/kthena-router", "--timeout=360s");
        await().atMost(ROLLOUT)
                .pollInterval(Duration.ofSeconds(2))
                .until(() ->
                        podNames(NS, "app.kubernetes.io/name=kthena-router").size() == 2);
        Traffic.Result streams = longStreams.stop();
        Traffic.Result r = load.stop();
        report("rollout restart kthena-router under load: long streams " + streams + "; short requests " + r);
        assertEquals(0, streams.failed(), streams.toString());
        assertEquals(0, r.failed(), r.toString());
        assertTrue(streams.ok() > 0, "long streams completed");
    }

    @Test
    @Order(5)
    void controllerFailoverUnderLoadFailsNoRequest() throws Exception {
        Traffic load = load(6, 24, false);
        await().atMost(Duration.ofSeconds(60)).until(() -> load.completed() > 50);
        String leader = leaderPod();
        assertTrue(podNames(NS, "app.kubernetes.io/name=infergate-controller").contains(leader), leader);
        assertEquals("True", condition("default", "gateway/inference-gateway", "{.status", "Programmed"));
        String programmedSince = programmedSince();
        cluster.kubectl("-n", NS, "delete", "pod", leader, "--wait=false");
        await().atMost(Duration.ofSeconds(120))
                .pollInterval(Duration.ofSeconds(1))
                .until(() -> {
                    String now = leaderPod();
                    return !now.isEmpty()
                            && !now.equals(leader)
                            && podNames(NS, "app.kubernetes.io/name=infergate-controller")
                                    .contains(now);
                });
        String newLeader = leaderPod();
        cluster.kubectl(ROLLOUT, "-n", NS, "rollout", "status", "deployment/infergate-controller", "--timeout=360s");
        long at = load.completed();
        await().atMost(Duration.ofSeconds(60)).until(() -> load.completed() > at + 100);
        Traffic.Result r = load.stop();
        assertEquals("True", condition("default", "gateway/inference-gateway", "{.status", "Programmed"));
        // Programmed never flipped: a False written in between and corrected since would have
        // moved its lastTransitionTime
        assertEquals(programmedSince, programmedSince(), "Programmed did not flip during the failover");
        assertEquals("True", condition("default", "httproute/kthena-demo-route", "{.status.parents[0]", "Accepted"));
        assertEquals("True", condition("default", "inferencepool/kthena-demo", "{.status.parents[0]", "Accepted"));
        // the new leader's view of the takeover (when it led, when the routers answered it)
        System.out.println(
                cluster.tryKubectl("-n", NS, "logs", newLeader, "--tail=12").output());
        report("delete the leading controller " + leader + " under load: " + newLeader + " leads; " + r);
        assertEquals(0, r.failed(), r.toString());
    }

    private static String programmedSince() {
        return cluster.jsonpath(
                "default",
                "gateway/inference-gateway",
                "{.status.conditions[?(@.type==\"Programmed\")].lastTransitionTime}");
    }

    @Test
    @Order(6)
    void losingAModelPodFailsOnlyRequestsOnIt() throws Exception {
        Traffic load = load(6, 24, false);
        await().atMost(Duration.ofSeconds(60)).until(() -> load.completed() > 100);
        String victim = podNames("default", "workload.serving.volcano.sh/model-name=demo")
                .get(0);
        cluster.kubectl("-n", "default", "delete", "pod", victim, "--wait=false");
        await().atMost(ROLLOUT)
                .pollInterval(Duration.ofSeconds(2))
                .until(() -> readyReplicas("default", "demo-backend1") == 3
                        && !podNames("default", "workload.serving.volcano.sh/model-name=demo")
                                .contains(victim));
        await().atMost(Duration.ofMinutes(3)).until(() -> load.completed() > 2000);
        Traffic.Result r = load.stop();
        report("delete model pod " + victim + " under load: " + r);
        assertTrue(r.failed() * 1000 < r.total(), "more than 0.1% failed: " + r);
    }

    @Test
    @Order(7)
    void backendTlsPolicyToATlsSimulatorPod() throws Exception {
        var steps = new BackendTlsSteps(cluster, walkedThrough(), root.resolve("e2e/target/backend-tls"), ip -> {
            try {
                return routerMetrics(ip);
            } catch (Exception e) {
                throw new IllegalStateException("metrics of router " + ip, e);
            }
        });
        report(steps.run());
    }

    @Test
    @Order(8)
    void uninstallRemovesEverything() throws Exception {
        // step 9 of the walkthrough, then the uninstall
        cluster.kubectl("delete", "httproute", "kthena-demo-route", "--ignore-not-found");
        cluster.kubectl("delete", "gateway", "inference-gateway", "--ignore-not-found");
        cluster.kubectl("delete", "inferencepool", "kthena-demo", "--ignore-not-found");
        cluster.kubectl("delete", "-k", p("kustomize/overlays/dev/demo"), "--ignore-not-found");
        // docs/install.md "Uninstall": the Deployments first, waiting for their pods (the routers
        // drain and exit within seconds when idle), so that the namespace controller finds no pod
        // and does not wait out the routers' 330 s grace period
        long t0 = System.nanoTime();
        cluster.kubectl(ROLLOUT, "-n", NS, "delete", "deployment", "--all", "--cascade=foreground", "--timeout=300s");
        long podsGone = Duration.ofNanos(System.nanoTime() - t0).toSeconds();
        cluster.kubectl(
                ROLLOUT, "delete", "-k", p("kustomize/overlays/default"), "--ignore-not-found", "--timeout=300s");
        await().atMost(Duration.ofMinutes(2))
                .pollInterval(Duration.ofSeconds(1))
                .until(() -> cluster.tryKubectl("get", "namespace", NS).exit() != 0);
        long nsGone = Duration.ofNanos(System.nanoTime() - t0).toSeconds();
        await().atMost(Duration.ofMinutes(1))
                .until(() -> podNames("default", "workload.serving.volcano.sh/model-name=demo")
                        .isEmpty());
        assertTrue(cluster.tryKubectl("get", "gatewayclass", "kthena-router").exit() != 0, "GatewayClass deleted");
        report("uninstall: namespace " + NS + ", GatewayClass and the model pods are gone (Infergate's pods gone after "
                + podsGone + " s, the namespace after " + nsGone + " s)");
    }
}
