package io.infergate.router.schedule.framework;

import java.util.List;

/**
 * A scheduling plugin, configured by type and name. Phases run in a fixed order per profile:
 * every {@link Filter}, then every {@link Scorer} (weighted), then the one {@link Picker}.
 */
public sealed interface Plugin permits Plugin.Filter, Plugin.Scorer, Plugin.Picker {

    /** The plugin type, e.g. {@code queue-scorer}. */
    String type();

    /** The configured name (the type when not given). */
    String name();

    /** Keeps some candidates; returning none means the filter found nothing to prefer. */
    non-sealed interface Filter extends Plugin {
        List<EndpointView> filter(PickContext request, List<EndpointView> candidates);
    }

    /**
     * Scores each candidate; the framework clamps each score to [0, 1] (NaN counts as 0) and
     * multiplies it by the scorer's weight.
     */
    non-sealed interface Scorer extends Plugin {
        /** Returns one score per candidate, in order. */
        double[] score(PickContext request, List<EndpointView> candidates);

        /** Told which endpoint was picked (stateful scorers, e.g. a prefix index). */
        default void picked(PickContext request, EndpointView chosen) {}

        /**
         * Told that a request sent to the endpoint ({@code address:port}) finished, once per
         * lease (stateful scorers that count what runs where, e.g. the prefix scorer's slots).
         */
        default void finished(String endpoint) {}
    }

    /** Chooses exactly one candidate from the summed weighted scores. */
    non-sealed interface Picker extends Plugin {
        /**
         * Chooses one of the candidates.
         *
         * @param scores one total per candidate, in order; {@code candidates} is never empty
         */
        EndpointView pick(PickContext request, List<EndpointView> candidates, double[] scores);
    }
}
