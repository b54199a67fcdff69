package io.infergate.router.schedule.plugins.scorer;

import io.infergate.router.schedule.framework.EndpointView;
import io.infergate.router.schedule.framework.Parameters;
import io.infergate.router.schedule.framework.PickContext;
import io.infergate.router.schedule.framework.Plugin;
import io.infergate.router.schedule.framework.PluginHandle;

import java.util.List;

/**
 * {@code queue-scorer}: prefers short model-server queues.
 * {@code score = (maxWaiting − waiting) / (maxWaiting − minWaiting)} over the candidates, 1 when
 * all are equal; an endpoint without metrics counts as 0 waiting.
 */
public record QueueScorer(String name) implements Plugin.Scorer {

    public static final String TYPE = "queue-scorer";

    /** The factory: no parameters. */
    public static QueueScorer create(String name, Parameters parameters, PluginHandle handle) {
        return new QueueScorer(name);
    }

    @Override
    public String type() {
        return TYPE;
    }

    @Override
    public double[] score(PickContext request, List<EndpointView> candidates) {
        return MinMax.inverted(candidates, EndpointView::waiting);
    }
}
