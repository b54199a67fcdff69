package io.infergate.router.schedule.plugins.filter;

import io.infergate.router.schedule.framework.EndpointView;
import io.infergate.router.schedule.framework.Parameters;
import io.infergate.router.schedule.framework.PickContext;
import io.infergate.router.schedule.framework.Plugin;
import io.infergate.router.schedule.framework.PluginHandle;

import java.util.ArrayList;
import java.util.List;
import java.util.function.ToDoubleFunction;

/**
 * {@code low-queue-filter} and {@code low-kv-cache-filter}: keep the endpoints whose load signal
 * is at most {@code threshold}. When every endpoint is above it, the filter keeps nothing and the
 * framework goes on with all of them: a filter only ever prefers, it never leaves a request
 * without an endpoint (shedding is admission's job). An endpoint never scraped reads 0, as in the
 * scorers.
 *
 * <ul>
 *   <li>{@code low-queue-filter}: model-server queue ({@code waiting}); default threshold 128, the
 *       EPP's.</li>
 *   <li>{@code low-kv-cache-filter}: KV-cache use (0..1); default 0.8, the saturation detector's. A
 *       server above it would soon preempt running sequences or queue new ones.</li>
 * </ul>
 *
 * @param type      the plugin type (one of the two constants)
 * @param signal    the value read from each endpoint
 * @param threshold the largest value an endpoint may have and stay
 */
public record ThresholdFilter(String type, String name, ToDoubleFunction<EndpointView> signal, double threshold)
        implements Plugin.Filter {

    public static final String QUEUE = "low-queue-filter";
    public static final String KV_CACHE = "low-kv-cache-filter";

    /** The {@code low-queue-filter} factory: {@code threshold} waiting requests, default 128. */
    public static ThresholdFilter createQueue(String name, Parameters parameters, PluginHandle handle) {
        return queue(name, parameters.integer("threshold", 128, 0, Integer.MAX_VALUE));
    }

    /** The {@code low-kv-cache-filter} factory: {@code threshold} KV-cache use in 0..1, default 0.8. */
    public static ThresholdFilter createKvCache(String name, Parameters parameters, PluginHandle handle) {
        return kvCache(name, parameters.decimal("threshold", 0.8, 0, 1));
    }

    /** The {@code low-queue-filter}: at most {@code threshold} waiting requests. */
    public static ThresholdFilter queue(String name, int threshold) {
        return new ThresholdFilter(QUEUE, name, EndpointView::waiting, threshold);
    }

    /** The {@code low-kv-cache-filter}: at most {@code threshold} KV-cache use. */
    public static ThresholdFilter kvCache(String name, double threshold) {
        return new ThresholdFilter(KV_CACHE, name, EndpointView::kvCacheUsage, threshold);
    }

    @Override
    public List<EndpointView> filter(PickContext request, List<EndpointView> candidates) {
        List<EndpointView> out = new ArrayList<>(candidates.size());
        for (EndpointView v : candidates) {
            if (signal.applyAsDouble(v) <= threshold) {
                out.add(v);
            }
        }
        return out;
    }
}
