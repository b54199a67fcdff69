package io.infergate.router.schedule.plugins;

import io.infergate.router.schedule.EndpointView;
import io.infergate.router.schedule.PickContext;
import io.infergate.router.schedule.Plugin;

import java.util.ArrayList;
import java.util.List;

/**
 * {@code low-kv-cache-filter}: keeps the endpoints whose KV-cache use is at most
 * {@code threshold} (0..1). A server above it would soon preempt running sequences or queue new
 * ones; when every endpoint is above, the filter keeps nothing and the framework goes on with all
 * of them. An endpoint never scraped counts as 0 % used.
 *
 * @param threshold KV-cache use an endpoint may have and stay (default 0.8, the saturation
 *                  detector's)
 */
public record LowKvCacheFilter(String name, double threshold) implements Plugin.Filter {

    public static final String TYPE = "low-kv-cache-filter";

    @Override
    public String type() {
        return TYPE;
    }

    @Override
    public List<EndpointView> filter(PickContext request, List<EndpointView> candidates) {
        List<EndpointView> out = new ArrayList<>(candidates.size());
        for (EndpointView v : candidates) {
            if (v.kvCacheUsage() <= threshold) {
                out.add(v);
            }
        }
        return out;
    }
}
