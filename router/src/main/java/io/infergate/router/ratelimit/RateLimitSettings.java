package io.infergate.router.ratelimit;

import io.infergate.router.settings.Section;

import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * How the router reaches the store of global rate limits ({@code router.rate-limits}).
 *
 * @param redis              where Redis listens; empty: global limits apply their failure mode
 *                           (a router without a store cannot count across routers)
 * @param redisTimeout       connect, read and pool-wait bound of one Redis call
 * @param redisConnections   most connections to Redis at once
 * @param redisRetryInterval after a failed call, how long Redis is not asked again
 */
public record RateLimitSettings(
        Optional<RedisAddress> redis, Duration redisTimeout, int redisConnections, Duration redisRetryInterval) {
    public RateLimitSettings {
        Objects.requireNonNull(redis, "redis");
        Objects.requireNonNull(redisTimeout, "redisTimeout");
        Objects.requireNonNull(redisRetryInterval, "redisRetryInterval");
        if (redisConnections < 1) {
            throw new IllegalArgumentException("redis connections must be at least 1");
        }
    }

    /** No Redis; 250 ms timeout, 64 connections, 1 s retry interval. */
    public static final RateLimitSettings DEFAULT =
            new RateLimitSettings(Optional.empty(), Duration.ofMillis(250), 64, Duration.ofSeconds(1));

    /** The same with Redis at {@code host:port}. */
    public RateLimitSettings withRedis(String host, int port) {
        return new RateLimitSettings(
                Optional.of(new RedisAddress(host, port)), redisTimeout, redisConnections, redisRetryInterval);
    }

    /** A Redis server's address. */
    public record RedisAddress(String host, int port) {
        public RedisAddress {
            if (host == null || host.isBlank() || port < 1 || port > 65535) {
                throw new IllegalArgumentException("a Redis address is host:port with a port in 1..65535");
            }
        }

        /** Parses {@code host:port} ({@code [v6]:port} for IPv6 literals). */
        static RedisAddress parse(String value) {
            int colon = value.lastIndexOf(':');
            if (colon <= 0 || colon == value.length() - 1) {
                throw new IllegalArgumentException("'" + value + "' is not host:port");
            }
            String host = value.substring(0, colon);
            if (host.startsWith("[") && host.endsWith("]")) {
                host = host.substring(1, host.length() - 1);
            }
            try {
                return new RedisAddress(host, Integer.parseInt(value.substring(colon + 1)));
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("'" + value + "' has no numeric port", e);
            }
        }
    }

    /** Reads {@code router.rate-limits}: {@code redis-address}, {@code redis-timeout}, {@code redis-connections}, {@code redis-retry-interval}. */
    public static RateLimitSettings create(Section s) {
        String address = s.string("redis-address", "");
        Duration timeout = s.duration("redis-timeout", DEFAULT.redisTimeout());
        if (timeout.isZero() || timeout.isNegative()) {
            throw new IllegalArgumentException("'" + s.key("redis-timeout") + "' must be positive");
        }
        Optional<RedisAddress> redis;
        try {
            redis = address.isBlank() ? Optional.empty() : Optional.of(RedisAddress.parse(address.strip()));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("'" + s.key("redis-address") + "': " + e.getMessage(), e);
        }
        int connections = s.integer("redis-connections", DEFAULT.redisConnections());
        if (connections < 1) {
            throw new IllegalArgumentException("'" + s.key("redis-connections") + "' must be at least 1");
        }
        return new RateLimitSettings(
                redis, timeout, connections, s.duration("redis-retry-interval", DEFAULT.redisRetryInterval()));
    }
}
