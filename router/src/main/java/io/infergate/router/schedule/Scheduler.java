package io.infergate.router.schedule;

import io.infergate.router.schedule.admission.Admission;
import io.infergate.router.schedule.endpoint.Lease;
import io.infergate.router.schedule.framework.PickContext;
import io.infergate.router.schedule.endpoint.Target;

import io.infergate.common.snapshot.Backend;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Picks an endpoint for a request and counts it against the endpoint: filter the endpoints with
 * room under the per-endpoint bound, let the backend's {@link Strategy} choose, then take the slot.
 *
 * <p>Excess load over the per-endpoint bound is answered at once (503 {@code upstream_saturated})
 * rather than queued. InferencePool requests first pass {@link Admission} when one is configured:
 * a saturated pool sheds sheddable requests and queues the others by priority.
 */
public final class Scheduler {

    /** Choosing and taking a slot race with other requests; after this many lost races, give up. */
    private static final int ATTEMPTS = 4;

    private final int maxPerEndpoint;
    private final Optional<Admission> admission;

    /** @param maxPerEndpoint concurrent requests per endpoint, {@code <= 0} for unbounded */
    public Scheduler(int maxPerEndpoint) {
        this(maxPerEndpoint, Optional.empty());
    }

    /** @param admission priority admission of InferencePool requests, when configured */
    public Scheduler(int maxPerEndpoint, Optional<Admission> admission) {
        this.maxPerEndpoint = maxPerEndpoint;
        this.admission = admission;
    }

    /** Picks and counts an endpoint of the backend. */
    public Pick pick(BackendTarget backend, PickContext context) {
        if (backend.endpoints().isEmpty()) {
            return new Pick.NoEndpoints();
        }
        Runnable onClose = () -> { };
        if (admission.isPresent() && backend.backend() instanceof Backend.InferencePool) {
            Admission a = admission.get();
            Admission.Ticket ticket;
            try {
                ticket = a.admit(backend.id(), backend.endpoints(), context.priority());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return new Pick.QueueTimeout(java.time.Duration.ZERO);
            }
            switch (ticket) {
                case Admission.Ticket.Shed s -> {
                    return new Pick.Shed(s.retryAfter());
                }
                case Admission.Ticket.TimedOut t -> {
                    return new Pick.QueueTimeout(t.waited());
                }
                case Admission.Ticket.Full f -> {
                    return new Pick.QueueFull(f.length());
                }
                case Admission.Ticket.Admitted ok -> onClose = () -> a.released(backend.id());
            }
        }
        for (int attempt = 0; attempt < ATTEMPTS; attempt++) {
            List<Target> room = withRoom(backend.endpoints());
            if (room.isEmpty()) {
                return new Pick.Saturated(maxPerEndpoint);
            }
            Target chosen = backend.strategy().choose(room, context);
            if (chosen.state().tryAcquire(maxPerEndpoint)) {
                return new Pick.Picked(new Lease(chosen, onClose));
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
