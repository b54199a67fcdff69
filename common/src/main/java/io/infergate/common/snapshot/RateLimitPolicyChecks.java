package io.infergate.common.snapshot;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
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
        Set<String> targets = new HashSet<>();
        s.gateways().forEach(g -> targets.add(g.id()));
        s.routes().forEach(r -> targets.add(r.id()));
        Map<String, String> claimed = new HashMap<>();
        for (int i = 0; i < s.rateLimitPolicies().size(); i++) {
            RateLimitPolicy p = s.rateLimitPolicies().get(i);
            String at = "/rateLimitPolicies/" + i;
            if (p.id().isEmpty()) {
                out.add(new Violation(at + "/id", "must not be empty"));
            } else if (!ids.add(p.id())) {
                out.add(new Violation(at + "/id", "duplicate id '" + p.id() + "'"));
            }
            if (p.targets().isEmpty()) {
                out.add(new Violation(at + "/targets", "must name at least one Gateway or HTTPRoute"));
            }
            for (int t = 0; t < p.targets().size(); t++) {
                String target = p.targets().get(t);
                if (!targets.contains(target)) {
                    out.add(new Violation(
                            at + "/targets/" + t, "names no Gateway or HTTPRoute in the snapshot: '" + target + "'"));
                }
                String other = claimed.putIfAbsent(target, p.id());
                if (other != null) {
                    out.add(new Violation(at + "/targets/" + t, "'" + target + "' is already targeted by " + other));
                }
            }
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
