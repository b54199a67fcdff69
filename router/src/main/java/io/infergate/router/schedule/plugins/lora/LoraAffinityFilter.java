package io.infergate.router.schedule.plugins.lora;

import io.infergate.router.schedule.framework.EndpointView;
import io.infergate.router.schedule.framework.Parameters;
import io.infergate.router.schedule.framework.PickContext;
import io.infergate.router.schedule.framework.Plugin;
import io.infergate.router.schedule.framework.PluginHandle;
import io.infergate.router.scrape.Metrics;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.random.RandomGenerator;

/**
 * {@code lora-affinity-filter}: for a request naming a LoRA adapter (resolved as by the
 * {@link LoraAffinityScorer}), keeps the endpoints that already have it (running or waiting
 * there); when none has it, or with probability {@code 1 − threshold} even when some do, keeps the
 * endpoints with room to load it ({@code running adapters < max_lora}) instead. The small random
 * share lets an adapter spread to more pods as its traffic grows instead of piling onto the first
 * pod that loaded it. When neither group has an endpoint, or the request names no adapter, it
 * keeps nothing and the framework goes on with all candidates. Endpoints never scraped are in
 * neither group (nothing is known of their adapters).
 *
 * @param threshold probability of preferring the endpoints that have the adapter (default 0.999)
 * @param random    thread-safe; seeded in tests
 */
public record LoraAffinityFilter(String name, double threshold, RandomGenerator random) implements Plugin.Filter {

    public static final String TYPE = "lora-affinity-filter";

    /** The factory: {@code threshold} in 0..1, default 0.999 (the EPP's). */
    public static LoraAffinityFilter create(String name, Parameters parameters, PluginHandle handle) {
        return new LoraAffinityFilter(name, parameters.decimal("threshold", 0.999, 0, 1), handle.random());
    }

    @Override
    public String type() {
        return TYPE;
    }

    @Override
    public List<EndpointView> filter(PickContext request, List<EndpointView> candidates) {
        Optional<String> adapter = LoraAffinityScorer.adapterOf(request, candidates);
        if (adapter.isEmpty()) {
            return List.of();
        }
        String a = adapter.get();
        List<EndpointView> having = new ArrayList<>();
        List<EndpointView> room = new ArrayList<>();
        for (EndpointView v : candidates) {
            if (v.metrics().isEmpty()) {
                continue;
            }
            Metrics m = v.metrics().get();
            if (m.runningLoras().contains(a) || m.waitingLoras().contains(a)) {
                having.add(v);
            } else if (m.runningLoras().size() < m.maxLora()) {
                room.add(v);
            }
        }
        if (having.isEmpty()) {
            return room;
        }
        if (room.isEmpty() || random.nextDouble() < threshold) {
            return having;
        }
        return room;
    }
}
