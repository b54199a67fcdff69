package io.infergate.router.schedule.plugins.picker;

import io.infergate.router.schedule.framework.EndpointView;
import io.infergate.router.schedule.framework.Parameters;
import io.infergate.router.schedule.framework.PickContext;
import io.infergate.router.schedule.framework.Plugin;
import io.infergate.router.schedule.framework.PluginHandle;

import java.util.List;
import java.util.random.RandomGenerator;

/**
 * {@code max-score-picker}: the candidate with the highest total score; ties are broken uniformly
 * at random (reservoir sampling) so equal endpoints share a burst instead of the first taking it.
 *
 * @param random thread-safe; seeded in tests
 */
public record MaxScorePicker(String name, RandomGenerator random) implements Plugin.Picker {

    public static final String TYPE = "max-score-picker";

    /** The factory: no parameters; draws from the handle's randomness. */
    public static MaxScorePicker create(String name, Parameters parameters, PluginHandle handle) {
        return new MaxScorePicker(name, handle.random());
    }

    @Override
    public String type() {
        return TYPE;
    }

    @Override
    public EndpointView pick(PickContext request, List<EndpointView> candidates, double[] scores) {
        int best = 0;
        int ties = 1;
        for (int i = 1; i < candidates.size(); i++) {
            if (scores[i] > scores[best]) {
                best = i;
                ties = 1;
            } else if (scores[i] == scores[best] && random.nextInt(++ties) == 0) {
                best = i;
            }
        }
        return candidates.get(best);
    }
}
