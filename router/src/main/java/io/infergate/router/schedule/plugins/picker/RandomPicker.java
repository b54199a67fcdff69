package io.infergate.router.schedule.plugins.picker;

import io.infergate.router.schedule.framework.EndpointView;
import io.infergate.router.schedule.framework.Parameters;
import io.infergate.router.schedule.framework.PickContext;
import io.infergate.router.schedule.framework.Plugin;
import io.infergate.router.schedule.framework.PluginHandle;

import java.util.List;
import java.util.random.RandomGenerator;

/**
 * {@code random-picker}: one candidate uniformly at random, whatever the scores. The baseline a
 * plain Kubernetes Service gives (kube-proxy in iptables mode picks at random); scorers in the same
 * profile still run (and stateful ones still learn) but cannot change the pick.
 *
 * @param random thread-safe; seeded in tests
 */
public record RandomPicker(String name, RandomGenerator random) implements Plugin.Picker {

    public static final String TYPE = "random-picker";

    /** The factory: no parameters; draws from the handle's randomness. */
    public static RandomPicker create(String name, Parameters parameters, PluginHandle handle) {
        return new RandomPicker(name, handle.random());
    }

    @Override
    public String type() {
        return TYPE;
    }

    @Override
    public EndpointView pick(PickContext request, List<EndpointView> candidates, double[] scores) {
        return candidates.get(random.nextInt(candidates.size()));
    }
}
