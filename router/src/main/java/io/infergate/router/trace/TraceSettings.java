package io.infergate.router.trace;

import io.infergate.router.settings.Section;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * Whether and where the router exports traces ({@code router.tracing}); off by default.
 *
 * @param enabled       export spans and send {@code traceparent} upstream; false: no tracer exists,
 *                      and a client's {@code traceparent} passes through untouched like any header
 * @param endpoint      the OTLP/HTTP traces URL of a collector, e.g. {@code http://otel-collector:4318/v1/traces}
 * @param serviceName   the {@code service.name} of the exported resource
 * @param sampleRatio   the share of new traces recorded (0..1); a client's sampled flag is followed
 * @param exportTimeout bound of one export call
 * @param batchDelay    longest a finished span waits before it is exported
 * @param maxQueue      finished spans held for export; beyond, spans are dropped (never blocks a request)
 */
public record TraceSettings(
        boolean enabled,
        URI endpoint,
        String serviceName,
        double sampleRatio,
        Duration exportTimeout,
        Duration batchDelay,
        int maxQueue) {
    public TraceSettings {
        Objects.requireNonNull(endpoint, "endpoint");
        Objects.requireNonNull(serviceName, "serviceName");
        Objects.requireNonNull(exportTimeout, "exportTimeout");
        Objects.requireNonNull(batchDelay, "batchDelay");
        String scheme = endpoint.getScheme();
        if ((!"http".equals(scheme) && !"https".equals(scheme)) || endpoint.getHost() == null) {
            throw new IllegalArgumentException("the OTLP endpoint must be an http:// or https:// URL, is " + endpoint);
        }
        if (serviceName.isBlank()) {
            throw new IllegalArgumentException("the service name must not be blank");
        }
        if (!(sampleRatio >= 0 && sampleRatio <= 1)) {
            throw new IllegalArgumentException("the sample ratio must be in 0..1, is " + sampleRatio);
        }
        if (exportTimeout.isNegative() || exportTimeout.isZero() || batchDelay.isNegative() || batchDelay.isZero()) {
            throw new IllegalArgumentException("export timeout and batch delay must be positive");
        }
        if (maxQueue < 1) {
            throw new IllegalArgumentException("max queue must be at least 1");
        }
    }

    /** Off; when turned on: localhost:4318, every trace, 10 s export timeout, 1 s batches, 2048 spans. */
    public static final TraceSettings OFF = new TraceSettings(
            false,
            URI.create("http://127.0.0.1:4318/v1/traces"),
            "infergate-router",
            1.0,
            Duration.ofSeconds(10),
            Duration.ofSeconds(1),
            2048);

    /** On, exporting to {@code endpoint}, the other settings as {@link #OFF}. */
    public static TraceSettings exportingTo(URI endpoint) {
        return new TraceSettings(
                true, endpoint, OFF.serviceName, OFF.sampleRatio, OFF.exportTimeout, OFF.batchDelay, OFF.maxQueue);
    }

    /** A copy with another batch delay (tests export sooner). */
    public TraceSettings withBatchDelay(Duration delay) {
        return new TraceSettings(enabled, endpoint, serviceName, sampleRatio, exportTimeout, delay, maxQueue);
    }

    /**
     * Reads {@code router.tracing}; absent keys keep {@link #OFF}'s values. Settings given with
     * {@code enabled: false} (or without {@code enabled}) are an error: they could not act.
     */
    public static TraceSettings create(Section s) {
        boolean enabled = s.bool("enabled", OFF.enabled);
        for (String unused :
                List.of("endpoint", "service-name", "sample-ratio", "export-timeout", "batch-delay", "max-queue")) {
            if (!enabled && s.has(unused)) {
                throw new IllegalArgumentException("'" + s.key(unused) + "' has no effect without '" + s.key("enabled")
                        + ": true'; set it or remove the key");
            }
        }
        URI endpoint;
        String url = s.string("endpoint", OFF.endpoint.toString());
        try {
            endpoint = new URI(url);
        } catch (java.net.URISyntaxException e) {
            throw new IllegalArgumentException("'" + s.key("endpoint") + "' is not a URL: " + url, e);
        }
        double ratio = s.has("sample-ratio") ? ratio(s) : OFF.sampleRatio;
        return new TraceSettings(
                enabled,
                endpoint,
                s.string("service-name", OFF.serviceName),
                ratio,
                s.duration("export-timeout", OFF.exportTimeout),
                s.duration("batch-delay", OFF.batchDelay),
                s.integer("max-queue", OFF.maxQueue));
    }

    private static double ratio(Section s) {
        String value = s.string("sample-ratio", "1");
        try {
            double v = Double.parseDouble(value);
            if (!(v >= 0 && v <= 1)) {
                throw new IllegalArgumentException("'" + s.key("sample-ratio") + "' must be in 0..1, is " + value);
            }
            return v;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(
                    "'" + s.key("sample-ratio") + "' must be a number in 0..1, is " + value, e);
        }
    }

    @Override
    public String toString() {
        return enabled ? "tracing[otlp=" + endpoint + ", ratio=" + sampleRatio + "]" : "tracing[off]";
    }
}
