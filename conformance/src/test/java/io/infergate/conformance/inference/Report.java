package io.infergate.conformance.inference;

import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.TestWatcher;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * Records each case's outcome under its upstream test name (its display name) and writes the run
 * as a report in the shape of the upstream suite's ({@code ConformanceReport} with
 * {@code GatewayAPIInferenceExtensionVersion}, profile {@code Gateway}), to
 * the target's report file. The mode says it was a transcription and where it ran; comment lines
 * list every test's outcome (the upstream shape lists only the failed and skipped ones).
 */
final class Report implements TestWatcher {

    static final String EXTENSION_VERSION = "v1.6.2";
    static final String GATEWAY_API_VERSION = "v1.6.3";

    private final Map<String, String> outcomes = new TreeMap<>();

    @Override
    public void testSuccessful(ExtensionContext context) {
        outcomes.put(context.getDisplayName(), "passed");
    }

    @Override
    public void testFailed(ExtensionContext context, Throwable cause) {
        outcomes.put(context.getDisplayName(), "failed");
    }

    @Override
    public void testAborted(ExtensionContext context, Throwable cause) {
        outcomes.put(context.getDisplayName(), "skipped");
    }

    @Override
    public void testDisabled(ExtensionContext context, Optional<String> reason) {
        outcomes.put(context.getDisplayName(), "skipped");
    }

    /** The report as YAML; {@code version} names the implementation's commit. */
    String yaml(String version, String mode, String where) {
        List<String> failed = names("failed");
        List<String> skipped = names("skipped");
        int passed = names("passed").size();
        String result = !failed.isEmpty() ? "failure" : !skipped.isEmpty() ? "partial" : "success";
        String summary = failed.isEmpty() && skipped.isEmpty()
                ? "Core tests succeeded."
                : "Core tests " + result + " with " + failed.size() + " failures and " + skipped.size() + " skips.";
        StringBuilder y = new StringBuilder();
        y.append("# Infergate, Inference Extension conformance (Gateway profile): a TRANSCRIPTION of the upstream\n")
                .append(
                        "# suite's 14 tests into Java (conformance/src/test/java/io/infergate/conformance/inference),\n")
                .append("# not the upstream Go suite itself, whose module is not served here.\n# Where it ran: ")
                .append(where)
                .append(".\n# Written by InferenceExtensionCases; see docs/conformance.md. Each test's outcome:\n");
        outcomes.forEach((test, outcome) ->
                y.append("#   ").append(test).append(": ").append(outcome).append('\n'));
        y.append("GatewayAPIInferenceExtensionVersion: ")
                .append(EXTENSION_VERSION)
                .append('\n');
        y.append("apiVersion: gateway.networking.k8s.io/v1\n");
        y.append("date: \"")
                .append(Instant.now().truncatedTo(ChronoUnit.SECONDS))
                .append("\"\n");
        y.append("gatewayAPIChannel: standard\n");
        y.append("gatewayAPIVersion: ").append(GATEWAY_API_VERSION).append('\n');
        y.append("implementation:\n  contact:\n  - https://github.com/infergate/infergate/issues\n")
                .append(
                        "  organization: infergate\n  project: infergate\n  url: https://github.com/infergate/infergate\n")
                .append("  version: ")
                .append(version)
                .append('\n');
        y.append("kind: ConformanceReport\n");
        y.append("mode: ").append(mode).append('\n');
        y.append("profiles:\n- core:\n    result: ").append(result).append('\n');
        list(y, "failedTests", failed);
        list(y, "skippedTests", skipped);
        y.append("    statistics:\n      Failed: ")
                .append(failed.size())
                .append("\n      Passed: ")
                .append(passed)
                .append("\n      Skipped: ")
                .append(skipped.size())
                .append('\n');
        y.append("  name: Gateway\n  summary: ").append(summary).append('\n');
        return y.toString();
    }

    private static void list(StringBuilder y, String key, List<String> names) {
        if (!names.isEmpty()) {
            y.append("    ").append(key).append(":\n");
            names.forEach(n -> y.append("    - ").append(n).append('\n'));
        }
    }

    private List<String> names(String outcome) {
        return outcomes.entrySet().stream()
                .filter(e -> e.getValue().equals(outcome))
                .map(Map.Entry::getKey)
                .toList();
    }

    /**
     * The implementation's version: the commit under test ({@code git describe --always --dirty}),
     * else the project version.
     */
    static String version() {
        String project = System.getProperty("infergate.version", "unknown");
        try {
            Process git = new ProcessBuilder("git", "describe", "--always", "--dirty", "--abbrev=12")
                    .redirectErrorStream(true)
                    .start();
            String out = new String(git.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
            return git.waitFor() == 0 && !out.isEmpty() ? project + "+" + out : project;
        } catch (IOException e) {
            return project;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return project;
        }
    }

    void clear() {
        outcomes.clear();
    }

    boolean empty() {
        return outcomes.isEmpty();
    }

    void write(Path file, String version, InferenceTarget target) throws IOException {
        Files.createDirectories(file.toAbsolutePath().getParent());
        Files.writeString(file, yaml(version, target.mode(), target.description()), StandardCharsets.UTF_8);
    }
}
