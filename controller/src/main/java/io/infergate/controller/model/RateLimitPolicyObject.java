package io.infergate.controller.model;

import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * A RateLimitPolicy ({@code infergate.io/v1alpha1}): a Gateway API policy attachment that limits
 * the tokens and requests each tenant sends through the Gateways and HTTPRoutes of its namespace
 * it targets (docs/adr/0026-token-rate-limits.md). Enumerations are kept as written; the
 * translator judges them, so a bad value becomes a status condition, not a decode failure.
 *
 * @param targetRefs  {@code spec.targetRefs}
 * @param failureMode {@code spec.failureMode}: {@code Open} (the default) or {@code Closed}
 * @param limits      {@code spec.limits}
 */
public record RateLimitPolicyObject(
        ObjectMeta meta, List<AuthPolicyObject.TargetRef> targetRefs, String failureMode, List<Limit> limits)
        implements KubeObject {
    public RateLimitPolicyObject {
        targetRefs = List.copyOf(targetRefs);
        limits = List.copyOf(limits);
    }

    /**
     * One {@code spec.limits[]} entry.
     *
     * @param scope    {@code Global} (the default) or {@code Local}
     * @param unit     {@code Second}, {@code Minute}, {@code Hour} or {@code Day}
     * @param tokens   prompt + completion tokens per tenant per unit
     * @param requests requests per tenant per unit
     * @param tenants  the tenants it applies to; empty: all
     * @param models   the models it applies to, each counted separately; empty: all, together
     */
    public record Limit(
            String scope,
            Optional<String> unit,
            OptionalLong tokens,
            OptionalLong requests,
            List<String> tenants,
            List<String> models) {
        public Limit {
            tenants = List.copyOf(tenants);
            models = List.copyOf(models);
        }
    }
}
