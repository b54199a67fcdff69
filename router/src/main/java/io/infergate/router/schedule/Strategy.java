package io.infergate.router.schedule;

import io.infergate.router.schedule.admission.Admission;
import io.infergate.router.schedule.endpoint.Target;
import io.infergate.router.schedule.framework.PickContext;

import java.util.List;

/**
 * How one backend chooses an endpoint among candidates that all have room under the per-endpoint
 * concurrency bound (the scheduler filters them first): Services take their endpoints in turn,
 * InferencePools run their {@link io.infergate.router.schedule.framework.Profile profile}.
 */
public sealed interface Strategy permits RoundRobin, PoolStrategy, LeastOutstanding {

    /**
     * Chooses one of the candidates.
     *
     * @param candidates never empty; in snapshot order
     * @param context    the request
     * @return one of {@code candidates}
     */
    Target choose(List<Target> candidates, PickContext context);

    /**
     * The request was served by {@code served}, not by the endpoint {@link #choose} returned (a
     * gateway that asked the picker fell back to another endpoint): stateful plugins learn where
     * the prompt really went, so prefix affinity follows the served endpoint.
     */
    default void served(Target served, PickContext context) {}

    /** A request this backend sent to {@code endpoint} finished (its lease closed). */
    default void finished(Target endpoint) {}

    /** Late binding for this request at the pool's admission (ADR 0042); {@link Admission.Gate#NONE} by default. */
    default Admission.Gate gate(PickContext context) {
        return Admission.Gate.NONE;
    }
}
