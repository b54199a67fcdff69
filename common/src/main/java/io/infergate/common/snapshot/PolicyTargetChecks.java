package io.infergate.common.snapshot;

import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What every attached policy kind of the snapshot (AuthPolicy, RateLimitPolicy) must satisfy: a
 * non-empty id unique across the snapshot, at least one target, every target a Gateway or HTTPRoute
 * of the snapshot, and each target claimed by one policy of the kind only (the controller resolves
 * conflicts before it ships, so a second claim means a broken producer).
 */
final class PolicyTargetChecks {

    private PolicyTargetChecks() {}

    /** The ids of the Gateways and HTTPRoutes a policy may target. */
    static Set<String> targetable(Snapshot s) {
        Set<String> targets = new HashSet<>();
        s.gateways().forEach(g -> targets.add(g.id()));
        s.routes().forEach(r -> targets.add(r.id()));
        return targets;
    }

    /**
     * @param at       the policy's JSON pointer
     * @param ids      every id seen so far in the snapshot (this policy's is added)
     * @param claimed  target to the policy of the same kind that claimed it first
     */
    static void check(
            String at,
            String id,
            List<String> policyTargets,
            Set<String> ids,
            Set<String> targetable,
            Map<String, String> claimed,
            List<Violation> out) {
        if (id.isEmpty()) {
            out.add(new Violation(at + "/id", "must not be empty"));
        } else if (!ids.add(id)) {
            out.add(new Violation(at + "/id", "duplicate id '" + id + "'"));
        }
        if (policyTargets.isEmpty()) {
            out.add(new Violation(at + "/targets", "must name at least one Gateway or HTTPRoute"));
        }
        for (int t = 0; t < policyTargets.size(); t++) {
            String target = policyTargets.get(t);
            if (!targetable.contains(target)) {
                out.add(new Violation(
                        at + "/targets/" + t, "names no Gateway or HTTPRoute in the snapshot: '" + target + "'"));
            }
            String other = claimed.putIfAbsent(target, id);
            if (other != null) {
                out.add(new Violation(at + "/targets/" + t, "'" + target + "' is already targeted by " + other));
            }
        }
    }
}
