package io.infergate.router.proxy;

import io.infergate.router.outlier.OutlierSettings;
import io.infergate.router.settings.Section;

import java.time.Duration;
import java.util.Objects;

/**
 * Upstream bounds, read once from configuration.
 *
 * @param connectTimeout         connecting to an endpoint; expiry is a connect failure (retried, then 502)
 * @param readTimeout            the longest wait for any single read from an endpoint, response
 *                               headers included (504 before headers); prefill can be slow, so
 *                               the default is generous
 * @param maxConcurrentPerEndpoint requests this router keeps in flight per endpoint; more get 503
 *                               {@code upstream_saturated} at once ({@code <= 0}: unbounded)
 * @param maxBodyBytes           the largest inference request body the router reads to parse
 *                               (the listener bound applies to every body as well)
 * @param retries                how many times a request is sent again to another endpoint after a
 *                               connect failure or a retriable 503 (0 or 1; default 1)
 * @param outliers               when endpoints that refuse connections are ejected
 * @param watchClients           watch each client connection while its upstream request runs, so a
 *                               client that leaves cancels it at once (default on; off: noticed at
 *                               the next write only)
 */
public record ProxySettings(
        Duration connectTimeout,
        Duration readTimeout,
        int maxConcurrentPerEndpoint,
        long maxBodyBytes,
        int retries,
        OutlierSettings outliers,
        boolean watchClients) {

    /** The documented defaults: connect 5 s, read 300 s, 256 per endpoint, 16 MiB, one retry, Envoy-like ejection. */
    public static ProxySettings defaults() {
        return new ProxySettings(
                Duration.ofSeconds(5),
                Duration.ofSeconds(300),
                256,
                16L * 1024 * 1024,
                1,
                OutlierSettings.defaults(),
                true);
    }

    public ProxySettings {
        if (connectTimeout.isNegative()
                || connectTimeout.isZero()
                || readTimeout.isNegative()
                || readTimeout.isZero()) {
            throw new IllegalArgumentException("connect and read timeouts must be positive");
        }
        if (maxBodyBytes < 1) {
            throw new IllegalArgumentException("maxBodyBytes must be positive");
        }
        if (retries < 0 || retries > 1) {
            throw new IllegalArgumentException("retries must be 0 or 1");
        }
        Objects.requireNonNull(outliers, "outliers");
    }

    /** With the default retry and ejection settings. */
    public ProxySettings(
            Duration connectTimeout, Duration readTimeout, int maxConcurrentPerEndpoint, long maxBodyBytes) {
        this(connectTimeout, readTimeout, maxConcurrentPerEndpoint, maxBodyBytes, 1, OutlierSettings.defaults(), true);
    }

    /**
     * Reads {@code router.upstream}; absent keys keep {@link #defaults()}.
     *
     * @param maxBodyBytes the listeners' payload bound, which inference bodies share
     */
    public static ProxySettings create(Section s, long maxBodyBytes) {
        ProxySettings d = defaults();
        return new ProxySettings(
                s.duration("connect-timeout", d.connectTimeout()),
                s.duration("read-timeout", d.readTimeout()),
                s.integer("max-concurrent-per-endpoint", d.maxConcurrentPerEndpoint()),
                maxBodyBytes,
                s.integer("retries", d.retries()),
                OutlierSettings.create(s),
                s.bool("watch-clients", d.watchClients()));
    }
}
