package io.infergate.router;

import io.infergate.router.auth.JwksSource;
import io.infergate.router.listen.ListenerLimits;
import io.infergate.router.proxy.ProxySettings;
import io.infergate.router.ratelimit.RateLimitSettings;
import io.infergate.router.schedule.PoolSettings;
import io.infergate.router.settings.Section;
import io.infergate.router.trace.TraceSettings;

import java.util.Objects;

/**
 * Everything the router needs, read once by {@link Main} (flags, token file, optional YAML file)
 * or built directly by tests, then passed to {@link RouterApp#start}.
 *
 * @param bindAddress         where listeners of Gateways without {@code addresses} are served
 * @param internalBindAddress where the internal socket (snapshot API, health, metrics) listens
 * @param internalPort        the internal port; 0 picks a free one (tests)
 * @param token               the bearer token of the snapshot API (never logged)
 * @param listeners           bounds of every public socket
 * @param proxy               upstream timeouts and bounds
 * @param maxSnapshotBytes    the largest snapshot body accepted (413 beyond)
 * @param pools               InferencePool scheduling: scraping, admission, saturation, profiles
 * @param jwks                how AuthPolicies' JWKS documents are cached and refetched
 * @param rateLimits          where RateLimitPolicies' global counts live (Redis)
 * @param tracing             OpenTelemetry traces: off by default (docs/adr/0031)
 */
public record RouterConfig(
        String bindAddress,
        String internalBindAddress,
        int internalPort,
        String token,
        ListenerLimits listeners,
        ProxySettings proxy,
        long maxSnapshotBytes,
        PoolSettings pools,
        JwksSource.Settings jwks,
        RateLimitSettings rateLimits,
        TraceSettings tracing) {

    /** Default internal port. */
    public static final int DEFAULT_INTERNAL_PORT = 15000;
    /** Default snapshot size bound: 64 MiB. */
    public static final long DEFAULT_MAX_SNAPSHOT_BYTES = 64L * 1024 * 1024;

    public RouterConfig {
        Objects.requireNonNull(bindAddress, "bindAddress");
        Objects.requireNonNull(internalBindAddress, "internalBindAddress");
        Objects.requireNonNull(listeners, "listeners");
        Objects.requireNonNull(proxy, "proxy");
        Objects.requireNonNull(pools, "pools");
        Objects.requireNonNull(jwks, "jwks");
        Objects.requireNonNull(rateLimits, "rateLimits");
        Objects.requireNonNull(tracing, "tracing");
        if (token == null || token.isBlank()) {
            throw new IllegalArgumentException("the snapshot API token must not be empty");
        }
        if (internalPort < 0 || internalPort > 65535) {
            throw new IllegalArgumentException("internal port must be in 0..65535, is " + internalPort);
        }
        if (maxSnapshotBytes < 1024) {
            throw new IllegalArgumentException("maxSnapshotBytes must be at least 1024");
        }
    }

    /** Without tracing. */
    public RouterConfig(
            String bindAddress,
            String internalBindAddress,
            int internalPort,
            String token,
            ListenerLimits listeners,
            ProxySettings proxy,
            long maxSnapshotBytes,
            PoolSettings pools,
            JwksSource.Settings jwks,
            RateLimitSettings rateLimits) {
        this(
                bindAddress,
                internalBindAddress,
                internalPort,
                token,
                listeners,
                proxy,
                maxSnapshotBytes,
                pools,
                jwks,
                rateLimits,
                TraceSettings.OFF);
    }

    /** A copy that traces as {@code settings} say. */
    public RouterConfig withTracing(TraceSettings settings) {
        return new RouterConfig(
                bindAddress,
                internalBindAddress,
                internalPort,
                token,
                listeners,
                proxy,
                maxSnapshotBytes,
                pools,
                jwks,
                rateLimits,
                settings);
    }

    /** Without a rate limit store. */
    public RouterConfig(
            String bindAddress,
            String internalBindAddress,
            int internalPort,
            String token,
            ListenerLimits listeners,
            ProxySettings proxy,
            long maxSnapshotBytes,
            PoolSettings pools,
            JwksSource.Settings jwks) {
        this(
                bindAddress,
                internalBindAddress,
                internalPort,
                token,
                listeners,
                proxy,
                maxSnapshotBytes,
                pools,
                jwks,
                RateLimitSettings.DEFAULT);
    }

    /** A copy whose global rate limits count in the Redis {@code settings} names. */
    public RouterConfig withRateLimits(RateLimitSettings settings) {
        return new RouterConfig(
                bindAddress,
                internalBindAddress,
                internalPort,
                token,
                listeners,
                proxy,
                maxSnapshotBytes,
                pools,
                jwks,
                settings,
                tracing);
    }

    /** With the default JWKS caching. */
    public RouterConfig(
            String bindAddress,
            String internalBindAddress,
            int internalPort,
            String token,
            ListenerLimits listeners,
            ProxySettings proxy,
            long maxSnapshotBytes,
            PoolSettings pools) {
        this(
                bindAddress,
                internalBindAddress,
                internalPort,
                token,
                listeners,
                proxy,
                maxSnapshotBytes,
                pools,
                JwksSource.Settings.DEFAULT);
    }

    /** A copy with other JWKS caching (tests shorten the refetch interval). */
    public RouterConfig withJwks(JwksSource.Settings settings) {
        return new RouterConfig(
                bindAddress,
                internalBindAddress,
                internalPort,
                token,
                listeners,
                proxy,
                maxSnapshotBytes,
                pools,
                settings,
                rateLimits,
                tracing);
    }

    /** With the default scheduling. */
    public RouterConfig(
            String bindAddress,
            String internalBindAddress,
            int internalPort,
            String token,
            ListenerLimits listeners,
            ProxySettings proxy,
            long maxSnapshotBytes) {
        this(
                bindAddress,
                internalBindAddress,
                internalPort,
                token,
                listeners,
                proxy,
                maxSnapshotBytes,
                PoolSettings.defaults());
    }

    /** A copy with other InferencePool settings. */
    public RouterConfig withPools(PoolSettings settings) {
        return new RouterConfig(
                bindAddress,
                internalBindAddress,
                internalPort,
                token,
                listeners,
                proxy,
                maxSnapshotBytes,
                settings,
                jwks,
                rateLimits,
                tracing);
    }

    /** Reads {@code router.snapshot.max-size}: bytes of a snapshot PUT body, at least 1024. */
    static long maxSnapshotBytes(Section s) {
        long max = s.bytes("max-size", DEFAULT_MAX_SNAPSHOT_BYTES);
        if (max < 1024) {
            throw new IllegalArgumentException("'" + s.key("max-size") + "' must be at least 1024");
        }
        return max;
    }

    /** Defaults everywhere except what a test or Main must choose. */
    public static RouterConfig defaults(String bindAddress, int internalPort, String token) {
        return new RouterConfig(
                bindAddress,
                bindAddress,
                internalPort,
                token,
                ListenerLimits.defaults(),
                ProxySettings.defaults(),
                DEFAULT_MAX_SNAPSHOT_BYTES);
    }

    @Override
    public String toString() {
        return "RouterConfig[bind=" + bindAddress + ", internal=" + internalBindAddress + ":" + internalPort
                + ", token=redacted, " + listeners + ", " + proxy + ", maxSnapshotBytes=" + maxSnapshotBytes + ", "
                + pools.scrape() + ", " + pools.admission() + ", " + tracing + "]";
    }
}
