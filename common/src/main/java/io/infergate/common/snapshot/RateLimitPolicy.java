package io.infergate.common.snapshot;

import java.time.Duration;
import java.util.List;

/**
 * An accepted RateLimitPolicy ({@code infergate.io}): how many tokens and requests each tenant may
 * send through the Gateways and HTTPRoutes it targets (docs/adr/0026-token-rate-limits.md). A
 * policy on an HTTPRoute overrides one on the route's Gateway, as for AuthPolicies.
 *
 * <p>Rules: every limit applies to each tenant separately (the tenant an AuthPolicy established;
 * callers without one share the tenant {@code ""}); a request passes only when every limit that
 * applies to it has room; tokens are prompt plus completion tokens.
 *
 * @param id          {@code ratelimitpolicy/<namespace>/<name>}
 * @param targets     the ids of the Gateways and HTTPRoutes it applies to
 * @param failureMode what a router does with a global limit while Redis cannot answer
 * @param limits      at least one
 */
public record RateLimitPolicy(String id, List<String> targets, FailureMode failureMode, List<Limit> limits) {
    public RateLimitPolicy {
        targets = List.copyOf(targets);
        limits = List.copyOf(limits);
    }

    /** The canonical id of a RateLimitPolicy. */
    public static String idOf(String namespace, String name) {
        return "ratelimitpolicy/" + namespace + "/" + name;
    }

    /** While Redis cannot answer: admit ({@code OPEN}) or refuse with 503 ({@code CLOSED}). */
    public enum FailureMode {
        OPEN,
        CLOSED
    }

    /** Where a limit's counters live: Redis, shared by every router, or each router's memory. */
    public enum Scope {
        GLOBAL,
        LOCAL
    }

    /** The length of a limit's fixed window; windows start at multiples of it since the epoch. */
    public enum Unit {
        SECOND(Duration.ofSeconds(1)),
        MINUTE(Duration.ofMinutes(1)),
        HOUR(Duration.ofHours(1)),
        DAY(Duration.ofDays(1));

        private final Duration length;

        Unit(Duration length) {
            this.length = length;
        }

        public Duration length() {
            return length;
        }
    }

    /**
     * One limit, counted per tenant (and per model when {@code models} is set).
     *
     * @param scope    global (Redis) or local (per router)
     * @param unit     the window
     * @param tokens   prompt + completion tokens per tenant per window; 0: no token limit
     * @param requests requests per tenant per window; 0: no request limit
     * @param tenants  the tenants it applies to; empty: every tenant
     * @param models   the request models it applies to, each counted separately; empty: every
     *                 request, counted together
     */
    public record Limit(Scope scope, Unit unit, long tokens, long requests, List<String> tenants, List<String> models) {
        public Limit {
            tenants = List.copyOf(tenants);
            models = List.copyOf(models);
        }
    }
}
