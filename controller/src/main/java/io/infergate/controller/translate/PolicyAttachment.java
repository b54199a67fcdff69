package io.infergate.controller.translate;

import io.infergate.common.snapshot.Gateway;
import io.infergate.common.snapshot.HttpRoute;
import io.infergate.controller.model.AuthPolicyObject;
import io.infergate.controller.status.Condition;
import io.infergate.controller.status.ParentRef;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * How a policy kind that targets Gateways and HTTPRoutes (AuthPolicy, RateLimitPolicy) attaches:
 * a target that does not exist gets {@code Accepted=False/TargetNotFound} on itself; a target
 * already claimed by an older policy of the same kind gets {@code Conflicted} (policies are fed
 * oldest first, so the oldest keeps it); otherwise {@code Invalid} when the policy has problems,
 * else {@code Accepted}. The condition goes to every Gateway the target is served by (the
 * policy's ancestors). One instance per kind and translation: it remembers the claims.
 */
final class PolicyAttachment {

    private final Set<String> gatewayIds = new LinkedHashSet<>();
    private final Map<String, HttpRoute> routesById = new HashMap<>();
    private final Map<String, String> claimedBy = new HashMap<>();
    /** How the conflict message names what the older policy does: "protected", "limited". */
    private final String claimVerb;

    PolicyAttachment(List<Gateway> gateways, List<HttpRoute> routes, String claimVerb) {
        gateways.forEach(g -> gatewayIds.add(g.id()));
        routes.forEach(r -> routesById.put(r.id(), r));
        this.claimVerb = claimVerb;
    }

    /**
     * Attaches one policy's targets, filling {@code refs} and {@code ancestors} (ancestor scope to
     * its ParentRef and Accepted condition).
     *
     * @return the targets this policy now holds (not claimed by an older one)
     */
    List<String> attach(
            List<AuthPolicyObject.TargetRef> targetRefs,
            String ns,
            long gen,
            String id,
            Optional<String> invalid,
            Map<String, ParentRef> refs,
            Map<String, Condition> ancestors) {
        List<String> targets = new ArrayList<>();
        for (AuthPolicyObject.TargetRef t : targetRefs) {
            Optional<String> target = AuthPolicies.target(t, ns, gatewayIds, routesById);
            if (target.isEmpty()) {
                ParentRef self = new ParentRef(
                        t.group(), t.kind(), Optional.of(ns), t.name(), Optional.empty(), Optional.empty());
                AuthPolicies.put(
                        refs,
                        ancestors,
                        self,
                        Condition.isFalse(
                                "Accepted",
                                "TargetNotFound",
                                "target " + t.kind() + " " + ns + "/" + t.name()
                                        + " does not exist or is not served by this controller",
                                gen));
                continue;
            }
            String owner = claimedBy.putIfAbsent(target.get(), id);
            Condition accepted = owner != null
                    ? Condition.isFalse(
                            "Accepted",
                            "Conflicted",
                            "target " + target.get() + " is already " + claimVerb + " by the older " + owner,
                            gen)
                    : invalid.map(m -> Condition.isFalse("Accepted", "Invalid", m, gen))
                            .orElse(Condition.isTrue("Accepted", "Accepted", "the policy is enforced", gen));
            if (owner == null) {
                targets.add(target.get());
            }
            for (String gw : AuthPolicies.ancestorsOf(target.get(), routesById)) {
                String[] parts = gw.split("/", 3); // gateway/<ns>/<name>
                AuthPolicies.put(refs, ancestors, ParentRef.gateway(parts[1], parts[2]), accepted);
            }
        }
        return targets;
    }
}
