package io.infergate.e2e;

import jakarta.json.JsonString;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The router image the build wrote, run by the test cluster's containerd (runc): it starts as
 * its image config says and answers {@code --help}; in a Pod with a memory limit the JVM takes
 * 75% of the limit as its maximum heap.
 */
class ImagesInContainerdIT {
    private static Cluster cluster;
    private static ImageArchive router;

    @BeforeAll
    static void importImage() {
        try {
            cluster = Cluster.fromEnvironment();
        } catch (Cluster.Unavailable e) {
            System.out.println("SKIPPED " + ImagesInContainerdIT.class.getSimpleName() + ": " + e.getMessage());
            assumeTrue(false, e.getMessage());
        }
        router = ImageArchive.of("router");
        assertTrue(router.exists(), "the build wrote no " + router.tar() + " (INFERGATE_IMAGE_BASE / -Pimages)");
        cluster.ctr(
                Duration.ofMinutes(3), List.of("image", "import", router.tar().toString()));
    }

    private static List<String> entrypoint() {
        return router.config()
                .getJsonObject("config")
                .getJsonArray("Entrypoint")
                .getValuesAs(JsonString::getString);
    }

    private static String run(List<String> extra, List<String> args) {
        var cmd = new ArrayList<String>(List.of("run", "--rm"));
        cmd.addAll(extra);
        cmd.add(router.reference());
        cmd.add("infergate-e2e-" + System.nanoTime());
        cmd.addAll(args); // ctr replaces the whole process args: the image's entrypoint comes first
        return cluster.ctr(Duration.ofMinutes(2), cmd);
    }

    @Test
    void routerImageAnswersHelp() {
        var args = new ArrayList<>(entrypoint());
        args.add("--help");
        String out = run(List.of(), args);
        assertTrue(out.contains("Usage: router --token-file PATH"), out);
    }

    /**
     * In a Pod (the CRI mounts the container's cgroup, which a bare {@code ctr run} does not), the
     * JVM reads the memory limit and JAVA_TOOL_OPTIONS gives 75% of it to the heap.
     */
    @Test
    void heapFollowsThePodMemoryLimit() {
        long limit = 256L << 20;
        String ns = "e2e-images";
        if (cluster.tryKubectl("get", "namespace", ns).exit() != 0) {
            cluster.kubectl("create", "namespace", ns);
        }
        String node = cluster.kubectl("get", "nodes", "-o", "jsonpath={.items[0].metadata.name}")
                .strip();
        String pod = """
                apiVersion: v1
                kind: Pod
                metadata: {name: heap, namespace: %s}
                spec:
                  nodeName: %s
                  restartPolicy: Never
                  automountServiceAccountToken: false
                  securityContext: {runAsNonRoot: true, seccompProfile: {type: RuntimeDefault}}
                  containers:
                  - name: java
                    image: %s
                    imagePullPolicy: Never
                    command: [java, -XX:+PrintFlagsFinal, -version]
                    resources: {limits: {memory: "%d", cpu: 500m}}
                    securityContext: {allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: {drop: [ALL]}}
                """.formatted(ns, node, router.reference(), limit);
        try {
            java.nio.file.Path f = java.nio.file.Files.createTempFile("heap-pod", ".yaml");
            java.nio.file.Files.writeString(f, pod);
            cluster.kubectl("apply", "-f", f.toString());
            java.nio.file.Files.delete(f);
            cluster.kubectl(
                    Duration.ofMinutes(3),
                    "-n",
                    ns,
                    "wait",
                    "--for=jsonpath={.status.phase}=Succeeded",
                    "pod/heap",
                    "--timeout=170s");
            String out = cluster.kubectl("-n", ns, "logs", "heap");
            Matcher m = Pattern.compile("size_t MaxHeapSize\\s+=\\s+(\\d+)").matcher(out);
            assertTrue(m.find(), out);
            long maxHeap = Long.parseLong(m.group(1));
            // JAVA_TOOL_OPTIONS -XX:MaxRAMPercentage=75 (rounded to the heap alignment)
            assertTrue(
                    maxHeap > limit * 70 / 100 && maxHeap <= limit * 76 / 100,
                    "MaxHeapSize " + maxHeap + " for a " + limit + " byte limit");
            assertTrue(out.contains("Picked up JAVA_TOOL_OPTIONS"), out);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        } finally {
            cluster.tryKubectl("delete", "namespace", ns, "--wait=false");
        }
    }
}
