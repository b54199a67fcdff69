package io.infergate.controller.model;

import java.util.List;
import java.util.Optional;

/**
 * An InferenceModelRewrite ({@code inference.networking.x-k8s.io/v1alpha2}): rules that replace
 * the {@code model} of requests to one pool.
 *
 * @param poolRef {@code spec.poolRef}, in the object's namespace
 * @param rules   {@code spec.rules}, in list order
 */
public record InferenceModelRewrite(ObjectMeta meta, InferenceObjective.PoolRef poolRef, List<Rule> rules)
        implements KubeObject {

    public InferenceModelRewrite {
        rules = List.copyOf(rules);
    }

    /**
     * One rule.
     *
     * @param models  the {@code matches[].model.value} names (type Exact, the only type); empty
     *                matches every model
     * @param targets {@code targets[]}
     */
    public record Rule(List<String> models, List<Target> targets) {
        public Rule {
            models = List.copyOf(models);
            targets = List.copyOf(targets);
        }
    }

    /**
     * A weighted target.
     *
     * @param modelRewrite the replacement model name
     * @param weight       {@code weight}, empty when unset
     */
    public record Target(String modelRewrite, Optional<Integer> weight) {}
}
