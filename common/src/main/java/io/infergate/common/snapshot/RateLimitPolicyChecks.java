package io.infergate.common.snapshot;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The RateLimitPolicy part of {@link SnapshotValidator}: unique policy ids; targets that name a
 * Gateway or HTTPRoute of the snapshot, each in one policy only; at least one limit, each with a
 * token or request count (never negative) and no blank tenant or model.
 */
final class RateLimitPolicyChecks {

    private RateLimitPolicyChecks() {}

    static List<Violation> check(Snapshot s, Set<String> ids) {
        List<Violation> out = new ArrayList<>();
        Set<String> targets = PolicyTargetChecks.targetable(s);
        Map<String, String> claimed = new HashMap<>();
        for (int i = 0; i < s.rateLimitPolicies().size(); i++) {
            RateLimitPolicy p = s.rateLimitPolicies().get(i);
            String at = "/rateLimitPolicies/" + i;
            PolicyTargetChecks.check(at, p.id(), p.targets(), ids, targets, claimed, out);
            if (p.limits().isEmpty()) {
                out.add(new Violation(at + "/limits", "must hold at least one limit"));
            }
            for (int l = 0; l < p.limits().size(); l++) {
                limit(p.limits().get(l), at + "/limits/" + l, out);
            }
        }
        return out;
    }

    private static void limit(RateLimitPolicy.Limit limit, String at, List<Violation> out) {
        if (limit.tokens() < 0 || limit.requests() < 0) {
            out.add(new Violation(at, "tokens and requests must not be negative"));
        } else if (limit.tokens() == 0 && limit.requests() == 0) {
            out.add(new Violation(at, "needs a token or a request count"));
        }
        if (limit.tenants().stream().anyMatch(String::isBlank)) {
            out.add(new Violation(at + "/tenants", "must not hold a blank tenant"));
        }
        if (limit.models().stream().anyMatch(String::isBlank)) {
            out.add(new Violation(at + "/models", "must not hold a blank model"));
        }
    }
}
