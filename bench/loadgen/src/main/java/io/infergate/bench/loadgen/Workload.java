package io.infergate.bench.loadgen;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The benchmark's workload parameters (bench/scheduling/workload.yaml).
 *
 * @param seed                 seeds every random choice: the same file gives the same requests
 * @param groups               distinct system prompts
 * @param systemPromptTokens   tokens of each system prompt
 * @param questionTokens       tokens of each request's own question
 * @param outputTokensMin      {@code max_tokens} is uniform in [min, max]
 * @param outputTokensMax      see {@code outputTokensMin}
 * @param model                the requested model
 * @param pods                 simulated pods (read by the script, carried for the report)
 * @param rates                requests per second of each step, rising
 * @param stepSeconds          arrival window of each step
 * @param requestTimeoutSeconds a request not finished by then is an error
 * @param completeMinSuccess   share of a step's requests that must succeed for the step to complete
 */
public record Workload(
        long seed,
        int groups,
        int systemPromptTokens,
        int questionTokens,
        int outputTokensMin,
        int outputTokensMax,
        String model,
        int pods,
        List<Double> rates,
        int stepSeconds,
        int requestTimeoutSeconds,
        double completeMinSuccess) {

    private static final Set<String> KEYS = Set.of(
            "seed",
            "groups",
            "system-prompt-tokens",
            "question-tokens",
            "output-tokens-min",
            "output-tokens-max",
            "model",
            "pods",
            "rates",
            "step-seconds",
            "request-timeout-seconds",
            "complete-min-success");

    public Workload {
        rates = List.copyOf(rates);
        require(groups >= 1, "groups must be >= 1");
        require(systemPromptTokens >= 1 && questionTokens >= 1, "prompt token counts must be >= 1");
        require(
                outputTokensMin >= 1 && outputTokensMax >= outputTokensMin,
                "need 1 <= output-tokens-min <= output-tokens-max");
        require(!rates.isEmpty() && rates.stream().allMatch(r -> r > 0), "rates must be positive");
        require(
                stepSeconds >= 1 && requestTimeoutSeconds >= 1,
                "step-seconds and request-timeout-seconds must be >= 1");
        require(completeMinSuccess > 0 && completeMinSuccess <= 1, "complete-min-success must be in (0, 1]");
    }

    private static void require(boolean ok, String message) {
        if (!ok) {
            throw new IllegalArgumentException(message);
        }
    }

    /** Reads a flat YAML file: {@code key: value} per line, {@code #} comments. */
    public static Workload read(Path file) throws IOException {
        return parse(flat(Files.readAllLines(file)));
    }

    /** Parses {@code key: value} lines; blank lines and {@code #} comments (also after a value) are skipped. */
    static Map<String, String> flat(List<String> lines) {
        Map<String, String> out = new LinkedHashMap<>();
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i);
            int hash = line.indexOf('#');
            if (hash >= 0) {
                line = line.substring(0, hash);
            }
            if (line.isBlank()) {
                continue;
            }
            int colon = line.indexOf(':');
            if (colon < 0) {
                throw new IllegalArgumentException("line " + (i + 1) + ": expected 'key: value'");
            }
            String key = line.substring(0, colon).trim();
            if (out.put(key, line.substring(colon + 1).trim()) != null) {
                throw new IllegalArgumentException("line " + (i + 1) + ": '" + key + "' given twice");
            }
        }
        return out;
    }

    /** Builds the workload from flat keys; every key is required and no other is allowed. */
    static Workload parse(Map<String, String> kv) {
        for (String k : kv.keySet()) {
            require(KEYS.contains(k), "unknown key '" + k + "'");
        }
        for (String k : KEYS) {
            require(kv.containsKey(k), "missing key '" + k + "'");
        }
        List<Double> rates = new ArrayList<>();
        for (String r : kv.get("rates").split(",")) {
            rates.add(number(r, "rates"));
        }
        return new Workload(
                (long) number(kv.get("seed"), "seed"),
                integer(kv, "groups"),
                integer(kv, "system-prompt-tokens"),
                integer(kv, "question-tokens"),
                integer(kv, "output-tokens-min"),
                integer(kv, "output-tokens-max"),
                kv.get("model"),
                integer(kv, "pods"),
                rates,
                integer(kv, "step-seconds"),
                integer(kv, "request-timeout-seconds"),
                number(kv.get("complete-min-success"), "complete-min-success"));
    }

    private static int integer(Map<String, String> kv, String key) {
        try {
            return Integer.parseInt(kv.get(key).trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(key + ": not an integer: '" + kv.get(key) + "'");
        }
    }

    private static double number(String raw, String key) {
        try {
            return Double.parseDouble(raw.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(key + ": not a number: '" + raw + "'");
        }
    }
}
