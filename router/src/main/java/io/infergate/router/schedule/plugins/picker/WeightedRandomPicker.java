package io.infergate.router.schedule.plugins.picker;

import io.infergate.router.schedule.framework.EndpointView;
import io.infergate.router.schedule.framework.Parameters;
import io.infergate.router.schedule.framework.PickContext;
import io.infergate.router.schedule.framework.Plugin;
import io.infergate.router.schedule.framework.PluginHandle;

import java.util.List;
import java.util.random.RandomGenerator;

/**
 * {@code weighted-random-picker}: candidate {@code i} with probability
 * {@code score(i) / Σ score}; uniformly when every score is 0.
 *
 * @param random thread-safe; seeded in tests
 */
public record WeightedRandomPicker(String name, RandomGenerator random) implements Plugin.Picker {

    public static final String TYPE = "weighted-random-picker";

    /** The factory: no parameters; draws from the handle's randomness. */
    public static WeightedRandomPicker create(String name, Parameters parameters, PluginHandle handle) {
        return new WeightedRandomPicker(name, handle.random());
    }

    @Override
    public String type() {
        return TYPE;
    }

    @Override
    public EndpointView pick(PickContext request, List<EndpointView> candidates, double[] scores) {
        double sum = 0;
        for (int i = 0; i < candidates.size(); i++) {
            sum += Math.max(0, scores[i]);
        }
        if (!(sum > 0)) {
            return candidates.get(random.nextInt(candidates.size()));
        }
        double r = random.nextDouble() * sum;
        for (int i = 0; i < candidates.size(); i++) {
            r -= Math.max(0, scores[i]);
            if (r < 0) {
                return candidates.get(i);
            }
        }
        return candidates.getLast();
    }
}
