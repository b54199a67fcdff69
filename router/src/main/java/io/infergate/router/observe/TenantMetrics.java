package io.infergate.router.observe;

import io.helidon.metrics.api.Counter;
import io.helidon.metrics.api.Meter;
import io.helidon.metrics.api.MeterRegistry;
import io.helidon.metrics.api.Tag;
import io.infergate.router.ratelimit.RateLimiter;

import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;

/**
 * Meters per tenant and of rate limiting (docs/rate-limits.md, "Metrics"):
 * <ul>
 *   <li>{@code infergate_router_tenant_requests_total{tenant,code_class}}: finished requests of
 *       authenticated callers</li>
 *   <li>{@code infergate_router_tenant_tokens_total{tenant,kind}}: {@code prompt} and
 *       {@code completion} tokens the model servers reported for them</li>
 *   <li>{@code infergate_router_rate_limit_decisions_total{outcome}}: {@code admitted},
 *       {@code limited}, {@code failed_open}, {@code failed_closed}</li>
 *   <li>{@code infergate_router_rate_limit_store_errors_total}: Redis calls that failed</li>
 * </ul>
 * Rule: the tenant label takes at most {@link #MAX_TENANTS} values, the first tenants seen; later
 * ones count under {@code other}, so a JWT issuer with a million subjects cannot grow the
 * metrics without bound.
 */
public final class TenantMetrics implements RateLimiter.Outcomes {
    /** Distinct tenant label values; the rest is {@code other}. */
    public static final int MAX_TENANTS = 100;

    private static final String PREFIX = "infergate_router_";

    private record RequestKey(String tenant, String codeClass) {}

    private record TokenKey(String tenant, String kind) {}

    private final MeterRegistry registry;
    private final Consumer<Meter> track;
    private final TenantLabels tenants = new TenantLabels(MAX_TENANTS);
    private final Map<RequestKey, Counter> requests = new ConcurrentHashMap<>();
    private final Map<TokenKey, Counter> tokens = new ConcurrentHashMap<>();
    private final Map<String, Counter> decisions = new ConcurrentHashMap<>();
    private final Counter storeErrors;

    TenantMetrics(MeterRegistry registry, Consumer<Meter> track) {
        this.registry = registry;
        this.track = track;
        this.storeErrors = registry.getOrCreate(Counter.builder(PREFIX + "rate_limit_store_errors")
                .description("Calls to the rate limit store (Redis) that failed"));
        track.accept(storeErrors);
    }

    /** A request of an authenticated tenant finished; token counts as the server reported them. */
    public void finished(String tenant, int status, OptionalLong promptTokens, OptionalLong completionTokens) {
        if (tenant.isEmpty()) {
            return;
        }
        String label = tenants.label(tenant);
        requests.computeIfAbsent(
                        new RequestKey(label, (status / 100) + "xx"),
                        k -> counter(
                                "tenant_requests",
                                "Requests of authenticated tenants",
                                List.of(Tag.create("tenant", k.tenant()), Tag.create("code_class", k.codeClass()))))
                .increment();
        promptTokens.ifPresent(n -> tokenCounter(label, "prompt").increment(n));
        completionTokens.ifPresent(n -> tokenCounter(label, "completion").increment(n));
    }

    @Override
    public void decided(String outcome) {
        decisions
                .computeIfAbsent(
                        outcome,
                        o -> counter(
                                "rate_limit_decisions",
                                "Rate limit decisions by outcome",
                                List.of(Tag.create("outcome", o))))
                .increment();
    }

    @Override
    public void storeFailed() {
        storeErrors.increment();
    }

    private Counter tokenCounter(String tenant, String kind) {
        return tokens.computeIfAbsent(
                new TokenKey(tenant, kind),
                k -> counter(
                        "tenant_tokens",
                        "Tokens of authenticated tenants, as the model servers reported them",
                        List.of(Tag.create("tenant", k.tenant()), Tag.create("kind", k.kind()))));
    }

    private Counter counter(String name, String description, List<Tag> tags) {
        Counter c = registry.getOrCreate(
                Counter.builder(PREFIX + name).description(description).tags(tags));
        track.accept(c);
        return c;
    }
}
