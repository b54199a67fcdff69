package io.infergate.router.schedule;

import java.util.ArrayList;
import java.util.List;

/**
 * Picks an endpoint for a request and counts it against the endpoint: filter the endpoints with
 * room under the per-endpoint bound, let the backend's {@link Profile} choose, then take the slot.
 *
 * <p>Excess load is answered at once (503 {@code upstream_saturated}) rather than queued: a queue
 * here would hold requests invisibly to the model servers' own queues and to the metrics the
 * later scorers read; queueing with priorities belongs to the InferenceObjective work.
 */
public final class Scheduler {

    /** Choosing and taking a slot race with other requests; after this many lost races, give up. */
    private static final int ATTEMPTS = 4;

    private final int maxPerEndpoint;

    /** @param maxPerEndpoint concurrent requests per endpoint, {@code <= 0} for unbounded */
    public Scheduler(int maxPerEndpoint) {
        this.maxPerEndpoint = maxPerEndpoint;
    }

    /** Picks and counts an endpoint of the backend. */
    public Pick pick(BackendTarget backend, PickContext context) {
        if (backend.endpoints().isEmpty()) {
            return new Pick.NoEndpoints();
        }
        for (int attempt = 0; attempt < ATTEMPTS; attempt++) {
            List<Target> room = withRoom(backend.endpoints());
            if (room.isEmpty()) {
                return new Pick.Saturated(maxPerEndpoint);
            }
            Target chosen = backend.profile().choose(room, context);
            if (chosen.state().tryAcquire(maxPerEndpoint)) {
                return new Pick.Picked(new Lease(chosen));
            }
        }
        return new Pick.Saturated(maxPerEndpoint);
    }

    private List<Target> withRoom(List<Target> endpoints) {
        if (maxPerEndpoint <= 0) {
            return endpoints;
        }
        List<Target> out = new ArrayList<>(endpoints.size());
        for (Target t : endpoints) {
            if (t.state().outstanding() < maxPerEndpoint) {
                out.add(t);
            }
        }
        return out;
    }
}
