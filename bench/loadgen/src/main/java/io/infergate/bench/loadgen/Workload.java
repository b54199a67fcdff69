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
 * @param shape                {@code shared-prefix} (default: a group's system prompt + the request's
 *                             question) or {@code multi-turn} (a group is a conversation that grows:
 *                             system prompt + every earlier turn + the new question)
 * @param closedLoop           {@code mode: closed}: each step keeps {@code rates[i]} requests in
 *                             flight (a new one as soon as one ends) for {@code step-seconds}: a
 *                             capacity step; {@code mode: open} (default): Poisson arrivals
 * @param turnTokens           multi-turn: tokens of each earlier turn's answer kept in the
 *                             conversation (the question of each turn is {@code question-tokens})
 * @param maxTurns             multi-turn: a conversation restarts (new text) after this many turns
 * @param mix                  {@code shape: mixed}: short and long prompts, streaming and not, LoRA
 *                             adapters ({@code long-share}, {@code short-prompt-tokens},
 *                             {@code stream-share}, {@code adapters}); {@link Mix#NONE} otherwise
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
        double completeMinSuccess,
        String shape,
        boolean closedLoop,
        int turnTokens,
        int maxTurns,
        Mix mix) {

    /** The first version's keys: shared-prefix shape, open loop. */
    public Workload(
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
        this(
                seed,
                groups,
                systemPromptTokens,
                questionTokens,
                outputTokensMin,
                outputTokensMax,
                model,
                pods,
                rates,
                stepSeconds,
                requestTimeoutSeconds,
                completeMinSuccess,
                SHARED_PREFIX,
                false,
                0,
                1,
                Mix.NONE);
    }

    static final String SHARED_PREFIX = "shared-prefix";
    static final String MULTI_TURN = "multi-turn";
    static final String MIXED = "mixed";

    /** Only the first {@code n} steps (short development runs). */
    Workload firstSteps(int n) {
        return new Workload(
                seed,
                groups,
                systemPromptTokens,
                questionTokens,
                outputTokensMin,
                outputTokensMax,
                model,
                pods,
                rates.subList(0, Math.min(n, rates.size())),
                stepSeconds,
                requestTimeoutSeconds,
                completeMinSuccess,
                shape,
                closedLoop,
                turnTokens,
                maxTurns,
                mix);
    }

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
    /** Keys that may be left out, with their defaults. */
    private static final Map<String, String> OPTIONAL = Map.of(
            "shape", SHARED_PREFIX,
            "mode", "open",
            "turn-tokens", "0",
            "max-turns", "1",
            "long-share", "1",
            "short-prompt-tokens", "1",
            "stream-share", "1",
            "adapters", "");
    /** The keys only a mixed workload may set. */
    private static final Set<String> MIX_KEYS = Set.of("long-share", "short-prompt-tokens", "stream-share", "adapters");

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
        require(
                SHARED_PREFIX.equals(shape) || MULTI_TURN.equals(shape) || MIXED.equals(shape),
                "shape must be shared-prefix, multi-turn or mixed");
        require(MIXED.equals(shape) || mix.equals(Mix.NONE), "only shape: mixed takes a mix");
        require(turnTokens >= 0 && maxTurns >= 1, "need turn-tokens >= 0 and max-turns >= 1");
        require(
                !closedLoop || rates.stream().allMatch(r -> r == Math.rint(r)),
                "mode closed: rates are whole concurrencies");
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
            require(KEYS.contains(k) || OPTIONAL.containsKey(k), "unknown key '" + k + "'");
        }
        Map<String, String> all = new LinkedHashMap<>(OPTIONAL);
        all.putAll(kv);
        String mode = all.get("mode");
        require(mode.equals("open") || mode.equals("closed"), "mode must be open or closed");
        for (String k : KEYS) {
            require(kv.containsKey(k), "missing key '" + k + "'");
        }
        boolean mixed = MIXED.equals(all.get("shape"));
        for (String k : MIX_KEYS) {
            require(mixed || !kv.containsKey(k), "'" + k + "' needs shape: mixed");
        }
        Mix mix = mixed
                ? new Mix(
                        number(all.get("long-share"), "long-share"),
                        integer(all, "short-prompt-tokens"),
                        number(all.get("stream-share"), "stream-share"),
                        all.get("adapters").isBlank()
                                ? List.of()
                                : java.util.Arrays.stream(all.get("adapters").split(","))
                                        .map(String::trim)
                                        .toList())
                : Mix.NONE;
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
                number(kv.get("complete-min-success"), "complete-min-success"),
                all.get("shape"),
                mode.equals("closed"),
                integer(all, "turn-tokens"),
                integer(all, "max-turns"),
                mix);
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
