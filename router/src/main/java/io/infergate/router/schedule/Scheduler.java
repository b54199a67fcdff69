package io.infergate.router.schedule;

import io.infergate.common.snapshot.Backend;
import io.infergate.router.schedule.admission.Admission;
import io.infergate.router.schedule.endpoint.Lease;
import io.infergate.router.schedule.endpoint.Target;
import io.infergate.router.schedule.framework.PickContext;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Predicate;

/**
 * Picks an endpoint for a request and counts it against the endpoint: filter the endpoints with
 * room under the per-endpoint bound, let the backend's {@link Strategy} choose, then take the slot.
 *
 * <p>Excess load over the per-endpoint bound is answered at once (503 {@code upstream_saturated})
 * rather than queued. InferencePool requests first pass {@link Admission} when one is configured:
 * a saturated pool sheds sheddable requests and queues the others by priority.
 *
 * <p>Endpoints that outlier detection ejected are skipped, unless every endpoint with room is
 * ejected: then ejection is ignored (a panic mode, as Envoy's), since a maybe-dead endpoint beats
 * refusing every request.
 */
public final class Scheduler {

    /** Choosing and taking a slot race with other requests; after this many lost races, give up. */
    private static final int ATTEMPTS = 4;

    private final int maxPerEndpoint;
    private final Optional<Admission> admission;
    private final Predicate<String> ejected;

    /** @param maxPerEndpoint concurrent requests per endpoint, {@code <= 0} for unbounded */
    public Scheduler(int maxPerEndpoint) {
        this(maxPerEndpoint, Optional.empty());
    }

    /** @param admission priority admission of InferencePool requests, when configured */
    public Scheduler(int maxPerEndpoint, Optional<Admission> admission) {
        this(maxPerEndpoint, admission, key -> false);
    }

    /** @param ejected whether outlier detection ejected an endpoint ({@code address:port}) */
    public Scheduler(int maxPerEndpoint, Optional<Admission> admission, Predicate<String> ejected) {
        this.maxPerEndpoint = maxPerEndpoint;
        this.admission = admission;
        this.ejected = ejected;
    }

    /** Picks and counts an endpoint of the backend. */
    public Pick pick(BackendTarget backend, PickContext context) {
        if (backend.endpoints().isEmpty()) {
            return new Pick.NoEndpoints();
        }
        Admission admitted = null;
        Admission.Gate gate = Admission.Gate.NONE;
        String slotOf = "";
        long queued = -1;
        if (admission.isPresent() && backend.backend() instanceof Backend.InferencePool) {
            Admission a = admission.get();
            gate = backend.strategy().gate(context);
            Admission.Ticket ticket;
            try {
                ticket = a.admit(backend.id(), backend.endpoints(), context.priority(), context.flow(), gate);
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
                case Admission.Ticket.Admitted ok -> {
                    admitted = a;
                    slotOf = ok.slotOf();
                    queued = ok.waitedNanos();
                }
            }
        }
        Pick pick = take(backend, context, Set.of(), true, slotOf);
        if (!(pick instanceof Pick.Picked p)) {
            return pick; // no slot was taken, so none is handed over
        }
        Target served = p.lease().target();
        Admission a = admitted;
        Admission.Gate g = gate;
        Runnable onClose = a == null
                ? () -> backend.strategy().finished(served)
                : () -> {
                    backend.strategy().finished(served);
                    // the freed slot's endpoint picks the waiter; none that binds late when the
                    // endpoint's own queue takes the slot (ADR 0042)
                    a.released(backend.id(), served.key(), g.fullAt(backend.endpoints(), served.key()));
                };
        return new Pick.Picked(new Lease(served, onClose), queued);
    }

    /**
     * Picks another endpoint for a retry of an admitted request: not one of {@code tried}, not
     * ejected (no panic mode here: a retry onto a probably dead endpoint is not worth it), without
     * passing admission again. Empty when no such endpoint has room.
     */
    public Optional<Lease> another(BackendTarget backend, PickContext context, Set<String> tried) {
        return take(backend, context, tried, false, "") instanceof Pick.Picked p
                ? Optional.of(p.lease())
                : Optional.empty();
    }

    /**
     * @param slotOf the endpoint whose freed slot admission handed to this request (ADR 0042): it
     *               goes there when that endpoint is a candidate; "" for none
     */
    private Pick take(BackendTarget backend, PickContext context, Set<String> tried, boolean panic, String slotOf) {
        for (int attempt = 0; attempt < ATTEMPTS; attempt++) {
            List<Target> room = candidates(backend.endpoints(), tried, panic);
            if (room.isEmpty()) {
                return new Pick.Saturated(maxPerEndpoint);
            }
            if (!slotOf.isEmpty() && attempt == 0) {
                room = only(room, slotOf);
            }
            Target chosen = backend.strategy().choose(room, context);
            if (chosen.state().tryAcquire(maxPerEndpoint)) {
                return new Pick.Picked(
                        new Lease(chosen, () -> backend.strategy().finished(chosen)));
            }
        }
        return new Pick.Saturated(maxPerEndpoint);
    }

    /** The candidate of that key alone, when there is one; else all of them. */
    private static List<Target> only(List<Target> room, String key) {
        for (Target t : room) {
            if (t.key().equals(key)) {
                return List.of(t);
            }
        }
        return room;
    }

    /** Endpoints with room, not tried, not ejected; with {@code panic}, the ejected ones when nothing else is left. */
    private List<Target> candidates(List<Target> endpoints, Set<String> tried, boolean panic) {
        List<Target> out = new ArrayList<>(endpoints.size());
        List<Target> ejectedWithRoom = null; // allocated only in panic mode: this runs on every pick
        for (Target t : endpoints) {
            if ((maxPerEndpoint > 0 && t.state().outstanding() >= maxPerEndpoint) || tried.contains(t.key())) {
                continue;
            }
            if (ejected.test(t.key())) {
                if (panic) {
                    if (ejectedWithRoom == null) {
                        ejectedWithRoom = new ArrayList<>();
                    }
                    ejectedWithRoom.add(t);
                }
                continue;
            }
            out.add(t);
        }
        return out.isEmpty() && ejectedWithRoom != null ? ejectedWithRoom : out;
    }
}
