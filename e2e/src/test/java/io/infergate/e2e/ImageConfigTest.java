package io.infergate.e2e;

import jakarta.json.JsonObject;
import jakarta.json.JsonString;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The images the build wrote (profile {@code images}): non-root, the entrypoint starts the
 * module's main class, the JVM sizes its heap from the container's memory limit, and a clean
 * rebuild gives the same digest. Skipped, with the reason printed, when the profile was off.
 */
class ImageConfigTest {

    private static ImageArchive archive(String module) {
        ImageArchive a = ImageArchive.of(module);
        if (!a.exists()) {
            System.out.println("SKIPPED image checks of " + module + ": no " + a.tar()
                    + " (build with ./mvnw package -Pimages, or set INFERGATE_IMAGE_BASE as .ci/run does)");
        }
        assumeTrue(a.exists(), "no image archive " + a.tar());
        return a;
    }

    @ParameterizedTest
    @ValueSource(strings = {"controller", "router", "simulator"})
    void configRunsTheModuleAsNonRootWithAContainerAwareHeap(String module) {
        ImageArchive a = archive(module);
        assertEquals(
                List.of(a.reference()), a.manifest().getJsonArray("RepoTags").getValuesAs(JsonString::getString));
        JsonObject config = a.config();
        JsonObject c = config.getJsonObject("config");
        assertEquals("65532:65532", c.getString("User"), "numeric non-root user");
        assertEquals(
                List.of("java", "-cp", "@/app/jib-classpath-file", "io.infergate." + module + ".Main"),
                c.getJsonArray("Entrypoint").getValuesAs(JsonString::getString));
        Map<String, String> env = c.getJsonArray("Env").getValuesAs(JsonString::getString).stream()
                .map(e -> e.split("=", 2))
                .collect(Collectors.toMap(kv -> kv[0], kv -> kv[1]));
        String opts = env.getOrDefault("JAVA_TOOL_OPTIONS", "");
        assertTrue(opts.contains("-XX:MaxRAMPercentage=75"), opts);
        assertTrue(opts.contains("-XX:+ExitOnOutOfMemoryError"), opts);
        assertTrue(opts.contains("-Djava.io.tmpdir=/tmp"), opts);
        assertEquals("/tmp", env.get("HOME"));
        assertTrue(env.getOrDefault("PATH", "").contains("/opt/java"), "java on PATH: " + env.get("PATH"));
        assertEquals("/app", c.getString("WorkingDir"));
        // reproducibility needs fixed times: no build time anywhere in the config
        assertEquals("1970-01-01T00:00:00Z", config.getString("created"));
        config.getJsonArray("history")
                .getValuesAs(JsonObject.class)
                .forEach(h -> assertEquals("1970-01-01T00:00:00Z", h.getString("created"), h.toString()));
    }

    /**
     * .ci/run builds the images once from a clean tree, keeps their digests in the file named by
     * INFERGATE_IMAGE_DIGESTS ({@code <module> <digest>} lines), cleans, and builds again in
     * {@code ./mvnw verify}: the same inputs must give the same digests.
     */
    @ParameterizedTest
    @ValueSource(strings = {"controller", "router", "simulator"})
    void aCleanRebuildGivesTheSameDigest(String module) throws Exception {
        ImageArchive a = archive(module);
        String file = System.getenv("INFERGATE_IMAGE_DIGESTS");
        if (file == null || !Files.isRegularFile(Path.of(file))) {
            System.out.println("SKIPPED reproducibility of " + module
                    + ": INFERGATE_IMAGE_DIGESTS does not name the digests of an earlier build (.ci/run writes it)");
        }
        assumeTrue(file != null && Files.isRegularFile(Path.of(file)), "no earlier digests");
        Map<String, String> earlier = Files.readAllLines(Path.of(file)).stream()
                .map(String::strip)
                .filter(l -> !l.isEmpty())
                .map(l -> l.split("\\s+", 2))
                .collect(Collectors.toMap(kv -> kv[0], kv -> kv[1]));
        assertTrue(earlier.containsKey(module), "no earlier digest of " + module + " in " + file);
        assertEquals(earlier.get(module), a.digest(), "digest of " + module + " after a clean rebuild");
    }
}
