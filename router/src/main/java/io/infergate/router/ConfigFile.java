package io.infergate.router;

import io.helidon.config.Config;
import io.helidon.config.ConfigSources;
import io.infergate.router.listen.ListenerLimits;
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
 *   snapshot:
 *     max-size: 67108864               # bytes of a PUT body; 413 beyond
 * </pre>
 */
final class ConfigFile {

    /** The settings the file provides. */
    record Settings(ListenerLimits listeners, ProxySettings proxy, long maxSnapshotBytes) {
    }

    private static final Map<String, Set<String>> KEYS = Map.of(
            "listeners", Set.of("max-payload-size", "max-concurrent-requests", "max-header-size",
                    "max-prologue-length", "idle-timeout", "drain-timeout"),
            "upstream", Set.of("connect-timeout", "read-timeout", "max-concurrent-per-endpoint"),
            "snapshot", Set.of("max-size"));

    private ConfigFile() {
    }

    /** The defaults, as if the file were empty. */
    static Settings defaults() {
        return new Settings(ListenerLimits.defaults(), ProxySettings.defaults(), RouterConfig.DEFAULT_MAX_SNAPSHOT_BYTES);
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
                    listeners.maxPayloadBytes());
            long snapshot = number(router.get("snapshot").get("max-size"), RouterConfig.DEFAULT_MAX_SNAPSHOT_BYTES);
            if (snapshot < 1024) {
                throw new IllegalArgumentException("'router.snapshot.max-size' must be at least 1024");
            }
            return new Settings(listeners, proxy, snapshot);
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
