package io.infergate.e2e;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * The running test cluster of .ci/cluster/ci-cluster.sh, named by INFERGATE_CLUSTER_DIR (its work
 * dir: {@code api/kubeconfig}, {@code containerd/containerd.sock}); kubectl and ctr against it.
 */
record Cluster(Path dir) {

    /** The cluster, or why these tests cannot run here (printed by the caller). */
    static Cluster fromEnvironment() {
        String d = System.getenv("INFERGATE_CLUSTER_DIR");
        if (d == null || d.isBlank()) {
            throw new Unavailable("INFERGATE_CLUSTER_DIR is not set: no test cluster (.ci/run starts one as root"
                    + " with .ci/cluster/ci-cluster.sh; see docs/adr/0015-images-and-test-cluster.md)");
        }
        Cluster c = new Cluster(Path.of(d));
        if (!Files.isRegularFile(c.kubeconfig())) {
            throw new Unavailable("no kubeconfig at " + c.kubeconfig() + ": the cluster is not running");
        }
        if (!Files.exists(c.containerdSocket())) {
            throw new Unavailable("no containerd socket at " + c.containerdSocket());
        }
        return c;
    }

    /** Why the cluster tests are skipped. */
    static final class Unavailable extends RuntimeException {
        private static final long serialVersionUID = 1L;

        Unavailable(String why) {
            super(why);
        }
    }

    Path kubeconfig() {
        return dir.resolve("api/kubeconfig");
    }

    Path containerdSocket() {
        return dir.resolve("containerd/containerd.sock");
    }

    String kubectl(String... args) {
        return kubectl(Duration.ofMinutes(2), args);
    }

    String kubectl(Duration timeout, String... args) {
        return Commands.check(Map.of("KUBECONFIG", kubeconfig().toString()), timeout, Commands.list("kubectl", args));
    }

    /** kubectl that may fail (returns the result instead of throwing). */
    Commands.Result tryKubectl(String... args) {
        return Commands.run(
                Map.of("KUBECONFIG", kubeconfig().toString()), Duration.ofSeconds(60), Commands.list("kubectl", args));
    }

    String ctr(Duration timeout, List<String> args) {
        var cmd = Commands.list("ctr", "--address", containerdSocket().toString(), "-n", "k8s.io");
        cmd.addAll(args);
        return Commands.check(Map.of(), timeout, cmd);
    }

    String jsonpath(String namespace, String object, String path) {
        return kubectl("-n", namespace, "get", object, "-o", "jsonpath=" + path).strip();
    }
}
