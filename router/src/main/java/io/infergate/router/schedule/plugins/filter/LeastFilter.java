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
 * {@code least-queue-filter} and {@code least-kv-cache-filter}: keep the endpoints in the lowest
 * band of a load signal. The range {@code [min, max]} of the signal over the candidates is cut
 * into as many equal bands as there are candidates; an endpoint stays when its value is at most
 * {@code min + (max − min) / n}. With all values equal every endpoint stays. Unlike a "keep the
 * minimum" rule this keeps several near-best endpoints, so the scorers after it still have a
 * choice and a burst between two scrapes is not sent to a single pod.
 *
 * @param type   the plugin type (one of the two constants)
 * @param signal the value read from each endpoint (never-scraped endpoints read 0)
 */
public record LeastFilter(String type, String name, ToDoubleFunction<EndpointView> signal) implements Plugin.Filter {

    public static final String QUEUE = "least-queue-filter";
    public static final String KV_CACHE = "least-kv-cache-filter";

    /** The {@code least-queue-filter} factory: no parameters. */
    public static LeastFilter createQueue(String name, Parameters parameters, PluginHandle handle) {
        return queue(name);
    }

    /** The {@code least-kv-cache-filter} factory: no parameters. */
    public static LeastFilter createKvCache(String name, Parameters parameters, PluginHandle handle) {
        return kvCache(name);
    }

    /** The {@code least-queue-filter} on {@code waiting}. */
    public static LeastFilter queue(String name) {
        return new LeastFilter(QUEUE, name, EndpointView::waiting);
    }

    /** The {@code least-kv-cache-filter} on KV-cache use. */
    public static LeastFilter kvCache(String name) {
        return new LeastFilter(KV_CACHE, name, EndpointView::kvCacheUsage);
    }

    @Override
    public List<EndpointView> filter(PickContext request, List<EndpointView> candidates) {
        int n = candidates.size();
        double[] v = new double[n];
        double min = Double.POSITIVE_INFINITY;
        double max = Double.NEGATIVE_INFINITY;
        for (int i = 0; i < n; i++) {
            v[i] = signal.applyAsDouble(candidates.get(i));
            min = Math.min(min, v[i]);
            max = Math.max(max, v[i]);
        }
        double bound = min + (max - min) / n;
        List<EndpointView> out = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            if (v[i] <= bound) {
                out.add(candidates.get(i));
            }
        }
        return out;
    }
}
