package io.infergate.router.inference;

import io.infergate.common.snapshot.ModelRewrite;

import java.util.List;
import java.util.Optional;
import java.util.random.RandomGenerator;

/**
 * Decides the model an inference request is sent upstream as. The header
 * {@code x-gateway-model-name-rewrite} wins when present and not blank (the client names the target
 * itself); otherwise the pool's InferenceModelRewrite rules apply, first matching rule first (they
 * arrive in precedence order), and a target is drawn with probability weight / sum of weights.
 */
public final class ModelRewriter {

    private ModelRewriter() {}

    /**
     * The model to send upstream instead of {@code model}; empty when the request keeps its model.
     *
     * @param forced the {@code x-gateway-model-name-rewrite} header, if sent
     * @param rules  the pool's rules in precedence order
     */
    public static Optional<String> target(
            String model, Optional<String> forced, List<ModelRewrite> rules, RandomGenerator random) {
        if (forced.isPresent() && !forced.get().isBlank()) {
            return forced.map(String::strip).filter(t -> !t.equals(model));
        }
        for (ModelRewrite rule : rules) {
            if (rule.matches(model)) {
                return Optional.of(pick(rule.targets(), random)).filter(t -> !t.equals(model));
            }
        }
        return Optional.empty();
    }

    private static String pick(List<ModelRewrite.Target> targets, RandomGenerator random) {
        if (targets.size() == 1) {
            return targets.getFirst().model();
        }
        long total = 0;
        for (ModelRewrite.Target t : targets) {
            total += t.weight();
        }
        long draw = random.nextLong(total);
        for (ModelRewrite.Target t : targets) {
            draw -= t.weight();
            if (draw < 0) {
                return t.model();
            }
        }
        return targets.getLast().model(); // unreachable: the draw is below the total
    }
}
