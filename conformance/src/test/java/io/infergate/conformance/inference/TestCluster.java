package io.infergate.conformance.inference;

import io.infergate.controller.kube.KubeRest;
import io.infergate.controller.kube.Trees;
import org.awaitility.core.ConditionTimeoutException;

import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;

import static org.awaitility.Awaitility.await;

/**
 * The real single-node test cluster of .ci/cluster/ci-cluster.sh (its work dir in
 * {@code INFERGATE_CLUSTER_DIR}) with Infergate installed by {@code kubectl apply -k} (the
 * conformance overlay: a Service per Gateway, ADR 0028). The cases run as the upstream suite would
 * there: its base manifest ({@code cluster-base.yaml}, the suite's Deployments of echo-basic and of
 * the real {@code lwepp} v1.6.2 image) is applied and the Deployments awaited; requests go from the
 * test host to each Gateway's status address (its Service's cluster IP, through kube-proxy); at the
 * end the suite's namespaces are deleted. Installing Infergate and importing the images is the
 * caller's part (.ci/cluster/inference-conformance.sh).
 */
final class TestCluster implements InferenceTarget {

    /** The suite's namespaces, deleted at the end (their objects go with them). */
    private static final List<String> NAMESPACES = List.of("inference-conformance-infra", LoopbackCluster.APP);

    private static final Duration ROLLOUT = Duration.ofMinutes(5);
    private static final Duration CLEANUP = Duration.ofMinutes(4);

    private final Path dir;
    private final KubeRest rest;
    private final String gatewayClass;

    private TestCluster(Path dir, KubeRest rest, String gatewayClass) {
        this.dir = dir;
        this.rest = rest;
        this.gatewayClass = gatewayClass;
    }

    /** Why the cluster run is skipped here, or null when it can run. */
    static String unavailable() {
        if (!"1".equals(System.getenv("INFERGATE_IE_CLUSTER"))) {
            return "INFERGATE_IE_CLUSTER is not 1: the cluster run is started by .ci/cluster/inference-conformance.sh"
                    + " (after ci-cluster.sh start), which installs Infergate and the suite's images first";
        }
        String d = System.getenv("INFERGATE_CLUSTER_DIR");
        if (d == null || d.isBlank() || !Files.isRegularFile(Path.of(d, "api", "env"))) {
            return "INFERGATE_CLUSTER_DIR (" + d + ") names no running test cluster (no api/env)";
        }
        return null;
    }

    /** Connects to the cluster, checks Infergate serves the GatewayClass, applies the base manifest and waits for it. */
    static TestCluster start() throws Exception {
        Path dir = Path.of(System.getenv("INFERGATE_CLUSTER_DIR"));
        Map<String, String> env = new LinkedHashMap<>();
        for (String line : Files.readAllLines(dir.resolve("api/env"), StandardCharsets.UTF_8)) {
            int eq = line.indexOf('=');
            if (eq > 0) {
                env.put(line.substring(0, eq), line.substring(eq + 1));
            }
        }
        KubeRest rest = KubeRest.connect(
                URI.create(env.get("KUBE_API_URL")), env.get("KUBE_TOKEN"), Path.of(env.get("KUBE_CA_FILE")));
        String gatewayClass = System.getenv().getOrDefault("INFERGATE_IE_GATEWAY_CLASS", "kthena-router");
        TestCluster c = new TestCluster(dir, rest, gatewayClass);
        c.setUp();
        return c;
    }

    private void setUp() throws Exception {
        waitFor("GatewayClass " + gatewayClass + " Accepted (Infergate installed)", Duration.ofMinutes(2), () -> {
            var gc = rest.get(ApiObjects.GATEWAY_API, "GatewayClass", "", gatewayClass);
            return gc.isPresent() && hasCondition(Trees.map(gc.get(), "status"), "Accepted") ? null : "not yet";
        });
        // A previous run's namespaces may still be going.
        waitForNamespacesGone();
        String yaml = Manifests.substitute(Manifests.resource("cluster-base.yaml"), substitutions());
        rest.apply(yaml);
        List<String> deployments = new ArrayList<>();
        for (Manifests.Ref ref : Manifests.objects(yaml)) {
            if (ref.kind().equals("Deployment")) {
                deployments.add(ref.namespace() + "/" + ref.name());
            }
        }
        for (String d : deployments) {
            String[] nn = d.split("/", 2);
            waitFor("Deployment " + d + " available", ROLLOUT, () -> {
                Map<String, Object> o =
                        rest.get("apps/v1", "Deployment", nn[0], nn[1]).orElse(Map.of());
                Map<String, Object> spec = Trees.map(o, "spec");
                Map<String, Object> status = Trees.map(o, "status");
                Object want = spec == null ? null : spec.get("replicas");
                Object ready = status == null ? null : status.get("readyReplicas");
                return want != null && want.equals(ready) ? null : "ready " + ready + " of " + want;
            });
        }
    }

    private static boolean hasCondition(Map<String, Object> status, String type) {
        if (status == null) {
            return false;
        }
        for (Object c : Trees.list(status, "conditions")) {
            @SuppressWarnings("unchecked")
            Map<String, Object> cond = (Map<String, Object>) c;
            if (type.equals(cond.get("type")) && "True".equals(cond.get("status"))) {
                return true;
            }
        }
        return false;
    }

    private void waitForNamespacesGone() {
        waitFor("the suite's namespaces to be gone", CLEANUP, () -> {
            List<String> left = new ArrayList<>();
            for (String ns : NAMESPACES) {
                if (rest.get("v1", "Namespace", "", ns).isPresent()) {
                    left.add(ns);
                }
            }
            return left.isEmpty() ? null : "still there: " + left;
        });
    }

    @Override
    public KubeRest rest() {
        return rest;
    }

    @Override
    public String gatewayClassName() {
        return gatewayClass;
    }

    @Override
    public Map<String, String> substitutions() {
        return Map.of("{GATEWAY_CLASS_NAME}", gatewayClass, "{PORT_80}", "80");
    }

    @Override
    public String mode() {
        return "transcription-cluster";
    }

    @Override
    public String description() {
        return "the single-node test cluster of .ci/cluster (Kubernetes v1.37.2: containerd, runc,"
                + " kube-proxy) with Infergate\n# installed by `kubectl apply -k kustomize/overlays/conformance`"
                + " (controller and routers as Pods, a Service per\n# Gateway: ADR 0028), GatewayClass "
                + gatewayClass + "; the suite's base Deployments as upstream declares them: echo-basic\n# (built"
                + " from sigs.k8s.io/gateway-api/conformance v1.6.3) as the model servers and the real lwepp"
                + " v1.6.2\n# image (built from sigs.k8s.io/gateway-api-inference-extension/cmd/lwepp) per pool;"
                + " requests from the\n# host to each Gateway's status address (its Service's cluster IP), port 80";
    }

    @Override
    public Path reportFile() {
        String file = System.getenv("INFERGATE_IE_REPORT");
        return file == null || file.isBlank()
                ? Path.of("target", "inference-conformance-cluster-report.yaml")
                : Path.of(file);
    }

    @Override
    public boolean echoReportsListenerPort() {
        return false;
    }

    /**
     * On a cluster a Service that selects nothing does not end established connections (kube-proxy
     * keeps their conntrack entries), so the router's open HTTP/2 connection to the picker would
     * still reach it: besides the selector, the picker's Deployment is scaled to 0 and its Pod
     * awaited gone. Restoring scales it back to 1 and waits for the rollout.
     */
    @Override
    public Runnable makePickerUnavailable(ApiObjects api, ApiObjects.Name service, String deployment) throws Exception {
        Runnable restoreService = api.makeServiceUnavailable(service);
        String ns = service.namespace();
        kubectl("-n", ns, "scale", "deployment", deployment, "--replicas=0");
        kubectl("-n", ns, "wait", "--for=delete", "pod", "-l", "app=" + selectorApp(deployment), "--timeout=180s");
        return () -> {
            restoreService.run();
            try {
                kubectl("-n", ns, "scale", "deployment", deployment, "--replicas=1");
                kubectl("-n", ns, "rollout", "status", "deployment/" + deployment, "--timeout=180s");
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        };
    }

    /** The Deployment's {@code app} label selector value. */
    private String selectorApp(String deployment) throws IOException, InterruptedException {
        Map<String, Object> d = rest.get("apps/v1", "Deployment", LoopbackCluster.APP, deployment)
                .orElseThrow();
        Map<String, Object> labels = Trees.map(Trees.map(Trees.map(d, "spec"), "selector"), "matchLabels");
        return (String) labels.get("app");
    }

    private void kubectl(String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of("kubectl"));
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        pb.environment().put("KUBECONFIG", dir.resolve("api/kubeconfig").toString());
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(200, java.util.concurrent.TimeUnit.SECONDS) || p.exitValue() != 0) {
            p.destroyForcibly();
            throw new IOException(String.join(" ", cmd) + " failed: " + out);
        }
    }

    /** Deletes the suite's namespaces and waits until they are gone, so that the next run starts clean. */
    @Override
    public void close() {
        try {
            for (String ns : NAMESPACES) {
                rest.delete("v1", "Namespace", "", ns);
            }
            waitForNamespacesGone();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public String toString() {
        return "TestCluster[" + dir + "]";
    }

    private interface Probe {
        /** Null when satisfied, else what was seen. */
        String probe() throws Exception;
    }

    private static void waitFor(String what, Duration within, Probe probe) {
        AtomicReference<String> seen = new AtomicReference<>("nothing yet");
        try {
            await(what)
                    .atMost(within)
                    .pollDelay(Duration.ZERO)
                    .pollInterval(Duration.ofMillis(500))
                    .until(() -> {
                        String s = probe.probe();
                        if (s != null) {
                            seen.set(s);
                        }
                        return s == null;
                    });
        } catch (ConditionTimeoutException e) {
            throw new AssertionError(
                    "timed out after " + within.toSeconds() + " s waiting for " + what + "; last seen: " + seen.get());
        }
    }
}
