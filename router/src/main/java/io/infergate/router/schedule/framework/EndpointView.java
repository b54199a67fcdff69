package io.infergate.router.schedule.framework;

import io.infergate.router.schedule.endpoint.Target;
import io.infergate.router.scrape.Metrics;

import java.util.Optional;

/**
 * A candidate endpoint as plugins see it: the snapshot's endpoint, this router's outstanding
 * requests on it, and its latest metrics.
 *
 * @param target  the endpoint and its live state
 * @param metrics the latest scrape, empty when it never succeeded
 * @param stale   no scrape ever succeeded, or the latest is older than the staleness bound
 */
public record EndpointView(Target target, Optional<Metrics> metrics, boolean stale) {

    /** {@code address:port}. */
    public String key() {
        return target.key();
    }

    /** Requests from this router in flight on the endpoint. */
    public int outstanding() {
        return target.state().outstanding();
    }

    /** Waiting requests in the model server, 0 when unknown. */
    public int waiting() {
        return metrics.map(m -> m.waiting()).orElse(0);
    }

    /** KV-cache use 0..1, 0 when unknown. */
    public double kvCacheUsage() {
        return metrics.map(m -> m.kvCacheUsage()).orElse(0.0);
    }
}
