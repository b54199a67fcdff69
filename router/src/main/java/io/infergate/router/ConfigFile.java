package io.infergate.router;

import io.infergate.router.schedule.framework.PluginHandle;
import io.infergate.router.scrape.ScrapeSettings;
import io.infergate.router.schedule.admission.Admission;
import io.infergate.router.schedule.admission.SaturationDetector;
import io.infergate.router.schedule.framework.SchedulerConfig;
import io.infergate.router.schedule.PoolSettings;
import io.infergate.router.schedule.plugins.BuiltInPlugins;
import io.helidon.config.Config;
import io.helidon.config.ConfigSources;
import io.infergate.router.listen.ListenerLimits;
import io.infergate.router.outlier.OutlierSettings;
import io.infergate.router.proxy.ProxySettings;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Reads the optional YAML file of limits and timeouts. Every key is optional (absent keys keep
 * the defaults of {@link ListenerLimits#defaults()}, {@link ProxySettings#defaults()} and
 * {@link RouterConfig#DEFAULT_MAX_SNAPSHOT_BYTES}); an unknown key or a bad value stops startup with
 * a message naming it, so a typo never silently falls back to a default. Durations are ISO-8601
 * ({@code PT5S}).
 *
 * <pre>
 * router:
 *   listeners:
 *     max-payload-size: 16777216       # bytes; 413 beyond
 *     max-concurrent-requests: 10000   # per public socket; 503 beyond
 *     max-header-size: 32768           # bytes
 *     max-prologue-length: 8192        # bytes of the request line
 *     idle-timeout: PT5M
 *     drain-timeout: PT30S             # in-flight requests on a closing socket or at SIGTERM
 *   upstream:
 *     connect-timeout: PT5S
 *     read-timeout: PT300S
 *     max-concurrent-per-endpoint: 256 # 503 upstream_saturated beyond; 0 = unbounded
 *     retries: 1                       # connect failures and retriable 503s, to another endpoint (0 or 1)
 *     consecutive-connect-failures: 5  # eject an endpoint after this many in a row; 0 = never
 *     base-ejection-time: PT30S        # the n-th ejection lasts n times this
 *     max-ejection-time: PT300S
 *   snapshot:
 *     max-size: 67108864               # bytes of a PUT body; 413 beyond
 *   endpoints:
 *     scrape-interval: PT0.05S         # per InferencePool endpoint, GET /metrics
 *     scrape-timeout: PT1S
 *     stale-after: PT0.2S              # older samples are stale: avoided, count as saturated
 *     max-concurrent-scrapes: 64
 *   admission:
 *     queue: true                      # false: priority >= 0 is admitted at once even when saturated
 *     queue-timeout: PT10S             # 503 queue_timeout beyond
 *     max-queue-length: 1000           # per pool; 503 queue_full beyond
 *     retry-after: PT1S                # of a 429 pool_saturated
 *     saturation-queue-threshold: 5    # waiting requests that saturate one endpoint
 *     saturation-kv-threshold: 0.8     # KV-cache use that saturates one endpoint
 * </pre>
 */
final class ConfigFile {

    /** The settings the file provides. */
    record Settings(ListenerLimits listeners, ProxySettings proxy, long maxSnapshotBytes, PoolSettings pools) {
    }

    private static final Map<String, Set<String>> KEYS = Map.of(
            "listeners", Set.of("max-payload-size", "max-concurrent-requests", "max-header-size",
                    "max-prologue-length", "idle-timeout", "drain-timeout"),
            "upstream", Set.of("connect-timeout", "read-timeout", "max-concurrent-per-endpoint", "retries",
                    "consecutive-connect-failures", "base-ejection-time", "max-ejection-time"),
            "snapshot", Set.of("max-size"),
            "endpoints", Set.of("scrape-interval", "scrape-timeout", "stale-after", "max-concurrent-scrapes"),
            "admission", Set.of("queue", "queue-timeout", "max-queue-length", "retry-after", "saturation-queue-threshold",
                    "saturation-kv-threshold"));

    private ConfigFile() {
    }

    /** The defaults, as if the file were empty. */
    static Settings defaults() {
        return new Settings(ListenerLimits.defaults(), ProxySettings.defaults(), RouterConfig.DEFAULT_MAX_SNAPSHOT_BYTES,
                PoolSettings.defaults());
    }

    /**
     * Reads the file.
     *
     * @throws IllegalArgumentException with a precise message when the file is unreadable or wrong
     */
    static Settings read(Path file) {
        if (!Files.isReadable(file)) {
            throw new IllegalArgumentException("--config " + file + ": file not found or not readable");
        }
        String name = file.getFileName().toString();
        if (!name.endsWith(".yaml") && !name.endsWith(".yml")) {
            throw new IllegalArgumentException("--config " + file + ": must be a .yaml or .yml file");
        }
        Config root = Config.builder()
                .disableEnvironmentVariablesSource()
                .disableSystemPropertiesSource()
                .addSource(ConfigSources.file(file))
                .build();
        for (Config top : root.asNodeList().orElse(List.of())) {
            if (!top.name().equals("router")) {
                throw new IllegalArgumentException("--config " + file + ": unknown top-level key '" + top.name() + "' (expected 'router')");
            }
        }
        Config router = root.get("router");
        for (Config section : router.asNodeList().orElse(List.of())) {
            Set<String> known = KEYS.get(section.name());
            if (known == null) {
                throw new IllegalArgumentException("--config " + file + ": unknown key 'router." + section.name()
                        + "' (expected one of " + KEYS.keySet() + ")");
            }
            for (Config key : section.asNodeList().orElse(List.of())) {
                if (!known.contains(key.name())) {
                    throw new IllegalArgumentException("--config " + file + ": unknown key '" + key.key()
                            + "' (expected one of " + known + ")");
                }
            }
        }
        ListenerLimits l = ListenerLimits.defaults();
        ProxySettings p = ProxySettings.defaults();
        Config ls = router.get("listeners");
        Config us = router.get("upstream");
        try {
            ListenerLimits listeners = new ListenerLimits(
                    number(ls.get("max-payload-size"), l.maxPayloadBytes()),
                    (int) number(ls.get("max-concurrent-requests"), l.maxConcurrentRequests()),
                    (int) number(ls.get("max-header-size"), l.maxHeaderBytes()),
                    (int) number(ls.get("max-prologue-length"), l.maxPrologueBytes()),
                    duration(ls.get("idle-timeout"), l.idleTimeout()),
                    duration(ls.get("drain-timeout"), l.drainTimeout()));
            ProxySettings proxy = new ProxySettings(
                    duration(us.get("connect-timeout"), p.connectTimeout()),
                    duration(us.get("read-timeout"), p.readTimeout()),
                    (int) number(us.get("max-concurrent-per-endpoint"), p.maxConcurrentPerEndpoint()),
                    listeners.maxPayloadBytes(),
                    (int) number(us.get("retries"), p.retries()),
                    new OutlierSettings((int) number(us.get("consecutive-connect-failures"),
                            p.outliers().consecutiveConnectFailures()),
                            duration(us.get("base-ejection-time"), p.outliers().baseEjectionTime()),
                            duration(us.get("max-ejection-time"), p.outliers().maxEjectionTime())));
            long snapshot = number(router.get("snapshot").get("max-size"), RouterConfig.DEFAULT_MAX_SNAPSHOT_BYTES);
            if (snapshot < 1024) {
                throw new IllegalArgumentException("'router.snapshot.max-size' must be at least 1024");
            }
            ScrapeSettings sd = ScrapeSettings.defaults();
            Config es = router.get("endpoints");
            ScrapeSettings scrape = new ScrapeSettings(duration(es.get("scrape-interval"), sd.interval()),
                    duration(es.get("scrape-timeout"), sd.timeout()), duration(es.get("stale-after"), sd.staleAfter()),
                    (int) number(es.get("max-concurrent-scrapes"), sd.maxConcurrent()));
            Admission.Settings ad = Admission.Settings.defaults();
            Config as = router.get("admission");
            boolean queue = bool(as.get("queue"), ad.queue());
            for (String unused : List.of("queue-timeout", "max-queue-length")) {
                if (!queue && as.get(unused).exists()) { // a setting that cannot act is a mistake, not a default
                    throw new IllegalArgumentException("'router.admission." + unused
                            + "' has no effect with 'router.admission.queue: false'; remove one of them");
                }
            }
            Admission.Settings admission = new Admission.Settings(queue,
                    duration(as.get("queue-timeout"), ad.queueTimeout()),
                    (int) number(as.get("max-queue-length"), ad.maxQueueLength()),
                    duration(as.get("retry-after"), ad.retryAfter()), scrape.interval());
            SaturationDetector sat = SaturationDetector.defaults();
            SaturationDetector saturation = new SaturationDetector(
                    decimal(as.get("saturation-queue-threshold"), sat.queueThreshold()),
                    decimal(as.get("saturation-kv-threshold"), sat.kvThreshold()));
            return new Settings(listeners, proxy, snapshot, new PoolSettings(scrape, admission, saturation,
                    SchedulerConfig.defaults()));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("--config " + file + ": " + e.getMessage(), e);
        }
    }

    private static long number(Config node, long fallback) {
        if (!node.exists()) {
            return fallback;
        }
        String raw = node.asString().get().trim();
        try {
            long v = Long.parseLong(raw);
            if (v < 0 || v > Integer.MAX_VALUE && !node.name().startsWith("max-payload")) {
                throw new IllegalArgumentException("'" + node.key() + "' is out of range: " + raw);
            }
            return v;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("'" + node.key() + "' must be a whole number, got '" + raw + "'");
        }
    }

    /** Exactly {@code true} or {@code false}: a misspelt switch must not silently keep its default. */
    private static boolean bool(Config node, boolean fallback) {
        if (!node.exists()) {
            return fallback;
        }
        String raw = node.asString().get().trim();
        return switch (raw) {
            case "true" -> true;
            case "false" -> false;
            default -> throw new IllegalArgumentException("'" + node.key() + "' must be true or false, got '" + raw + "'");
        };
    }

    private static double decimal(Config node, double fallback) {
        if (!node.exists()) {
            return fallback;
        }
        String raw = node.asString().get().trim();
        try {
            double v = Double.parseDouble(raw);
            if (!(v > 0) || Double.isInfinite(v)) {
                throw new IllegalArgumentException("'" + node.key() + "' must be a positive number, got '" + raw + "'");
            }
            return v;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("'" + node.key() + "' must be a number, got '" + raw + "'");
        }
    }

    /**
     * Reads and validates the scheduler configuration file ({@code --scheduler-config}): the
     * format of {@link SchedulerConfig}, built once against the built-in plugin registry so every
     * error (unknown type or pluginRef, bad parameter or weight, no or two pickers) stops startup.
     */
    static SchedulerConfig readScheduler(Path file) {
        if (!Files.isReadable(file)) {
            throw new IllegalArgumentException("--scheduler-config " + file + ": file not found or not readable");
        }
        String name = file.getFileName().toString();
        if (!name.endsWith(".yaml") && !name.endsWith(".yml")) {
            throw new IllegalArgumentException("--scheduler-config " + file + ": must be a .yaml or .yml file");
        }
        Config root = Config.builder()
                .disableEnvironmentVariablesSource()
                .disableSystemPropertiesSource()
                .addSource(ConfigSources.file(file))
                .build();
        try {
            SchedulerConfig config = SchedulerConfig.read(root);
            config.build(BuiltInPlugins.registry(PluginHandle.alone(new java.util.Random())));
            return config;
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("--scheduler-config " + file + ": " + e.getMessage(), e);
        }
    }

    private static Duration duration(Config node, Duration fallback) {
        if (!node.exists()) {
            return fallback;
        }
        String raw = node.asString().get().trim();
        try {
            return Duration.parse(raw);
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException("'" + node.key() + "' must be an ISO-8601 duration such as PT5S, got '" + raw + "'");
        }
    }
}
