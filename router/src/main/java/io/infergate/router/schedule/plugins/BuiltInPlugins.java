package io.infergate.router.schedule.plugins;

import io.infergate.router.schedule.plugins.scorer.KvCacheUtilizationScorer;
import io.infergate.router.schedule.plugins.filter.LeastFilter;
import io.infergate.router.schedule.plugins.lora.LoraAffinityFilter;
import io.infergate.router.schedule.plugins.lora.LoraAffinityScorer;
import io.infergate.router.schedule.plugins.picker.MaxScorePicker;
import io.infergate.router.schedule.plugins.scorer.OutstandingRequestsScorer;
import io.infergate.router.schedule.plugins.prefix.PrefixCacheScorer;
import io.infergate.router.schedule.plugins.scorer.QueueScorer;
import io.infergate.router.schedule.plugins.picker.RandomPicker;
import io.infergate.router.schedule.plugins.picker.RoundRobinPicker;
import io.infergate.router.schedule.plugins.filter.ThresholdFilter;
import io.infergate.router.schedule.plugins.picker.WeightedRandomPicker;

import io.infergate.router.schedule.framework.PluginRegistry;
import io.infergate.router.schedule.framework.RouterCount;
import java.util.List;
import java.util.Locale;
import java.util.random.RandomGenerator;

/** The registry of every built-in plugin type; Main and tests start from it. */
public final class BuiltInPlugins {

    private BuiltInPlugins() {
    }

    /** A router alone ({@link RouterCount} 1), e.g. to validate a configuration. */
    public static PluginRegistry registry(RandomGenerator random) {
        return registry(random, new RouterCount());
    }

    /**
     * @param random  the pickers' source of randomness (thread-safe; seeded in tests)
     * @param routers how many routers share the pools, kept current by the snapshot store
     */
    public static PluginRegistry registry(RandomGenerator random, RouterCount routers) {
        return new PluginRegistry()
                .register(QueueScorer.TYPE, (name, p) -> new QueueScorer(name))
                .register(KvCacheUtilizationScorer.TYPE, (name, p) -> new KvCacheUtilizationScorer(name))
                .register(OutstandingRequestsScorer.TYPE, (name, p) -> new OutstandingRequestsScorer(name))
                .register(LoraAffinityScorer.TYPE, (name, p) -> new LoraAffinityScorer(name))
                .register(PrefixCacheScorer.TYPE, (name, p) -> new PrefixCacheScorer(name,
                        PrefixCacheScorer.Mode.valueOf(p.string("mode", "auto", List.of("auto", "rendezvous", "local-index"))
                                .replace('-', '_').toUpperCase(Locale.ROOT)),
                        p.integer("blockSize", 64, 1, 1 << 20),
                        p.integer("maxPrefixBlocksToMatch", 256, 1, 1 << 16),
                        p.integer("anchorBlocks", 4, 1, 1 << 16),
                        p.decimal("loadFactor", 0.25, 0, 100),
                        p.integer("loadSlack", 4, 0, 1 << 20),
                        p.integer("lruCapacityPerServer", 31_250, 1, 1 << 24), routers))
                .register(ThresholdFilter.QUEUE, (name, p) -> ThresholdFilter.queue(name,
                        p.integer("threshold", 128, 0, Integer.MAX_VALUE)))
                .register(ThresholdFilter.KV_CACHE, (name, p) -> ThresholdFilter.kvCache(name,
                        p.decimal("threshold", 0.8, 0, 1)))
                .register(LeastFilter.QUEUE, (name, p) -> LeastFilter.queue(name))
                .register(LeastFilter.KV_CACHE, (name, p) -> LeastFilter.kvCache(name))
                .register(LoraAffinityFilter.TYPE, (name, p) -> new LoraAffinityFilter(name,
                        p.decimal("threshold", 0.999, 0, 1), random))
                .register(MaxScorePicker.TYPE, (name, p) -> new MaxScorePicker(name, random))
                .register(WeightedRandomPicker.TYPE, (name, p) -> new WeightedRandomPicker(name, random))
                .register(RandomPicker.TYPE, (name, p) -> new RandomPicker(name, random))
                .register(RoundRobinPicker.TYPE, (name, p) -> new RoundRobinPicker(name));
    }
}
