package io.infergate.router.schedule.plugins.scorer;

import io.infergate.router.schedule.framework.EndpointView;
import io.infergate.router.schedule.framework.Parameters;
import io.infergate.router.schedule.framework.PickContext;
import io.infergate.router.schedule.framework.Plugin;
import io.infergate.router.schedule.framework.PluginHandle;

import java.util.List;

/**
 * {@code kv-cache-utilization-scorer}: prefers free KV cache. {@code score = 1 − kvCacheUsage}
 * (0..1); an endpoint without metrics scores 1.
 */
public record KvCacheUtilizationScorer(String name) implements Plugin.Scorer {

    public static final String TYPE = "kv-cache-utilization-scorer";

    /** The factory: no parameters. */
    public static KvCacheUtilizationScorer create(String name, Parameters parameters, PluginHandle handle) {
        return new KvCacheUtilizationScorer(name);
    }

    @Override
    public String type() {
        return TYPE;
    }

    @Override
    public double[] score(PickContext request, List<EndpointView> candidates) {
        double[] out = new double[candidates.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = 1 - candidates.get(i).kvCacheUsage();
        }
        return out;
    }
}
