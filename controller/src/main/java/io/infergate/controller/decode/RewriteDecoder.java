package io.infergate.controller.decode;

import io.infergate.controller.model.InferenceModelRewrite;
import io.infergate.controller.model.InferenceObjective;
import io.infergate.controller.model.ObjectMeta;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Decodes an InferenceModelRewrite. Besides the CRD's own checks it refuses what the router could
 * not apply: a rule without targets, a match type other than {@code Exact}, and weights given for
 * some targets of a rule but not all (the API says all or none).
 */
final class RewriteDecoder {

    private static final int MAX_WEIGHT = 1_000_000;

    private RewriteDecoder() {}

    static InferenceModelRewrite inferenceModelRewrite(TreeNode root, ObjectMeta meta) {
        TreeNode spec = root.field("spec");
        TreeNode ref = spec.field("poolRef");
        if (ref.isMissing()) {
            throw new DecodeException(ref.path(), "is required");
        }
        var poolRef = new InferenceObjective.PoolRef(
                ref.field("group").string("inference.networking.k8s.io"),
                ref.field("kind").string("InferencePool"),
                ref.field("name").string());
        List<InferenceModelRewrite.Rule> rules = new ArrayList<>();
        for (TreeNode rule : spec.field("rules").list()) {
            rules.add(rule(rule));
        }
        return new InferenceModelRewrite(meta, poolRef, rules);
    }

    private static InferenceModelRewrite.Rule rule(TreeNode rule) {
        List<String> models = new ArrayList<>();
        for (TreeNode match : rule.field("matches").list()) {
            TreeNode model = match.field("model");
            if (model.isMissing()) {
                throw new DecodeException(model.path(), "is required");
            }
            String type = model.field("type").string("Exact");
            if (!type.equals("Exact")) {
                throw new DecodeException(
                        model.field("type").path(), "unsupported match type '" + type + "' (only Exact)");
            }
            String value = model.field("value").string();
            if (value.isEmpty()) {
                throw new DecodeException(model.field("value").path(), "must not be empty");
            }
            models.add(value);
        }
        List<TreeNode> targetNodes = rule.field("targets").list();
        if (targetNodes.isEmpty()) {
            throw new DecodeException(rule.field("targets").path(), "at least one target is required");
        }
        List<InferenceModelRewrite.Target> targets = new ArrayList<>();
        for (TreeNode t : targetNodes) {
            String name = t.field("modelRewrite").string();
            if (name.isEmpty()) {
                throw new DecodeException(t.field("modelRewrite").path(), "must not be empty");
            }
            Optional<Integer> weight = t.field("weight").optInt();
            if (weight.isPresent() && (weight.get() < 1 || weight.get() > MAX_WEIGHT)) {
                throw new DecodeException(t.field("weight").path(), "must be in 1.." + MAX_WEIGHT);
            }
            targets.add(new InferenceModelRewrite.Target(name, weight));
        }
        long weighted = targets.stream().filter(t -> t.weight().isPresent()).count();
        if (weighted != 0 && weighted != targets.size()) {
            throw new DecodeException(rule.field("targets").path(), "set a weight on every target or on none");
        }
        return new InferenceModelRewrite.Rule(models, targets);
    }
}
