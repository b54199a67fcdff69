package io.infergate.controller.translate;

import io.infergate.common.snapshot.Gateway;
import io.infergate.common.snapshot.HttpRoute;
import io.infergate.common.snapshot.RateLimitPolicy;
import io.infergate.controller.model.RateLimitPolicyObject;
import io.infergate.controller.status.Condition;
import io.infergate.controller.status.ObjectKey;
import io.infergate.controller.status.ObjectStatus;
import io.infergate.controller.status.ParentRef;
import io.infergate.controller.status.StatusPlan;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * RateLimitPolicies → the snapshot's {@link RateLimitPolicy} list and each policy's status
 * (docs/adr/0026-token-rate-limits.md). Pure.
 *
 * <p>Rules: targets and ancestors as for AuthPolicies ({@link AuthPolicies}): a served Gateway or
 * HTTPRoute of the policy's namespace, one {@code ancestors[]} entry per Gateway concerned,
 * {@code TargetNotFound} with the target reference as ancestor, the older policy keeps a target
 * ({@code Conflicted} for the newer). A limit that cannot act (unknown {@code unit}, {@code scope};
 * neither {@code tokens} nor {@code requests}; a count below 1) gives {@code Accepted=False
 * Invalid} naming it and is left out while the policy's other limits still ship; an unknown
 * {@code failureMode} is Invalid too and the policy ships with the default ({@code Open}). A
 * policy left with no usable limit ships nothing: there is nothing to enforce.
 */
final class RateLimitPolicies {
    private static final int MAX_ANCESTORS = 16;

    private RateLimitPolicies() {}

    /** The translated policies and their statuses. */
    record Outcome(List<RateLimitPolicy> policies, List<StatusPlan.Entry> statuses) {}

    static Outcome translate(
            List<RateLimitPolicyObject> objects,
            List<Gateway> gateways,
            List<HttpRoute> routes,
            String controllerName) {
        PolicyAttachment attachment = new PolicyAttachment(gateways, routes, "limited");

        List<RateLimitPolicyObject> ordered = new ArrayList<>(objects);
        ordered.sort(Comparator.comparing((RateLimitPolicyObject p) -> p.meta().creationTimestamp())
                .thenComparing(p -> p.meta().path()));
        List<RateLimitPolicy> out = new ArrayList<>();
        List<StatusPlan.Entry> statuses = new ArrayList<>();
        for (RateLimitPolicyObject p : ordered) {
            String ns = p.meta().namespace();
            long gen = p.meta().generation();
            String id = RateLimitPolicy.idOf(ns, p.meta().name());
            List<String> problems = new ArrayList<>();
            RateLimitPolicy.FailureMode mode = failureMode(p.failureMode(), problems);
            List<RateLimitPolicy.Limit> limits = new ArrayList<>();
            for (int i = 0; i < p.limits().size(); i++) {
                limit(p.limits().get(i), "spec.limits[" + i + "]", problems).ifPresent(limits::add);
            }
            if (p.limits().isEmpty()) {
                problems.add("spec.limits must hold at least one limit");
            }
            Optional<String> invalid = problems.isEmpty() ? Optional.empty() : Optional.of(String.join("; ", problems));
            Map<String, Condition> ancestors = new LinkedHashMap<>();
            Map<String, ParentRef> refs = new LinkedHashMap<>();
            List<String> targets = new ArrayList<>();
            targets.addAll(attachment.attach(p.targetRefs(), ns, gen, id, invalid, refs, ancestors));
            if (!targets.isEmpty() && !limits.isEmpty()) {
                out.add(new RateLimitPolicy(id, targets, mode, limits));
            }
            List<ObjectStatus.ParentStatus> entries = new ArrayList<>();
            ancestors.forEach((scope, accepted) -> {
                if (entries.size() < MAX_ANCESTORS) {
                    entries.add(new ObjectStatus.ParentStatus(refs.get(scope), controllerName, List.of(accepted)));
                }
            });
            statuses.add(new StatusPlan.Entry(
                    new ObjectKey(
                            AuthPolicies.API_VERSION,
                            "RateLimitPolicy",
                            ns,
                            p.meta().name()),
                    new ObjectStatus.PolicyStatus(entries)));
        }
        out.sort(Comparator.comparing(RateLimitPolicy::id));
        return new Outcome(out, statuses);
    }

    private static RateLimitPolicy.FailureMode failureMode(String value, List<String> problems) {
        return switch (value) {
            case "Open" -> RateLimitPolicy.FailureMode.OPEN;
            case "Closed" -> RateLimitPolicy.FailureMode.CLOSED;
            default -> {
                problems.add("spec.failureMode must be Open or Closed, not '" + value + "' (Open applies)");
                yield RateLimitPolicy.FailureMode.OPEN;
            }
        };
    }

    /** The limit as the router enforces it, or empty (with the reason added) when it cannot act. */
    static Optional<RateLimitPolicy.Limit> limit(RateLimitPolicyObject.Limit l, String at, List<String> problems) {
        int before = problems.size();
        RateLimitPolicy.Scope scope = switch (l.scope()) {
            case "Global" -> RateLimitPolicy.Scope.GLOBAL;
            case "Local" -> RateLimitPolicy.Scope.LOCAL;
            default -> {
                problems.add(at + ".scope must be Global or Local, not '" + l.scope() + "'");
                yield null;
            }
        };
        RateLimitPolicy.Unit unit = l.unit()
                .map(u -> switch (u) {
                    case "Second" -> RateLimitPolicy.Unit.SECOND;
                    case "Minute" -> RateLimitPolicy.Unit.MINUTE;
                    case "Hour" -> RateLimitPolicy.Unit.HOUR;
                    case "Day" -> RateLimitPolicy.Unit.DAY;
                    default -> null;
                })
                .orElse(null);
        if (unit == null) {
            problems.add(at + ".unit must be Second, Minute, Hour or Day, not '"
                    + l.unit().orElse("") + "'");
        }
        if (l.tokens().isEmpty() && l.requests().isEmpty()) {
            problems.add(at + " needs tokens, requests or both");
        }
        if (l.tokens().orElse(1) < 1 || l.requests().orElse(1) < 1) {
            problems.add(at + ": tokens and requests must be at least 1");
        }
        if (l.tenants().stream().anyMatch(String::isBlank)
                || l.models().stream().anyMatch(String::isBlank)) {
            problems.add(at + ": tenants and models must not be blank");
        }
        if (problems.size() > before) {
            return Optional.empty();
        }
        return Optional.of(new RateLimitPolicy.Limit(
                scope, unit, l.tokens().orElse(0), l.requests().orElse(0), l.tenants(), l.models()));
    }
}
