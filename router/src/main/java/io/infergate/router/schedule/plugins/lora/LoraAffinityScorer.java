package io.infergate.router.schedule.plugins.lora;

import io.infergate.router.schedule.framework.EndpointView;
import io.infergate.router.schedule.framework.Parameters;
import io.infergate.router.schedule.framework.PickContext;
import io.infergate.router.schedule.framework.Plugin;
import io.infergate.router.schedule.framework.PluginHandle;
import io.infergate.router.scrape.Metrics;

import java.util.List;
import java.util.Optional;

/**
 * {@code lora-affinity-scorer}: prefers endpoints that already serve the request's LoRA adapter.
 * Per endpoint: 1.0 when the adapter is running there, 0.8 when it is not but there is room to
 * load it ({@code running adapters < max_lora}), 0.6 when it is only waiting there, else 0.
 *
 * <p>The adapter is {@link PickContext#adapter()} when given, otherwise the request's model when
 * some candidate lists it among its running or waiting adapters. A request for a base model (or
 * an adapter no candidate has seen yet) scores 1 everywhere: the scorer has no opinion.
 */
public record LoraAffinityScorer(String name) implements Plugin.Scorer {

    public static final String TYPE = "lora-affinity-scorer";

    /** The factory: no parameters. */
    public static LoraAffinityScorer create(String name, Parameters parameters, PluginHandle handle) {
        return new LoraAffinityScorer(name);
    }

    @Override
    public String type() {
        return TYPE;
    }

    @Override
    public double[] score(PickContext request, List<EndpointView> candidates) {
        double[] out = new double[candidates.size()];
        Optional<String> adapter = adapterOf(request, candidates);
        if (adapter.isEmpty()) {
            java.util.Arrays.fill(out, 1);
            return out;
        }
        String a = adapter.get();
        for (int i = 0; i < out.length; i++) {
            Optional<Metrics> m = candidates.get(i).metrics();
            if (m.isEmpty()) {
                continue;
            }
            Metrics x = m.get();
            if (x.runningLoras().contains(a)) {
                out[i] = 1.0;
            } else if (x.runningLoras().size() < x.maxLora()) {
                out[i] = 0.8;
            } else if (x.waitingLoras().contains(a)) {
                out[i] = 0.6;
            }
        }
        return out;
    }

    /**
     * The adapter a request asks for: {@link PickContext#adapter()}, else its model when some
     * candidate lists it among its running or waiting adapters (shared with the LoRA filter).
     */
    static Optional<String> adapterOf(PickContext request, List<EndpointView> candidates) {
        return request.adapter().or(() -> request.model().filter(m -> known(m, candidates)));
    }

    private static boolean known(String model, List<EndpointView> candidates) {
        for (EndpointView v : candidates) {
            if (v.metrics().isPresent()
                    && (v.metrics().get().runningLoras().contains(model)
                            || v.metrics().get().waitingLoras().contains(model))) {
                return true;
            }
        }
        return false;
    }
}
