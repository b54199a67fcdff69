package io.infergate.simulator;

import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;

/**
 * Parses Main's arguments into one {@link SimulatorConfig} per pod. Flags take their value as the
 * next argument or after '='. Any mistake is a {@link UsageException} naming the flag, so Main can
 * print it and exit 2 before anything starts.
 */
final class CommandLine {

    static final String USAGE = """
            Usage: simulator [options]

            Starts simulated OpenAI-compatible model-server pods with vLLM metrics.

            Placement (every pod listens on --port of its own address, as pods in a cluster do):
              --pods N                 number of pods (default 1). Without --host or --hosts,
                                       pod i listens on 127.0.0.(2+i), i.e. 127.0.0.2, 127.0.0.3, ...
              --host H                 address of a single pod (default 127.0.0.1). With --pods N,
                                       all pods share H and pod i listens on port P+i instead.
              --hosts H1,H2,...        one pod per listed address; --pods, if given, must match
              --port P                 listening port (default 8000; 0 picks a free port per pod)
              --pod-name-prefix S      pod i is named S-i (default sim)
              --namespace NS           namespace reported by the echo handler (default default)

            Model:
              --model NAME             served model; repeatable or comma-separated
                                       (default Qwen2.5-0.5B-Instruct)
              --lora NAME              LoRA adapter on the first model; repeatable or comma-separated
              --max-loras N            distinct adapters running at once (default 4)
              --max-tokens N           output tokens when a request sets no max_tokens (default 16)
              --seed N                 seed of the deterministic text (default 0)

            Timing and capacity:
              --ttft-ms N              time to first token in ms (default 10)
              --itl-ms N               inter-token latency in ms (default 5)
              --max-running N          sequences decoded at once (default 32)
              --max-waiting N          queued requests beyond those; more get 429 (default 256)
              --kv-cache-blocks N      KV-cache blocks (default 1024)
              --block-size N           tokens per KV-cache block (default 16)

            Realism (the time costs default to 0, which keeps TTFT and ITL fixed):
              --prefix-cache BOOL      model vLLM's prefix cache: shared prompt blocks, LRU eviction,
                                       requests wait for free blocks (default true)
              --no-prefix-cache        the same as --prefix-cache false
              --prefill-us-per-token N prefill time per uncached prompt token in microseconds;
                                       prefill work runs one request at a time per pod (default 0)
              --itl-us-per-seq N       inter-token latency added per running sequence, microseconds
                                       (default 0)
              --lora-load-ms N         time to load an adapter that is not resident (default 0)
              --prefill-mode MODE      serial: one prefill at a time per pod (default; vLLM or SGLang
                                       without chunked prefill); parallel: every running slot
                                       prefills at once, (ttft + uncached tokens x per-token) x a
                                       load factor (llm-d-inference-sim; vLLM with chunked prefill)
              --time-factor-under-load X  parallel mode: the load factor at max-running (default 1)
              --ssl-certfile FILE      serve HTTPS with this PEM certificate chain (vLLM's flag);
                                       needs --ssl-keyfile
              --ssl-keyfile FILE       the PEM private key of --ssl-certfile
              --api-key KEY            require "Authorization: Bearer KEY" on /v1/* (vLLM's flag);
                                       else 401 with an OpenAI-style error
              --kv-transfer-ms N       prefill/decode disaggregation: a decode request whose
                                       kv_transfer_params say do_remote_prefill skips prefill and
                                       waits N ms for the KV cache instead (default 0)
              --kv-transfer-us-per-token N  added to that wait per prompt token (default 0)
              --prefill-stalls-decode BOOL  serial prefill: a decode step waits for the pod's
                                       running prefill work, up to a 512-token chunk, as vLLM
                                       batches prefill chunks with decodes (default false)
              --profile FILE|NAME      read defaults for any of these flags from a properties or flat
                                       YAML file (keys are flag names without '--', e.g. ttft-ms: 20);
                                       flags given on the command line win. Built-in NAME:
                                       llama-3.1-8b-h100 (an 8B model on one H100, see docs)

              --help                   print this text and exit

            Runs until SIGTERM or Ctrl-C, then stops every pod (the JVM exits 143 or 130).
            Exit status 1 if a pod cannot listen, 2 for bad arguments, 0 after --help.
            """;

    private static final Set<String> FLAGS = Set.of(
            "--pods",
            "--host",
            "--hosts",
            "--port",
            "--pod-name-prefix",
            "--namespace",
            "--model",
            "--lora",
            "--max-loras",
            "--max-tokens",
            "--seed",
            "--ttft-ms",
            "--itl-ms",
            "--max-running",
            "--max-waiting",
            "--kv-cache-blocks",
            "--block-size",
            "--prefix-cache",
            "--prefill-us-per-token",
            "--itl-us-per-seq",
            "--lora-load-ms",
            "--prefill-mode",
            "--time-factor-under-load",
            "--ssl-certfile",
            "--ssl-keyfile",
            "--api-key",
            "--kv-transfer-ms",
            "--kv-transfer-us-per-token",
            "--prefill-stalls-decode",
            "--profile");
    private static final Set<String> REPEATABLE = Set.of("--model", "--lora");
    /** Flags without a value, each standing for a flag with one. */
    private static final Map<String, String[]> SWITCHES =
            Map.of("--no-prefix-cache", new String[] {"--prefix-cache", "false"});

    private static final java.util.regex.Pattern TRAILING_COMMENT = java.util.regex.Pattern.compile("\\s+#.*$");
    /** Built-in profiles, as resources next to this class. */
    static final List<String> BUILT_IN_PROFILES = List.of("llama-3.1-8b-h100");

    private CommandLine() {}

    /** Thrown for arguments that cannot be honoured; the message is shown to the user. */
    static final class UsageException extends Exception {
        UsageException(String message) {
            super(message, null, false, false);
        }
    }

    /** True if the arguments ask for help (checked before anything else is validated). */
    static boolean wantsHelp(String[] args) {
        return Arrays.stream(args).anyMatch(a -> a.equals("--help") || a.equals("-h"));
    }

    static List<SimulatorConfig> parse(String[] args) throws UsageException {
        Map<String, List<String>> values = collect(args);
        if (values.containsKey("--profile")) {
            applyProfile(values, single(values, "--profile", null));
        }
        int port = intFlag(values, "--port", 8000, 0);
        if (port > 65_535) {
            throw new UsageException("--port must be at most 65535, got " + port);
        }
        List<String> hosts = hosts(values);
        boolean portPerPod = values.containsKey("--pods") && values.containsKey("--host") && port != 0;
        if (portPerPod && port + hosts.size() - 1 > 65_535) {
            throw new UsageException("--port " + port + " leaves no room for " + hosts.size() + " pods");
        }
        String prefix = single(values, "--pod-name-prefix", "sim");
        SimulatorConfig.Builder base = SimulatorConfig.builder()
                .namespace(single(values, "--namespace", "default"))
                .models(list(values, "--model", List.of("Qwen2.5-0.5B-Instruct")))
                .loraAdapters(list(values, "--lora", List.of()))
                .maxLoras(intFlag(values, "--max-loras", 4, 1))
                .defaultMaxTokens(intFlag(values, "--max-tokens", 16, 1))
                .seed(longFlag(values, "--seed", 0))
                .timeToFirstToken(Duration.ofMillis(intFlag(values, "--ttft-ms", 10, 0)))
                .interTokenLatency(Duration.ofMillis(intFlag(values, "--itl-ms", 5, 0)))
                .maxRunning(intFlag(values, "--max-running", 32, 1))
                .maxWaiting(intFlag(values, "--max-waiting", 256, 0))
                .kvCacheBlocks(intFlag(values, "--kv-cache-blocks", 1024, 1))
                .blockSize(intFlag(values, "--block-size", 16, 1))
                .prefixCaching(boolFlag(values, "--prefix-cache", true))
                .prefillTimePerToken(Duration.ofNanos(1_000L * intFlag(values, "--prefill-us-per-token", 0, 0)))
                .interTokenLatencyPerSequence(Duration.ofNanos(1_000L * intFlag(values, "--itl-us-per-seq", 0, 0)))
                .loraLoadTime(Duration.ofMillis(intFlag(values, "--lora-load-ms", 0, 0)))
                .parallelPrefill(prefillMode(single(values, "--prefill-mode", "serial")))
                .timeFactorUnderLoad(decimalFlag(values, "--time-factor-under-load", 1, 1))
                .tls(servingTls(values))
                .apiKey(java.util.Optional.ofNullable(single(values, "--api-key", null)))
                .kvTransferLatency(Duration.ofMillis(intFlag(values, "--kv-transfer-ms", 0, 0)))
                .kvTransferTimePerToken(Duration.ofNanos(1_000L * intFlag(values, "--kv-transfer-us-per-token", 0, 0)));
        List<SimulatorConfig> pods = new ArrayList<>();
        for (int i = 0; i < hosts.size(); i++) {
            try {
                pods.add(base.host(hosts.get(i))
                        .port(portPerPod ? port + i : port)
                        .podName(prefix + "-" + i)
                        .build());
            } catch (IllegalArgumentException e) {
                throw new UsageException(e.getMessage());
            }
        }
        return pods;
    }

    /** --ssl-certfile and --ssl-keyfile: both or neither, read once here. */
    private static java.util.Optional<ServingTls> servingTls(Map<String, List<String>> values) throws UsageException {
        boolean cert = values.containsKey("--ssl-certfile");
        if (cert != values.containsKey("--ssl-keyfile")) {
            throw new UsageException("--ssl-certfile and --ssl-keyfile go together");
        }
        if (!cert) {
            return java.util.Optional.empty();
        }
        String certFile = single(values, "--ssl-certfile", null);
        String keyFile = single(values, "--ssl-keyfile", null);
        try {
            return java.util.Optional.of(new ServingTls(
                    Files.readString(Path.of(certFile), StandardCharsets.US_ASCII),
                    Files.readString(Path.of(keyFile), StandardCharsets.US_ASCII)));
        } catch (java.io.IOException e) {
            throw new UsageException(
                    "cannot read --ssl-certfile " + certFile + " or --ssl-keyfile " + keyFile + ": " + e.getMessage());
        } catch (IllegalArgumentException e) {
            throw new UsageException(e.getMessage());
        }
    }

    private static List<String> hosts(Map<String, List<String>> values) throws UsageException {
        boolean podsGiven = values.containsKey("--pods");
        int pods = intFlag(values, "--pods", 1, 1);
        if (values.containsKey("--hosts")) {
            if (values.containsKey("--host")) {
                throw new UsageException("--host and --hosts exclude each other");
            }
            List<String> hosts = list(values, "--hosts", List.of());
            if (podsGiven && pods != hosts.size()) {
                throw new UsageException(
                        "--pods " + pods + " does not match the " + hosts.size() + " addresses of --hosts");
            }
            if (hosts.stream().distinct().count() != hosts.size()) {
                throw new UsageException("--hosts lists an address twice; pods on one address need --host and --pods");
            }
            return hosts;
        }
        if (values.containsKey("--host")) {
            return java.util.Collections.nCopies(pods, single(values, "--host", "127.0.0.1"));
        }
        if (!podsGiven) {
            return List.of("127.0.0.1");
        }
        if (pods > 253) {
            throw new UsageException("--pods without --hosts uses 127.0.0.2..127.0.0.254, so at most 253 pods");
        }
        List<String> hosts = new ArrayList<>();
        for (int i = 0; i < pods; i++) {
            hosts.add("127.0.0." + (2 + i));
        }
        return hosts;
    }

    private static Map<String, List<String>> collect(String[] args) throws UsageException {
        Map<String, List<String>> values = new HashMap<>();
        for (int i = 0; i < args.length; i++) {
            String arg = args[i];
            String flag = arg;
            String value;
            int eq = arg.indexOf('=');
            if (SWITCHES.containsKey(arg)) {
                flag = SWITCHES.get(arg)[0];
                value = SWITCHES.get(arg)[1];
            } else if (arg.startsWith("--") && eq > 0) {
                flag = arg.substring(0, eq);
                value = arg.substring(eq + 1);
            } else if (FLAGS.contains(arg)) {
                if (i + 1 >= args.length) {
                    throw new UsageException(arg + " needs a value");
                }
                value = args[++i];
            } else {
                throw new UsageException("unknown argument '" + arg + "'");
            }
            if (!FLAGS.contains(flag)) {
                throw new UsageException("unknown flag '" + flag + "'");
            }
            List<String> list = values.computeIfAbsent(flag, f -> new ArrayList<>());
            if (!list.isEmpty() && !REPEATABLE.contains(flag)) {
                throw new UsageException(flag + " given twice");
            }
            list.add(value);
        }
        return values;
    }

    /**
     * Fills every flag the command line left out from a profile: a file, or else a built-in profile of
     * that name. Keys are flag names without the dashes; values as on the command line.
     */
    private static void applyProfile(Map<String, List<String>> values, String profile) throws UsageException {
        Properties properties = new Properties();
        Path file = Path.of(profile);
        try {
            if (Files.isRegularFile(file)) {
                try (Reader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
                    properties.load(reader);
                }
            } else if (BUILT_IN_PROFILES.contains(profile)) {
                try (InputStream in = CommandLine.class.getResourceAsStream("profiles/" + profile + ".properties")) {
                    if (in == null) {
                        throw new UsageException("built-in profile " + profile + " is missing from the jar");
                    }
                    properties.load(new InputStreamReader(in, StandardCharsets.UTF_8));
                }
            } else {
                throw new UsageException("--profile: no file '" + profile + "' and no built-in profile of that name ("
                        + String.join(", ", BUILT_IN_PROFILES) + ")");
            }
        } catch (IOException | IllegalArgumentException e) {
            throw new UsageException("--profile " + profile + ": cannot read it: " + e.getMessage());
        }
        for (String key : new TreeSet<>(properties.stringPropertyNames())) {
            String flag = "--" + key;
            if (!FLAGS.contains(flag) || flag.equals("--profile")) {
                throw new UsageException("--profile " + profile + ": unknown key '" + key + "'");
            }
            values.computeIfAbsent(
                    flag, f -> List.of(unquote(properties.getProperty(key).trim())));
        }
    }

    /** Drops a trailing {@code # comment} (YAML style) and the quotes of a quoted YAML scalar. */
    private static String unquote(String value) {
        value = TRAILING_COMMENT.matcher(value).replaceFirst("");
        if (value.length() >= 2
                && ((value.startsWith("\"") && value.endsWith("\""))
                        || (value.startsWith("'") && value.endsWith("'")))) {
            return value.substring(1, value.length() - 1);
        }
        return value;
    }

    private static boolean boolFlag(Map<String, List<String>> values, String flag, boolean fallback)
            throws UsageException {
        String value = single(values, flag, null);
        if (value == null) {
            return fallback;
        }
        return switch (value.toLowerCase(Locale.ROOT)) {
            case "true" -> true;
            case "false" -> false;
            default -> throw new UsageException(flag + " must be true or false, got '" + value + "'");
        };
    }

    private static String single(Map<String, List<String>> values, String flag, String fallback) throws UsageException {
        List<String> given = values.get(flag);
        if (given == null) {
            return fallback;
        }
        String value = given.getFirst().trim();
        if (value.isEmpty()) {
            throw new UsageException(flag + " must not be empty");
        }
        return value;
    }

    /** All values of a flag, each split at commas; blanks between commas are mistakes. */
    private static List<String> list(Map<String, List<String>> values, String flag, List<String> fallback)
            throws UsageException {
        List<String> given = values.get(flag);
        if (given == null) {
            return fallback;
        }
        List<String> out = new ArrayList<>();
        for (String value : given) {
            for (String item : value.split(",", -1)) {
                if (item.isBlank()) {
                    throw new UsageException(flag + " has an empty name in '" + value + "'");
                }
                out.add(item.trim());
            }
        }
        return out;
    }

    private static int intFlag(Map<String, List<String>> values, String flag, int fallback, int min)
            throws UsageException {
        long value = longFlag(values, flag, fallback);
        if (value < min || value > Integer.MAX_VALUE) {
            throw new UsageException(flag + " must be an integer of at least " + min + ", got " + value);
        }
        return (int) value;
    }

    private static long longFlag(Map<String, List<String>> values, String flag, long fallback) throws UsageException {
        String value = single(values, flag, null);
        if (value == null) {
            return fallback;
        }
        try {
            return Long.parseLong(value);
        } catch (NumberFormatException e) {
            throw new UsageException(flag + " must be an integer, got '" + value + "'");
        }
    }

    /** {@code --prefill-mode}: serial (false) or parallel (true). */
    private static boolean prefillMode(String value) throws UsageException {
        return switch (value.toLowerCase(Locale.ROOT)) {
            case "serial" -> false;
            case "parallel" -> true;
            default -> throw new UsageException("--prefill-mode must be serial or parallel, got '" + value + "'");
        };
    }

    private static double decimalFlag(Map<String, List<String>> values, String flag, double fallback, double min)
            throws UsageException {
        String value = single(values, flag, null);
        if (value == null) {
            return fallback;
        }
        try {
            double d = Double.parseDouble(value);
            if (!(d >= min) || Double.isInfinite(d)) {
                throw new UsageException(flag + " must be a number of at least " + min + ", got " + value);
            }
            return d;
        } catch (NumberFormatException e) {
            throw new UsageException(flag + " must be a number, got '" + value + "'");
        }
    }
}
