package io.infergate.common.snapshot;

import java.util.List;
import java.util.Objects;

/**
 * One rule of an InferenceModelRewrite, as the router applies it to requests for one pool. A pool
 * carries its rules already in precedence order (the controller sorts them: rules with an Exact
 * match before generic rules, then the oldest object, then rule order), so the router takes the
 * first rule that matches.
 *
 * @param id      {@code inferencemodelrewrite/<ns>/<name>/rule/<index>}
 * @param models  the Exact model names the rule matches (ORed); empty matches every model
 * @param targets the weighted replacement models, at least one
 */
public record ModelRewrite(String id, List<String> models, List<Target> targets) {

    public ModelRewrite {
        Objects.requireNonNull(id, "id");
        models = List.copyOf(models);
        targets = List.copyOf(targets);
    }

    /** Whether the rule applies to a request naming {@code model}. */
    public boolean matches(String model) {
        return models.isEmpty() || models.contains(model);
    }

    /**
     * A weighted replacement model name; a rule picks target i with probability weight_i / sum.
     *
     * @param model  the name written into the request body ({@code modelRewrite})
     * @param weight 1 or more (the controller writes 1 when the object gives no weights)
     */
    public record Target(String model, int weight) {
        public Target {
            Objects.requireNonNull(model, "model");
        }
    }
}
