package io.infergate.router.proxy;

import io.infergate.router.settings.Section;

import java.time.Duration;

/**
 * Upstream bounds, read once from configuration.
 *
 * @param connectTimeout         connecting to an endpoint; expiry is a connect failure (502)
 * @param readTimeout            the longest wait for any single read from an endpoint, response
 *                               headers included (504 before headers); prefill can be slow, so
 *                               the default is generous
 * @param maxConcurrentPerEndpoint requests this router keeps in flight per endpoint; more get 503
 *                               {@code upstream_saturated} at once ({@code <= 0}: unbounded)
 * @param maxBodyBytes           the largest inference request body the router reads to parse
 *                               (the listener bound applies to every body as well)
 */
public record ProxySettings(Duration connectTimeout, Duration readTimeout, int maxConcurrentPerEndpoint,
                            long maxBodyBytes) {

    /** The documented defaults: connect 5 s, read 300 s, 256 per endpoint, 16 MiB. */
    public static ProxySettings defaults() {
        return new ProxySettings(Duration.ofSeconds(5), Duration.ofSeconds(300), 256, 16L * 1024 * 1024);
    }

    public ProxySettings {
        if (connectTimeout.isNegative() || connectTimeout.isZero() || readTimeout.isNegative() || readTimeout.isZero()) {
            throw new IllegalArgumentException("connect and read timeouts must be positive");
        }
        if (maxBodyBytes < 1) {
            throw new IllegalArgumentException("maxBodyBytes must be positive");
        }
    }

    /**
     * Reads {@code router.upstream}; absent keys keep {@link #defaults()}.
     *
     * @param maxBodyBytes the listeners' payload bound, which inference bodies share
     */
    public static ProxySettings create(Section s, long maxBodyBytes) {
        ProxySettings d = defaults();
        return new ProxySettings(s.duration("connect-timeout", d.connectTimeout()),
                s.duration("read-timeout", d.readTimeout()),
                s.integer("max-concurrent-per-endpoint", d.maxConcurrentPerEndpoint()), maxBodyBytes);
    }
}
