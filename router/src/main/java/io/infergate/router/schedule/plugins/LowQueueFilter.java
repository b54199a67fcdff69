package io.infergate.router.schedule.plugins;

import io.infergate.router.schedule.EndpointView;
import io.infergate.router.schedule.PickContext;
import io.infergate.router.schedule.Plugin;

import java.util.ArrayList;
import java.util.List;

/**
 * {@code low-queue-filter}: keeps the endpoints whose model-server queue ({@code waiting}) is at
 * most {@code threshold}. When every endpoint is above it, it keeps nothing, and the framework
 * goes on with all of them: the filter only ever prefers, it never leaves a request without an
 * endpoint (shedding is admission's job). An endpoint never scraped counts as 0 waiting, as in the
 * queue scorer.
 *
 * @param threshold waiting requests an endpoint may have and stay (default 128, the EPP's)
 */
public record LowQueueFilter(String name, int threshold) implements Plugin.Filter {

    public static final String TYPE = "low-queue-filter";

    @Override
    public String type() {
        return TYPE;
    }

    @Override
    public List<EndpointView> filter(PickContext request, List<EndpointView> candidates) {
        List<EndpointView> out = new ArrayList<>(candidates.size());
        for (EndpointView v : candidates) {
            if (v.waiting() <= threshold) {
                out.add(v);
            }
        }
        return out;
    }
}
