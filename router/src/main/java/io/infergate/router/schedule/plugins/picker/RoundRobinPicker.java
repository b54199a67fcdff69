package io.infergate.router.schedule.plugins.picker;

import io.infergate.router.schedule.framework.EndpointView;
import io.infergate.router.schedule.framework.Parameters;
import io.infergate.router.schedule.framework.PickContext;
import io.infergate.router.schedule.framework.Plugin;
import io.infergate.router.schedule.framework.PluginHandle;

import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * {@code round-robin-picker}: candidate {@code k mod n} for the k-th pick of this plugin instance,
 * whatever the scores. One counter per router process, so N routers each rotate on their own; the
 * candidates are in snapshot order (the same on every pick while the pool is unchanged), and when
 * filters or the per-endpoint bound remove some, the rotation continues over those left.
 */
public final class RoundRobinPicker implements Plugin.Picker {

    public static final String TYPE = "round-robin-picker";

    /** The factory: no parameters. */
    public static RoundRobinPicker create(String name, Parameters parameters, PluginHandle handle) {
        return new RoundRobinPicker(name);
    }

    private final String name;
    private final AtomicLong next = new AtomicLong();

    public RoundRobinPicker(String name) {
        this.name = name;
    }

    @Override
    public String type() {
        return TYPE;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public EndpointView pick(PickContext request, List<EndpointView> candidates, double[] scores) {
        return candidates.get((int) Math.floorMod(next.getAndIncrement(), (long) candidates.size()));
    }
}
