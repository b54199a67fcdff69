package io.infergate.router.schedule.plugins;

import io.infergate.router.schedule.framework.PluginHandle;
import io.infergate.router.schedule.framework.PluginRegistry;
import io.infergate.router.schedule.plugins.filter.LeastFilter;
import io.infergate.router.schedule.plugins.filter.ThresholdFilter;
import io.infergate.router.schedule.plugins.lora.LoraAffinityFilter;
import io.infergate.router.schedule.plugins.lora.LoraAffinityScorer;
import io.infergate.router.schedule.plugins.picker.MaxScorePicker;
import io.infergate.router.schedule.plugins.picker.RandomPicker;
import io.infergate.router.schedule.plugins.picker.RoundRobinPicker;
import io.infergate.router.schedule.plugins.picker.WeightedRandomPicker;
import io.infergate.router.schedule.plugins.prefix.PrefixCacheScorer;
import io.infergate.router.schedule.plugins.scorer.KvCacheUtilizationScorer;
import io.infergate.router.schedule.plugins.scorer.OutstandingRequestsScorer;
import io.infergate.router.schedule.plugins.scorer.QueueScorer;

/**
 * Every built-in plugin type, one registration line each. A plugin owns its type name, its
 * factory (parameters, defaults, bounds) and its doc page; this list only makes it nameable in a
 * configuration file (docs/plugins/README.md, "Writing a plugin").
 */
public final class BuiltInPlugins {

    private BuiltInPlugins() {}

    /**
     * A registry holding every built-in plugin type.
     *
     * @param handle what the factories are given: randomness and the router count
     */
    public static PluginRegistry registry(PluginHandle handle) {
        return new PluginRegistry(handle)
                .register(QueueScorer.TYPE, QueueScorer::create)
                .register(KvCacheUtilizationScorer.TYPE, KvCacheUtilizationScorer::create)
                .register(OutstandingRequestsScorer.TYPE, OutstandingRequestsScorer::create)
                .register(LoraAffinityScorer.TYPE, LoraAffinityScorer::create)
                .register(PrefixCacheScorer.TYPE, PrefixCacheScorer::create)
                .register(ThresholdFilter.QUEUE, ThresholdFilter::createQueue)
                .register(ThresholdFilter.KV_CACHE, ThresholdFilter::createKvCache)
                .register(LeastFilter.QUEUE, LeastFilter::createQueue)
                .register(LeastFilter.KV_CACHE, LeastFilter::createKvCache)
                .register(LoraAffinityFilter.TYPE, LoraAffinityFilter::create)
                .register(MaxScorePicker.TYPE, MaxScorePicker::create)
                .register(WeightedRandomPicker.TYPE, WeightedRandomPicker::create)
                .register(RandomPicker.TYPE, RandomPicker::create)
                .register(RoundRobinPicker.TYPE, RoundRobinPicker::create);
    }
}
