package io.infergate.router.schedule.plugins.scorer;

import io.infergate.router.schedule.framework.EndpointView;
import io.infergate.router.schedule.framework.Parameters;
import io.infergate.router.schedule.framework.PickContext;
import io.infergate.router.schedule.framework.Plugin;
import io.infergate.router.schedule.framework.PluginHandle;

import java.util.List;

/**
 * {@code outstanding-requests-scorer}: prefers endpoints with fewer requests in flight from this
 * router. {@code score = (maxOut − out) / (maxOut − minOut)}, 1 when all are equal. Unlike the
 * scraped queue it is exact and current, so it separates endpoints between two scrapes (a burst
 * within 50 ms would otherwise pile onto the endpoint that looked best at the last scrape).
 */
public record OutstandingRequestsScorer(String name) implements Plugin.Scorer {

    public static final String TYPE = "outstanding-requests-scorer";

    /** The factory: no parameters. */
    public static OutstandingRequestsScorer create(String name, Parameters parameters, PluginHandle handle) {
        return new OutstandingRequestsScorer(name);
    }

    @Override
    public String type() {
        return TYPE;
    }

    @Override
    public double[] score(PickContext request, List<EndpointView> candidates) {
        return MinMax.inverted(candidates, EndpointView::outstanding);
    }
}
