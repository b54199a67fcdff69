package io.infergate.controller.decode;

import io.infergate.controller.model.AuthPolicyObject;
import io.infergate.controller.model.ObjectMeta;
import io.infergate.controller.model.RateLimitPolicyObject;

import java.util.List;
import java.util.OptionalLong;

/**
 * Decodes RateLimitPolicy objects. Rules: {@code spec.targetRefs} needs at least one entry (the
 * CRD requires it too); {@code failureMode} defaults to {@code Open} and each limit's
 * {@code scope} to {@code Global}; enumeration values are kept as written for the translator to
 * judge (a typo then shows as {@code Accepted=False Invalid} on the policy, not as a log line).
 */
final class RateLimitDecoder {

    private RateLimitDecoder() {}

    static RateLimitPolicyObject rateLimitPolicy(TreeNode root, ObjectMeta meta) {
        TreeNode spec = root.field("spec");
        List<AuthPolicyObject.TargetRef> targets = spec.field("targetRefs").list().stream()
                .map(t -> new AuthPolicyObject.TargetRef(
                        t.field("group").string(),
                        t.field("kind").string(),
                        t.field("name").string()))
                .toList();
        if (targets.isEmpty()) {
            throw new DecodeException("spec.targetRefs", "needs at least one Gateway or HTTPRoute");
        }
        List<RateLimitPolicyObject.Limit> limits = spec.field("limits").list().stream()
                .map(l -> new RateLimitPolicyObject.Limit(
                        l.field("scope").string("Global"),
                        l.field("unit").optString(),
                        optional(l.field("tokens")),
                        optional(l.field("requests")),
                        l.field("tenants").strings(),
                        l.field("models").strings()))
                .toList();
        return new RateLimitPolicyObject(
                meta, targets, spec.field("failureMode").string("Open"), limits);
    }

    private static OptionalLong optional(TreeNode n) {
        return n.optLong().map(OptionalLong::of).orElse(OptionalLong.empty());
    }
}
